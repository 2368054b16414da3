//! The closures of `bench/closures.mjs`. Each side gets the same closure
//! and delivers every result, in input order, to the page's main thread,
//! which sums them: like for like.
#![cfg(target_arch = "wasm32")]

use js_sys::Promise;
use poolscope::web::{job_error, WebPool};
use rayon::prelude::*;
use wasm_bindgen::prelude::*;

/// What every side computes per item: cheap, so the pools' own cost shows.
#[wasm_bindgen]
pub fn work(i: u32) -> u32 {
    std::hint::black_box(i).wrapping_mul(2_654_435_761) % 1_000
}

/// `pool.map(0..n, work)`, its results awaited in input order.
#[wasm_bindgen(js_name = poolscopeClosures)]
pub fn poolscope_closures(pool: &WebPool, n: u32) -> Result<Promise, JsValue> {
    let batch = pool.map(0..n, work).map_err(|e| JsValue::from(e.to_string()))?;
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
pub fn rayon_closures(host: &WebPool, n: u32) -> Result<Promise, JsValue> {
    let results = host.spawn(move || (0..n).into_par_iter().map(work).collect::<Vec<u32>>()).map_err(|e| JsValue::from(e.to_string()))?;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        let results = results.await.map_err(job_error)?;
        Ok(results.iter().map(|&r| f64::from(r)).sum::<f64>().into())
    }))
}
