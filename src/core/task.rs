//! Closure jobs: what a job queued with `spawn` or `map` carries in its
//! queue slot. The core runs the closure like any other job (the same
//! claim, events, counters, timeouts and resizes); what it adds is how the
//! outcome reaches the caller's handle.
//!
//! Exactly one party records a job's event, and that party settles the
//! handle, once: the worker when the closure returned (`publish`), the
//! watchdog when it timed out, the platform when the thread died on a
//! panic, `cancel` when the job never ran (`fail`). The closure itself only
//! puts its value into the handle's cell, before the event is recorded, so
//! that a caller who sees the result also sees it in the counters.

use super::error::{JobError, PoolError};
use super::handle::{Batch, FinishOrder, JobHandle, ResultCell};
use super::pool::{PoolCore, MAX_JOBS};
use std::cell::UnsafeCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};

/// The longest label a job may carry, in bytes. A longer one is refused
/// with `PoolError::LabelTooLong` (it would only be shown cut).
pub const MAX_LABEL_BYTES: usize = 256;

/// Where a closure job's outcome goes: the handle's result cell, with its
/// type erased.
pub(crate) trait Sink: Send + Sync {
    /// The job's event says it completed: the value the closure put is the result.
    fn publish(&self);
    /// The job's event says it failed, timed out or never ran.
    fn fail(&self, error: JobError);
}

/// A queued closure job. Lives in its queue slot until the pool is
/// dropped (so its label can be read back); the closure and the sink are
/// released as soon as the job is over.
pub(crate) struct Task {
    /// Taken by the one party that claimed the job: a worker runs it,
    /// `cancel` drops it.
    work: UnsafeCell<Option<Box<dyn FnOnce() + Send>>>,
    /// Taken by the one party that records the job's event, the one that
    /// sets `settled`: no lock, so a browser's main thread never waits.
    sink: UnsafeCell<Option<Arc<dyn Sink>>>,
    settled: AtomicBool,
    /// What the panic hook said (a `Box<String>`), for the handle: wasm
    /// traps the panicking thread, so another thread records the event.
    panic_message: AtomicPtr<String>,
    pub(crate) label: Option<Box<str>>,
    /// The job number, set when the job is queued.
    pub(crate) job: AtomicU64,
}

// SAFETY: `work` is touched only by the party that claimed the job, which
// the queue makes exactly one (see `core/README.md`), and `sink` only by
// the one that set `settled`; the rest is atomics.
unsafe impl Sync for Task {}

impl Task {
    pub(crate) fn new(work: Box<dyn FnOnce() + Send>, sink: Arc<dyn Sink>, label: Option<Box<str>>) -> Task {
        Task {
            work: UnsafeCell::new(Some(work)),
            sink: UnsafeCell::new(Some(sink)),
            settled: AtomicBool::new(false),
            panic_message: AtomicPtr::new(std::ptr::null_mut()),
            label,
            job: AtomicU64::new(0),
        }
    }

    /// The closure, for the one party that claimed the job.
    ///
    /// # Safety
    /// The caller claimed this job from the queue (or a partition) itself.
    pub(crate) unsafe fn take_work(&self) -> Option<Box<dyn FnOnce() + Send>> {
        // SAFETY: see the function's contract.
        unsafe { (*self.work.get()).take() }
    }

    pub(crate) fn note_panic(&self, message: &str) {
        let old = self.panic_message.swap(Box::into_raw(Box::new(message.to_string())), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: every non-null pointer here came from `Box::into_raw` and is owned by the swapper.
            drop(unsafe { Box::from_raw(old) });
        }
    }

    pub(crate) fn take_panic_message(&self) -> Option<String> {
        let message = self.panic_message.swap(std::ptr::null_mut(), Ordering::AcqRel);
        // SAFETY: as in `note_panic`.
        (!message.is_null()).then(|| *unsafe { Box::from_raw(message) })
    }

    /// Settles the handle as the job's event says; only the first call counts.
    pub(crate) fn settle(&self, outcome: Result<(), JobError>) {
        if self.settled.swap(true, Ordering::AcqRel) {
            return;
        }
        // SAFETY: the swap above made this call the only one to reach `sink`.
        let Some(sink) = (unsafe { (*self.sink.get()).take() }) else { return };
        match outcome {
            Ok(()) => sink.publish(),
            Err(error) => sink.fail(error),
        }
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        let job = self.job.load(Ordering::Acquire);
        self.settle(Err(JobError::PoolStopped { job })); // a job the pool never got to
        drop(self.take_panic_message());
    }
}

/// Checks a label: at most `MAX_LABEL_BYTES`.
pub(crate) fn check_label(label: &str) -> Result<Box<str>, PoolError> {
    if label.len() > MAX_LABEL_BYTES {
        return Err(PoolError::LabelTooLong { len: label.len(), max: MAX_LABEL_BYTES });
    }
    Ok(label.into())
}

/// A task for closure `f`, and the cell its handle reads.
fn closure_task<T, F>(f: F, label: Option<Box<str>>, batch: Option<(Arc<FinishOrder>, u32)>) -> (Task, Arc<ResultCell<T>>)
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let cell = Arc::new(ResultCell::new(batch));
    let target = Arc::clone(&cell);
    let work = Box::new(move || target.put(f()));
    (Task::new(work, Arc::clone(&cell) as Arc<dyn Sink>, label), cell)
}

impl PoolCore {
    /// Queues closure `f`, labelled or not; see `Pool::spawn`.
    pub(crate) fn spawn<T, F>(&self, label: Option<&str>, f: F) -> Result<JobHandle<T>, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let label = label.map(check_label).transpose()?;
        let (task, cell) = closure_task(f, label, None);
        let job = self.submit_tasks(vec![task])?;
        cell.set_job(job);
        Ok(JobHandle::new(cell))
    }

    /// Queues `f(item)` for each item, all or none; see `Pool::map`.
    pub(crate) fn map<I, T, F>(&self, items: impl IntoIterator<Item = I>, f: F) -> Result<Batch<T>, PoolError>
    where
        I: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let items: Vec<I> = items.into_iter().collect();
        if items.len() as u64 > MAX_JOBS {
            return Err(PoolError::QueueFull { requested: items.len() as u64, room: self.room() });
        }
        let order = Arc::new(FinishOrder::new(items.len()));
        let f = Arc::new(f);
        let (tasks, cells): (Vec<Task>, Vec<_>) = items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                let f = Arc::clone(&f);
                closure_task(move || f(item), None, Some((Arc::clone(&order), index as u32)))
            })
            .unzip();
        let first = self.submit_tasks(tasks)?;
        for (i, cell) in cells.iter().enumerate() {
            cell.set_job(first + i as u64);
        }
        Ok(Batch::new(cells, order))
    }
}
