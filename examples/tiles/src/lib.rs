//! Sums the tiles of a generated image on a poolscope pool, one closure per
//! tile, and says which worker summed each: an app of its own that uses
//! poolscope only through its public API, from a page's main thread.
//!
//! ```js
//! import init, { PoolscopePool as Pool, sumTiles, tileSums } from './pkg/poolscope_example_tiles.js';
//! import { watchPool } from './watch.js'; // poolscope's views, from its www/
//! await init();
//! const { sums, workers } = await tileSums(256, 4); // 256 tiles on 4 workers
//!
//! const pool = new Pool(4);                // poolscope's pool, exported by this module too (prefixed)
//! watchPool(pool, document.querySelector('#views'));
//! const sums = await sumTiles(pool, 64);   // "Job 7 (tile 6,0) is done by worker 2"
//! ```
//!
//! `www/tiles.html` is that page (`scripts/build.sh` builds this crate into
//! `www/tiles-pkg/`).

pub mod mandelbrot;
pub mod primes;

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
    (y0..y0 + TILE)
        .flat_map(|y| (x0..x0 + TILE).map(move |x| u64::from(pixel(x, y))))
        .sum()
}

/// The kernels alone, one call per job, for the message-passing fallback's
/// workers (each has its own instance of a build without shared memory):
/// the same code the closures of `web_api` run, so results match.
#[cfg(target_arch = "wasm32")]
pub mod kernels {
    use super::mandelbrot::Frame;
    use super::primes::{self, Ranges};
    use wasm_bindgen::prelude::*;

    fn frame(width: u32, height: u32, tile: u32, view: &str) -> Result<Frame, JsError> {
        Frame::with_view(width, height, tile, view).map_err(|message| JsError::new(&message))
    }

    /// Tile `index` of the picture, RGBA, as `renderMandelbrot`'s jobs draw it.
    #[wasm_bindgen(js_name = mandelbrotTile)]
    pub fn mandelbrot_tile(
        width: u32,
        height: u32,
        tile: u32,
        view: &str,
        index: u32,
    ) -> Result<js_sys::Uint8ClampedArray, JsError> {
        Ok(js_sys::Uint8ClampedArray::from(
            &frame(width, height, tile, view)?.render_tile(index)[..],
        ))
    }

    /// The whole picture in one call, as `renderMandelbrotWhole` draws it.
    #[wasm_bindgen(js_name = mandelbrotWhole)]
    pub fn mandelbrot_whole(width: u32, height: u32, view: &str) -> Result<js_sys::Uint8ClampedArray, JsError> {
        let frame = frame(width, height, super::mandelbrot::TILE_RANGE.0, view)?;
        Ok(js_sys::Uint8ClampedArray::from(&frame.render_whole()[..]))
    }

    /// The primes in range `index`, as `countPrimes`' jobs count them.
    #[wasm_bindgen(js_name = primesInRange)]
    pub fn primes_in_range(limit: u32, chunk: u32, index: u32) -> Result<u32, JsError> {
        let ranges = Ranges::new(limit, chunk).map_err(|message| JsError::new(&message))?;
        Ok(primes::count_in(ranges.range(index)))
    }

    /// Every range's count from one sieve, as `countPrimesBySieve`.
    #[wasm_bindgen(js_name = primesBySieve)]
    pub fn primes_by_sieve(limit: u32, chunk: u32) -> Result<Vec<u32>, JsError> {
        Ok(primes::sieve_counts(
            Ranges::new(limit, chunk).map_err(|message| JsError::new(&message))?,
        ))
    }
}

#[cfg(all(target_arch = "wasm32", feature = "threads"))]
pub mod web_api {
    use super::mandelbrot::Frame;
    use super::primes::{self, Ranges};
    use super::tile_sum;
    use js_sys::{Array, Object, Reflect};
    use poolscope::Pool;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    /// Sums `tiles` tiles on `pool`, a pool the page made (`new Pool(n)`)
    /// and may be watching: one closure per tile, labelled `tile x,y`, so
    /// that the views say which worker summed which tile. Resolves to the
    /// sums in tile order; rejects with the first job's named error.
    #[wasm_bindgen(js_name = sumTiles)]
    pub fn sum_tiles(pool: &Pool, tiles: u32) -> Result<js_sys::Promise, JsValue> {
        let handles = (0..tiles)
            .map(|index| pool.spawn_labeled(&format!("tile {},{}", index % 16, index / 16), move || tile_sum(index)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(poolscope::pool_error)?;
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let sums = Array::new();
            for handle in handles {
                sums.push(&(handle.await.map_err(poolscope::job_error)? as f64).into());
            }
            Ok(sums.into())
        }))
    }

    /// Sums `tiles` tiles on a pool of `workers`: resolves to
    /// `{ sums, workers }`, the sums in tile order and, for each tile, the
    /// worker that summed it (from the pool's events). Never blocks the page.
    #[wasm_bindgen(js_name = tileSums)]
    pub async fn tile_sums(tiles: u32, workers: f64) -> Result<Object, JsValue> {
        let pool = Pool::from_js(workers, None)?;
        JsFuture::from(pool.ready()).await?;
        // A job per tile: the page shows which worker summed which tile.
        let batch = pool
            .map_chunked(0..tiles, poolscope::Chunking::PerItem, tile_sum)
            .map_err(poolscope::pool_error)?;
        let jobs = batch.jobs();
        let mut sums = Vec::with_capacity(tiles as usize);
        for result in batch.in_order().await {
            sums.push(result.map_err(poolscope::job_error)? as f64);
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
        Reflect::set(
            &result,
            &"sums".into(),
            &sums.iter().copied().map(JsValue::from).collect::<Array>(),
        )?;
        Reflect::set(
            &result,
            &"workers".into(),
            &by_job.iter().copied().map(JsValue::from).collect::<Array>(),
        )?;
        Ok(result)
    }

    /// A JS object of numbers: what `onTile` and `onRange` are given.
    fn numbers(fields: &[(&str, f64)]) -> Result<Object, JsValue> {
        let object = Object::new();
        for &(key, value) in fields {
            Reflect::set(&object, &key.into(), &value.into())?;
        }
        Ok(object)
    }

    /// A JS `Error` named `OutOfRange`, as poolscope names its own.
    fn out_of_range(message: &str) -> JsValue {
        let error = js_sys::Error::new(message);
        error.set_name("OutOfRange");
        error.into()
    }

    /// Hands finished jobs to the page in slices of at most `SLICE_MS`,
    /// with a turn of the event loop between: a loop that hands thousands
    /// of finished tiles over at once would be one long task.
    struct Slices {
        began: f64,
    }

    /// How long one slice may last, in ms.
    const SLICE_MS: f64 = 8.0;

    impl Slices {
        fn new() -> Slices {
            Slices {
                began: poolscope::clock::now_ms(),
            }
        }

        /// Lets the browser run other tasks (and draw) once this slice has
        /// had its time.
        async fn breathe_if_due(&mut self) {
            if poolscope::clock::now_ms() - self.began <= SLICE_MS {
                return;
            }
            let set_timeout: js_sys::Function = Reflect::get(&js_sys::global(), &"setTimeout".into())
                .expect("setTimeout")
                .into();
            let tick = js_sys::Promise::new(&mut |resolve, _| {
                set_timeout
                    .call2(&JsValue::NULL, &resolve, &0.into())
                    .expect("setTimeout");
            });
            let _ = JsFuture::from(tick).await;
            self.began = poolscope::clock::now_ms();
        }
    }

    /// One job per item on the shared queue, or (`partition`) in the
    /// article's fixed slices, one contiguous slice per worker.
    fn map_tiles<T: Send + 'static>(
        pool: &Pool,
        partition: bool,
        items: std::ops::Range<u32>,
        label: impl Fn(&u32) -> String,
        f: impl Fn(u32) -> T + Send + Sync + 'static,
    ) -> Result<poolscope::Batch<T>, poolscope::PoolError> {
        if partition {
            pool.map_partitioned(items, label, f)
        } else {
            pool.map_labeled_chunked(items, poolscope::Chunking::PerItem, label, f)
        }
    }

    fn frame(width: u32, height: u32, tile: u32, view: &str) -> Result<Frame, JsValue> {
        Frame::with_view(width, height, tile, view).map_err(|message| out_of_range(&message))
    }

    /// Draws the Mandelbrot set on `pool`, one closure per tile, labelled
    /// `tile column,row`, and calls `onTile(tile)` as each finishes, in the
    /// order they finish: `tile` is `{ index, x, y, width, height, pixels,
    /// worker, job }`, `pixels` RGBA (`Uint8ClampedArray`, ready for
    /// `ImageData`), `worker` the worker that drew it (`current_job`).
    /// Resolves to the number of tiles once every one is drawn; rejects with
    /// the first failed job's named error. A bad size or view throws
    /// `OutOfRange` and queues nothing. `partition` (optional): the tiles in
    /// fixed slices, one per worker, as the article partitions by hand
    /// (`map_partitioned`). Never blocks the page.
    #[wasm_bindgen(js_name = renderMandelbrot)]
    pub fn render_mandelbrot(
        pool: &Pool,
        width: u32,
        height: u32,
        tile: u32,
        view: &str,
        on_tile: js_sys::Function,
        partition: Option<bool>,
    ) -> Result<js_sys::Promise, JsValue> {
        let frame = frame(width, height, tile, view)?;
        let mut batch = map_tiles(
            pool,
            partition.unwrap_or(false),
            0..frame.tiles(),
            |&index| {
                let (column, row) = frame.tile_position(index);
                format!("tile {column},{row}")
            },
            move |index| {
                (
                    frame.render_tile(index),
                    poolscope::current_job().map_or(0, |(_, worker)| worker),
                )
            },
        )
        .map_err(poolscope::pool_error)?;
        let jobs = batch.jobs();
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let mut slices = Slices::new();
            while let Some((index, result)) = batch.next_finished().await {
                slices.breathe_if_due().await;
                let (pixels, worker) = result.map_err(poolscope::job_error)?;
                let (x, y, width, height) = frame.tile_rect(index as u32);
                let tile = numbers(&[
                    ("index", index as f64),
                    ("x", x.into()),
                    ("y", y.into()),
                    ("width", width.into()),
                    ("height", height.into()),
                    ("worker", worker.into()),
                    ("job", jobs[index] as f64),
                ])?;
                Reflect::set(&tile, &"pixels".into(), &js_sys::Uint8ClampedArray::from(&pixels[..]))?;
                on_tile.call1(&JsValue::NULL, &tile)?;
            }
            Ok(frame.tiles().into())
        }))
    }

    /// The same picture drawn whole by one closure (one thread, off the
    /// page's main thread): resolves to its RGBA pixels, for checking a
    /// tiled render pixel for pixel.
    #[wasm_bindgen(js_name = renderMandelbrotWhole)]
    pub fn render_mandelbrot_whole(
        pool: &Pool,
        width: u32,
        height: u32,
        view: &str,
    ) -> Result<js_sys::Promise, JsValue> {
        let frame = frame(width, height, super::mandelbrot::TILE_RANGE.0, view)?;
        let whole = pool
            .spawn_labeled("the whole image, one thread", move || frame.render_whole())
            .map_err(poolscope::pool_error)?;
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let pixels = whole.await.map_err(poolscope::job_error)?;
            Ok(js_sys::Uint8ClampedArray::from(&pixels[..]).into())
        }))
    }

    /// Counts the primes below `limit` on `pool`, one closure per range of
    /// `chunk` numbers, labelled `primes from-to`, and calls
    /// `onRange({ index, start, end, count, worker, job })` as each
    /// finishes. Resolves to the total; a bad size throws `OutOfRange` and
    /// queues nothing. `partition` as for `renderMandelbrot`.
    #[wasm_bindgen(js_name = countPrimes)]
    pub fn count_primes(
        pool: &Pool,
        limit: u32,
        chunk: u32,
        on_range: js_sys::Function,
        partition: Option<bool>,
    ) -> Result<js_sys::Promise, JsValue> {
        let ranges = Ranges::new(limit, chunk).map_err(|message| out_of_range(&message))?;
        let mut batch = map_tiles(
            pool,
            partition.unwrap_or(false),
            0..ranges.len(),
            |&index| {
                let (start, end) = ranges.range(index);
                format!("primes {start}-{}", end - 1)
            },
            move |index| {
                (
                    primes::count_in(ranges.range(index)),
                    poolscope::current_job().map_or(0, |(_, worker)| worker),
                )
            },
        )
        .map_err(poolscope::pool_error)?;
        let jobs = batch.jobs();
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let mut total = 0.0;
            let mut slices = Slices::new();
            while let Some((index, result)) = batch.next_finished().await {
                slices.breathe_if_due().await;
                let (count, worker) = result.map_err(poolscope::job_error)?;
                let (start, end) = ranges.range(index as u32);
                let range = numbers(&[
                    ("index", index as f64),
                    ("start", start.into()),
                    ("end", end.into()),
                    ("count", count.into()),
                    ("worker", worker.into()),
                    ("job", jobs[index] as f64),
                ])?;
                on_range.call1(&JsValue::NULL, &range)?;
                total += f64::from(count);
            }
            Ok(total.into())
        }))
    }

    /// Each range's count from one sieve over them all, in one job (one
    /// thread, another method): resolves to the counts in range order.
    #[wasm_bindgen(js_name = countPrimesBySieve)]
    pub fn count_primes_by_sieve(pool: &Pool, limit: u32, chunk: u32) -> Result<js_sys::Promise, JsValue> {
        let ranges = Ranges::new(limit, chunk).map_err(|message| out_of_range(&message))?;
        let counts = pool
            .spawn_labeled("sieve, one thread", move || primes::sieve_counts(ranges))
            .map_err(poolscope::pool_error)?;
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let counts = counts.await.map_err(poolscope::job_error)?;
            Ok(counts.into_iter().map(JsValue::from).collect::<Array>().into())
        }))
    }
}
