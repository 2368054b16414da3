//! The host of the shared-memory build: Web Workers that run the core's
//! worker loop themselves, on this module's memory (`worker_host.js`
//! starts, watches and replaces them). Waiting is `Atomics.waitAsync` on
//! the core's futex words, never a blocking wait on the page.

use super::host::{Host, TrySubmit};
use crate::core::options::PoolOptions;
use crate::core::pool::PoolCore;
use crate::core::workers::Loss;
use js_sys::{Object, Promise};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/worker_host.js")]
extern "C" {
    type WorkerHost;
    #[wasm_bindgen(constructor)]
    fn new(glue_url: &str, module: JsValue, memory: JsValue, pool: &Object, job_timeout_ms: f64) -> WorkerHost;
    #[wasm_bindgen(method)]
    fn spawn(this: &WorkerHost, core_pointers: Vec<u32>, ids: Vec<u32>) -> Promise;
    #[wasm_bindgen(method)]
    fn ready(this: &WorkerHost) -> Promise;
    #[wasm_bindgen(method)]
    fn dispose(this: &WorkerHost);
    #[wasm_bindgen(method, getter, js_name = liveCount)]
    fn live_count(this: &WorkerHost) -> u32;
    #[wasm_bindgen(method, getter, js_name = lostThreads)]
    fn lost_threads(this: &WorkerHost) -> u32;
    #[wasm_bindgen(method, getter, js_name = stalledStarts)]
    fn stalled_starts(this: &WorkerHost) -> u32;
    #[wasm_bindgen(js_name = announceReady)]
    fn announce_ready();
    #[wasm_bindgen(js_name = waitUntil)]
    fn wait_until(memory: JsValue, word_address: u32, is_done: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = submitAsRoomFrees)]
    fn submit_as_room_frees(memory: JsValue, room_address: u32, total: u32, try_submit: &JsValue) -> Promise;
}

#[wasm_bindgen]
extern "C" {
    // Read in the glue module itself, so this is the URL workers import.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    pub(super) static GLUE_URL: String;
}

/// The Web Workers of one pool, and the callbacks through which
/// `worker_host.js` tells the core what became of them.
pub(super) struct SharedMemoryHost {
    js: WorkerHost,
    core: Arc<PoolCore>,
    // They live as long as the pool.
    _callbacks: [Box<dyn std::any::Any>; 3],
}

impl Host for SharedMemoryHost {
    fn new(core: &Arc<PoolCore>, options: &PoolOptions) -> SharedMemoryHost {
        let start_failed = {
            let core = Arc::clone(core);
            Closure::<dyn Fn(u32, u32)>::new(move |pointer: u32, id: u32| {
                core.abandon_worker(id);
                // SAFETY: the worker never started: the reference it was handed is still ours.
                drop(unsafe { Arc::from_raw(pointer as *const PoolCore) });
            })
        };
        let lost = {
            let core = Arc::clone(core);
            Closure::<dyn Fn(u32, u32, bool) -> u32>::new(move |pointer: u32, id: u32, crashed: bool| {
                let respawn = core.worker_lost(id, if crashed { Loss::Crashed } else { Loss::TimedOut });
                if crashed {
                    // SAFETY: a trapped thread will never drop the reference it was handed.
                    // (A timed-out one ends by itself and drops its own.)
                    drop(unsafe { Arc::from_raw(pointer as *const PoolCore) });
                }
                if respawn {
                    Arc::into_raw(Arc::clone(&core)) as u32
                } else {
                    0
                }
            })
        };
        let overdue = {
            let core = Arc::clone(core);
            Closure::<dyn Fn() -> Vec<u32>>::new(move || core.overdue_workers())
        };
        let callbacks = Object::new();
        super::interop::set(&callbacks, "startFailed", start_failed.as_ref().clone());
        super::interop::set(&callbacks, "lost", lost.as_ref().clone());
        super::interop::set(&callbacks, "overdue", overdue.as_ref().clone());
        let js = WorkerHost::new(
            &GLUE_URL.with(String::clone),
            wasm_bindgen::module(),
            wasm_bindgen::memory(),
            &callbacks,
            options.job_timeout_ms.unwrap_or(0.0),
        );
        SharedMemoryHost {
            js,
            core: Arc::clone(core),
            _callbacks: [Box::new(start_failed), Box::new(lost), Box::new(overdue)],
        }
    }

    fn spawn(&self, ids: Vec<u32>) -> Promise {
        // Each worker owns one reference to the core until it ends.
        let pointers = ids
            .iter()
            .map(|_| Arc::into_raw(Arc::clone(&self.core)) as u32)
            .collect();
        self.js.spawn(pointers, ids)
    }

    fn ready(&self) -> Promise {
        self.js.ready()
    }

    /// Checked whenever the core's idle futex word changes.
    fn when_idle(&self, is_idle: impl Fn() -> bool + 'static) -> Promise {
        let is_idle = Closure::<dyn Fn() -> bool>::new(is_idle);
        let waited = wait_until(
            wasm_bindgen::memory(),
            self.core.idle_epoch().as_ptr() as u32,
            is_idle.as_ref(),
        );
        super::interop::keep_until_settled(is_idle, waited)
    }

    fn submit_as_room_frees(&self, total: u32, try_submit: TrySubmit) -> Promise {
        let fed = submit_as_room_frees(
            wasm_bindgen::memory(),
            self.core.room_epoch().as_ptr() as u32,
            total,
            try_submit.as_ref(),
        );
        super::interop::keep_until_settled(try_submit, fed)
    }

    fn live_count(&self) -> u32 {
        self.js.live_count()
    }

    fn lost_threads(&self) -> u32 {
        self.js.lost_threads()
    }

    fn stalled_starts(&self) -> u32 {
        self.js.stalled_starts()
    }

    fn dispose(&self) {
        self.js.dispose();
    }

    fn memory_bytes() -> f64 {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        memory
            .buffer()
            .unchecked_into::<js_sys::SharedArrayBuffer>()
            .byte_length() as f64
    }
}

/// The entry point of each pool worker (see `worker_host.js`). Returns
/// when the worker retires, or when its job timed out and stopped (another
/// thread then has its id); either way the thread then frees itself.
#[doc(hidden)]
#[wasm_bindgen(js_name = __poolscopeWorkerMain)]
pub fn worker_main(core_pointer: u32, id: u32) {
    // SAFETY: `resize` (or `lost`) leaked one reference for exactly this worker.
    let core = unsafe { Arc::from_raw(core_pointer as *const PoolCore) };
    let _exit = core.run_worker(id, announce_ready);
}
