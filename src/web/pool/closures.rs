//! Rust closures on a `Pool` (the shared-memory build), and a job handle
//! as a JS `Promise`. The methods themselves are `closure_api!`'s, the
//! same as the native pool's; nothing here blocks: await the handles
//! (wasm-bindgen-futures), or turn one into a JS `Promise` with
//! `JobHandle::into_promise`.

use super::Pool;
use crate::core::handle::JobHandle;
use crate::core::pool::PoolCore;
use crate::web::errors::job_error;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

// The same jobs as `submit` (events, counters, resizes, timeouts,
// cancel/stop) with results. Only this build: a closure cannot travel to a
// worker with a memory of its own.
closure_api!(Pool);

impl Pool {
    /// The core that `closure_api!`'s methods queue closures on.
    fn closure_core(&self) -> &PoolCore {
        &self.base.core
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
