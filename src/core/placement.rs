//! `Placement`: where a batch's jobs go, the one thing that tells the
//! article's strategies apart inside the core. Every way of submitting
//! (built-in jobs, closures, the fallback's calls) takes one and goes
//! through the same pipeline (`PoolCore::queue_batch`).

/// Where the jobs of a batch go when they are queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// The shared queue: whichever worker is free takes the next job
    /// (the pool's own strategy, and a worker per job with the
    /// `jobs_per_worker` option).
    Shared,
    /// The article's manual partitioning: contiguous slices of
    /// `ceil(len / workers)` jobs, slice `k` for worker `k`, fixed before
    /// any job runs. Refused while the shared queue or an earlier slice
    /// has jobs left (`PartitionBusy`); resizing is refused until every
    /// slice is taken (`PartitionFixed`).
    Partitioned,
}

impl Placement {
    /// `Partitioned` if `partitioned`, else `Shared`: for callers that
    /// receive the choice as a flag (a JS boolean).
    #[cfg_attr(not(all(target_arch = "wasm32", not(feature = "threads"))), allow(dead_code))] // `submitCalls`
    pub fn partitioned_if(partitioned: bool) -> Placement {
        if partitioned {
            Placement::Partitioned
        } else {
            Placement::Shared
        }
    }
}
