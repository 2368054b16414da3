//! `submitCalls`, the message-passing build's way to run a crate's own
//! work: calls of a module's functions, made in the workers' instances.

use super::Pool;
use crate::core::placement::Placement;
use crate::web::errors::js_error;
use crate::web::host::Host;
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// The message-passing build's stand-in for closures: a closure cannot
/// travel to a worker with a memory of its own, a call of a module's
/// function can.
#[wasm_bindgen(js_class = PoolscopePool)]
impl Pool {
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
        let labels = labels.into_iter().map(String::into_boxed_str).collect();
        let first = self
            .base
            .core
            .submit_remote_calls(calls.length() as u64, labels, Placement::partitioned_if(partition))
            .map_err(js_error)?;
        self.base
            .host
            .keep_calls(first, module_url, export_name, &calls, &settle);
        self.base.host.changed();
        Ok(first as f64)
    }
}
