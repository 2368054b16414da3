//! Sums the tiles of a generated image on a poolscope pool, one closure per
//! tile, and says which worker summed each: an app of its own that uses
//! poolscope only through its public API, from a page's main thread.
//!
//! ```js
//! import init, { Pool, sumTiles, tileSums } from './pkg/poolscope_example_tiles.js';
//! import { watchPool } from './watch.js'; // poolscope's views, from its www/
//! await init();
//! const { sums, workers } = await tileSums(256, 4); // 256 tiles on 4 workers
//!
//! const pool = new Pool(4);                // poolscope's pool, exported by this module too
//! watchPool(pool, document.querySelector('#views'));
//! const sums = await sumTiles(pool, 64);   // "Job 7 (tile 6,0) is done by worker 2"
//! ```
//!
//! `www/tiles.html` is that page (`scripts/build.sh` builds this crate into
//! `www/tiles-pkg/`).

/// The value of pixel `(x, y)` of the generated image: cheap, but not so
/// cheap that summing a tile is nothing.
pub fn pixel(x: u32, y: u32) -> u32 {
    let mut h = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77);
    for _ in 0..8 {
        h ^= h >> 15;
        h = h.wrapping_mul(0x2C1B_3C6D);
    }
    h & 0xff
}

/// The side of a tile, in pixels.
pub const TILE: u32 = 64;

/// The sum of tile `index` (16 tiles a row): what each job computes.
pub fn tile_sum(index: u32) -> u64 {
    let (x0, y0) = (index % 16 * TILE, index / 16 * TILE);
    (y0..y0 + TILE).flat_map(|y| (x0..x0 + TILE).map(move |x| u64::from(pixel(x, y)))).sum()
}

#[cfg(target_arch = "wasm32")]
pub mod web_api {
    use super::tile_sum;
    use js_sys::{Array, Object, Reflect};
    use poolscope::web::WebPool;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    /// Sums `tiles` tiles on `pool`, a pool the page made (`new Pool(n)`)
    /// and may be watching: one closure per tile, labelled `tile x,y`, so
    /// that the views say which worker summed which tile. Resolves to the
    /// sums in tile order; rejects with the first job's named error.
    #[wasm_bindgen(js_name = sumTiles)]
    pub fn sum_tiles(pool: &WebPool, tiles: u32) -> Result<js_sys::Promise, JsValue> {
        let handles = (0..tiles)
            .map(|index| pool.spawn_labeled(&format!("tile {},{}", index % 16, index / 16), move || tile_sum(index)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| JsValue::from(e.to_string()))?;
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let sums = Array::new();
            for handle in handles {
                sums.push(&(handle.await.map_err(poolscope::web::job_error)? as f64).into());
            }
            Ok(sums.into())
        }))
    }

    /// Sums `tiles` tiles on a pool of `workers`: resolves to
    /// `{ sums, workers }`, the sums in tile order and, for each tile, the
    /// worker that summed it (from the pool's events). Never blocks the page.
    #[wasm_bindgen(js_name = tileSums)]
    pub async fn tile_sums(tiles: u32, workers: f64) -> Result<Object, JsValue> {
        let pool = WebPool::new(workers, None)?;
        JsFuture::from(pool.ready()).await?;
        let batch = pool.map(0..tiles, tile_sum).map_err(|e| JsValue::from(e.to_string()))?;
        let jobs = batch.jobs();
        let mut sums = Vec::with_capacity(tiles as usize);
        for result in batch.in_order().await {
            sums.push(result.map_err(poolscope::web::job_error)? as f64);
        }
        // Who ran what: the events name each job's worker.
        JsFuture::from(pool.done()).await?;
        let fields = poolscope::EVENT_FIELDS.len();
        let events = pool.take_events(None).to_vec();
        let mut by_job = vec![0.0; tiles as usize];
        for event in events.chunks(fields) {
            if let Some(index) = jobs.iter().position(|&job| job as f64 == event[0]) {
                by_job[index] = event[1];
            }
        }
        let result = Object::new();
        Reflect::set(&result, &"sums".into(), &sums.iter().copied().map(JsValue::from).collect::<Array>())?;
        Reflect::set(&result, &"workers".into(), &by_job.iter().copied().map(JsValue::from).collect::<Array>())?;
        Ok(result)
    }
}
