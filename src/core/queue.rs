//! The shared job queue: producers append, workers claim with one CAS.
//!
//! Jobs are numbered from 1 in submission order and never move. `published`
//! counts the jobs workers may see; `claimed` counts those taken. A worker
//! takes jobs `claimed + 1 ..= claimed + n` by moving `claimed` forward by
//! `n` with one CAS, so each job goes to exactly one worker and none is
//! skipped. `n` is 1 unless the jobs are trivial (see `claim_run`). Producers never wait on
//! workers: they write new slots beyond `published`, then publish them.
//! Whoever records a job's event retires its slot (`retire`); the slots of
//! retired jobs are used again, so the queue holds memory for the jobs in
//! flight, not for every job it ever ran.

use super::events::Event;
use super::job::{JobKind, JobSpec, Outcome};
use super::segmented::{Segmented, ZeroIsDefault, SEGMENT};
use super::sync::{AtomicU64, Ordering, OwnLine};
use super::task::Group;
use std::sync::Arc;

#[derive(Default)]
struct JobSlot {
    spec: AtomicU64,
    queued_ms: AtomicU64,
    /// A closure job's group as an address, 0 for a built-in job or once
    /// retired. The queue holds one count of the group for all its slots
    /// (see `task.rs`).
    group: AtomicU64,
}

// SAFETY: atomics only; all zeros is `Default` for std's (see the trait for loom).
unsafe impl ZeroIsDefault for JobSlot {}

/// What a published job's slot holds.
#[derive(Clone, Copy, Debug)]
pub struct Claimed {
    /// What it is to do.
    pub spec: JobSpec,
    /// When it was queued.
    pub queued_ms: f64,
}

impl Claimed {
    /// The event of job `job` (this slot's) once worker `worker` ran it
    /// from `started_ms` to `finished_ms`, and how it ended.
    pub fn event(
        &self,
        job: u64,
        worker: u32,
        (started_ms, finished_ms): (f64, f64),
        (outcome, value): (Outcome, u32),
    ) -> Event {
        Event {
            job,
            worker,
            kind: self.spec.kind,
            queued_ms: self.queued_ms,
            started_ms,
            finished_ms,
            outcome,
            value,
        }
    }
}

/// The most declared cost a run of jobs taken at once may have.
pub const TRIVIAL_RUN_MS: f64 = 0.05;

/// The most closures taken with one claim: a slow closure holds back at
/// most this many less one (natively; on wasm each is taken alone).
pub const MOST_CLOSURES_PER_RUN: u64 = 8;

/// Segments of 4,096 slots the queue's table holds at once: jobs from the
/// oldest one not yet retired to the newest queued may span 33,554,432.
#[cfg(not(loom))]
const TABLE_SEGMENTS: usize = 8192;
#[cfg(loom)]
const TABLE_SEGMENTS: usize = 2;

/// The shared queue: jobs are published in order and claimed by one CAS
/// each (or per run of trivial jobs); `README.md` says how.
pub struct JobQueue {
    slots: Segmented<JobSlot>,
    published: OwnLine<AtomicU64>,
    claimed: OwnLine<AtomicU64>,
}

impl Default for JobQueue {
    fn default() -> JobQueue {
        JobQueue::new()
    }
}

impl JobQueue {
    /// An empty queue.
    pub fn new() -> JobQueue {
        JobQueue {
            slots: Segmented::new(TABLE_SEGMENTS),
            published: OwnLine(AtomicU64::new(0)),
            claimed: OwnLine(AtomicU64::new(0)),
        }
    }

    /// How many jobs were queued so far.
    pub fn published(&self) -> u64 {
        self.published.load(Ordering::Acquire)
    }

    /// How many of them workers took (or `cancel` dropped).
    pub fn claimed(&self) -> u64 {
        self.claimed.load(Ordering::Acquire)
    }

    /// Appends jobs and makes them visible, `PUBLISH_EVERY` at a time so
    /// that workers start on a long batch while the rest is written; returns
    /// the first job number. One producer at a time (the pool's driver lock).
    pub fn publish(&self, specs: impl ExactSizeIterator<Item = JobSpec>, queued_ms: f64) -> u64 {
        self.publish_each(specs.map(|spec| (spec, 0)), queued_ms)
    }

    /// Like `publish`, for a group of closure jobs: every slot points at
    /// the group, and the queue keeps one count of it until its last job
    /// is settled (`Group::settle`).
    pub(crate) fn publish_group(&self, group: Arc<Group>, queued_ms: f64) -> u64 {
        let len = group.len();
        if len == 0 {
            return self.published.load(Ordering::Relaxed) + 1;
        }
        group.set_first_job(self.published.load(Ordering::Relaxed) + 1); // before any worker sees a job of it
        let address = Arc::into_raw(group) as usize as u64;
        self.publish_each(std::iter::repeat_n((JobSpec::closure(), address), len), queued_ms)
    }

    /// Whether `count` more jobs fit in the table: false only when jobs
    /// from the oldest one still in flight would span more than 33,554,432.
    pub fn has_room_for(&self, count: u64) -> bool {
        let start = self.published.load(Ordering::Relaxed) as usize;
        self.slots.can_prepare(start, start.saturating_add(count as usize))
    }

    fn publish_each(&self, jobs: impl ExactSizeIterator<Item = (JobSpec, u64)>, queued_ms: f64) -> u64 {
        const PUBLISH_EVERY: u64 = SEGMENT as u64;
        let start = self.published.load(Ordering::Relaxed);
        self.slots.prepare(start as usize, (start + jobs.len() as u64) as usize);
        let mut end = start;
        for (spec, group) in jobs {
            let slot = self.slots.get(end as usize);
            slot.spec.store(spec.pack(), Ordering::Relaxed);
            slot.queued_ms.store(queued_ms.to_bits(), Ordering::Relaxed);
            // A reused slot may hold an old job's values: every field is written.
            slot.group.store(group, Ordering::Relaxed);
            end += 1;
            if (end - start) % PUBLISH_EVERY == 0 {
                self.published.store(end, Ordering::Release);
            }
        }
        // Release: a worker that sees the new count sees the slots below it.
        self.published.store(end, Ordering::Release);
        start + 1
    }

    /// A closure job's group and its index there; `None` for a built-in
    /// job. `job` was published and is not retired.
    ///
    /// # Safety
    /// The group lives while the job is not settled: the caller must not
    /// use it after settling it (unless it holds a count, `Group::hold`).
    pub(crate) unsafe fn group<'a>(&self, job: u64) -> Option<(&'a Group, usize)> {
        let address = self.slots.get(job as usize - 1).group.load(Ordering::Acquire) as usize as *const Group;
        // SAFETY: set from `Arc::into_raw` before the job was published; see the function's contract.
        let group = unsafe { address.as_ref() }?;
        Some((group, group.index(job)))
    }

    /// Jobs `jobs` are over and recorded: their slots are let go. Called
    /// once per job, by whoever recorded it, before it settles the job.
    pub fn retire(&self, jobs: std::ops::Range<u64>) {
        for job in jobs.clone() {
            let slot = self.slots.get(job as usize - 1);
            // A slot used again is written whole; this only tells `drop` the job is over.
            if slot.group.load(Ordering::Relaxed) != 0 {
                slot.group.store(0, Ordering::Relaxed);
            }
        }
        self.slots.retire(jobs.start as usize - 1..jobs.end as usize - 1);
    }

    /// Bytes of slots made so far, in use or spare.
    pub fn bytes(&self) -> usize {
        self.slots.segments_allocated() * SEGMENT * std::mem::size_of::<JobSlot>()
    }

    /// Marks the next `count` jobs, not yet published, as claimed, so that
    /// no worker takes them from the shared queue. Only when every
    /// published job is claimed, by the one producer.
    pub fn reserve(&self, count: u64) {
        debug_assert_eq!(self.claimed(), self.published());
        self.claimed.fetch_add(count, Ordering::AcqRel);
    }

    /// Takes every unclaimed job at once, so that no worker runs them;
    /// returns their job numbers.
    pub fn claim_all(&self) -> std::ops::Range<u64> {
        let mut claimed = self.claimed.load(Ordering::Acquire);
        loop {
            let published = self.published.load(Ordering::Acquire);
            if claimed >= published {
                return published + 1..published + 1;
            }
            match self
                .claimed
                .compare_exchange_weak(claimed, published, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return claimed + 1..published + 1,
                Err(now) => claimed = now,
            }
        }
    }

    /// Job number `job`, which must have been published.
    pub fn get(&self, job: u64) -> Claimed {
        let slot = self.slots.get(job as usize - 1);
        Claimed {
            spec: JobSpec::unpack(slot.spec.load(Ordering::Relaxed)),
            queued_ms: f64::from_bits(slot.queued_ms.load(Ordering::Relaxed)),
        }
    }

    /// The spec of a published job that may have been taken (and retired)
    /// by another thread meanwhile: then maybe another job's, or `None`.
    fn peek(&self, job: u64) -> Option<JobSpec> {
        self.slots
            .try_get(job as usize - 1)
            .map(|slot| JobSpec::unpack(slot.spec.load(Ordering::Relaxed)))
    }

    /// Takes the oldest unclaimed job, if any: its number (the loom
    /// model's single claim; workers take runs with `claim_run`).
    #[cfg(all(test, loom))]
    pub fn claim(&self) -> Option<u64> {
        self.claim_run(1, 1).map(|jobs| jobs.start)
    }

    /// Takes the oldest unclaimed job and, if it may share a claim, the
    /// jobs of its sort right after it: at most `max` jobs in all. Returns
    /// their numbers. `workers`: the pool's size, for closures (below).
    ///
    /// One CAS per job is the most a shared counter allows (about 50 ns when
    /// several cores contend for it); a run costs one CAS, and keeps the
    /// data of neighbouring jobs on one core. Two sorts of runs:
    /// - built-in jobs whose declared costs add up to at most
    ///   `TRIVIAL_RUN_MS`, so a run delays no job noticeably;
    /// - closures (natively only), whose cost no one knows: at most
    ///   `MOST_CLOSURES_PER_RUN`, and at most a `4 * workers`-th of the jobs
    ///   waiting (guided scheduling), so a slow closure holds back a few
    ///   others while the queue is long, and none near the end of a batch.
    ///
    /// A job asked to fail is always taken alone (see `JobSpec::runs_alone`).
    pub fn claim_run(&self, max: u64, workers: u64) -> Option<std::ops::Range<u64>> {
        let mut claimed = self.claimed.load(Ordering::Acquire);
        loop {
            let published = self.published.load(Ordering::Acquire);
            if claimed >= published {
                return None; // also while `reserve` runs ahead of `publish`
            }
            // Published slots don't change until their jobs are retired, long
            // after they were claimed: if one was, the CAS below fails.
            let Some(first) = self.peek(claimed + 1) else {
                // Retired: taken by others since, so `claimed` has moved on. An
                // RMW reads its newest value (a load may keep an older one).
                claimed = self.claimed.fetch_add(0, Ordering::AcqRel);
                continue;
            };
            let closures = first.kind == JobKind::Closure;
            let max = if closures {
                max.min(MOST_CLOSURES_PER_RUN)
                    .min((published - claimed) / (4 * workers.max(1)))
                    .max(1)
            } else {
                max
            };
            let (mut take, mut cost_ms) = (1, first.cost_ms);
            while !first.runs_alone() && take < max && claimed + take < published {
                let Some(next) = self.peek(claimed + take + 1) else {
                    break;
                };
                cost_ms += next.cost_ms;
                if next.runs_alone()
                    || (next.kind == JobKind::Closure) != closures
                    || (!closures && cost_ms > TRIVIAL_RUN_MS)
                {
                    break;
                }
                take += 1;
            }
            match self
                .claimed
                .compare_exchange_weak(claimed, claimed + take, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Some(claimed + 1..claimed + 1 + take),
                Err(now) => claimed = now,
            }
        }
    }
}

impl Drop for JobQueue {
    fn drop(&mut self) {
        // The groups of jobs never retired, each once: settling a group's
        // last job may free it.
        let mut groups = std::collections::BTreeSet::new();
        self.slots.for_each_live(|slot| {
            let address = slot.group.load(Ordering::Relaxed);
            if address != 0 {
                groups.insert(address);
            }
        });
        for address in groups {
            // SAFETY: a job never retired was never settled, so the queue's count lives; nobody else is left.
            unsafe { (*(address as usize as *const Group)).settle_all_unrun() };
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32"), not(loom)))]
mod tests {
    use super::*;

    fn runs(queue: &JobQueue) -> Vec<std::ops::Range<u64>> {
        std::iter::from_fn(|| queue.claim_run(64, 1)).collect()
    }

    #[test]
    fn trivial_jobs_share_a_claim_but_a_failing_job_is_taken_alone() {
        let queue = JobQueue::new();
        let noop = JobSpec::new(JobKind::Noop, 0.0);
        let specs = [noop, noop, noop, noop.failing(), noop, noop];
        queue.publish(specs.into_iter(), 0.0);
        assert_eq!(runs(&queue), [1..4, 4..5, 5..7]);
    }

    #[test]
    fn a_job_with_real_work_ends_a_run_and_is_taken_alone() {
        let queue = JobQueue::new();
        let (noop, cpu) = (JobSpec::new(JobKind::Noop, 0.0), JobSpec::new(JobKind::Cpu, 1.0));
        let tiny = JobSpec::new(JobKind::Cpu, TRIVIAL_RUN_MS / 2.0);
        queue.publish([noop, cpu, noop, tiny, tiny, tiny, noop].into_iter(), 0.0);
        // Two tiny jobs fit the run's budget, the third would not.
        assert_eq!(runs(&queue), [1..2, 2..3, 3..6, 6..8]);
    }

    #[test]
    fn a_run_stops_at_the_limit_and_at_what_is_published() {
        let queue = JobQueue::new();
        queue.publish(std::iter::repeat_n(JobSpec::new(JobKind::Noop, 0.0), 150), 0.0);
        assert_eq!(runs(&queue), [1..65, 65..129, 129..151]);
        assert_eq!(queue.claim_run(64, 1), None);
    }
}

/// Model-checks the queue with loom: every interleaving of a producer and
/// two consumers (and a cancel) hands each job to exactly one of them.
/// Run: `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release --lib loom`.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;

    fn spec() -> JobSpec {
        JobSpec::new(JobKind::Noop, 0.0)
    }

    /// Every interleaving with up to 3 preemptions: bugs of this kind need
    /// two or three, and the full space takes minutes.
    fn model(test: impl Fn() + Sync + Send + 'static) {
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(3);
        builder.check(test);
    }

    /// Two claim attempts, succeeding or not: no spinning, so loom can
    /// explore every interleaving.
    fn claim_twice(queue: &JobQueue) -> Vec<u64> {
        (0..2).filter_map(|_| queue.claim()).collect()
    }

    #[test]
    fn loom_each_job_is_claimed_exactly_once() {
        model(|| {
            let queue = Arc::new(JobQueue::new());
            let consumers: Vec<_> = (0..2)
                .map(|_| {
                    let queue = Arc::clone(&queue);
                    loom::thread::spawn(move || claim_twice(&queue))
                })
                .collect();
            queue.publish(std::iter::once(spec()), 0.0);
            queue.publish(std::iter::once(spec()), 0.0);
            let mut all: Vec<u64> = consumers.into_iter().flat_map(|c| c.join().unwrap()).collect();
            // What the consumers missed is still there, exactly once.
            all.extend(std::iter::from_fn(|| queue.claim()));
            all.sort();
            assert_eq!(all, [1, 2]);
        });
    }

    #[test]
    fn loom_runs_and_single_claims_share_no_job() {
        model(|| {
            let queue = Arc::new(JobQueue::new());
            let consumer = {
                let queue = Arc::clone(&queue);
                loom::thread::spawn(move || queue.claim_run(2, 1).map_or(Vec::new(), |jobs| jobs.collect()))
            };
            queue.publish(std::iter::repeat_n(spec(), 3), 0.0);
            let mut all = claim_twice(&queue);
            all.extend(consumer.join().unwrap());
            all.extend(std::iter::from_fn(|| queue.claim()));
            all.sort();
            assert_eq!(all, [1, 2, 3]);
        });
    }

    #[test]
    fn loom_cancel_and_claims_never_share_a_job() {
        model(|| {
            let queue = Arc::new(JobQueue::new());
            queue.publish(std::iter::repeat_n(spec(), 3), 0.0);
            let worker = {
                let queue = Arc::clone(&queue);
                loom::thread::spawn(move || queue.claim())
            };
            let cancelled: Vec<u64> = queue.claim_all().collect();
            let claimed = worker.join().unwrap();
            let mut all = cancelled.clone();
            all.extend(claimed);
            all.sort();
            all.dedup();
            assert_eq!(
                all.len(),
                cancelled.len() + claimed.iter().count(),
                "a job was both cancelled and claimed"
            );
            assert!(all.len() <= 3 && (claimed.is_some() || cancelled.len() == 3));
        });
    }
}
