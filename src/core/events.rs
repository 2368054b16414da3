//! The trace: one event per finished job, readable by any thread without
//! locks, in the order jobs finished. It keeps the last `capacity` events
//! (a ring): a pool that runs forever holds bounded memory, and a reader
//! that fell further behind is told how many events it missed.
//!
//! A finishing worker reserves the next indices with `fetch_add` (one per
//! job it took in one claim) and fills each slot like a seqlock: it marks
//! the slot as being written, writes the fields, then stores the event's
//! stamp (index + 1) with `Release`. A reader takes the slots from its
//! cursor while their stamps say they hold exactly the event it expects,
//! before and after it reads the fields: a slot that is still being
//! written ends the read, one already written again counts as missed.
//! A writer takes its slot with a CAS on the stamp, so two writers never
//! share a slot. One that finds a newer event there already (it fell a
//! whole ring behind, e.g. descheduled on a busy machine) drops its own:
//! that event is a ring old, so every reader would count it as missed
//! anyway, and waiting for it stalled every other worker once the ring
//! came round.

use super::job::{JobKind, Outcome};
use super::segmented::{Segmented, ZeroIsDefault, SEGMENT};
use super::sync::OwnLine;
use std::sync::atomic::{AtomicU64, Ordering};

/// One finished job. Times are ms on the clock all threads share.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// The job's number (from 1, in submission order).
    pub job: u64,
    /// The worker that ran it (from 1); 0 for a cancelled job.
    pub worker: u32,
    /// What the job was.
    pub kind: JobKind,
    /// When it was queued.
    pub queued_ms: f64,
    /// When a worker started it.
    pub started_ms: f64,
    /// When it ended.
    pub finished_ms: f64,
    /// How it ended.
    pub outcome: Outcome,
    /// What it returned: a `cpu` job's checksum, a `noop` job's number; for
    /// a completed closure or call job, how many items it ran (a chunk of a
    /// `map` runs many); else 0.
    pub value: u32,
}

/// Numbers per event in `EventLog::read_flat`, in this order.
pub const EVENT_FIELDS: [&str; 8] = [
    "job", "worker", "kind", "queued", "started", "finished", "outcome", "value",
];

/// Events the trace keeps by default: 65,536 (3 MB).
pub const DEFAULT_TRACE_CAPACITY: u64 = 1 << 16;
/// The most events a trace may keep: 16,777,216 (768 MB).
pub const MAX_TRACE_CAPACITY: u64 = 1 << 24;

/// Set in a stamp while its slot is being written.
const WRITING: u64 = 1 << 63;

/// Six words per event (48 bytes).
#[derive(Default)]
struct EventSlot {
    /// Index + 1 of the event the slot holds whole, 0 for none yet; with
    /// `WRITING` while one is being written.
    stamp: AtomicU64,
    job: AtomicU64,
    /// worker (bits 0-7), kind (8-15), outcome (16-23), value (32-63).
    tags: AtomicU64,
    queued_ms: AtomicU64,
    started_ms: AtomicU64,
    finished_ms: AtomicU64,
}

// SAFETY: std atomics only; all zeros is `Default`.
unsafe impl ZeroIsDefault for EventSlot {}

/// What one read of the trace gave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TraceRead {
    /// Where the next read starts.
    pub cursor: u64,
    /// Events the reader fell too far behind for: written again before it
    /// came to them. Never given wrong, only skipped and counted here.
    pub missed: u64,
}

/// The trace: a ring of the latest events, written by workers without
/// waiting for each other and read without locks (`read_flat`).
pub struct EventLog {
    slots: Segmented<EventSlot>,
    capacity: u64,
    /// Slots `0..prepared` exist.
    prepared: AtomicU64,
    reserved: OwnLine<AtomicU64>,
}

impl EventLog {
    /// A trace that keeps the last `capacity` events (rounded up to whole
    /// segments of 4,096).
    pub fn new(capacity: u64) -> EventLog {
        let segments = (capacity.clamp(1, MAX_TRACE_CAPACITY) as usize).div_ceil(SEGMENT);
        let slots = Segmented::new(segments);
        EventLog {
            capacity: slots.reach() as u64,
            slots,
            prepared: AtomicU64::new(0),
            reserved: OwnLine::default(),
        }
    }

    /// How many events the trace keeps.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Makes room for events `0..len` (at most a ring's worth is ever
    /// made). One caller at a time (the driver lock).
    pub fn prepare(&self, len: u64) {
        let (start, end) = (self.prepared.load(Ordering::Relaxed), len.min(self.capacity));
        if end > start {
            self.slots.prepare(start as usize, end as usize);
            self.prepared.store(end, Ordering::Relaxed);
        }
    }

    /// Bytes of slots made so far.
    pub fn bytes(&self) -> usize {
        self.slots.segments_allocated() * SEGMENT * std::mem::size_of::<EventSlot>()
    }

    /// Reserves the next `count` slots; returns the first one's index.
    /// Room for them was made when their jobs were queued.
    pub fn reserve(&self, count: u64) -> u64 {
        self.reserved.fetch_add(count, Ordering::Relaxed)
    }

    fn slot(&self, index: u64) -> &EventSlot {
        self.slots.get((index % self.capacity) as usize)
    }

    /// Fills a reserved slot and marks it whole, unless a writer a ring
    /// ahead took the slot first: then the event is dropped (readers count
    /// it as missed, as they would once it was overwritten).
    pub fn write(&self, index: u64, event: Event) {
        let slot = self.slot(index);
        debug_assert!(event.worker < 256 && event.job != 0);
        let mine = index + 1;
        let mut spins = 0;
        loop {
            let stamp = slot.stamp.load(Ordering::Acquire);
            if stamp & !WRITING >= mine {
                return; // lapped
            }
            // An older event half written: a few stores to wait for.
            if stamp & WRITING == 0
                && slot
                    .stamp
                    .compare_exchange_weak(stamp, mine | WRITING, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                break;
            }
            spins += 1;
            super::sync::relax(spins);
        }
        std::sync::atomic::fence(Ordering::Release); // readers see WRITING before any new field
        slot.job.store(event.job, Ordering::Relaxed);
        let tags =
            event.worker as u64 | (event.kind as u64) << 8 | (event.outcome as u64) << 16 | (event.value as u64) << 32;
        slot.tags.store(tags, Ordering::Relaxed);
        slot.queued_ms.store(event.queued_ms.to_bits(), Ordering::Relaxed);
        slot.started_ms.store(event.started_ms.to_bits(), Ordering::Relaxed);
        slot.finished_ms.store(event.finished_ms.to_bits(), Ordering::Relaxed);
        slot.stamp.store(mine, Ordering::Release);
    }

    /// Records one event.
    pub fn push(&self, event: Event) {
        self.write(self.reserve(1), event);
    }

    /// The index of the oldest event the ring still keeps (0 until it came
    /// round): where a web reader (`pool.reader()`) starts.
    #[cfg(target_arch = "wasm32")]
    pub fn oldest(&self) -> u64 {
        self.reserved.load(Ordering::Acquire).saturating_sub(self.capacity)
    }

    /// Appends the whole events from `cursor` on to `out`, `EVENT_FIELDS`
    /// numbers each, at most `limit` of them.
    pub fn read_flat(&self, cursor: u64, limit: u64, out: &mut Vec<f64>) -> TraceRead {
        let reserved = self.reserved.load(Ordering::Acquire);
        let oldest = reserved.saturating_sub(self.capacity);
        let mut read = TraceRead {
            cursor: cursor.max(oldest),
            missed: oldest.saturating_sub(cursor),
        };
        let mut taken = 0;
        while read.cursor < reserved && taken < limit {
            let slot = self.slot(read.cursor);
            let expected = read.cursor + 1;
            let stamp = slot.stamp.load(Ordering::Acquire);
            if stamp & !WRITING > expected {
                read.missed += 1; // written again since `reserved` was read
                read.cursor += 1;
                continue;
            }
            if stamp != expected {
                break; // still being written, or not yet begun
            }
            let tags = slot.tags.load(Ordering::Relaxed);
            let time = |field: &AtomicU64| f64::from_bits(field.load(Ordering::Relaxed));
            let fields = [
                slot.job.load(Ordering::Relaxed) as f64,
                (tags & 0xff) as f64,
                (tags >> 8 & 0xff) as f64,
                time(&slot.queued_ms),
                time(&slot.started_ms),
                time(&slot.finished_ms),
                (tags >> 16 & 0xff) as f64,
                (tags >> 32) as f64,
            ];
            std::sync::atomic::fence(Ordering::Acquire); // the fields were read before the stamp is checked again
            if slot.stamp.load(Ordering::Relaxed) != expected {
                continue; // a writer began on it meanwhile: look again
            }
            out.extend(fields);
            read.cursor += 1;
            taken += 1;
        }
        read
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn event(job: u64) -> Event {
        Event {
            job,
            worker: 1,
            kind: JobKind::Noop,
            queued_ms: 0.0,
            started_ms: 1.0,
            finished_ms: 2.0,
            outcome: Outcome::Completed,
            value: 0,
        }
    }

    fn jobs(flat: &[f64]) -> Vec<u64> {
        flat.chunks(EVENT_FIELDS.len()).map(|e| e[0] as u64).collect()
    }

    #[test]
    fn a_reader_that_keeps_up_misses_nothing_across_laps() {
        let trace = EventLog::new(SEGMENT as u64);
        let (mut cursor, mut seen) = (0, Vec::new());
        for lap in 0..5u64 {
            trace.prepare((lap + 1) * 3000);
            (1..=3000).for_each(|i| trace.push(event(lap * 3000 + i)));
            let mut out = Vec::new();
            let read = trace.read_flat(cursor, u64::MAX, &mut out);
            assert_eq!(read.missed, 0);
            cursor = read.cursor;
            seen.extend(jobs(&out));
        }
        assert_eq!(seen, (1..=15_000).collect::<Vec<_>>());
        assert_eq!(
            trace.bytes(),
            SEGMENT * std::mem::size_of::<EventSlot>(),
            "one segment, reused"
        );
    }

    #[test]
    fn a_reader_left_behind_is_told_how_many_it_missed() {
        let trace = EventLog::new(SEGMENT as u64);
        trace.prepare(10_000);
        (1..=10_000).for_each(|job| trace.push(event(job)));
        let mut out = Vec::new();
        let read = trace.read_flat(0, u64::MAX, &mut out);
        assert_eq!(
            read,
            TraceRead {
                cursor: 10_000,
                missed: 10_000 - SEGMENT as u64
            }
        );
        assert_eq!(
            jobs(&out),
            ((10_000 - SEGMENT as u64 + 1)..=10_000).collect::<Vec<_>>(),
            "the newest events, whole"
        );
    }

    #[test]
    fn a_writer_a_ring_behind_drops_its_event_instead_of_waiting() {
        let ring = SEGMENT as u64;
        let trace = EventLog::new(ring);
        trace.prepare(ring + 1);
        let late = trace.reserve(1); // a worker that stalls before writing
        (2..=ring + 1).for_each(|job| trace.push(event(job))); // the last one takes the late one's slot
        trace.write(late, event(1)); // returns at once: lapped
        let mut out = Vec::new();
        let read = trace.read_flat(0, u64::MAX, &mut out);
        assert_eq!(
            read,
            TraceRead {
                cursor: ring + 1,
                missed: 1
            }
        );
        assert_eq!(
            jobs(&out),
            (2..=ring + 1).collect::<Vec<_>>(),
            "the newest events, none overwritten by the late one"
        );
    }
}
