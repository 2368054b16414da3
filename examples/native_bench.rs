//! The core on std threads against the pools most Rust code would use, all
//! measured in turns in one process, median of 5 runs each:
//!
//! - built-in trivial jobs (each returns its number, summed so nothing is
//!   optimised away) against a crossbeam-channel queue feeding N threads;
//! - 200,000 closures that each return a value, every result delivered to
//!   the caller in input order, against rayon (`par_iter().map().collect()`
//!   and one `spawn` per closure) and the crossbeam-channel pool with a
//!   results channel: the same closure, the same results, the same place.
//!
//! `cargo run --release --example native_bench [trivial|closures]`
//! (bench/run.sh runs it all; it prints one JSON line per benchmark and
//! worker count).

// Native threads only: `wasm-pack test` builds the examples for wasm32 too.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use poolscope::{JobKind, JobSpec, Pool};
    use rayon::prelude::*;
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

    const CLOSURES: u64 = 200_000;

    /// The closure every pool runs: cheap, so the pool's own cost shows.
    fn work(i: u64) -> u64 {
        std::hint::black_box(i).wrapping_mul(2_654_435_761) % 1_000
    }

    fn expected_sum() -> u64 {
        (0..CLOSURES).map(work).sum()
    }

    fn timed(f: impl FnOnce() -> Vec<u64>) -> f64 {
        let start = Instant::now();
        let results = f();
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(
            (results.len() as u64, results.iter().sum::<u64>()),
            (CLOSURES, expected_sum()),
            "every result, in order"
        );
        seconds
    }

    fn poolscope_closures(pool: &Pool) -> f64 {
        timed(|| {
            pool.map(0..CLOSURES, work)
                .unwrap()
                .join_all()
                .unwrap()
                .into_iter()
                .map(|r| r.unwrap())
                .collect()
        })
    }

    fn rayon_par_iter(pool: &rayon::ThreadPool) -> f64 {
        timed(|| pool.install(|| (0..CLOSURES).into_par_iter().map(work).collect()))
    }

    fn rayon_spawn(pool: &rayon::ThreadPool) -> f64 {
        timed(|| {
            let (sender, results) = crossbeam_channel::unbounded();
            for i in 0..CLOSURES {
                let sender = sender.clone();
                pool.spawn(move || sender.send((i, work(i))).unwrap());
            }
            let mut ordered = vec![0; CLOSURES as usize];
            for (i, value) in results.iter().take(CLOSURES as usize) {
                ordered[i as usize] = value;
            }
            ordered
        })
    }

    /// A channel-fed pool of boxed closures with a results channel: what a
    /// "submit a closure, get its result" pool written by hand looks like.
    fn crossbeam_closures(workers: usize) -> f64 {
        type Job = Box<dyn FnOnce() -> (u64, u64) + Send>;
        let (jobs, queue) = crossbeam_channel::unbounded::<Job>();
        let (results_to, results) = crossbeam_channel::unbounded();
        let threads: Vec<_> = (0..workers)
            .map(|_| {
                let (queue, results_to) = (queue.clone(), results_to.clone());
                std::thread::spawn(move || {
                    for job in queue {
                        results_to.send(job()).unwrap();
                    }
                })
            })
            .collect();
        let seconds = timed(|| {
            for i in 0..CLOSURES {
                jobs.send(Box::new(move || (i, work(i)))).unwrap();
            }
            let mut ordered = vec![0; CLOSURES as usize];
            for (i, value) in results.iter().take(CLOSURES as usize) {
                ordered[i as usize] = value;
            }
            ordered
        });
        drop(jobs);
        threads.into_iter().for_each(|t| t.join().unwrap());
        seconds
    }

    fn closures(workers: usize) {
        let pool = Pool::new(workers).unwrap();
        let rayon = rayon::ThreadPoolBuilder::new().num_threads(workers).build().unwrap();
        let (mut ours, mut par_iter, mut spawn, mut channel) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..RUNS {
            ours.push(poolscope_closures(&pool));
            par_iter.push(rayon_par_iter(&rayon));
            spawn.push(rayon_spawn(&rayon));
            channel.push(crossbeam_closures(workers));
        }
        let rate = |seconds: Vec<f64>| CLOSURES as f64 / median(seconds);
        let (ours, par_iter, spawn, channel) = (rate(ours), rate(par_iter), rate(spawn), rate(channel));
        // `par_iter` runs the closure in a loop over a few chunks, no dispatch
        // per item: the goal is stated against the pools that dispatch each.
        let fastest_per_item = spawn.max(channel);
        println!(
            "{{\"bench\":\"closures\",\"workers\":{workers},\"closures\":{CLOSURES},\"poolscopePerSecond\":{ours:.0},\"rayonParIterPerSecond\":{par_iter:.0},\"rayonSpawnPerSecond\":{spawn:.0},\"crossbeamPerSecond\":{channel:.0},\"fastestPerItemOverPoolscope\":{:.3},\"parIterOverPoolscope\":{:.1}}}",
            fastest_per_item / ours,
            par_iter / ours
        );
    }

    fn median(mut values: Vec<f64>) -> f64 {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    }

    pub fn main() {
        // `native_bench closures` or `native_bench trivial` runs one part only.
        let only = std::env::args().nth(1);
        let runs = |part: &str| only.as_deref().is_none_or(|only| only == part);
        if runs("trivial") {
            trivial();
        }
        if runs("closures") {
            for workers in [1, 2, 4] {
                closures(workers);
            }
        }
    }

    fn trivial() {
        for workers in [1, 2, 4] {
            let (mut ours, mut baseline) = (Vec::new(), Vec::new());
            for _ in 0..RUNS {
                ours.push(poolscope_run(workers));
                baseline.push(crossbeam_run(workers));
            }
            let (ours, baseline) = (median(ours), median(baseline));
            println!(
                "{{\"bench\":\"trivial\",\"workers\":{workers},\"jobs\":{JOBS},\"poolscopeJobsPerSecond\":{:.0},\"crossbeamJobsPerSecond\":{:.0},\"ratio\":{:.3}}}",
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
