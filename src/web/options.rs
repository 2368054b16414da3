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
            .ok_or_else(|| named_error("OutOfRange", &format!("{key} {value:?} is not a number")))
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
