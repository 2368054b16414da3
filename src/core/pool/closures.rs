//! Closure jobs on `PoolCore`: `spawn`, `map` and `reduce` make a `Group`
//! of them (`core/task.rs`), its items cut into jobs by a `Plan`
//! (`core/chunks.rs`), and queue it like any batch; the platforms' pools
//! call these through `closure_api!`.

use super::PoolCore;
use crate::core::chunks::{Chunking, Plan};
use crate::core::error::PoolError;
use crate::core::handle::{Batch, JobHandle, Reduction};
use crate::core::items::{range_len, Indices, Items, RangeItem, Source};
use crate::core::options::MAX_JOBS;
use crate::core::placement::Placement;
use crate::core::task::{check_label, CostKey, Group, MAX_LABEL_BYTES};
use std::any::TypeId;
use std::sync::Arc;

/// How a `map`'s jobs are labelled: by their item ranges (`items 0-99`;
/// none for a job per item), or from the caller's label of each item.
pub(crate) enum Labels<'a, I> {
    Ranges,
    Items(&'a dyn Fn(&I) -> String),
}

impl PoolCore {
    /// Queues closure `f`, labelled or not; see `Pool::spawn`.
    pub(crate) fn spawn<T, F>(&self, label: Option<&str>, f: F) -> Result<JobHandle<T>, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let labels = label.map(check_label).transpose()?.into_iter().collect();
        let one = Plan::Even { len: 1, size: 1 };
        let (group, results) = Group::map(Items::new(vec![f], one), |f: F| f(), false, None);
        self.submit_group(group, labels, Placement::Shared)?;
        Ok(JobHandle::new(results))
    }

    /// Queues `f(item)` for each item, all or none, in jobs as `chunking`
    /// says, labelled as `labels` says, where `placement` says; see
    /// `Pool::map`, `Pool::map_labeled`, `Pool::map_chunked` and `Pool::map_partitioned`.
    pub(crate) fn map<I, T, F>(
        &self,
        items: impl IntoIterator<Item = I>,
        labels: Labels<'_, I>,
        (chunking, placement): (Chunking, Placement),
        f: F,
    ) -> Result<Batch<T>, PoolError>
    where
        I: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let items = self.collect_items(items)?;
        // The article's fixed slices are slices of single items.
        let chunking = if placement == Placement::Partitioned {
            Chunking::PerItem
        } else {
            chunking
        };
        let (plan, cost) = self.plan::<F>(items.len(), chunking);
        let labels = job_labels(&items, &plan, &labels)?;
        let (group, results) = Group::map(Items::new(items, plan), f, true, cost);
        self.submit_group(group, labels, placement)?;
        Ok(Batch::new(results))
    }

    /// Queues `op` over `f(item)` for every item, in jobs as `chunking`
    /// says (each labelled by its items); see `Pool::reduce` and `Pool::for_each`.
    pub(crate) fn reduce<I, T, F, Id, Op>(
        &self,
        items: impl IntoIterator<Item = I>,
        chunking: Chunking,
        fold: (F, Id, Op),
    ) -> Result<Reduction<T>, PoolError>
    where
        I: Send + 'static,
        T: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        Id: Fn() -> T + Send + Sync + 'static,
        Op: Fn(T, T) -> T + Send + Sync + 'static,
    {
        let items = self.collect_items(items)?;
        let (plan, cost) = self.plan::<F>(items.len(), chunking);
        self.reduce_source(Items::new(items, plan), cost, fold)
    }

    /// `reduce` over the integers of `range`, none stored; see `Pool::reduce_range`.
    pub(crate) fn reduce_range<N, T, F, Id, Op>(
        &self,
        range: std::ops::Range<N>,
        chunking: Chunking,
        fold: (F, Id, Op),
    ) -> Result<Reduction<T>, PoolError>
    where
        N: RangeItem,
        T: Send + 'static,
        F: Fn(N) -> T + Send + Sync + 'static,
        Id: Fn() -> T + Send + Sync + 'static,
        Op: Fn(T, T) -> T + Send + Sync + 'static,
    {
        let (items, cost) = self.indices::<N, F>(range, chunking)?;
        self.reduce_source(items, cost, fold)
    }

    fn reduce_source<S, T, F, Id, Op>(
        &self,
        items: S,
        cost: Option<CostKey>,
        (f, identity, op): (F, Id, Op),
    ) -> Result<Reduction<T>, PoolError>
    where
        S: Source + 'static,
        T: Send + 'static,
        F: Fn(S::Item) -> T + Send + Sync + 'static,
        Id: Fn() -> T + Send + Sync + 'static,
        Op: Fn(T, T) -> T + Send + Sync + 'static,
    {
        let labels = range_labels(items.plan());
        let (identity, op) = (Arc::new(identity), Arc::new(op));
        let (folding_identity, folding_op) = (Arc::clone(&identity), Arc::clone(&op));
        let (group, results) = Group::reduce(
            items,
            (f, move || folding_identity(), move |a, b| folding_op(a, b)),
            cost,
        );
        self.submit_group(group, labels, Placement::Shared)?;
        Ok(Reduction::new(results, identity, op))
    }

    /// Queues `f(n)` for each integer of `range`, none stored, in jobs as
    /// `chunking` says, labelled by their item ranges; see `Pool::map_range`.
    pub(crate) fn map_range<N, T, F>(
        &self,
        range: std::ops::Range<N>,
        chunking: Chunking,
        f: F,
    ) -> Result<Batch<T>, PoolError>
    where
        N: RangeItem,
        F: Fn(N) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let (items, cost) = self.indices::<N, F>(range, chunking)?;
        let labels = range_labels(items.plan());
        let (group, results) = Group::map(items, f, true, cost);
        self.submit_group(group, labels, Placement::Shared)?;
        Ok(Batch::new(results))
    }

    /// `range`'s integers cut into jobs for closure `F`, or `QueueFull`
    /// past `MAX_JOBS` of them (which also keeps the count within a `usize`).
    fn indices<N: RangeItem, F: 'static>(
        &self,
        range: std::ops::Range<N>,
        chunking: Chunking,
    ) -> Result<(Indices<N>, Option<CostKey>), PoolError> {
        let len = range_len(&range);
        self.check_len(len)?;
        let (plan, cost) = self.plan::<F>(len as usize, chunking);
        Ok((Indices::new(range, plan), cost))
    }

    /// The items as a `Vec` (a `Vec` passed in is kept as it is), or
    /// `QueueFull` past `MAX_JOBS` of them: refused before they are
    /// gathered when the iterator knows its length (`0..10^9` is not
    /// collected into 8 GB to be turned away), else once one more than
    /// `MAX_JOBS` were collected (`requested` then says that many).
    fn collect_items<I>(&self, items: impl IntoIterator<Item = I>) -> Result<Vec<I>, PoolError> {
        let items = items.into_iter();
        self.check_len(items.size_hint().0 as u64)?;
        let items: Vec<I> = items.take(MAX_JOBS as usize + 1).collect();
        self.check_len(items.len() as u64)?;
        Ok(items)
    }

    /// Refuses a batch of more than `MAX_JOBS` items (`QueueFull`).
    fn check_len(&self, len: u64) -> Result<(), PoolError> {
        match len > MAX_JOBS {
            true => Err(PoolError::QueueFull {
                requested: len,
                room: self.room(),
            }),
            false => Ok(()),
        }
    }

    /// The jobs for `len` items of closure `F`, and where its measured
    /// cost goes: nowhere when the caller asked for a job per item, whose
    /// time is as much dispatch as item for a cheap closure. With a job
    /// timeout, `Auto` runs an item per job: the timeout is each job's.
    fn plan<F: 'static>(&self, len: usize, chunking: Chunking) -> (Plan, Option<CostKey>) {
        let closure = TypeId::of::<F>();
        let measured = (chunking != Chunking::PerItem).then(|| (Arc::clone(&self.item_costs), closure));
        let chunking = match chunking {
            Chunking::Auto if self.options.job_timeout_ms.is_some() => Chunking::PerItem,
            chunking => chunking,
        };
        let workers = self.workers.target() as usize;
        (
            Plan::new(len, chunking, workers, self.item_costs.get(closure)),
            measured,
        )
    }
}

/// The jobs' labels by their item ranges (`items 4096-8191`); none for a
/// job per item.
fn range_labels(plan: &Plan) -> Vec<Box<str>> {
    match plan.per_item() {
        true => Vec::new(),
        false => (0..plan.jobs()).map(|k| plan.label(k).into()).collect(),
    }
}

/// The jobs' labels: their item ranges, or the caller's label of the
/// item (of the first and last items of a chunk: `row 0 … row 15`, or
/// `items 0-15` if that is too long). Refuses an item's label past
/// `MAX_LABEL_BYTES` (`LabelTooLong`), queuing nothing.
fn job_labels<I>(items: &[I], plan: &Plan, labels: &Labels<'_, I>) -> Result<Vec<Box<str>>, PoolError> {
    match labels {
        Labels::Ranges => Ok(range_labels(plan)),
        Labels::Items(label) => (0..plan.jobs())
            .map(|k| {
                let range = plan.range(k);
                let first = check_label(&label(&items[range.start]))?;
                if range.len() == 1 {
                    return Ok(first);
                }
                let last = check_label(&label(&items[range.end - 1]))?;
                let both = format!("{first} … {last}");
                Ok(match both.len() <= MAX_LABEL_BYTES {
                    true => both.into(),
                    false => plan.label(k).into(),
                })
            })
            .collect(),
    }
}
