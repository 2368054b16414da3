//! How a batch's items are cut into jobs (`Chunking`): one job per item,
//! a fixed number of items per job, or (the default) chunks sized from the
//! items' measured cost, so that a cheap closure is not all dispatch and an
//! expensive one still balances across the workers.
//!
//! A plan is made when the batch is queued, so every job has its item range
//! (and its label, `items 4096-8191`) before any worker sees it. `Auto`:
//!
//! - chunks are at most a `4 * workers`-th of the items still unplanned
//!   (guided scheduling): large at first, smaller toward the end, so the last
//!   jobs finish close together even if the pool is resized meanwhile;
//! - the first time a pool runs a given closure its cost is unknown: chunks
//!   start at one item and double, so the first results come at once;
//! - once the pool has measured that closure (by its type, from its latest
//!   batch not run a job per item), a chunk holds about `TARGET_CHUNK_NS` of
//!   work: an item that costs more than that is a job of its own, a cheap one
//!   shares its job with thousands. Every closure has a type of its own, but
//!   a function pointer's type (`fn(u32) -> u32`) is shared by every
//!   function of that signature: pass `|n| f(n)` to keep their costs apart.

use super::sync::SpinLock;
use std::any::TypeId;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::ops::Range;

/// How a batch's items are cut into jobs, for `Pool::map_chunked` and
/// `Pool::map_labeled_chunked` (`map`, `map_labeled`, `reduce` and
/// `for_each` use `Auto`).
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))] {
/// use poolscope::Chunking;
/// let pool = poolscope::Pool::new(2).unwrap();
/// let squares = pool.map_chunked(0..10u64, Chunking::PerItem, |n| n * n).unwrap();
/// assert_eq!(squares.job_count(), 10, "a job per item");
/// let squares = pool.map_chunked(0..10u64, Chunking::fixed(4), |n| n * n).unwrap();
/// assert_eq!(squares.job_count(), 3, "items 0-3, 4-7, 8-9");
/// assert_eq!(squares.join_values(), Ok((0..10).map(|n| n * n).collect()));
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Chunking {
    /// Chunks sized at run time from the closure's measured cost (see the
    /// module's comment); the default.
    #[default]
    Auto,
    /// This many items per job (the last job may have fewer).
    Fixed(NonZeroUsize),
    /// One job per item: the playground's one-job-per-item pictures.
    PerItem,
}

impl Chunking {
    /// `Fixed(size)`, or `PerItem` for a size of 0 or 1.
    pub fn fixed(size: usize) -> Chunking {
        match NonZeroUsize::new(size) {
            Some(size) if size.get() > 1 => Chunking::Fixed(size),
            _ => Chunking::PerItem,
        }
    }
}

/// About how long one chunk of `Auto` should run, in nanoseconds: long
/// enough that its dispatch (a microsecond or two) is lost in it, short
/// enough that cancelling, a resize or the views see it move.
pub const TARGET_CHUNK_NS: f64 = 100_000.0;

/// `Auto`: a chunk is at most a `CHUNKS_PER_WORKER * workers`-th of what is left.
const CHUNKS_PER_WORKER: usize = 4;

/// Closures whose cost a pool remembers at most: past it, it forgets them all.
const MOST_CLOSURES_REMEMBERED: usize = 256;

/// What a pool measured an item of each closure (by its type) to cost,
/// in nanoseconds, from that closure's latest batch. A spin lock: a
/// page's main thread reads it when it queues a batch.
#[derive(Default)]
pub(crate) struct ItemCosts {
    by_closure: SpinLock<HashMap<TypeId, f64>>,
}

impl ItemCosts {
    pub(crate) fn get(&self, closure: TypeId) -> Option<f64> {
        self.by_closure.with(|costs| costs.get(&closure).copied())
    }

    pub(crate) fn record(&self, closure: TypeId, item_ns: f64) {
        self.by_closure.with(|costs| {
            if costs.len() >= MOST_CLOSURES_REMEMBERED && !costs.contains_key(&closure) {
                costs.clear();
            }
            costs.insert(closure, item_ns);
        });
    }
}

/// Where each job's items are: job `k` has items `range(k)`.
#[derive(Clone, Debug)]
pub(crate) enum Plan {
    /// `len` items, `size` per job (1: a job per item).
    Even { len: usize, size: usize },
    /// Job `k` has items `starts[k]..starts[k + 1]`.
    Starts(Box<[usize]>),
}

impl Plan {
    /// The plan for `len` items: `workers` is the pool's size now, and
    /// `item_ns` what the pool measured an item of this closure to cost.
    pub(crate) fn new(len: usize, chunking: Chunking, workers: usize, item_ns: Option<f64>) -> Plan {
        match chunking {
            Chunking::PerItem => Plan::Even { len, size: 1 },
            Chunking::Fixed(size) => Plan::Even { len, size: size.get() },
            Chunking::Auto => Plan::auto(len, workers.max(1), item_ns),
        }
    }

    fn auto(len: usize, workers: usize, item_ns: Option<f64>) -> Plan {
        // An item worth a chunk's time on its own, or unknown: start at one item.
        let by_cost = item_ns.map_or(usize::MAX, |ns| (TARGET_CHUNK_NS / ns.max(0.001)).max(1.0) as usize);
        if by_cost == 1 {
            return Plan::Even { len, size: 1 };
        }
        // Known cheap items: no tail of one-item jobs, whose dispatch would outweigh them.
        let least = if item_ns.is_some() { (by_cost / 8).max(1) } else { 1 };
        let mut ramp = if item_ns.is_some() { by_cost } else { 1 };
        let mut starts = vec![0];
        let mut start = 0;
        while start < len {
            let left = len - start;
            let guided = left.div_ceil(CHUNKS_PER_WORKER * workers);
            let size = ramp.min(guided).min(by_cost).max(least).min(left);
            start += size;
            starts.push(start);
            ramp = ramp.saturating_mul(2);
        }
        Plan::Starts(starts.into())
    }

    /// How many jobs.
    pub(crate) fn jobs(&self) -> usize {
        match self {
            Plan::Even { len, size } => len.div_ceil(*size),
            Plan::Starts(starts) => starts.len() - 1,
        }
    }

    /// How many items.
    pub(crate) fn items(&self) -> usize {
        match self {
            Plan::Even { len, .. } => *len,
            Plan::Starts(starts) => starts[starts.len() - 1],
        }
    }

    /// Job `k`'s items.
    pub(crate) fn range(&self, k: usize) -> Range<usize> {
        match self {
            Plan::Even { len, size } => k * size..((k + 1) * size).min(*len),
            Plan::Starts(starts) => starts[k]..starts[k + 1],
        }
    }

    /// The job of item `item`.
    pub(crate) fn job_of(&self, item: usize) -> usize {
        match self {
            Plan::Even { size, .. } => item / size,
            Plan::Starts(starts) => starts.partition_point(|&start| start <= item) - 1,
        }
    }

    /// Whether each job has one item.
    pub(crate) fn per_item(&self) -> bool {
        self.jobs() == self.items()
    }

    /// Job `k`'s label: `items 4096-8191`, or `item 7` for one.
    pub(crate) fn label(&self, k: usize) -> String {
        let Range { start, end } = self.range(k);
        match end - start {
            1 => format!("item {start}"),
            _ => format!("items {start}-{}", end - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(plan: &Plan) -> Vec<Range<usize>> {
        (0..plan.jobs()).map(|k| plan.range(k)).collect()
    }

    /// Every item in exactly one job, in order, and `job_of` agrees.
    fn assert_covers(plan: &Plan, len: usize) {
        let mut next = 0;
        for (k, range) in ranges(plan).into_iter().enumerate() {
            assert_eq!(range.start, next, "job {k} starts where {} ended", k.saturating_sub(1));
            assert!(range.end > range.start, "job {k} is not empty");
            assert_eq!(plan.job_of(range.start), k);
            assert_eq!(plan.job_of(range.end - 1), k);
            next = range.end;
        }
        assert_eq!((next, plan.items()), (len, len));
    }

    #[test]
    fn every_plan_covers_each_item_once() {
        for len in [0, 1, 2, 7, 64, 1000, 123_457] {
            for workers in [1, 2, 3, 8] {
                for item_ns in [None, Some(1.0), Some(20_000.0), Some(1e9)] {
                    for chunking in [
                        Chunking::Auto,
                        Chunking::PerItem,
                        Chunking::fixed(3),
                        Chunking::fixed(10_000),
                    ] {
                        assert_covers(&Plan::new(len, chunking, workers, item_ns), len);
                    }
                }
            }
        }
    }

    #[test]
    fn unknown_cost_starts_with_single_items_and_grows_then_shrinks() {
        let plan = Plan::new(1_000_000, Chunking::Auto, 2, None);
        let sizes: Vec<usize> = ranges(&plan).iter().map(ExactSizeIterator::len).collect();
        assert_eq!(&sizes[..4], [1, 2, 4, 8]);
        let largest = *sizes.iter().max().unwrap();
        assert!(
            largest <= 1_000_000 / 8,
            "at most an eighth of the batch at 2 workers: {largest}"
        );
        assert_eq!(*sizes.last().unwrap(), 1, "the last jobs balance");
        assert!(
            plan.jobs() < 200,
            "a cheap closure is not all dispatch: {} jobs",
            plan.jobs()
        );
    }

    #[test]
    fn measured_cost_sizes_chunks_to_the_target() {
        let cheap = Plan::new(1_000_000, Chunking::Auto, 2, Some(2.0));
        assert!(ranges(&cheap).iter().all(|r| r.len() <= 50_000), "100 µs of 2 ns items");
        assert!(
            ranges(&cheap).iter().all(|r| r.len() >= 6_250 || r.end == 1_000_000),
            "no tiny tail"
        );
        let dear = Plan::new(100, Chunking::Auto, 2, Some(200_000.0));
        assert!(
            dear.per_item(),
            "an item dearer than a chunk's target is a job of its own"
        );
        let twenty_us = Plan::new(200_000, Chunking::Auto, 2, Some(20_000.0));
        assert!(ranges(&twenty_us).iter().all(|r| r.len() <= 5));
    }

    #[test]
    fn labels_name_the_items() {
        let plan = Plan::new(10, Chunking::fixed(4), 1, None);
        assert_eq!(
            (plan.label(0), plan.label(2)),
            ("items 0-3".to_string(), "items 8-9".to_string())
        );
        assert_eq!(Plan::new(3, Chunking::PerItem, 1, None).label(2), "item 2");
    }
}
