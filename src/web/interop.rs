//! Two small pieces of JS interop that the pool and both hosts use: a
//! field of a plain object, and a promise that owns the closures JS calls
//! until it settles.

/// Settles as `promise` does and keeps `owned` (the closures JS calls
/// until then) alive exactly that long. `Closure::into_js_value` would
/// leave them to JavaScript's collector, and with them what they hold: the
/// `Weak` of a freed pool kept that pool's allocation, a hole in the wasm
/// heap that the next pool's trace did not fit, and the memory grew by a
/// pool's size per element removed until a collection (issue #23).
pub(super) fn keep_until_settled<T: 'static>(owned: T, promise: js_sys::Promise) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let settled = wasm_bindgen_futures::JsFuture::from(promise).await;
        drop(owned);
        settled
    })
}

/// Sets a field of a plain object (built for JS by the pool and the hosts).
pub(super) fn set(object: &js_sys::Object, key: &str, value: impl Into<wasm_bindgen::JsValue>) {
    js_sys::Reflect::set(object, &key.into(), &value.into()).expect("setting a field of a plain object");
}

/// `{ jobs, meanMs, p50Ms, p90Ms, p99Ms, maxMs }`: a `Latency` for JS.
pub(super) fn latency_object(latency: &crate::core::stats::Latency) -> js_sys::Object {
    let object = js_sys::Object::new();
    set(&object, "jobs", latency.jobs as f64);
    for (key, value) in [
        ("meanMs", latency.mean_ms),
        ("p50Ms", latency.p50_ms),
        ("p90Ms", latency.p90_ms),
        ("p99Ms", latency.p99_ms),
        ("maxMs", latency.max_ms),
    ] {
        set(&object, key, value);
    }
    object
}
