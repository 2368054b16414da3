//! The class's static methods: limits, the names of an event's fields,
//! outcomes and kinds (so that JS copies no number of the core's), and
//! clocks.

use super::host::Host;
use super::BuildHost;
use super::Pool;
use crate::core::events::EVENT_FIELDS;
use crate::core::job::{self, JobKind, Outcome};
use crate::core::options::{MAX_JOBS, MAX_TIMEOUT_MS, MAX_WORKERS};
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// Limits and clocks, as static methods of the JS class (`PoolscopePool.nowMs()`)
/// so that the module exports no bare names a dependent could also use.
#[wasm_bindgen(js_class = PoolscopePool)]
impl Pool {
    /// The names of the numbers of each event from `takeEvents`, in order.
    #[wasm_bindgen(js_name = eventFields)]
    pub fn event_fields() -> Array {
        EVENT_FIELDS.iter().map(|&name| JsValue::from(name)).collect()
    }

    /// The name of each outcome, at its number (an event's `outcome`
    /// field): `['completed', 'failed', 'timed out', 'cancelled']`.
    ///
    /// ```js
    /// const outcome = PoolscopePool.outcomes()[event[PoolscopePool.eventFields().indexOf('outcome')]];
    /// ```
    pub fn outcomes() -> Array {
        Outcome::ALL
            .iter()
            .map(|outcome| JsValue::from(outcome.name()))
            .collect()
    }

    /// The name of each job kind, at its number (an event's `kind` field):
    /// `['cpu', 'sleep', 'noop', 'closure']`; the first three can be
    /// queued by name (`submit`).
    pub fn kinds() -> Array {
        JobKind::BY_NUMBER
            .iter()
            .map(|kind| JsValue::from(kind.name()))
            .collect()
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
        MAX_TIMEOUT_MS
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
        BuildHost::memory_bytes()
    }

    /// Pools of this module whose memory (queue, trace, labels) is still
    /// held: a pool counts until it was freed and its last worker left,
    /// whatever JavaScript's collector does. For a leak check:
    /// `PoolscopePool.livePools()` is 0 once every pool is freed and
    /// `liveWebWorkers` was 0 for each.
    #[wasm_bindgen(js_name = livePools)]
    pub fn live_pools() -> u32 {
        crate::core::pool::live_pools() as u32
    }
}
