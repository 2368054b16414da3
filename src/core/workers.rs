//! The worker side of `PoolCore`: one slot per worker id, resizing, the
//! worker loop, and what happens when a worker is lost (a wasm thread that
//! trapped on a panic, or one terminated for running past the job timeout).

use super::events::Event;
use super::failure::RunningJob;
use super::job::{self, Outcome};
use super::pool::{check_size, PoolCore, MAX_WORKERS};
use super::error::PoolError;
use crate::sys;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

const VACANT: u32 = 0;
const ACTIVE: u32 = 1;
const RETIRING: u32 = 2;

#[derive(Default)]
pub(super) struct WorkerSlot {
    state: AtomicU32,
    jobs: AtomicU64,
    busy_ms: AtomicU64,
    thread: AtomicU64,
    /// The job this worker runs now, 0 for none. Whoever moves it back to 0
    /// (the worker when the job ends, or the watchdog when it times out)
    /// reports the job: it is reported once.
    current_job: AtomicU64,
    current_started_ms: AtomicU64,
    /// This worker's own slice of a partitioned batch: jobs `next..end`.
    partition_next: AtomicU64,
    partition_end: AtomicU64,
}

impl WorkerSlot {
    pub(super) fn assign_partition(&self, begin: u64, end: u64) {
        self.partition_end.store(end, Ordering::Relaxed);
        self.partition_next.store(begin, Ordering::Release);
    }

    /// The next job of this worker's slice, if any is left.
    fn take_partition_job(&self) -> Option<u64> {
        let end = self.partition_end.load(Ordering::Acquire);
        if self.partition_next.load(Ordering::Acquire) >= end {
            return None;
        }
        let job = self.partition_next.fetch_add(1, Ordering::AcqRel);
        (job < end).then_some(job)
    }
}

/// One worker's share of the work so far.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WorkerStats {
    pub id: u32,
    pub active: bool,
    pub jobs: u64,
    pub busy_ms: f64,
    /// Which thread runs this worker (see `current_thread_serial`).
    pub thread: u64,
}

/// How a worker loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerExit {
    /// It retired, or the pool closed: the thread may free itself and end.
    Retired,
    /// The watchdog reported its job as timed out and is replacing it: the
    /// thread must touch nothing more and wait to be terminated.
    Abandoned,
}

/// Why the platform lost a worker thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// The thread died (on wasm, a panic traps the thread).
    Crashed,
    /// The platform terminated it after `overdue_workers` named it.
    Terminated,
}

static NEXT_THREAD_SERIAL: AtomicU64 = AtomicU64::new(1);
std::thread_local! {
    static THREAD_SERIAL: u64 = NEXT_THREAD_SERIAL.fetch_add(1, Ordering::Relaxed);
}

/// A number that tells this thread apart from every other in the process.
pub fn current_thread_serial() -> u64 {
    THREAD_SERIAL.with(|s| *s)
}

impl PoolCore {
    fn slot(&self, id: u32) -> &WorkerSlot {
        &self.slots[id as usize - 1]
    }

    /// Whether some worker's slice of a partitioned batch has jobs left.
    pub(super) fn partitions_pending(&self) -> bool {
        self.slots.iter().any(|slot| slot.partition_next.load(Ordering::Acquire) < slot.partition_end.load(Ordering::Acquire))
    }

    /// Empties every slice; returns the jobs that were left in them.
    pub(super) fn cancel_partitions(&self) -> Vec<std::ops::Range<u64>> {
        self.slots
            .iter()
            .filter_map(|slot| {
                let end = slot.partition_end.load(Ordering::Acquire);
                let next = slot.partition_next.swap(end, Ordering::AcqRel);
                (next < end).then_some(next..end)
            })
            .collect()
    }

    /// Sets the pool size. Returns the worker ids the platform must start a
    /// thread for; retiring workers finish their current job, then end.
    pub fn resize(&self, size: usize) -> Result<Vec<u32>, PoolError> {
        check_size(size)?;
        if self.partitions_pending() {
            return Err(PoolError::PartitionFixed);
        }
        let to_start = self.driver.with(|| {
            let active: Vec<usize> =
                (0..MAX_WORKERS).filter(|&i| self.slots[i].state.load(Ordering::Acquire) == ACTIVE).collect();
            let mut to_start = Vec::new();
            if size > active.len() {
                let mut needed = size - active.len();
                // A retiring worker that has not ended yet simply stays.
                for slot in self.slots.iter() {
                    if needed > 0 && slot.state.compare_exchange(RETIRING, ACTIVE, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                        needed -= 1;
                    }
                }
                for (i, slot) in self.slots.iter().enumerate() {
                    if needed > 0 && slot.state.load(Ordering::Acquire) == VACANT {
                        slot.state.store(ACTIVE, Ordering::Release);
                        to_start.push(i as u32 + 1);
                        needed -= 1;
                    }
                }
            } else {
                for &i in active.iter().rev().take(active.len() - size) {
                    self.slots[i].state.store(RETIRING, Ordering::Release);
                }
            }
            self.target.store(size as u32, Ordering::Relaxed);
            to_start
        });
        self.wake_workers();
        Ok(to_start)
    }

    /// For a platform that could not start worker `id` after `resize` asked.
    pub fn abandon_worker(&self, id: u32) {
        self.slot(id).state.store(VACANT, Ordering::Release);
    }

    /// The worker loop: takes jobs until this worker retires or the pool
    /// closes with nothing left to do. Runs on a thread that may block;
    /// `on_started` runs once the worker counts as live.
    pub fn run_worker(&self, id: u32, on_started: impl FnOnce()) -> WorkerExit {
        sys::allow_blocking_on_this_thread();
        let slot = self.slot(id);
        slot.thread.store(current_thread_serial(), Ordering::Relaxed);
        self.live.fetch_add(1, Ordering::AcqRel);
        on_started();
        loop {
            let epoch = self.signal.load(Ordering::Acquire);
            if slot.state.load(Ordering::Acquire) == RETIRING {
                // Fails only if a resize took this worker back meanwhile.
                if slot.state.compare_exchange(RETIRING, VACANT, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                    break;
                }
                continue;
            }
            let next = slot.take_partition_job().map(|job| self.queue.get(job)).or_else(|| self.queue.claim());
            if let Some(claimed) = next {
                self.started.fetch_add(1, Ordering::AcqRel); // before making room: `waiting` stays within capacity
                self.bump_room();
                if self.run_claimed(id, claimed) == WorkerExit::Abandoned {
                    return WorkerExit::Abandoned; // the watchdog reported this job and replaces us
                }
                // With a quota (one job per worker: "a goroutine per job"), end after it.
                if self.options.jobs_per_worker.is_some_and(|quota| slot.jobs.load(Ordering::Relaxed) >= quota) {
                    slot.state.store(VACANT, Ordering::Release);
                    break;
                }
                continue;
            }
            if self.closed.load(Ordering::Acquire) {
                slot.state.store(VACANT, Ordering::Release);
                break;
            }
            sys::wait(&self.signal, epoch, None);
        }
        self.live.fetch_sub(1, Ordering::AcqRel);
        self.announce_idle_change();
        WorkerExit::Retired
    }

    /// Runs a job this worker took (and counted as started) and reports it, unless the watchdog
    /// reported it first (then the caller must end: `Abandoned`).
    fn run_claimed(&self, id: u32, claimed: super::queue::Claimed) -> WorkerExit {
        let slot = self.slot(id);
        let started_ms = sys::now_ms();
        slot.current_started_ms.store(started_ms.to_bits(), Ordering::Relaxed);
        slot.current_job.store(claimed.job, Ordering::Release);
        let result = {
            let _running = RunningJob::enter(self, claimed.job, id);
            run_catching_panics(claimed.job, claimed.spec)
        };
        let finished_ms = sys::now_ms();
        if slot.current_job.compare_exchange(claimed.job, 0, Ordering::AcqRel, Ordering::Acquire).is_err() {
            return WorkerExit::Abandoned;
        }
        let (outcome, value) = match result {
            Some(value) => (Outcome::Completed, value),
            None => (Outcome::Failed, 0),
        };
        self.finish_job(id, claimed.job, outcome, value, started_ms, finished_ms);
        WorkerExit::Retired
    }

    /// Declares workers `1..=count` as an outside executor's threads (rayon):
    /// no thread of the pool's own is started for them.
    pub fn adopt_external_workers(&self, count: usize) -> Result<(), PoolError> {
        check_size(count)?;
        self.driver.with(|| {
            for slot in &self.slots[..count] {
                slot.state.store(ACTIVE, Ordering::Release);
            }
            self.target.store(count as u32, Ordering::Relaxed);
        });
        Ok(())
    }

    /// Takes every waiting job for an outside executor (rayon), which then
    /// runs each with `run_external`. Returns their job numbers.
    pub fn take_all_for_external(&self) -> std::ops::Range<u64> {
        self.queue.claim_all()
    }

    /// Runs job `job` (taken with `take_all_for_external`) on the calling
    /// thread, reported as worker `worker`.
    pub fn run_external(&self, job: u64, worker: u32) {
        sys::allow_blocking_on_this_thread(); // an executor's threads are workers: `sleep` jobs may block
        let claimed = self.queue.get(job);
        let slot = self.slot(worker);
        slot.thread.store(current_thread_serial(), Ordering::Relaxed);
        // An outside executor's threads may run several jobs as one worker
        // id at once only if it numbers them wrongly; rayon numbers its
        // threads 0..n, one job at a time each.
        self.started.fetch_add(1, Ordering::AcqRel);
        let _ = self.run_claimed(worker, claimed);
    }

    /// Records a finished job and counts it.
    fn finish_job(&self, id: u32, job: u64, outcome: Outcome, value: u32, started_ms: f64, finished_ms: f64) {
        let claimed = self.queue.get(job);
        self.events.push(Event {
            job,
            worker: id,
            kind: claimed.spec.kind,
            queued_ms: claimed.queued_ms,
            started_ms,
            finished_ms,
            outcome,
            value,
        });
        let slot = self.slot(id);
        slot.jobs.fetch_add(1, Ordering::Relaxed);
        let busy = f64::from_bits(slot.busy_ms.load(Ordering::Relaxed)) + (finished_ms - started_ms);
        slot.busy_ms.store(busy.to_bits(), Ordering::Relaxed);
        match outcome {
            Outcome::Completed => self.completed.fetch_add(1, Ordering::AcqRel),
            Outcome::TimedOut => {
                self.timed_out.fetch_add(1, Ordering::Relaxed);
                self.failed.fetch_add(1, Ordering::AcqRel)
            }
            Outcome::Failed | Outcome::Cancelled => self.failed.fetch_add(1, Ordering::AcqRel),
        };
        self.announce_if_idle();
    }

    /// The workers whose job has run past the job timeout. Each such job is
    /// reported `TimedOut` here, once; the platform must then terminate the
    /// worker's thread and call `worker_lost(id, Loss::Terminated)`.
    pub fn overdue_workers(&self) -> Vec<u32> {
        let Some(timeout) = self.options.job_timeout_ms else { return Vec::new() };
        let now = sys::now_ms();
        let mut overdue = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let job = slot.current_job.load(Ordering::Acquire);
            let started = f64::from_bits(slot.current_started_ms.load(Ordering::Relaxed));
            if job == 0 || now - started <= timeout {
                continue;
            }
            if slot.current_job.compare_exchange(job, 0, Ordering::AcqRel, Ordering::Acquire).is_ok() {
                let id = i as u32 + 1;
                self.finish_job(id, job, Outcome::TimedOut, 0, started, now);
                overdue.push(id);
            }
        }
        overdue
    }

    /// The platform lost worker `id`'s thread. A job it was running is
    /// reported `Failed` (its panic message, if any, is in `take_failures`).
    /// Returns whether the platform must start a new thread for `id`.
    pub fn worker_lost(&self, id: u32, loss: Loss) -> bool {
        let slot = self.slot(id);
        let job = slot.current_job.swap(0, Ordering::AcqRel);
        if job != 0 && loss == Loss::Crashed {
            let started = f64::from_bits(slot.current_started_ms.load(Ordering::Relaxed));
            self.finish_job(id, job, Outcome::Failed, 0, started, sys::now_ms());
        }
        self.live.fetch_sub(1, Ordering::AcqRel);
        let respawn = self.driver.with(|| {
            let keep = slot.state.load(Ordering::Acquire) == ACTIVE && !self.closed.load(Ordering::Acquire);
            if !keep {
                slot.state.store(VACANT, Ordering::Release);
            }
            keep
        });
        self.announce_idle_change();
        respawn
    }

    /// The workers that ever ran, with what they did.
    pub fn worker_stats(&self) -> Vec<WorkerStats> {
        (0..MAX_WORKERS)
            .filter(|&i| self.slots[i].thread.load(Ordering::Relaxed) != 0 || self.slots[i].state.load(Ordering::Relaxed) != VACANT)
            .map(|i| {
                let slot = &self.slots[i];
                WorkerStats {
                    id: i as u32 + 1,
                    active: slot.state.load(Ordering::Acquire) == ACTIVE,
                    jobs: slot.jobs.load(Ordering::Relaxed),
                    busy_ms: f64::from_bits(slot.busy_ms.load(Ordering::Relaxed)),
                    thread: slot.thread.load(Ordering::Relaxed),
                }
            })
            .collect()
    }
}

/// Runs a job; `None` if it panicked. Native threads unwind, so the worker
/// goes on; wasm32 aborts on panic, so there the thread traps instead and
/// the platform calls `worker_lost`.
fn run_catching_panics(job: u64, spec: job::JobSpec) -> Option<u32> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::panic::catch_unwind(|| job::run(job, spec)).ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        Some(job::run(job, spec))
    }
}
