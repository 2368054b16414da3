//! The message-passing fallback's job runner. A page without cross-origin
//! isolation has no `SharedArrayBuffer`, so no shared wasm memory: this
//! build has none, each Web Worker has its own instance, and the queue
//! lives on the page's main thread (`www/fallback.js`). The jobs are the
//! same `cpu` work with the same checksums as in the shared-memory pool.

use crate::core::job;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // Set by the fallback worker: gets the panic message before the trap.
    #[wasm_bindgen(js_namespace = globalThis, js_name = __poolscopePanic)]
    fn report_panic(message: &str);
}

/// `cpu_checksum` iterations per ms on this machine (measured once).
#[wasm_bindgen(js_name = __poolscopeCpuIterationsPerMs)]
pub fn cpu_iterations_per_ms() -> f64 {
    job::cpu_iterations_per_ms()
}

/// The busy work of a `cpu` job numbered `job`: `iterations` rounds.
#[wasm_bindgen(js_name = __poolscopeCpuWork)]
pub fn cpu_work(job: f64, iterations: f64) -> u32 {
    job::cpu_checksum(job as u64, iterations as u64)
}

/// A job that was set to fail panics, as in the shared-memory pool: wasm32
/// aborts, the worker reports the message and the page replaces it.
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
