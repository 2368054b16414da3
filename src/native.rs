//! `Pool` on std threads: the core as a native library, and the place where
//! stress tests run fast.

use crate::core::error::PoolError;
use crate::core::job::JobSpec;
use crate::core::pool::{Counters, PoolCore, WorkerStats};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pub struct Pool {
    core: Arc<PoolCore>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Pool {
    /// A pool of `size` workers, each a std thread.
    pub fn new(size: usize) -> Result<Pool, PoolError> {
        let pool = Pool { core: Arc::new(PoolCore::new()), threads: Mutex::new(Vec::new()) };
        pool.resize(size)?;
        Ok(pool)
    }

    /// Queues jobs; returns the first one's number. See `PoolCore::submit`.
    pub fn submit(&self, specs: &[JobSpec]) -> Result<u64, PoolError> {
        self.core.submit(specs.iter().copied())
    }

    /// Grows at once; shrinking lets retiring workers finish their job first.
    pub fn resize(&self, size: usize) -> Result<(), PoolError> {
        let mut threads = self.threads.lock().unwrap_or_else(|e| e.into_inner());
        threads.retain(|t| !t.is_finished());
        for id in self.core.resize(size)? {
            let core = Arc::clone(&self.core);
            threads.push(std::thread::spawn(move || core.run_worker(id, || ())));
        }
        Ok(())
    }

    /// Drops the jobs still waiting; returns how many. Running jobs finish.
    pub fn cancel_waiting(&self) -> u64 {
        self.core.cancel_waiting()
    }

    /// Blocks until every job queued so far has finished.
    pub fn wait_idle(&self) {
        loop {
            let epoch = self.core.idle_epoch().load(std::sync::atomic::Ordering::Acquire);
            if self.core.is_idle() {
                return;
            }
            crate::sys::wait(self.core.idle_epoch(), epoch, Some(50.0));
        }
    }

    pub fn counters(&self) -> Counters {
        self.core.counters()
    }

    pub fn worker_stats(&self) -> Vec<WorkerStats> {
        self.core.worker_stats()
    }

    /// Worker threads not yet ended.
    pub fn live_threads(&self) -> usize {
        self.threads.lock().unwrap_or_else(|e| e.into_inner()).iter().filter(|t| !t.is_finished()).count()
    }

    /// Appends the events from `cursor` on (see `EVENT_FIELDS`); returns the new cursor.
    pub fn read_events(&self, cursor: u64, out: &mut Vec<f64>) -> u64 {
        self.core.read_events(cursor, u64::MAX, out)
    }
}

impl Drop for Pool {
    /// Like Go's `close(jobs); wg.Wait()`: queued jobs finish, then the workers end.
    fn drop(&mut self) {
        self.core.close();
        for thread in self.threads.get_mut().unwrap_or_else(|e| e.into_inner()).drain(..) {
            let _ = thread.join();
        }
    }
}
