//! How a pool is set up, and its limits: a leaf module that the pool, its
//! worker slots and the platforms all read, so that none of them imports
//! another for a constant.

use super::error::PoolError;
use super::events::MAX_TRACE_CAPACITY;

/// The largest pool.
pub const MAX_WORKERS: usize = 64;

/// The most jobs a pool holds waiting at once (and so the largest batch):
/// each waits in a 24-byte slot, and a wasm memory stops at 1 GiB. Over its
/// life a pool takes any number of jobs: slots are used again.
#[cfg(target_arch = "wasm32")]
pub const MAX_JOBS: u64 = 2_000_000;
/// The most jobs a pool holds waiting at once (and so the largest batch):
/// each waits in a 24-byte slot (2,000,000 on wasm, whose memory stops at
/// 1 GiB). Over its life a pool takes any number of jobs: slots are used again.
#[cfg(not(target_arch = "wasm32"))]
pub const MAX_JOBS: u64 = 16_000_000;

/// The longest job timeout: one hour.
pub const MAX_TIMEOUT_MS: f64 = 3_600_000.0;

/// How a pool is set up; the defaults are an unbounded queue and no timeout.
/// The same on both targets (`Pool::with_options`; from JS, the
/// constructor's `{ capacity, jobTimeoutMs, jobsPerWorker, traceCapacity }`).
///
/// ```
/// use poolscope::{Pool, PoolError, PoolOptions};
/// let options = PoolOptions { capacity: Some(2), job_timeout_ms: Some(5_000.0), ..PoolOptions::default() };
/// let pool = Pool::with_options(1, options).unwrap();
/// #[cfg(not(target_arch = "wasm32"))] // natively; on the web, `submitCosts` from JS says the same
/// assert!(matches!(
///     pool.submit(&[poolscope::JobSpec::new(poolscope::JobKind::Noop, 0.0); 3]),
///     Err(PoolError::QueueFull { requested: 3, .. })
/// ));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PoolOptions {
    /// The most jobs waiting at once (1 to `MAX_JOBS`); `None`: no bound.
    pub capacity: Option<u64>,
    /// A job running longer is reported `TimedOut` and its worker replaced.
    pub job_timeout_ms: Option<f64>,
    /// A worker ends after this many jobs: with one each, the article's
    /// "goroutine per job".
    pub jobs_per_worker: Option<u64>,
    /// How many of the latest events the trace keeps (1 to
    /// `MAX_TRACE_CAPACITY`, rounded up to a multiple of 4,096); `None`:
    /// `DEFAULT_TRACE_CAPACITY` (65,536). A reader that falls further
    /// behind is told how many it missed.
    pub trace_capacity: Option<u64>,
}

impl PoolOptions {
    /// Refuses options out of range, by name (`InvalidCapacity`, ...).
    pub fn check(&self) -> Result<(), PoolError> {
        if let Some(capacity) = self.capacity {
            if !(1..=MAX_JOBS).contains(&capacity) {
                return Err(PoolError::InvalidCapacity {
                    value: capacity,
                    max: MAX_JOBS,
                });
            }
        }
        if let Some(events) = self.trace_capacity {
            if !(1..=MAX_TRACE_CAPACITY).contains(&events) {
                return Err(PoolError::InvalidTraceCapacity {
                    value: events,
                    max: MAX_TRACE_CAPACITY,
                });
            }
        }
        if self.jobs_per_worker == Some(0) {
            return Err(PoolError::InvalidJobsPerWorker);
        }
        if let Some(timeout) = self.job_timeout_ms {
            if !(timeout > 0.0 && timeout <= MAX_TIMEOUT_MS) {
                return Err(PoolError::InvalidTimeout {
                    value: timeout,
                    max_ms: MAX_TIMEOUT_MS,
                });
            }
        }
        Ok(())
    }
}

/// Refuses a pool size outside `1..=MAX_WORKERS` (`InvalidSize`).
pub fn check_size(size: usize) -> Result<(), PoolError> {
    if (1..=MAX_WORKERS).contains(&size) {
        Ok(())
    } else {
        Err(PoolError::InvalidSize {
            value: size,
            max: MAX_WORKERS,
        })
    }
}
