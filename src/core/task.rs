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
use std::any::TypeId;
use std::cell::{Cell, UnsafeCell};
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// The longest label a job may carry, in bytes. A longer one is refused
/// with `PoolError::LabelTooLong` (it would only be shown cut).
pub const MAX_LABEL_BYTES: usize = 256;

std::thread_local! {
    /// Where this thread's running chunk is, for the panic hook ("at item
    /// 4100"): its first item, and a counter in the runner's frame of the
    /// items done. A pointer set once per chunk, rather than the item
    /// stored per item: a cheap closure's loop stays a plain loop.
    static AT: Cell<(usize, *const Cell<usize>)> = const { Cell::new((0, std::ptr::null())) };
}

/// Marks this thread as running a chunk from item `first`, `done` counting
/// its items finished, while it lives.
struct ChunkAt;

impl ChunkAt {
    fn enter(first: usize, done: &Cell<usize>) -> ChunkAt {
        AT.with(|at| at.set((first, done)));
        ChunkAt
    }
}

impl Drop for ChunkAt {
    fn drop(&mut self) {
        AT.with(|at| at.set((0, std::ptr::null())));
    }
}

/// The item this thread's chunk is at: the one that panics, in the hook.
fn item_at() -> usize {
    let (first, done) = AT.with(Cell::get);
    // SAFETY: set by `ChunkAt` to a counter in the frame that runs the chunk, which
    // outlives it; the hook reads it on the panicking thread, inside that frame.
    first + unsafe { done.as_ref() }.map_or(0, Cell::get)
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

/// A group's items, each read once by the party that claimed its chunk.
struct Items<I> {
    /// The caller's `Vec<I>`, reused in place (`UnsafeCell<MaybeUninit<I>>`
    /// is laid out as `I`): a million items are not copied to be queued.
    cells: Vec<UnsafeCell<MaybeUninit<I>>>,
    plan: Plan,
    /// Per chunk: its items were run or dropped (the rest drop with the group).
    taken: Box<[AtomicBool]>,
}

// SAFETY: an item is touched only by the party that claimed its chunk,
// which the queue makes exactly one (see `core/README.md`).
unsafe impl<I: Send> Sync for Items<I> {}

impl<I> Items<I> {
    fn new(items: Vec<I>, plan: Plan) -> Items<I> {
        let mut items = std::mem::ManuallyDrop::new(items);
        let (ptr, len, capacity) = (items.as_mut_ptr(), items.len(), items.capacity());
        // SAFETY: the same allocation, len and capacity, of a type laid out as `I` (both wrappers are transparent).
        let cells = unsafe { Vec::from_raw_parts(ptr.cast::<UnsafeCell<MaybeUninit<I>>>(), len, capacity) };
        let taken = (0..plan.jobs()).map(|_| AtomicBool::new(false)).collect();
        Items { cells, plan, taken }
    }

    /// Chunk `k`'s items, with their indices; those not reached (a native
    /// panic unwound) are dropped with the iterator.
    ///
    /// # Safety
    /// The caller claimed chunk `k`; once, as `discard`.
    unsafe fn take(&self, k: usize) -> ChunkItems<'_, I> {
        self.taken[k].store(true, Ordering::Relaxed);
        let range = self.plan.range(k);
        ChunkItems {
            cells: &self.cells,
            next: range.start,
            end: range.end,
        }
    }

    /// Folds chunk `k`'s items in order, `acc = each(acc, index, item)`,
    /// while the panic hook can tell which item it is at (`ChunkAt`);
    /// returns `acc` and how many items ran.
    ///
    /// # Safety
    /// As for `take`.
    unsafe fn fold_chunk<A>(&self, k: usize, init: A, mut each: impl FnMut(A, usize, I) -> A) -> (A, usize) {
        let done = Cell::new(0);
        let _at = ChunkAt::enter(self.plan.range(k).start, &done);
        let mut acc = init;
        // SAFETY: see the function's contract.
        for (index, item) in unsafe { self.take(k) } {
            acc = each(acc, index, item);
            done.set(done.get() + 1);
        }
        (acc, done.get())
    }
}

impl<I> Drop for Items<I> {
    fn drop(&mut self) {
        for k in 0..self.taken.len() {
            if !*self.taken[k].get_mut() {
                // SAFETY: nobody took chunk `k`'s items: they are all still there.
                drop(unsafe { self.take(k) });
            }
        }
        // The `Vec` of `MaybeUninit` frees the memory and drops nothing more.
    }
}

struct ChunkItems<'a, I> {
    cells: &'a [UnsafeCell<MaybeUninit<I>>],
    next: usize,
    end: usize,
}

impl<I> Iterator for ChunkItems<'_, I> {
    type Item = (usize, I);

    fn next(&mut self) -> Option<(usize, I)> {
        (self.next < self.end).then(|| {
            let index = self.next;
            self.next += 1;
            // SAFETY: this chunk's claimant reads each of its items once (`Items::take`).
            (index, unsafe { (*self.cells[index].get()).assume_init_read() })
        })
    }
}

impl<I> Drop for ChunkItems<'_, I> {
    fn drop(&mut self) {
        self.for_each(drop);
    }
}

/// A group's items, where their outcomes go, and what a chunk does with
/// them (`RunChunk`: map each item, or fold them).
struct Work<I, T, R> {
    run: R,
    items: Items<I>,
    results: Arc<Results<T>>,
}

/// What a chunk job does with its items.
trait RunChunk<I, T>: Send + Sync {
    /// Runs chunk `k`'s items, writing its values; returns how many ran.
    ///
    /// # Safety
    /// The caller claimed job `k`, once.
    unsafe fn run(&self, items: &Items<I>, results: &Results<T>, k: usize) -> usize;
}

/// `f(item)` for each item, into the item's own result slot. A `spawn` is
/// a group of one whose item is the closure and whose `f` calls it.
struct MapEach<F>(F);

impl<I, T: Send, F: Fn(I) -> T + Send + Sync> RunChunk<I, T> for MapEach<F> {
    unsafe fn run(&self, items: &Items<I>, results: &Results<T>, k: usize) -> usize {
        // SAFETY: see the trait; the slots of chunk `k` are this runner's until it is settled.
        unsafe {
            let (written, _) = items.fold_chunk(k, results.writer(k), |mut written, index, item| {
                written.write(index, (self.0)(item));
                written
            });
            written.done()
        }
    }
}

/// `op` over `f(item)` for each item of a chunk, from `identity()`, into
/// the chunk's one result slot (`reduce`, `for_each`).
struct FoldEach<F, Id, Op> {
    f: F,
    identity: Id,
    op: Op,
}

impl<I, T, F, Id, Op> RunChunk<I, T> for FoldEach<F, Id, Op>
where
    T: Send,
    F: Fn(I) -> T + Send + Sync,
    Id: Fn() -> T + Send + Sync,
    Op: Fn(T, T) -> T + Send + Sync,
{
    unsafe fn run(&self, items: &Items<I>, results: &Results<T>, k: usize) -> usize {
        // SAFETY: see the trait.
        let (value, ran) =
            unsafe { items.fold_chunk(k, (self.identity)(), |acc, _, item| (self.op)(acc, (self.f)(item))) };
        // SAFETY: chunk `k`'s one slot is this runner's until it is settled.
        unsafe {
            let mut written = results.writer(k);
            written.write(k, value);
            written.done();
        }
        ran
    }
}

impl<I: Send, T: Send, R: RunChunk<I, T>> Closures for Work<I, T, R> {
    unsafe fn run(&self, k: usize) -> usize {
        // SAFETY: see the trait.
        unsafe { self.run.run(&self.items, &self.results, k) }
    }

    unsafe fn discard(&self, k: usize) {
        // SAFETY: see the trait.
        drop(unsafe { self.items.take(k) });
    }

    fn items_in(&self, k: usize) -> usize {
        self.items.plan.range(k).len()
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

    /// `f(item)` for each item, a job per chunk of `plan`; `batch`: the
    /// results keep the order the jobs finish in (a `map`; a `spawn` not).
    pub(crate) fn map<I, T, F>(
        items: Vec<I>,
        plan: Plan,
        f: F,
        batch: bool,
        cost: Option<CostKey>,
    ) -> (Group, Arc<Results<T>>)
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
    {
        let results = Arc::new(Results::new(plan.clone(), batch));
        (Group::running(items, plan, MapEach(f), &results, cost), results)
    }

    /// `op` over `f(item)` per chunk of `plan`, a result per chunk.
    pub(crate) fn reduce<I, T, F, Id, Op>(
        items: Vec<I>,
        plan: Plan,
        (f, identity, op): (F, Id, Op),
        cost: Option<CostKey>,
    ) -> (Group, Arc<Results<T>>)
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        Id: Fn() -> T + Send + Sync + 'static,
        Op: Fn(T, T) -> T + Send + Sync + 'static,
    {
        let a_slot_per_job = Plan::Even {
            len: plan.jobs(),
            size: 1,
        };
        let results = Arc::new(Results::new(a_slot_per_job, true));
        (
            Group::running(items, plan, FoldEach { f, identity, op }, &results, cost),
            results,
        )
    }

    /// The group whose chunks of `plan` run `run` over `items` into `results`.
    fn running<I, T, R>(items: Vec<I>, plan: Plan, run: R, results: &Arc<Results<T>>, cost: Option<CostKey>) -> Group
    where
        I: Send + 'static,
        T: Send + 'static,
        R: RunChunk<I, T> + 'static,
    {
        let work = Work {
            run,
            items: Items::new(items, plan.clone()),
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

    /// Keeps what job `index`'s panic said, with the item it was at when
    /// the job has several (this runs on the panicking thread).
    pub(crate) fn note_panic(&self, index: usize, message: &str) {
        let message = match self.work.items_in(index) {
            1 => message.to_string(),
            _ => format!("at item {}: {message}", item_at()),
        };
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
