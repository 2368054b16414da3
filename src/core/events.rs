//! The trace: one event per finished job, readable by any thread without
//! locks, in the order jobs finished.
//!
//! A finishing worker reserves the next slot with `fetch_add`, fills it and
//! then marks it ready. Readers keep a cursor and take the ready slots from
//! it up to the first one still being written.

use super::job::{JobKind, Outcome};
use super::segmented::Segmented;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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

impl Event {
    fn to_fields(self) -> [f64; EVENT_FIELDS.len()] {
        [
            self.job as f64,
            self.worker as f64,
            self.kind as u8 as f64,
            self.queued_ms,
            self.started_ms,
            self.finished_ms,
            self.outcome as u8 as f64,
            self.value as f64,
        ]
    }
}

#[derive(Default)]
struct EventSlot {
    ready: AtomicBool,
    fields: [AtomicU64; EVENT_FIELDS.len()],
}

pub struct EventLog {
    slots: Segmented<EventSlot>,
    reserved: AtomicU64,
}

impl EventLog {
    pub fn new() -> EventLog {
        EventLog { slots: Segmented::new(), reserved: AtomicU64::new(0) }
    }

    /// Makes room for `len` events. One caller at a time (the producer lock).
    pub fn grow_to(&self, len: u64) {
        self.slots.grow_to(len as usize);
    }

    /// Records an event; room for it was made when its job was queued.
    pub fn push(&self, event: Event) {
        let slot = self.slots.get(self.reserved.fetch_add(1, Ordering::Relaxed) as usize);
        for (field, value) in slot.fields.iter().zip(event.to_fields()) {
            field.store(value.to_bits(), Ordering::Relaxed);
        }
        slot.ready.store(true, Ordering::Release);
    }

    /// Appends the ready events from `cursor` on to `out`, `EVENT_FIELDS`
    /// numbers each, at most `limit` events; returns the new cursor.
    pub fn read_flat(&self, cursor: u64, limit: u64, out: &mut Vec<f64>) -> u64 {
        let end = self.reserved.load(Ordering::Acquire).min(cursor.saturating_add(limit));
        let mut next = cursor;
        while next < end {
            let slot = self.slots.get(next as usize);
            if !slot.ready.load(Ordering::Acquire) {
                break;
            }
            out.extend(slot.fields.iter().map(|f| f64::from_bits(f.load(Ordering::Relaxed))));
            next += 1;
        }
        next
    }
}
