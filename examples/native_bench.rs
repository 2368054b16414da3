//! The core on std threads against the pool most Rust code would write: a
//! crossbeam-channel queue feeding N threads. Trivial jobs (each returns its
//! number, summed so nothing is optimised away), jobs per second, median of
//! 5 runs each, the two measured in turns in one process.
//!
//! `cargo run --release --example native_bench` (bench/run.sh runs it; it
//! prints one JSON line per worker count).

// Native threads only: `wasm-pack test` builds the examples for wasm32 too.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use poolscope::{JobKind, JobSpec, Pool};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use std::time::Instant;

    const JOBS: usize = 1_000_000;
    const RUNS: usize = 5;

    fn poolscope_run(workers: usize) -> f64 {
        let pool = Pool::new(workers).unwrap();
        let batch = vec![JobSpec::new(JobKind::Noop, 0.0); JOBS];
        pool.submit(&batch[..1_000]).unwrap(); // warm: threads running
        pool.wait_idle();
        let start = Instant::now();
        pool.submit(&batch).unwrap();
        pool.wait_idle();
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(pool.counters().completed, (JOBS + 1_000) as u64);
        seconds
    }

    fn crossbeam_run(workers: usize) -> f64 {
        let (jobs, queue) = crossbeam_channel::unbounded::<u64>();
        let (done, finished) = crossbeam_channel::unbounded::<()>();
        let sum = Arc::new(AtomicU64::new(0));
        let threads: Vec<_> = (0..workers)
            .map(|_| {
                let (queue, done, sum) = (queue.clone(), done.clone(), Arc::clone(&sum));
                std::thread::spawn(move || {
                    for job in queue {
                        sum.fetch_add(std::hint::black_box(job), Ordering::Relaxed);
                        done.send(()).unwrap();
                    }
                })
            })
            .collect();
        let start = Instant::now();
        for job in 1..=JOBS as u64 {
            jobs.send(job).unwrap();
        }
        for _ in 0..JOBS {
            finished.recv().unwrap();
        }
        let seconds = start.elapsed().as_secs_f64();
        drop(jobs);
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(sum.load(Ordering::Relaxed), (JOBS as u64) * (JOBS as u64 + 1) / 2);
        seconds
    }

    fn median(mut values: Vec<f64>) -> f64 {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    }

    pub fn main() {
        for workers in [1, 2, 4] {
            let (mut ours, mut baseline) = (Vec::new(), Vec::new());
            for _ in 0..RUNS {
                ours.push(poolscope_run(workers));
                baseline.push(crossbeam_run(workers));
            }
            let (ours, baseline) = (median(ours), median(baseline));
            println!(
                "{{\"workers\":{workers},\"jobs\":{JOBS},\"poolscopeJobsPerSecond\":{:.0},\"crossbeamJobsPerSecond\":{:.0},\"ratio\":{:.3}}}",
                JOBS as f64 / ours,
                JOBS as f64 / baseline,
                baseline / ours
            );
        }
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::main();
}
