//! The pool's errors: named values whose messages name the bad value and
//! the allowed range.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub enum PoolError {
    /// A pool size outside `1..=max`.
    InvalidSize { value: usize, max: usize },
    /// A queue capacity outside `1..=max`.
    InvalidCapacity { value: u64, max: u64 },
    /// A job timeout that is not positive or over `max_ms`.
    InvalidTimeout { value: f64, max_ms: f64 },
    /// A job cost that is negative, not a number, or over `max_ms`.
    InvalidCost { value: f64, max_ms: f64 },
    /// A job kind that is not one of `JobKind::ALL`.
    UnknownKind { value: String },
    /// The pool would hold more jobs over its life than it has room for.
    QueueFull { requested: u64, room: u64 },
    /// `jobs_per_worker` of 0: no worker could take a job.
    InvalidJobsPerWorker,
    /// A partitioned batch needs an idle shared queue and no slices left.
    PartitionBusy,
    /// A partitioned batch's slices are fixed: no resizing until all are taken.
    PartitionFixed,
    /// The pool was closed: it takes no new jobs.
    PoolStopped,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::InvalidSize { value, max } => {
                write!(f, "pool size {value} is out of range: it must be between 1 and {max}")
            }
            PoolError::InvalidCapacity { value, max } => {
                write!(f, "queue capacity {value} is out of range: it must be between 1 and {max}")
            }
            PoolError::InvalidTimeout { value, max_ms } => {
                write!(f, "job timeout {value} ms is out of range: it must be more than 0 and at most {max_ms} ms")
            }
            PoolError::InvalidCost { value, max_ms } => {
                write!(f, "job cost {value} ms is out of range: it must be between 0 and {max_ms} ms")
            }
            PoolError::UnknownKind { value } => {
                write!(f, "job kind \"{value}\" is unknown: it must be one of cpu, sleep, noop")
            }
            PoolError::QueueFull { requested, room } => write!(
                f,
                "cannot queue {requested} jobs: this pool has room for {room} more (allowed: 0 to {room})"
            ),
            PoolError::InvalidJobsPerWorker => write!(f, "jobs per worker 0 is out of range: it must be at least 1"),
            PoolError::PartitionBusy => {
                write!(f, "cannot partition jobs while others wait: partition a batch into an idle pool")
            }
            PoolError::PartitionFixed => write!(
                f,
                "cannot resize a partitioned run: its slices were fixed before it started (that is the point of the strategy)"
            ),
            PoolError::PoolStopped => write!(f, "the pool is closed and takes no new jobs"),
        }
    }
}

impl std::error::Error for PoolError {}
