//! The host of the shared-memory build: Web Workers that run the core's
//! worker loop themselves, on this module's memory (`worker_host.js`
//! starts, watches and replaces them). Waiting is `Atomics.waitAsync` on
//! the core's futex words, never a blocking wait on the page.

use super::host::{Host, TrySubmit};
use crate::core::job::Outcome;
use crate::core::options::PoolOptions;
use crate::core::pool::PoolCore;
use crate::core::workers::{Loss, Step};
use js_sys::{Object, Promise};
use std::sync::atomic::AtomicU32;
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
    #[wasm_bindgen(method, js_name = attachCalls)]
    fn attach_calls(this: &WorkerHost, calls: &JsValue);
    #[wasm_bindgen(method, js_name = watchTimeouts)]
    fn watch_timeouts(this: &WorkerHost, timeout_ms: f64);
    #[wasm_bindgen(method, js_name = abortCall)]
    fn abort_call(this: &WorkerHost, worker: u32, job: f64);
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
    _callbacks: [Box<dyn std::any::Any>; 4],
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
        // SAFETY (for JS): called once per pointer, for a worker ended while it ran a call,
        // outside wasm for good (worker_host.js, `#endCallWorker`): it never drops its own.
        let release =
            Closure::<dyn Fn(u32)>::new(|pointer: u32| drop(unsafe { Arc::from_raw(pointer as *const PoolCore) }));
        let callbacks = Object::new();
        super::interop::set(&callbacks, "startFailed", start_failed.as_ref().clone());
        super::interop::set(&callbacks, "lost", lost.as_ref().clone());
        super::interop::set(&callbacks, "overdue", overdue.as_ref().clone());
        super::interop::set(&callbacks, "release", release.as_ref().clone());
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
            _callbacks: [
                Box::new(start_failed),
                Box::new(lost),
                Box::new(overdue),
                Box::new(release),
            ],
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

    /// Checked whenever `word` changes.
    fn when(&self, word: &AtomicU32, is_done: impl Fn() -> bool + 'static) -> Promise {
        let is_done = Closure::<dyn Fn() -> bool>::new(is_done);
        let waited = wait_until(wasm_bindgen::memory(), word.as_ptr() as u32, is_done.as_ref());
        super::interop::keep_until_settled(is_done, waited)
    }

    fn attach_calls(&self, calls: &JsValue) {
        self.js.attach_calls(calls);
    }

    fn watch_timeouts(&self, timeout_ms: f64) {
        self.js.watch_timeouts(timeout_ms);
    }

    fn abort_call(&self, worker: u32, job: u64) {
        self.js.abort_call(worker, job as f64);
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

/// The entry point of each pool worker (see `worker_host.js`): runs the
/// worker loop until the worker ends (returns `undefined`; the thread then
/// frees itself) or takes a call job (returns `[job, input]`: the worker
/// runs it in JS, reports it with `__poolscopeCallFinished`, and goes on
/// with `__poolscopeWorkerResume`). No frame of the core stays on the
/// stack while a call runs.
#[doc(hidden)]
#[wasm_bindgen(js_name = __poolscopeWorkerMain)]
pub fn worker_main(core_pointer: u32, id: u32) -> JsValue {
    let step = core_of(core_pointer).run_worker(id, announce_ready);
    step_to_js(core_pointer, step)
}

/// Goes on with a worker's loop after its call job (see `worker_main`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __poolscopeWorkerResume)]
pub fn worker_resume(core_pointer: u32, id: u32) -> JsValue {
    let step = core_of(core_pointer).resume_worker(id);
    step_to_js(core_pointer, step)
}

/// Reports the call job a worker ran: its output as `worker_host.js`
/// encoded it, and for a job that threw (`ok` false) the error's message.
/// False if the job had timed out meanwhile: then another worker has this
/// id, and this one must end (its reference to the core is dropped here).
#[doc(hidden)]
#[wasm_bindgen(js_name = __poolscopeCallFinished)]
pub fn call_finished(core_pointer: u32, id: u32, job: f64, ok: bool, output: Vec<u8>, message: &str) -> bool {
    let outcome = if ok { Outcome::Completed } else { Outcome::Failed };
    let recorded = core_of(core_pointer).call_finished(id, job as u64, outcome, output.into(), message, None);
    if !recorded {
        // SAFETY: this worker's own reference; it touches the core no more.
        drop(unsafe { Arc::from_raw(core_pointer as *const PoolCore) });
    }
    recorded
}

/// Where the module that runs calls lives (`attachCalls` set it).
#[doc(hidden)]
#[wasm_bindgen(js_name = __poolscopeCallRunner)]
pub fn call_runner(core_pointer: u32) -> Option<String> {
    core_of(core_pointer).call_runner()
}

/// The core a worker was handed a reference to.
fn core_of<'a>(core_pointer: u32) -> &'a PoolCore {
    // SAFETY: `resize` (or `lost`) leaked one reference for exactly this
    // worker, which lives until the worker drops it (`step_to_js`,
    // `call_finished`) or the page does for a worker it ended (`release`).
    unsafe { &*(core_pointer as *const PoolCore) }
}

/// A step of the worker loop, for `worker_host.js`; an ended worker drops
/// its reference to the core.
fn step_to_js(core_pointer: u32, step: Step) -> JsValue {
    match step {
        Step::Call { job, input } => {
            let input = js_sys::Uint8Array::from(&input[..]);
            js_sys::Array::of2(&(job as f64).into(), &input).into()
        }
        Step::Exit(_) => {
            // SAFETY: the worker's own reference, which it uses no more.
            drop(unsafe { Arc::from_raw(core_pointer as *const PoolCore) });
            JsValue::UNDEFINED
        }
    }
}
