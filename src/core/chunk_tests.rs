//! Chunked closure jobs (`chunks.rs`, `task.rs`) on native threads: each
//! item exactly once whatever the chunk sizes and item costs, through
//! resizes, cancels, timeouts and panics; labels; `reduce`, `for_each`;
//! what the pool learns of a closure's cost.

use crate::core::events::EVENT_FIELDS;
use crate::core::options::PoolOptions;
use crate::core::tests::{deadline, idle};
use crate::native::Pool;
use crate::{Chunking, JobError};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A small seeded generator: the same cases on every run, a different
/// case per seed (the seed is in each failure's message).
struct Cases(u64);

impl Cases {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

/// Spins for about `ns` nanoseconds: an item's cost.
fn spin_ns(ns: u64) {
    let until = Instant::now() + Duration::from_nanos(ns);
    while Instant::now() < until {
        std::hint::spin_loop();
    }
}

/// How many times each item ran.
fn counters(len: usize) -> Arc<Vec<AtomicU8>> {
    Arc::new((0..len).map(|_| AtomicU8::new(0)).collect())
}

/// Checks that each item ran once and gave its own index, or never ran and
/// ended as `never` says; returns how many never ran.
fn ran_once_or_never(
    results: &[Result<usize, JobError>],
    ran: &[AtomicU8],
    never: impl Fn(&JobError) -> bool,
) -> usize {
    let mut unrun = 0;
    for (n, result) in results.iter().enumerate() {
        match (result, ran[n].load(Ordering::Relaxed)) {
            (Ok(value), 1) => assert_eq!(*value, n),
            (Err(error), 0) if never(error) => unrun += 1,
            other => panic!("item {n}: {other:?}"),
        }
    }
    unrun
}

/// The pool's events as (job, outcome, value) since the start.
fn jobs_seen(pool: &Pool) -> Vec<(u64, f64, f64)> {
    let mut events = Vec::new();
    assert_eq!(pool.read_events(0, &mut events).missed, 0, "the trace kept every event");
    events
        .chunks(EVENT_FIELDS.len())
        .map(|e| (e[0] as u64, e[6], e[7]))
        .collect()
}

#[test]
fn every_item_runs_once_whatever_the_chunks_item_costs_and_resizes() {
    let _deadline = deadline("every_item_runs_once_whatever_the_chunks_item_costs_and_resizes");
    for seed in 1..=24u64 {
        let mut cases = Cases(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let pool = Pool::new(1 + cases.next(4) as usize).unwrap();
        let len = cases.next(5_000) as usize;
        let chunking = match cases.next(3) {
            0 => Chunking::Auto,
            1 => Chunking::PerItem,
            _ => Chunking::fixed(1 + cases.next(700) as usize),
        };
        let dear_every = 1 + cases.next(50); // every so many items costs up to 200 µs
        let dear_ns = cases.next(200_000);
        let ran = counters(len);
        let count = Arc::clone(&ran);
        let work = move |n: u64| {
            count[n as usize].fetch_add(1, Ordering::Relaxed);
            if n % dear_every == 0 {
                spin_ns(dear_ns);
            }
            n * 3
        };
        // `map_range` (Auto) computes its items instead of taking them from a `Vec`.
        let ranged = chunking == Chunking::Auto && cases.next(2) == 0;
        let batch = match ranged {
            true => pool.map_range(0..len as u64, work),
            false => pool.map_chunked(0..len as u64, chunking, work),
        }
        .unwrap();
        let jobs = batch.job_count();
        for _ in 0..cases.next(4) {
            pool.resize(1 + cases.next(6) as usize).unwrap();
        }
        let values = batch.join_values().unwrap();
        let case = format!("seed {seed}: {len} items, {chunking:?}, ranged {ranged}, {jobs} jobs");
        assert_eq!(values, (0..len as u64).map(|n| n * 3).collect::<Vec<_>>(), "{case}");
        assert!(
            ran.iter().all(|n| n.load(Ordering::Relaxed) == 1),
            "each item ran once: {case}"
        );
        idle(&pool);
        let seen = jobs_seen(&pool);
        assert_eq!(seen.len(), jobs, "an event per job: {case}");
        let items: f64 = seen.iter().map(|&(_, _, value)| value).sum();
        assert_eq!(items as usize, len, "the events count every item once: {case}");
    }
}

#[test]
fn cancel_and_timeouts_end_whole_chunks_and_no_item_runs_twice() {
    let _deadline = deadline("cancel_and_timeouts_end_whole_chunks_and_no_item_runs_twice");
    // Cancel while the first chunks run: each item ran once and is `Ok`, or never ran and is `Cancelled`.
    let pool = Pool::new(2).unwrap();
    let ran = counters(20_000);
    let count = Arc::clone(&ran);
    let batch = pool
        .map_chunked(0..20_000usize, Chunking::fixed(100), move |n| {
            count[n].fetch_add(1, Ordering::Relaxed);
            spin_ns(5_000);
            n
        })
        .unwrap();
    std::thread::sleep(Duration::from_millis(20));
    batch.cancel();
    let results = batch.join_all().unwrap();
    let cancelled = ran_once_or_never(&results, &ran, |e| matches!(e, JobError::Cancelled { .. }));
    assert!(
        cancelled > 0 && cancelled % 100 == 0,
        "whole chunks cancelled: {cancelled}"
    );

    // A chunk past the job timeout fails whole, with its items' time; the others complete.
    let options = PoolOptions {
        job_timeout_ms: Some(30.0),
        ..PoolOptions::default()
    };
    let pool = Pool::with_options(2, options).unwrap();
    let ran = counters(40);
    let count = Arc::clone(&ran);
    let batch = pool
        .map_chunked(0..40usize, Chunking::fixed(10), move |n| {
            count[n].fetch_add(1, Ordering::Relaxed);
            if n == 25 {
                while !crate::should_stop() {
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
            n
        })
        .unwrap();
    let results = batch.join_all().unwrap();
    for (n, result) in results.iter().enumerate() {
        match n / 10 {
            2 => assert!(matches!(result, Err(JobError::TimedOut { .. })), "item {n}: {result:?}"),
            _ => assert_eq!(*result, Ok(n)),
        }
        assert!(ran[n].load(Ordering::Relaxed) <= 1, "item {n} ran at most once");
    }
}

#[test]
fn a_panic_fails_only_its_chunk_and_names_its_item() {
    let _deadline = deadline("a_panic_fails_only_its_chunk_and_names_its_item");
    let pool = Pool::new(2).unwrap();
    let kept = Arc::new(());
    let held = Arc::clone(&kept);
    let batch = pool
        .map_chunked(0..1_000u32, Chunking::fixed(100), move |n| {
            assert!(n != 437, "no 437 here");
            Arc::clone(&held) // a value that must be dropped once
        })
        .unwrap();
    let results = batch.join_all().unwrap();
    for (n, result) in results.iter().enumerate() {
        match (n / 100, result) {
            (4, Err(JobError::Panicked { message, .. })) => {
                assert_eq!(message, "at item 437: no 437 here")
            }
            (4, other) => panic!("item {n} shares the panicking chunk: {other:?}"),
            (_, result) => assert!(result.is_ok(), "item {n}: {result:?}"),
        }
    }
    drop(results);
    idle(&pool);
    drop(pool);
    assert_eq!(Arc::strong_count(&kept), 1, "every value and capture dropped once");
}

#[test]
fn values_not_taken_are_dropped_and_taken_ones_are_not_given_twice() {
    let _deadline = deadline("values_not_taken_are_dropped_and_taken_ones_are_not_given_twice");
    let pool = Pool::new(2).unwrap();
    let kept = Arc::new(());
    let held = Arc::clone(&kept);
    let mut batch = pool
        .map_chunked(0..500u32, Chunking::fixed(64), move |_| Arc::clone(&held))
        .unwrap();
    let (first, _) = batch.join_next().unwrap().unwrap();
    let (second, _) = batch.join_next().unwrap().unwrap();
    assert_eq!(
        batch.job_of(first),
        batch.job_of(second),
        "items come a chunk at a time"
    );
    let rest = batch.join_all().unwrap();
    assert!(matches!(rest[first], Err(JobError::ResultTaken { .. })));
    assert_eq!(rest.iter().filter(|r| r.is_ok()).count(), 498);
    drop(rest);
    // A batch dropped unread drops its values.
    let held = Arc::clone(&kept);
    let unread = pool
        .map_chunked(0..500u32, Chunking::fixed(64), move |_| Arc::clone(&held))
        .unwrap();
    idle(&pool);
    drop(unread);
    drop(pool);
    assert_eq!(Arc::strong_count(&kept), 1);
}

#[test]
fn chunks_are_labelled_by_their_items() {
    let _deadline = deadline("chunks_are_labelled_by_their_items");
    let pool = Pool::new(1).unwrap();
    let batch = pool.map_chunked(0..10u32, Chunking::fixed(4), |n| n).unwrap();
    let labels: Vec<_> = (0..3).map(|k| pool.label(batch.job_of(k * 4)).unwrap()).collect();
    assert_eq!(labels, ["items 0-3", "items 4-7", "items 8-9"]);
    let rows = pool
        .map_labeled_chunked(0..10u32, Chunking::fixed(5), |r| format!("row {r}"), |r| r)
        .unwrap();
    assert_eq!(pool.label(rows.job_of(9)).as_deref(), Some("row 5 … row 9"));
    let single = pool.map_chunked(0..3u32, Chunking::PerItem, |n| n).unwrap();
    assert_eq!(
        pool.label(single.job_of(1)),
        None,
        "a job per item keeps today's unlabelled jobs"
    );
    idle(&pool);
}

#[test]
fn reduce_and_for_each_fold_every_item_once() {
    let _deadline = deadline("reduce_and_for_each_fold_every_item_once");
    let pool = Pool::new(3).unwrap();
    let sum = pool
        .reduce(0..1_000_000u64, |n| n * n, || 0u64, |a, b| a.wrapping_add(b))
        .unwrap();
    assert!(sum.job_count() > 1);
    assert_eq!(
        sum.join(),
        Ok((0..1_000_000u64).map(|n| n * n).fold(0, u64::wrapping_add))
    );
    // Not commutative: the caller folds the jobs in input order.
    let text = pool
        .reduce(0..500u32, |n| n.to_string(), String::new, |a, b| a + &b)
        .unwrap();
    assert_eq!(
        text.join().unwrap(),
        (0..500).map(|n| n.to_string()).collect::<String>()
    );
    let ran = counters(10_000);
    let count = Arc::clone(&ran);
    let done = pool
        .for_each(0..10_000usize, move |n| {
            count[n].fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
    assert_eq!(done.join(), Ok(()));
    assert!(ran.iter().all(|n| n.load(Ordering::Relaxed) == 1));
    let empty = pool.reduce(Vec::<u8>::new(), u32::from, || 7, |a, b| a + b).unwrap();
    assert_eq!((empty.job_count(), empty.join()), (0, Ok(7)));
    let failing = pool
        .reduce(
            0..100u32,
            |n| if n == 60 { panic!("sixty") } else { n },
            || 0,
            |a, b| a + b,
        )
        .unwrap();
    assert!(matches!(failing.join(), Err(JobError::Panicked { message, .. }) if message.ends_with("sixty")));
}

#[test]
fn auto_sizes_a_closures_next_batches_from_its_measured_cost() {
    let _deadline = deadline("auto_sizes_a_closures_next_batches_from_its_measured_cost");
    let pool = Pool::new(2).unwrap();
    let cheap = |n: u64| n.wrapping_mul(2_654_435_761);
    let first = pool.map(0..200_000u64, cheap).unwrap();
    assert_ne!(first.job_of(0), first.job_of(1), "unknown: the first item runs alone");
    first.join_values().unwrap();
    idle(&pool);
    let second = pool.map(0..200_000u64, cheap).unwrap();
    let chunk = (0..200_000)
        .take_while(|&n| second.job_of(n) == second.job_of(0))
        .count();
    assert!(
        chunk > 100,
        "measured cheap: the first job is a large chunk ({chunk} items)"
    );
    second.join_values().unwrap();
    let dear = |n: u64| {
        spin_ns(300_000);
        n
    };
    pool.map(0..40u64, dear).unwrap().join_values().unwrap();
    idle(&pool);
    let again = pool.map(0..40u64, dear).unwrap();
    assert_eq!(again.job_count(), 40, "an item dearer than a chunk's target runs alone");
    again.join_values().unwrap();
}

#[test]
fn a_map_of_plain_values_writes_them_over_its_items() {
    let _deadline = deadline("a_map_of_plain_values_writes_them_over_its_items");
    let pool = Pool::new(2).unwrap();
    // The same layout and nothing to drop (u64 to f64): the caller's `Vec` becomes the values.
    let items: Vec<u64> = (0..100_000).collect();
    let memory = items.as_ptr() as usize;
    let values = pool.map(items, |n| n as f64 / 2.0).unwrap().join_values().unwrap();
    assert_eq!(values.as_ptr() as usize, memory, "the values are in the items' memory");
    assert!(values.iter().enumerate().all(|(n, &v)| v == n as f64 / 2.0));

    // Taken a chunk at a time, and partly cancelled: each item once, `Ok` or `Cancelled`.
    let ran = counters(20_000);
    let count = Arc::clone(&ran);
    let items: Vec<usize> = (0..20_000).collect();
    let mut batch = pool
        .map_chunked(items, Chunking::fixed(100), move |n| {
            count[n].fetch_add(1, Ordering::Relaxed);
            spin_ns(5_000);
            n
        })
        .unwrap();
    let (first, value) = batch.join_next().unwrap().unwrap();
    assert_eq!(value, Ok(first));
    batch.cancel();
    let mut results = batch.join_all().unwrap();
    assert!(matches!(results[first], Err(JobError::ResultTaken { .. })));
    results[first] = Ok(first);
    let cancelled = ran_once_or_never(&results, &ran, |e| matches!(e, JobError::Cancelled { .. }));
    assert!(
        cancelled > 0 && cancelled % 100 == 0,
        "whole chunks cancelled: {cancelled}"
    );

    // Another layout (u32 to u64), or values that drop: memory of their own, the items' freed.
    let items: Vec<u32> = (0..1_000).collect();
    let values = pool.map(items, |n| u64::from(n) << 40).unwrap().join_values().unwrap();
    assert_eq!(values[999], 999 << 40);
    let names = pool.map(0..1_000u64, |n| n.to_string()).unwrap().join_values().unwrap();
    assert_eq!(names[999], "999");

    // A pool dropped with the batch queued: its unrun items and lent memory freed once.
    let slow = Pool::new(1).unwrap();
    let unrun = slow
        .map_chunked(vec![1u64; 10_000], Chunking::fixed(10), |n| {
            spin_ns(20_000);
            n
        })
        .unwrap();
    slow.stop();
    let results = unrun.join_all().unwrap();
    assert!(results.iter().any(|r| matches!(r, Err(JobError::PoolStopped { .. }))));
    assert!(results
        .iter()
        .all(|r| matches!(r, Ok(1) | Err(JobError::PoolStopped { .. }))));
}

#[test]
fn stop_ends_waiting_chunks_whole_and_the_running_ones_finish() {
    let _deadline = deadline("stop_ends_waiting_chunks_whole_and_the_running_ones_finish");
    let pool = Pool::new(2).unwrap();
    let ran = counters(10_000);
    let count = Arc::clone(&ran);
    let batch = pool
        .map_chunked(0..10_000usize, Chunking::fixed(250), move |n| {
            count[n].fetch_add(1, Ordering::Relaxed);
            spin_ns(10_000);
            n
        })
        .unwrap();
    // Stopped once the first item ran (whatever the machine's load): 40 chunks of 2.5 ms are far from done.
    while ran[0].load(Ordering::Relaxed) == 0 {
        std::thread::sleep(Duration::from_millis(1));
    }
    let dropped = pool.stop();
    let results = batch.join_all().unwrap();
    let stopped = ran_once_or_never(&results, &ran, |e| matches!(e, JobError::PoolStopped { .. }));
    assert_eq!(
        stopped,
        dropped as usize * 250,
        "each job dropped by stop is 250 items, each PoolStopped"
    );
    assert!(
        stopped > 0 && stopped < 10_000,
        "some chunks ran, the rest were dropped: {stopped}"
    );
    assert!(pool.map(0..3u8, |n| n).is_err(), "a stopped pool takes no more");
}

#[test]
fn ranges_map_and_reduce_each_integer_once_and_refuse_too_many() {
    let _deadline = deadline("ranges_map_and_reduce_each_integer_once_and_refuse_too_many");
    let pool = Pool::new(3).unwrap();
    let signed = pool.map_range(-1_000i32..1_000, |n| n * 2).unwrap();
    assert_eq!(
        signed.join_values().unwrap(),
        (-1_000..1_000).map(|n| n * 2).collect::<Vec<_>>()
    );
    let tiny = pool.map_range(i8::MIN..i8::MAX, i16::from).unwrap();
    assert_eq!(
        tiny.join_values().unwrap(),
        (i8::MIN..i8::MAX).map(i16::from).collect::<Vec<_>>()
    );
    for empty in [5u64..5, std::ops::Range { start: 9, end: 3 }] {
        let batch = pool.map_range(empty, |n| n).unwrap();
        assert_eq!((batch.len(), batch.job_count()), (0, 0));
        assert_eq!(batch.join_values().unwrap(), Vec::<u64>::new());
    }
    let far = pool.map_range(u64::MAX - 3..u64::MAX, |n| n).unwrap();
    assert_eq!(far.join_values().unwrap(), [u64::MAX - 3, u64::MAX - 2, u64::MAX - 1]);
    let before = pool.counters();
    match pool.map_range(0..u64::MAX, |n| n) {
        Err(crate::PoolError::QueueFull { requested, .. }) => assert_eq!(requested, u64::MAX),
        other => panic!("2^64 - 1 items: {:?}", other.map(|b| b.len())),
    }
    assert_eq!(pool.counters().submitted, before.submitted, "nothing queued");
    // `map` refuses as many before collecting them (at once: 10^12 `u64`s would not fit in memory),
    // and an iterator of unknown length once it gave one more than `MAX_JOBS`.
    match pool.map(0..1_000_000_000_000u64, |n| n) {
        Err(crate::PoolError::QueueFull { requested, .. }) => assert_eq!(requested, 1_000_000_000_000),
        other => panic!("10^12 items: {:?}", other.map(|b| b.len())),
    }
    let unknown = (0..u64::MAX).filter(|n| n % 2 == 0);
    match pool.map(unknown, |n| n) {
        Err(crate::PoolError::QueueFull { requested, .. }) => assert_eq!(requested, crate::MAX_JOBS + 1),
        other => panic!("an endless filter: {:?}", other.map(|b| b.len())),
    }
    assert_eq!(pool.counters().submitted, before.submitted, "nothing queued");
    // A panic in a chunk of a range names its item; the other chunks give their values.
    let late = pool.map_range(0..3_000u32, |n| {
        assert!(n != 2_345, "no 2345 here");
        n
    });
    let results = late.unwrap().join_all().unwrap();
    let failed: Vec<_> = results.iter().enumerate().filter(|(_, r)| r.is_err()).collect();
    assert!(failed.iter().any(|&(n, _)| n == 2_345), "the item's chunk failed");
    for (n, result) in &failed {
        match result {
            Err(JobError::Panicked { message, .. }) => {
                assert!(message.contains("at item 2345: no 2345 here"), "item {n}: {message}")
            }
            other => panic!("item {n}: {other:?}"),
        }
    }
    assert!(failed.len() < 3_000, "only that chunk failed");
    // `reduce_range`: in order (a non-commutative fold), empty, and refused when too long.
    let digits = pool.reduce_range(1..10u32, |n| n.to_string(), String::new, |a, b| a + &b);
    assert_eq!(digits.unwrap().join(), Ok("123456789".to_string()));
    let none = pool.reduce_range(7i16..7, |n| n, || -1, |a, b| a.max(b)).unwrap();
    assert_eq!(none.join(), Ok(-1), "no items: the identity");
    let too_many = pool.reduce_range(i64::MIN..i64::MAX, |n| n, || 0, |a, b| a ^ b);
    assert!(matches!(
        too_many.map(|_| ()),
        Err(crate::PoolError::QueueFull {
            requested: u64::MAX,
            ..
        })
    ));
    assert!(results
        .iter()
        .enumerate()
        .all(|(n, r)| r.is_err() || *r == Ok(n as u32)));
}
