//! `EventReader` (JS: `PoolscopeEventReader`, from `pool.reader()`): the
//! pool's events and labels read with a cursor of its own, so the views,
//! an app and an exporter each get every event and none takes one from
//! another. The pool's own `takeEvents` and `takeLabels` are one more such
//! cursor (`Cursors`).

use super::unpack_labels;
use crate::core::pool::PoolCore;
use js_sys::{Array, Float64Array};
use std::cell::Cell;
use std::sync::{Arc, Weak};
use wasm_bindgen::prelude::*;

/// Where one reader is in the trace and in the labels.
#[derive(Default)]
pub(super) struct Cursors {
    events: Cell<u64>,
    missed: Cell<u64>,
    labels: Cell<u64>,
}

impl Cursors {
    /// Cursors at the oldest event and label `core` still keeps.
    pub(super) fn at_oldest(core: &PoolCore) -> Cursors {
        let cursors = Cursors::default();
        cursors.events.set(core.oldest_event());
        cursors
    }

    /// The events from this cursor on (at most `limit`), as `takeEvents` gives them.
    pub(super) fn take_events(&self, core: &PoolCore, limit: Option<u32>) -> Float64Array {
        let mut flat = Vec::new();
        let read = core.read_events(self.events.get(), limit.map_or(u64::MAX, u64::from), &mut flat);
        self.events.set(read.cursor);
        self.missed.set(self.missed.get() + read.missed);
        Float64Array::from(&flat[..])
    }

    /// Events skipped so far: the trace wrote them again first.
    pub(super) fn missed(&self) -> u64 {
        self.missed.get()
    }

    /// The labels queued since the last call, `[[job, label], ...]`.
    pub(super) fn take_labels(&self, core: &PoolCore) -> Array {
        // One string and two arrays cross to JS, which splits them: a call
        // per label cost 68 ms for a 6,144-tile render, a long task.
        let (mut text, mut jobs, mut ends) = (String::new(), Vec::new(), Vec::new());
        let cursor = core.labels_after(self.labels.get(), |job, label| {
            text.push_str(label);
            jobs.push(job as f64);
            // JS strings count UTF-16 units
            ends.push(label.encode_utf16().count() as u32 + ends.last().copied().unwrap_or(0));
        });
        self.labels.set(cursor);
        unpack_labels(&jobs, &text, &ends)
    }
}

/// A reader of one pool's events and labels with its own cursor
/// (`pool.reader()`): it starts at the oldest event the trace keeps and
/// gets every event from there, whoever else reads. It holds the pool
/// weakly: it never keeps a freed pool's memory, and reads nothing once
/// that memory is gone (after the pool's workers left).
///
/// ```js
/// const exporter = pool.reader();       // the views keep their own
/// pool.submit('noop', 10, 0);
/// await pool.done();
/// exporter.takeEvents().length / Pool.eventFields().length; // 10
/// ```
#[wasm_bindgen(js_name = PoolscopeEventReader)]
pub struct EventReader {
    core: Weak<PoolCore>,
    cursors: Cursors,
}

impl EventReader {
    pub(super) fn new(core: &Arc<PoolCore>) -> EventReader {
        EventReader {
            core: Arc::downgrade(core),
            cursors: Cursors::at_oldest(core),
        }
    }
}

#[wasm_bindgen(js_class = PoolscopeEventReader)]
impl EventReader {
    /// The events since this reader's last call (at most `limit`), as
    /// `pool.takeEvents` gives them; empty once the freed pool's memory is gone.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&self, limit: Option<u32>) -> Float64Array {
        match self.core.upgrade() {
            Some(core) => self.cursors.take_events(&core, limit),
            None => Float64Array::new_with_length(0),
        }
    }

    /// Events this reader skipped because the trace had written them again
    /// before it came to them: 0 for a reader that keeps up.
    #[wasm_bindgen(getter = missedEvents)]
    pub fn missed_events(&self) -> f64 {
        self.cursors.missed() as f64
    }

    /// The labels given to jobs since this reader's last call, `[[job, label], ...]`.
    #[wasm_bindgen(js_name = takeLabels)]
    pub fn take_labels(&self) -> Array {
        match self.core.upgrade() {
            Some(core) => self.cursors.take_labels(&core),
            None => Array::new(),
        }
    }
}
