//! The closure API (`spawn`, `spawn_labeled`, `map`, `map_labeled`,
//! `map_partitioned`), written once for both platforms' `Pool`. A macro
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

            /// Runs `f(item)` for every item, one job each, queued all or
            /// none. The batch gives the results in input order
            /// (`join_all`, `in_order().await`) or as jobs finish
            /// (`join_next`, `next_finished().await`). A map over no items
            /// is an empty batch.
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
                self.closure_core()
                    .map(items, None, $crate::core::placement::Placement::Shared, f)
            }

            /// `map` with a label for each job, `label(&item)` (each at most
            /// `MAX_LABEL_BYTES`, else `LabelTooLong` and nothing is queued).
            ///
            /// ```
            /// # #[cfg(not(target_arch = "wasm32"))] {
            /// let pool = poolscope::Pool::new(2).unwrap();
            /// let tiles = pool.map_labeled(0..4u32, |t| format!("tile {t}"), |t| t * t).unwrap();
            /// assert_eq!(pool.label(tiles.jobs()[3]).as_deref(), Some("tile 3"));
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
                self.closure_core()
                    .map(items, Some(&label), $crate::core::placement::Placement::Shared, f)
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
                    Some(&label),
                    $crate::core::placement::Placement::Partitioned,
                    f,
                )
            }
        }
    };
}
