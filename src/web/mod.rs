//! The web glue: `WebPool`, exported to JavaScript as `PoolscopePool`, on
//! Web Workers. All pool logic lives in `crate::core`; one pool type and
//! one JS API for both builds, each with a host of its own:
//!
//! - `shared_host` (feature `threads`): Web Workers that share this
//!   module's memory and run the core's worker loop themselves
//!   (`worker_host.js` starts, watches and replaces them);
//! - `remote_host` (without it, for pages without cross-origin isolation):
//!   Web Workers with an instance each, driven by messages; this instance's
//!   core decides for them (`core::remote`, `remote_host.js`);
//! - `rayon_pool` (feature `rayon`): the playground's rayon strategy;
//! - `labels.js`: labels across the boundary in one call.

use crate::core::error::{JobError, PoolError};
use crate::core::events::EVENT_FIELDS;
use crate::core::events::MAX_TRACE_CAPACITY;
#[cfg(feature = "threads")]
use crate::core::handle::{Batch, JobHandle};
use crate::core::job::{self, JobKind, JobSpec};
use crate::core::pool::{self, Counters, PoolCore, PoolOptions, MAX_JOBS, MAX_WORKERS};
use js_sys::{Array, Float64Array, Object, Promise, Reflect};
use std::cell::Cell;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

#[cfg(feature = "rayon")]
pub use wasm_bindgen_rayon::init_thread_pool;

mod rayon_pool;
use rayon_pool::RayonThreads;

// Both builds' pools: the same core and the same JS API; the host differs.
#[cfg(feature = "threads")]
mod shared_host;
#[cfg(feature = "threads")]
use shared_host as host;
#[cfg(not(feature = "threads"))]
mod remote_host;
use host::Host;
#[cfg(not(feature = "threads"))]
use remote_host as host;

#[wasm_bindgen(module = "/src/web/labels.js")]
extern "C" {
    #[wasm_bindgen(js_name = unpackLabels)]
    fn unpack_labels(jobs: &[f64], text: &str, ends: &[u32]) -> Array;
}

/// A JS `Error` whose `name` is the `PoolError` variant (`QueueFull`,
/// `PoolStopped`, ...), so that callers can tell errors apart.
fn js_error(error: PoolError) -> JsError {
    named_error(error.name(), &error.to_string())
}

/// A JS `Error` with this `name` and `message`.
fn named_error(name: &str, message: &str) -> JsError {
    let js = JsError::new(message);
    // The clone is a second handle on the same JS object.
    let object: JsValue = js.clone().into();
    let _ = Reflect::set(&object, &"name".into(), &name.into());
    js
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    Reflect::set(object, &key.into(), &value.into()).expect("setting a field of a plain object");
}

/// A JS number that must be a whole number in `min..=max`, or an error
/// naming it and the range.
fn whole_number(what: &str, value: f64, min: f64, max: f64) -> Result<f64, JsError> {
    whole_number_named("OutOfRange", what, value, min, max)
}

/// `whole_number`, refused with the name of the `PoolError` variant the
/// core gives the same mistake (`InvalidSize`, ...), and its very message.
fn whole_number_named(name: &str, what: &str, value: f64, min: f64, max: f64) -> Result<f64, JsError> {
    if value.fract() == 0.0 && (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(named_error(
            name,
            &format!("{what} {value} is out of range: it must be a whole number from {min} to {max}"),
        ))
    }
}

/// A pool size from JS: 2.5 and 65 are refused as the core refuses 0.
fn pool_size(size: f64) -> Result<f64, JsError> {
    whole_number_named("InvalidSize", "pool size", size, 1.0, MAX_WORKERS as f64)
}

/// Reads `{ capacity, jobTimeoutMs, jobsPerWorker, traceCapacity }`;
/// absent fields keep their defaults.
fn parse_options(options: Option<Object>) -> Result<PoolOptions, JsError> {
    let Some(options) = options else {
        return Ok(PoolOptions::default());
    };
    let field = |key: &str| -> Result<Option<f64>, JsError> {
        let value = Reflect::get(&options, &key.into()).unwrap_or(JsValue::UNDEFINED);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        value
            .as_f64()
            .map(Some)
            .ok_or_else(|| named_error("OutOfRange", &format!("{key} {value:?} is not a number")))
    };
    let capacity = field("capacity")?
        .map(|c| whole_number_named("InvalidCapacity", "queue capacity", c, 1.0, MAX_JOBS as f64))
        .transpose()?;
    let quota = field("jobsPerWorker")?
        .map(|q| whole_number("jobs per worker", q, 1.0, MAX_JOBS as f64))
        .transpose()?;
    let trace = field("traceCapacity")?
        .map(|t| {
            whole_number_named(
                "InvalidTraceCapacity",
                "trace capacity",
                t,
                1.0,
                MAX_TRACE_CAPACITY as f64,
            )
        })
        .transpose()?;
    let options = PoolOptions {
        capacity: capacity.map(|c| c as u64),
        job_timeout_ms: field("jobTimeoutMs")?,
        jobs_per_worker: quota.map(|q| q as u64),
        trace_capacity: trace.map(|t| t as u64),
    };
    options.check().map_err(js_error)?;
    Ok(options)
}

fn parse_kind(kind: &str) -> Result<JobKind, JsError> {
    JobKind::from_name(kind).ok_or_else(|| {
        js_error(PoolError::UnknownKind {
            value: kind.to_string(),
        })
    })
}

/// One spec per cost; `failing[i] != 0` makes job `i` of the batch panic.
fn specs(kind: JobKind, costs: &[f64], failing: Option<Vec<u8>>) -> Vec<JobSpec> {
    let failing = failing.unwrap_or_default();
    costs
        .iter()
        .enumerate()
        .map(|(i, &cost)| {
            let spec = JobSpec::new(kind, cost);
            if failing.get(i).is_some_and(|&f| f != 0) {
                spec.failing()
            } else {
                spec
            }
        })
        .collect()
}

/// A pool of Web Workers sharing this module's memory. Every method returns
/// at once: the thread that drives the pool (a page's main thread) never waits.
#[wasm_bindgen(js_name = PoolscopePool)]
pub struct WebPool {
    core: Arc<PoolCore>,
    host: Host,
    /// Set for a pool whose jobs rayon runs (`withRayon`, feature `rayon`).
    rayon: Option<RayonThreads>,
    cursor: Cell<u64>,
    missed: Cell<u64>,
    label_cursor: Cell<u64>,
}

#[wasm_bindgen(js_class = PoolscopePool)]
impl WebPool {
    /// A pool of `size` workers (1 to `maxWorkers()`); `ready()` tells when
    /// they run. `options`: `{ capacity, jobTimeoutMs }`, both optional.
    #[wasm_bindgen(constructor)]
    pub fn new(size: f64, options: Option<Object>) -> Result<WebPool, JsError> {
        let size = pool_size(size)?;
        let pool = WebPool::without_workers(parse_options(options)?)?;
        let _started = pool.resize(size)?; // `ready()` reports it
        Ok(pool)
    }

    /// A rayon-run pool (see `withRayon`) or one about to be resized.
    fn without_workers(options: PoolOptions) -> Result<WebPool, JsError> {
        let core = Arc::new(PoolCore::new(options).map_err(js_error)?);
        let host = Host::new(&core, &options);
        let pool = WebPool {
            core,
            host,
            rayon: None,
            cursor: Cell::new(0),
            missed: Cell::new(0),
            label_cursor: Cell::new(0),
        };
        Ok(pool)
    }

    /// Resolves once every worker started so far runs its loop (for a
    /// rayon pool: once all its threads run).
    pub fn ready(&self) -> Promise {
        match &self.rayon {
            Some(threads) => self.rayon_ready(threads),
            None => self.host.ready(),
        }
    }

    /// Grows or shrinks the pool now: new workers take jobs as soon as they
    /// start; a retiring worker finishes its current job, then ends.
    /// Resolves once the new workers run.
    pub fn resize(&self, size: f64) -> Result<Promise, JsError> {
        if self.rayon.is_some() {
            return Err(named_error(
                "RayonSizeFixed",
                "a rayon pool's size is fixed when it is made: make a new one",
            ));
        }
        let size = pool_size(size)?;
        let ids = self.core.resize(size as usize).map_err(js_error)?;
        let started = self.host.spawn(&self.core, ids);
        self.host.changed(); // a worker told to retire may be idle
        Ok(started)
    }

    /// Queues `count` jobs of one `kind` (`cpu`, `sleep` or `noop`) costing
    /// `costMs` each; returns the first job's number. Throws `QueueFull`
    /// (queuing nothing) if a bounded queue has no room for them all.
    pub fn submit(&self, kind: &str, count: f64, cost_ms: f64) -> Result<f64, JsError> {
        let count = whole_number("job count", count, 0.0, MAX_JOBS as f64)?;
        let spec = JobSpec::new(parse_kind(kind)?, cost_ms);
        if let Some(threads) = &self.rayon {
            return self.submit_to_rayon(threads, vec![spec; count as usize]); // its threads take jobs only when handed them
        }
        let first = self
            .core
            .submit(std::iter::repeat_n(spec, count as usize))
            .map_err(js_error)?;
        self.host.changed();
        Ok(first as f64)
    }

    /// Queues one job of `kind` per entry of `costs` (ms); `failing[i]`
    /// non-zero makes job `i` panic. Returns the first job's number; throws
    /// `QueueFull` like `submit`.
    #[wasm_bindgen(js_name = submitCosts)]
    pub fn submit_costs(&self, kind: &str, costs: &[f64], failing: Option<Vec<u8>>) -> Result<f64, JsError> {
        let specs = specs(parse_kind(kind)?, costs, failing);
        match &self.rayon {
            Some(threads) => self.submit_to_rayon(threads, specs),
            None => {
                let first = self.core.submit(specs).map_err(js_error)?;
                self.host.changed();
                Ok(first as f64)
            }
        }
    }

    /// The article's manual partitioning: one contiguous slice of
    /// `ceil(jobs / size)` jobs per worker, fixed before the run starts (no
    /// resizing until every slice is taken). Returns the first job's number.
    #[wasm_bindgen(js_name = submitPartitioned)]
    pub fn submit_partitioned(&self, kind: &str, costs: &[f64], failing: Option<Vec<u8>>) -> Result<f64, JsError> {
        self.refuse_on_rayon().map_err(js_error)?;
        let specs = specs(parse_kind(kind)?, costs, failing);
        let first = self.core.submit_partitioned(&specs).map_err(js_error)?;
        self.host.changed();
        Ok(first as f64)
    }

    /// Like `submitCosts`, but when a bounded queue is full it waits for
    /// room (without blocking) and resolves with the first job's number
    /// once the whole batch is queued.
    #[wasm_bindgen(js_name = submitWait)]
    pub fn submit_wait(&self, kind: &str, costs: &[f64], failing: Option<Vec<u8>>) -> Result<Promise, JsError> {
        self.refuse_on_rayon().map_err(js_error)?;
        let specs = specs(parse_kind(kind)?, costs, failing);
        let total = specs.len() as u32;
        // Weak: a pool freed meanwhile goes now, not when JS collects this closure.
        let core = Arc::downgrade(&self.core);
        let try_submit = Closure::<dyn Fn(u32) -> Result<Vec<f64>, JsError>>::new(move |offset: u32| {
            let core = core.upgrade().ok_or_else(|| js_error(PoolError::PoolStopped))?;
            let (first, queued) = core
                .submit_some(specs[offset as usize..].iter().copied())
                .map_err(js_error)?;
            Ok(vec![first as f64, queued as f64])
        })
        .into_js_value();
        Ok(self.host.submit_as_room_frees(&self.core, total, try_submit))
    }

    /// A rayon pool's threads run only what `submit` and `submitCosts` hand
    /// them: the other ways of queuing, closures included, would leave jobs
    /// nobody takes.
    fn refuse_on_rayon(&self) -> Result<(), PoolError> {
        match self.rayon {
            Some(_) => Err(PoolError::RayonSubmitOnly),
            None => Ok(()),
        }
    }

    /// The events new since the last call, at most `limit` of them:
    /// `eventFields().length` numbers per job, in that order. The trace
    /// keeps the latest `traceCapacity` events; those written again before
    /// a call came to them are skipped and counted in `missedEvents`.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&self, limit: Option<u32>) -> Float64Array {
        let mut flat = Vec::new();
        let read = self
            .core
            .read_events(self.cursor.get(), limit.map_or(u64::MAX, u64::from), &mut flat);
        self.cursor.set(read.cursor);
        self.missed.set(self.missed.get() + read.missed);
        Float64Array::from(&flat[..])
    }

    /// Events `takeEvents` skipped so far because the trace had written
    /// them again before it was called: 0 for a reader that keeps up.
    #[wasm_bindgen(getter = missedEvents)]
    pub fn missed_events(&self) -> f64 {
        self.missed.get() as f64
    }

    /// Bytes the queue's slots and the trace hold: they grow with the jobs
    /// in flight and up to `traceCapacity`, never with the jobs run.
    #[wasm_bindgen(getter = storageBytes)]
    pub fn storage_bytes(&self) -> f64 {
        self.core.storage_bytes() as f64
    }

    /// How many of the latest events the trace keeps (the `traceCapacity`
    /// option, rounded up to a multiple of 4,096; 65,536 by default).
    #[wasm_bindgen(getter = traceCapacity)]
    pub fn trace_capacity(&self) -> f64 {
        self.core.trace_capacity() as f64
    }

    /// The panic messages new since the last call: `[{ job, worker, message }]`.
    #[wasm_bindgen(js_name = takeFailures)]
    pub fn take_failures(&self) -> Array {
        self.core
            .take_failures()
            .into_iter()
            .map(|failure| {
                let object = Object::new();
                set(&object, "job", failure.job as f64);
                set(&object, "worker", failure.worker);
                set(&object, "message", failure.message);
                JsValue::from(object)
            })
            .collect()
    }

    /// `{ running, waiting, submitted, completed, failed, timedOut,
    /// cancelled, rejected, workers, liveWorkers }`.
    pub fn counters(&self) -> Object {
        let Counters {
            running,
            waiting,
            submitted,
            completed,
            failed,
            timed_out,
            cancelled,
            rejected,
            workers,
            live_workers,
        } = self.core.counters();
        let object = Object::new();
        for (key, value) in [
            ("running", running),
            ("waiting", waiting),
            ("submitted", submitted),
            ("completed", completed),
            ("failed", failed),
            ("timedOut", timed_out),
            ("cancelled", cancelled),
            ("rejected", rejected),
            ("workers", workers),
            ("liveWorkers", live_workers),
        ] {
            set(&object, key, value as f64);
        }
        object
    }

    /// One `{ id, active, jobs, busyMs, thread }` per worker that ever ran.
    pub fn workers(&self) -> Array {
        self.core
            .worker_stats()
            .into_iter()
            .map(|stats| {
                let object = Object::new();
                set(&object, "id", stats.id);
                set(&object, "active", stats.active);
                set(&object, "jobs", stats.jobs as f64);
                set(&object, "busyMs", stats.busy_ms);
                set(&object, "thread", stats.thread as f64);
                JsValue::from(object)
            })
            .collect()
    }

    /// The labels given to jobs queued since the last call
    /// (`spawn_labeled`): `[[job, label], ...]` in job order. The views
    /// (`www/watch.js`) take them once a frame with the events.
    #[wasm_bindgen(js_name = takeLabels)]
    pub fn take_labels(&self) -> Array {
        // One string and two arrays cross to JS, which splits them: a call
        // per label cost 68 ms for a 6,144-tile render, a long task.
        let (mut text, mut jobs, mut ends) = (String::new(), Vec::new(), Vec::new());
        let cursor = self.core.labels_after(self.label_cursor.get(), |job, label| {
            text.push_str(label);
            jobs.push(job as f64);
            ends.push(label.encode_utf16().count() as u32 + ends.last().copied().unwrap_or(0));
            // JS strings count UTF-16 units
        });
        self.label_cursor.set(cursor);
        unpack_labels(&jobs, &text, &ends)
    }

    /// The label a closure job was given (`spawn_labeled`), if any; kept
    /// for the latest `traceCapacity` labelled jobs.
    #[wasm_bindgen(js_name = labelOf)]
    pub fn label_of(&self, job: f64) -> Option<String> {
        self.core.label(job as u64)
    }

    /// Web Workers started and not yet ended.
    #[wasm_bindgen(getter, js_name = liveWebWorkers)]
    pub fn live_web_workers(&self) -> u32 {
        self.host.live_count()
    }

    /// Worker threads lost so far (to a panic or a timeout) and replaced.
    #[wasm_bindgen(getter, js_name = lostWorkers)]
    pub fn lost_workers(&self) -> u32 {
        self.host.lost_threads()
    }

    /// Web Workers ended and started again because their module did not
    /// load within 10 s (seen in WebKitGTK under load; see worker_host.js).
    #[wasm_bindgen(getter, js_name = stalledWorkerStarts)]
    pub fn stalled_worker_starts(&self) -> u32 {
        self.host.stalled_starts()
    }

    /// Resolves once every job queued so far has finished: Go's `wg.Wait()`.
    pub fn done(&self) -> Promise {
        // Weak, so that the closure, which JS frees only when it collects
        // it, does not keep a freed pool's memory (its trace is megabytes):
        // a freed pool counts as done.
        let core = Arc::downgrade(&self.core);
        self.host.when(self.core.idle_epoch(), move || {
            core.upgrade().is_none_or(|core| core.is_idle())
        })
    }

    /// Drops the jobs still waiting (each reported with outcome
    /// `cancelled`); running jobs finish. Returns how many were dropped.
    pub fn cancel(&self) -> f64 {
        let cancelled = self.core.cancel();
        self.host.cancelled();
        self.host.changed();
        cancelled as f64
    }

    /// Cancels the waiting jobs and takes no more (`PoolStopped`); resolves
    /// once the running ones finished.
    pub fn stop(&self) -> Promise {
        self.core.stop();
        self.host.cancelled();
        self.host.changed(); // idle workers end
        self.done()
    }

    /// Takes no more jobs (`PoolStopped`); resolves once everything queued
    /// has finished: Go's `close(jobs); wg.Wait()`.
    pub fn drain(&self) -> Promise {
        self.core.close();
        self.host.changed();
        self.done()
    }
}

/// The message-passing build's stand-in for closures: a closure cannot
/// travel to a worker with a memory of its own, a call of a module's
/// function can.
#[cfg(not(feature = "threads"))]
#[wasm_bindgen(js_class = PoolscopePool)]
impl WebPool {
    /// Queues one job per entry of `calls`: a call of `exportName` of the
    /// wasm-bindgen module at `moduleUrl` (built without shared memory;
    /// each worker loads it once) with that entry's arguments, labelled
    /// `labels[i]` (or none), on the shared queue or in fixed slices
    /// (`partition`, as `submitPartitioned`). `settle(outcome, value, job,
    /// worker)` hears of each job once: the call's value when it completed
    /// (a typed array moves rather than being copied), the panic message
    /// when it failed. Returns the first job's number; refuses as
    /// `submitCosts` does (`QueueFull`, `PoolStopped`, `PartitionBusy`,
    /// `LabelTooLong`), queuing nothing.
    ///
    /// ```js
    /// const url = new URL('./tiles-pkg-fallback/poolscope_tiles_fallback.js', import.meta.url).href;
    /// pool.submitCalls(url, 'primesInRange', [[1000, 100, 0], [1000, 100, 1]], [], false,
    ///   (outcome, count, job, worker) => console.log(`job ${job}: ${count} primes, worker ${worker}`));
    /// ```
    #[wasm_bindgen(js_name = submitCalls)]
    pub fn submit_calls(
        &self,
        module_url: &str,
        export_name: &str,
        calls: Array,
        labels: Vec<String>,
        partition: bool,
        settle: js_sys::Function,
    ) -> Result<f64, JsError> {
        self.refuse_on_rayon().map_err(js_error)?;
        let labels = labels.into_iter().map(String::into_boxed_str).collect();
        let first = self
            .core
            .submit_remote_calls(calls.length() as u64, labels, partition)
            .map_err(js_error)?;
        self.host.keep_calls(first, module_url, export_name, &calls, &settle);
        self.host.changed();
        Ok(first as f64)
    }
}

/// Closures on the pool, from Rust (the shared-memory build: a closure
/// cannot travel to a worker with a memory of its own): the same jobs as `submit` (events,
/// counters, resizes, timeouts, cancel/stop) with results. Nothing here
/// blocks: await the handles (wasm-bindgen-futures), or turn one into a
/// JS `Promise` with `JobHandle::into_promise`.
#[cfg(feature = "threads")]
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

#[cfg(feature = "threads")]
impl<T: Into<JsValue> + Send + 'static> JobHandle<T> {
    /// A JS `Promise` of the job's value; it rejects with an `Error` whose
    /// `name` is the `JobError` variant (`Panicked`, `TimedOut`,
    /// `Cancelled`, `PoolStopped`, `ResultTaken`).
    pub fn into_promise(self) -> Promise {
        wasm_bindgen_futures::future_to_promise(async move { self.await.map(Into::into).map_err(job_error) })
    }
}

/// A JS `Error` named after the `JobError` variant, with its message.
pub fn job_error(error: JobError) -> JsValue {
    named_error(error.name(), &error.to_string()).into()
}

/// A JS `Error` named after the `PoolError` variant (`QueueFull`,
/// `PartitionBusy`, ...), with its message: what a crate's own exports
/// throw when the pool refuses their jobs, as poolscope's do.
///
/// ```no_run
/// # fn demo(pool: &poolscope::web::WebPool) -> Result<(), wasm_bindgen::JsValue> {
/// let batch = pool.map(0..4u32, |n| n + 1).map_err(poolscope::web::pool_error)?;
/// # Ok(()) }
/// ```
pub fn pool_error(error: PoolError) -> JsValue {
    js_error(error).into()
}

impl Drop for WebPool {
    fn drop(&mut self) {
        self.core.close();
        self.host.dispose();
    }
}

/// Limits and clocks, as static methods of the JS class (`PoolscopePool.nowMs()`)
/// so that the module exports no bare names a dependent could also use.
#[wasm_bindgen(js_class = PoolscopePool)]
impl WebPool {
    /// The names of the numbers of each event from `takeEvents`, in order.
    #[wasm_bindgen(js_name = eventFields)]
    pub fn event_fields() -> Array {
        EVENT_FIELDS.iter().map(|&name| JsValue::from(name)).collect()
    }

    /// The largest pool size.
    #[wasm_bindgen(js_name = maxWorkers)]
    pub fn max_workers() -> u32 {
        MAX_WORKERS as u32
    }

    /// The most jobs one pool holds waiting at once (and so the largest batch).
    #[wasm_bindgen(js_name = maxJobs)]
    pub fn max_jobs() -> f64 {
        MAX_JOBS as f64
    }

    /// The longest job timeout, in ms.
    #[wasm_bindgen(js_name = maxTimeoutMs)]
    pub fn max_timeout_ms() -> f64 {
        pool::MAX_TIMEOUT_MS
    }

    /// The value a `cpu` job numbered `job` of `cost_ms` must return.
    #[wasm_bindgen(js_name = cpuChecksum)]
    pub fn cpu_checksum(job: f64, cost_ms: f64) -> u32 {
        job::cpu_checksum(job as u64, job::cpu_iterations(cost_ms))
    }

    /// Ms since the Unix epoch on the clock of the pool's events: monotonic on
    /// each thread and ordered across threads (`src/sys/README.md`). Compare
    /// event times with this, not with `performance.timeOrigin + performance.now()`.
    #[wasm_bindgen(js_name = nowMs)]
    pub fn now_ms() -> f64 {
        crate::sys::now_ms()
    }

    /// A number that tells the calling thread apart from every other.
    #[wasm_bindgen(js_name = currentThreadSerial)]
    pub fn current_thread_serial() -> f64 {
        crate::core::workers::current_thread_serial() as f64
    }

    /// How often a thread that must not block (a page's main thread) asked to:
    /// stays 0, or the pool would freeze or trap the page.
    #[wasm_bindgen(js_name = refusedWaits)]
    pub fn refused_waits() -> f64 {
        crate::sys::REFUSED_WAITS.load(std::sync::atomic::Ordering::Relaxed) as f64
    }

    /// The size of the wasm memory in bytes (the page's instance in the
    /// fallback): it only ever grows.
    #[wasm_bindgen(js_name = memoryBytes)]
    pub fn memory_bytes() -> f64 {
        host::memory_bytes()
    }
}
