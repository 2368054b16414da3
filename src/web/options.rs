//! What JS hands the pool, checked before it reaches the core: sizes, job
//! counts, the options object, job kinds and costs. A number out of range
//! is refused with the name and the very message the core gives the same
//! mistake.

use super::errors::{js_error, named_error};
use crate::core::error::PoolError;
use crate::core::events::MAX_TRACE_CAPACITY;
use crate::core::job::{JobKind, JobSpec};
use crate::core::options::{PoolOptions, MAX_JOBS, MAX_WORKERS};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

/// A JS number that must be a whole number in `min..=max`, or an error
/// naming it and the range.
pub(super) fn whole_number(what: &str, value: f64, min: f64, max: f64) -> Result<f64, JsError> {
    whole_number_named("OutOfRange", what, value, min, max)
}

/// `whole_number`, refused with the name of the `PoolError` variant the
/// core gives the same mistake (`InvalidSize`, ...), and its very message.
fn whole_number_named(name: &str, what: &str, value: f64, min: f64, max: f64) -> Result<f64, JsError> {
    if value.fract() == 0.0 && (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(named_error(
            name,
            &format!("{what} {value} is out of range: it must be a whole number from {min} to {max}"),
        ))
    }
}

/// A pool size from JS: 2.5 and 65 are refused as the core refuses 0.
pub(super) fn pool_size(size: f64) -> Result<f64, JsError> {
    whole_number_named("InvalidSize", "pool size", size, 1.0, MAX_WORKERS as f64)
}

/// Reads `{ capacity, jobTimeoutMs, jobsPerWorker, traceCapacity }`;
/// absent fields keep their defaults.
pub(super) fn parse_options(options: Option<Object>) -> Result<PoolOptions, JsError> {
    let Some(options) = options else {
        return Ok(PoolOptions::default());
    };
    let field = |key: &str| -> Result<Option<f64>, JsError> {
        let value = Reflect::get(&options, &key.into()).unwrap_or(JsValue::UNDEFINED);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        value
            .as_f64()
            .map(Some)
            .ok_or_else(|| named_error("OutOfRange", &format!("{key} {} is not a number", described(&value))))
    };
    let capacity = field("capacity")?
        .map(|c| whole_number_named("InvalidCapacity", "queue capacity", c, 1.0, MAX_JOBS as f64))
        .transpose()?;
    // 0 goes on to the core, which refuses it with its own words.
    let quota = field("jobsPerWorker")?
        .map(|q| {
            if q == 0.0 {
                Ok(q)
            } else {
                whole_number_named("InvalidJobsPerWorker", "jobs per worker", q, 1.0, MAX_JOBS as f64)
            }
        })
        .transpose()?;
    let trace = field("traceCapacity")?
        .map(|t| {
            whole_number_named(
                "InvalidTraceCapacity",
                "trace capacity",
                t,
                1.0,
                MAX_TRACE_CAPACITY as f64,
            )
        })
        .transpose()?;
    let options = PoolOptions {
        capacity: capacity.map(|c| c as u64),
        job_timeout_ms: field("jobTimeoutMs")?,
        jobs_per_worker: quota.map(|q| q as u64),
        trace_capacity: trace.map(|t| t as u64),
    };
    options.check().map_err(js_error)?;
    Ok(options)
}

pub(super) fn parse_kind(kind: &str) -> Result<JobKind, JsError> {
    JobKind::from_name(kind).ok_or_else(|| {
        js_error(PoolError::UnknownKind {
            value: kind.to_string(),
        })
    })
}

/// The job kind JS named, checked here rather than by wasm-bindgen's glue:
/// the glue hands a `&str` parameter a value of another type (a symbol, an
/// object) unchecked, which trapped on the page's thread inside the
/// allocator, whose lock then stayed taken and froze every thread of the
/// pool (found by tests/e2e/js-jobs-fuzz.test.mjs). So the JS methods
/// take every kind, costs and failing argument as a `JsValue`.
pub(super) fn kind_arg(kind: &JsValue) -> Result<String, JsError> {
    let name = kind
        .as_string()
        .ok_or_else(|| js_error(PoolError::UnknownKind { value: described(kind) }))?;
    parse_kind(&name)?;
    Ok(name)
}

/// `submitCosts`'s arguments from JS, checked: the kind, the costs and
/// the failing flags (left out: none).
pub(super) type BatchArgs = (String, Vec<f64>, Option<Vec<u8>>);

pub(super) fn batch_args(kind: &JsValue, costs: &JsValue, failing: &Option<JsValue>) -> Result<BatchArgs, JsError> {
    let kind = kind_arg(kind)?;
    let costs = numbers_arg("costs", costs)?;
    let failing = match failing {
        Some(flags) if !flags.is_undefined() && !flags.is_null() => Some(
            numbers_arg("failing", flags)?
                .iter()
                .map(|&f| u8::from(f != 0.0))
                .collect(),
        ),
        _ => None,
    };
    Ok((kind, costs, failing))
}

/// A JS value as an error message shows it: `Symbol(s)`, `1.5`, `{"a":1}`.
fn described(value: &JsValue) -> String {
    let text = format!("{value:?}"); // wasm-bindgen's `JsValue(...)`
    text.strip_prefix("JsValue(")
        .and_then(|inner| inner.strip_suffix(')'))
        .map_or(text.clone(), str::to_string)
}

/// An array of numbers from JS (a `Float64Array`, another typed array, or
/// an array of numbers), or an error naming `what` and the value.
fn numbers_arg(what: &str, value: &JsValue) -> Result<Vec<f64>, JsError> {
    if let Some(floats) = value.dyn_ref::<js_sys::Float64Array>() {
        return Ok(floats.to_vec());
    }
    if js_sys::Array::is_array(value) {
        let array: &js_sys::Array = value.unchecked_ref();
        return array
            .iter()
            .enumerate()
            .map(|(i, n)| {
                n.as_f64()
                    .ok_or_else(|| named_error("OutOfRange", &format!("{what}[{i}] {} is not a number", described(&n))))
            })
            .collect();
    }
    if js_sys::ArrayBuffer::is_view(value) && !value.is_instance_of::<js_sys::DataView>() {
        return Ok(js_sys::Float64Array::new(value).to_vec());
    }
    Err(named_error(
        "OutOfRange",
        &format!(
            "{what} {} is not an array of numbers (a Float64Array, say)",
            described(value)
        ),
    ))
}

/// One spec per cost; `failing[i] != 0` makes job `i` of the batch panic.
pub(super) fn specs(kind: JobKind, costs: &[f64], failing: Option<Vec<u8>>) -> Vec<JobSpec> {
    let failing = failing.unwrap_or_default();
    costs
        .iter()
        .enumerate()
        .map(|(i, &cost)| {
            let spec = JobSpec::new(kind, cost);
            if failing.get(i).is_some_and(|&f| f != 0) {
                spec.failing()
            } else {
                spec
            }
        })
        .collect()
}
