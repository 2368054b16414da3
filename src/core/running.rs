//! What this thread runs now, for code inside a job: `current_job`,
//! `should_stop` (the job timed out, or its caller cancelled it: a
//! well-written closure ends early and frees its core) and `progress`
//! (how far it is, for the views). The panic hook (`failure`) reads it too.

use super::failure_log::FailureLog;
use super::task::Group;
use super::worker_slots::WorkerSlot;
use std::cell::Cell;

/// What this thread runs now: its pool's failure log, job, worker id, its
/// worker's slot, and a closure job's group and index (null and 0 for a
/// built-in job).
///
/// Pointers, borrowed for the job's span by `RunningJob`: the panic hook
/// runs on the panicking thread, which on wasm traps right after, so it
/// must file the failure into the shared log itself, and a thread-local
/// cannot hold a borrow. (An `Arc` instead would cost every job a count on
/// a line all workers share, and a trapped thread would never let go of it.)
#[derive(Clone, Copy)]
pub(super) struct Running {
    pub(super) log: *const FailureLog,
    pub(super) job: u64,
    pub(super) worker: u32,
    slot: *const WorkerSlot,
    pub(super) group: *const Group,
    pub(super) index: usize,
}

std::thread_local! {
    static RUNNING: Cell<Option<Running>> = const { Cell::new(None) };
}

/// What this thread runs now, if it is a pool's worker inside a job.
pub(super) fn running() -> Option<Running> {
    RUNNING.with(Cell::get)
}

/// Marks this thread as running `job` (a closure job: its group and index)
/// while it lives.
pub(super) struct RunningJob<'a>(std::marker::PhantomData<&'a Group>);

impl<'a> RunningJob<'a> {
    pub(super) fn enter(
        log: &'a FailureLog,
        (job, worker, slot): (u64, u32, &'a WorkerSlot),
        closure: Option<(&'a Group, usize)>,
    ) -> RunningJob<'a> {
        let (group, index) = closure.map_or((std::ptr::null(), 0), |(group, index)| (group as *const Group, index));
        let running = Running {
            log,
            job,
            worker,
            slot,
            group,
            index,
        };
        RUNNING.with(|r| r.set(Some(running)));
        RunningJob(std::marker::PhantomData)
    }
}

impl Drop for RunningJob<'_> {
    fn drop(&mut self) {
        RUNNING.with(|r| r.set(None));
    }
}

/// The job this thread runs now, and its worker's id (as in the events and
/// the log: "Job 7 is done by worker 2"), if this is a pool's worker
/// inside a job. A closure may call it to say who computed its result.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// let pool = poolscope::Pool::new(2).unwrap();
/// let (job, worker) = pool.spawn(|| poolscope::current_job().unwrap()).unwrap().join().unwrap();
/// assert!(job == 1 && (1..=2).contains(&worker));
/// assert_eq!(poolscope::current_job(), None, "not inside a job");
/// # }
/// ```
pub fn current_job() -> Option<(u64, u32)> {
    running().map(|running| (running.job, running.worker))
}

/// Whether the job this thread runs should stop now: it ran past its
/// timeout (it is already reported `TimedOut`, and nobody will read what it
/// returns), or its caller cancelled it (`JobHandle::cancel`,
/// `Batch::cancel`). A closure that loops checks it now and then and
/// returns early, so that it frees its core; nothing stops a closure from
/// outside. False outside a job. One relaxed read or two: cheap enough
/// for every few microseconds of work.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// let pool = poolscope::Pool::new(1).unwrap();
/// let (began, has_begun) = std::sync::mpsc::channel();
/// let endless = pool.spawn(move || {
///     began.send(()).unwrap();
///     let mut turns = 0u64;
///     while !poolscope::should_stop() {
///         turns += 1; // a slice of the work
///     }
///     turns
/// }).unwrap();
/// has_begun.recv().unwrap();
/// endless.cancel();
/// assert!(endless.join().is_ok(), "it ended itself when asked"); // however many turns it took first
/// # }
/// ```
pub fn should_stop() -> bool {
    let Some(running) = running() else { return false };
    // SAFETY: `RunningJob` sets these only while the worker holds its slot and the group.
    let slot = unsafe { &*running.slot };
    slot.lost_job(running.job) || unsafe { running.group.as_ref() }.is_some_and(Group::stop_asked)
}

/// Tells the views how far the job this thread runs is, as a fraction
/// from 0 to 1 (a value outside is clamped; NaN is ignored): the timeline
/// fills the running job's bar that far, and `workers()` gives it
/// (`WorkerStats::progress`). Nothing outside a job.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// let pool = poolscope::Pool::new(1).unwrap();
/// let tiles = pool.spawn(|| {
///     for tile in 0..4 {
///         // ... render tile ...
///         poolscope::progress((tile + 1) as f64 / 4.0);
///     }
/// }).unwrap();
/// tiles.join().unwrap();
/// # }
/// ```
pub fn progress(fraction: f64) {
    if fraction.is_nan() {
        return;
    }
    if let Some(running) = running() {
        // SAFETY: as in `should_stop`.
        unsafe { &*running.slot }.set_progress(running.job, fraction.clamp(0.0, 1.0));
    }
}
