//! The pool's errors: named values whose messages name the bad value and
//! the allowed range.

use std::fmt;

/// Why the pool refused a call: each variant names the bad value and what
/// is allowed. From JS the same name is the `Error`'s `name`.
///
/// ```
/// assert_eq!(poolscope::PoolError::PoolStopped.name(), "PoolStopped");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum PoolError {
    /// A pool size outside `1..=max`.
    InvalidSize {
        /// The size asked for.
        value: usize,
        /// The largest pool size (`MAX_WORKERS`).
        max: usize,
    },
    /// A queue capacity outside `1..=max`.
    InvalidCapacity {
        /// The capacity asked for.
        value: u64,
        /// The largest capacity (`MAX_JOBS`).
        max: u64,
    },
    /// A trace capacity (events kept) outside `1..=max`.
    InvalidTraceCapacity {
        /// The trace capacity asked for.
        value: u64,
        /// The largest trace capacity.
        max: u64,
    },
    /// A job timeout that is not positive or over `max_ms`.
    InvalidTimeout {
        /// The timeout asked for, in ms.
        value: f64,
        /// The longest timeout, in ms.
        max_ms: f64,
    },
    /// A job cost that is negative, not a number, or over `max_ms`.
    InvalidCost {
        /// The cost asked for, in ms.
        value: f64,
        /// The largest cost, in ms.
        max_ms: f64,
    },
    /// A job kind that is not one of `JobKind::ALL`.
    UnknownKind {
        /// The kind asked for.
        value: String,
    },
    /// More jobs than the queue has room for now: its capacity, or
    /// `MAX_JOBS` waiting at once.
    QueueFull {
        /// How many jobs the batch had (a map: how many items, each of which
        /// needs a result slot; `MAX_JOBS + 1` for an iterator that did not
        /// say its length, read no further); none of them was queued.
        requested: u64,
        /// How many more the queue had room for.
        room: u64,
    },
    /// `jobs_per_worker` of 0: no worker could take a job.
    InvalidJobsPerWorker,
    /// A partitioned batch needs an idle shared queue and no slices left.
    PartitionBusy,
    /// A partitioned batch's slices are fixed: no resizing until all are taken.
    PartitionFixed,
    /// The pool was closed: it takes no new jobs.
    PoolStopped,
    /// A job label longer than `max` bytes (`task::MAX_LABEL_BYTES`).
    LabelTooLong {
        /// The label's length in bytes.
        len: usize,
        /// The longest label, in bytes.
        max: usize,
    },
    /// A rayon pool (`Pool.withRayon`) runs only built-in jobs handed to
    /// its threads by `submit` and `submitCosts`: anything else queued
    /// there would wait for good.
    RayonSubmitOnly,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::InvalidSize { value, max } => {
                write!(f, "pool size {value} is out of range: it must be a whole number from 1 to {max}")
            }
            PoolError::InvalidCapacity { value, max } => {
                write!(f, "queue capacity {value} is out of range: it must be a whole number from 1 to {max}")
            }
            PoolError::InvalidTraceCapacity { value, max } => {
                write!(f, "trace capacity {value} is out of range: it must be a whole number from 1 to {max}")
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
            PoolError::LabelTooLong { len, max } => {
                write!(f, "job label of {len} bytes is too long: it must be at most {max} bytes")
            }
            PoolError::RayonSubmitOnly => write!(
                f,
                "a rayon pool runs only built-in jobs given with submit or submitCosts: use a pool of its own for closures, submitPartitioned and submitWait"
            ),
        }
    }
}

impl PoolError {
    /// The variant's name, as JS errors carry it in `error.name`.
    pub fn name(&self) -> &'static str {
        match self {
            PoolError::InvalidSize { .. } => "InvalidSize",
            PoolError::InvalidCapacity { .. } => "InvalidCapacity",
            PoolError::InvalidTraceCapacity { .. } => "InvalidTraceCapacity",
            PoolError::InvalidTimeout { .. } => "InvalidTimeout",
            PoolError::InvalidCost { .. } => "InvalidCost",
            PoolError::UnknownKind { .. } => "UnknownKind",
            PoolError::QueueFull { .. } => "QueueFull",
            PoolError::InvalidJobsPerWorker => "InvalidJobsPerWorker",
            PoolError::PartitionBusy => "PartitionBusy",
            PoolError::PartitionFixed => "PartitionFixed",
            PoolError::PoolStopped => "PoolStopped",
            PoolError::LabelTooLong { .. } => "LabelTooLong",
            PoolError::RayonSubmitOnly => "RayonSubmitOnly",
        }
    }
}

impl std::error::Error for PoolError {}

/// Why a closure job gave no value: what its handle says instead.
#[derive(Clone, Debug, PartialEq)]
pub enum JobError {
    /// The closure panicked; `message` is what it said.
    Panicked {
        /// The job's number.
        job: u64,
        /// What the panic said.
        message: String,
    },
    /// The job ran past the pool's job timeout and was reported at once;
    /// its closure runs on to its end on the old thread, and its value is dropped.
    TimedOut {
        /// The job's number.
        job: u64,
        /// How long it had run when it was reported, in ms.
        after_ms: f64,
    },
    /// `cancel` dropped the job before any worker took it.
    Cancelled {
        /// The job's number.
        job: u64,
    },
    /// The pool was stopped (or dropped) before any worker took the job.
    PoolStopped {
        /// The job's number.
        job: u64,
    },
    /// The result was already taken from this handle.
    ResultTaken {
        /// The job's number.
        job: u64,
    },
    /// Waiting here would block a thread that must never block (a
    /// browser's main thread): await the handle instead.
    WouldBlock,
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Panicked { job, message } => write!(f, "job {job} panicked: {message}"),
            JobError::TimedOut { job, after_ms } => write!(f, "job {job} timed out after {after_ms:.0} ms"),
            JobError::Cancelled { job } => write!(f, "job {job} was cancelled before it ran"),
            JobError::PoolStopped { job } => write!(f, "job {job} never ran: the pool was stopped"),
            JobError::ResultTaken { job } => write!(f, "the result of job {job} was already taken"),
            JobError::WouldBlock => write!(
                f,
                "joining would block this thread, which must never block (a browser's main thread): await the handle instead"
            ),
        }
    }
}

impl JobError {
    /// The variant's name, as a rejected job promise's `error.name` carries it.
    pub fn name(&self) -> &'static str {
        match self {
            JobError::Panicked { .. } => "Panicked",
            JobError::TimedOut { .. } => "TimedOut",
            JobError::Cancelled { .. } => "Cancelled",
            JobError::PoolStopped { .. } => "PoolStopped",
            JobError::ResultTaken { .. } => "ResultTaken",
            JobError::WouldBlock => "WouldBlock",
        }
    }
}

impl std::error::Error for JobError {}
