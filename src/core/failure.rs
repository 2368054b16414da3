//! Panicking jobs. A panic hook takes the message, whatever the platform
//! does next: a native worker unwinds and goes on; a wasm thread traps
//! (wasm32 aborts on panic) and the platform replaces the worker.

use super::failure_log::{Failure, FailureLog};
use super::task::Group;
use std::cell::Cell;
use std::panic::PanicHookInfo;
use std::sync::Once;

/// What this thread runs now: its pool's failure log, job, worker id, and
/// a closure job's group and index (null and 0 for a built-in job).
///
/// Pointers, borrowed for the job's span by `RunningJob`: the hook runs on
/// the panicking thread, which on wasm traps right after, so it must file
/// the failure into the shared log itself, and a thread-local cannot hold
/// a borrow. (An `Arc` instead would cost every job a count on a line all
/// workers share, and a trapped thread would never let go of it.)
type Running = (*const FailureLog, u64, u32, *const Group, usize);

std::thread_local! {
    static RUNNING: Cell<Option<Running>> = const { Cell::new(None) };
}

/// Marks this thread as running `job` (a closure job: its group and index)
/// while it lives, so that a panic is filed under that job in `log`.
pub(super) struct RunningJob<'a>(std::marker::PhantomData<&'a Group>);

impl<'a> RunningJob<'a> {
    pub(super) fn enter(
        log: &'a FailureLog,
        job: u64,
        worker: u32,
        closure: Option<(&'a Group, usize)>,
    ) -> RunningJob<'a> {
        let (group, index) = closure.map_or((std::ptr::null(), 0), |(group, index)| (group as *const Group, index));
        RUNNING.with(|r| r.set(Some((log as *const FailureLog, job, worker, group, index))));
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
    RUNNING.with(Cell::get).map(|(_, job, worker, _, _)| (job, worker))
}

fn message(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panicked".to_string())
}

/// Installs the hook once per process; panics outside jobs still reach the
/// hook that was there before.
pub(crate) fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| match RUNNING.with(Cell::get) {
            // SAFETY: `RunningJob` sets these only while the worker holds the log and the group.
            Some((log, job, worker, group, index)) => unsafe { &*log }.record(
                Failure {
                    job,
                    worker,
                    message: message(info),
                },
                unsafe { group.as_ref() }.map(|group| (group, index)),
            ),
            None => previous(info),
        }));
    });
}
