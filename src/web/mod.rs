//! The web glue: `Pool` on Web Workers that share this module's memory,
//! exported to JavaScript. All pool logic lives in `crate::core`.

use crate::core::error::PoolError;
use crate::core::events::EVENT_FIELDS;
use crate::core::job::{self, JobKind, JobSpec};
use crate::core::pool::{Counters, PoolCore, MAX_WORKERS};
use js_sys::{Array, Float64Array, Object, Promise, Reflect};
use std::cell::Cell;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

pub use wasm_bindgen_rayon::init_thread_pool;

#[wasm_bindgen(module = "/src/web/worker_host.js")]
extern "C" {
    type WorkerHost;
    #[wasm_bindgen(constructor)]
    fn new(glue_url: &str, module: JsValue, memory: JsValue, on_start_failure: &JsValue) -> WorkerHost;
    #[wasm_bindgen(method)]
    fn spawn(this: &WorkerHost, core_pointers: Vec<u32>, ids: Vec<u32>) -> Promise;
    #[wasm_bindgen(method)]
    fn ready(this: &WorkerHost) -> Promise;
    #[wasm_bindgen(method, getter, js_name = liveCount)]
    fn live_count(this: &WorkerHost) -> u32;
    #[wasm_bindgen(js_name = announceReady)]
    fn announce_ready();
    #[wasm_bindgen(js_name = waitForIdle)]
    fn wait_for_idle(memory: JsValue, word_address: u32, is_idle: &JsValue) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    // Read in the glue module itself, so this is the URL workers import.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

fn js_error(error: PoolError) -> JsError {
    JsError::new(&error.to_string())
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    Reflect::set(object, &key.into(), &value.into()).expect("setting a field of a plain object");
}

/// A pool of Web Workers sharing this module's memory. Every method returns
/// at once: the thread that drives the pool (a page's main thread) never waits.
#[wasm_bindgen(js_name = Pool)]
pub struct WebPool {
    core: Arc<PoolCore>,
    host: WorkerHost,
    _on_start_failure: Closure<dyn Fn(u32, u32)>,
    cursor: Cell<u64>,
}

#[wasm_bindgen(js_class = Pool)]
impl WebPool {
    /// A pool of `size` workers (1 to `MAX_WORKERS`); `ready()` tells when they run.
    #[wasm_bindgen(constructor)]
    pub fn new(size: u32) -> Result<WebPool, JsError> {
        crate::core::pool::check_size(size as usize).map_err(js_error)?;
        let core = Arc::new(PoolCore::new());
        let on_start_failure = {
            let core = Arc::clone(&core);
            Closure::<dyn Fn(u32, u32)>::new(move |pointer: u32, id: u32| {
                core.abandon_worker(id);
                // SAFETY: the worker never started, so the reference `resize`
                // handed it is still ours to release.
                drop(unsafe { Arc::from_raw(pointer as *const PoolCore) });
            })
        };
        let glue_url = GLUE_URL.with(String::clone);
        let host = WorkerHost::new(&glue_url, wasm_bindgen::module(), wasm_bindgen::memory(), on_start_failure.as_ref());
        let pool = WebPool { core, host, _on_start_failure: on_start_failure, cursor: Cell::new(0) };
        let _started = pool.resize(size)?; // `ready()` reports it
        Ok(pool)
    }

    /// Resolves once every worker started so far runs its loop.
    pub fn ready(&self) -> Promise {
        self.host.ready()
    }

    /// Grows or shrinks the pool now: new workers take jobs as soon as they
    /// start; a retiring worker finishes its current job, then ends.
    pub fn resize(&self, size: u32) -> Result<Promise, JsError> {
        let ids = self.core.resize(size as usize).map_err(js_error)?;
        let pointers = ids.iter().map(|_| Arc::into_raw(Arc::clone(&self.core)) as u32).collect();
        Ok(self.host.spawn(pointers, ids))
    }

    /// Queues `count` jobs of one `kind` (`cpu`, `sleep` or `noop`) costing
    /// `cost_ms` each; returns the first job's number.
    pub fn submit(&self, kind: &str, count: u32, cost_ms: f64) -> Result<f64, JsError> {
        let spec = JobSpec::new(parse_kind(kind)?, cost_ms);
        let first = self.core.submit(std::iter::repeat_n(spec, count as usize)).map_err(js_error)?;
        Ok(first as f64)
    }

    /// Queues one job of `kind` per entry of `costs` (ms); returns the first job's number.
    #[wasm_bindgen(js_name = submitCosts)]
    pub fn submit_costs(&self, kind: &str, costs: &[f64]) -> Result<f64, JsError> {
        let kind = parse_kind(kind)?;
        let first = self.core.submit(costs.iter().map(|&cost| JobSpec::new(kind, cost))).map_err(js_error)?;
        Ok(first as f64)
    }

    /// The events new since the last call, at most `limit` of them:
    /// `eventFields().length` numbers per finished job, in that order.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&self, limit: Option<u32>) -> Float64Array {
        let mut flat = Vec::new();
        let cursor = self.core.read_events(self.cursor.get(), limit.map_or(u64::MAX, u64::from), &mut flat);
        self.cursor.set(cursor);
        Float64Array::from(&flat[..])
    }

    /// Drops the jobs still waiting (they never run) and returns how many;
    /// running jobs finish. The playground's Stop.
    #[wasm_bindgen(js_name = cancelWaiting)]
    pub fn cancel_waiting(&self) -> f64 {
        self.core.cancel_waiting() as f64
    }

    /// `{ running, waiting, submitted, completed, failed, cancelled, workers, liveWorkers }`.
    pub fn counters(&self) -> Object {
        let Counters { running, waiting, submitted, completed, failed, cancelled, workers, live_workers } =
            self.core.counters();
        let object = Object::new();
        for (key, value) in [
            ("running", running),
            ("waiting", waiting),
            ("submitted", submitted),
            ("completed", completed),
            ("failed", failed),
            ("cancelled", cancelled),
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

    /// Web Workers started and not yet ended.
    #[wasm_bindgen(getter, js_name = liveWebWorkers)]
    pub fn live_web_workers(&self) -> u32 {
        self.host.live_count()
    }

    /// Resolves once every job queued so far has finished: Go's `wg.Wait()`.
    pub fn done(&self) -> Promise {
        let core = Arc::clone(&self.core);
        let is_idle = Closure::<dyn Fn() -> bool>::new(move || core.is_idle()).into_js_value();
        let word = self.core.idle_epoch().as_ptr() as u32;
        wait_for_idle(wasm_bindgen::memory(), word, &is_idle)
    }

    /// Takes no new jobs; the workers end once the queued ones are done:
    /// Go's `close(jobs)`.
    pub fn close(&self) {
        self.core.close();
    }
}

impl Drop for WebPool {
    fn drop(&mut self) {
        self.core.close();
    }
}

fn parse_kind(kind: &str) -> Result<JobKind, JsError> {
    JobKind::from_name(kind).ok_or_else(|| js_error(PoolError::UnknownKind { value: kind.to_string() }))
}

/// The names of the numbers of each event from `Pool.takeEvents`, in order.
#[wasm_bindgen(js_name = eventFields)]
pub fn event_fields() -> Array {
    EVENT_FIELDS.iter().map(|&name| JsValue::from(name)).collect()
}

/// The largest pool size.
#[wasm_bindgen(js_name = maxWorkers)]
pub fn max_workers() -> u32 {
    MAX_WORKERS as u32
}

/// The most jobs one pool takes over its life.
#[wasm_bindgen(js_name = maxJobs)]
pub fn max_jobs() -> f64 {
    crate::core::pool::MAX_JOBS as f64
}

/// The value a `cpu` job numbered `job` of `cost_ms` must return.
#[wasm_bindgen(js_name = cpuChecksum)]
pub fn cpu_checksum(job: f64, cost_ms: f64) -> u32 {
    job::cpu_checksum(job as u64, job::cpu_iterations(cost_ms))
}

/// A number that tells the calling thread apart from every other.
#[wasm_bindgen(js_name = currentThreadSerial)]
pub fn current_thread_serial() -> f64 {
    crate::core::pool::current_thread_serial() as f64
}

/// How often a thread that must not block (a page's main thread) asked to:
/// stays 0, or the pool would freeze or trap the page.
#[wasm_bindgen(js_name = refusedWaits)]
pub fn refused_waits() -> f64 {
    crate::sys::REFUSED_WAITS.load(std::sync::atomic::Ordering::Relaxed) as f64
}

/// The entry point of each pool worker (see `worker_host.js`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __poolscopeWorkerMain)]
pub fn worker_main(core_pointer: u32, id: u32) {
    // SAFETY: `resize` leaked one reference for exactly this worker.
    let core = unsafe { Arc::from_raw(core_pointer as *const PoolCore) };
    core.run_worker(id, announce_ready);
}
