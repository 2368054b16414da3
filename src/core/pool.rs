//! `PoolCore`: the pool that its driver and its workers share, made of the
//! queue, the trace, the worker slots, the counts, the failure log and the
//! labels, each a type of its own. This file is the driving side
//! (submitting, cancelling, closing, the counters); `pool/workers.rs` the
//! worker side (resizing, the worker loop, lost workers) and
//! `pool/remote.rs` the same loop for workers driven by messages: child
//! modules, so that the fields stay private to the three. `README.md` in
//! `src/core` explains why every job runs exactly once.

use super::counts::{Counters, JobCounts};
use super::error::{JobError, PoolError};
use super::events::{Event, EventLog, TraceRead, DEFAULT_TRACE_CAPACITY};
use super::failure;
use super::failure_log::{Failure, FailureLog};
use super::job::{self, JobSpec, Outcome, MAX_COST_MS};
use super::labels::JobLabels;
use super::options::{PoolOptions, MAX_JOBS};
use super::queue::JobQueue;
use super::sync::SpinLock;
use super::task::Group;
use super::worker_slots::WorkerSlots;
use crate::sys;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

mod closures;
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
        })
    }

    /// Jobs that may still be queued before the queue is full: its
    /// capacity, or `MAX_JOBS` waiting at once.
    pub fn room(&self) -> u64 {
        let waiting = self.queue.published() - self.queue.claimed();
        self.options.capacity.unwrap_or(MAX_JOBS).saturating_sub(waiting)
    }

    /// Queues the whole batch or nothing, without ever blocking; returns the
    /// first job's number (jobs are numbered from 1 in submission order).
    /// A full queue refuses with `QueueFull`: `submit_some` queues what fits
    /// (and the web's `submitWait` waits for room without blocking).
    pub fn submit<I>(&self, specs: I) -> Result<u64, PoolError>
    where
        I: IntoIterator<Item = JobSpec>,
        I::IntoIter: ExactSizeIterator + Clone,
    {
        self.submit_up_to(specs, false).map(|(first, _)| first)
    }

    /// Queues as many jobs of the batch as there is room for, from its
    /// start; returns the first job's number and how many were queued.
    pub fn submit_some<I>(&self, specs: I) -> Result<(u64, u64), PoolError>
    where
        I: IntoIterator<Item = JobSpec>,
        I::IntoIter: ExactSizeIterator + Clone,
    {
        self.submit_up_to(specs, true)
    }

    fn submit_up_to<I>(&self, specs: I, partial: bool) -> Result<(u64, u64), PoolError>
    where
        I: IntoIterator<Item = JobSpec>,
        I::IntoIter: ExactSizeIterator + Clone,
    {
        let specs = specs.into_iter();
        let requested = specs.len() as u64;
        let queued = self.driver.with(|_| {
            let count = self.admit(specs.clone(), requested, partial)?;
            self.events.prepare(self.queue.published() + count);
            Ok((self.queue.publish(specs.take(count as usize), sys::now_ms()), count))
        })?;
        if queued.1 > 0 {
            self.workers.wake_all();
        }
        Ok(queued)
    }

    /// The checks every batch passes before it is queued, under the driver
    /// lock: the pool is open, every cost is in range, and there is room.
    /// Returns how many of the `requested` jobs to queue: all of them, or
    /// with `partial` as many as fit (maybe 0, to wait for room).
    fn admit(&self, mut specs: impl Iterator<Item = JobSpec>, requested: u64, partial: bool) -> Result<u64, PoolError> {
        if self.closed.load(Ordering::Relaxed) {
            return Err(PoolError::PoolStopped);
        }
        if let Some(bad) = specs.find(|s| !(0.0..=MAX_COST_MS).contains(&s.cost_ms)) {
            return Err(PoolError::InvalidCost {
                value: bad.cost_ms,
                max_ms: MAX_COST_MS,
            });
        }
        let room = self.room();
        let count = if partial { requested.min(room) } else { requested };
        // Also full if one job has been running since 33 million were queued after it.
        if count > room || !self.queue.has_room_for(count) {
            self.counts.add_rejected(requested);
            return Err(PoolError::QueueFull { requested, room });
        }
        Ok(count)
    }

    /// Queues a group of closure jobs (`spawn`, `map`), all or none like
    /// `submit`; returns the first job's number. `labels`: none, or one per
    /// job. `partitioned`: split into fixed slices like `submit_partitioned`.
    pub(crate) fn submit_group(
        &self,
        group: Group,
        labels: Vec<Box<str>>,
        partitioned: bool,
    ) -> Result<u64, PoolError> {
        let count = group.len() as u64;
        let group = std::sync::Arc::new(group); // allocated before the driver lock, not under it
        let first = self.driver.with(|_| {
            self.admit(std::iter::repeat_n(JobSpec::closure(), count as usize), count, false)?;
            if partitioned {
                self.refuse_partition_while_busy()?;
            }
            self.events.prepare(self.queue.published() + count);
            if !labels.is_empty() {
                self.keep_labels(self.queue.published() + 1, labels);
            }
            if !partitioned {
                return Ok(self.queue.publish_group(group, sys::now_ms()));
            }
            self.queue.reserve(count);
            let first = self.queue.publish_group(group, sys::now_ms());
            self.workers.assign_slices(first, count);
            Ok(first)
        })?;
        if count > 0 {
            self.workers.wake_all();
        }
        Ok(first)
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

    /// The article's manual partitioning: splits the batch into contiguous
    /// slices of `ceil(len / workers)` jobs, slice `k` for worker `k`, fixed
    /// before any job runs. Needs an empty shared queue and the pool's
    /// workers to be exactly `1..=workers`; resizing waits until every
    /// slice is taken. Returns the first job's number.
    pub fn submit_partitioned(&self, specs: &[JobSpec]) -> Result<u64, PoolError> {
        let count = specs.len() as u64;
        let first = self.driver.with(|_| {
            self.admit(specs.iter().copied(), count, false)?;
            self.refuse_partition_while_busy()?;
            self.events.prepare(self.queue.published() + count);
            // Taken from the shared queue before anyone can see them, and
            // written before any worker is given its slice.
            self.queue.reserve(count);
            let first = self.queue.publish(specs.iter().copied(), sys::now_ms());
            self.workers.assign_slices(first, count);
            Ok(first)
        })?;
        self.workers.wake_all();
        Ok(first)
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
        for job in jobs() {
            let claimed = self.queue.get(job);
            let at = now.max(claimed.queued_ms); // queued on another thread, maybe
            self.events.push(Event {
                job,
                worker: 0,
                kind: claimed.spec.kind,
                queued_ms: claimed.queued_ms,
                started_ms: at,
                finished_ms: at,
                outcome: Outcome::Cancelled,
                value: 0,
            });
        }
        dropped.iter().for_each(|range| self.queue.retire(range.clone()));
        let count = dropped.iter().map(|range| range.end - range.start).sum();
        sys::share_time(now);
        self.counts.add_cancelled(count);
        self.bump_room();
        self.announce_if_idle();
        // Their handles learn it after the counts do, as for every other outcome.
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

    /// How many events the trace keeps (`PoolOptions::trace_capacity`).
    pub fn trace_capacity(&self) -> u64 {
        self.events.capacity()
    }

    /// Bytes the queue's slots and the trace hold: bounded by the jobs in
    /// flight and the trace's capacity, however many jobs the pool has run.
    /// (Not counted: closures' own captures, and labels.)
    pub fn storage_bytes(&self) -> usize {
        self.queue.bytes() + self.events.bytes()
    }
}

/// Pools whose memory is held: made and not yet dropped.
static LIVE_POOLS: AtomicUsize = AtomicUsize::new(0);

/// How many pools hold memory now: each counts from `PoolCore::new` until
/// its last reference goes (its driver's and every worker's). A pool that
/// was freed, and whose workers all left, no longer counts.
pub fn live_pools() -> usize {
    LIVE_POOLS.load(Ordering::Relaxed)
}

impl Drop for PoolCore {
    fn drop(&mut self) {
        LIVE_POOLS.fetch_sub(1, Ordering::Relaxed);
    }
}
