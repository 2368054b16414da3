//! The closures of `bench/closures.mjs`. Each side gets the same closure
//! and delivers every result, in input order, to the page's main thread,
//! which sums them: like for like.
#![cfg(target_arch = "wasm32")]

use js_sys::Promise;
use poolscope::{job_error, Pool};
use poolscope_example_tiles::mandelbrot::{Frame, View};
use rayon::prelude::*;
use wasm_bindgen::prelude::*;

/// What every side computes per item: cheap, so the pools' own cost shows.
#[wasm_bindgen]
pub fn work(i: u32) -> u32 {
    std::hint::black_box(i).wrapping_mul(2_654_435_761) % 1_000
}

/// `pool.map(0..n, work)`, a job per item (the per-item row), its results
/// awaited in input order.
#[wasm_bindgen(js_name = poolscopeClosures)]
pub fn poolscope_closures(pool: &Pool, n: u32) -> Result<Promise, JsValue> {
    let batch = pool
        .map_chunked(0..n, poolscope::Chunking::PerItem, work)
        .map_err(|e| JsValue::from(e.to_string()))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        let mut sum = 0.0;
        for result in batch.in_order().await {
            sum += f64::from(result.map_err(job_error)?);
        }
        Ok(sum.into())
    }))
}

/// `(0..n).into_par_iter().map(work).collect()` on wasm-bindgen-rayon's
/// pool (`initThreadPool`). `collect` blocks its caller, which the page's
/// main thread must not do, so one job on `host` (a one-worker pool)
/// calls it and hands the `Vec` back; the rayon threads do the work.
#[wasm_bindgen(js_name = rayonClosures)]
pub fn rayon_closures(host: &Pool, n: u32) -> Result<Promise, JsValue> {
    let results = host
        .spawn(move || (0..n).into_par_iter().map(work).collect::<Vec<u32>>())
        .map_err(|e| JsValue::from(e.to_string()))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        let results = results.await.map_err(job_error)?;
        Ok(results.iter().map(|&r| f64::from(r)).sum::<f64>().into())
    }))
}

fn frame(width: u32, height: u32, tile: u32) -> Result<Frame, JsValue> {
    Frame::new(width, height, tile, View::named("full").expect("a view")).map_err(JsValue::from)
}

/// A checksum of an image's bytes, on the page: each side delivers every
/// tile's pixels to the page, which reads them all.
fn checksum<'a>(tiles: impl IntoIterator<Item = &'a [u8]>) -> f64 {
    tiles
        .into_iter()
        .flat_map(|tile| tile.iter())
        .fold(0u32, |sum, &byte| sum.wrapping_mul(31).wrapping_add(u32::from(byte))) as f64
}

/// The Mandelbrot set on `pool`, one closure per tile (`pool.map`), every
/// tile's pixels delivered to the page in tile order.
#[wasm_bindgen(js_name = poolscopeMandelbrot)]
pub fn poolscope_mandelbrot(pool: &Pool, width: u32, height: u32, tile: u32) -> Result<Promise, JsValue> {
    let frame = frame(width, height, tile)?;
    let batch = pool
        .map(0..frame.tiles(), move |index| frame.render_tile(index))
        .map_err(|e| JsValue::from(e.to_string()))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        let tiles = batch
            .in_order()
            .await
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(job_error)?;
        Ok(checksum(tiles.iter().map(Vec::as_slice)).into())
    }))
}

/// The same tiles with rayon, `(0..tiles).into_par_iter().map(render_tile).collect()`,
/// called from one job on `host` (`collect` blocks) and handed to the page.
#[wasm_bindgen(js_name = rayonMandelbrot)]
pub fn rayon_mandelbrot(host: &Pool, width: u32, height: u32, tile: u32) -> Result<Promise, JsValue> {
    let frame = frame(width, height, tile)?;
    let tiles = host
        .spawn(move || {
            (0..frame.tiles())
                .into_par_iter()
                .map(|index| frame.render_tile(index))
                .collect::<Vec<_>>()
        })
        .map_err(|e| JsValue::from(e.to_string()))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        let tiles = tiles.await.map_err(job_error)?;
        Ok(checksum(tiles.iter().map(Vec::as_slice)).into())
    }))
}

/// The same tiles drawn one after another by one job on `host`: one thread.
#[wasm_bindgen(js_name = oneThreadMandelbrot)]
pub fn one_thread_mandelbrot(host: &Pool, width: u32, height: u32, tile: u32) -> Result<Promise, JsValue> {
    let frame = frame(width, height, tile)?;
    let tiles = host
        .spawn(move || {
            (0..frame.tiles())
                .map(|index| frame.render_tile(index))
                .collect::<Vec<_>>()
        })
        .map_err(|e| JsValue::from(e.to_string()))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        let tiles = tiles.await.map_err(job_error)?;
        Ok(checksum(tiles.iter().map(Vec::as_slice)).into())
    }))
}

/// The workloads of `bench/chunks.mjs`: `n * n`, and about 20 µs of
/// arithmetic per item. Closures, not `fn` pointers: the pool measures an
/// item's cost by the closure's type, and every `fn(u32) -> u32` shares one.
macro_rules! with_workload {
    ($name:expr, |$f:ident| $body:expr) => {
        match $name {
            "squares" => {
                let $f = |n: u32| n.wrapping_mul(n);
                $body
            }
            "twenty-us" => {
                let $f = |i: u32| {
                    (0..15_000u32).fold(i, |a, b| {
                        std::hint::black_box(a.wrapping_mul(1_664_525).wrapping_add(b))
                    })
                };
                $body
            }
            other => Err(JsValue::from(format!("no workload {other:?}: squares or twenty-us"))),
        }
    };
}

/// Sums `values` on the page, the same way for every side.
fn sum(values: &[u32]) -> f64 {
    values.iter().map(|&v| f64::from(v)).sum()
}

/// `pool.map(0..n, workload)` (chunks sized by `Chunking::Auto`, or a job
/// per item), its values collected in input order on the page.
#[wasm_bindgen(js_name = poolscopeMap)]
pub fn poolscope_map(pool: &Pool, name: &str, n: u32, per_item: bool) -> Result<Promise, JsValue> {
    let chunking = if per_item {
        poolscope::Chunking::PerItem
    } else {
        poolscope::Chunking::Auto
    };
    let batch = with_workload!(name, |f| pool
        .map_chunked(0..n, chunking, f)
        .map_err(|e| JsValue::from(e.to_string())))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        Ok(sum(&batch.values().await.map_err(job_error)?).into())
    }))
}

/// `pool.map_range(0..n, workload)`: the items computed from their index,
/// not collected first (as rayon's range), its values summed on the page.
#[wasm_bindgen(js_name = poolscopeMapRange)]
pub fn poolscope_map_range(pool: &Pool, name: &str, n: u32) -> Result<Promise, JsValue> {
    let batch = with_workload!(name, |f| pool
        .map_range(0..n, f)
        .map_err(|e| JsValue::from(e.to_string())))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        Ok(sum(&batch.values().await.map_err(job_error)?).into())
    }))
}

/// `(0..n).into_par_iter().map(workload).collect()` on wasm-bindgen-rayon's
/// pool, called from one job on `host` (`collect` blocks), the `Vec`
/// handed to the page.
#[wasm_bindgen(js_name = rayonMap)]
pub fn rayon_map(host: &Pool, name: &str, n: u32) -> Result<Promise, JsValue> {
    let values = with_workload!(name, |f| host
        .spawn(move || (0..n).into_par_iter().map(f).collect::<Vec<u32>>())
        .map_err(|e| JsValue::from(e.to_string())))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        Ok(sum(&values.await.map_err(job_error)?).into())
    }))
}
