//! Closure jobs on `PoolCore`: `spawn` and `map` make a `Group` of them
//! (`core/task.rs`) and queue it like any batch; the platforms' pools call
//! these through `closure_api!`.

use super::PoolCore;
use crate::core::error::PoolError;
use crate::core::handle::{Batch, JobHandle};
use crate::core::options::MAX_JOBS;
use crate::core::placement::Placement;
use crate::core::task::{check_label, Group};

impl PoolCore {
    /// Queues closure `f`, labelled or not; see `Pool::spawn`.
    pub(crate) fn spawn<T, F>(&self, label: Option<&str>, f: F) -> Result<JobHandle<T>, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let labels = label.map(check_label).transpose()?.into_iter().collect();
        let (group, results) = Group::new(vec![f], |f: F| f(), false);
        self.submit_group(group, labels, Placement::Shared)?;
        Ok(JobHandle::new(results))
    }

    /// Queues `f(item)` for each item, all or none, each labelled
    /// `label(&item)` if given, where `placement` says; see `Pool::map`, `Pool::map_labeled` and
    /// `Pool::map_partitioned`.
    pub(crate) fn map<I, T, F>(
        &self,
        items: impl IntoIterator<Item = I>,
        label: Option<&dyn Fn(&I) -> String>,
        placement: Placement,
        f: F,
    ) -> Result<Batch<T>, PoolError>
    where
        I: Send + 'static,
        F: Fn(I) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let items: Vec<I> = items.into_iter().collect();
        if items.len() as u64 > MAX_JOBS {
            return Err(PoolError::QueueFull {
                requested: items.len() as u64,
                room: self.room(),
            });
        }
        let labels = match label {
            Some(label) => items
                .iter()
                .map(|item| check_label(&label(item)))
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let (group, results) = Group::new(items, f, true);
        self.submit_group(group, labels, placement)?;
        Ok(Batch::new(results))
    }
}
