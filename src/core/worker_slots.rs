//! The pool's worker ids and their signals: one slot per id (its state,
//! its share of the work, the job it runs now, its slice of a partitioned
//! batch), the size asked for, the threads live, and the futex word idle
//! workers sleep on. Who may move a slot from one state to another is in
//! `README.md`, "Resizing".

use super::options::MAX_WORKERS;
use super::sync::{OwnLine, SpinLock};
use super::trace_export::ProgressNote;
use crate::sys;
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// One worker's share of the work so far.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct WorkerStats {
    /// The worker's id (from 1).
    pub id: u32,
    /// Whether it is part of the pool now (not retired).
    pub active: bool,
    /// Jobs it ran.
    pub jobs: u64,
    /// Time it spent running them, in ms.
    pub busy_ms: f64,
    /// Which thread runs this worker (see `current_thread_serial`).
    pub thread: u64,
    /// The job it runs now, 0 for none: the views draw it as it runs.
    pub running_job: u64,
    /// When that job started, in ms on the pool's clock (0 for none).
    pub running_since_ms: f64,
    /// How far that job said it is (`poolscope::progress`), 0 to 1, if it said.
    pub progress: Option<f64>,
}

/// How far a job's progress moves before the trace notes it again.
const NOTE_STEP: f64 = 0.01;
/// The progress notes each worker keeps for the trace.
const MOST_NOTES: usize = 1024;

/// `current_timeout_ms` when the job has no timeout of its own.
const OWN_TIMEOUT_NONE: u64 = u64::MAX;

const VACANT: u32 = 0;
const ACTIVE: u32 = 1;
const RETIRING: u32 = 2;

/// One worker id. Workers write their own slot after every claim: one
/// cache line each.
#[derive(Default)]
#[repr(align(64))]
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
    /// The current job's own timeout (f64 bits), or `OWN_TIMEOUT_NONE`: the pool's.
    current_timeout_ms: AtomicU64,
    /// The last `progress` (f64 bits) of job `progress_job`: a job's own
    /// number marks it, so starting a job writes nothing here (on wasm every
    /// atomic store is a full fence: one more per job cost closures 5%).
    progress: AtomicU64,
    progress_job: AtomicU64,
    /// The progress the trace's export draws: a note each time a job's
    /// progress moved by `NOTE_STEP` or more (the latest `MOST_NOTES`).
    /// Written only by this worker, from `poolscope::progress`.
    notes: SpinLock<VecDeque<ProgressNote>>,
    noted_job: AtomicU64,
    noted_fraction: AtomicU64,
    /// How many items the call job this worker runs has (`Call::items`).
    call_items: AtomicU32,
    /// This worker's own slice of a partitioned batch: jobs `next..end`.
    partition_next: AtomicU64,
    partition_end: AtomicU64,
}

impl WorkerSlot {
    /// This worker's `job` began at `started_ms`: the watchdog may time it out.
    pub(super) fn begin_job(&self, job: u64, started_ms: f64) {
        self.begin_job_with_timeout(job, started_ms, None);
    }

    /// As `begin_job`, for a job with a timeout of its own (a call's).
    pub(super) fn begin_job_with_timeout(&self, job: u64, started_ms: f64, timeout_ms: Option<f64>) {
        let own = timeout_ms.map_or(OWN_TIMEOUT_NONE, f64::to_bits);
        self.current_timeout_ms.store(own, Ordering::Relaxed);
        self.current_started_ms.store(started_ms.to_bits(), Ordering::Relaxed);
        self.current_job.store(job, Ordering::Release);
    }

    /// The call job this worker begins has `items` items.
    pub(super) fn set_call_items(&self, items: u32) {
        self.call_items.store(items, Ordering::Relaxed);
    }

    /// How many items this worker's call job has.
    pub(super) fn call_items(&self) -> u32 {
        self.call_items.load(Ordering::Relaxed)
    }

    /// The running `job` says it is `fraction` done (ignored if it is no
    /// longer this worker's job: the watchdog took it back).
    pub(super) fn set_progress(&self, job: u64, fraction: f64) {
        if !self.lost_job(job) {
            self.progress.store(fraction.to_bits(), Ordering::Relaxed);
            self.progress_job.store(job, Ordering::Release);
            self.note_progress(job, fraction);
        }
    }

    /// Keeps a note of the progress for the trace, at most one per
    /// `NOTE_STEP` of a job's way (a loop that says its progress a million
    /// times reads the clock about a hundred times).
    fn note_progress(&self, job: u64, fraction: f64) {
        let last = f64::from_bits(self.noted_fraction.load(Ordering::Relaxed));
        let same_job = self.noted_job.load(Ordering::Relaxed) == job;
        if same_job && (fraction - last).abs() < NOTE_STEP && !(fraction == 1.0 && last != 1.0) {
            return;
        }
        self.noted_job.store(job, Ordering::Relaxed);
        self.noted_fraction.store(fraction.to_bits(), Ordering::Relaxed);
        let note = ProgressNote {
            at_ms: sys::now_ms(),
            job,
            worker: 0, // filled in by `progress_notes`, which knows the slot's id
            fraction,
        };
        self.notes.with(|notes| {
            if notes.len() == MOST_NOTES {
                notes.pop_front();
            }
            notes.push_back(note);
        });
    }

    /// Job `job`'s last progress, if it said one.
    fn progress(&self, job: u64) -> Option<f64> {
        (self.progress_job.load(Ordering::Acquire) == job)
            .then(|| f64::from_bits(self.progress.load(Ordering::Relaxed)))
    }

    /// The worker's current job (0 for none), if it has been running longer
    /// than its own timeout or else `default_ms`; with when it started.
    fn overdue_job(&self, default_ms: Option<f64>, now: f64) -> Option<(u64, f64)> {
        let job = self.current_job();
        if job == 0 {
            return None;
        }
        let own = self.current_timeout_ms.load(Ordering::Relaxed);
        let timeout = if own == OWN_TIMEOUT_NONE {
            default_ms?
        } else {
            f64::from_bits(own)
        };
        let started = f64::from_bits(self.current_started_ms.load(Ordering::Relaxed));
        (now - started > timeout).then_some((job, started))
    }

    /// The job this worker runs now (0 for none) and when it started.
    pub(super) fn job_started(&self) -> (u64, f64) {
        let job = self.current_job.load(Ordering::Acquire);
        (job, f64::from_bits(self.current_started_ms.load(Ordering::Relaxed)))
    }

    /// This worker's `job` ended; false if the watchdog reported it first.
    pub(super) fn end_job(&self, job: u64) -> bool {
        self.current_job
            .compare_exchange(job, 0, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// This worker's job ended, with no watchdog to race: a plain store.
    pub(super) fn end_unwatched_job(&self) {
        self.current_job.store(0, Ordering::Relaxed);
    }

    /// The job this worker runs now, 0 for none.
    pub(super) fn current_job(&self) -> u64 {
        self.current_job.load(Ordering::Acquire)
    }

    /// Whether the watchdog took `job` from this worker (a relaxed read for
    /// a job's safe points, which only need to see it eventually).
    pub(super) fn lost_job(&self, job: u64) -> bool {
        self.current_job.load(Ordering::Relaxed) != job
    }

    /// Takes the current job from a worker whose thread is gone: the job
    /// (0 for none) and when it started.
    pub(super) fn take_job(&self) -> (u64, f64) {
        let job = self.current_job.swap(0, Ordering::AcqRel);
        (job, f64::from_bits(self.current_started_ms.load(Ordering::Relaxed)))
    }

    /// Which thread runs this worker now (see `current_thread_serial`).
    pub(super) fn set_thread(&self, serial: u64) {
        self.thread.store(serial, Ordering::Relaxed);
    }

    /// Jobs this worker ran.
    pub(super) fn jobs(&self) -> u64 {
        self.jobs.load(Ordering::Relaxed)
    }

    /// Adds finished jobs and their busy time. One writer at a time: the
    /// worker, or after it the watchdog or the platform.
    pub(super) fn add_finished(&self, jobs: u64, busy_ms: f64) {
        self.jobs
            .store(self.jobs.load(Ordering::Relaxed) + jobs, Ordering::Relaxed);
        let busy = f64::from_bits(self.busy_ms.load(Ordering::Relaxed)) + busy_ms;
        self.busy_ms.store(busy.to_bits(), Ordering::Relaxed);
    }

    /// If a resize asked this worker to retire, it leaves (its id turns
    /// vacant) and this says true; false if it was not asked, or a resize
    /// took it back meanwhile.
    pub(super) fn retire_if_asked(&self) -> bool {
        while self.state.load(Ordering::Acquire) == RETIRING {
            if self
                .state
                .compare_exchange(RETIRING, VACANT, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                return true;
            }
        }
        false
    }

    /// This worker leaves the pool (its quota run, or the pool closed).
    pub(super) fn leave(&self) {
        self.state.store(VACANT, Ordering::Release);
    }

    /// The next job of this worker's slice, if any is left.
    pub(super) fn take_partition_job(&self) -> Option<u64> {
        let end = self.partition_end.load(Ordering::Acquire);
        if self.partition_next.load(Ordering::Acquire) >= end {
            return None;
        }
        let job = self.partition_next.fetch_add(1, Ordering::AcqRel);
        (job < end).then_some(job)
    }

    fn assign_partition(&self, begin: u64, end: u64) {
        self.partition_end.store(end, Ordering::Relaxed);
        self.partition_next.store(begin, Ordering::Release);
    }

    fn partition_pending(&self) -> bool {
        self.partition_next.load(Ordering::Acquire) < self.partition_end.load(Ordering::Acquire)
    }

    fn is_active(&self) -> bool {
        self.state.load(Ordering::Acquire) == ACTIVE
    }
}

/// Every worker id's slot, and the signals around them.
pub(super) struct WorkerSlots {
    slots: [WorkerSlot; MAX_WORKERS],
    /// Bumped, then woken, whenever idle workers may have something to do.
    signal: OwnLine<AtomicU32>,
    /// The pool size asked for last.
    target: AtomicU32,
    /// Worker threads inside their loop (retiring ones included).
    live: AtomicU32,
}

impl WorkerSlots {
    pub(super) fn new() -> WorkerSlots {
        WorkerSlots {
            slots: std::array::from_fn(|_| WorkerSlot::default()),
            signal: OwnLine(AtomicU32::new(0)),
            target: AtomicU32::new(0),
            live: AtomicU32::new(0),
        }
    }

    /// Worker `id`'s slot (ids from 1).
    pub(super) fn get(&self, id: u32) -> &WorkerSlot {
        &self.slots[id as usize - 1]
    }

    /// The signal's value now: read it before looking for work, then
    /// `wait_for_work` with it, so that no wake-up falls in between.
    pub(super) fn signal_epoch(&self) -> u32 {
        self.signal.load(Ordering::Acquire)
    }

    /// Sleeps until `wake_all` bumps the signal past `epoch`.
    pub(super) fn wait_for_work(&self, epoch: u32) {
        sys::wait(&self.signal, epoch, None);
    }

    /// Wakes every idle worker: they may have something to do.
    pub(super) fn wake_all(&self) {
        self.signal.fetch_add(1, Ordering::Release);
        sys::wake_all(&self.signal);
    }

    /// The pool size asked for last.
    pub(super) fn target(&self) -> u32 {
        self.target.load(Ordering::Relaxed)
    }

    /// Worker threads inside their loop.
    pub(super) fn live(&self) -> u32 {
        self.live.load(Ordering::Acquire)
    }

    pub(super) fn thread_started(&self) {
        self.live.fetch_add(1, Ordering::AcqRel);
    }

    pub(super) fn thread_ended(&self) {
        self.live.fetch_sub(1, Ordering::AcqRel);
    }

    /// Sets the pool size (under the driver lock). Returns the ids that
    /// need a thread: growing first takes back retiring workers that have
    /// not ended yet, then the lowest vacant ids; shrinking retires the
    /// highest active ones.
    pub(super) fn resize(&self, size: usize) -> Vec<u32> {
        let active: Vec<usize> = (0..MAX_WORKERS).filter(|&i| self.slots[i].is_active()).collect();
        let mut to_start = Vec::new();
        if size > active.len() {
            let mut needed = size - active.len();
            // A retiring worker that has not ended yet simply stays.
            for slot in self.slots.iter() {
                if needed > 0
                    && slot
                        .state
                        .compare_exchange(RETIRING, ACTIVE, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok()
                {
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
    }

    /// Ids `1..=count` are an outside executor's threads (under the driver lock).
    #[cfg_attr(not(feature = "rayon"), allow(dead_code))] // the web's rayon pool
    pub(super) fn adopt(&self, count: usize) {
        for slot in &self.slots[..count] {
            slot.state.store(ACTIVE, Ordering::Release);
        }
        self.target.store(count as u32, Ordering::Relaxed);
    }

    /// Worker `id` never got a thread: its id is free again.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the web's hosts
    pub(super) fn vacate(&self, id: u32) {
        self.get(id).leave();
    }

    /// After worker `id`'s thread was lost (under the driver lock): whether
    /// a new thread must take its id; if not, the id turns vacant.
    pub(super) fn keep_after_loss(&self, id: u32, closed: bool) -> bool {
        let slot = self.get(id);
        let keep = slot.is_active() && !closed;
        if !keep {
            slot.leave();
        }
        keep
    }

    /// Whether some worker's slice of a partitioned batch has jobs left.
    pub(super) fn partitions_pending(&self) -> bool {
        self.slots.iter().any(WorkerSlot::partition_pending)
    }

    /// Gives jobs `first..first + count`, published and reserved, to the
    /// pool's workers in contiguous slices of `ceil(count / workers)`.
    pub(super) fn assign_slices(&self, first: u64, count: u64) {
        let workers = self.target() as u64;
        let slice = count.div_ceil(workers.max(1));
        for (worker, slot) in self.slots.iter().enumerate().take(workers as usize) {
            let begin = (first + worker as u64 * slice).min(first + count);
            slot.assign_partition(begin, (begin + slice).min(first + count));
        }
    }

    /// Empties every slice; returns the jobs that were left in them.
    pub(super) fn cancel_partitions(&self) -> Vec<Range<u64>> {
        self.slots
            .iter()
            .filter_map(|slot| {
                let end = slot.partition_end.load(Ordering::Acquire);
                let next = slot.partition_next.swap(end, Ordering::AcqRel);
                (next < end).then_some(next..end)
            })
            .collect()
    }

    /// The worker whose current job is `job`, if any.
    pub(super) fn running(&self, job: u64) -> Option<u32> {
        (job != 0)
            .then(|| self.slots.iter().position(|slot| slot.current_job() == job))
            .flatten()
            .map(|i| i as u32 + 1)
    }

    /// Takes every job that has run longer than its own timeout, or else
    /// `default_ms`, at `now` from its worker, once: `(worker id, job,
    /// started_ms)` for each.
    pub(super) fn take_overdue(&self, default_ms: Option<f64>, now: f64) -> Vec<(u32, u64, f64)> {
        let mut overdue = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            let Some((job, started)) = slot.overdue_job(default_ms, now) else {
                continue;
            };
            if slot.end_job(job) {
                overdue.push((i as u32 + 1, job, started));
            }
        }
        overdue
    }

    /// The workers that ever ran, with what they did.
    pub(super) fn stats(&self) -> Vec<WorkerStats> {
        (0..MAX_WORKERS)
            .filter(|&i| {
                self.slots[i].thread.load(Ordering::Relaxed) != 0
                    || self.slots[i].state.load(Ordering::Relaxed) != VACANT
            })
            .map(|i| {
                let slot = &self.slots[i];
                let (running_job, started_ms) = slot.job_started();
                WorkerStats {
                    id: i as u32 + 1,
                    active: slot.is_active(),
                    jobs: slot.jobs(),
                    busy_ms: f64::from_bits(slot.busy_ms.load(Ordering::Relaxed)),
                    thread: slot.thread.load(Ordering::Relaxed),
                    running_job,
                    running_since_ms: if running_job == 0 { 0.0 } else { started_ms },
                    progress: if running_job == 0 {
                        None
                    } else {
                        slot.progress(running_job)
                    },
                }
            })
            .collect()
    }

    /// Every worker's progress notes, oldest first (for the trace's export).
    pub(super) fn progress_notes(&self) -> Vec<ProgressNote> {
        let mut all: Vec<ProgressNote> = Vec::new();
        for (i, slot) in self.slots.iter().enumerate() {
            slot.notes.with(|notes| {
                all.extend(notes.iter().map(|note| ProgressNote {
                    worker: i as u32 + 1,
                    ..*note
                }))
            });
        }
        all.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        all
    }
}
