//! Closure jobs on Web Workers (`spawn`, `map`), driven from a page's main
//! thread and from a dedicated worker: results, their order, every way a
//! job can end, and what a panic on wasm costs.

use super::{before_deadline, counter, options, pause, running, settle, state, within, DEADLINE_MS};
use js_sys::Reflect;
use poolscope::Pool;
use poolscope::{Chunking, JobError, PoolError};
use wasm_bindgen_futures::JsFuture;

/// Holds closures until the test opens it: the test, not the machine's
/// load, decides when they finish.
#[derive(Clone, Default)]
struct Gate(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Gate {
    fn open(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Release);
    }

    /// A closure that waits for the gate, then returns `value`.
    fn closure<T: Send + 'static>(&self, value: T) -> impl FnOnce() -> T + Send + 'static {
        let gate = self.clone();
        move || {
            while !gate.0.load(std::sync::atomic::Ordering::Acquire) {
                sleep(2.0);
            }
            value
        }
    }
}

/// Sleeps on a worker without using the CPU.
fn sleep(ms: f64) {
    poolscope::clock::sleep_ms_until(ms, None);
}

pub async fn closures_give_their_results_in_input_order() {
    let pool = Pool::new(3).unwrap();
    let answer = pool.spawn(|| 6 * 7).unwrap();
    assert_eq!(answer.job(), 1);
    assert_eq!(before_deadline(&pool, "spawn(|| 6 * 7)", answer).await, Ok(42));
    let squares = pool.map(0..2_000u64, |n| n * n).unwrap();
    let jobs = squares.job_count() as f64;
    assert!(jobs < 2_000.0, "a cheap closure runs in chunks: {jobs} jobs");
    let results = before_deadline(&pool, "map of 2,000 closures", squares.in_order()).await;
    assert_eq!(results, (0..2_000u64).map(|n| Ok(n * n)).collect::<Vec<_>>());
    assert_eq!(counter(&pool, "completed"), jobs + 1.0);
    let values = pool.map_chunked(0..2_000u64, Chunking::PerItem, |n| n + 1).unwrap();
    let values = before_deadline(&pool, "2,000 closures, a job each", values.values()).await;
    assert_eq!(values, Ok((1..=2_000u64).collect::<Vec<_>>()));
    assert_eq!(counter(&pool, "completed"), jobs + 2_001.0);
    let sum = pool.reduce(0..100_000u64, |n| n * n, || 0, |a, b| a + b).unwrap();
    let sum = before_deadline(&pool, "a reduce of 100,000 items", sum).await;
    assert_eq!(sum, Ok((0..100_000u64).map(|n| n * n).sum()));
    // The same from a range whose items are computed, not collected.
    let sum = pool
        .reduce_range(-50_000i64..50_000, |n| n * n, || 0, |a, b| a + b)
        .unwrap();
    let sum = before_deadline(&pool, "a reduce_range of 100,000 integers", sum).await;
    assert_eq!(sum, Ok((-50_000i64..50_000).map(|n| n * n).sum()));
    // Plain values laid out as their items are written over them, in the caller's `Vec`.
    let items: Vec<u32> = (0..100_000).collect();
    let memory = items.as_ptr() as usize;
    let halves = pool.map(items, |n| n as f32 / 2.0).unwrap();
    let halves = before_deadline(&pool, "a map of 100,000 u32s to f32s", halves.values()).await;
    let halves = halves.unwrap();
    assert_eq!(halves.as_ptr() as usize, memory, "the values are in the items' memory");
    assert!(halves.iter().enumerate().all(|(n, &v)| v == n as f32 / 2.0));
    // 10^9 items are refused before they are gathered: 8 GB would trap a wasm memory (1 GiB at most).
    match pool.map(0..1_000_000_000u64, |n| n) {
        Err(PoolError::QueueFull { requested, .. }) => assert_eq!(requested, 1_000_000_000),
        other => panic!("10^9 items: {:?}", other.map(|batch| batch.len())),
    }
    assert_eq!(Pool::refused_waits(), 0.0, "the pool asked this thread to block");
}

pub async fn closures_give_their_results_as_they_finish() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let pool = Pool::new(4).unwrap();
    within(&pool, "ready", pool.ready()).await;
    // Each closure waits until the test opens its gate: the test decides
    // the order they finish in, whatever the machine's load.
    let gates: Arc<Vec<AtomicBool>> = Arc::new((0..4).map(|_| AtomicBool::new(false)).collect());
    let held = Arc::clone(&gates);
    let mut batch = pool
        .map_chunked(0..4usize, Chunking::PerItem, move |i| {
            while !held[i].load(Ordering::Acquire) {
                sleep(2.0);
            }
            i
        })
        .unwrap();
    let mut order = Vec::new();
    for opened in [3, 1, 0, 2] {
        gates[opened].store(true, Ordering::Release);
        let (index, result) = before_deadline(&pool, "the next closure to finish", batch.next_finished())
            .await
            .unwrap();
        assert_eq!(result, Ok(index));
        assert_eq!(
            batch.finished(),
            order.len() + 1,
            "item {index} came while the others still ran"
        );
        order.push(index);
    }
    assert_eq!(order, [3, 1, 0, 2], "each result came as its job finished");
    assert!(before_deadline(&pool, "the end of the batch", batch.next_finished())
        .await
        .is_none());
}

pub async fn a_panicking_closure_fails_with_its_message_and_its_worker_is_replaced() {
    let pool = Pool::new(2).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let failing = pool
        .spawn_labeled("tile 7", || -> u32 { panic!("tile 7 was too hard") })
        .unwrap();
    let job = failing.job();
    let others = pool.map(0..50u32, |n| n + 1).unwrap();
    let result = before_deadline(&pool, "the panicking closure", failing).await;
    assert_eq!(
        result,
        Err(JobError::Panicked {
            job,
            message: "tile 7 was too hard".to_string()
        })
    );
    let rest = before_deadline(&pool, "the other closures", others.in_order()).await;
    assert_eq!(rest, (0..50u32).map(|n| Ok(n + 1)).collect::<Vec<_>>());
    assert_eq!(pool.label_of(job as f64).as_deref(), Some("tile 7"));
    assert_eq!(pool.lost_workers(), 1, "the panic cost one thread");
    settle(&pool, 2).await;
    // The promise form names the error.
    let promise = JsFuture::from(pool.spawn(|| -> u32 { panic!("again") }).unwrap().into_promise());
    let error = before_deadline(&pool, "the rejected promise", promise)
        .await
        .unwrap_err();
    assert_eq!(
        Reflect::get(&error, &"name".into()).unwrap().as_string().as_deref(),
        Some("Panicked")
    );
    let promise = JsFuture::from(pool.spawn(|| 7u32).unwrap().into_promise());
    let value = before_deadline(&pool, "the resolved promise", promise).await.unwrap();
    assert_eq!(value.as_f64(), Some(7.0));
}

pub async fn a_closure_past_the_timeout_is_reported_and_the_pool_and_heap_keep_working() {
    // A timeout far above what a trivial closure takes on a loaded machine:
    // only the allocating one may run past it.
    let pool = Pool::from_js(2.0, options(r#"{"jobTimeoutMs":1000}"#)).unwrap();
    within(&pool, "ready", pool.ready()).await;
    // Allocates in a loop well past the timeout: its thread is never
    // terminated, so it can never leave the shared heap locked.
    let allocating = pool
        .spawn(|| {
            let started = poolscope::clock::now_ms();
            let mut kept = Vec::new();
            while poolscope::clock::now_ms() - started < 2_500.0 {
                kept.push(vec![1u8; 4096]);
                if kept.len() > 256 {
                    kept.clear();
                }
            }
            kept.len()
        })
        .unwrap();
    let job = allocating.job();
    match before_deadline(&pool, "the timed-out closure", allocating).await {
        Err(JobError::TimedOut {
            job: timed_out,
            after_ms,
        }) => assert!(timed_out == job && after_ms >= 1_000.0, "{after_ms}"),
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Meanwhile the page allocates, and other closures run, while the old thread still allocates.
    let mut page_side: Vec<Vec<u8>> = (0..64).map(|i| vec![i as u8; 65_536]).collect();
    let next = pool.map(0..100u32, |n| vec![n as u8; 1024].len() as u32 + n).unwrap();
    let next = before_deadline(&pool, "closures after the timeout", next.in_order()).await;
    assert_eq!(next, (0..100u32).map(|n| Ok(1024 + n)).collect::<Vec<_>>());
    page_side.clear();
    assert_eq!((counter(&pool, "timedOut"), pool.lost_workers()), (1.0, 1));
    settle(&pool, 2).await; // the old thread ended by itself once its closure returned
                            // A panic under a timeout: the trapped thread held a count of its batch
                            // for the race with the watchdog, which the pool lets go of for it.
    let failing = pool
        .map(0..3u32, |n| if n == 1 { panic!("item 1 gave up") } else { n })
        .unwrap();
    let results = before_deadline(&pool, "a panicking closure under a timeout", failing.in_order()).await;
    assert_eq!((&results[0], &results[2]), (&Ok(0), &Ok(2)));
    assert!(
        matches!(&results[1], Err(JobError::Panicked { message, .. }) if message == "item 1 gave up"),
        "{results:?}"
    );
    let after = pool.map(0..10u32, |n| n).unwrap();
    assert_eq!(
        before_deadline(&pool, "closures after the panic", after.in_order())
            .await
            .len(),
        10
    );
}

pub async fn cancel_and_stop_tell_each_waiting_closure() {
    let pool = Pool::new(1).unwrap();
    within(&pool, "ready", pool.ready()).await;
    // The one worker is held by a closure until the test opens its gate.
    let gate = Gate::default();
    let blocker = pool.spawn(gate.closure(())).unwrap();
    running(&pool, 1.0).await;
    let waiting = pool.map_chunked(0..5u32, Chunking::PerItem, |n| n).unwrap();
    let jobs = waiting.jobs();
    assert_eq!(pool.cancel(), 5.0);
    let cancelled = before_deadline(&pool, "the cancelled closures", waiting.in_order()).await;
    assert_eq!(
        cancelled,
        jobs.iter()
            .map(|&job| Err(JobError::Cancelled { job }))
            .collect::<Vec<_>>()
    );
    gate.open();
    assert_eq!(before_deadline(&pool, "the blocker", blocker).await, Ok(()));
    let gate = Gate::default();
    let running_job = pool.spawn(gate.closure(2u32)).unwrap();
    running(&pool, 1.0).await;
    let never = pool.spawn(|| 1u32).unwrap();
    let never_job = never.job();
    let stopped = pool.stop();
    gate.open();
    within(&pool, "stop", stopped).await;
    assert_eq!(
        before_deadline(&pool, "the running closure", running_job).await,
        Ok(2),
        "a job taken before the stop finishes"
    );
    assert_eq!(
        before_deadline(&pool, "a closure the stop dropped", never).await,
        Err(JobError::PoolStopped { job: never_job })
    );
    assert_eq!(pool.spawn(|| 3u32).unwrap_err(), PoolError::PoolStopped);
}

pub async fn closures_stay_exactly_once_across_resizes_during_a_batch() {
    const ITEMS: u64 = 20_000;
    let pool = Pool::new(2).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let work = |n: u64| n.wrapping_mul(2_654_435_761) % 1_000;
    // A job per item, then chunks of random sizes, then items computed from
    // a range (`map_range`, `None` here): each item once every way.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for chunking in [
        Some(Chunking::PerItem),
        Some(Chunking::Auto),
        Some(Chunking::fixed(97)),
        Some(Chunking::fixed(1 + (seed % 3_000) as usize)),
        None,
    ] {
        seed = seed.rotate_left(17).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let batch = match chunking {
            Some(chunking) => pool.map_chunked(0..ITEMS, chunking, work),
            None => pool.map_range(0..ITEMS, work),
        }
        .unwrap();
        let (first_job, jobs) = (batch.job_of(0), batch.job_count());
        for size in [6.0, 1.0, 4.0, 3.0, 8.0, 2.0] {
            let _started = pool.resize(size).unwrap();
            pause(3.0).await;
        }
        let what = format!("{ITEMS} closures in {jobs} jobs ({chunking:?}) across resizes");
        let results = before_deadline(&pool, &what, batch.in_order()).await;
        assert!(
            results.iter().enumerate().all(|(n, r)| *r == Ok(work(n as u64))),
            "{what}"
        );
        within(&pool, "done", pool.done()).await;
        let events = pool.take_events(None).to_vec();
        let mut seen = vec![0u8; jobs];
        let mut items = 0.0;
        for event in events.chunks(poolscope::EVENT_FIELDS.len()) {
            seen[event[0] as usize - first_job as usize] += 1;
            items += event[7]; // a closure job's value: how many items it ran
        }
        assert!(seen.iter().all(|&n| n == 1), "each job reported exactly once: {what}");
        assert_eq!(items, ITEMS as f64, "each item counted once: {what}");
    }
}

/// A chunk past the job timeout fails whole (its thread runs on, its values
/// dropped when it ends), a cancel ends the waiting chunks whole; no item
/// runs twice, and every item gets its result.
pub async fn chunks_cancelled_or_timed_out_end_whole_and_no_item_runs_twice() {
    use std::sync::atomic::{AtomicU8, Ordering};
    use std::sync::Arc;
    let pool = Pool::from_js(2.0, options(r#"{"jobTimeoutMs":300}"#)).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let ran: Arc<Vec<AtomicU8>> = Arc::new((0..40).map(|_| AtomicU8::new(0)).collect());
    let count = Arc::clone(&ran);
    let batch = pool
        .map_chunked(0..40usize, Chunking::fixed(10), move |n| {
            count[n].fetch_add(1, Ordering::Relaxed);
            if n == 25 {
                sleep(900.0); // past the timeout: its chunk, items 20-29, times out
            }
            vec![n as u8; 100] // a value its late thread must drop
        })
        .unwrap();
    let results = before_deadline(&pool, "chunks, one past the timeout", batch.in_order()).await;
    for (n, result) in results.iter().enumerate() {
        match n / 10 {
            2 => assert!(matches!(result, Err(JobError::TimedOut { .. })), "item {n}: {result:?}"),
            _ => assert_eq!(result.as_ref().map(|v| v[0]), Ok(n as u8), "item {n}"),
        }
    }
    settle(&pool, 2).await; // the late thread ended by itself
    assert!(
        ran.iter().take(26).all(|n| n.load(Ordering::Relaxed) == 1),
        "each item ran once"
    );
    assert!(ran.iter().all(|n| n.load(Ordering::Relaxed) <= 1), "no item ran twice");

    // Both workers held in their first chunks' first items until the test
    // opens the gate (on a pool without a timeout: the test decides how long).
    let pool = Pool::new(2).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let gate = Gate::default();
    let held = gate.clone();
    let ran: Arc<Vec<AtomicU8>> = Arc::new((0..4_000).map(|_| AtomicU8::new(0)).collect());
    let count = Arc::clone(&ran);
    let batch = pool
        .map_chunked(0..4_000usize, Chunking::fixed(100), move |n| {
            count[n].fetch_add(1, Ordering::Relaxed);
            if n % 100 == 0 && n < 200 {
                held.clone().closure(())();
            }
            n
        })
        .unwrap();
    // "Running" counts a claimed chunk before its first item starts; a cancel
    // in between ends that chunk whole with nothing run, so wait for the items.
    let deadline = poolscope::clock::now_ms() + DEADLINE_MS;
    while ran[0].load(Ordering::Relaxed) == 0 || ran[100].load(Ordering::Relaxed) == 0 {
        assert!(
            poolscope::clock::now_ms() < deadline,
            "waited {DEADLINE_MS} ms for items 0 and 100 to start in vain; {}",
            state(&pool)
        );
        pause(2.0).await;
    }
    batch.cancel();
    gate.open();
    let results = before_deadline(&pool, "chunks, cancelled", batch.in_order()).await;
    for (n, result) in results.iter().enumerate() {
        match (result, ran[n].load(Ordering::Relaxed)) {
            (Ok(value), 1) if n < 200 => assert_eq!(*value, n),
            (Err(JobError::Cancelled { .. }), 0) if n >= 200 => {}
            other => panic!("item {n}: {other:?}"),
        }
    }
}

/// On wasm a panic traps its thread: the platform fails the job it ran, a
/// chunk of items; the message names the item, the other chunks complete.
pub async fn a_panic_in_a_chunk_fails_that_chunk_alone_and_names_its_item() {
    let pool = Pool::new(2).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let batch = pool
        .map_chunked(0..1_000u32, Chunking::fixed(100), |n| {
            assert!(n != 437, "no 437 here");
            n * 2
        })
        .unwrap();
    let results = before_deadline(&pool, "a chunk with a panicking item", batch.in_order()).await;
    for (n, result) in results.iter().enumerate() {
        match n / 100 {
            4 => assert!(
                matches!(result, Err(JobError::Panicked { message, .. }) if message == "at item 437: no 437 here"),
                "item {n}: {result:?}"
            ),
            _ => assert_eq!(*result, Ok(n as u32 * 2), "item {n}"),
        }
    }
    settle(&pool, 2).await;
    let after = pool.map(0..10_000u32, |n| n).unwrap();
    let after = before_deadline(&pool, "a map after the panic", after.values()).await;
    assert_eq!(after.map(|values| values.len()), Ok(10_000));
}

pub async fn a_closure_captures_a_large_vec_and_returns_another() {
    let pool = Pool::new(2).unwrap();
    let input: Vec<u32> = (0..2_000_000).collect();
    let reversed = pool
        .spawn(move || input.into_iter().rev().map(|x| x * 2).collect::<Vec<u32>>())
        .unwrap();
    let reversed = before_deadline(&pool, "the large closure", reversed).await.unwrap();
    assert_eq!(reversed.len(), 2_000_000);
    assert_eq!((reversed[0], reversed[1_999_999]), (3_999_998, 0));
}

/// Blocking joins work only where blocking is allowed: from a dedicated
/// worker they wait; on the page's main thread they say `WouldBlock`.
/// Labels are bounded; a map over nothing is empty; a result is taken once.
pub async fn joins_labels_and_bad_input_are_named() {
    let pool = Pool::new(2).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let on_page = !Reflect::has(&js_sys::global(), &"DedicatedWorkerGlobalScope".into()).unwrap();
    let joined = pool.spawn(|| 5u32).unwrap().join();
    if on_page {
        assert_eq!(joined, Err(JobError::WouldBlock));
    } else {
        assert_eq!(joined, Ok(5));
    }
    let label = "x".repeat(10_000_000);
    assert_eq!(
        pool.spawn_labeled(&label, || ()).unwrap_err(),
        PoolError::LabelTooLong {
            len: 10_000_000,
            max: poolscope::MAX_LABEL_BYTES
        }
    );
    let empty = pool.map(Vec::<u8>::new(), |n| n).unwrap();
    assert!(empty.is_empty());
    assert_eq!(empty.in_order().await, Vec::new());
    let mut twice = pool.spawn(|| 9u32).unwrap();
    assert_eq!(before_deadline(&pool, "the first await", &mut twice).await, Ok(9));
    assert_eq!(
        before_deadline(&pool, "the second await", &mut twice).await,
        Err(JobError::ResultTaken { job: twice.job() })
    );
    let promise = JsFuture::from(pool.spawn(|| 1u32).unwrap().into_promise());
    let value = before_deadline(&pool, "the promise", promise).await.unwrap();
    assert_eq!(value.as_f64(), Some(1.0));
    assert_eq!(counter(&pool, "submitted"), 3.0, "the refused label queued nothing");
    // Labels reach the views (`takeLabels`) in job order, each once, whatever
    // their characters (JS counts UTF-16 units: "🦀" is two of them).
    let names = ["tile 0", "tile ✓ 🦀 1", ""];
    let tiles: Vec<_> = (0..3)
        .map(|n| pool.spawn_labeled(names[n as usize], move || n).unwrap())
        .collect();
    let jobs: Vec<f64> = tiles.iter().map(|tile| tile.job() as f64).collect();
    let taken: Vec<(f64, String)> = pool
        .take_labels()
        .iter()
        .map(|pair| {
            let pair: js_sys::Array = pair.into();
            (pair.get(0).as_f64().unwrap(), pair.get(1).as_string().unwrap())
        })
        .collect();
    assert_eq!(
        taken,
        vec![
            (jobs[0], names[0].into()),
            (jobs[1], names[1].into()),
            (jobs[2], names[2].into())
        ]
    );
    assert_eq!(pool.take_labels().length(), 0, "each label is taken once");
    for tile in tiles {
        before_deadline(&pool, "a labelled closure", tile).await.unwrap();
    }
    assert_eq!(
        pool.label_of(jobs[1]).as_deref(),
        Some(names[1]),
        "a finished job keeps its label"
    );
}

/// On wasm a panic traps the thread without unwinding: what a panicking
/// closure owns is never dropped. This measures it (the figures go to the
/// console and the README) and checks the pool goes on.
pub async fn what_panicking_closures_that_capture_a_megabyte_leak() {
    const PANICS: usize = 40;
    const CAPTURE: usize = 1 << 20;
    let pool = Pool::new(2).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let warm = pool
        .map_chunked(0..PANICS, Chunking::PerItem, |i| vec![i as u8; CAPTURE].len())
        .unwrap(); // the same allocations, returned
    before_deadline(&pool, "warm-up", warm.in_order()).await;
    let before = Pool::memory_bytes();
    let failing = pool
        .map_chunked(0..PANICS, Chunking::PerItem, |i| {
            let captured = vec![i as u8; CAPTURE];
            if captured[0] < 255 {
                panic!("closure {i} gave up");
            }
            captured.len()
        })
        .unwrap();
    let results = before_deadline(&pool, "the panicking closures", failing.in_order()).await;
    assert!(
        results.iter().all(|r| matches!(r, Err(JobError::Panicked { .. }))),
        "{:?}",
        &results[..3]
    );
    settle(&pool, 2).await;
    let after = Pool::memory_bytes();
    let grown_mb = (after - before) / 1_048_576.0;
    web_sys::console::log_1(
        &format!("memory: {PANICS} panicking closures that each held 1 MB grew the wasm memory by {grown_mb:.1} MB")
            .into(),
    );
    // What they owned leaks, with the allocator's slack; a bound that a leak
    // per panic beyond that (a thread's stack, say) would break.
    assert!(
        grown_mb <= 2.0 * PANICS as f64 + 16.0,
        "more than their own megabytes leaked: {grown_mb} MB"
    );
    let after_panics = pool.map(0..10u32, |n| n).unwrap();
    assert_eq!(
        before_deadline(&pool, "closures after the panics", after_panics.in_order())
            .await
            .len(),
        10
    );
}

pub async fn a_cancelled_or_timed_out_closure_sees_should_stop_and_progress_reaches_workers() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let pool = Pool::new(1).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let began = Arc::new(AtomicBool::new(false));
    let has_begun = Arc::clone(&began);
    let endless = pool
        .spawn(move || {
            poolscope::progress(0.5);
            has_begun.store(true, Ordering::SeqCst);
            while !poolscope::should_stop() {
                sleep(1.0);
            }
            "stopped"
        })
        .unwrap();
    let waiting = pool.spawn(|| "never").unwrap();
    let waiting_job = waiting.job();
    before_deadline(&pool, "the endless closure to begin", async {
        while !began.load(Ordering::SeqCst) {
            pause(2.0).await;
        }
    })
    .await;
    let progress = pool
        .workers()
        .iter()
        .find(|worker| Reflect::get(worker, &"runningJob".into()).unwrap().as_f64() == Some(endless.job() as f64))
        .map(|worker| Reflect::get(&worker, &"progress".into()).unwrap().as_f64());
    assert_eq!(
        progress,
        Some(Some(0.5)),
        "workers() gives the running closure's progress"
    );
    waiting.cancel();
    endless.cancel();
    assert_eq!(
        before_deadline(&pool, "the cancelled endless closure", endless).await,
        Ok("stopped")
    );
    assert_eq!(
        before_deadline(&pool, "the cancelled waiting closure", waiting).await,
        Err(JobError::Cancelled { job: waiting_job })
    );
    assert_eq!(counter(&pool, "cancelled"), 1.0);

    // Past its timeout a closure is reported at once, and one that checks
    // should_stop() returns: its thread ends by itself.
    let pool = Pool::from_js(1.0, options(r#"{"jobTimeoutMs":200}"#)).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let stopped = Arc::new(AtomicBool::new(false));
    let saw_stop = Arc::clone(&stopped);
    let endless = pool
        .spawn(move || {
            while !poolscope::should_stop() {
                sleep(1.0);
            }
            saw_stop.store(true, Ordering::SeqCst);
        })
        .unwrap();
    let job = endless.job();
    match before_deadline(&pool, "the timed-out closure", endless).await {
        Err(JobError::TimedOut { job: timed_out, .. }) => assert_eq!(timed_out, job),
        other => panic!("expected a timeout, got {other:?}"),
    }
    before_deadline(&pool, "the timed-out closure to see should_stop", async {
        while !stopped.load(Ordering::SeqCst) {
            pause(2.0).await;
        }
    })
    .await;
    settle(&pool, 1).await; // the old thread ended by itself
    assert_eq!(
        before_deadline(&pool, "a closure after", pool.spawn(|| 5u8).unwrap()).await,
        Ok(5)
    );
}
