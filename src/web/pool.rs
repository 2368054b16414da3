//! `Pool`, the JS class `PoolscopePool`: its Rust constructors, and the
//! pool's methods for JS, on the core and the build's host (`Host`).
//! What every JS pool class shares (the core, the host, the trace
//! readers' cursors, and the methods that read and end a pool) is
//! `PoolBase` and `pool_class_methods!`, so that `RayonPool` has them too
//! without a copy. Its child modules add what only some builds have, with
//! access to its fields: `closures` (Rust closures, shared memory), `calls`
//! (calls of a module's functions, the message-passing build),
//! `rayon_pool` (`RayonPool`, feature `rayon`) and `reader` (`EventReader`,
//! a reader of the trace with its own cursor, and `Cursors`).

use super::errors::js_error;
use super::host::Host;
use super::interop::{latency_object, set};
use super::options::{batch_args, kind_arg, parse_kind, parse_options, pool_size, specs, whole_number};
use super::BuildHost;
use crate::core::counts::Counters;
use crate::core::error::PoolError;
use crate::core::job::JobSpec;
use crate::core::options::{PoolOptions, MAX_JOBS};
use crate::core::placement::Placement;
use crate::core::pool::PoolCore;
use js_sys::{Array, Float64Array, Object, Promise};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

/// Adds to `$class` (a struct with a `base: PoolBase`) the JS methods
/// that every pool class has, as JS class `$js_class`: reading the trace,
/// the failures, the labels, the counters and the workers, and waiting
/// for, cancelling, stopping and draining the pool. Each calls `PoolBase`'s
/// method of the same name, where the code is.
macro_rules! pool_class_methods {
    ($class:ty, $js_class:ident) => {
        #[wasm_bindgen(js_class = $js_class)]
        impl $class {
            /// The events new since the last call, at most `limit` of them:
            /// `eventFields().length` numbers per job, in that order. The trace
            /// keeps the latest `traceCapacity` events; those written again before
            /// a call came to them are skipped and counted in `missedEvents`.
            #[wasm_bindgen(js_name = takeEvents)]
            pub fn take_events(&self, limit: Option<u32>) -> js_sys::Float64Array {
                self.base.take_events(limit)
            }

            /// The events the trace keeps as Chrome trace-event JSON, which
            /// Perfetto (ui.perfetto.dev) opens: a track per worker with a
            /// slice per job, counter tracks of the jobs waiting and running
            /// and of the pool's size, instants for timeouts, panics,
            /// cancels, worker replacements and resizes, and with `flows` an
            /// arrow from each job's queueing to its start. Reads the whole
            /// trace: for an export, not once a frame.
            #[wasm_bindgen(js_name = exportTrace)]
            pub fn export_trace_js(&self, flows: Option<bool>) -> String {
                self.base.core.export_trace($crate::TraceOptions {
                    flows: flows.unwrap_or(false),
                })
            }

            /// A reader of this pool's events and labels with a cursor of its
            /// own, from the oldest event the trace keeps: the views, an app
            /// and an exporter may each have one, and none takes events from
            /// another (nor from this pool's own `takeEvents`).
            pub fn reader(&self) -> $crate::EventReader {
                $crate::EventReader::new(&self.base.core)
            }

            /// Events `takeEvents` skipped so far because the trace had written
            /// them again before it was called: 0 for a reader that keeps up.
            #[wasm_bindgen(getter = missedEvents)]
            pub fn missed_events(&self) -> f64 {
                self.base.cursors.missed() as f64
            }

            /// Bytes the queue's slots and the trace hold: they grow with the jobs
            /// in flight and up to `traceCapacity`, never with the jobs run.
            #[wasm_bindgen(getter = storageBytes)]
            pub fn storage_bytes(&self) -> f64 {
                self.base.core.storage_bytes() as f64
            }

            /// How many of the latest events the trace keeps (the `traceCapacity`
            /// option, rounded up to a multiple of 4,096; 65,536 by default).
            #[wasm_bindgen(getter = traceCapacity)]
            pub fn trace_capacity(&self) -> f64 {
                self.base.core.trace_capacity() as f64
            }

            /// The panic messages new since the last call: `[{ job, worker, message }]`.
            #[wasm_bindgen(js_name = takeFailures)]
            pub fn take_failures(&self) -> js_sys::Array {
                self.base.take_failures()
            }

            /// `{ running, waiting, submitted, completed, failed, timedOut,
            /// cancelled, rejected, workers, liveWorkers }`.
            pub fn counters(&self) -> js_sys::Object {
                self.base.counters()
            }

            /// How long jobs waited (queued to started) and ran (started to
            /// finished), over the events the trace keeps, computed now from
            /// the trace: `{ jobs, fromMs, toMs, waiting, running,
            /// throughputPerSecond, utilisation, workers }`, where `waiting` and
            /// `running` are `{ jobs, meanMs, p50Ms, p90Ms, p99Ms, maxMs }` and
            /// `workers` has one `{ worker, waiting, running, utilisation }`
            /// per worker that ran one of those jobs. Cancelled jobs never ran
            /// and are left out. (Rust: `Pool::stats`, a `PoolStats`.)
            #[wasm_bindgen(js_name = stats, unchecked_return_type = "PoolStats")]
            pub fn stats_js(&self) -> js_sys::Object {
                self.base.stats()
            }

            /// One `{ id, active, jobs, busyMs, thread, runningJob, runningSinceMs, progress }`
            /// per worker that ever ran (`runningJob` 0 when it runs none;
            /// `progress` what a running closure last said with
            /// `poolscope::progress`, else null).
            pub fn workers(&self) -> js_sys::Array {
                self.base.workers()
            }

            /// The labels given to jobs queued since the last call
            /// (`spawn_labeled`): `[[job, label], ...]` in job order. The views
            /// (`www/watch.js`) take them once a frame with the events.
            #[wasm_bindgen(js_name = takeLabels)]
            pub fn take_labels(&self) -> js_sys::Array {
                self.base.take_labels()
            }

            /// The label a closure job was given (`spawn_labeled`), if any; kept
            /// for the latest `traceCapacity` labelled jobs.
            #[wasm_bindgen(js_name = labelOf)]
            pub fn label_of(&self, job: f64) -> Option<String> {
                self.base.core.label(job as u64)
            }

            /// Web Workers started and not yet ended.
            #[wasm_bindgen(getter, js_name = liveWebWorkers)]
            pub fn live_web_workers(&self) -> u32 {
                self.base.live_web_workers()
            }

            /// Worker threads lost so far (to a panic or a timeout) and replaced.
            #[wasm_bindgen(getter, js_name = lostWorkers)]
            pub fn lost_workers(&self) -> u32 {
                self.base.lost_workers()
            }

            /// Web Workers ended and started again because their module did not
            /// load within 10 s (seen in WebKitGTK under load, and once in
            /// Chromium in message-passing mode; see worker_host.js, remote_host.js).
            #[wasm_bindgen(getter, js_name = stalledWorkerStarts)]
            pub fn stalled_worker_starts(&self) -> u32 {
                self.base.stalled_worker_starts()
            }

            /// Resolves once every job queued so far has finished: Go's `wg.Wait()`.
            pub fn done(&self) -> js_sys::Promise {
                self.base.done()
            }

            /// Drops the jobs still waiting (each reported with outcome
            /// `cancelled`); running jobs finish. Returns how many were dropped.
            pub fn cancel(&self) -> f64 {
                self.base.cancel()
            }

            /// Cancels the waiting jobs and takes no more (`PoolStopped`); resolves
            /// once the running ones finished.
            pub fn stop(&self) -> js_sys::Promise {
                self.base.stop()
            }

            /// Takes no more jobs (`PoolStopped`); resolves once everything queued
            /// has finished: Go's `close(jobs); wg.Wait()`.
            pub fn drain(&self) -> js_sys::Promise {
                self.base.drain()
            }
        }
    };
}

mod call_jobs;
#[cfg(not(feature = "threads"))]
mod calls;
#[cfg(feature = "threads")]
mod closures;
#[cfg(feature = "rayon")]
mod rayon_pool;
mod reader;
#[cfg(feature = "rayon")]
pub use rayon_pool::RayonPool;
use reader::Cursors;
pub use reader::EventReader;

#[wasm_bindgen(module = "/src/web/labels.js")]
extern "C" {
    #[wasm_bindgen(js_name = unpackLabels)]
    fn unpack_labels(jobs: &[f64], text: &str, ends: &[u32]) -> Array;
}

#[wasm_bindgen(typescript_custom_section)]
const JOB_KIND_NAME: &str = r#"
/** The built-in job kinds that `submit` and its kin take by name. */
export type JobKindName = 'cpu' | 'sleep' | 'noop';
/** Waiting or running times of a set of jobs, in ms (nearest-rank percentiles). */
export interface Latency { jobs: number; meanMs: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number }
/** `stats()`: latency statistics over the events the trace keeps. */
export interface PoolStats {
  jobs: number; fromMs: number; toMs: number; waiting: Latency; running: Latency;
  throughputPerSecond: number; utilisation: number;
  workers: { worker: number; waiting: Latency; running: Latency; utilisation: number }[];
}
"#;

/// A pool of Web Workers: sharing this module's memory, or in the
/// message-passing build each with an instance of its own. Every method
/// returns at once: the thread that drives the pool (a page's main thread)
/// never waits. From Rust, `Pool::new(size)` and
/// `Pool::with_options(size, options)` as natively; from JS,
/// `new PoolscopePool(size, options)`.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = poolscope::Pool::new(2)?;
/// let answer = pool.spawn(|| 6 * 7)?.await?;
/// assert_eq!(answer, 42);
/// # Ok(()) }
/// ```
#[wasm_bindgen(js_name = PoolscopePool)]
pub struct Pool {
    base: PoolBase,
}

/// What every JS pool class is built on (`Pool`, `RayonPool`): the core,
/// the build's host, and the cursors of `takeEvents` and `takeLabels`
/// (other readers have their own: `reader()`).
/// Dropping it closes the pool and lets the host go.
struct PoolBase {
    core: Arc<PoolCore>,
    host: BuildHost,
    cursors: Cursors,
}

impl PoolBase {
    /// A pool with no workers yet: resize it, or give it external ones.
    fn new(options: PoolOptions) -> Result<PoolBase, PoolError> {
        let core = Arc::new(PoolCore::new(options)?);
        let host = BuildHost::new(&core, &options);
        Ok(PoolBase {
            core,
            host,
            cursors: Cursors::default(),
        })
    }

    // What the JS methods of `pool_class_methods!` do (documented there).

    fn take_events(&self, limit: Option<u32>) -> Float64Array {
        self.cursors.take_events(&self.core, limit)
    }

    fn take_failures(&self) -> Array {
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

    fn counters(&self) -> Object {
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

    fn stats(&self) -> Object {
        let stats = self.core.stats();
        let object = Object::new();
        set(&object, "jobs", stats.jobs as f64);
        set(&object, "fromMs", stats.from_ms);
        set(&object, "toMs", stats.to_ms);
        set(&object, "waiting", latency_object(&stats.waiting));
        set(&object, "running", latency_object(&stats.running));
        set(&object, "throughputPerSecond", stats.throughput_per_s);
        set(&object, "utilisation", stats.utilisation);
        let workers: Array = stats
            .workers
            .iter()
            .map(|worker| {
                let object = Object::new();
                set(&object, "worker", worker.worker);
                set(&object, "waiting", latency_object(&worker.waiting));
                set(&object, "running", latency_object(&worker.running));
                set(&object, "utilisation", worker.utilisation);
                JsValue::from(object)
            })
            .collect();
        set(&object, "workers", workers);
        object
    }

    fn workers(&self) -> Array {
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
                set(&object, "runningJob", stats.running_job as f64);
                set(&object, "runningSinceMs", stats.running_since_ms);
                set(&object, "progress", stats.progress.map_or(JsValue::NULL, JsValue::from));
                JsValue::from(object)
            })
            .collect()
    }

    fn take_labels(&self) -> Array {
        self.cursors.take_labels(&self.core)
    }

    fn live_web_workers(&self) -> u32 {
        self.host.live_count()
    }

    fn lost_workers(&self) -> u32 {
        self.host.lost_threads()
    }

    fn stalled_worker_starts(&self) -> u32 {
        self.host.stalled_starts()
    }

    fn done(&self) -> Promise {
        // Weak, so that a waiting `done()` does not keep a freed pool's
        // memory (its trace is megabytes): a freed pool counts as done.
        let core = Arc::downgrade(&self.core);
        self.host.when(self.core.idle_epoch(), move || {
            core.upgrade().is_none_or(|core| core.is_idle())
        })
    }

    fn cancel(&self) -> f64 {
        let cancelled = self.core.cancel();
        self.host.cancelled();
        self.host.changed();
        cancelled as f64
    }

    fn stop(&self) -> Promise {
        self.core.stop();
        self.host.cancelled();
        self.host.changed(); // idle workers end
        self.done()
    }

    fn drain(&self) -> Promise {
        self.core.close();
        self.host.changed();
        self.done()
    }
}

impl Drop for PoolBase {
    fn drop(&mut self) {
        self.core.close();
        self.host.dispose();
    }
}

/// The Rust constructors, the same as the native pool's (not exported to
/// JS, whose constructor takes a JS number and an options object).
impl Pool {
    /// A pool of `size` Web Workers (1 to `MAX_WORKERS`, else
    /// `InvalidSize`); `ready()` resolves once they run, but jobs may be
    /// queued at once.
    pub fn new(size: usize) -> Result<Pool, PoolError> {
        Pool::with_options(size, PoolOptions::default())
    }

    /// A pool with a bounded queue, a job timeout, a quota of jobs per
    /// worker and/or a trace capacity (see `PoolOptions`).
    ///
    /// ```no_run
    /// let options = poolscope::PoolOptions { job_timeout_ms: Some(5_000.0), ..Default::default() };
    /// let pool = poolscope::Pool::with_options(4, options).unwrap();
    /// ```
    pub fn with_options(size: usize, options: PoolOptions) -> Result<Pool, PoolError> {
        let pool = Pool {
            base: PoolBase::new(options)?,
        };
        let _started = pool.resize_to(size)?; // `ready()` reports it
        Ok(pool)
    }

    /// Resizes through the core, then has the host start the new workers.
    fn resize_to(&self, size: usize) -> Result<Promise, PoolError> {
        let ids = self.base.core.resize(size)?;
        let started = self.base.host.spawn(ids);
        self.base.host.changed(); // a worker told to retire may be idle
        Ok(started)
    }

    /// Queues `specs` where `placement` says and tells the host.
    fn submit_specs(
        &self,
        specs: impl ExactSizeIterator<Item = JobSpec> + Clone,
        placement: Placement,
    ) -> Result<f64, JsError> {
        let first = self.base.core.submit(specs, placement).map_err(js_error)?;
        self.base.host.changed();
        Ok(first as f64)
    }
}

#[wasm_bindgen(js_class = PoolscopePool)]
impl Pool {
    /// `new PoolscopePool(size, options)`: a pool of `size` workers (1 to
    /// `maxWorkers()`); `ready()` tells when they run. `options`, each
    /// optional: `{ capacity, jobTimeoutMs, jobsPerWorker, traceCapacity }`
    /// (a bounded queue; a job timeout in ms; a worker ends after that many
    /// jobs; how many of the latest events the trace keeps). From Rust, use
    /// `Pool::new` or `Pool::with_options`.
    #[wasm_bindgen(constructor)]
    pub fn from_js(size: f64, options: Option<Object>) -> Result<Pool, JsError> {
        let size = pool_size(size)?;
        Pool::with_options(size as usize, parse_options(options)?).map_err(js_error)
    }

    /// Resolves once every worker started so far runs its loop.
    pub fn ready(&self) -> Promise {
        self.base.host.ready()
    }

    /// Grows or shrinks the pool now: new workers take jobs as soon as they
    /// start; a retiring worker finishes its current job, then ends.
    /// Resolves once the new workers run.
    pub fn resize(&self, size: f64) -> Result<Promise, JsError> {
        let size = pool_size(size)?;
        self.resize_to(size as usize).map_err(js_error)
    }

    /// Queues `count` jobs of one `kind` (`'cpu'`, `'sleep'` or `'noop'`)
    /// costing `costMs` each; returns the first job's number. Throws
    /// `QueueFull` (queuing nothing) if a bounded queue has no room for
    /// them all; `UnknownKind`, `OutOfRange`, `InvalidCost`.
    #[wasm_bindgen(js_name = submit)]
    pub fn submit_js(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JobKindName")] kind: JsValue,
        count: f64,
        cost_ms: f64,
    ) -> Result<f64, JsError> {
        self.submit(&kind_arg(&kind)?, count, cost_ms)
    }

    /// Queues one job of `kind` per entry of `costs` (ms: a `Float64Array`
    /// or an array of numbers); `failing[i]` non-zero makes job `i` panic.
    /// Returns the first job's number; throws as `submit` does.
    #[wasm_bindgen(js_name = submitCosts)]
    pub fn submit_costs_js(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JobKindName")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] costs: JsValue,
        failing: Option<JsValue>,
    ) -> Result<f64, JsError> {
        let (kind, costs, failing) = batch_args(&kind, &costs, &failing)?;
        self.submit_costs(&kind, &costs, failing)
    }

    /// The article's manual partitioning: one contiguous slice of
    /// `ceil(jobs / size)` jobs per worker, fixed before the run starts (no
    /// resizing until every slice is taken). Returns the first job's number.
    #[wasm_bindgen(js_name = submitPartitioned)]
    pub fn submit_partitioned_js(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JobKindName")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] costs: JsValue,
        failing: Option<JsValue>,
    ) -> Result<f64, JsError> {
        let (kind, costs, failing) = batch_args(&kind, &costs, &failing)?;
        self.submit_partitioned(&kind, &costs, failing)
    }

    /// Like `submitCosts`, but when a bounded queue is full it waits for
    /// room (without blocking) and resolves with the first job's number
    /// once the whole batch is queued.
    #[wasm_bindgen(js_name = submitWait)]
    pub fn submit_wait_js(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JobKindName")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] costs: JsValue,
        failing: Option<JsValue>,
    ) -> Result<Promise, JsError> {
        let (kind, costs, failing) = batch_args(&kind, &costs, &failing)?;
        self.submit_wait(&kind, &costs, failing)
    }
}

/// The submit methods with Rust's types, for Rust callers (the JS methods
/// above check what JS hands them, then call these), and the statistics.
impl Pool {
    /// How long jobs waited and ran (p50, p90, p99, max), throughput and
    /// utilisation, per pool and per worker, over the events the trace
    /// keeps; computed now from the trace, at no cost to the workers. As
    /// natively (`poolscope::Pool::stats`).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let pool = poolscope::Pool::new(2)?;
    /// pool.map(0..100, |i| i * 2)?.in_order().await;
    /// let stats = pool.stats();
    /// assert_eq!(stats.jobs, 100);
    /// # Ok(()) }
    /// ```
    pub fn stats(&self) -> crate::PoolStats {
        self.base.core.stats()
    }

    /// The events the trace keeps as Chrome trace-event JSON for Perfetto,
    /// as natively (`poolscope::Pool::export_trace`).
    pub fn export_trace(&self, options: crate::TraceOptions) -> String {
        self.base.core.export_trace(options)
    }

    /// Queues `count` jobs of one `kind` (`cpu`, `sleep` or `noop`) costing
    /// `costMs` each; returns the first job's number. Throws `QueueFull`
    /// (queuing nothing) if a bounded queue has no room for them all.
    pub fn submit(&self, kind: &str, count: f64, cost_ms: f64) -> Result<f64, JsError> {
        let count = whole_number("job count", count, 0.0, MAX_JOBS as f64)?;
        let spec = JobSpec::new(parse_kind(kind)?, cost_ms);
        self.submit_specs(std::iter::repeat_n(spec, count as usize), Placement::Shared)
    }

    /// Queues one job of `kind` per entry of `costs` (ms); `failing[i]`
    /// non-zero makes job `i` panic. Returns the first job's number; throws
    /// `QueueFull` like `submit`.
    pub fn submit_costs(&self, kind: &str, costs: &[f64], failing: Option<Vec<u8>>) -> Result<f64, JsError> {
        let specs = specs(parse_kind(kind)?, costs, failing);
        self.submit_specs(specs.into_iter(), Placement::Shared)
    }

    /// The article's manual partitioning: one contiguous slice of
    /// `ceil(jobs / size)` jobs per worker, fixed before the run starts (no
    /// resizing until every slice is taken). Returns the first job's number.
    pub fn submit_partitioned(&self, kind: &str, costs: &[f64], failing: Option<Vec<u8>>) -> Result<f64, JsError> {
        let specs = specs(parse_kind(kind)?, costs, failing);
        self.submit_specs(specs.into_iter(), Placement::Partitioned)
    }

    /// Like `submitCosts`, but when a bounded queue is full it waits for
    /// room (without blocking) and resolves with the first job's number
    /// once the whole batch is queued.
    pub fn submit_wait(&self, kind: &str, costs: &[f64], failing: Option<Vec<u8>>) -> Result<Promise, JsError> {
        let specs = specs(parse_kind(kind)?, costs, failing);
        let total = specs.len() as u32;
        // Weak: a pool freed meanwhile goes now, not when the batch is fed.
        let core = Arc::downgrade(&self.base.core);
        let try_submit = Closure::<dyn Fn(u32) -> Result<Vec<f64>, JsError>>::new(move |offset: u32| {
            let core = core.upgrade().ok_or_else(|| js_error(PoolError::PoolStopped))?;
            // A call past the end (a late callback) queues nothing rather
            // than slicing out of range, which traps on wasm.
            let rest = specs.get(offset as usize..).unwrap_or_default();
            if rest.is_empty() {
                return Ok(vec![0.0, 0.0]);
            }
            let (first, queued) = core.submit_some(rest.iter().copied()).map_err(js_error)?;
            Ok(vec![first as f64, queued as f64])
        });
        Ok(self.base.host.submit_as_room_frees(total, try_submit))
    }
}

pool_class_methods!(Pool, PoolscopePool);
