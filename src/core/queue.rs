//! The shared job queue: producers append, workers claim with one CAS.
//!
//! Jobs are numbered from 1 in submission order and never move. `published`
//! counts the jobs workers may see; `claimed` counts those taken. A worker
//! takes job `claimed + 1` by moving `claimed` forward by one, so each job
//! goes to exactly one worker and none is skipped. Producers never wait on
//! workers: they write new slots beyond `published`, then publish them.

use super::job::JobSpec;
use super::segmented::Segmented;
use std::sync::atomic::{AtomicU64, Ordering};

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

    /// Takes every unclaimed job at once, so that no worker runs them;
    /// returns their job numbers.
    pub fn claim_all(&self) -> std::ops::Range<u64> {
        let mut claimed = self.claimed.load(Ordering::Acquire);
        loop {
            let published = self.published.load(Ordering::Acquire);
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
                return None;
            }
            match self.claimed.compare_exchange_weak(claimed, claimed + 1, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => break,
                Err(now) => claimed = now,
            }
        }
        Some(self.get(claimed + 1))
    }
}
