//! The host of the message-passing build, for pages without cross-origin
//! isolation (no `SharedArrayBuffer`, so no shared wasm memory): each Web
//! Worker runs an instance of its own, and the page's instance owns the
//! core, which decides every job's fate as for threads (`core::remote`).
//! `remote_host.js` only starts and ends the workers and carries jobs to
//! them and results back, one message each way per job.

use super::host::{Host, TrySubmit};
use crate::core::job::{self, JobKind, Outcome};
use crate::core::options::PoolOptions;
use crate::core::pool::remote::Next;
use crate::core::pool::PoolCore;
use crate::core::workers::Loss;
use js_sys::{Array, Function, Object, Promise};
use std::sync::atomic::AtomicU32;
use std::sync::Arc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/remote_host.js")]
extern "C" {
    type RemoteHost;
    #[wasm_bindgen(constructor)]
    fn new(glue_url: &str, module: JsValue, pool: &Object, job_timeout_ms: f64) -> RemoteHost;
    #[wasm_bindgen(method)]
    fn spawn(this: &RemoteHost, ids: Vec<u32>) -> Promise;
    #[wasm_bindgen(method)]
    fn ready(this: &RemoteHost) -> Promise;
    #[wasm_bindgen(method)]
    fn changed(this: &RemoteHost);
    #[wasm_bindgen(method)]
    fn cancelled(this: &RemoteHost);
    #[wasm_bindgen(method)]
    fn when(this: &RemoteHost, is_done: &JsValue) -> Promise;
    #[wasm_bindgen(method, js_name = submitAsRoomFrees)]
    fn submit_as_room_frees(this: &RemoteHost, total: u32, try_submit: &JsValue) -> Promise;
    #[wasm_bindgen(method, js_name = keepCalls)]
    fn keep_calls(this: &RemoteHost, first: f64, module_url: &str, export: &str, calls: &Array, settle: &Function);
    #[wasm_bindgen(method)]
    fn dispose(this: &RemoteHost);
    #[wasm_bindgen(method, js_name = attachCalls)]
    fn attach_calls(this: &RemoteHost, calls: &JsValue);
    #[wasm_bindgen(method, js_name = watchTimeouts)]
    fn watch_timeouts(this: &RemoteHost, timeout_ms: f64);
    #[wasm_bindgen(method, js_name = abortCall)]
    fn abort_call(this: &RemoteHost, worker: u32, job: f64);
    #[wasm_bindgen(method, getter, js_name = liveCount)]
    fn live_count(this: &RemoteHost) -> u32;
    #[wasm_bindgen(method, getter, js_name = lostThreads)]
    fn lost_threads(this: &RemoteHost) -> u32;
    #[wasm_bindgen(method, getter, js_name = stalledStarts)]
    fn stalled_starts(this: &RemoteHost) -> u32;
}

#[wasm_bindgen]
extern "C" {
    // The URL each worker imports to make its own instance of this module.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
    // Set by a worker (remote_host.js): gets the panic message before the trap.
    #[wasm_bindgen(js_namespace = globalThis, js_name = __poolscopePanic)]
    fn report_panic(message: &str);
}

/// What `next` answers the host, by name: `{ action: 'run', job, kind,
/// costMs, fail, iterations }`, `{ action: 'wait' }` or `{ action: 'end' }`
/// (`kind` as `JobKind::name` says it: `cpu`, `sleep`, `noop`, or
/// `closure` for a call the host keeps).
fn next_reply(next: Next) -> Object {
    let reply = Object::new();
    match next {
        Next::Run { job, spec } => {
            super::interop::set(&reply, "action", "run");
            super::interop::set(&reply, "job", job as f64);
            super::interop::set(&reply, "kind", spec.kind.name());
            super::interop::set(&reply, "costMs", spec.cost_ms);
            super::interop::set(&reply, "fail", spec.fail);
            // The page's calibration sets a cpu job's work, so that its value is `cpuChecksum(job, cost)` here.
            let iterations = match spec.kind {
                JobKind::Cpu => job::cpu_iterations(spec.cost_ms) as f64,
                _ => 0.0,
            };
            super::interop::set(&reply, "iterations", iterations);
        }
        Next::Wait => super::interop::set(&reply, "action", "wait"),
        Next::End => super::interop::set(&reply, "action", "end"),
    }
    reply
}

/// The numbers of the outcomes a call's `settle` is given, by name
/// (`{ completed, failed, timedOut, cancelled }`): the core's, not a copy.
fn outcome_numbers() -> Object {
    let numbers = Object::new();
    for (name, outcome) in [
        ("completed", Outcome::Completed),
        ("failed", Outcome::Failed),
        ("timedOut", Outcome::TimedOut),
        ("cancelled", Outcome::Cancelled),
    ] {
        super::interop::set(&numbers, name, outcome as u8);
    }
    numbers
}

/// The Web Workers of one pool, and the callbacks through which
/// `remote_host.js` asks the core what each is to do and tells it what
/// became of each job.
pub(super) struct MessagePassingHost {
    js: RemoteHost,
    // They live as long as the pool.
    _callbacks: Vec<Box<dyn std::any::Any>>,
}

impl Host for MessagePassingHost {
    fn new(core: &Arc<PoolCore>, options: &PoolOptions) -> MessagePassingHost {
        let callbacks = Object::new();
        let mut kept: Vec<Box<dyn std::any::Any>> = Vec::new();
        let mut add = |name: &str, callback: JsValue, owner: Box<dyn std::any::Any>| {
            super::interop::set(&callbacks, name, callback);
            kept.push(owner);
        };
        let c = Arc::clone(core);
        let started = Closure::<dyn Fn(u32)>::new(move |id: u32| c.remote_started(id));
        add("started", started.as_ref().clone(), Box::new(started));
        let c = Arc::clone(core);
        let next = Closure::<dyn Fn(u32) -> Object>::new(move |id: u32| next_reply(c.remote_next(id)));
        add("next", next.as_ref().clone(), Box::new(next));
        let c = Arc::clone(core);
        let finished = Closure::<dyn Fn(u32, f64, u32, f64, f64) -> bool>::new(
            move |id: u32, job: f64, value: u32, started_ms: f64, finished_ms: f64| {
                c.remote_finished(id, job as u64, value, started_ms, finished_ms)
            },
        );
        add("finished", finished.as_ref().clone(), Box::new(finished));
        let c = Arc::clone(core);
        let call_finished = Closure::<dyn Fn(u32, f64, bool, String, f64, f64) -> bool>::new(
            move |id: u32, job: f64, ok: bool, message: String, started_ms: f64, finished_ms: f64| {
                let outcome = if ok { Outcome::Completed } else { Outcome::Failed };
                // The value came by message and stays with the page's half of calls.
                let times = Some((started_ms, finished_ms));
                c.call_finished(id, job as u64, outcome, Box::default(), &message, times)
            },
        );
        add("callFinished", call_finished.as_ref().clone(), Box::new(call_finished));
        let c = Arc::clone(core);
        let crashed =
            Closure::<dyn Fn(u32, String) -> bool>::new(move |id: u32, message: String| c.remote_crashed(id, &message));
        add("crashed", crashed.as_ref().clone(), Box::new(crashed));
        let c = Arc::clone(core);
        let overdue = Closure::<dyn Fn() -> Vec<u32>>::new(move || c.overdue_workers());
        add("overdue", overdue.as_ref().clone(), Box::new(overdue));
        let c = Arc::clone(core);
        // Unlike a thread, a worker with its own instance may be ended at once.
        let timed_out = Closure::<dyn Fn(u32) -> bool>::new(move |id: u32| c.worker_lost(id, Loss::TimedOut));
        add("timedOut", timed_out.as_ref().clone(), Box::new(timed_out));
        let c = Arc::clone(core);
        let start_failed = Closure::<dyn Fn(u32)>::new(move |id: u32| c.abandon_worker(id));
        add("startFailed", start_failed.as_ref().clone(), Box::new(start_failed));
        let c = Arc::clone(core);
        let is_idle = Closure::<dyn Fn() -> bool>::new(move || c.is_idle());
        add("isIdle", is_idle.as_ref().clone(), Box::new(is_idle));
        super::interop::set(&callbacks, "outcomes", outcome_numbers());
        let js = RemoteHost::new(
            &GLUE_URL.with(String::clone),
            wasm_bindgen::module(),
            &callbacks,
            options.job_timeout_ms.unwrap_or(0.0),
        );
        MessagePassingHost { js, _callbacks: kept }
    }

    fn spawn(&self, ids: Vec<u32>) -> Promise {
        self.js.spawn(ids)
    }

    fn ready(&self) -> Promise {
        self.js.ready()
    }

    /// Idle workers are asked what to do next (a job, or their end), and
    /// waiting promises are checked.
    fn changed(&self) {
        self.js.changed();
    }

    /// The calls kept for the jobs dropped are settled as cancelled.
    fn cancelled(&self) {
        self.js.cancelled();
    }

    /// Checked after each change and each reply (which is when the core
    /// bumps any of its words in this build: `word` is not needed).
    fn when(&self, _word: &AtomicU32, is_done: impl Fn() -> bool + 'static) -> Promise {
        let is_done = Closure::<dyn Fn() -> bool>::new(is_done);
        let waited = self.js.when(is_done.as_ref());
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
        let fed = self.js.submit_as_room_frees(total, try_submit.as_ref());
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
        memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
    }
}

impl MessagePassingHost {
    /// Keeps the calls of jobs `first..`, which the workers make
    /// (`submitCalls`: this build's stand-in for closures).
    pub(super) fn keep_calls(&self, first: u64, module_url: &str, export: &str, calls: &Array, settle: &Function) {
        self.js.keep_calls(first as f64, module_url, export, calls, settle);
    }
}

// What a worker's own instance runs (remote_host.js): the same `cpu` work
// with the same checksums as the shared-memory pool.

/// The busy work of a `cpu` job numbered `job`: `iterations` rounds.
#[doc(hidden)]
#[wasm_bindgen(js_name = __poolscopeCpuWork)]
pub fn cpu_work(job: f64, iterations: f64) -> u32 {
    job::cpu_checksum(job as u64, iterations as u64)
}

/// A job that was set to fail panics, as in the shared-memory pool: wasm32
/// aborts, the worker reports the message and the page replaces it.
#[doc(hidden)]
#[wasm_bindgen(js_name = __poolscopeFailJob)]
pub fn fail_job(job: f64) {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()));
        report_panic(message.as_deref().unwrap_or("panicked"));
    }));
    panic!("job {} was set to fail", job as u64);
}
