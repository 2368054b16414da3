//! The shared job queue: producers append, workers claim with one CAS.
//!
//! Jobs are numbered from 1 in submission order and never move. `published`
//! counts the jobs workers may see; `claimed` counts those taken. A worker
//! takes job `claimed + 1` by moving `claimed` forward by one, so each job
//! goes to exactly one worker and none is skipped. Producers never wait on
//! workers: they write new slots beyond `published`, then publish them.

use super::job::JobSpec;
use super::segmented::Segmented;
use super::sync::{AtomicU64, Ordering};

#[derive(Default)]
struct JobSlot {
    spec: AtomicU64,
    queued_ms: AtomicU64,
}

/// A job taken from the queue.
#[derive(Clone, Copy, Debug)]
pub struct Claimed {
    pub job: u64,
    pub spec: JobSpec,
    pub queued_ms: f64,
}

pub struct JobQueue {
    slots: Segmented<JobSlot>,
    published: AtomicU64,
    claimed: AtomicU64,
}

impl JobQueue {
    pub fn new() -> JobQueue {
        JobQueue { slots: Segmented::new(), published: AtomicU64::new(0), claimed: AtomicU64::new(0) }
    }

    pub fn published(&self) -> u64 {
        self.published.load(Ordering::Acquire)
    }

    pub fn claimed(&self) -> u64 {
        self.claimed.load(Ordering::Acquire)
    }

    /// Appends jobs and makes them visible at once; returns the first job
    /// number. Only one producer at a time (the pool's producer lock).
    pub fn publish(&self, specs: impl ExactSizeIterator<Item = JobSpec>, queued_ms: f64) -> u64 {
        let start = self.published.load(Ordering::Relaxed);
        self.slots.grow_to((start + specs.len() as u64) as usize);
        let mut end = start;
        for spec in specs {
            let slot = self.slots.get(end as usize);
            slot.spec.store(spec.pack(), Ordering::Relaxed);
            slot.queued_ms.store(queued_ms.to_bits(), Ordering::Relaxed);
            end += 1;
        }
        // Release: a worker that sees the new count sees the slots above.
        self.published.store(end, Ordering::Release);
        start + 1
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
            match self.claimed.compare_exchange_weak(claimed, published, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return claimed + 1..published + 1,
                Err(now) => claimed = now,
            }
        }
    }

    /// Job number `job`, which must have been published.
    pub fn get(&self, job: u64) -> Claimed {
        let slot = self.slots.get(job as usize - 1);
        Claimed {
            job,
            spec: JobSpec::unpack(slot.spec.load(Ordering::Relaxed)),
            queued_ms: f64::from_bits(slot.queued_ms.load(Ordering::Relaxed)),
        }
    }

    /// Takes the oldest unclaimed job, if any.
    pub fn claim(&self) -> Option<Claimed> {
        let mut claimed = self.claimed.load(Ordering::Acquire);
        loop {
            if claimed >= self.published.load(Ordering::Acquire) {
                return None; // also while `reserve` runs ahead of `publish`
            }
            match self.claimed.compare_exchange_weak(claimed, claimed + 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => break,
                Err(now) => claimed = now,
            }
        }
        Some(self.get(claimed + 1))
    }
}

/// Model-checks the queue with loom: every interleaving of a producer and
/// two consumers (and a cancel) hands each job to exactly one of them.
/// Run: `RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release --lib loom`.
#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::core::job::JobKind;
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
        (0..2).filter_map(|_| queue.claim().map(|c| c.job)).collect()
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
            all.extend(std::iter::from_fn(|| queue.claim().map(|c| c.job)));
            all.sort();
            assert_eq!(all, [1, 2]);
        });
    }

    #[test]
    fn loom_cancel_and_claims_never_share_a_job() {
        model(|| {
            let queue = Arc::new(JobQueue::new());
            queue.publish(std::iter::repeat_n(spec(), 3), 0.0);
            let worker = {
                let queue = Arc::clone(&queue);
                loom::thread::spawn(move || queue.claim().map(|c| c.job))
            };
            let cancelled: Vec<u64> = queue.claim_all().collect();
            let claimed = worker.join().unwrap();
            let mut all = cancelled.clone();
            all.extend(claimed);
            all.sort();
            all.dedup();
            assert_eq!(all.len(), cancelled.len() + claimed.iter().count(), "a job was both cancelled and claimed");
            assert!(all.len() <= 3 && (claimed.is_some() || cancelled.len() == 3));
        });
    }
}
