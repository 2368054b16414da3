//! Stress tests of the core on native threads, where a million jobs take a
//! second. The browser suites in `tests/` check the same on Web Workers.

use crate::core::events::EVENT_FIELDS;
use crate::core::job::{JobKind, JobSpec, Outcome};
use crate::core::options::PoolOptions;
use crate::native::Pool;
use crate::PoolError;
use std::time::Duration;

const JOB: usize = 0;
const WORKER: usize = 1;
const STARTED: usize = 4;
const FINISHED: usize = 5;
const OUTCOME: usize = 6;
const VALUE: usize = 7;

/// What a run's events say, checked: jobs `1..=jobs` each reported exactly
/// once, cancelled ones by worker 0, the others by a worker in `1..=max_worker`.
struct Report {
    per_worker: Vec<u64>,
    outcomes: [u64; 4],
}

fn check_events(events: &[f64], jobs: u64, max_worker: u32) -> Report {
    assert_eq!(events.len(), jobs as usize * EVENT_FIELDS.len(), "one event per job");
    let mut seen = vec![false; jobs as usize + 1];
    let mut report = Report {
        per_worker: vec![0; max_worker as usize + 1],
        outcomes: [0; 4],
    };
    for event in events.chunks(EVENT_FIELDS.len()) {
        let job = event[JOB] as usize;
        assert!((1..=jobs as usize).contains(&job), "job number {job} out of 1..={jobs}");
        assert!(!seen[job], "job {job} reported twice");
        seen[job] = true;
        let outcome = event[OUTCOME] as usize;
        report.outcomes[outcome] += 1;
        let worker = event[WORKER] as u32;
        if outcome == Outcome::Cancelled as usize {
            assert_eq!(worker, 0, "a cancelled job ran on no worker");
            continue;
        }
        assert!(
            (1..=max_worker).contains(&worker),
            "worker {worker} out of 1..={max_worker}"
        );
        report.per_worker[worker as usize] += 1;
        assert!(event[STARTED] <= event[FINISHED]);
    }
    report
}

/// Ends the test process after 60 s unless dropped first (at the end of
/// the test, or as its panic unwinds): a blocking call that never returns
/// (a `join` whose job was lost) fails the run with its test's name
/// instead of hanging it.
pub(super) struct Deadline(#[allow(dead_code)] std::sync::mpsc::Sender<()>);

pub(super) fn deadline(test: &'static str) -> Deadline {
    let (alive, ended) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = ended.recv_timeout(Duration::from_secs(60)) {
            eprintln!("{test}: still running after 60 s: a wait never ended");
            std::process::exit(101);
        }
    });
    Deadline(alive)
}

/// Waits until `jobs` jobs are running; fails after 30 s.
pub(super) fn running(pool: &Pool, jobs: u64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while pool.counters().running != jobs {
        assert!(
            std::time::Instant::now() < deadline,
            "waited 30 s for {jobs} running jobs in vain: {:?}",
            pool.counters()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Waits for the pool to be idle; fails after 30 s with its counters and
/// workers, instead of hanging.
pub(super) fn idle(pool: &Pool) {
    assert!(
        pool.wait_idle_for(Duration::from_secs(30)),
        "waited 30 s for the pool to be idle in vain: {:?}, workers {:?}, live threads {}",
        pool.counters(),
        pool.worker_stats(),
        pool.live_threads()
    );
}

/// `(completed, cancelled, running, waiting)`: how a test's jobs ended, in one assert.
pub(super) fn ended(pool: &Pool) -> (u64, u64, u64, u64) {
    let counters = pool.counters();
    (
        counters.completed,
        counters.cancelled,
        counters.running,
        counters.waiting,
    )
}

fn all_events(pool: &Pool) -> Vec<f64> {
    let mut events = Vec::new();
    assert_eq!(pool.read_events(0, &mut events).missed, 0, "the trace kept every event");
    events
}

fn noop() -> JobSpec {
    JobSpec::new(JobKind::Noop, 0.0)
}

fn sleep(ms: f64) -> JobSpec {
    JobSpec::new(JobKind::Sleep, ms)
}

/// A small deterministic generator, so that a failing sequence repeats.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn a_million_trivial_jobs_over_8_threads_each_run_once() {
    let _deadline = deadline("a_million_trivial_jobs_over_8_threads_each_run_once");
    const JOBS: u64 = 1_000_000;
    // A trace that keeps every event: the check below needs them all.
    let pool = Pool::with_options(
        8,
        PoolOptions {
            trace_capacity: Some(JOBS),
            ..Default::default()
        },
    )
    .unwrap();
    let batch = vec![noop(); 100_000];
    let (mut cursor, mut events) = (0, Vec::new());
    for _ in 0..JOBS / batch.len() as u64 {
        pool.submit(&batch).unwrap();
        let read = pool.read_events(cursor, &mut events); // read while workers write
        assert_eq!(read.missed, 0);
        cursor = read.cursor;
    }
    idle(&pool);
    assert_eq!(pool.read_events(cursor, &mut events).missed, 0);
    let report = check_events(&events, JOBS, 8);
    assert!(
        report.per_worker.iter().filter(|&&n| n > 0).count() > 1,
        "more than one worker ran jobs"
    );
    let counters = pool.counters();
    assert_eq!(
        (counters.submitted, counters.completed, counters.failed),
        (JOBS, JOBS, 0)
    );
    assert_eq!((counters.running, counters.waiting), (0, 0));
    let stats = pool.worker_stats();
    assert_eq!(
        stats.iter().map(|s| s.jobs).sum::<u64>(),
        JOBS,
        "per-worker counts add up"
    );
    for stats in &stats {
        assert_eq!(
            stats.jobs, report.per_worker[stats.id as usize],
            "worker {} count",
            stats.id
        );
    }
}

#[test]
fn a_million_jobs_with_random_resizes_and_panics_each_reported_once() {
    let _deadline = deadline("a_million_jobs_with_random_resizes_and_panics_each_reported_once");
    const JOBS: u64 = 1_000_000;
    const FAIL_EVERY: u64 = 10_000;
    let pool = Pool::with_options(
        4,
        PoolOptions {
            trace_capacity: Some(JOBS),
            ..Default::default()
        },
    )
    .unwrap();
    let specs: Vec<JobSpec> = (1..=JOBS)
        .map(|job| {
            if job % FAIL_EVERY == 0 {
                noop().failing()
            } else {
                noop()
            }
        })
        .collect();
    let mut random = 0xBAD5EED;
    for batch in specs.chunks(50_000) {
        pool.submit(batch).unwrap();
        pool.resize(1 + (next_random(&mut random) % 8) as usize).unwrap();
    }
    idle(&pool);
    let report = check_events(&all_events(&pool), JOBS, 8);
    let failures = JOBS / FAIL_EVERY;
    assert_eq!(report.outcomes[Outcome::Failed as usize], failures);
    assert_eq!(report.outcomes[Outcome::Completed as usize], JOBS - failures);
    let counters = pool.counters();
    assert_eq!(
        (counters.completed, counters.failed, counters.running, counters.waiting),
        (JOBS - failures, failures, 0, 0)
    );
    let mut failed_jobs: Vec<u64> = pool.take_failures().iter().map(|f| f.job).collect();
    failed_jobs.sort();
    assert_eq!(
        failed_jobs,
        (1..=failures).map(|n| n * FAIL_EVERY).collect::<Vec<_>>(),
        "one message per panic"
    );
}

#[test]
fn noop_values_and_cpu_checksums_are_the_jobs_own() {
    let _deadline = deadline("noop_values_and_cpu_checksums_are_the_jobs_own");
    let pool = Pool::new(3).unwrap();
    pool.submit(&[JobSpec::new(JobKind::Cpu, 1.0); 30]).unwrap();
    pool.submit(&[noop(); 30]).unwrap();
    idle(&pool);
    let events = all_events(&pool);
    check_events(&events, 60, 3);
    for event in events.chunks(EVENT_FIELDS.len()) {
        let job = event[JOB] as u64;
        let expected = if job <= 30 {
            crate::cpu_checksum(job, crate::cpu_iterations(1.0))
        } else {
            job as u32
        };
        assert_eq!(event[VALUE] as u32, expected, "value of job {job}");
    }
}

#[test]
fn sleeping_jobs_overlap_across_workers() {
    let _deadline = deadline("sleeping_jobs_overlap_across_workers");
    let pool = Pool::new(4).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while pool.counters().live_workers != 4 {
        assert!(
            std::time::Instant::now() < deadline,
            "waited 30 s for 4 live workers: {:?}",
            pool.counters()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    pool.submit(&[sleep(300.0); 4]).unwrap();
    idle(&pool);
    let events = all_events(&pool);
    let report = check_events(&events, 4, 4);
    assert_eq!(report.per_worker[1..], [1, 1, 1, 1], "one job per worker");
    // They slept at the same time: each started before any finished.
    let last_start = events
        .chunks(EVENT_FIELDS.len())
        .map(|e| e[STARTED])
        .fold(f64::MIN, f64::max);
    let first_end = events
        .chunks(EVENT_FIELDS.len())
        .map(|e| e[FINISHED])
        .fold(f64::MAX, f64::min);
    assert!(
        last_start < first_end,
        "the 4 sleeps overlap: last start {last_start}, first end {first_end}"
    );
}

#[test]
fn jobs_stay_exactly_once_across_random_resizes() {
    let _deadline = deadline("jobs_stay_exactly_once_across_random_resizes");
    const JOBS: u64 = 20_000;
    let pool = Pool::new(4).unwrap();
    pool.submit(&vec![JobSpec::new(JobKind::Cpu, 0.02); JOBS as usize])
        .unwrap();
    let mut random = 0x5EED;
    for _ in 0..30 {
        pool.resize(1 + (next_random(&mut random) % 8) as usize).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    pool.resize(3).unwrap();
    idle(&pool);
    check_events(&all_events(&pool), JOBS, 8);
    // Retired workers really end: the live threads settle at the pool size.
    let deadline = crate::sys::now_ms() + 5_000.0;
    while pool.live_threads() != 3 && crate::sys::now_ms() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(pool.live_threads(), 3);
    assert_eq!(pool.counters().live_workers, 3);
}

#[test]
fn a_retiring_worker_finishes_its_job_then_takes_no_more() {
    let _deadline = deadline("a_retiring_worker_finishes_its_job_then_takes_no_more");
    let pool = Pool::new(2).unwrap();
    pool.submit(&[sleep(300.0); 2]).unwrap();
    running(&pool, 2);
    pool.resize(1).unwrap();
    let resized_ms = crate::sys::now_ms();
    pool.submit(&[noop(); 50]).unwrap();
    idle(&pool);
    let events = all_events(&pool);
    let report = check_events(&events, 52, 2);
    assert_eq!(
        report.per_worker[2], 1,
        "worker 2 finished its running job and no other"
    );
    let late_on_2 = events
        .chunks(EVENT_FIELDS.len())
        .filter(|e| e[WORKER] == 2.0 && e[STARTED] > resized_ms)
        .count();
    assert_eq!(late_on_2, 0);
}

#[test]
fn a_panicking_job_fails_with_its_message_and_the_pool_goes_on() {
    let _deadline = deadline("a_panicking_job_fails_with_its_message_and_the_pool_goes_on");
    let pool = Pool::new(3).unwrap();
    let specs: Vec<JobSpec> = (1..=100)
        .map(|job| {
            if job == 5 || job == 50 {
                sleep(1.0).failing()
            } else {
                sleep(1.0)
            }
        })
        .collect();
    pool.submit(&specs).unwrap();
    idle(&pool);
    let report = check_events(&all_events(&pool), 100, 3);
    assert_eq!(report.outcomes[Outcome::Failed as usize], 2);
    let mut failures = pool.take_failures();
    failures.sort_by_key(|f| f.job);
    assert_eq!(
        failures.iter().map(|f| (f.job, f.message.as_str())).collect::<Vec<_>>(),
        [(5, "job 5 was set to fail"), (50, "job 50 was set to fail")]
    );
    let counters = pool.counters();
    assert_eq!((counters.completed, counters.failed, counters.live_workers), (98, 2, 3));
    pool.submit(&[noop(); 10]).unwrap(); // the queue stays usable
    idle(&pool);
    assert_eq!(pool.counters().completed, 108);
}

#[test]
fn a_job_past_the_timeout_is_reported_and_its_worker_replaced() {
    let _deadline = deadline("a_job_past_the_timeout_is_reported_and_its_worker_replaced");
    let options = PoolOptions {
        job_timeout_ms: Some(150.0),
        ..PoolOptions::default()
    };
    let pool = Pool::with_options(2, options).unwrap();
    let mut specs = vec![sleep(1_000.0)];
    specs.extend(std::iter::repeat_n(sleep(2.0), 40));
    pool.submit(&specs).unwrap();
    idle(&pool);
    let events = all_events(&pool);
    let report = check_events(&events, 41, 2);
    assert_eq!(report.outcomes[Outcome::TimedOut as usize], 1);
    let timed_out = events
        .chunks(EVENT_FIELDS.len())
        .find(|e| e[OUTCOME] == Outcome::TimedOut as u8 as f64)
        .unwrap();
    assert_eq!(timed_out[JOB], 1.0);
    assert!(
        timed_out[FINISHED] - timed_out[STARTED] < 600.0,
        "reported soon after the timeout, not when the job ended"
    );
    let counters = pool.counters();
    assert_eq!((counters.completed, counters.failed, counters.timed_out), (40, 1, 1));
    // The job is reported first; the new thread for its worker comes right after.
    let deadline = crate::sys::now_ms() + 2_000.0;
    while pool.counters().live_workers != 2 && crate::sys::now_ms() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(pool.counters().live_workers, 2, "the worker was replaced");
}

#[test]
fn a_full_queue_rejects_at_once_or_waits_for_room() {
    let _deadline = deadline("a_full_queue_rejects_at_once_or_waits_for_room");
    let options = PoolOptions {
        capacity: Some(5),
        ..PoolOptions::default()
    };
    let pool = Pool::with_options(1, options).unwrap();
    pool.submit(&[sleep(300.0); 5]).unwrap();
    running(&pool, 1); // one taken: room for one
    let full = pool.submit(&[noop(); 10]).unwrap_err();
    assert_eq!(full, PoolError::QueueFull { requested: 10, room: 1 });
    assert!(full.to_string().contains("cannot queue 10 jobs"), "{full}");
    assert_eq!(pool.counters().rejected, 10);
    assert_eq!(pool.counters().submitted, 5, "a refused batch queues nothing");
    // Waiting: the batch goes in as workers make room, never more than 5 waiting.
    let first = pool.submit_waiting(&[sleep(1.0); 40]).unwrap();
    assert_eq!(first, 6);
    assert!(pool.counters().waiting <= 5);
    idle(&pool);
    check_events(&all_events(&pool), 45, 1);
    assert_eq!(pool.counters().completed, 45);
}

#[test]
fn cancel_reports_the_waiting_jobs_and_the_pool_goes_on() {
    let _deadline = deadline("cancel_reports_the_waiting_jobs_and_the_pool_goes_on");
    let pool = Pool::new(2).unwrap();
    pool.submit(&[sleep(300.0); 10]).unwrap();
    running(&pool, 2);
    assert_eq!(pool.cancel(), 8, "jobs 1 and 2 run on for 300 ms: the other 8 wait");
    idle(&pool);
    assert_eq!(ended(&pool), (2, 8, 0, 0));
    let report = check_events(&all_events(&pool), 10, 2);
    assert_eq!(report.outcomes[Outcome::Cancelled as usize], 8);
    assert_eq!(
        pool.submit(&[noop(); 5]).unwrap(),
        11,
        "the pool takes jobs after a cancel"
    );
    idle(&pool);
    assert_eq!(pool.counters().completed, 7);
}

#[test]
fn stop_lets_running_jobs_finish_and_takes_no_more() {
    let _deadline = deadline("stop_lets_running_jobs_finish_and_takes_no_more");
    let pool = Pool::new(2).unwrap();
    pool.submit(&[sleep(300.0); 10]).unwrap();
    running(&pool, 2);
    assert_eq!(pool.stop(), 8);
    idle(&pool);
    assert_eq!(pool.counters().completed, 2, "the two running jobs finished");
    assert_eq!(pool.submit(&[noop()]), Err(PoolError::PoolStopped));
    check_events(&all_events(&pool), 10, 2);
}

#[test]
fn drain_runs_everything_queued_then_takes_no_more() {
    let _deadline = deadline("drain_runs_everything_queued_then_takes_no_more");
    let pool = Pool::new(2).unwrap();
    pool.submit(&[sleep(5.0); 20]).unwrap();
    pool.drain();
    assert_eq!(pool.counters().completed, 20);
    let refused = pool.submit(&[noop()]).unwrap_err();
    assert_eq!(refused, PoolError::PoolStopped);
    assert!(refused.to_string().contains("closed"));
}

#[test]
fn bad_input_is_refused_by_name_and_nothing_queued_is_lost() {
    let _deadline = deadline("bad_input_is_refused_by_name_and_nothing_queued_is_lost");
    let pool = Pool::new(2).unwrap();
    pool.submit(&[noop(); 10]).unwrap();
    assert_eq!(pool.resize(0), Err(PoolError::InvalidSize { value: 0, max: 64 }));
    assert!(pool.resize(1_000).unwrap_err().to_string().contains("1000"));
    let cost = pool.submit(&[JobSpec::new(JobKind::Cpu, -1.0)]).unwrap_err();
    assert!(
        cost.to_string().contains("-1") && cost.to_string().contains("between 0 and"),
        "{cost}"
    );
    let nan = pool.submit(&[JobSpec::new(JobKind::Cpu, f64::NAN)]).unwrap_err();
    assert!(nan.to_string().contains("NaN"), "{nan}");
    let full = pool.submit(&vec![noop(); crate::MAX_JOBS as usize + 1]).unwrap_err();
    assert!(matches!(full, PoolError::QueueFull { .. }), "{full}");
    for bad in [
        PoolOptions {
            capacity: Some(0),
            ..Default::default()
        },
        PoolOptions {
            job_timeout_ms: Some(-5.0),
            ..Default::default()
        },
        PoolOptions {
            job_timeout_ms: Some(f64::NAN),
            ..Default::default()
        },
    ] {
        let error = Pool::with_options(1, bad).err().expect("refused");
        assert!(error.to_string().contains("out of range"), "{error}");
    }
    idle(&pool);
    assert_eq!(pool.counters().completed, 10);
    assert!(Pool::new(0).is_err());
}

#[test]
fn a_partitioned_batch_runs_each_slice_on_its_own_worker() {
    let _deadline = deadline("a_partitioned_batch_runs_each_slice_on_its_own_worker");
    let pool = Pool::new(2).unwrap();
    // Job 1 is slow: with a shared queue, worker 2 would take jobs 2..=6.
    let specs: Vec<JobSpec> = (1..=6)
        .map(|job| if job == 1 { sleep(60.0) } else { sleep(1.0) })
        .collect();
    assert_eq!(pool.submit_partitioned(&specs).unwrap(), 1);
    assert_eq!(
        pool.resize(3),
        Err(PoolError::PartitionFixed),
        "slices are fixed while jobs are left"
    );
    idle(&pool);
    let events = all_events(&pool);
    check_events(&events, 6, 2);
    for event in events.chunks(EVENT_FIELDS.len()) {
        let expected = if event[JOB] <= 3.0 { 1.0 } else { 2.0 };
        assert_eq!(event[WORKER], expected, "job {} ran on its slice's worker", event[JOB]);
    }
    pool.resize(3).unwrap(); // all taken: the pool is free again
    assert_eq!(pool.submit_partitioned(&[noop(); 7]).unwrap(), 7);
    idle(&pool);
    let events = all_events(&pool);
    let late: Vec<(f64, f64)> = events
        .chunks(EVENT_FIELDS.len())
        .filter(|e| e[JOB] >= 7.0)
        .map(|e| (e[JOB], e[WORKER]))
        .collect();
    assert_eq!(late.len(), 7);
    for (job, worker) in late {
        assert_eq!(
            worker,
            1.0 + ((job - 7.0) / 3.0).floor(),
            "7 jobs over 3 workers: slices of 3, 3, 1"
        );
    }
}

#[test]
fn cancel_empties_the_partitions_too() {
    let _deadline = deadline("cancel_empties_the_partitions_too");
    let pool = Pool::new(2).unwrap();
    pool.submit_partitioned(&[sleep(300.0); 10]).unwrap();
    running(&pool, 2); // one job of each slice; the other 8 wait
    assert_eq!(pool.cancel(), 8);
    idle(&pool);
    let report = check_events(&all_events(&pool), 10, 2);
    assert_eq!(report.outcomes, [2, 0, 0, 8]);
    assert_eq!((pool.counters().waiting, pool.counters().running), (0, 0));
}

#[test]
fn one_job_per_worker_uses_a_worker_for_each_job() {
    let _deadline = deadline("one_job_per_worker_uses_a_worker_for_each_job");
    let options = PoolOptions {
        jobs_per_worker: Some(1),
        ..PoolOptions::default()
    };
    let pool = Pool::with_options(10, options).unwrap();
    pool.submit(&[sleep(20.0); 10]).unwrap();
    idle(&pool);
    let report = check_events(&all_events(&pool), 10, 10);
    assert_eq!(report.per_worker[1..], [1; 10], "each job its own worker");
    let deadline = crate::sys::now_ms() + 2_000.0;
    while pool.live_threads() > 0 && crate::sys::now_ms() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(pool.live_threads(), 0, "each worker ended after its job");
}

#[test]
fn ten_million_jobs_hold_no_more_memory_than_a_hundred_thousand() {
    let _deadline = deadline("ten_million_jobs_hold_no_more_memory_than_a_hundred_thousand");
    // 24 segments of 4,096 a round with the labelled closure: every round
    // needs as many slots as the first (what memory is held is rounded up
    // to whole segments).
    const BATCH: usize = 24 * 4096 - 1;
    let pool = Pool::new(4).unwrap();
    let batch = vec![noop(); BATCH];
    let (mut cursor, mut read, mut missed) = (0, 0, 0);
    let mut after_one_batch = 0;
    for round in 0..102 {
        pool.submit(&batch).unwrap();
        let labelled = pool.spawn_labeled("last", move || round).unwrap();
        let labelled_job = labelled.job();
        assert_eq!(labelled.join(), Ok(round));
        idle(&pool);
        let mut events = Vec::new();
        let trace = pool.read_events(cursor, &mut events);
        (cursor, read, missed) = (
            trace.cursor,
            read + events.len() / EVENT_FIELDS.len(),
            missed + trace.missed,
        );
        assert!(
            events
                .chunks(EVENT_FIELDS.len())
                .all(|e| e[JOB] >= 1.0 && e[STARTED] <= e[FINISHED]),
            "whole events"
        );
        assert_eq!(pool.label(labelled_job).as_deref(), Some("last"));
        if round == 0 {
            after_one_batch = pool.storage_bytes();
        }
    }
    let jobs = 102 * (BATCH as u64 + 1);
    assert_eq!(pool.counters().completed, jobs);
    assert_eq!(read as u64 + missed, jobs, "every event read or counted as missed");
    assert_eq!(
        pool.storage_bytes(),
        after_one_batch,
        "bytes of queue and trace after 10,027,008 jobs"
    );
}

/// The core's modules as its files import them: no module imports one
/// that imports it back, directly or through others. `pool` and its
/// children (`pool/*.rs`, split impls of `PoolCore`) count as one; the
/// test files and test modules are left out.
#[test]
fn no_import_circles_in_core() {
    use std::collections::{BTreeMap, BTreeSet};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let module_of = |name: &str| match name {
        "remote" | "workers" | "closures" => "pool".to_string(),
        _ => name.to_string(),
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&root)
        .unwrap()
        .chain(std::fs::read_dir(root.join("pool")).unwrap())
    {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        if path.extension().is_some_and(|e| e == "rs") && !["mod", "tests", "closure_tests"].contains(&stem.as_str()) {
            let in_pool = path.parent().unwrap().ends_with("pool");
            files.push((if in_pool { "pool".to_string() } else { stem }, in_pool, path));
        }
    }
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, in_pool, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        // What comes before the file's test module, without comments.
        let code = text.split("#[cfg(all(test").next().unwrap();
        let code: String = code
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let named = imports.entry(module.clone()).or_default();
        for prefix in ["crate::core::", "super::"] {
            if prefix == "super::" && *in_pool {
                continue; // `super` of a child of `pool` is `pool` itself
            }
            for (i, _) in code.match_indices(prefix) {
                let name: String = code[i + prefix.len()..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let target = module_of(&name);
                let is_module = root.join(format!("{target}.rs")).exists();
                if is_module && target != *module {
                    named.insert(target);
                }
            }
        }
    }
    for start in imports.keys() {
        // Depth-first from `start`: the path that leads back to it, if any.
        let mut stack = vec![vec![start.clone()]];
        let mut seen = BTreeSet::new();
        while let Some(path) = stack.pop() {
            for next in imports.get(path.last().unwrap()).into_iter().flatten() {
                let mut longer = path.clone();
                longer.push(next.clone());
                assert!(next != start, "an import circle in src/core: {}", longer.join(" -> "));
                if seen.insert(next.clone()) {
                    stack.push(longer);
                }
            }
        }
    }
    assert!(
        imports["pool"].contains("queue") && imports["counts"].contains("events"),
        "{imports:?}"
    );
}
