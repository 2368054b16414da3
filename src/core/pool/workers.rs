//! The worker side of `PoolCore`: resizing, the worker loop, and what
//! happens when a worker is lost (a wasm thread that trapped on a panic, or
//! one left behind for running past the job timeout). The slots it moves
//! between states are `WorkerSlots` (`worker_slots.rs`).

use super::PoolCore;
use crate::core::calls::CallReport;
use crate::core::counts::Tally;
use crate::core::error::{JobError, PoolError};
use crate::core::events::Event;
use crate::core::job::{self, JobKind, Outcome};
use crate::core::options::check_size;
use crate::core::queue::Claimed;
use crate::core::running::RunningJob;
use crate::core::task::Group;
use crate::core::worker_slots::{WorkerSlot, WorkerStats};
use crate::sys;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a worker does next (`PoolCore::turn`).
pub(super) enum Turn {
    End,
    Run(std::ops::Range<u64>),
    Wait,
}

/// Why a worker left its loop (`PoolCore::run_worker`, `resume_worker`).
#[derive(Debug, PartialEq)]
pub enum Step {
    /// It ended: the thread frees itself and ends.
    Exit(WorkerExit),
    /// It took a call job, which the platform runs (see `calls.rs`), then
    /// reports with `call_finished` and returns with `resume_worker`. It
    /// left the loop so that no frame of the core is on the thread's stack
    /// while the platform's code runs: a JS job may await, which needs the
    /// worker's event loop, and may be ended from outside.
    Call {
        /// Its number.
        job: u64,
        /// The call's input, as the platform encoded it.
        input: Box<[u8]>,
    },
}

/// How a worker loop ended. Either way the thread frees itself and ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerExit {
    /// It retired, or the pool closed.
    Retired,
    /// The watchdog reported its job as timed out and another thread took
    /// its worker id; the job stopped at its next safe point.
    Abandoned,
}

/// Why the platform lost a worker thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// The thread died (on wasm, a panic traps the thread).
    Crashed,
    /// `overdue_workers` named it: its job timed out. The thread is left
    /// to stop at its job's next safe point and end by itself, never
    /// terminated from outside: a Web Worker's `terminate()` does not stop
    /// running wasm at once (Chromium ran on for 2 s under load, WebKit
    /// until the job ended), and a thread that runs on must still own its
    /// stack and TLS (see `src/web/worker_host.js`).
    TimedOut,
}

static NEXT_THREAD_SERIAL: AtomicU64 = AtomicU64::new(1);
std::thread_local! {
    static THREAD_SERIAL: u64 = NEXT_THREAD_SERIAL.fetch_add(1, Ordering::Relaxed);
}

/// A number that tells this thread apart from every other in the process.
pub fn current_thread_serial() -> u64 {
    THREAD_SERIAL.with(|s| *s)
}

/// A serial for a thread outside this process (a remote worker), from the same count.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the message-passing build's
pub(super) fn new_thread_serial() -> u64 {
    NEXT_THREAD_SERIAL.fetch_add(1, Ordering::Relaxed)
}

impl PoolCore {
    /// Sets the pool size. Returns the worker ids the platform must start a
    /// thread for; retiring workers finish their current job, then end.
    pub fn resize(&self, size: usize) -> Result<Vec<u32>, PoolError> {
        check_size(size)?;
        if self.workers.partitions_pending() {
            return Err(PoolError::PartitionFixed);
        }
        let to_start = self.driver.with(|_| self.workers.resize(size));
        self.note_resize(size);
        self.workers.wake_all();
        Ok(to_start)
    }

    /// For a platform that could not start worker `id` after `resize` asked.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the web's hosts
    pub fn abandon_worker(&self, id: u32) {
        self.workers.vacate(id);
    }

    /// The worker loop: takes jobs until this worker retires or the pool
    /// closes with nothing left to do, or until it takes a call job. Runs
    /// on a thread that may block; `on_started` runs once the worker
    /// counts as live.
    pub fn run_worker(&self, id: u32, on_started: impl FnOnce()) -> Step {
        sys::allow_blocking_on_this_thread();
        let slot = self.workers.get(id);
        slot.set_thread(current_thread_serial());
        self.thread_started();
        on_started();
        self.resume_worker(id)
    }

    /// Goes on with worker `id`'s loop after the platform ran and reported
    /// the call job it returned with (`Step::Call`).
    pub fn resume_worker(&self, id: u32) -> Step {
        let slot = self.workers.get(id);
        // When the last job ended, if this worker took the next one at once:
        // that job starts then (one clock reading per job, not two).
        let mut last_end = None;
        loop {
            let epoch = self.workers.signal_epoch();
            match self.turn(slot, self.most_per_claim()) {
                Turn::End => break,
                Turn::Run(jobs) if self.queue.get(jobs.start).spec.kind == JobKind::Call => {
                    // A call is claimed alone (`JobSpec::runs_alone`).
                    if let Some(input) = self.begin_call(id, jobs.start, last_end) {
                        return Step::Call { job: jobs.start, input };
                    }
                    last_end = None;
                }
                Turn::Run(jobs) => match self.run_jobs(id, jobs, last_end) {
                    (WorkerExit::Abandoned, _) => return Step::Exit(WorkerExit::Abandoned), // the watchdog reported this job and replaces us
                    (WorkerExit::Retired, end) => last_end = Some(end),
                },
                Turn::Wait => {
                    self.workers.wait_for_work(epoch);
                    last_end = None;
                }
            }
        }
        self.thread_ended();
        Step::Exit(WorkerExit::Retired)
    }

    /// One turn of a worker's loop, the same for the pool's threads and
    /// for remote workers (`remote.rs`): end (retired, its quota of jobs
    /// run, or the pool closed with nothing left), run the jobs it took
    /// (counted as started), or wait for work.
    pub(super) fn turn(&self, slot: &WorkerSlot, most: u64) -> Turn {
        if slot.retire_if_asked() {
            return Turn::End;
        }
        // With a quota (one job per worker: "a goroutine per job"), end after it.
        if self.options.jobs_per_worker.is_some_and(|quota| slot.jobs() >= quota) {
            slot.leave();
            return Turn::End;
        }
        let next = slot
            .take_partition_job()
            .map(|job| job..job + 1)
            .or_else(|| self.queue.claim_run(most, self.workers.target().into()));
        if let Some(jobs) = next {
            self.counts.add_started(jobs.end - jobs.start); // before making room: `waiting` stays within capacity
            self.bump_room();
            return Turn::Run(jobs);
        }
        if self.closed.load(Ordering::Acquire) {
            slot.leave();
            return Turn::End;
        }
        Turn::Wait
    }

    /// How many jobs a worker may take with one claim. One where
    /// each job must be watched on its own: with a job timeout (the
    /// watchdog races the worker for each job) or a quota per worker.
    fn most_per_claim(&self) -> u64 {
        const MOST_PER_CLAIM: u64 = 64;
        let options = &self.options;
        if options.job_timeout_ms.is_some() || options.jobs_per_worker.is_some() {
            1
        } else {
            MOST_PER_CLAIM
        }
    }

    /// Runs jobs this worker took (and counted as started) and reports
    /// each, unless the watchdog reported one first (then the caller must
    /// end: `Abandoned`; that happens only to a job taken alone). `since`:
    /// when this worker's previous job ended, if it took these right
    /// after. Returns when the last job ended.
    fn run_jobs(&self, id: u32, jobs: std::ops::Range<u64>, since: Option<f64>) -> (WorkerExit, f64) {
        let slot = self.workers.get(id);
        let watched = self.options.job_timeout_ms.is_some();
        let mut events = None;
        let mut tally = Tally::default();
        let mut settle_after = Vec::new(); // closure jobs tell their handles last
        let mut withdrawn = 0; // closure jobs their callers cancelled before they began
        let mut clock = since.unwrap_or_else(sys::now_ms); // one reading per job: a job ends when the next starts
                                                           // In a run, the jobs but the last end on the run's cheaper clock.
        let (last, run_clock) = (jobs.end - 1, (jobs.end - jobs.start > 1).then(sys::RunClock::start));
        for (i, job) in jobs.clone().enumerate() {
            let claimed = self.queue.get(job);
            // Queued on another thread: its time reaches us with the job, not through `share_time`.
            let started_ms = clock.max(claimed.queued_ms);
            // SAFETY: this worker claimed the job, and settles it last, below.
            let closure = unsafe { self.queue.group(job) };
            if let Some((group, index)) = closure.filter(|(group, _)| group.stop_asked()) {
                // Its caller cancelled it (`JobHandle::cancel`) before any worker began it: it never runs.
                let first_event = *events.get_or_insert_with(|| self.events.reserve(jobs.end - jobs.start));
                // SAFETY: this worker claimed the job.
                let event = unsafe { self.withdraw(job, &claimed, started_ms, first_event + i as u64, (group, index)) };
                withdrawn += 1;
                settle_after.push(((group, index), event));
                continue;
            }
            // Taken before the watchdog can see the job: it may settle it, and so let go of the group, while the closure runs.
            let _held = closure.filter(|_| watched).map(|(group, _)| unsafe { group.hold() });
            slot.begin_job(job, started_ms);
            let result = {
                let _running = RunningJob::enter(&self.failures, (job, id, slot), closure);
                if let Some((group, index)) = closure {
                    run_closure(|| unsafe { group.run(index) }) // SAFETY: this worker claimed the job
                } else if watched {
                    // The watchdog took the job back: stop at the next safe point.
                    run_catching_panics(job, claimed.spec, Some(&|| slot.lost_job(job)))
                } else {
                    run_catching_panics(job, claimed.spec, None)
                }
            };
            clock = match &run_clock {
                Some(run_clock) if job != last => run_clock.now_ms(),
                _ => sys::now_ms(),
            }
            .max(started_ms);
            // Only a watchdog races us for `current_job`; without one a plain store does.
            if watched {
                if !slot.end_job(job) {
                    return (WorkerExit::Abandoned, clock);
                }
            } else {
                slot.end_unwatched_job();
            }
            // Reserved once the first job is safely ours: an abandoned job leaves no gap.
            let first_event = *events.get_or_insert_with(|| self.events.reserve(jobs.end - jobs.start));
            let (outcome, value) = match result {
                Ran::Finished(value) => (Outcome::Completed, value),
                // `Stopped` only follows the watchdog's claim, which failed the exchange above.
                Ran::Panicked | Ran::Stopped => (Outcome::Failed, 0),
            };
            let event = claimed.event(job, id, (started_ms, clock), (outcome, value));
            self.events.write(first_event + i as u64, event);
            tally.add(&event);
            if let Some(closure) = closure {
                settle_after.push((closure, event));
            }
        }
        // Recorded: their slots may be used again, before the counts say
        // they finished (a pool that is idle holds no slot of a finished job).
        self.queue.retire(jobs);
        sys::share_time(clock); // before the counts that tell others these jobs finished
        if withdrawn > 0 {
            self.counts.add_withdrawn(withdrawn);
        }
        self.count_finished(id, tally);
        for ((group, index), event) in settle_after {
            // SAFETY: the last use of the group here (a held count drops after).
            unsafe { settle(group, index, &event) };
        }
        (WorkerExit::Retired, clock)
    }

    /// Records closure job `job`, which its caller cancelled before it
    /// began, as `Cancelled` at event `at`, its closure dropped unrun. Out
    /// of `run_jobs`' loop: kept out of the way of every job that runs.
    ///
    /// # Safety
    /// This worker claimed the job.
    #[cold]
    #[inline(never)]
    unsafe fn withdraw(
        &self,
        job: u64,
        claimed: &Claimed,
        started_ms: f64,
        at: u64,
        (group, index): (&Group, usize),
    ) -> Event {
        // SAFETY: the caller's.
        unsafe { group.discard(index) };
        let event = claimed.event(job, 0, (started_ms, started_ms), (Outcome::Cancelled, 0));
        self.events.write(at, event);
        event
    }

    /// Declares workers `1..=count` as an outside executor's threads (rayon):
    /// no thread of the pool's own is started for them.
    #[cfg_attr(not(feature = "rayon"), allow(dead_code))] // the web's rayon pool
    pub fn adopt_external_workers(&self, count: usize) -> Result<(), PoolError> {
        check_size(count)?;
        self.driver.with(|_| self.workers.adopt(count));
        Ok(())
    }

    /// A worker thread, the pool's own or an outside executor's (rayon),
    /// starts taking jobs: it counts in `live_workers`, announced on the
    /// idle futex (a rayon pool's `ready()` waits there).
    pub fn thread_started(&self) {
        self.workers.thread_started();
        self.announce_idle_change();
    }

    /// A worker thread ended (see `thread_started`).
    pub fn thread_ended(&self) {
        self.workers.thread_ended();
        self.announce_idle_change();
    }

    /// Takes every waiting job for an outside executor (rayon), which then
    /// runs each with `run_external`. Returns their job numbers.
    #[cfg_attr(not(feature = "rayon"), allow(dead_code))] // the web's rayon pool
    pub fn take_all_for_external(&self) -> std::ops::Range<u64> {
        self.queue.claim_all()
    }

    /// Runs job `job` (taken with `take_all_for_external`) on the calling
    /// thread, reported as worker `worker`.
    #[cfg_attr(not(feature = "rayon"), allow(dead_code))] // the web's rayon pool
    pub fn run_external(&self, job: u64, worker: u32) {
        sys::allow_blocking_on_this_thread(); // an executor's threads are workers: `sleep` jobs may block
        self.workers.get(worker).set_thread(current_thread_serial());
        // An outside executor's threads may run several jobs as one worker
        // id at once only if it numbers them wrongly; rayon numbers its
        // threads 0..n, one job at a time each.
        self.counts.add_started(1);
        let _ = self.run_jobs(worker, job..job + 1, None);
    }

    /// Records a job that a worker did not finish itself (timed out or
    /// crashed), and counts it.
    fn finish_job(&self, id: u32, job: u64, outcome: Outcome, started_ms: f64, finished_ms: f64) {
        self.record_job(id, job, outcome, 0, started_ms, finished_ms);
    }

    /// Records and counts one job taken alone: one a worker did not
    /// finish itself, or one a remote worker finished (`remote.rs`).
    pub(super) fn record_job(
        &self,
        id: u32,
        job: u64,
        outcome: Outcome,
        value: u32,
        started_ms: f64,
        finished_ms: f64,
    ) {
        self.record_job_with_output(id, job, (outcome, value), (started_ms, finished_ms), Box::default());
    }

    /// As `record_job`, with a call job's output for its report.
    pub(super) fn record_job_with_output(
        &self,
        id: u32,
        job: u64,
        (outcome, value): (Outcome, u32),
        (started_ms, finished_ms): (f64, f64),
        output: Box<[u8]>,
    ) {
        let claimed = self.queue.get(job);
        let finished_ms = finished_ms.max(started_ms); // `started_ms` was read on the job's own thread
        let event = claimed.event(job, id, (started_ms, finished_ms), (outcome, value));
        // SAFETY: nobody else records this job, and we settle it last, below.
        let closure = unsafe { self.queue.group(job) };
        self.events.push(event);
        // The job's thread (trapped, or abandoned after the timeout) no
        // longer reads its slot; an abandoned one holds its group's count.
        self.queue.retire(job..job + 1);
        sys::share_time(finished_ms);
        let mut tally = Tally::default();
        tally.add(&event);
        self.count_finished(id, tally);
        if let Some((group, index)) = closure {
            // SAFETY: the last use of the group here.
            unsafe { settle(group, index, &event) };
        }
        if event.kind == JobKind::Call {
            self.calls.report(CallReport {
                job,
                worker: id,
                outcome,
                output,
                ran_ms: event.finished_ms - event.started_ms,
            });
        }
    }

    /// Counts finished jobs of worker `id`, and wakes whoever waits for
    /// the pool to turn idle.
    fn count_finished(&self, id: u32, tally: Tally) {
        self.workers.get(id).add_finished(tally.jobs(), tally.busy_ms());
        self.counts.add_finished(&tally);
        self.announce_if_idle();
    }

    /// The workers whose job has run past the job timeout (the pool's, or a
    /// call's own). Each such job is
    /// reported `TimedOut` here, once; the platform must then call
    /// `worker_lost(id, Loss::TimedOut)` and start a new thread for the id
    /// if it says so. The old thread stops its job at the next safe point
    /// and ends by itself (`WorkerExit::Abandoned`).
    pub fn overdue_workers(&self) -> Vec<u32> {
        let now = sys::now_ms();
        let overdue = self.workers.take_overdue(self.options.job_timeout_ms, now);
        for &(id, job, started) in &overdue {
            self.finish_job(id, job, Outcome::TimedOut, started, now);
        }
        overdue.into_iter().map(|(id, _, _)| id).collect()
    }

    /// The platform lost worker `id`'s thread. A job it was running is
    /// reported `Failed` (its panic message, if any, is in `take_failures`).
    /// Returns whether the platform must start a new thread for `id`.
    pub fn worker_lost(&self, id: u32, loss: Loss) -> bool {
        let (job, started) = self.workers.get(id).take_job();
        if job != 0 && loss == Loss::Crashed {
            // With a job timeout the dead thread held a count of its closure's
            // group (see `run_jobs`), which it will never let go of.
            // SAFETY: the job is not settled yet; `finish_job` settles it below.
            let held = self
                .options
                .job_timeout_ms
                .and(unsafe { self.queue.group(job) })
                .map(|(group, _)| group as *const Group);
            self.finish_job(id, job, Outcome::Failed, started, sys::now_ms());
            if let Some(group) = held {
                // SAFETY: that count kept the group alive through `finish_job`; it is the dead thread's to drop.
                unsafe { std::sync::Arc::decrement_strong_count(group) };
            }
        }
        self.workers.thread_ended();
        let respawn = self
            .driver
            .with(|_| self.workers.keep_after_loss(id, self.closed.load(Ordering::Acquire)));
        self.announce_idle_change();
        respawn
    }

    /// The workers that ever ran, with what they did.
    pub fn worker_stats(&self) -> Vec<WorkerStats> {
        self.workers.stats()
    }
}

/// How running one job went.
enum Ran {
    Finished(u32),
    Panicked,
    /// `stop()` said so at a safe point: the watchdog reported the job.
    Stopped,
}

/// Tells a closure job's handle what its event says.
///
/// # Safety
/// As for `Group::settle`.
unsafe fn settle(group: &Group, index: usize, event: &Event) {
    let job = event.job;
    let outcome = match event.outcome {
        Outcome::Completed => {
            group.note_ran(index, event.finished_ms - event.started_ms);
            Ok(())
        }
        Outcome::TimedOut => Err(JobError::TimedOut {
            job,
            after_ms: event.finished_ms - event.started_ms,
        }),
        Outcome::Failed => {
            let message = group
                .take_panic_message(index)
                .unwrap_or_else(|| "its worker's thread died".to_string());
            Err(JobError::Panicked { job, message })
        }
        Outcome::Cancelled => Err(JobError::Cancelled { job }),
    };
    // SAFETY: see the function's contract.
    unsafe { group.settle(index, outcome) };
}

/// Runs a closure job (a chunk of items), which writes its own values
/// into its handle's slots; its value is how many items it ran.
fn run_closure(work: impl FnOnce() -> usize) -> Ran {
    #[cfg(not(target_arch = "wasm32"))]
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    #[cfg(target_arch = "wasm32")]
    let ran: Result<usize, ()> = Ok(work()); // wasm32 aborts on panic: nothing to catch
    match ran {
        Ok(items) => Ran::Finished(items.min(u32::MAX as usize) as u32),
        Err(_) => Ran::Panicked,
    }
}

/// Runs a job. Native threads unwind, so the worker goes on after a panic;
/// wasm32 aborts on panic, so there the thread traps instead and the
/// platform calls `worker_lost`.
fn run_catching_panics(job: u64, spec: job::JobSpec, stop: Option<&dyn Fn() -> bool>) -> Ran {
    #[cfg(not(target_arch = "wasm32"))]
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job::run(job, spec, stop)));
    #[cfg(target_arch = "wasm32")]
    let ran: Result<Option<u32>, ()> = Ok(job::run(job, spec, stop));
    match ran {
        Ok(Some(value)) => Ran::Finished(value),
        Ok(None) => Ran::Stopped,
        Err(_) => Ran::Panicked,
    }
}
