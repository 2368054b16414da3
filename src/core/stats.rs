//! Latency statistics: how long jobs waited (queued to started) and ran
//! (started to finished), as percentiles, with throughput and
//! utilisation, per pool and per worker. Computed on read from the events
//! the trace keeps, so the workers' path pays nothing for them.

use super::events::EVENT_FIELDS;
use super::job::Outcome;

/// Waiting or running times of a set of jobs, in ms: percentiles by the
/// nearest-rank method (`p50_ms` is a time some job took, never an
/// interpolation). All zero for no jobs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Latency {
    /// How many jobs the figures are of.
    pub jobs: u64,
    /// Their mean.
    pub mean_ms: f64,
    /// Half of the jobs took at most this.
    pub p50_ms: f64,
    /// 90% took at most this.
    pub p90_ms: f64,
    /// 99% took at most this.
    pub p99_ms: f64,
    /// The longest.
    pub max_ms: f64,
}

impl Latency {
    /// The figures of `times` (sorted here; NaNs last).
    ///
    /// ```
    /// let latency = poolscope::Latency::of(&mut [4.0, 1.0, 3.0, 2.0]);
    /// assert_eq!((latency.p50_ms, latency.p90_ms, latency.max_ms, latency.mean_ms), (2.0, 4.0, 4.0, 2.5));
    /// ```
    pub fn of(times: &mut [f64]) -> Latency {
        if times.is_empty() {
            return Latency::default();
        }
        times.sort_unstable_by(f64::total_cmp);
        let rank =
            |percent: f64| times[((percent / 100.0 * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
        Latency {
            jobs: times.len() as u64,
            mean_ms: times.iter().sum::<f64>() / times.len() as f64,
            p50_ms: rank(50.0),
            p90_ms: rank(90.0),
            p99_ms: rank(99.0),
            max_ms: times[times.len() - 1],
        }
    }
}

/// One worker's share of `PoolStats`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkerLatency {
    /// The worker's id (from 1).
    pub worker: u32,
    /// How long its jobs waited before it took them.
    pub waiting: Latency,
    /// How long its jobs ran.
    pub running: Latency,
    /// The share of the window it spent running jobs (0 to 1).
    pub utilisation: f64,
}

/// Latency statistics over the jobs whose events the trace keeps (the
/// latest `PoolOptions::trace_capacity`): jobs that ran, whatever their
/// outcome; cancelled jobs never started and are left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PoolStats {
    /// Jobs the figures are of.
    pub jobs: u64,
    /// The window: the first of these jobs started at `from_ms`, the last
    /// finished at `to_ms` (the clock every thread shares).
    pub from_ms: f64,
    /// See `from_ms`.
    pub to_ms: f64,
    /// Queued to started.
    pub waiting: Latency,
    /// Started to finished.
    pub running: Latency,
    /// Jobs finished per second over the window.
    pub throughput_per_s: f64,
    /// Running time of all jobs over the window times the workers that
    /// ran them: 1 when every one of them was busy throughout.
    pub utilisation: f64,
    /// Each worker that ran one of these jobs, by id.
    pub workers: Vec<WorkerLatency>,
}

impl PoolStats {
    /// The statistics of events given as `EventLog::read_flat` gives them
    /// (`EVENT_FIELDS` numbers each).
    pub(crate) fn of_flat(flat: &[f64]) -> PoolStats {
        let fields = EVENT_FIELDS.len();
        let cancelled = Outcome::Cancelled as u8 as f64;
        let ran = flat.chunks_exact(fields).filter(|event| event[6] != cancelled);
        let (mut waiting, mut running) = (Vec::new(), Vec::new());
        // Per worker id: its waiting and running times.
        let mut by_worker: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
        let (mut from_ms, mut to_ms) = (f64::INFINITY, f64::NEG_INFINITY);
        for event in ran {
            let (worker, queued, started, finished) = (event[1] as usize, event[3], event[4], event[5]);
            let (waited, took) = ((started - queued).max(0.0), (finished - started).max(0.0));
            waiting.push(waited);
            running.push(took);
            from_ms = from_ms.min(started);
            to_ms = to_ms.max(finished);
            if by_worker.len() <= worker {
                by_worker.resize_with(worker + 1, Default::default);
            }
            by_worker[worker].0.push(waited);
            by_worker[worker].1.push(took);
        }
        if waiting.is_empty() {
            return PoolStats::default();
        }
        let window_ms = to_ms - from_ms;
        let share = |busy_ms: f64, workers: usize| {
            if window_ms > 0.0 {
                (busy_ms / (window_ms * workers as f64)).min(1.0)
            } else {
                0.0
            }
        };
        let workers: Vec<WorkerLatency> = by_worker
            .iter_mut()
            .enumerate()
            .filter(|(_, (waits, _))| !waits.is_empty())
            .map(|(worker, (waits, runs))| WorkerLatency {
                worker: worker as u32,
                utilisation: share(runs.iter().sum(), 1),
                waiting: Latency::of(waits),
                running: Latency::of(runs),
            })
            .collect();
        let busy_ms: f64 = running.iter().sum();
        PoolStats {
            jobs: waiting.len() as u64,
            from_ms,
            to_ms,
            throughput_per_s: if window_ms > 0.0 {
                waiting.len() as f64 / (window_ms / 1e3)
            } else {
                0.0
            },
            utilisation: share(busy_ms, workers.len()),
            waiting: Latency::of(&mut waiting),
            running: Latency::of(&mut running),
            workers,
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// One event's fields: job, worker, kind, queued, started, finished, outcome, value.
    fn event(job: u64, worker: u32, queued: f64, started: f64, finished: f64, outcome: Outcome) -> [f64; 8] {
        [
            job as f64,
            worker as f64,
            0.0,
            queued,
            started,
            finished,
            outcome as u8 as f64,
            0.0,
        ]
    }

    #[test]
    fn percentiles_are_times_some_job_took() {
        let mut hundred: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let latency = Latency::of(&mut hundred);
        assert_eq!(
            (latency.p50_ms, latency.p90_ms, latency.p99_ms, latency.max_ms),
            (50.0, 90.0, 99.0, 100.0)
        );
        assert_eq!(latency.jobs, 100);
        assert_eq!(latency.mean_ms, 50.5);
        assert_eq!(Latency::of(&mut [7.0]).p99_ms, 7.0);
        assert_eq!(Latency::of(&mut []), Latency::default());
    }

    #[test]
    fn the_pool_and_each_worker_from_their_events() {
        // Worker 1 runs jobs 1 and 3 back to back (0-10, 10-20); worker 2
        // runs job 2 (0-5) and idles; job 4 was cancelled while it waited.
        let flat: Vec<f64> = [
            event(1, 1, 0.0, 0.0, 10.0, Outcome::Completed),
            event(2, 2, 0.0, 0.0, 5.0, Outcome::Failed),
            event(3, 1, 0.0, 10.0, 20.0, Outcome::Completed),
            event(4, 0, 0.0, 0.0, 0.0, Outcome::Cancelled),
        ]
        .concat();
        let stats = PoolStats::of_flat(&flat);
        assert_eq!(stats.jobs, 3, "the cancelled job never ran");
        assert_eq!((stats.from_ms, stats.to_ms), (0.0, 20.0));
        assert_eq!((stats.waiting.max_ms, stats.waiting.p50_ms), (10.0, 0.0));
        assert_eq!((stats.running.p50_ms, stats.running.max_ms), (10.0, 10.0));
        assert_eq!(stats.throughput_per_s, 150.0, "3 jobs in 20 ms");
        assert_eq!(stats.utilisation, 25.0 / 40.0, "25 ms busy of 2 workers x 20 ms");
        let ids: Vec<u32> = stats.workers.iter().map(|w| w.worker).collect();
        assert_eq!(ids, [1, 2]);
        assert_eq!(
            (stats.workers[0].utilisation, stats.workers[1].utilisation),
            (1.0, 0.25)
        );
        assert_eq!(stats.workers[0].running.jobs, 2);
        assert_eq!(stats.workers[0].waiting.max_ms, 10.0);
    }

    #[test]
    fn no_jobs_give_zeros() {
        assert_eq!(PoolStats::of_flat(&[]), PoolStats::default());
        let cancelled = event(1, 0, 0.0, 0.0, 0.0, Outcome::Cancelled);
        assert_eq!(PoolStats::of_flat(&cancelled), PoolStats::default());
    }
}
