//! Closure jobs (`spawn`, `map`) on native threads: results, their order,
//! every way a job can end, and bad input. The browser suites in `tests/`
//! check the same on Web Workers.

use crate::core::events::EVENT_FIELDS;
use crate::core::job::{JobKind, Outcome};
use crate::core::options::PoolOptions;
use crate::core::placement::Placement;
use crate::core::pool::Labels;
use crate::core::tests::{deadline, ended, idle, running};
use crate::native::Pool;
use crate::{Chunking, JobError, PoolError, MAX_LABEL_BYTES};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

/// Polls `future` on this thread until it is ready, parking in between.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        assert!(Instant::now() < deadline, "waited 30 s for a future in vain");
        std::thread::park_timeout(Duration::from_millis(100));
    }
}

/// Holds closures until the test opens it: the test, not the machine's
/// load, decides when they finish.
#[derive(Clone, Default)]
struct Gate(Arc<AtomicBool>);

impl Gate {
    fn open(&self) {
        self.0.store(true, Ordering::Release);
    }

    fn closure<T: Send + 'static>(&self, value: T) -> impl FnOnce() -> T + Send + 'static {
        let gate = self.clone();
        move || {
            while !gate.0.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(1));
            }
            value
        }
    }
}

fn events(pool: &Pool) -> Vec<f64> {
    let mut events = Vec::new();
    assert_eq!(pool.read_events(0, &mut events).missed, 0, "the trace kept every event");
    events
}

#[test]
fn spawn_gives_the_closures_value_as_a_future_and_by_join() {
    let _deadline = deadline("spawn_gives_the_closures_value_as_a_future_and_by_join");
    let pool = Pool::new(2).unwrap();
    let handle = pool.spawn(|| 6 * 7).unwrap();
    assert_eq!(handle.job(), 1);
    assert_eq!(block_on(handle), Ok(42));
    assert_eq!(
        pool.spawn(|| "joined".to_string()).unwrap().join(),
        Ok("joined".to_string())
    );
    idle(&pool);
    let events = events(&pool);
    assert_eq!(events.len(), 2 * EVENT_FIELDS.len());
    assert!(events
        .chunks(EVENT_FIELDS.len())
        .all(|e| e[2] == JobKind::Closure as u8 as f64 && e[6] == 0.0));
    assert_eq!(pool.counters().completed, 2);
}

#[test]
fn map_gives_results_in_input_order_each_job_once() {
    let _deadline = deadline("map_gives_results_in_input_order_each_job_once");
    let pool = Pool::new(4).unwrap();
    let batch = pool.map_chunked(0..10_000u64, Chunking::PerItem, |n| n * 3).unwrap();
    assert_eq!(batch.jobs(), (1..=10_000).collect::<Vec<u64>>());
    let results = block_on(batch.in_order());
    assert_eq!(results, (0..10_000u64).map(|n| Ok(n * 3)).collect::<Vec<_>>());
    idle(&pool);
    let mut seen = vec![0u8; 10_001];
    for event in events(&pool).chunks(EVENT_FIELDS.len()) {
        seen[event[0] as usize] += 1;
    }
    assert!(seen[1..].iter().all(|&n| n == 1), "each job reported exactly once");
}

#[test]
fn a_partitioned_map_runs_each_slice_on_its_own_worker() {
    let _deadline = deadline("a_partitioned_map_runs_each_slice_on_its_own_worker");
    let pool = Pool::new(2).unwrap();
    let gate = Gate::default();
    // Job 1 waits for the gate: with a shared queue, worker 2 would take jobs 2..=6.
    let first = gate.closure(());
    let first = std::sync::Mutex::new(Some(first));
    let batch = pool
        .map_partitioned(
            0..6u32,
            |i| format!("part {i}"),
            move |i| {
                if i == 0 {
                    (first.lock().unwrap().take().unwrap())();
                }
                i
            },
        )
        .unwrap();
    assert_eq!(
        pool.resize(3),
        Err(PoolError::PartitionFixed),
        "slices are fixed while jobs are left"
    );
    let later = pool.map_partitioned(0..2u32, |i| format!("late {i}"), |i| i);
    assert_eq!(
        later.err(),
        Some(PoolError::PartitionBusy),
        "one partitioned batch at a time"
    );
    // Worker 2 finishes its slice; jobs 2 and 3 wait behind job 1 all the same.
    while pool.counters().completed < 3 {
        std::thread::sleep(Duration::from_millis(1));
    }
    gate.open();
    assert_eq!(block_on(batch.in_order()), (0..6).map(Ok).collect::<Vec<_>>());
    idle(&pool);
    assert_eq!(pool.label(3).as_deref(), Some("part 2"));
    for event in events(&pool).chunks(EVENT_FIELDS.len()) {
        let expected = if event[0] <= 3.0 { 1.0 } else { 2.0 };
        assert_eq!(event[1], expected, "job {} ran on its slice's worker", event[0]);
    }
}

#[test]
fn map_gives_results_as_jobs_finish_without_waiting_for_the_batch() {
    let _deadline = deadline("map_gives_results_as_jobs_finish_without_waiting_for_the_batch");
    let pool = Pool::new(4).unwrap();
    // Each closure waits until the test opens its gate: the test decides
    // the order they finish in, whatever the machine's load.
    let gates: Arc<Vec<AtomicBool>> = Arc::new((0..4).map(|_| AtomicBool::new(false)).collect());
    let held = Arc::clone(&gates);
    let mut batch = pool
        .map(0..4usize, move |i| {
            while !held[i].load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(1));
            }
            i
        })
        .unwrap();
    let mut order = Vec::new();
    for (turn, opened) in [3, 1, 0, 2].into_iter().enumerate() {
        gates[opened].store(true, Ordering::Release);
        let next = if turn % 2 == 0 {
            batch.join_next().unwrap()
        } else {
            block_on(batch.next_finished())
        };
        let (index, result) = next.unwrap();
        assert_eq!(result, Ok(index));
        assert_eq!(
            batch.finished(),
            turn + 1,
            "item {index} came while the others still ran"
        );
        order.push(index);
    }
    assert_eq!(order, [3, 1, 0, 2], "each result came as its job finished");
    assert_eq!(batch.join_next(), Ok(None), "every result was given");
}

#[test]
fn a_slow_closure_holds_back_at_most_the_rest_of_its_run() {
    let _deadline = deadline("a_slow_closure_holds_back_at_most_the_rest_of_its_run");
    const JOBS: usize = 2_000;
    let held_back = crate::core::queue::MOST_CLOSURES_PER_RUN as usize - 1;
    let pool = Pool::new(2).unwrap();
    let finished = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&finished);
    // The first closure waits until every other job is done but the few
    // its worker took with it in one claim: those cannot run before it.
    let batch = pool
        .map_chunked(0..JOBS, Chunking::PerItem, move |i| {
            if i == 0 {
                let limit = Instant::now() + Duration::from_secs(20);
                while counted.load(Ordering::Acquire) < JOBS - 1 - held_back {
                    assert!(
                        Instant::now() < limit,
                        "jobs still waiting behind the slow one: {}",
                        JOBS - 1 - counted.load(Ordering::Acquire)
                    );
                    std::thread::sleep(Duration::from_millis(1));
                }
            } else {
                counted.fetch_add(1, Ordering::AcqRel);
            }
            i
        })
        .unwrap();
    let results = batch.join_all().unwrap();
    assert_eq!(
        results,
        (0..JOBS).map(Ok).collect::<Vec<_>>(),
        "every job once, the slow one included"
    );
}

#[test]
fn a_pool_dropped_with_closures_queued_tells_each_handle() {
    let _deadline = deadline("a_pool_dropped_with_closures_queued_tells_each_handle");
    // No workers: the jobs stay queued until the core is dropped.
    let core = crate::core::pool::PoolCore::new(PoolOptions::default()).unwrap();
    let captured = Arc::new(());
    let held = Arc::clone(&captured);
    let one = core.spawn(None, move || Arc::strong_count(&held)).unwrap();
    let batch = core
        .map(0..3u64, Labels::Ranges, (Chunking::PerItem, Placement::Shared), |n| n)
        .unwrap();
    drop(core);
    assert_eq!(one.join(), Err(JobError::PoolStopped { job: 1 }));
    assert_eq!(
        batch.join_all().unwrap(),
        (2..=4)
            .map(|job| Err(JobError::PoolStopped { job }))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        Arc::strong_count(&captured),
        1,
        "the closure that never ran was dropped"
    );
}

#[test]
fn a_panicking_closure_fails_with_its_message_drops_its_captures_and_nothing_else_is_lost() {
    let _deadline = deadline("a_panicking_closure_fails_with_its_message_drops_its_captures_and_nothing_else_is_lost");
    let pool = Pool::new(2).unwrap();
    let captured = Arc::new(());
    let witness = Arc::clone(&captured);
    let failing = pool
        .spawn(move || {
            let _keep = witness;
            panic!("tile 7 was too hard")
        })
        .unwrap();
    let others = pool.map_chunked(0..100u32, Chunking::PerItem, |n| n + 1).unwrap();
    assert_eq!(
        failing.join(),
        Err(JobError::Panicked {
            job: 1,
            message: "tile 7 was too hard".to_string()
        })
    );
    assert_eq!(
        others.join_all().unwrap(),
        (0..100u32).map(|n| Ok(n + 1)).collect::<Vec<_>>()
    );
    assert_eq!(
        Arc::strong_count(&captured),
        1,
        "native threads unwind: the captured values were dropped"
    );
    idle(&pool);
    let counters = pool.counters();
    assert_eq!((counters.completed, counters.failed), (100, 1));
    assert_eq!(pool.take_failures()[0].message, "tile 7 was too hard");
}

#[test]
fn a_closure_past_the_timeout_is_reported_at_once_and_runs_on_while_another_thread_takes_its_place() {
    let _deadline =
        deadline("a_closure_past_the_timeout_is_reported_at_once_and_runs_on_while_another_thread_takes_its_place");
    let pool = Pool::with_options(
        1,
        PoolOptions {
            job_timeout_ms: Some(100.0),
            ..PoolOptions::default()
        },
    )
    .unwrap();
    let finished = Arc::new(AtomicUsize::new(0));
    let ran_on = Arc::clone(&finished);
    let gate = Gate::default();
    let held = gate.closure("too late");
    let slow = pool
        .spawn(move || {
            let value = held();
            ran_on.fetch_add(1, Ordering::SeqCst);
            value
        })
        .unwrap();
    let next = pool.spawn(|| "next").unwrap();
    match slow.join() {
        Err(JobError::TimedOut { job: 1, after_ms }) => assert!(after_ms >= 100.0, "{after_ms}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(next.join(), Ok("next"), "the replacement thread took the next job");
    assert_eq!(
        finished.load(Ordering::SeqCst),
        0,
        "the closure was not interrupted: it is still running"
    );
    gate.open();
    idle(&pool);
    assert_eq!((pool.counters().timed_out, pool.counters().completed), (1, 1));
    drop(pool); // joins every thread, the old one too
    assert_eq!(
        finished.load(Ordering::SeqCst),
        1,
        "it ran to its end; its value was dropped"
    );
}

#[test]
fn cancel_and_stop_tell_each_waiting_closure_how_it_ended() {
    let _deadline = deadline("cancel_and_stop_tell_each_waiting_closure_how_it_ended");
    let pool = Pool::new(1).unwrap();
    let gate = Gate::default();
    let blocker = pool.spawn(gate.closure(())).unwrap();
    running(&pool, 1); // the one worker is held
    let waiting = pool.map(0..3u32, |n| n).unwrap();
    assert_eq!(pool.cancel(), 3);
    let jobs = waiting.jobs();
    assert_eq!(
        waiting.join_all().unwrap(),
        jobs.iter()
            .map(|&job| Err(JobError::Cancelled { job }))
            .collect::<Vec<_>>()
    );
    gate.open();
    assert_eq!(blocker.join(), Ok(()));
    let gate = Gate::default();
    let held = pool.spawn(gate.closure(1)).unwrap();
    running(&pool, 1);
    let never = pool.spawn(|| 2).unwrap();
    let never_job = never.job();
    pool.stop();
    gate.open();
    assert_eq!(held.join(), Ok(1), "a job taken before the stop finishes");
    assert_eq!(never.join(), Err(JobError::PoolStopped { job: never_job }));
    assert_eq!(
        pool.spawn(|| 3).unwrap_err(),
        PoolError::PoolStopped,
        "a stopped pool takes no closure"
    );
}

#[test]
fn closures_stay_exactly_once_across_resizes_during_a_batch() {
    let _deadline = deadline("closures_stay_exactly_once_across_resizes_during_a_batch");
    let pool = Pool::new(2).unwrap();
    // Every 1,000th closure waits for the gate: the batch cannot end before the resizes.
    let gate = Gate::default();
    let held = gate.clone();
    let batch = pool
        .map_chunked(0..50_000u64, Chunking::PerItem, move |n| {
            if n % 1_000 == 999 {
                held.clone().closure(())();
            }
            n.wrapping_mul(2_654_435_761) % 1_000
        })
        .unwrap();
    for size in [8, 1, 5, 3, 7, 2, 6, 4] {
        pool.resize(size).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    gate.open();
    let results = batch.join_all().unwrap();
    assert!(results
        .iter()
        .enumerate()
        .all(|(n, r)| *r == Ok((n as u64).wrapping_mul(2_654_435_761) % 1_000)));
    idle(&pool);
    let mut seen = vec![0u8; 50_001];
    let mut workers = std::collections::HashSet::new();
    for event in events(&pool).chunks(EVENT_FIELDS.len()) {
        seen[event[0] as usize] += 1;
        workers.insert(event[1] as u32);
        assert_eq!(event[6], Outcome::Completed as u8 as f64);
    }
    assert!(seen[1..].iter().all(|&n| n == 1), "each job reported exactly once");
    assert!(workers.len() > 2, "the resizes changed who ran jobs: {workers:?}");
}

#[test]
fn a_closure_that_captures_a_large_vec_returns_another() {
    let _deadline = deadline("a_closure_that_captures_a_large_vec_returns_another");
    let pool = Pool::new(2).unwrap();
    let input: Vec<u32> = (0..4_000_000).collect();
    let reversed = pool
        .spawn(move || input.into_iter().rev().map(|x| x * 2).collect::<Vec<u32>>())
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(reversed.len(), 4_000_000);
    assert_eq!((reversed[0], reversed[3_999_999]), (7_999_998, 0));
}

#[test]
fn bad_input_is_named_and_loses_nothing() {
    let _deadline = deadline("bad_input_is_named_and_loses_nothing");
    let pool = Pool::new(2).unwrap();
    let kept = pool.spawn(|| "kept").unwrap();
    // A label over the limit is refused, not cut: 10 MB and one byte too many.
    for len in [10_000_000, MAX_LABEL_BYTES + 1] {
        let label = "x".repeat(len);
        assert_eq!(
            pool.spawn_labeled(&label, || ()).unwrap_err(),
            PoolError::LabelTooLong {
                len,
                max: MAX_LABEL_BYTES
            }
        );
    }
    let labeled = pool.spawn_labeled(&"y".repeat(MAX_LABEL_BYTES), || ()).unwrap();
    assert_eq!(
        pool.label(labeled.job()).map(|label| label.len()),
        Some(MAX_LABEL_BYTES)
    );
    assert_eq!(pool.label(kept.job()), None);
    assert_eq!(pool.label(999), None);
    // A labelled map with one label too long queues none of its jobs.
    let submitted = pool.counters().submitted;
    let long = |&n: &usize| {
        if n == 2 {
            "z".repeat(MAX_LABEL_BYTES + 1)
        } else {
            format!("item {n}")
        }
    };
    assert_eq!(
        pool.map_labeled(0..4usize, long, |n| n).unwrap_err(),
        PoolError::LabelTooLong {
            len: MAX_LABEL_BYTES + 1,
            max: MAX_LABEL_BYTES
        }
    );
    assert_eq!(pool.counters().submitted, submitted, "nothing of the batch was queued");
    let tiles = pool.map_labeled(0..3usize, |n| format!("tile {n},0"), |n| n).unwrap();
    let jobs = tiles.jobs();
    assert_eq!(tiles.join_all().unwrap(), [Ok(0), Ok(1), Ok(2)]);
    assert_eq!(
        jobs.iter().map(|&job| pool.label(job).unwrap()).collect::<Vec<_>>(),
        ["tile 0,0", "tile 1,0", "tile 2,0"]
    );
    // A map over nothing is an empty batch, finished at once.
    let empty = pool.map(Vec::<u8>::new(), |n| n).unwrap();
    assert!(empty.is_empty());
    assert_eq!(block_on(empty.in_order()), Vec::new());
    let mut empty = pool.map(Vec::<u8>::new(), |n| n).unwrap();
    assert_eq!(block_on(empty.next_finished()), None);
    // Awaiting a result twice: the second time says it was taken.
    let mut twice = pool.spawn(|| 5).unwrap();
    assert_eq!(block_on(&mut twice), Ok(5));
    assert_eq!(block_on(&mut twice), Err(JobError::ResultTaken { job: twice.job() }));
    assert_eq!(
        twice.try_result(),
        Some(Err(JobError::ResultTaken { job: twice.job() }))
    );
    assert_eq!(kept.join(), Ok("kept"));
    assert_eq!(labeled.join(), Ok(()));
    // A bounded queue refuses a batch it has no room for, queuing none of it.
    let bounded = Pool::with_options(
        1,
        PoolOptions {
            capacity: Some(3),
            ..PoolOptions::default()
        },
    )
    .unwrap();
    let _busy = bounded.spawn(|| std::thread::sleep(Duration::from_millis(50))).unwrap();
    assert!(matches!(
        bounded.map_chunked(0..10, Chunking::PerItem, |n| n).unwrap_err(),
        PoolError::QueueFull { requested: 10, .. }
    ));
    assert_eq!(bounded.counters().submitted, 1);
}

/// Waits (with the test's deadline) until `done()`, polling.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let end = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < end, "waited 20 s for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_cancelled_closure_that_waited_never_runs_and_a_running_one_sees_should_stop() {
    let _deadline = deadline("a_cancelled_closure_that_waited_never_runs_and_a_running_one_sees_should_stop");
    let pool = Pool::new(1).unwrap();
    assert!(!crate::should_stop(), "false outside a job");
    let stopped_after = Arc::new(AtomicUsize::new(0));
    let turns = Arc::clone(&stopped_after);
    let began = Arc::new(AtomicBool::new(false));
    let has_begun = Arc::clone(&began);
    let running = pool
        .spawn(move || {
            has_begun.store(true, Ordering::SeqCst);
            let mut n = 0;
            while !crate::should_stop() {
                n += 1;
                std::thread::yield_now();
            }
            turns.store(n, Ordering::SeqCst);
            "ended early"
        })
        .unwrap();
    let ran = Arc::new(AtomicBool::new(false));
    let ran_in_job = Arc::clone(&ran);
    let waiting = pool.spawn(move || ran_in_job.store(true, Ordering::SeqCst)).unwrap();
    let after = pool.spawn(|| "after").unwrap();
    wait_until("the first closure to begin", || began.load(Ordering::SeqCst));
    waiting.cancel();
    assert!(!waiting.is_finished(), "settled when its turn comes, by the worker");
    running.cancel();
    assert_eq!(running.join(), Ok("ended early"), "it returned once told to stop");
    assert!(stopped_after.load(Ordering::SeqCst) > 0);
    assert!(matches!(waiting.join(), Err(JobError::Cancelled { job: 2 })));
    assert_eq!(after.join(), Ok("after"), "the job after it ran");
    idle(&pool);
    assert!(!ran.load(Ordering::SeqCst), "the cancelled closure never ran");
    assert_eq!(ended(&pool), (2, 1, 0, 0));
    let events = events(&pool);
    let cancelled = events
        .chunks_exact(EVENT_FIELDS.len())
        .find(|event| event[0] == 2.0)
        .unwrap();
    assert_eq!(
        (cancelled[1], cancelled[6]),
        (0.0, Outcome::Cancelled as u8 as f64),
        "worker 0: it never ran"
    );
}

#[test]
fn a_batch_cancelled_ends_its_running_item_early_and_never_runs_the_rest() {
    let _deadline = deadline("a_batch_cancelled_ends_its_running_item_early_and_never_runs_the_rest");
    let pool = Pool::new(1).unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&ran);
    let batch = pool
        .map_chunked(0..100u64, Chunking::PerItem, move |n| {
            count.fetch_add(1, Ordering::SeqCst); // item 0 first: one worker takes them in order
            while n == 0 && !crate::should_stop() {
                std::thread::yield_now();
            }
            n
        })
        .unwrap();
    wait_until("item 0 to begin", || ran.load(Ordering::SeqCst) == 1);
    batch.cancel();
    let results = batch.join_all().unwrap();
    assert_eq!(results[0], Ok(0));
    assert!(
        results[1..]
            .iter()
            .all(|r| matches!(r, Err(JobError::Cancelled { .. }))),
        "{results:?}"
    );
    assert_eq!(ran.load(Ordering::SeqCst), 1, "only item 0 ran");
    idle(&pool);
    assert_eq!(ended(&pool), (1, 99, 0, 0));
}

#[test]
fn a_closure_past_its_timeout_sees_should_stop_and_frees_its_thread() {
    let _deadline = deadline("a_closure_past_its_timeout_sees_should_stop_and_frees_its_thread");
    let pool = Pool::with_options(
        1,
        PoolOptions {
            job_timeout_ms: Some(50.0),
            ..PoolOptions::default()
        },
    )
    .unwrap();
    let stopped = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stopped);
    let endless = pool
        .spawn(move || {
            while !crate::should_stop() {
                std::thread::sleep(Duration::from_micros(100));
            }
            flag.store(true, Ordering::SeqCst);
        })
        .unwrap();
    assert!(matches!(endless.join(), Err(JobError::TimedOut { job: 1, .. })));
    wait_until("the timed-out closure to see should_stop and return", || {
        stopped.load(Ordering::SeqCst)
    });
    assert_eq!(pool.spawn(|| 7).unwrap().join(), Ok(7));
    drop(pool); // joins every thread: the old one ended by itself
}

#[test]
fn progress_from_a_closure_reaches_its_workers_stats() {
    let _deadline = deadline("progress_from_a_closure_reaches_its_workers_stats");
    let pool = Pool::new(1).unwrap();
    let gate = Gate::default();
    let held = gate.closure(());
    let job = pool
        .spawn(move || {
            crate::progress(0.25);
            crate::progress(f64::NAN); // ignored
            crate::progress(0.5);
            held();
            crate::progress(2.0); // clamped
        })
        .unwrap();
    let progress_now = || {
        pool.worker_stats()
            .iter()
            .find(|w| w.running_job == 1)
            .and_then(|w| w.progress)
    };
    wait_until("progress 0.5 in the worker's stats", || progress_now() == Some(0.5));
    gate.open();
    job.join().unwrap();
    idle(&pool);
    assert_eq!(pool.worker_stats()[0].progress, None, "no job runs: no progress");
    // The exported trace draws it as a counter on the worker's own track name.
    let trace = pool.export_trace(crate::TraceOptions::default());
    for fraction in ["0.25", "0.5", "1", "0"] {
        let point = format!(",\"args\":{{\"fraction\":{fraction}}}}}");
        assert_eq!(
            trace.matches(&point).count(),
            1,
            "progress {fraction} once in the trace: {trace}"
        );
    }
    crate::progress(0.5); // outside a job: nothing happens
    let after = pool.spawn(|| crate::current_job().is_some()).unwrap();
    assert_eq!(after.join(), Ok(true));
}
