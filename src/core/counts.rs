//! How many jobs began, finished each way, were cancelled or refused: the
//! counts behind `Counters`, and `Tally`, what a worker adds in one go.

use super::events::Event;
use super::job::Outcome;
use super::sync::OwnLine;
use std::sync::atomic::{AtomicU64, Ordering};

/// The pool's observable state. Every count is of jobs, except `workers`
/// and `live_workers`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Jobs a worker has taken and not finished (a worker takes trivial
    /// jobs up to 64 at a time: see `JobQueue::claim_run`).
    pub running: u64,
    /// Jobs queued and not yet taken.
    pub waiting: u64,
    /// Jobs ever queued.
    pub submitted: u64,
    /// Jobs that finished with `Outcome::Completed`.
    pub completed: u64,
    /// Jobs that panicked or timed out.
    pub failed: u64,
    /// Of the failed jobs, those that ran past the job timeout.
    pub timed_out: u64,
    /// Jobs dropped from the queue by `cancel` or `stop`.
    pub cancelled: u64,
    /// Jobs refused because the queue was full (`PoolError::QueueFull`).
    pub rejected: u64,
    /// The pool size asked for last.
    pub workers: u64,
    /// Worker threads now inside their loop (retiring ones included).
    pub live_workers: u64,
}

/// The pool's job counts. Finished counts are written with `Release` and
/// read with `Acquire`: who sees a job counted finished sees its event.
pub(super) struct JobCounts {
    /// Jobs a worker has begun (shared queue, a partition, or rayon).
    started: OwnLine<AtomicU64>,
    completed: OwnLine<AtomicU64>,
    failed: AtomicU64,
    timed_out: AtomicU64,
    cancelled: AtomicU64,
    rejected: AtomicU64,
}

impl JobCounts {
    pub(super) fn new() -> JobCounts {
        JobCounts {
            started: OwnLine(AtomicU64::new(0)),
            completed: OwnLine(AtomicU64::new(0)),
            failed: AtomicU64::new(0),
            timed_out: AtomicU64::new(0),
            cancelled: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
        }
    }

    /// A worker took `jobs` jobs.
    pub(super) fn add_started(&self, jobs: u64) {
        self.started.fetch_add(jobs, Ordering::AcqRel);
    }

    /// A full queue refused `jobs` jobs.
    pub(super) fn add_rejected(&self, jobs: u64) {
        self.rejected.fetch_add(jobs, Ordering::Relaxed);
    }

    /// `jobs` waiting jobs were dropped.
    pub(super) fn add_cancelled(&self, jobs: u64) {
        self.cancelled.fetch_add(jobs, Ordering::AcqRel);
    }

    /// `jobs` jobs a worker had taken turned out withdrawn (`withdraw_call`):
    /// cancelled, not run. Counted cancelled before no longer started, so
    /// that no reader sees them waiting again.
    pub(super) fn add_withdrawn(&self, jobs: u64) {
        self.cancelled.fetch_add(jobs, Ordering::AcqRel);
        self.started.fetch_sub(jobs, Ordering::AcqRel);
    }

    /// Adds what a worker finished.
    pub(super) fn add_finished(&self, tally: &Tally) {
        if tally.timed_out > 0 {
            self.timed_out.fetch_add(tally.timed_out, Ordering::Relaxed);
        }
        if tally.failed > 0 {
            self.failed.fetch_add(tally.failed, Ordering::AcqRel);
        }
        if tally.completed > 0 {
            self.completed.fetch_add(tally.completed, Ordering::AcqRel);
        }
    }

    /// Jobs that finished, however, or were cancelled.
    pub(super) fn finished(&self) -> u64 {
        self.completed.load(Ordering::Acquire)
            + self.failed.load(Ordering::Acquire)
            + self.cancelled.load(Ordering::Acquire)
    }

    /// The counters, given the jobs queued so far (read last) and the workers.
    pub(super) fn counters(&self, submitted: impl FnOnce() -> u64, workers: u32, live_workers: u32) -> Counters {
        // Read what finished before what started before what was queued:
        // no count goes negative.
        let completed = self.completed.load(Ordering::Acquire);
        let failed = self.failed.load(Ordering::Acquire);
        let cancelled = self.cancelled.load(Ordering::Acquire);
        let started = self.started.load(Ordering::Acquire);
        let submitted = submitted();
        Counters {
            running: started.saturating_sub(completed + failed),
            waiting: submitted.saturating_sub(started + cancelled),
            submitted,
            completed,
            failed,
            timed_out: self.timed_out.load(Ordering::Relaxed),
            cancelled,
            rejected: self.rejected.load(Ordering::Relaxed),
            workers: workers as u64,
            live_workers: live_workers as u64,
        }
    }
}

/// What a worker finished in one claim.
#[derive(Default)]
pub(super) struct Tally {
    jobs: u64,
    completed: u64,
    failed: u64,
    timed_out: u64,
    busy_ms: f64,
}

impl Tally {
    pub(super) fn add(&mut self, event: &Event) {
        self.jobs += 1;
        self.busy_ms += event.finished_ms - event.started_ms;
        match event.outcome {
            Outcome::Completed => self.completed += 1,
            Outcome::TimedOut => {
                self.timed_out += 1;
                self.failed += 1
            }
            Outcome::Failed => self.failed += 1,
            // Never a worker's: `cancel` reports dropped jobs and counts them itself.
            Outcome::Cancelled => debug_assert!(false, "a worker finished a cancelled job"),
        }
    }

    /// Jobs added.
    pub(super) fn jobs(&self) -> u64 {
        self.jobs
    }

    /// Their time from start to finish, added up, in ms.
    pub(super) fn busy_ms(&self) -> f64 {
        self.busy_ms
    }
}
