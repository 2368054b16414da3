//! The wasm half of JS jobs (`pool.run`, `pool.map` in `www/lib/js-jobs/`):
//! call jobs queued on the core with their inputs, and their reports
//! taken in batches. The same methods in both builds; what differs is
//! how the inputs reach the workers (the shared memory, or a message per
//! job from the message-passing host). Hidden: the JS half is their only
//! caller, and its API is the documented one.

use super::Pool;
use crate::core::calls::Call;
use crate::core::options::PoolOptions;
use crate::core::placement::Placement;
use crate::web::errors::js_error;
use crate::web::host::Host;
use js_sys::{Array, Promise, Uint8Array};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_class = PoolscopePool)]
impl Pool {
    /// Queues one call job per entry of `ends` (all or none): job `i`'s
    /// input is `inputs[ends[i - 1]..ends[i]]` (empty in the
    /// message-passing build, whose host carries the calls), it runs
    /// `items[i]` items (1 if not given), labelled `labels[i]` (or none), with its own timeout `timeoutMs` (or the
    /// pool's), on the shared queue or in fixed slices (`partition`).
    /// Returns the first job's number; refuses as `submitCosts` does, and
    /// `InvalidTimeout`.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __queueCalls)]
    pub fn queue_calls(
        &self,
        inputs: &[u8],
        ends: &[u32],
        items: &[u32],
        labels: Vec<String>,
        partition: bool,
        timeout_ms: Option<f64>,
    ) -> Result<f64, JsError> {
        if let Some(timeout) = timeout_ms {
            let options = PoolOptions {
                job_timeout_ms: Some(timeout),
                ..PoolOptions::default()
            };
            options.check().map_err(js_error)?;
            self.base.host.watch_timeouts(timeout);
        }
        let mut start = 0;
        let calls = ends
            .iter()
            .enumerate()
            .map(|(i, &end)| {
                let end = (end as usize).clamp(start, inputs.len());
                let input = inputs[start..end].into();
                start = end;
                let items = items.get(i).copied().unwrap_or(1);
                Call {
                    input,
                    timeout_ms,
                    items,
                }
            })
            .collect();
        let labels = labels.into_iter().map(String::into_boxed_str).collect();
        let first = self
            .base
            .core
            .submit_calls(calls, labels, Placement::partitioned_if(partition))
            .map_err(js_error)?;
        self.base.host.changed();
        Ok(first as f64)
    }

    /// The call jobs' reports since the last call, flat: `job, worker,
    /// outcome, output, ranMs` for each (`output` a `Uint8Array`, empty when
    /// the core ended the job or the value came by message; `ranMs` 0 if it
    /// never ran).
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __takeCallReports)]
    pub fn take_call_reports(&self) -> Array {
        let flat = Array::new();
        for report in self.base.core.take_call_reports() {
            flat.push(&(report.job as f64).into());
            flat.push(&report.worker.into());
            flat.push(&(report.outcome as u8).into());
            flat.push(&Uint8Array::from(&report.output[..]));
            flat.push(&report.ran_ms.into());
        }
        flat
    }

    /// Resolves once call reports wait to be taken, or the pool is freed.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __whenCallReports)]
    pub fn when_call_reports(&self) -> Promise {
        // Weak: a wait must not keep a freed pool's memory (see `done`).
        let core = Arc::downgrade(&self.base.core);
        self.base.host.when(self.base.core.call_epoch(), move || {
            core.upgrade().is_none_or(|core| core.has_call_reports())
        })
    }

    /// Withdraws waiting call job `job` (its caller aborted it): true if
    /// no worker had taken it. It never runs, and is reported cancelled.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __withdrawCall)]
    pub fn withdraw_call(&self, job: f64) -> bool {
        self.base.core.withdraw_call(job as u64)
    }

    /// Tells the worker running call job `job`, if any, that its caller
    /// aborted it (its `signal` fires).
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __abortCall)]
    pub fn abort_call(&self, job: f64) {
        if let Some(worker) = self.base.core.worker_running(job as u64) {
            self.base.host.abort_call(worker, job as u64);
        }
    }

    /// Connects the JS half of calls: `calls` hears what workers send
    /// about calls; `runnerUrl` is the module workers load to run them.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __attachCalls)]
    pub fn attach_calls(&self, calls: JsValue, runner_url: &str) {
        self.base.core.set_call_runner(runner_url);
        self.base.host.attach_calls(&calls);
    }
}
