//! The closure API (`spawn`, `spawn_labeled`, `map`, `map_labeled`,
//! `map_chunked`, `map_labeled_chunked`, `map_partitioned`, `reduce`,
//! `for_each`), written once for both platforms' `Pool`. A macro
//! rather than a trait, so that the methods are the pool's own: a user
//! calls `pool.spawn(..)` with nothing to import, on either target.

/// Adds the closure API to `$pool`, which must have
/// `fn closure_core(&self) -> &PoolCore`: the core to queue closures on.
// The message-passing build has no closures (a closure cannot travel to a
// worker with a memory of its own).
#[cfg_attr(all(target_arch = "wasm32", not(feature = "threads")), allow(unused_macros))]
macro_rules! closure_api {
    ($pool:ty) => {
        impl $pool {
            /// Runs closure `f` on the pool; its handle gives `f`'s value,
            /// or a `JobError` (panicked with its message, timed out,
            /// cancelled, pool stopped). Fails with `PoolStopped` on a
            /// closed pool and `QueueFull` on a full bounded queue, queuing
            /// nothing. Natively a handle is joined (or awaited); on the
            /// web it is awaited (a page's main thread must not block), and
            /// a panicking closure traps its thread: its message reaches
            /// the handle, but what it owned is never dropped (leaked).
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] { // on the web: `pool.spawn(..)?.await`
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let greeting = pool.spawn(|| format!("hello from {:?}", std::thread::current().id())).unwrap();
            /// assert!(greeting.join().unwrap().starts_with("hello from"));
            /// # }
            /// ```
            pub fn spawn<T, F>(&self, f: F) -> Result<$crate::JobHandle<T>, $crate::PoolError>
            where
                F: FnOnce() -> T + Send + 'static,
                T: Send + 'static,
            {
                self.closure_core().spawn(None, f)
            }

            /// `spawn` with a label (at most `MAX_LABEL_BYTES`, else
            /// `LabelTooLong`), which the events' readers can show
            /// (`label`, `labelOf` from JS): "Job 7 (tile 3,4) is done by
            /// worker 2".
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] {
            /// let pool = poolscope::Pool::new(1).unwrap();
            /// let tile = pool.spawn_labeled("tile 3,4", || 34).unwrap();
            /// assert_eq!(pool.label(tile.job()).as_deref(), Some("tile 3,4"));
            /// # }
            /// ```
            pub fn spawn_labeled<T, F>(&self, label: &str, f: F) -> Result<$crate::JobHandle<T>, $crate::PoolError>
            where
                F: FnOnce() -> T + Send + 'static,
                T: Send + 'static,
            {
                self.closure_core().spawn(Some(label), f)
            }

            /// Runs `f(item)` for every item, queued all or none, in jobs
            /// of as many items as their measured cost makes worth it
            /// (`Chunking::Auto`: a cheap closure runs thousands of items
            /// per job, each job labelled `items 4096-8191`; a dear one a
            /// job per item). The batch gives the results in input order
            /// (`join_all`, `in_order().await`, or the values alone:
            /// `join_values`, `values().await`) or as they finish
            /// (`join_next`, `next_finished().await`). A map over no items
            /// is an empty batch. `map` collects its items into a `Vec`
            /// first (a `Vec` passed in is taken as it is); values laid
            /// out as the items, with nothing to drop (`u64` to `u64` or
            /// `f64`), are written over them, so the batch allocates no
            /// memory for them. Over an integer range, `map_range`
            /// computes the items instead (for a cheap closure, a third or
            /// more of `map`'s time is collecting them).
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] {
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let lengths = pool.map(["a", "bb", "ccc"], |s| s.len()).unwrap();
            /// let lengths: Vec<usize> = lengths.join_all().unwrap().into_iter().map(Result::unwrap).collect();
            /// assert_eq!(lengths, [1, 2, 3]);
            /// # }
            /// ```
            pub fn map<I, T, F>(
                &self,
                items: impl IntoIterator<Item = I>,
                f: F,
            ) -> Result<$crate::Batch<T>, $crate::PoolError>
            where
                I: Send + 'static,
                F: Fn(I) -> T + Send + Sync + 'static,
                T: Send + 'static,
            {
                self.map_chunked(items, $crate::Chunking::Auto, f)
            }

            /// `map` with its items cut into jobs as `chunking` says:
            /// `Chunking::PerItem` for a job per item (the one-job-per-item
            /// pictures), `Chunking::fixed(n)` for `n` items per job, or
            /// `Auto`. Jobs of several items are labelled by their ranges
            /// (`Job 12 (items 4096-8191) is done by worker 2`).
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] {
            /// use poolscope::Chunking;
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let squares = pool.map_chunked(0..100u32, Chunking::fixed(25), |n| n * n).unwrap();
            /// assert_eq!(pool.label(squares.job_of(30)).as_deref(), Some("items 25-49"));
            /// assert_eq!(squares.join_values().unwrap()[30], 900);
            /// # }
            /// ```
            pub fn map_chunked<I, T, F>(
                &self,
                items: impl IntoIterator<Item = I>,
                chunking: $crate::Chunking,
                f: F,
            ) -> Result<$crate::Batch<T>, $crate::PoolError>
            where
                I: Send + 'static,
                F: Fn(I) -> T + Send + Sync + 'static,
                T: Send + 'static,
            {
                self.closure_core().map(
                    items,
                    $crate::core::pool::Labels::Ranges,
                    (chunking, $crate::core::placement::Placement::Shared),
                    f,
                )
            }

            /// `map` over the integers of `range`, each computed from its
            /// index when its chunk runs instead of collected first: the
            /// items take no memory (their results still have a slot
            /// each), and a cheap closure's chunk is a plain loop
            /// (`Chunking::Auto`). Any primitive integer type up to 64
            /// bits (`RangeItem`); an empty or reversed range is an empty
            /// batch, one of more than `MAX_JOBS` integers is refused
            /// (`QueueFull`). Items are numbered from the range's start,
            /// as in `map`: job labels (`items 4096-8191`) and a panic's
            /// `at item 1000` count offsets, not the integers.
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] {
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let squares = pool.map_range(0..1_000_000u64, |n| n * n).unwrap();
            /// let squares = squares.join_values().unwrap();
            /// assert_eq!((squares.len(), squares[999]), (1_000_000, 998_001));
            /// # }
            /// ```
            pub fn map_range<N, T, F>(
                &self,
                range: std::ops::Range<N>,
                f: F,
            ) -> Result<$crate::Batch<T>, $crate::PoolError>
            where
                N: $crate::RangeItem,
                F: Fn(N) -> T + Send + Sync + 'static,
                T: Send + 'static,
            {
                self.closure_core().map_range(range, $crate::Chunking::Auto, f)
            }

            /// `map` with its jobs labelled from `label(&item)`: a job of
            /// one item has its label, a chunk its first and last items'
            /// (`row 0 … row 15`, or `items 0-15` if that is over
            /// `MAX_LABEL_BYTES`). A label it takes over `MAX_LABEL_BYTES` is
            /// refused (`LabelTooLong`) and nothing is queued. `map_labeled_chunked`
            /// with `Chunking::PerItem` labels every item's own job.
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] {
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let rows = pool.map_labeled(0..4u32, |r| format!("row {r}"), |r| r * r).unwrap();
            /// let label = pool.label(rows.job_of(3)).unwrap();
            /// assert!(label == "row 3" || label.ends_with("… row 3"));
            /// # }
            /// ```
            pub fn map_labeled<I, T, F>(
                &self,
                items: impl IntoIterator<Item = I>,
                label: impl Fn(&I) -> String,
                f: F,
            ) -> Result<$crate::Batch<T>, $crate::PoolError>
            where
                I: Send + 'static,
                F: Fn(I) -> T + Send + Sync + 'static,
                T: Send + 'static,
            {
                self.map_labeled_chunked(items, $crate::Chunking::Auto, label, f)
            }

            /// `map_labeled` with its items cut into jobs as `chunking` says.
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] {
            /// use poolscope::Chunking;
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let tiles = pool.map_labeled_chunked(0..4u32, Chunking::PerItem, |t| format!("tile {t}"), |t| t * t).unwrap();
            /// assert_eq!(pool.label(tiles.jobs()[3]).as_deref(), Some("tile 3"));
            /// # }
            /// ```
            pub fn map_labeled_chunked<I, T, F>(
                &self,
                items: impl IntoIterator<Item = I>,
                chunking: $crate::Chunking,
                label: impl Fn(&I) -> String,
                f: F,
            ) -> Result<$crate::Batch<T>, $crate::PoolError>
            where
                I: Send + 'static,
                F: Fn(I) -> T + Send + Sync + 'static,
                T: Send + 'static,
            {
                self.closure_core().map(
                    items,
                    $crate::core::pool::Labels::Items(&label),
                    (chunking, $crate::core::placement::Placement::Shared),
                    f,
                )
            }

            /// `map_labeled` in the article's manual partitioning: the jobs
            /// are split into contiguous slices of `ceil(len / workers)`,
            /// slice `k` for worker `k`, fixed before any runs (a worker
            /// that finishes early idles). The pool must be idle
            /// (`PartitionBusy` otherwise), and resizing is refused
            /// (`PartitionFixed`) until every slice is taken.
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] {
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let slices = pool.map_partitioned(0..4u32, |t| format!("tile {t}"), |t| t * t).unwrap();
            /// let squares: Vec<u32> = slices.join_all().unwrap().into_iter().map(Result::unwrap).collect();
            /// assert_eq!(squares, [0, 1, 4, 9]);
            /// # }
            /// ```
            pub fn map_partitioned<I, T, F>(
                &self,
                items: impl IntoIterator<Item = I>,
                label: impl Fn(&I) -> String,
                f: F,
            ) -> Result<$crate::Batch<T>, $crate::PoolError>
            where
                I: Send + 'static,
                F: Fn(I) -> T + Send + Sync + 'static,
                T: Send + 'static,
            {
                self.closure_core().map(
                    items,
                    $crate::core::pool::Labels::Items(&label),
                    (
                        $crate::Chunking::PerItem,
                        $crate::core::placement::Placement::Partitioned,
                    ),
                    f,
                )
            }

            /// `op` over `f(item)` for every item, from `identity()` (the
            /// Go article's results channel, summed): each job folds its
            /// chunk of items (`Chunking::Auto`, labelled by item ranges)
            /// and the caller folds the jobs' values in input order, so
            /// `op` must be associative and `identity()` neutral for it.
            /// The `Reduction` gives the value, or the first failed job's
            /// error.
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] { // on the web: `pool.reduce(..)?.await`
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let sum = pool.reduce(0..1_000_000u64, |n| n % 7, || 0, |a, b| a + b).unwrap();
            /// assert_eq!(sum.join(), Ok((0..1_000_000u64).map(|n| n % 7).sum()));
            /// # }
            /// ```
            pub fn reduce<I, T, F, Id, Op>(
                &self,
                items: impl IntoIterator<Item = I>,
                f: F,
                identity: Id,
                op: Op,
            ) -> Result<$crate::Reduction<T>, $crate::PoolError>
            where
                I: Send + 'static,
                T: Send + 'static,
                F: Fn(I) -> T + Send + Sync + 'static,
                Id: Fn() -> T + Send + Sync + 'static,
                Op: Fn(T, T) -> T + Send + Sync + 'static,
            {
                self.closure_core()
                    .reduce(items, $crate::Chunking::Auto, (f, identity, op))
            }

            /// `reduce` over the integers of `range`, each computed from its
            /// index as its chunk runs instead of collected first (as
            /// `map_range` is to `map`).
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] { // on the web: `pool.reduce_range(..)?.await`
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let sum = pool.reduce_range(0..1_000_000u64, |n| n * n, || 0, |a, b| a + b).unwrap();
            /// assert_eq!(sum.join(), Ok((0..1_000_000u64).map(|n| n * n).sum()));
            /// # }
            /// ```
            pub fn reduce_range<N, T, F, Id, Op>(
                &self,
                range: std::ops::Range<N>,
                f: F,
                identity: Id,
                op: Op,
            ) -> Result<$crate::Reduction<T>, $crate::PoolError>
            where
                N: $crate::RangeItem,
                T: Send + 'static,
                F: Fn(N) -> T + Send + Sync + 'static,
                Id: Fn() -> T + Send + Sync + 'static,
                Op: Fn(T, T) -> T + Send + Sync + 'static,
            {
                self.closure_core()
                    .reduce_range(range, $crate::Chunking::Auto, (f, identity, op))
            }

            /// Runs `f(item)` for every item, in jobs as for `map`, keeping
            /// no values: the `Reduction` says when all are done, or the
            /// first failed job's error.
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] {
            /// use std::sync::atomic::{AtomicU64, Ordering};
            /// use std::sync::Arc;
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let total = Arc::new(AtomicU64::new(0));
            /// let adder = Arc::clone(&total);
            /// let done = pool.for_each(1..=100u64, move |n| { adder.fetch_add(n, Ordering::Relaxed); }).unwrap();
            /// assert_eq!(done.join(), Ok(()));
            /// assert_eq!(total.load(Ordering::Relaxed), 5050);
            /// # }
            /// ```
            pub fn for_each<I, F>(
                &self,
                items: impl IntoIterator<Item = I>,
                f: F,
            ) -> Result<$crate::Reduction<()>, $crate::PoolError>
            where
                I: Send + 'static,
                F: Fn(I) + Send + Sync + 'static,
            {
                self.closure_core()
                    .reduce(items, $crate::Chunking::Auto, (f, || (), |(), ()| ()))
            }
        }
    };
}
