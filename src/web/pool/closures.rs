//! Rust closures on a `WebPool` (the shared-memory build), and a job
//! handle as a JS `Promise`.

use super::WebPool;
use crate::core::error::PoolError;
use crate::core::handle::{Batch, JobHandle};
use crate::web::errors::job_error;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

/// Closures on the pool, from Rust (the shared-memory build: a closure
/// cannot travel to a worker with a memory of its own): the same jobs as `submit` (events,
/// counters, resizes, timeouts, cancel/stop) with results. Nothing here
/// blocks: await the handles (wasm-bindgen-futures), or turn one into a
/// JS `Promise` with `JobHandle::into_promise`.
impl WebPool {
    /// Runs closure `f` on a worker; see `poolscope::Pool::spawn` for the
    /// errors. On wasm a panicking closure traps its thread: its message
    /// reaches the handle, but what it owned is never dropped (leaked).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let pool = poolscope::web::WebPool::new(2.0, None).unwrap();
    /// let answer = pool.spawn(|| 6 * 7)?.await?;
    /// assert_eq!(answer, 42);
    /// # Ok(()) }
    /// ```
    pub fn spawn<T, F>(&self, f: F) -> Result<JobHandle<T>, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.refuse_on_rayon()?;
        self.core.spawn(None, f)
    }

    /// `spawn` with a label (at most `MAX_LABEL_BYTES`), which the views
    /// show (`labelOf` from JS).
    pub fn spawn_labeled<T, F>(&self, label: &str, f: F) -> Result<JobHandle<T>, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.refuse_on_rayon()?;
        self.core.spawn(Some(label), f)
    }

    /// Runs `f(item)` for every item, one job each; the batch gives the
    /// results in input order (`in_order().await`) or as jobs finish
    /// (`next_finished().await`).
    ///
    /// ```no_run
    /// # async fn demo() {
    /// let pool = poolscope::web::WebPool::new(4.0, None).unwrap();
    /// let mut tiles = pool.map(0..16u32, |tile| tile * tile).unwrap();
    /// while let Some((index, result)) = tiles.next_finished().await {
    ///     web_sys::console::log_1(&format!("tile {index}: {result:?}").into());
    /// }
    /// # }
    /// ```
    pub fn map<I, T, F>(&self, items: impl IntoIterator<Item = I>, f: F) -> Result<Batch<T>, PoolError>
    where
        I: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.refuse_on_rayon()?;
        self.core.map(items, None, false, f)
    }

    /// `map` with a label for each job, `label(&item)` (each at most
    /// `MAX_LABEL_BYTES`), which the views show: "Job 7 (tile 2,3) is done
    /// by worker 2".
    ///
    /// ```no_run
    /// # async fn demo() {
    /// let pool = poolscope::web::WebPool::new(4.0, None).unwrap();
    /// let tiles = pool.map_labeled(0..16u32, |t| format!("tile {}", t), |t| t * t).unwrap();
    /// assert_eq!(tiles.in_order().await.len(), 16);
    /// # }
    /// ```
    pub fn map_labeled<I, T, F>(
        &self,
        items: impl IntoIterator<Item = I>,
        label: impl Fn(&I) -> String,
        f: F,
    ) -> Result<Batch<T>, PoolError>
    where
        I: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.refuse_on_rayon()?;
        self.core.map(items, Some(&label), false, f)
    }

    /// `map_labeled` in the article's manual partitioning: contiguous slices
    /// of `ceil(len / workers)` jobs, slice `k` for worker `k`, fixed before
    /// any runs. The pool must be idle (`PartitionBusy`); resizing is
    /// refused (`PartitionFixed`) until every slice is taken.
    ///
    /// ```no_run
    /// # async fn demo() {
    /// let pool = poolscope::web::WebPool::new(2.0, None).unwrap();
    /// let rows = pool.map_partitioned(0..8u32, |r| format!("row {r}"), |r| r * 2).unwrap();
    /// assert_eq!(rows.in_order().await.len(), 8);
    /// # }
    /// ```
    pub fn map_partitioned<I, T, F>(
        &self,
        items: impl IntoIterator<Item = I>,
        label: impl Fn(&I) -> String,
        f: F,
    ) -> Result<Batch<T>, PoolError>
    where
        I: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.refuse_on_rayon()?;
        self.core.map(items, Some(&label), true, f)
    }
}

impl<T: Into<JsValue> + Send + 'static> JobHandle<T> {
    /// A JS `Promise` of the job's value; it rejects with an `Error` whose
    /// `name` is the `JobError` variant (`Panicked`, `TimedOut`,
    /// `Cancelled`, `PoolStopped`, `ResultTaken`).
    pub fn into_promise(self) -> Promise {
        wasm_bindgen_futures::future_to_promise(async move { self.await.map(Into::into).map_err(job_error) })
    }
}
