//! Closure jobs: what a job queued with `spawn`, `map` or `reduce` carries
//! in its queue slot. The core runs it like any other job (the same claim,
//! events, counters, timeouts and resizes); what it adds is how the
//! outcome reaches the caller's handle.
//!
//! The jobs of one call form a `Group`: one allocation for their items,
//! their result slots and their bookkeeping, whatever their number. A job
//! of a group is a *chunk*: the items `plan.range(k)` (`chunks.rs`), one
//! for a `spawn` or a `map` per item, thousands for a cheap `map`. A chunk
//! runs its items one after another and settles once: one event, one
//! label, one result state for all of them.
//!
//! Exactly one party records a job's event, and that party settles the
//! chunk, once: the worker when the closures returned (`publish`), the
//! watchdog when it timed out, the platform when the thread died on a
//! panic, `cancel` when the job never ran (`fail`). The closures themselves
//! only write their values into the result slots, before the event is
//! recorded, so that a caller who sees a result also sees it in the
//! counters.
//!
//! Every queue slot of a group points at it, and the queue holds one count
//! of the group for all of them: whoever settles its last job lets go of
//! it. A worker that races the watchdog (a job timeout) holds a count of
//! its own while it runs the closures.

use super::chunks::{ItemCosts, Plan};
use super::error::{JobError, PoolError};
use super::handle::Results;
use super::items::Source;
use std::any::TypeId;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// The longest label a job may carry, in bytes. A longer one is refused
/// with `PoolError::LabelTooLong` (it would only be shown cut).
pub const MAX_LABEL_BYTES: usize = 256;

std::thread_local! {
    /// The item this thread's chunk is at, for a panic's message ("at item
    /// 4100"). wasm32 traps on a panic, so its hook must find the item
    /// here: the loop stores it per item. Native threads unwind: the loop
    /// keeps its count in a register (a cheap closure's loop can be
    /// vectorised) and stores it here on the way out (`ChunkAt`'s drop),
    /// for `Group::run` to add to the message.
    static AT: Cell<usize> = const { Cell::new(NO_ITEM) };
}

const NO_ITEM: usize = usize::MAX;

/// Where a chunk's loop is, for a panic's message (see `AT`).
struct ChunkAt {
    first: usize,
    started: usize,
}

impl ChunkAt {
    fn enter(first: usize) -> ChunkAt {
        ChunkAt { first, started: 0 }
    }

    /// The loop starts its next item.
    #[inline(always)]
    fn step(&mut self) {
        #[cfg(target_arch = "wasm32")]
        AT.with(|at| at.set(self.first + self.started));
        self.started += 1;
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Drop for ChunkAt {
    fn drop(&mut self) {
        if self.started > 0 && std::thread::panicking() {
            AT.with(|at| at.set(self.first + self.started - 1));
        }
    }
}

/// What a group's jobs run and where their outcomes go, with the types of
/// the items, the functions and the results erased.
trait Closures: Send + Sync {
    /// Runs chunk `k`'s closures, which write their values into its slots;
    /// returns how many items it ran.
    ///
    /// # Safety
    /// The caller claimed job `k`; once per job, as `discard`.
    unsafe fn run(&self, k: usize) -> usize;
    /// Drops chunk `k`'s items unrun (it was cancelled).
    ///
    /// # Safety
    /// As for `run`.
    unsafe fn discard(&self, k: usize);
    /// How many items chunk `k` has.
    fn items_in(&self, k: usize) -> usize;
    /// The job's event says it completed: the values written are the results.
    fn publish(&self, k: usize);
    /// The job's event says it failed, timed out or never ran.
    fn fail(&self, k: usize, error: JobError);
    /// The group's first job number, for the handle's `job()`.
    fn set_first_job(&self, job: u64);
}

/// A group's items, where their outcomes go, and what a chunk does with
/// them (`RunChunk`: map each item, or fold them).
struct Work<S, T, R> {
    run: R,
    /// Dropped before `results` (fields drop in order), which may own its memory.
    items: S,
    results: Arc<Results<T>>,
}

/// What a chunk job does with its items.
trait RunChunk<S: Source, T>: Send + Sync {
    /// Runs chunk `k`'s items, writing its values; returns how many ran.
    ///
    /// # Safety
    /// The caller claimed job `k`, once.
    unsafe fn run(&self, items: &S, results: &Results<T>, k: usize) -> usize;
}

/// `f(item)` for each item, into the item's own result slot. A `spawn` is
/// a group of one whose item is the closure and whose `f` calls it.
struct MapEach<F>(F);

impl<S: Source, T: Send, F: Fn(S::Item) -> T + Send + Sync> RunChunk<S, T> for MapEach<F> {
    unsafe fn run(&self, items: &S, results: &Results<T>, k: usize) -> usize {
        let range = items.plan().range(k);
        // SAFETY: see the trait: the slots of chunk `k` are this runner's until it is settled.
        let mut written = unsafe { results.writer(k) };
        assert_eq!(written.room(), range.len(), "a slot per item");
        let mut at = ChunkAt::enter(range.start);
        // SAFETY: see the trait.
        for item in unsafe { items.take(k) } {
            at.step();
            // SAFETY: the chunk has at most as many items as slots (`Source`, and asserted above).
            unsafe { written.push_unchecked((self.0)(item)) };
        }
        written.done()
    }
}

/// `op` over `f(item)` for each item of a chunk, from `identity()`, into
/// the chunk's one result slot (`reduce`, `for_each`).
struct FoldEach<F, Id, Op> {
    f: F,
    identity: Id,
    op: Op,
}

impl<S, T, F, Id, Op> RunChunk<S, T> for FoldEach<F, Id, Op>
where
    S: Source,
    T: Send,
    F: Fn(S::Item) -> T + Send + Sync,
    Id: Fn() -> T + Send + Sync,
    Op: Fn(T, T) -> T + Send + Sync,
{
    unsafe fn run(&self, items: &S, results: &Results<T>, k: usize) -> usize {
        let range = items.plan().range(k);
        let value = {
            let mut at = ChunkAt::enter(range.start);
            let mut value = (self.identity)();
            // SAFETY: see the trait.
            for item in unsafe { items.take(k) } {
                at.step();
                value = (self.op)(value, (self.f)(item));
            }
            value
        };
        // SAFETY: chunk `k`'s one slot is this runner's until it is settled.
        let mut written = unsafe { results.writer(k) };
        assert_eq!(written.room(), 1, "a slot per chunk");
        // SAFETY: it has room for one.
        unsafe { written.push_unchecked(value) };
        written.done();
        range.len()
    }
}

impl<S: Source, T: Send, R: RunChunk<S, T>> Closures for Work<S, T, R> {
    unsafe fn run(&self, k: usize) -> usize {
        // SAFETY: see the trait.
        unsafe { self.run.run(&self.items, &self.results, k) }
    }

    unsafe fn discard(&self, k: usize) {
        // SAFETY: see the trait.
        drop(unsafe { self.items.take(k) });
    }

    fn items_in(&self, k: usize) -> usize {
        self.items.plan().range(k).len()
    }

    fn publish(&self, k: usize) {
        self.results.publish(k);
    }

    fn fail(&self, k: usize, error: JobError) {
        self.results.fail(k, error);
    }

    fn set_first_job(&self, job: u64) {
        self.results.set_first_job(job);
    }
}

/// While a native job runs: if a panic unwinds out of it, adds the item
/// its chunk's loop was at (`AT`) to the message.
#[cfg(not(target_arch = "wasm32"))]
struct PanicItem<'a> {
    group: &'a Group,
    index: usize,
}

#[cfg(not(target_arch = "wasm32"))]
impl PanicItem<'_> {
    fn watch(group: &Group, index: usize) -> PanicItem<'_> {
        AT.with(|at| at.set(NO_ITEM));
        PanicItem { group, index }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Drop for PanicItem<'_> {
    fn drop(&mut self) {
        let item = AT.with(|at| at.replace(NO_ITEM));
        if item != NO_ITEM && std::thread::panicking() {
            self.group.note_panic_item(self.index, item);
        }
    }
}

/// What the core keeps per closure job, beside its items and its slots.
#[derive(Default)]
struct TaskState {
    settled: AtomicBool,
    /// What the panic hook said (a `Box<String>`), for the handle: wasm
    /// traps the panicking thread, so another thread records the event.
    panic_message: AtomicPtr<String>,
}

/// How long a group's completed chunks ran, for the pool's measure of its
/// closure's cost (`ItemCosts`), told once every item ran: before the
/// last job settles, so that a caller who saw the batch end and maps again
/// gets chunks sized by it.
struct CostNote {
    costs: Arc<ItemCosts>,
    closure: TypeId,
    ran_ns: AtomicU64,
    items: AtomicU64,
    total: u64,
}

/// Closure jobs queued together (see the module's comment).
pub(crate) struct Group {
    /// The first job's number, set when the group is queued.
    first_job: AtomicU64,
    work: Box<dyn Closures>,
    /// Set by the caller's handle (`JobHandle::cancel`, `Batch::cancel`), which shares it.
    stop: Arc<AtomicBool>,
    tasks: Box<[TaskState]>,
    unsettled: AtomicUsize,
    cost: Option<CostNote>,
}

/// Where a group's closure's measured cost goes: the pool's memory of it,
/// under the closure's type.
pub(crate) type CostKey = (Arc<ItemCosts>, TypeId);

impl Group {
    fn of(work: Box<dyn Closures>, stop: Arc<AtomicBool>, plan: &Plan, cost: Option<CostKey>) -> Group {
        let jobs = plan.jobs();
        Group {
            first_job: AtomicU64::new(0),
            work,
            stop,
            tasks: (0..jobs).map(|_| TaskState::default()).collect(),
            unsettled: AtomicUsize::new(jobs),
            cost: cost.map(|(costs, closure)| CostNote {
                costs,
                closure,
                ran_ns: AtomicU64::new(0),
                items: AtomicU64::new(0),
                total: plan.items() as u64,
            }),
        }
    }

    /// `f(item)` for each item, a job per chunk of the items' plan;
    /// `batch`: the results keep the order the jobs finish in (a `map`; a
    /// `spawn` not).
    pub(crate) fn map<S, T, F>(mut items: S, f: F, batch: bool, cost: Option<CostKey>) -> (Group, Arc<Results<T>>)
    where
        S: Source + 'static,
        T: Send + 'static,
        F: Fn(S::Item) -> T + Send + Sync + 'static,
    {
        // SAFETY: `MapEach` writes slot `i` after taking item `i`, and `Work` drops the items
        // before its count of the results.
        let lent = unsafe { items.lend_slots::<T>() };
        let results = Arc::new(Results::new(items.plan().clone(), batch, lent));
        (Group::running(items, MapEach(f), &results, cost), results)
    }

    /// `op` over `f(item)` per chunk of the items' plan, a result per chunk.
    pub(crate) fn reduce<S, T, F, Id, Op>(
        items: S,
        (f, identity, op): (F, Id, Op),
        cost: Option<CostKey>,
    ) -> (Group, Arc<Results<T>>)
    where
        S: Source + 'static,
        T: Send + 'static,
        F: Fn(S::Item) -> T + Send + Sync + 'static,
        Id: Fn() -> T + Send + Sync + 'static,
        Op: Fn(T, T) -> T + Send + Sync + 'static,
    {
        let a_slot_per_job = Plan::Even {
            len: items.plan().jobs(),
            size: 1,
        };
        let results = Arc::new(Results::new(a_slot_per_job, true, None));
        (
            Group::running(items, FoldEach { f, identity, op }, &results, cost),
            results,
        )
    }

    /// The group whose chunks run `run` over `items` into `results`.
    fn running<S, T, R>(items: S, run: R, results: &Arc<Results<T>>, cost: Option<CostKey>) -> Group
    where
        S: Source + 'static,
        T: Send + 'static,
        R: RunChunk<S, T> + 'static,
    {
        let plan = items.plan().clone();
        let work = Work {
            run,
            items,
            results: Arc::clone(results),
        };
        Group::of(Box::new(work), results.stop_flag(), &plan, cost)
    }

    /// How many jobs (chunks).
    pub(crate) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Numbers the group's jobs from `job` on, for the workers (`index`)
    /// and for the caller's handle.
    pub(crate) fn set_first_job(&self, job: u64) {
        self.first_job.store(job, Ordering::Relaxed);
        self.work.set_first_job(job);
    }

    /// Where job `job` is in the group.
    pub(crate) fn index(&self, job: u64) -> usize {
        (job - self.first_job.load(Ordering::Relaxed)) as usize
    }

    /// Runs job `index`'s closures; returns how many items it ran.
    ///
    /// # Safety
    /// The caller claimed job `index` itself.
    pub(crate) unsafe fn run(&self, index: usize) -> usize {
        #[cfg(not(target_arch = "wasm32"))]
        let _unwinding = PanicItem::watch(self, index);
        #[cfg(target_arch = "wasm32")]
        AT.with(|at| at.set(NO_ITEM)); // no item yet: a panic before the first names none
                                       // SAFETY: see the function's contract.
        unsafe { self.work.run(index) }
    }

    /// Whether the caller cancelled these jobs: a waiting one is not run
    /// (reported cancelled), a running one sees `should_stop()`.
    pub(crate) fn stop_asked(&self) -> bool {
        // One load per job, no call through `work`: a worker asks before each closure.
        self.stop.load(Ordering::Relaxed)
    }

    /// Drops job `index`'s items unrun.
    ///
    /// # Safety
    /// As for `run`.
    pub(crate) unsafe fn discard(&self, index: usize) {
        // SAFETY: see the function's contract.
        unsafe { self.work.discard(index) }
    }

    /// Job `index` completed in `ms`: counted toward the closure's cost,
    /// which the pool keeps once every item ran.
    pub(crate) fn note_ran(&self, index: usize, ms: f64) {
        if let Some(cost) = &self.cost {
            cost.ran_ns.fetch_add((ms * 1e6) as u64, Ordering::AcqRel);
            let items = self.work.items_in(index) as u64;
            // Each job adds its time before its items: the last to add items sees every time.
            if cost.items.fetch_add(items, Ordering::AcqRel) + items == cost.total {
                let ran_ns = cost.ran_ns.load(Ordering::Acquire);
                cost.costs.record(cost.closure, ran_ns as f64 / cost.total as f64);
            }
        }
    }

    /// A count of the group for a worker that must outlive the job's
    /// settling (the watchdog may settle it while the closure runs).
    ///
    /// # Safety
    /// The group is queued (it came from `JobQueue::group`) and the job
    /// not yet settled.
    pub(crate) unsafe fn hold(&self) -> Arc<Group> {
        // SAFETY: the queue's count keeps the group alive now; this adds one.
        unsafe {
            Arc::increment_strong_count(self);
            Arc::from_raw(self)
        }
    }

    /// Keeps what job `index`'s panic said (this runs on the panicking
    /// thread, in the hook); on wasm32 with the item it was at when the
    /// job has several (natively `note_panic_item` adds it while unwinding).
    pub(crate) fn note_panic(&self, index: usize, message: &str) {
        let message = match (self.work.items_in(index), AT.with(Cell::get)) {
            #[cfg(target_arch = "wasm32")]
            (2.., item) if item != NO_ITEM => format!("at item {item}: {message}"),
            _ => message.to_string(),
        };
        self.keep_panic_message(index, message);
    }

    /// A native panic in job `index` unwound out of item `item`: its
    /// message, filed by the hook before, says so.
    #[cfg(not(target_arch = "wasm32"))]
    fn note_panic_item(&self, index: usize, item: usize) {
        if self.work.items_in(index) > 1 {
            if let Some(message) = self.take_panic_message(index) {
                self.keep_panic_message(index, format!("at item {item}: {message}"));
            }
        }
    }

    fn keep_panic_message(&self, index: usize, message: String) {
        let old = self.tasks[index]
            .panic_message
            .swap(Box::into_raw(Box::new(message)), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: every non-null pointer here came from `Box::into_raw` and is owned by the swapper.
            drop(unsafe { Box::from_raw(old) });
        }
    }

    pub(crate) fn take_panic_message(&self, index: usize) -> Option<String> {
        let message = self.tasks[index]
            .panic_message
            .swap(std::ptr::null_mut(), Ordering::AcqRel);
        // SAFETY: as in `note_panic`.
        (!message.is_null()).then(|| *unsafe { Box::from_raw(message) })
    }

    /// Settles job `index`'s handle as its event says; only the first call
    /// per job counts. Settling the group's last job lets go of the
    /// queue's count of the group.
    ///
    /// # Safety
    /// The group is queued (the queue holds its count). The caller does
    /// not touch the group afterwards, unless it holds a count of its own.
    pub(crate) unsafe fn settle(&self, index: usize, outcome: Result<(), JobError>) {
        if self.tasks[index].settled.swap(true, Ordering::AcqRel) {
            return;
        }
        match outcome {
            Ok(()) => self.work.publish(index),
            Err(error) => self.work.fail(index, error),
        }
        if self.unsettled.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SAFETY: the queue's count, from `Arc::into_raw` in `JobQueue::publish_group`.
            unsafe { Arc::decrement_strong_count(self) };
        }
    }

    /// Settles every job not settled yet as never run (the pool was
    /// dropped with them queued), letting go of the queue's count.
    ///
    /// # Safety
    /// As for `settle`; no other thread touches the group now.
    pub(crate) unsafe fn settle_all_unrun(&self) {
        let (first, len) = (self.first_job.load(Ordering::Relaxed), self.len());
        let mut left = self.unsettled.load(Ordering::Acquire);
        for index in 0..len {
            if left == 0 {
                break; // the last settle below freed the group: touch nothing more
            }
            if !self.tasks[index].settled.load(Ordering::Acquire) {
                left -= 1;
                // SAFETY: see the function's contract.
                unsafe {
                    self.settle(
                        index,
                        Err(JobError::PoolStopped {
                            job: first + index as u64,
                        }),
                    )
                };
            }
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        (0..self.len()).for_each(|index| drop(self.take_panic_message(index)));
    }
}

/// Checks a label: at most `MAX_LABEL_BYTES`.
/// Refuses the first label longer than `MAX_LABEL_BYTES` (`LabelTooLong`).
pub(crate) fn check_labels(labels: &[Box<str>]) -> Result<(), PoolError> {
    labels.iter().try_for_each(|label| check_label(label).map(drop))
}

pub(crate) fn check_label(label: &str) -> Result<Box<str>, PoolError> {
    if label.len() > MAX_LABEL_BYTES {
        return Err(PoolError::LabelTooLong {
            len: label.len(),
            max: MAX_LABEL_BYTES,
        });
    }
    Ok(label.into())
}
