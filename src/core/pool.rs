//! `PoolCore`: the pool that its driver and its workers share, made of the
//! queue, the trace, the worker slots, the counts, the failure log and the
//! labels, each a type of its own. This file is the driving side
//! (submitting, cancelling, closing, the counters); `pool/workers.rs` the
//! worker side (resizing, the worker loop, lost workers) and
//! `pool/remote.rs` the same loop for workers driven by messages: child
//! modules, so that the fields stay private to the three. `README.md` in
//! `src/core` explains why every job runs exactly once.

use super::calls::{Call, CallStore};
use super::chunks::ItemCosts;
use super::counts::{Counters, JobCounts};
use super::error::{JobError, PoolError};
use super::events::{EventLog, TraceRead, DEFAULT_TRACE_CAPACITY};
use super::failure;
use super::failure_log::{Failure, FailureLog};
use super::job::{self, JobSpec, Outcome, MAX_COST_MS};
use super::labels::JobLabels;
use super::options::{PoolOptions, MAX_JOBS};
use super::placement::Placement;
use super::queue::JobQueue;
use super::stats::PoolStats;
use super::sync::SpinLock;
use super::task::Group;
use super::trace_export::{chrome_trace, Resize, TraceOptions};
use super::worker_slots::WorkerSlots;
use crate::sys;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

mod calls;
mod closures;
#[cfg_attr(all(target_arch = "wasm32", not(feature = "threads")), allow(unused_imports))] // no closures there
pub(crate) use closures::Labels;
pub mod remote;
pub mod workers;

/// The pool itself, shared by its workers and whoever drives it: the
/// queue, the trace, the worker slots and the counters. The platforms
/// (`Pool`, on std threads or on Web Workers) start and end
/// threads where it says.
pub struct PoolCore {
    options: PoolOptions,
    queue: JobQueue,
    events: EventLog,
    workers: WorkerSlots,
    counts: JobCounts,
    /// Bumped, then woken, whenever the last queued job finishes or a
    /// worker thread starts or ends.
    idle_epoch: AtomicU32,
    /// Bumped, then woken, whenever a bounded queue makes room.
    room_epoch: AtomicU32,
    closed: AtomicBool,
    /// Serialises the driving side (submit, resize, close). Workers never
    /// take it, so the browser's main thread never waits on a worker here.
    driver: SpinLock<()>,
    failures: FailureLog,
    labels: JobLabels,
    /// The latest resizes asked for, for the trace's export.
    resizes: SpinLock<std::collections::VecDeque<Resize>>,
    calls: CallStore,
    /// What an item of each closure was measured to cost, for `Chunking::Auto`.
    item_costs: Arc<ItemCosts>,
}

impl PoolCore {
    /// An empty pool with no workers yet: call `resize` to get some.
    pub fn new(options: PoolOptions) -> Result<PoolCore, PoolError> {
        options.check()?;
        job::cpu_iterations_per_ms(); // calibrate before any job runs
        sys::ms_per_tick(); // likewise, natively
        failure::install_hook();
        LIVE_POOLS.fetch_add(1, Ordering::Relaxed);
        Ok(PoolCore {
            options,
            queue: JobQueue::new(),
            events: EventLog::new(options.trace_capacity.unwrap_or(DEFAULT_TRACE_CAPACITY)),
            workers: WorkerSlots::new(),
            counts: JobCounts::new(),
            idle_epoch: AtomicU32::new(0),
            room_epoch: AtomicU32::new(0),
            closed: AtomicBool::new(false),
            driver: SpinLock::new(()),
            failures: FailureLog::default(),
            labels: JobLabels::new(),
            resizes: SpinLock::new(std::collections::VecDeque::new()),
            calls: CallStore::default(),
            item_costs: Arc::default(),
        })
    }

    /// Jobs that may still be queued before the queue is full: its
    /// capacity, or `MAX_JOBS` waiting at once.
    pub fn room(&self) -> u64 {
        let waiting = self.queue.published() - self.queue.claimed();
        self.options.capacity.unwrap_or(MAX_JOBS).saturating_sub(waiting)
    }

    /// Queues the whole batch or nothing, without ever blocking, where
    /// `placement` says; returns the first job's number (jobs are numbered
    /// from 1 in submission order). A full queue refuses with `QueueFull`:
    /// `submit_some` queues what fits (and the web's `submitWait` waits for
    /// room without blocking).
    pub fn submit<I>(&self, specs: I, placement: Placement) -> Result<u64, PoolError>
    where
        I: IntoIterator<Item = JobSpec>,
        I::IntoIter: ExactSizeIterator + Clone,
    {
        let batch = NewBatch::of(Jobs::Specs(specs.into_iter()), placement);
        self.queue_batch(batch).map(|(first, _)| first)
    }

    /// Queues as many jobs of the batch as there is room for on the shared
    /// queue, from its start; returns the first job's number and how many
    /// were queued.
    pub fn submit_some<I>(&self, specs: I) -> Result<(u64, u64), PoolError>
    where
        I: IntoIterator<Item = JobSpec>,
        I::IntoIter: ExactSizeIterator + Clone,
    {
        let batch = NewBatch {
            fit: Fit::AsManyAsRoom,
            ..NewBatch::of(Jobs::Specs(specs.into_iter()), Placement::Shared)
        };
        self.queue_batch(batch)
    }

    /// Queues a group of closure jobs (`spawn`, `map`), all or none, where
    /// `placement` says; returns the first job's number. `labels`: none,
    /// or one per job.
    pub(crate) fn submit_group(
        &self,
        group: Group,
        labels: Vec<Box<str>>,
        placement: Placement,
    ) -> Result<u64, PoolError> {
        let group = Arc::new(group); // allocated before the driver lock, not under it
        let batch = NewBatch {
            labels,
            ..NewBatch::of(Jobs::<NoSpecs>::Group(group), placement)
        };
        self.queue_batch(batch).map(|(first, _)| first)
    }

    /// The one submit pipeline, which every way of queuing goes through.
    /// Under the driver lock: admit (open, costs, room), the partition
    /// rule, room in the trace, the labels, then publish, on the shared
    /// queue or reserved from it and handed out as slices. Returns the
    /// first job's number and how many were queued.
    fn queue_batch<I>(&self, batch: NewBatch<I>) -> Result<(u64, u64), PoolError>
    where
        I: ExactSizeIterator<Item = JobSpec> + Clone,
    {
        let NewBatch {
            jobs,
            labels,
            calls,
            placement,
            fit,
        } = batch;
        let requested = jobs.len();
        // A group is queued whole: its handles wait for every one of its jobs.
        debug_assert!(fit == Fit::Whole || matches!(jobs, Jobs::Specs(_)));
        debug_assert!(fit == Fit::Whole || calls.is_empty());
        let queued = self.driver.with(|_| {
            let count = self.admit(jobs.first_bad_cost(), requested, fit)?;
            if placement == Placement::Partitioned {
                self.refuse_partition_while_busy()?;
            }
            self.events.prepare(self.queue.published() + count);
            if !labels.is_empty() {
                self.keep_labels(self.queue.published() + 1, labels);
            }
            if !calls.is_empty() {
                self.calls.keep(self.queue.published() + 1, calls); // before any worker can claim their jobs
            }
            if placement == Placement::Partitioned {
                // Taken from the shared queue before anyone can see them, and
                // written before any worker is given its slice.
                self.queue.reserve(count);
            }
            let now = sys::now_ms();
            let first = match jobs {
                Jobs::Specs(specs) => self.queue.publish(specs.take(count as usize), now),
                Jobs::Group(group) => self.queue.publish_group(group, now),
            };
            if placement == Placement::Partitioned {
                self.workers.assign_slices(first, count);
            }
            Ok((first, count))
        })?;
        if queued.1 > 0 {
            self.workers.wake_all();
        }
        Ok(queued)
    }

    /// The checks every batch passes before it is queued, under the driver
    /// lock: the pool is open, every cost is in range (`bad_cost`: the
    /// first one out of it), and there is room. Returns how many of the
    /// `requested` jobs to queue: all of them, or with `Fit::AsManyAsRoom`
    /// as many as fit (maybe 0, to wait for room).
    fn admit(&self, bad_cost: Option<f64>, requested: u64, fit: Fit) -> Result<u64, PoolError> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(PoolError::PoolStopped);
        }
        if let Some(value) = bad_cost {
            return Err(PoolError::InvalidCost {
                value,
                max_ms: MAX_COST_MS,
            });
        }
        let room = self.room();
        let count = match fit {
            Fit::Whole => requested,
            Fit::AsManyAsRoom => requested.min(room),
        };
        // Also full if one job has been running since 33 million were queued after it.
        if count > room || !self.queue.has_room_for(count) {
            self.counts.add_rejected(requested);
            return Err(PoolError::QueueFull { requested, room });
        }
        Ok(count)
    }

    /// The label a closure job was given, if any: kept from when it is
    /// queued for the latest `trace_capacity` labelled jobs.
    pub fn label(&self, job: u64) -> Option<String> {
        self.labels.get(job)
    }

    /// Calls `each(job, label)` for the labels kept for jobs after `job`,
    /// in job order; returns the last such job (a cursor for the next call).
    /// `each` runs under the labels' lock: it should only copy.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the web's `takeLabels`
    pub fn labels_after(&self, job: u64, each: impl FnMut(u64, &str)) -> u64 {
        self.labels.after(job, each)
    }

    /// Keeps the labels of jobs `first..` for the trace's readers, past
    /// their group, which is let go once its jobs finish.
    fn keep_labels(&self, first: u64, new: Vec<Box<str>>) {
        self.labels.keep(first, new, self.events.capacity() as usize);
    }

    /// A partitioned batch needs an idle shared queue and no slices left
    /// (`PartitionBusy`). Under the driver lock.
    fn refuse_partition_while_busy(&self) -> Result<(), PoolError> {
        if self.queue.claimed() != self.queue.published() || self.workers.partitions_pending() {
            return Err(PoolError::PartitionBusy);
        }
        Ok(())
    }

    /// Drops every job still waiting; each is reported with an event whose
    /// outcome is `Cancelled`. Running jobs finish. Returns how many.
    pub fn cancel(&self) -> u64 {
        let mut dropped: Vec<std::ops::Range<u64>> = vec![self.queue.claim_all()];
        dropped.extend(self.workers.cancel_partitions());
        let jobs = || dropped.iter().flat_map(|range| range.clone());
        // SAFETY: these jobs are ours alone and not settled yet.
        let groups: Vec<_> = jobs().map(|job| unsafe { self.queue.group(job) }).collect();
        let now = sys::now_ms();
        let mut calls = Vec::new();
        for job in jobs() {
            let claimed = self.queue.get(job);
            if claimed.spec.kind == job::JobKind::Call {
                calls.push(job);
            }
            let at = now.max(claimed.queued_ms); // queued on another thread, maybe
            self.events
                .push(claimed.event(job, 0, (at, at), (Outcome::Cancelled, 0)));
        }
        dropped.iter().for_each(|range| self.queue.retire(range.clone()));
        let count = dropped.iter().map(|range| range.end - range.start).sum();
        sys::share_time(now);
        self.counts.add_cancelled(count);
        self.bump_room();
        self.announce_if_idle();
        // Their handles learn it after the counts do, as for every other outcome.
        self.report_cancelled_calls(calls);
        let stopped = self.closed.load(Ordering::Acquire);
        for (job, group) in jobs().zip(groups) {
            if let Some((group, index)) = group {
                let error = if stopped {
                    JobError::PoolStopped { job }
                } else {
                    JobError::Cancelled { job }
                };
                // SAFETY: `claim_all` / `cancel_partitions` gave this job to us alone, and we settle it once.
                unsafe {
                    group.discard(index);
                    group.settle(index, Err(error));
                }
            }
        }
        count
    }

    /// Takes no new jobs (`PoolStopped`); workers end once the queue is
    /// empty: Go's `close(jobs)`. Wait with the idle futex for the drain.
    pub fn close(&self) {
        self.driver.with(|_| self.closed.store(true, Ordering::Relaxed));
        self.workers.wake_all();
        // Whoever waits for room or for the pool to be idle looks again: a
        // batch fed as room frees learns at once that nothing more is taken.
        self.bump_room();
        self.announce_idle_change();
    }

    /// `cancel`, then `close`: running jobs finish, nothing else runs.
    pub fn stop(&self) -> u64 {
        self.close();
        self.cancel()
    }

    /// The panic messages not taken yet. Never blocks: if a worker is
    /// filing one right now, they come with a later call.
    pub fn take_failures(&self) -> Vec<Failure> {
        self.failures.take()
    }

    fn bump_room(&self) {
        if self.options.capacity.is_some() {
            self.room_epoch.fetch_add(1, Ordering::Release);
            sys::wake_all(&self.room_epoch);
        }
    }

    fn announce_if_idle(&self) {
        if self.is_idle() {
            self.announce_idle_change();
        }
    }

    fn announce_idle_change(&self) {
        self.idle_epoch.fetch_add(1, Ordering::Release);
        sys::wake_all(&self.idle_epoch);
    }

    /// Every job queued so far has finished or was cancelled.
    pub fn is_idle(&self) -> bool {
        self.counts.finished() == self.queue.published()
    }

    /// Changes whenever the pool turns idle or a worker starts or ends: a futex word
    /// to wait on (`Atomics.waitAsync` on a browser's main thread).
    pub fn idle_epoch(&self) -> &AtomicU32 {
        &self.idle_epoch
    }

    /// Changes whenever a bounded queue makes room.
    pub fn room_epoch(&self) -> &AtomicU32 {
        &self.room_epoch
    }

    /// The counters now (see `Counters`).
    pub fn counters(&self) -> Counters {
        self.counts
            .counters(|| self.queue.published(), self.workers.target(), self.workers.live())
    }

    /// See `EventLog::read_flat`.
    pub fn read_events(&self, cursor: u64, limit: u64, out: &mut Vec<f64>) -> TraceRead {
        self.events.read_flat(cursor, limit, out)
    }

    /// The index of the oldest event the trace keeps: a new reader's cursor.
    #[cfg(target_arch = "wasm32")]
    pub fn oldest_event(&self) -> u64 {
        self.events.oldest()
    }

    /// The trace the pool keeps as Chrome trace-event JSON (see `trace_export`).
    pub fn export_trace(&self, options: TraceOptions) -> String {
        let flat = self.kept_events();
        let resizes: Vec<Resize> = self.resizes.with(|resizes| resizes.iter().copied().collect());
        let progress = self.workers.progress_notes();
        chrome_trace(&flat, |job| self.label(job), &resizes, &progress, options)
    }

    /// Notes a resize to `size` for the trace's export (the latest 4,096).
    pub(super) fn note_resize(&self, size: usize) {
        let resize = Resize {
            at_ms: sys::now_ms(),
            size: size as u32,
        };
        self.resizes.with(|resizes| {
            if resizes.len() == 4096 {
                resizes.pop_front();
            }
            resizes.push_back(resize);
        });
    }

    /// Latency statistics over the events the trace keeps (see `PoolStats`).
    pub fn stats(&self) -> PoolStats {
        PoolStats::of_flat(&self.kept_events())
    }

    /// Every event the trace keeps, oldest first (`read_flat`'s numbers),
    /// for the readers that take the whole trace at once (export, stats).
    fn kept_events(&self) -> Vec<f64> {
        let mut flat = Vec::new();
        self.events.read_flat(0, u64::MAX, &mut flat);
        flat
    }

    /// How many events the trace keeps (`PoolOptions::trace_capacity`).
    pub fn trace_capacity(&self) -> u64 {
        self.events.capacity()
    }

    /// Bytes the queue's slots and the trace hold: bounded by the jobs in
    /// flight and the trace's capacity, however many jobs the pool has run.
    /// (Not counted: closures' own captures, and labels.)
    pub fn storage_bytes(&self) -> usize {
        self.queue.bytes() + self.events.bytes() + self.calls.bytes()
    }
}

/// A batch on its way into the queue: what `queue_batch` is given by
/// every way of submitting.
struct NewBatch<I> {
    jobs: Jobs<I>,
    /// None, or one per job.
    labels: Vec<Box<str>>,
    /// Call jobs' calls, one per job; none for other jobs.
    calls: Vec<Call>,
    placement: Placement,
    fit: Fit,
}

impl<I> NewBatch<I> {
    /// `jobs`, unlabelled, queued whole where `placement` says.
    fn of(jobs: Jobs<I>, placement: Placement) -> NewBatch<I> {
        NewBatch {
            jobs,
            labels: Vec::new(),
            calls: Vec::new(),
            placement,
            fit: Fit::Whole,
        }
    }
}

/// The jobs of a batch, as the queue stores them.
enum Jobs<I> {
    /// Described by their specs: built-in jobs, or calls (`submit_calls`,
    /// and `submit_remote_calls`, whose work the platform keeps).
    Specs(I),
    /// Closure jobs, every slot pointing at their group.
    Group(Arc<Group>),
}

/// The spec iterator of a batch that has none (a group).
type NoSpecs = std::iter::Empty<JobSpec>;

impl<I: ExactSizeIterator<Item = JobSpec> + Clone> Jobs<I> {
    fn len(&self) -> u64 {
        match self {
            Jobs::Specs(specs) => specs.len() as u64,
            Jobs::Group(group) => group.len() as u64,
        }
    }

    /// The first cost out of `0..=MAX_COST_MS`, if any (a closure costs 0).
    fn first_bad_cost(&self) -> Option<f64> {
        match self {
            Jobs::Specs(specs) => specs
                .clone()
                .map(|spec| spec.cost_ms)
                .find(|cost| !(0.0..=MAX_COST_MS).contains(cost)),
            Jobs::Group(_) => None,
        }
    }
}

/// How much of a batch to queue when the queue lacks room for all of it.
#[derive(Clone, Copy, PartialEq)]
enum Fit {
    /// All or nothing (`QueueFull`).
    Whole,
    /// As many as there is room for, from its start (maybe none).
    AsManyAsRoom,
}

/// Pools whose memory is held: made and not yet dropped.
static LIVE_POOLS: AtomicUsize = AtomicUsize::new(0);

/// How many pools hold memory now: each counts from `PoolCore::new` until
/// its last reference goes (its driver's and every worker's). A pool that
/// was freed, and whose workers all left, no longer counts.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the web's `livePools`
pub fn live_pools() -> usize {
    LIVE_POOLS.load(Ordering::Relaxed)
}

impl Drop for PoolCore {
    fn drop(&mut self) {
        LIVE_POOLS.fetch_sub(1, Ordering::Relaxed);
    }
}
