//! `RayonPool`, the JS class `PoolscopeRayonPool`: the playground's rayon
//! strategy, a pool whose jobs a rayon pool runs with work stealing. A
//! type of its own, so that `Pool` has no rayon case: it shares `Pool`'s
//! core, host and read-side methods (`PoolBase`, `pool_class_methods!`)
//! and has its own `ready`, `submit` and `submitCosts`. Behind the opt-in
//! feature `rayon`, so that a crate that only wants the pool does not
//! build rayon and wasm-bindgen-rayon into its module.

use super::{Pool, PoolBase};
use crate::core::error::PoolError;
use crate::core::job::JobSpec;
use crate::core::options::{PoolOptions, MAX_JOBS};
use crate::core::placement::Placement;
use crate::web::errors::{js_error, named_error};
use crate::web::host::Host;
use crate::web::options::{batch_args, kind_arg, parse_kind, pool_size, specs, whole_number};
use crate::web::shared_host::GLUE_URL;
use js_sys::Promise;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/worker_host.js")]
extern "C" {
    #[wasm_bindgen(js_name = spawnRayonThread)]
    fn spawn_rayon_thread(glue_url: &str, module: JsValue, memory: JsValue, pointer: u32);
}

/// A pool whose jobs rayon runs with work stealing (`par_iter`), on a
/// rayon pool of its own size. wasm-bindgen-rayon builds one global pool
/// per page, of one size; to give every run the size it asks for, this
/// spawns the rayon threads as Web Workers itself, the way
/// wasm-bindgen-rayon does. Worker numbers are rayon's thread indices plus
/// one. It runs only built-in jobs handed to it with `submit` and
/// `submitCosts` (rayon's threads take nothing from the queue by
/// themselves), and none that fails (a panic would take a rayon thread
/// down with it). From JS, `PoolscopePool.withRayon(size)` or
/// `new PoolscopeRayonPool(size)`. Feature `rayon`.
///
/// ```js
/// const pool = PoolscopePool.withRayon(2);
/// await pool.ready();
/// pool.submit('cpu', 100, 1);
/// await pool.done();
/// ```
#[wasm_bindgen(js_name = PoolscopeRayonPool)]
pub struct RayonPool {
    // First: dropping it closes the pool before rayon's threads are told to end.
    base: PoolBase,
    threads: rayon::ThreadPool,
}

#[wasm_bindgen(js_class = PoolscopePool)]
impl Pool {
    /// A pool whose jobs rayon runs on `size` threads of its own (1 to
    /// `maxWorkers()`): a `PoolscopeRayonPool`. Feature `rayon`.
    #[wasm_bindgen(js_name = withRayon)]
    pub fn with_rayon(size: f64) -> Result<RayonPool, JsError> {
        RayonPool::from_js(size)
    }
}

#[wasm_bindgen(js_class = PoolscopeRayonPool)]
impl RayonPool {
    /// `new PoolscopeRayonPool(size)`, the same as
    /// `PoolscopePool.withRayon(size)`: `size` rayon threads (1 to
    /// `maxWorkers()`), each a Web Worker; `ready()` tells when they run.
    #[wasm_bindgen(constructor)]
    pub fn from_js(size: f64) -> Result<RayonPool, JsError> {
        let size = pool_size(size)? as usize;
        let glue_url = GLUE_URL.with(String::clone);
        let base = PoolBase::new(PoolOptions::default()).map_err(js_error)?;
        base.core.adopt_external_workers(size).map_err(js_error)?;
        let (starting, ending) = (Arc::clone(&base.core), Arc::clone(&base.core));
        let threads = rayon::ThreadPoolBuilder::new()
            .num_threads(size)
            .spawn_handler(|thread| {
                let pointer = Box::into_raw(Box::new(thread)) as u32;
                spawn_rayon_thread(&glue_url, wasm_bindgen::module(), wasm_bindgen::memory(), pointer);
                Ok(())
            })
            // Counted live like pool workers, so that `ready()` waits for them.
            .start_handler(move |_| starting.thread_started())
            .exit_handler(move |_| ending.thread_ended())
            .build()
            .map_err(|e| JsError::new(&e.to_string()))?;
        Ok(RayonPool { base, threads })
    }

    /// Resolves once all of the rayon pool's threads run.
    pub fn ready(&self) -> Promise {
        let core = Arc::downgrade(&self.base.core);
        let size = self.threads.current_num_threads() as u64;
        // A rayon thread announces its start on the idle futex (`thread_started`),
        // which the host's `when` watches.
        self.base.host.when(self.base.core.idle_epoch(), move || {
            core.upgrade().is_none_or(|core| core.counters().live_workers >= size)
        })
    }

    /// Refused (`RayonSizeFixed`): a rayon pool's size is fixed when it is
    /// made. Here so that a caller that resizes any pool learns it by name.
    pub fn resize(&self, _size: f64) -> Result<Promise, JsError> {
        Err(named_error(
            "RayonSizeFixed",
            "a rayon pool's size is fixed when it is made: make a new one",
        ))
    }

    /// Queues `count` jobs of one `kind` (`cpu`, `sleep` or `noop`) costing
    /// `costMs` each and hands them to rayon; returns the first job's number.
    #[wasm_bindgen(js_name = submit)]
    pub fn submit_js(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JobKindName")] kind: JsValue,
        count: f64,
        cost_ms: f64,
    ) -> Result<f64, JsError> {
        self.submit(&kind_arg(&kind)?, count, cost_ms)
    }

    /// Queues one job of `kind` per entry of `costs` (ms) and hands them to
    /// rayon; returns the first job's number. A failing job is refused
    /// (`RayonCannotFail`).
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

    /// Refused (`RayonSubmitOnly`): fixed slices would go to workers that
    /// rayon's threads are not.
    #[wasm_bindgen(js_name = submitPartitioned)]
    pub fn submit_partitioned_js(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JobKindName")] _kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] _costs: JsValue,
        _failing: Option<JsValue>,
    ) -> Result<f64, JsError> {
        Err(js_error(PoolError::RayonSubmitOnly))
    }

    /// Refused (`RayonSubmitOnly`): jobs fed as room frees would wait in a
    /// queue that rayon's threads never look at.
    #[wasm_bindgen(js_name = submitWait)]
    pub fn submit_wait_js(
        &self,
        #[wasm_bindgen(unchecked_param_type = "JobKindName")] _kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Float64Array | number[]")] _costs: JsValue,
        _failing: Option<JsValue>,
    ) -> Result<Promise, JsError> {
        Err(js_error(PoolError::RayonSubmitOnly))
    }

    /// The names of an event's numbers, as `PoolscopePool.eventFields()`:
    /// so that a reader that finds them on its pool's class (`watchPool`)
    /// reads a rayon pool too.
    #[wasm_bindgen(js_name = eventFields)]
    pub fn event_fields() -> js_sys::Array {
        Pool::event_fields()
    }

    /// The outcomes' names, as `PoolscopePool.outcomes()` (`RunModel`,
    /// which `watchPool` makes from the pool's class, reads them too).
    pub fn outcomes() -> js_sys::Array {
        Pool::outcomes()
    }

    /// The kinds' names, as `PoolscopePool.kinds()`, for the same readers.
    pub fn kinds() -> js_sys::Array {
        Pool::kinds()
    }
}

impl RayonPool {
    /// Queues `count` jobs of one `kind` (`cpu`, `sleep` or `noop`) costing
    /// `cost_ms` each and hands them to rayon; returns the first job's number.
    pub fn submit(&self, kind: &str, count: f64, cost_ms: f64) -> Result<f64, JsError> {
        let count = whole_number("job count", count, 0.0, MAX_JOBS as f64)?;
        let spec = JobSpec::new(parse_kind(kind)?, cost_ms);
        self.submit_to_rayon(vec![spec; count as usize])
    }

    /// Queues one job of `kind` per entry of `costs` (ms) and hands them to
    /// rayon; returns the first job's number. A failing job is refused
    /// (`RayonCannotFail`).
    pub fn submit_costs(&self, kind: &str, costs: &[f64], failing: Option<Vec<u8>>) -> Result<f64, JsError> {
        self.submit_to_rayon(specs(parse_kind(kind)?, costs, failing))
    }

    /// Refused (`RayonSubmitOnly`), as `submitPartitioned`.
    pub fn submit_partitioned(&self, _kind: &str, _costs: &[f64], _failing: Option<Vec<u8>>) -> Result<f64, JsError> {
        Err(js_error(PoolError::RayonSubmitOnly))
    }

    /// Refused (`RayonSubmitOnly`), as `submitWait`.
    pub fn submit_wait(&self, _kind: &str, _costs: &[f64], _failing: Option<Vec<u8>>) -> Result<Promise, JsError> {
        Err(js_error(PoolError::RayonSubmitOnly))
    }

    /// Queues `specs` and hands them to the rayon pool's threads, which
    /// take no job from the queue by themselves.
    fn submit_to_rayon(&self, specs: Vec<JobSpec>) -> Result<f64, JsError> {
        if specs.iter().any(|spec| spec.fail) {
            return Err(named_error(
                "RayonCannotFail",
                "rayon cannot run failing jobs here: on wasm a panic aborts the rayon thread",
            ));
        }
        let core = &self.base.core;
        let first = core.submit(specs, Placement::Shared).map_err(js_error)?;
        let jobs = core.take_all_for_external();
        let core = Arc::clone(core);
        self.threads.spawn(move || {
            use rayon::prelude::*;
            jobs.into_par_iter().for_each(|job| {
                let worker = rayon::current_thread_index().map_or(1, |index| index as u32 + 1);
                core.run_external(job, worker);
            });
        });
        Ok(first as f64)
    }
}

pool_class_methods!(RayonPool, PoolscopeRayonPool);

/// The entry point of each rayon thread of a `RayonPool`.
#[doc(hidden)]
#[wasm_bindgen(js_name = __poolscopeRayonThread)]
pub fn rayon_thread(pointer: u32) {
    crate::sys::allow_blocking_on_this_thread();
    // SAFETY: `RayonPool::from_js` boxed this builder for exactly this thread.
    let thread = unsafe { Box::from_raw(pointer as *mut rayon::ThreadBuilder) };
    thread.run();
}
