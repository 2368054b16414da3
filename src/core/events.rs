//! The trace: one event per finished job, readable by any thread without
//! locks, in the order jobs finished.
//!
//! A finishing worker reserves the next slots with `fetch_add` (one per job
//! it took in one claim), fills each and then marks it ready by storing its
//! job number, which is never 0. Readers keep a cursor and take the ready
//! slots from it up to the first one still being written.

use super::job::{JobKind, Outcome};
use super::segmented::{Segmented, ZeroIsDefault};
use super::sync::OwnLine;
use std::sync::atomic::{AtomicU64, Ordering};

/// One finished job. Times are ms on the clock all threads share.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    pub job: u64,
    pub worker: u32,
    pub kind: JobKind,
    pub queued_ms: f64,
    pub started_ms: f64,
    pub finished_ms: f64,
    pub outcome: Outcome,
    pub value: u32,
}

/// Numbers per event in `EventLog::read_flat`, in this order.
pub const EVENT_FIELDS: [&str; 8] = ["job", "worker", "kind", "queued", "started", "finished", "outcome", "value"];

/// Five words per event (40 bytes): a million jobs keep a 40 MB trace.
#[derive(Default)]
struct EventSlot {
    /// The job number, stored last: 0 while the slot is being written.
    job: AtomicU64,
    /// worker (bits 0-7), kind (8-15), outcome (16-23), value (32-63).
    tags: AtomicU64,
    queued_ms: AtomicU64,
    started_ms: AtomicU64,
    finished_ms: AtomicU64,
}

// SAFETY: std atomics only; all zeros is `Default`.
unsafe impl ZeroIsDefault for EventSlot {}

pub struct EventLog {
    slots: Segmented<EventSlot>,
    reserved: OwnLine<AtomicU64>,
}

impl EventLog {
    pub fn new() -> EventLog {
        EventLog { slots: Segmented::new(), reserved: OwnLine::default() }
    }

    /// Makes room for `len` events. One caller at a time (the producer lock).
    pub fn grow_to(&self, len: u64) {
        self.slots.grow_to(len as usize);
    }

    /// Reserves the next `count` slots; returns the first one's index.
    /// Room for them was made when their jobs were queued.
    pub fn reserve(&self, count: u64) -> u64 {
        self.reserved.fetch_add(count, Ordering::Relaxed)
    }

    /// Fills a reserved slot and marks it ready.
    pub fn write(&self, index: u64, event: Event) {
        let slot = self.slots.get(index as usize);
        debug_assert!(event.worker < 256 && event.job != 0);
        let tags = event.worker as u64 | (event.kind as u64) << 8 | (event.outcome as u64) << 16 | (event.value as u64) << 32;
        slot.tags.store(tags, Ordering::Relaxed);
        slot.queued_ms.store(event.queued_ms.to_bits(), Ordering::Relaxed);
        slot.started_ms.store(event.started_ms.to_bits(), Ordering::Relaxed);
        slot.finished_ms.store(event.finished_ms.to_bits(), Ordering::Relaxed);
        slot.job.store(event.job, Ordering::Release);
    }

    /// Records one event.
    pub fn push(&self, event: Event) {
        self.write(self.reserve(1), event);
    }

    /// Appends the ready events from `cursor` on to `out`, `EVENT_FIELDS`
    /// numbers each, at most `limit` events; returns the new cursor.
    pub fn read_flat(&self, cursor: u64, limit: u64, out: &mut Vec<f64>) -> u64 {
        let end = self.reserved.load(Ordering::Acquire).min(cursor.saturating_add(limit));
        let mut next = cursor;
        while next < end {
            let slot = self.slots.get(next as usize);
            let job = slot.job.load(Ordering::Acquire);
            if job == 0 {
                break;
            }
            let tags = slot.tags.load(Ordering::Relaxed);
            let time = |field: &AtomicU64| f64::from_bits(field.load(Ordering::Relaxed));
            out.extend([
                job as f64,
                (tags & 0xff) as f64,
                (tags >> 8 & 0xff) as f64,
                time(&slot.queued_ms),
                time(&slot.started_ms),
                time(&slot.finished_ms),
                (tags >> 16 & 0xff) as f64,
                (tags >> 32) as f64,
            ]);
            next += 1;
        }
        next
    }
}
