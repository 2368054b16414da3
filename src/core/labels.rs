//! The labels of closure jobs (`spawn_labeled`, `map_labeled`), kept past
//! their jobs: a job's group is let go once the job is recorded, but its
//! label is read on with the trace, so as many are kept as the trace keeps
//! events.

use super::sync::SpinLock;
use std::collections::{HashMap, VecDeque};

/// The latest labelled jobs' labels. A spin lock: the driver reads and
/// writes them, and a browser's main thread must never block.
pub(super) struct JobLabels {
    kept: SpinLock<Kept>,
}

#[derive(Default)]
struct Kept {
    by_job: HashMap<u64, Box<str>>,
    order: VecDeque<u64>,
}

impl JobLabels {
    pub(super) fn new() -> JobLabels {
        JobLabels {
            kept: SpinLock::new(Kept::default()),
        }
    }

    /// Job `job`'s label, if it had one and it is still kept.
    pub(super) fn get(&self, job: u64) -> Option<String> {
        self.kept
            .with(|kept| kept.by_job.get(&job).map(|label| label.to_string()))
    }

    /// Calls `each(job, label)` for the labels kept for jobs after `job`,
    /// in job order; returns the last such job (a cursor for the next call).
    /// `each` runs under the lock: it should only copy.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the web's `takeLabels`
    pub(super) fn after(&self, job: u64, mut each: impl FnMut(u64, &str)) -> u64 {
        self.kept.with(|kept| {
            let start = kept.order.partition_point(|&queued| queued <= job);
            let mut cursor = job;
            for &queued in kept.order.range(start..) {
                each(queued, &kept.by_job[&queued]);
                cursor = queued;
            }
            cursor
        })
    }

    /// Keeps the labels of jobs `first..`, then forgets the oldest beyond `limit`.
    pub(super) fn keep(&self, first: u64, new: Vec<Box<str>>, limit: usize) {
        self.kept.with(|kept| {
            for (job, label) in (first..).zip(new) {
                kept.by_job.insert(job, label);
                kept.order.push_back(job);
            }
            while kept.order.len() > limit {
                let oldest = kept.order.pop_front().expect("not empty");
                kept.by_job.remove(&oldest);
            }
        });
    }
}
