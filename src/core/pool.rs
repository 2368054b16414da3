//! `PoolCore`: the queue, the trace, the worker slots and the counters,
//! shared by the thread that drives the pool and by its workers.
//! The platform starts a thread for each id `resize` hands back and runs
//! `run_worker` on it; see `README.md` beside this file.

use super::error::PoolError;
use super::events::{Event, EventLog};
use super::job::{self, JobSpec, Outcome, MAX_COST_MS};
use super::queue::JobQueue;
use crate::sys;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// The largest pool.
pub const MAX_WORKERS: usize = 64;

/// The most jobs one pool takes over its life: every job keeps its event,
/// and a wasm memory stops at 1 GiB.
#[cfg(target_arch = "wasm32")]
pub const MAX_JOBS: u64 = 2_000_000;
#[cfg(not(target_arch = "wasm32"))]
pub const MAX_JOBS: u64 = 16_000_000;

const VACANT: u32 = 0;
const ACTIVE: u32 = 1;
const RETIRING: u32 = 2;

#[derive(Default)]
struct WorkerSlot {
    state: AtomicU32,
    jobs: AtomicU64,
    busy_ms: AtomicU64,
    thread: AtomicU64,
}

/// The pool's observable state. Every count is of jobs, except `workers`
/// and `live_workers`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Jobs a worker has taken and not finished.
    pub running: u64,
    /// Jobs queued and not yet taken.
    pub waiting: u64,
    /// Jobs ever queued.
    pub submitted: u64,
    /// Jobs that finished with `Outcome::Completed`.
    pub completed: u64,
    /// Jobs that finished with `Outcome::Failed`.
    pub failed: u64,
    /// Jobs taken off the queue by `cancel_waiting` before any worker ran them.
    pub cancelled: u64,
    /// The pool size asked for last.
    pub workers: u64,
    /// Worker threads now inside their loop (retiring ones included).
    pub live_workers: u64,
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

/// A small lock for the driving side only: workers never take it, so the
/// browser's main thread never waits on a worker through it.
struct SpinLock(AtomicBool);

impl SpinLock {
    fn with<R>(&self, f: impl FnOnce() -> R) -> R {
        while self.0.swap(true, Ordering::Acquire) {
            std::hint::spin_loop();
        }
        let result = f();
        self.0.store(false, Ordering::Release);
        result
    }
}

pub struct PoolCore {
    queue: JobQueue,
    events: EventLog,
    slots: [WorkerSlot; MAX_WORKERS],
    /// Bumped, then woken, whenever idle workers may have something to do.
    signal: AtomicU32,
    /// Bumped, then woken, whenever the last queued job finishes.
    idle_epoch: AtomicU32,
    completed: AtomicU64,
    failed: AtomicU64,
    cancelled: AtomicU64,
    target: AtomicU32,
    live: AtomicU32,
    closed: AtomicBool,
    driver: SpinLock,
}

static NEXT_THREAD_SERIAL: AtomicU64 = AtomicU64::new(1);
std::thread_local! {
    static THREAD_SERIAL: u64 = NEXT_THREAD_SERIAL.fetch_add(1, Ordering::Relaxed);
}

/// A number that tells this thread apart from every other in the process.
pub fn current_thread_serial() -> u64 {
    THREAD_SERIAL.with(|s| *s)
}

pub fn check_size(size: usize) -> Result<(), PoolError> {
    if (1..=MAX_WORKERS).contains(&size) {
        Ok(())
    } else {
        Err(PoolError::InvalidSize { value: size, max: MAX_WORKERS })
    }
}

impl PoolCore {
    /// An empty pool with no workers yet: call `resize` to get some.
    pub fn new() -> PoolCore {
        job::cpu_iterations_per_ms(); // calibrate before any job runs
        PoolCore {
            queue: JobQueue::new(),
            events: EventLog::new(),
            slots: std::array::from_fn(|_| WorkerSlot::default()),
            signal: AtomicU32::new(0),
            idle_epoch: AtomicU32::new(0),
            completed: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            cancelled: AtomicU64::new(0),
            target: AtomicU32::new(0),
            live: AtomicU32::new(0),
            closed: AtomicBool::new(false),
            driver: SpinLock(AtomicBool::new(false)),
        }
    }

    fn wake_workers(&self) {
        self.signal.fetch_add(1, Ordering::Release);
        sys::wake_all(&self.signal);
    }

    /// Queues jobs without ever blocking; returns the first job's number
    /// (jobs are numbered from 1 in submission order). Checks the whole
    /// batch first: a refused batch queues nothing.
    pub fn submit<I>(&self, specs: I) -> Result<u64, PoolError>
    where
        I: IntoIterator<Item = JobSpec>,
        I::IntoIter: ExactSizeIterator + Clone,
    {
        let specs = specs.into_iter();
        let count = specs.len() as u64;
        let first = self.driver.with(|| {
            if self.closed.load(Ordering::Relaxed) {
                return Err(PoolError::PoolStopped);
            }
            let room = MAX_JOBS - self.queue.published();
            if count > room {
                return Err(PoolError::QueueFull { requested: count, room });
            }
            if let Some(bad) = specs.clone().find(|s| !(0.0..=MAX_COST_MS).contains(&s.cost_ms)) {
                return Err(PoolError::InvalidCost { value: bad.cost_ms, max_ms: MAX_COST_MS });
            }
            self.events.grow_to(self.queue.published() + count);
            Ok(self.queue.publish(specs, sys::now_ms()))
        })?;
        self.wake_workers();
        Ok(first)
    }

    /// Sets the pool size. Returns the worker ids the platform must start a
    /// thread for; retiring workers finish their current job, then end.
    pub fn resize(&self, size: usize) -> Result<Vec<u32>, PoolError> {
        check_size(size)?;
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
        self.slots[id as usize - 1].state.store(VACANT, Ordering::Release);
    }

    /// Takes no new jobs; workers end once the queue is empty.
    pub fn close(&self) {
        self.driver.with(|| self.closed.store(true, Ordering::Relaxed));
        self.wake_workers();
    }

    /// The worker loop: takes jobs until this worker retires or the pool
    /// closes with nothing left to do. Runs on a thread that may block;
    /// `on_started` runs once the worker counts as live.
    pub fn run_worker(&self, id: u32, on_started: impl FnOnce()) {
        sys::allow_blocking_on_this_thread();
        let slot = &self.slots[id as usize - 1];
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
            if let Some(claimed) = self.queue.claim() {
                let started_ms = sys::now_ms();
                let (outcome, value) = job::run(claimed.job, claimed.spec);
                let finished_ms = sys::now_ms();
                self.events.push(Event {
                    job: claimed.job,
                    worker: id,
                    kind: claimed.spec.kind,
                    queued_ms: claimed.queued_ms,
                    started_ms,
                    finished_ms,
                    outcome,
                    value,
                });
                slot.jobs.fetch_add(1, Ordering::Relaxed);
                let busy = f64::from_bits(slot.busy_ms.load(Ordering::Relaxed)) + (finished_ms - started_ms);
                slot.busy_ms.store(busy.to_bits(), Ordering::Relaxed);
                match outcome {
                    Outcome::Completed => self.completed.fetch_add(1, Ordering::AcqRel),
                    Outcome::Failed => self.failed.fetch_add(1, Ordering::AcqRel),
                };
                self.announce_if_idle();
                continue;
            }
            if self.closed.load(Ordering::Acquire) {
                slot.state.store(VACANT, Ordering::Release);
                break;
            }
            sys::wait(&self.signal, epoch, None);
        }
        self.live.fetch_sub(1, Ordering::AcqRel);
        self.idle_epoch.fetch_add(1, Ordering::Release);
        sys::wake_all(&self.idle_epoch);
    }

    /// Drops every job still waiting in the queue (they never run); jobs
    /// already running finish. Returns how many were dropped.
    pub fn cancel_waiting(&self) -> u64 {
        let dropped = self.queue.claim_all();
        self.cancelled.fetch_add(dropped, Ordering::AcqRel);
        self.announce_if_idle();
        dropped
    }

    fn announce_if_idle(&self) {
        if self.is_idle() {
            self.idle_epoch.fetch_add(1, Ordering::Release);
            sys::wake_all(&self.idle_epoch);
        }
    }

    fn finished(&self) -> u64 {
        self.completed.load(Ordering::Acquire) + self.failed.load(Ordering::Acquire) + self.cancelled.load(Ordering::Acquire)
    }

    /// Every job queued so far has finished.
    pub fn is_idle(&self) -> bool {
        self.finished() == self.queue.published()
    }

    /// Changes whenever the pool turns idle or a worker ends: a futex word
    /// to wait on (`Atomics.waitAsync` on a browser's main thread).
    pub fn idle_epoch(&self) -> &AtomicU32 {
        &self.idle_epoch
    }

    pub fn counters(&self) -> Counters {
        // Read finished before claimed before published: no count goes negative.
        let completed = self.completed.load(Ordering::Acquire);
        let failed = self.failed.load(Ordering::Acquire);
        let cancelled = self.cancelled.load(Ordering::Acquire);
        let claimed = self.queue.claimed();
        let submitted = self.queue.published();
        Counters {
            running: claimed - completed - failed - cancelled,
            waiting: submitted - claimed,
            submitted,
            completed,
            failed,
            cancelled,
            workers: self.target.load(Ordering::Relaxed) as u64,
            live_workers: self.live.load(Ordering::Acquire) as u64,
        }
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

    /// See `EventLog::read_flat`.
    pub fn read_events(&self, cursor: u64, limit: u64, out: &mut Vec<f64>) -> u64 {
        self.events.read_flat(cursor, limit, out)
    }
}

impl Default for PoolCore {
    fn default() -> Self {
        Self::new()
    }
}
