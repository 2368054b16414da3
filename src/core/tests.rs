//! Stress tests of the core on native threads, where a million jobs take a
//! second. The browser suites in `tests/` check the same on Web Workers.

use crate::core::events::EVENT_FIELDS;
use crate::core::job::{JobKind, JobSpec};
use crate::native::Pool;

const JOB: usize = 0;
const WORKER: usize = 1;
const STARTED: usize = 4;
const FINISHED: usize = 5;

/// Checks that jobs `1..=jobs` each finished exactly once, on workers within
/// `1..=max_worker`; returns the number of jobs each worker ran.
fn assert_exactly_once(events: &[f64], jobs: u64, max_worker: u32) -> Vec<u64> {
    assert_eq!(events.len(), jobs as usize * EVENT_FIELDS.len(), "one event per job");
    let mut seen = vec![false; jobs as usize + 1];
    let mut per_worker = vec![0u64; max_worker as usize + 1];
    for event in events.chunks(EVENT_FIELDS.len()) {
        let job = event[JOB] as usize;
        assert!((1..=jobs as usize).contains(&job), "job number {job} out of 1..={jobs}");
        assert!(!seen[job], "job {job} ran twice");
        seen[job] = true;
        let worker = event[WORKER] as u32;
        assert!((1..=max_worker).contains(&worker), "worker {worker} out of 1..={max_worker}");
        per_worker[worker as usize] += 1;
        assert!(event[STARTED] <= event[FINISHED]);
    }
    per_worker
}

fn drain(pool: &Pool, cursor: &mut u64, events: &mut Vec<f64>) {
    *cursor = pool.read_events(*cursor, events);
}

#[test]
fn a_million_trivial_jobs_over_8_threads_each_run_once() {
    const JOBS: u64 = 1_000_000;
    let pool = Pool::new(8).unwrap();
    let batch = vec![JobSpec::new(JobKind::Noop, 0.0); 100_000];
    let (mut cursor, mut events) = (0, Vec::new());
    for _ in 0..JOBS / batch.len() as u64 {
        pool.submit(&batch).unwrap();
        drain(&pool, &mut cursor, &mut events); // read while workers write
    }
    pool.wait_idle();
    drain(&pool, &mut cursor, &mut events);
    let per_worker = assert_exactly_once(&events, JOBS, 8);
    assert!(per_worker.iter().filter(|&&n| n > 0).count() > 1, "more than one worker ran jobs");
    let counters = pool.counters();
    assert_eq!((counters.submitted, counters.completed, counters.failed), (JOBS, JOBS, 0));
    assert_eq!((counters.running, counters.waiting), (0, 0));
    let stats = pool.worker_stats();
    assert_eq!(stats.iter().map(|s| s.jobs).sum::<u64>(), JOBS, "per-worker counts add up");
    for stats in &stats {
        assert_eq!(stats.jobs, per_worker[stats.id as usize], "worker {} count", stats.id);
    }
}

#[test]
fn noop_values_and_cpu_checksums_are_the_jobs_own() {
    let pool = Pool::new(3).unwrap();
    pool.submit(&[JobSpec::new(JobKind::Cpu, 1.0); 30]).unwrap();
    pool.submit(&[JobSpec::new(JobKind::Noop, 0.0); 30]).unwrap();
    pool.wait_idle();
    let mut events = Vec::new();
    pool.read_events(0, &mut events);
    assert_exactly_once(&events, 60, 3);
    for event in events.chunks(EVENT_FIELDS.len()) {
        let job = event[JOB] as u64;
        let expected = if job <= 30 { crate::cpu_checksum(job, crate::cpu_iterations(1.0)) } else { job as u32 };
        assert_eq!(event[7] as u32, expected, "value of job {job}");
    }
}

#[test]
fn sleeping_jobs_overlap_across_workers() {
    let pool = Pool::new(4).unwrap();
    pool.submit(&[JobSpec::new(JobKind::Sleep, 100.0); 4]).unwrap();
    let start = crate::sys::now_ms();
    pool.wait_idle();
    let took = crate::sys::now_ms() - start;
    let mut events = Vec::new();
    pool.read_events(0, &mut events);
    let per_worker = assert_exactly_once(&events, 4, 4);
    assert_eq!(per_worker[1..].iter().filter(|&&n| n == 1).count(), 4, "one job per worker");
    assert!(took < 350.0, "4 x 100 ms sleeps on 4 workers took {took} ms");
}

/// A small deterministic generator, so that a failing sequence repeats.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn jobs_stay_exactly_once_across_random_resizes() {
    const JOBS: u64 = 20_000;
    let pool = Pool::new(4).unwrap();
    pool.submit(&vec![JobSpec::new(JobKind::Cpu, 0.02); JOBS as usize]).unwrap();
    let mut random = 0x5EED;
    for _ in 0..30 {
        let size = 1 + (next_random(&mut random) % 8) as usize;
        pool.resize(size).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    pool.resize(3).unwrap();
    pool.wait_idle();
    let mut events = Vec::new();
    pool.read_events(0, &mut events);
    assert_exactly_once(&events, JOBS, 8);
    // Retired workers really end: the live threads settle at the pool size.
    let deadline = crate::sys::now_ms() + 5_000.0;
    while pool.live_threads() != 3 && crate::sys::now_ms() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(pool.live_threads(), 3);
    assert_eq!(pool.counters().live_workers, 3);
}

#[test]
fn a_retiring_worker_finishes_its_job_then_takes_no_more() {
    let pool = Pool::new(2).unwrap();
    pool.submit(&[JobSpec::new(JobKind::Sleep, 60.0); 2]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20)); // both jobs running
    pool.resize(1).unwrap();
    let resized_ms = crate::sys::now_ms();
    pool.submit(&[JobSpec::new(JobKind::Noop, 0.0); 50]).unwrap();
    pool.wait_idle();
    let mut events = Vec::new();
    pool.read_events(0, &mut events);
    let per_worker = assert_exactly_once(&events, 52, 2);
    assert_eq!(per_worker[2], 1, "worker 2 finished its running job and no other");
    let late_on_2 = events.chunks(EVENT_FIELDS.len()).filter(|e| e[WORKER] == 2.0 && e[STARTED] > resized_ms).count();
    assert_eq!(late_on_2, 0);
}

#[test]
fn bad_input_is_refused_by_name_and_nothing_queued_is_lost() {
    use crate::PoolError;
    let pool = Pool::new(2).unwrap();
    pool.submit(&[JobSpec::new(JobKind::Noop, 0.0); 10]).unwrap();
    assert_eq!(pool.resize(0), Err(PoolError::InvalidSize { value: 0, max: 64 }));
    assert!(pool.resize(1_000).unwrap_err().to_string().contains("1000"));
    let cost = pool.submit(&[JobSpec::new(JobKind::Cpu, -1.0)]).unwrap_err();
    assert!(cost.to_string().contains("-1") && cost.to_string().contains("between 0 and"), "{cost}");
    let full = pool.submit(&vec![JobSpec::new(JobKind::Noop, 0.0); crate::MAX_JOBS as usize]).unwrap_err();
    assert!(matches!(full, PoolError::QueueFull { .. }), "{full}");
    pool.wait_idle();
    assert_eq!(pool.counters().completed, 10);
    assert!(Pool::new(0).is_err());
}

#[test]
fn cancelling_drops_waiting_jobs_and_lets_running_ones_finish() {
    let pool = Pool::new(2).unwrap();
    pool.submit(&[JobSpec::new(JobKind::Sleep, 50.0); 10]).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20)); // jobs 1 and 2 running
    assert_eq!(pool.cancel_waiting(), 8);
    pool.wait_idle();
    let counters = pool.counters();
    assert_eq!((counters.completed, counters.cancelled, counters.running, counters.waiting), (2, 8, 0, 0));
    let mut events = Vec::new();
    pool.read_events(0, &mut events);
    assert_exactly_once(&events, 2, 2);
    // The pool goes on taking jobs after a cancel.
    let first = pool.submit(&[JobSpec::new(JobKind::Noop, 0.0); 5]).unwrap();
    assert_eq!(first, 11);
    pool.wait_idle();
    assert_eq!(pool.counters().completed, 7);
}
