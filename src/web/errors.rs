//! Errors across the boundary: every error thrown or rejected to JS is an
//! `Error` whose `name` is the Rust variant (`QueueFull`, `Panicked`, ...)
//! or `OutOfRange`, so that callers can tell them apart.

use crate::core::error::{JobError, PoolError};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// A JS `Error` whose `name` is the `PoolError` variant (`QueueFull`,
/// `PoolStopped`, ...), so that callers can tell errors apart.
pub(super) fn js_error(error: PoolError) -> JsError {
    named_error(error.name(), &error.to_string())
}

/// A JS `Error` with this `name` and `message`.
pub(super) fn named_error(name: &str, message: &str) -> JsError {
    let js = JsError::new(message);
    // The clone is a second handle on the same JS object.
    let object: JsValue = js.clone().into();
    let _ = Reflect::set(&object, &"name".into(), &name.into());
    js
}

/// A JS `Error` named after the `JobError` variant (`Panicked`,
/// `TimedOut`, ...), with its message: what a crate's own exports reject
/// with when a job did not give its value. (Web only.)
///
/// ```no_run
/// # async fn demo(pool: &poolscope::Pool) -> Result<u32, wasm_bindgen::JsValue> {
/// let value = pool.spawn(|| 7u32).map_err(poolscope::pool_error)?.await.map_err(poolscope::job_error)?;
/// # Ok(value) }
/// ```
pub fn job_error(error: JobError) -> JsValue {
    named_error(error.name(), &error.to_string()).into()
}

/// A JS `Error` named after the `PoolError` variant (`QueueFull`,
/// `PartitionBusy`, ...), with its message: what a crate's own exports
/// throw when the pool refuses their jobs, as poolscope's do. (Web only.)
///
/// ```no_run
/// # fn demo(pool: &poolscope::Pool) -> Result<(), wasm_bindgen::JsValue> {
/// let batch = pool.map(0..4u32, |n| n + 1).map_err(poolscope::pool_error)?;
/// # Ok(()) }
/// ```
pub fn pool_error(error: PoolError) -> JsValue {
    js_error(error).into()
}
