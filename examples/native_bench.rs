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
//! - chunked maps (`Chunking::Auto`) against rayon's `par_iter().map().collect()`,
//!   the same items and the same `Vec` of results in input order: 1,000,000
//!   trivial items (`n * n`; by `map_range`, which like rayon's range
//!   computes its items; by `map`, which collects them first; and by `map`
//!   of a `Vec` against rayon's `par_iter()` over that `Vec`), uneven items (Mandelbrot rows; primes counted in
//!   ranges), and 200,000 items of about 20 µs; with a job per item beside
//!   them for the uneven ones.
//!
//! `cargo run --release --example native_bench [trivial|closures|chunks]`
//! (bench/run.sh runs it all; it prints one JSON line per benchmark and
//! worker count).

// Native threads only: `wasm-pack test` builds the examples for wasm32 too.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use poolscope::{Chunking, JobKind, JobSpec, Pool};
    use rayon::prelude::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use std::time::Instant;

    const JOBS: usize = 1_000_000;
    const RUNS: usize = 5;
    /// Untimed runs of each side before a chunked map's timed ones.
    const WARM_UP: usize = 3;

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
            pool.map_chunked(0..CLOSURES, Chunking::PerItem, work)
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
        if runs("chunks") {
            for workers in [1, 2, 4] {
                chunks(workers);
            }
        }
    }

    /// The escape-time count of row `y` of a 512 x 384 Mandelbrot image:
    /// rows through the set cost a hundred times those outside it.
    fn mandelbrot_row(y: u32) -> u32 {
        const WIDTH: u32 = 512;
        const HEIGHT: u32 = 384;
        const LIMIT: u32 = 500;
        let ci = (f64::from(y) / f64::from(HEIGHT)) * 2.4 - 1.2;
        (0..WIDTH)
            .map(|x| {
                let cr = (f64::from(x) / f64::from(WIDTH)) * 3.2 - 2.2;
                let (mut zr, mut zi, mut n) = (0.0f64, 0.0f64, 0);
                while n < LIMIT && zr * zr + zi * zi <= 4.0 {
                    (zr, zi) = (zr * zr - zi * zi + cr, 2.0 * zr * zi + ci);
                    n += 1;
                }
                n
            })
            .sum()
    }

    /// Primes in `[k * 2,000, (k + 1) * 2,000)` by trial division: later ranges cost more.
    fn primes_in(k: u64) -> u64 {
        (k * 2_000..(k + 1) * 2_000)
            .filter(|&n| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
            .count() as u64
    }

    /// About 20 µs of arithmetic (a dependent chain the compiler cannot shorten).
    fn twenty_us(i: u64) -> u64 {
        (0..TWENTY_US_STEPS).fold(i, |a, b| {
            std::hint::black_box(a.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(b))
        })
    }

    /// Steps of `twenty_us`: about 20 µs on the machine of the README's figures.
    const TWENTY_US_STEPS: u64 = 20_000;

    /// Which of poolscope's maps a row times against rayon, each row in a
    /// loop of its own (each API with an allocator history of its own:
    /// `map` over a range collects its items, 8 MB per million `u64`s).
    #[derive(Clone, Copy, PartialEq)]
    enum Ours {
        /// `map` (`Chunking::Auto`), which collects its items first.
        Map,
        /// `map` of a `Vec` the caller has, against rayon's
        /// `items.par_iter().map(f).collect()`: each side gets a fresh
        /// `Vec` of the items before its clock starts, and drops its input
        /// after it stops (`map` writes its values over the items).
        MapVec,
        /// `map` and, timed beside it, a job per item (`Chunking::PerItem`).
        MapAndPerItem,
        /// `map_range` (`Auto`): the items computed from their index, not
        /// collected first, as rayon's range does.
        MapRange,
    }

    /// One workload: poolscope's `map` or `map_range` (`Auto`; a job per
    /// item beside it if asked) against rayon, each delivering the same `Vec`, in turns, median of
    /// `runs` after `WARM_UP` untimed ones of each (the first `Auto` run
    /// meets the closure unmeasured; the timed ones know its cost, as an
    /// app's repeated maps do, and the allocator has settled for both).
    fn chunked<F: Fn(u64) -> u64 + Copy + Send + Sync + 'static>(
        name: &str,
        workers: usize,
        (pool, rayon): (&Pool, &rayon::ThreadPool),
        items: u64,
        (f, runs): (F, usize),
        which: Ours,
    ) {
        let expected: Vec<u64> = (0..items).map(f).collect();
        let time = |run: &dyn Fn() -> Vec<u64>| {
            // A pause first: the other side's threads are asleep (rayon's spin a while after a run).
            std::thread::sleep(std::time::Duration::from_millis(20));
            let start = Instant::now();
            let values = run();
            let seconds = start.elapsed().as_secs_f64();
            assert!(values == expected, "{name}: every value, in order");
            seconds
        };
        // The input of `MapVec`'s sides, made before the clock starts; `given` holds it until used.
        let given = std::cell::RefCell::new(Vec::new());
        let give = || *given.borrow_mut() = (0..items).collect::<Vec<u64>>();
        let jobs = std::cell::Cell::new(0); // what the latest plan made
        let auto = || {
            let batch = match which {
                Ours::MapRange => pool.map_range(0..items, f).unwrap(),
                Ours::MapVec => pool.map(given.take(), f).unwrap(),
                _ => pool.map(0..items, f).unwrap(),
            };
            jobs.set(batch.job_count());
            batch.join_values().unwrap()
        };
        let one_each = || {
            pool.map_chunked(0..items, Chunking::PerItem, f)
                .unwrap()
                .join_values()
                .unwrap()
        };
        let per_item = which == Ours::MapAndPerItem;
        let par_iter = || match which {
            Ours::MapVec => {
                let input = given.borrow();
                let input: &[u64] = &input;
                rayon.install(|| input.par_iter().map(|&n| f(n)).collect())
            }
            _ => rayon.install(|| (0..items).into_par_iter().map(f).collect()),
        };
        let with_input = |run: &dyn Fn() -> Vec<u64>| {
            if which == Ours::MapVec {
                give();
            }
            let seconds = time(run);
            drop(given.take()); // rayon's input, after its clock stopped
            seconds
        };
        let (mut ours, mut each, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..WARM_UP {
            with_input(&auto); // both sides' threads and allocator warm
            if per_item {
                one_each();
            }
            with_input(&par_iter);
        }
        for _ in 0..runs {
            ours.push(with_input(&auto));
            if per_item {
                each.push(time(&one_each));
            }
            theirs.push(with_input(&par_iter));
        }
        let rate = |seconds: Vec<f64>| items as f64 / median(seconds);
        let (ours, theirs) = (rate(ours), rate(theirs));
        let each = if per_item {
            format!(
                ",\"perItemPerSecond\":{:.0},\"autoOverPerItem\":{:.3}",
                rate(each.clone()),
                ours / rate(each)
            )
        } else {
            String::new()
        };
        let api = match which {
            Ours::MapRange => "map_range",
            Ours::MapVec => "map of a Vec",
            _ => "map",
        };
        println!(
            "{{\"bench\":\"chunks\",\"workload\":\"{name}\",\"api\":\"{api}\",\"workers\":{workers},\"items\":{items},\"autoJobs\":{},\"autoPerSecond\":{ours:.0},\"rayonParIterPerSecond\":{theirs:.0},\"autoOverRayon\":{:.3}{each}}}",
            jobs.get(),
            ours / theirs
        );
    }

    fn chunks(workers: usize) {
        let pool = Pool::new(workers).unwrap();
        let rayon = rayon::ThreadPoolBuilder::new().num_threads(workers).build().unwrap();
        // Each its own type (no `fn` pointers): the pool measures a closure's cost by its type.
        let square = |n: u64| n.wrapping_mul(n);
        let row = |y: u64| u64::from(mandelbrot_row(y as u32));
        let (trivial, million) = ((square, 21), 1_000_000);
        chunked("trivial n*n", workers, (&pool, &rayon), million, trivial, Ours::Map);
        let range = Ours::MapRange;
        chunked("trivial n*n", workers, (&pool, &rayon), million, trivial, range);
        let vec = Ours::MapVec;
        chunked("trivial n*n", workers, (&pool, &rayon), million, trivial, vec);
        chunked(
            "mandelbrot rows",
            workers,
            (&pool, &rayon),
            384,
            (row, RUNS),
            Ours::MapAndPerItem,
        );
        chunked(
            "primes ranges",
            workers,
            (&pool, &rayon),
            500,
            (primes_in, RUNS),
            Ours::MapAndPerItem,
        );
        chunked(
            "20 us items",
            workers,
            (&pool, &rayon),
            200_000,
            (twenty_us, RUNS),
            Ours::Map,
        );
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
