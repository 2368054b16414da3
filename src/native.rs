//! `Pool` on std threads: the core as a native library, and the place where
//! stress tests run fast.

use crate::core::counts::Counters;
use crate::core::error::PoolError;
use crate::core::failure_log::Failure;
use crate::core::job::JobSpec;
use crate::core::options::PoolOptions;
use crate::core::placement::Placement;
use crate::core::pool::PoolCore;
use crate::core::worker_slots::WorkerStats;
use crate::core::workers::Loss;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A pool of std threads: the same core as on the web, for native apps and
/// for the stress tests. Dropping it is `drain`: the jobs queued still run,
/// then its threads end (call `stop` first to drop the jobs still waiting).
///
/// ```
/// let pool = poolscope::Pool::new(2).unwrap();
/// pool.submit(&[poolscope::JobSpec::new(poolscope::JobKind::Noop, 0.0); 10]).unwrap();
/// pool.wait_idle();
/// assert_eq!(pool.counters().completed, 10);
///
/// let last = pool.spawn(|| std::thread::sleep(std::time::Duration::from_millis(20))).unwrap();
/// drop(pool); // waits for the job queued, which runs to its end
/// assert_eq!(last.join(), Ok(()));
/// ```
pub struct Pool {
    core: Arc<PoolCore>,
    threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
    watchdog: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

fn spawn_worker(core: &Arc<PoolCore>, threads: &Mutex<Vec<JoinHandle<()>>>, id: u32) {
    let core = Arc::clone(core);
    let thread = std::thread::spawn(move || {
        core.run_worker(id, || ());
    });
    threads.lock().unwrap_or_else(|e| e.into_inner()).push(thread);
}

impl Pool {
    /// A pool of `size` workers, each a std thread.
    pub fn new(size: usize) -> Result<Pool, PoolError> {
        Pool::with_options(size, PoolOptions::default())
    }

    /// A pool with a bounded queue and/or a job timeout. A timed-out job is
    /// reported at once and a new thread takes its worker's place; the old
    /// thread stops the job at its next safe point and ends.
    pub fn with_options(size: usize, options: PoolOptions) -> Result<Pool, PoolError> {
        let core = Arc::new(PoolCore::new(options)?);
        let threads = Arc::new(Mutex::new(Vec::new()));
        let watchdog = options.job_timeout_ms.map(|timeout| {
            let stop = Arc::new(AtomicBool::new(false));
            let (core, threads, stopped) = (Arc::clone(&core), Arc::clone(&threads), Arc::clone(&stop));
            let period = Duration::from_secs_f64((timeout / 4.0).clamp(0.5, 10.0) / 1e3);
            let handle = std::thread::spawn(move || {
                while !stopped.load(Ordering::Acquire) {
                    for id in core.overdue_workers() {
                        if core.worker_lost(id, Loss::TimedOut) {
                            spawn_worker(&core, &threads, id);
                        }
                    }
                    std::thread::sleep(period);
                }
            });
            (stop, handle)
        });
        let pool = Pool {
            core,
            threads,
            watchdog,
        };
        pool.resize(size)?;
        Ok(pool)
    }

    /// Bytes the queue's slots and the trace hold: they grow with the jobs
    /// in flight at once (in whole segments of 4,096 slots) and up to the
    /// trace's capacity, never with the jobs run over the pool's life.
    ///
    /// ```
    /// let pool = poolscope::Pool::new(2).unwrap();
    /// let batch = 24 * 4096; // whole segments, so every batch needs as many
    /// pool.map(0..batch, |i| i).unwrap().join_all();
    /// let held = pool.storage_bytes();
    /// for _ in 0..9 {
    ///     pool.map(0..batch, |i| i).unwrap().join_all();
    /// }
    /// assert_eq!(pool.storage_bytes(), held);
    /// ```
    pub fn storage_bytes(&self) -> usize {
        self.core.storage_bytes()
    }

    /// The label a closure job was given, if any, while its event is among
    /// the trace's latest (`PoolOptions::trace_capacity`).
    pub fn label(&self, job: u64) -> Option<String> {
        self.core.label(job)
    }

    /// How many of the latest events the trace keeps
    /// (`PoolOptions::trace_capacity`, rounded up to a multiple of 4,096;
    /// `DEFAULT_TRACE_CAPACITY` by default).
    ///
    /// ```
    /// let pool = poolscope::Pool::new(1).unwrap();
    /// assert_eq!(pool.trace_capacity(), poolscope::DEFAULT_TRACE_CAPACITY);
    /// ```
    pub fn trace_capacity(&self) -> u64 {
        self.core.trace_capacity()
    }

    /// Queues the whole batch, or nothing with `QueueFull`; returns the first job's number.
    pub fn submit(&self, specs: &[JobSpec]) -> Result<u64, PoolError> {
        self.core.submit(specs.iter().copied(), Placement::Shared)
    }

    /// The article's manual partitioning: splits the batch into contiguous
    /// slices of `ceil(len / workers)` jobs, slice `k` for worker `k`, fixed
    /// before any job runs. The pool must be idle (`PartitionBusy`), and
    /// resizing is refused (`PartitionFixed`) until every slice is taken.
    pub fn submit_partitioned(&self, specs: &[JobSpec]) -> Result<u64, PoolError> {
        self.core.submit(specs.iter().copied(), Placement::Partitioned)
    }

    /// Queues the whole batch, waiting for room in a bounded queue as
    /// workers take jobs; returns the first job's number.
    pub fn submit_waiting(&self, specs: &[JobSpec]) -> Result<u64, PoolError> {
        let mut first = None;
        let mut rest = specs;
        while !rest.is_empty() {
            let epoch = self.core.room_epoch().load(Ordering::Acquire);
            let (start, queued) = self.core.submit_some(rest.iter().copied())?;
            first.get_or_insert(start);
            rest = &rest[queued as usize..];
            if queued == 0 {
                crate::sys::wait(self.core.room_epoch(), epoch, Some(50.0));
            }
        }
        Ok(first.unwrap_or_else(|| self.core.counters().submitted + 1))
    }

    /// Grows at once; shrinking lets retiring workers finish their job first.
    pub fn resize(&self, size: usize) -> Result<(), PoolError> {
        self.threads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|t| !t.is_finished());
        for id in self.core.resize(size)? {
            spawn_worker(&self.core, &self.threads, id);
        }
        Ok(())
    }

    /// Drops the jobs still waiting (reported `Cancelled`); returns how many.
    pub fn cancel(&self) -> u64 {
        self.core.cancel()
    }

    /// Cancels the waiting jobs and takes no more; running ones finish.
    pub fn stop(&self) -> u64 {
        self.core.stop()
    }

    /// Takes no more jobs and blocks until the queued ones finished:
    /// Go's `close(jobs); wg.Wait()`.
    pub fn drain(&self) {
        self.core.close();
        self.wait_idle();
    }

    /// Blocks until every job queued so far has finished.
    pub fn wait_idle(&self) {
        while !self.wait_idle_for(std::time::Duration::from_secs(3600)) {}
    }

    /// Blocks until every job queued so far has finished, or `timeout`
    /// passed; returns whether the pool is idle.
    ///
    /// ```
    /// use std::time::Duration;
    /// let pool = poolscope::Pool::new(1).unwrap();
    /// let _slow = pool.spawn(|| std::thread::sleep(Duration::from_millis(200))).unwrap();
    /// assert!(!pool.wait_idle_for(Duration::from_millis(10)));
    /// assert!(pool.wait_idle_for(Duration::from_secs(30)));
    /// ```
    pub fn wait_idle_for(&self, timeout: std::time::Duration) -> bool {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let epoch = self.core.idle_epoch().load(Ordering::Acquire);
            if self.core.is_idle() {
                return true;
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            crate::sys::wait(self.core.idle_epoch(), epoch, Some(left.as_secs_f64().min(0.05) * 1e3));
        }
    }

    /// The counters now (see `Counters`).
    pub fn counters(&self) -> Counters {
        self.core.counters()
    }

    /// How long jobs waited and ran (p50, p90, p99, max), throughput and
    /// utilisation, per pool and per worker, over the events the trace
    /// keeps; computed now, from the trace, at no cost to the workers.
    ///
    /// ```
    /// let pool = poolscope::Pool::new(2).unwrap();
    /// pool.map_chunked(0..100, poolscope::Chunking::PerItem, |i| i * 2).unwrap().join_all().unwrap();
    /// let stats = pool.stats();
    /// assert_eq!(stats.jobs, 100);
    /// assert!(stats.running.p50_ms <= stats.running.p99_ms && stats.running.p99_ms <= stats.running.max_ms);
    /// ```
    pub fn stats(&self) -> crate::PoolStats {
        self.core.stats()
    }

    /// The events the trace keeps, as Chrome trace-event JSON that Perfetto
    /// (ui.perfetto.dev) opens: a track per worker with a slice per job
    /// (named as the log says it, `Job 7 (label)`), counter tracks of the jobs waiting and running
    /// and of the pool's size, instants for timeouts, panics, cancels,
    /// worker replacements and resizes, and with `flows` an arrow from each
    /// job's queueing to its start.
    ///
    /// ```
    /// let pool = poolscope::Pool::new(2).unwrap();
    /// pool.map_labeled(0..3u32, |t| format!("tile {t}"), |t| t * t).unwrap().join_all().unwrap();
    /// let json = pool.export_trace(poolscope::TraceOptions::default());
    /// assert!(json.contains("\"name\":\"Job 3 (tile 2)\""));
    /// std::fs::write(std::env::temp_dir().join("poolscope-trace.json"), json).unwrap(); // open it in Perfetto
    /// ```
    pub fn export_trace(&self, options: crate::TraceOptions) -> String {
        self.core.export_trace(options)
    }

    /// Each worker that ever ran, with what it did.
    pub fn worker_stats(&self) -> Vec<WorkerStats> {
        self.core.worker_stats()
    }

    /// The panic messages of failed jobs not taken yet.
    pub fn take_failures(&self) -> Vec<Failure> {
        self.core.take_failures()
    }

    /// Worker threads not yet ended.
    pub fn live_threads(&self) -> usize {
        self.threads
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|t| !t.is_finished())
            .count()
    }

    /// Appends the events from `cursor` on (see `EVENT_FIELDS`); returns
    /// the new cursor and how many events were written again before this
    /// reader came to them (the trace keeps the latest
    /// `PoolOptions::trace_capacity`).
    ///
    /// ```
    /// use poolscope::{Pool, TraceRead};
    /// let pool = Pool::new(2).unwrap();
    /// pool.map_chunked(0..10, poolscope::Chunking::PerItem, |i| i * 2).unwrap().join_all();
    /// let mut events = Vec::new();
    /// let read: TraceRead = pool.read_events(0, &mut events);
    /// assert_eq!((read.cursor, read.missed), (10, 0));
    /// ```
    pub fn read_events(&self, cursor: u64, out: &mut Vec<f64>) -> crate::TraceRead {
        self.core.read_events(cursor, u64::MAX, out)
    }
}

closure_api!(Pool);

impl Pool {
    /// Closures go to the core as they are (see `closure_api!`).
    fn closure_core(&self) -> &PoolCore {
        &self.core
    }
}

impl Drop for Pool {
    /// Like Go's `close(jobs); wg.Wait()`: queued jobs finish, then the workers end.
    fn drop(&mut self) {
        self.core.close();
        self.wait_idle();
        if let Some((stop, handle)) = self.watchdog.take() {
            stop.store(true, Ordering::Release);
            let _ = handle.join();
        }
        let threads = std::mem::take(&mut *self.threads.lock().unwrap_or_else(|e| e.into_inner()));
        for thread in threads {
            let _ = thread.join();
        }
    }
}
