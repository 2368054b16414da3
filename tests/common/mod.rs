//! Test bodies shared by `browser.rs` (the page's main thread) and
//! `worker.rs` (a dedicated worker): the same checks in both places a pool
//! can be driven from.

/// Declares the tests of this module as `#[wasm_bindgen_test]`s in the
/// including binary, which picks where they run with
/// `wasm_bindgen_test_configure!`: `suite!()` every test, for the
/// shared-memory build (`browser.rs`, `worker.rs`; rayon's test only with
/// the `rayon` feature, so that a plain `wasm-pack test` runs the rest);
/// `suite!(fallback)` those that need no shared memory, for the
/// message-passing build (`fallback.rs`), whose pool runs the same core.
#[macro_export]
macro_rules! suite {
    () => {
        $crate::suite!(fallback);
        $crate::suite!(
            @each
            ten_million_jobs_hold_no_more_memory_than_a_hundred_thousand,
            closures_give_their_results_in_input_order,
            closures_give_their_results_as_they_finish,
            a_panicking_closure_fails_with_its_message_and_its_worker_is_replaced,
            a_closure_past_the_timeout_is_reported_and_the_pool_and_heap_keep_working,
            cancel_and_stop_tell_each_waiting_closure,
            a_cancelled_or_timed_out_closure_sees_should_stop_and_progress_reaches_workers,
            closures_stay_exactly_once_across_resizes_during_a_batch,
            a_panic_in_a_chunk_fails_that_chunk_alone_and_names_its_item,
            chunks_cancelled_or_timed_out_end_whole_and_no_item_runs_twice,
            a_closure_captures_a_large_vec_and_returns_another,
            joins_labels_and_bad_input_are_named,
            what_panicking_closures_that_capture_a_megabyte_leak,
        );
        #[cfg(feature = "rayon")]
        $crate::suite!(@each rayon_numbers_its_workers_within_its_pool_size);
    };
    (fallback) => {
        $crate::suite!(
            @each
            four_workers_are_four_web_workers_running_jobs_at_once,
            ten_thousand_jobs_each_finish_exactly_once,
            done_resolves_only_after_the_last_job_finished,
            jobs_stay_exactly_once_across_30_random_resizes,
            bad_input_is_refused_by_name_and_nothing_queued_is_lost,
            a_hundred_thousand_jobs_stay_exactly_once_across_50_random_resizes,
            a_panicking_job_fails_with_its_message_and_its_worker_is_replaced,
            a_job_past_the_timeout_is_reported_and_its_worker_replaced,
            a_full_queue_rejects_at_once_when_asked_to,
            a_full_queue_waits_for_room_when_asked_to,
            cancel_reports_every_waiting_job_as_cancelled,
            stop_lets_running_jobs_finish_then_refuses_jobs,
            drain_runs_everything_queued_then_refuses_jobs,
            memory_stops_growing_across_resize_cycles_and_panics,
            each_strategy_runs_a_thousand_jobs_exactly_once,
            partition_assigns_exactly_the_planned_slices,
            unbounded_uses_a_worker_per_job,
            event_times_are_monotonic_per_job_and_ordered_across_workers,
            js_jobs_give_values_errors_chunks_abort_and_timeouts,
        );
    };
    (@each $($name:ident),+ $(,)?) => {
        $(
            #[wasm_bindgen_test::wasm_bindgen_test]
            async fn $name() {
                common::$name().await;
            }
        )+
    };
}

mod js_jobs;
pub use js_jobs::*;

// Closures live in one memory: the shared-memory build's alone.
#[cfg(feature = "threads")]
mod closures;
#[cfg(feature = "threads")]
pub use closures::*;

use js_sys::{Float64Array, Function, Promise, Reflect};
use poolscope::Pool;
use std::collections::HashSet;
use std::future::Future;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const FIELDS: usize = poolscope::EVENT_FIELDS.len();
const JOB: usize = 0;
const WORKER: usize = 1;
const STARTED: usize = 4;
const FINISHED: usize = 5;
const VALUE: usize = 7;

/// The longest any one wait in these tests may take: far beyond what a
/// loaded 2-core machine needs, far below the runner's limit for a whole
/// binary, so that a stalled wait fails on its own with what it waited for.
const DEADLINE_MS: f64 = 30_000.0;

/// What these helpers read of a pool, which both JS pool classes have
/// (`Pool`, and `RayonPool` with the `rayon` feature).
trait Watched {
    fn counters(&self) -> js_sys::Object;
    fn live_web_workers(&self) -> u32;
    fn lost_workers(&self) -> u32;
    fn stalled_worker_starts(&self) -> u32;
    fn take_events(&self, limit: Option<u32>) -> Float64Array;
    fn missed_events(&self) -> f64;
    fn trace_capacity(&self) -> f64;
}

macro_rules! watched {
    ($($pool:ty),+) => {$(
        impl Watched for $pool {
            fn counters(&self) -> js_sys::Object {
                <$pool>::counters(self)
            }
            fn live_web_workers(&self) -> u32 {
                <$pool>::live_web_workers(self)
            }
            fn lost_workers(&self) -> u32 {
                <$pool>::lost_workers(self)
            }
            fn stalled_worker_starts(&self) -> u32 {
                <$pool>::stalled_worker_starts(self)
            }
            fn take_events(&self, limit: Option<u32>) -> Float64Array {
                <$pool>::take_events(self, limit)
            }
            fn missed_events(&self) -> f64 {
                <$pool>::missed_events(self)
            }
            fn trace_capacity(&self) -> f64 {
                <$pool>::trace_capacity(self)
            }
        }
    )+};
}
watched!(Pool);
#[cfg(feature = "rayon")]
watched!(poolscope::RayonPool);

/// The pool's counters and workers, for a failure message.
fn state(pool: &impl Watched) -> String {
    let counters = js_sys::JSON::stringify(&pool.counters())
        .map(String::from)
        .unwrap_or_default();
    format!(
        "counters {counters}, live Web Workers {}, lost workers {}, worker starts whose module never loaded {}",
        pool.live_web_workers(),
        pool.lost_workers(),
        pool.stalled_worker_starts()
    )
}

/// Awaits `promise`, or fails after `DEADLINE_MS` naming `what` it waited
/// for and the pool's state.
async fn within(pool: &impl Watched, what: &str, promise: Promise) -> JsValue {
    within_ms(pool, what, promise, DEADLINE_MS).await
}

/// `within`, with a deadline of `deadline_ms`.
async fn within_ms(pool: &impl Watched, what: &str, promise: Promise, deadline_ms: f64) -> JsValue {
    let race = Function::new_with_args(
        "promise, ms",
        "let timer;
         const late = {};
         const deadline = new Promise((resolve) => { timer = setTimeout(() => resolve(late), ms); });
         return Promise.race([promise, deadline]).then((value) => [value === late, value]).finally(() => clearTimeout(timer));",
    );
    let raced: Promise = race
        .call2(&JsValue::NULL, &promise, &deadline_ms.into())
        .unwrap()
        .unchecked_into();
    let outcome: js_sys::Array = match JsFuture::from(raced).await {
        Ok(outcome) => outcome.unchecked_into(),
        Err(error) => panic!(
            "waiting for {what}: the promise rejected with {error:?}; {}",
            state(pool)
        ),
    };
    if outcome.get(0).is_truthy() {
        panic!("waited {deadline_ms} ms for {what} in vain; {}", state(pool));
    }
    outcome.get(1)
}

/// Yields to the event loop for `ms`, so worker messages arrive.
pub async fn pause(ms: f64) {
    let timer = Function::new_with_args("ms", "return new Promise((resolve) => setTimeout(resolve, ms))");
    let promise: Promise = timer.call1(&JsValue::NULL, &ms.into()).unwrap().unchecked_into();
    JsFuture::from(promise).await.expect("a timer never rejects");
}

/// Waits until `jobs` jobs are running; fails after `DEADLINE_MS`.
async fn running(pool: &Pool, jobs: f64) {
    let deadline = poolscope::clock::now_ms() + DEADLINE_MS;
    while counter(pool, "running") != jobs {
        assert!(
            poolscope::clock::now_ms() < deadline,
            "waited {DEADLINE_MS} ms for {jobs} running jobs in vain; {}",
            state(pool)
        );
        pause(2.0).await;
    }
}

/// Awaits `future` or fails after `DEADLINE_MS` with the pool's state.
async fn before_deadline<T>(pool: &Pool, what: &str, future: impl Future<Output = T>) -> T {
    let global = js_sys::global();
    let mut timer = wasm_bindgen::JsValue::UNDEFINED;
    let deadline = Promise::new(&mut |resolve, _| {
        let set_timeout: js_sys::Function = Reflect::get(&global, &"setTimeout".into()).unwrap().into();
        timer = set_timeout.call2(&global, &resolve, &DEADLINE_MS.into()).unwrap();
    });
    let mut deadline = std::pin::pin!(JsFuture::from(deadline));
    let mut future = std::pin::pin!(future);
    let value = std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(value) = future.as_mut().poll(cx) {
            return std::task::Poll::Ready(value);
        }
        if deadline.as_mut().poll(cx).is_ready() {
            panic!("waited {DEADLINE_MS} ms for {what} in vain; {}", state(pool));
        }
        std::task::Poll::Pending
    })
    .await;
    // A pending timer would keep its callbacks (and their wasm memory) for 30 s.
    let clear_timeout: js_sys::Function = Reflect::get(&global, &"clearTimeout".into()).unwrap().into();
    clear_timeout.call1(&global, &timer).unwrap();
    value
}

fn counter(pool: &impl Watched, name: &str) -> f64 {
    Reflect::get(&pool.counters(), &name.into()).unwrap().as_f64().unwrap()
}

/// The events new since the last call, all of them: fails if the trace
/// wrote some again before they were read.
fn take_all(pool: &impl Watched) -> Vec<f64> {
    let events: Float64Array = pool.take_events(None);
    assert_eq!(
        pool.missed_events(),
        0.0,
        "the trace kept every event (capacity {})",
        pool.trace_capacity()
    );
    events.to_vec()
}

fn now_ms() -> f64 {
    Pool::now_ms()
}

/// Counts `Atomics.wait` calls made from JS on this thread from now on.
fn spy_on_atomics_wait() -> Function {
    Function::new_no_args(
        "const real = Atomics.wait; let calls = 0;
         Atomics.wait = function (...args) { calls++; return real.apply(this, args); };
         return () => calls;",
    )
    .call0(&JsValue::NULL)
    .unwrap()
    .unchecked_into()
}

const OUTCOME: usize = 6;
const COMPLETED: usize = 0;
const FAILED: usize = 1;
const TIMED_OUT: usize = 2;
const CANCELLED: usize = 3;

/// Checks jobs `1..=jobs` were each reported exactly once: cancelled ones by
/// worker 0, the others by a worker in `1..=max_worker`. Returns the jobs
/// per worker and per outcome.
fn check_events(events: &[f64], jobs: usize, max_worker: usize) -> (Vec<u64>, [u64; 4]) {
    assert_eq!(events.len(), jobs * FIELDS, "one event per job");
    let mut seen = vec![false; jobs + 1];
    let mut per_worker = vec![0; max_worker + 1];
    let mut outcomes = [0; 4];
    for event in events.chunks(FIELDS) {
        let job = event[JOB] as usize;
        assert!((1..=jobs).contains(&job), "job {job} out of 1..={jobs}");
        assert!(!seen[job], "job {job} reported twice");
        seen[job] = true;
        outcomes[event[OUTCOME] as usize] += 1;
        let worker = event[WORKER] as usize;
        if event[OUTCOME] as usize == CANCELLED {
            assert_eq!(worker, 0, "cancelled job {job} ran on no worker");
            continue;
        }
        assert!(
            (1..=max_worker).contains(&worker),
            "worker {worker} out of 1..={max_worker}"
        );
        per_worker[worker] += 1;
    }
    (per_worker, outcomes)
}

fn assert_exactly_once(events: &[f64], jobs: usize, max_worker: usize) -> Vec<u64> {
    let (per_worker, outcomes) = check_events(events, jobs, max_worker);
    assert_eq!(outcomes[COMPLETED] as usize, jobs, "every job completed: {outcomes:?}");
    per_worker
}

fn error_message(error: wasm_bindgen::JsError) -> String {
    let value: JsValue = error.into();
    Reflect::get(&value, &"message".into()).unwrap().as_string().unwrap()
}

async fn rejection_message(pool: &Pool, promise: Promise) -> String {
    let error = before_deadline(pool, "a rejection", JsFuture::from(promise))
        .await
        .expect_err("the promise resolved");
    Reflect::get(&error, &"message".into())
        .unwrap()
        .as_string()
        .unwrap_or_else(|| format!("{error:?}"))
}

fn options(json: &str) -> Option<js_sys::Object> {
    Some(js_sys::JSON::parse(json).unwrap().unchecked_into())
}

/// Waits until the live Web Workers and the workers in their loop both
/// equal `size`; fails after `DEADLINE_MS`.
async fn settle(pool: &Pool, size: u32) {
    let deadline = now_ms() + DEADLINE_MS;
    while pool.live_web_workers() != size || counter(pool, "liveWorkers") != size as f64 {
        assert!(
            now_ms() < deadline,
            "waited {DEADLINE_MS} ms for {size} live workers in vain; {}",
            state(pool)
        );
        pause(2.0).await;
    }
}

pub async fn four_workers_are_four_web_workers_running_jobs_at_once() {
    let pool = Pool::new(4).unwrap();
    within(&pool, "ready", pool.ready()).await;
    assert_eq!(pool.live_web_workers(), 4, "one Web Worker per pool worker");
    pool.submit("sleep", 4.0, 300.0).unwrap();
    within(&pool, "done", pool.done()).await;
    let events = take_all(&pool);
    let per_worker = assert_exactly_once(&events, 4, 4);
    assert_eq!(per_worker[1..], [1, 1, 1, 1], "each idle worker took one job");

    let this_thread = Pool::current_thread_serial();
    let threads: HashSet<u64> = pool
        .workers()
        .iter()
        .map(|w| Reflect::get(&w, &"thread".into()).unwrap().as_f64().unwrap() as u64)
        .collect();
    assert_eq!(threads.len(), 4, "4 distinct threads: {threads:?}");
    assert!(
        !threads.contains(&(this_thread as u64)),
        "no job ran on the test's own thread"
    );

    // At least two jobs ran at the same moment, on the clock all threads share.
    let spans: Vec<(f64, f64)> = events.chunks(FIELDS).map(|e| (e[STARTED], e[FINISHED])).collect();
    let overlapping = spans
        .iter()
        .enumerate()
        .any(|(i, a)| spans[i + 1..].iter().any(|b| a.0 < b.1 && b.0 < a.1));
    assert!(overlapping, "no two jobs overlapped: {spans:?}");
}

pub async fn ten_thousand_jobs_each_finish_exactly_once() {
    const JOBS: usize = 10_000;
    let waits = spy_on_atomics_wait();
    let pool = Pool::new(4).unwrap();
    let first = pool.submit("cpu", JOBS as f64, 0.01).unwrap();
    assert_eq!(first, 1.0, "jobs are numbered from 1");
    let mut events = take_all(&pool); // read while the workers run
    within(&pool, "done", pool.done()).await;
    events.extend(take_all(&pool));
    let per_worker = assert_exactly_once(&events, JOBS, 4);
    for event in events.chunks(FIELDS) {
        assert_eq!(
            event[VALUE],
            Pool::cpu_checksum(event[JOB], 0.01) as f64,
            "checksum of job {}",
            event[JOB]
        );
    }
    assert_eq!(counter(&pool, "submitted"), JOBS as f64);
    assert_eq!(counter(&pool, "completed"), JOBS as f64);
    assert_eq!(counter(&pool, "failed"), 0.0);
    assert_eq!(counter(&pool, "running"), 0.0);
    assert_eq!(counter(&pool, "waiting"), 0.0);
    for stats in pool.workers().iter() {
        let id = Reflect::get(&stats, &"id".into()).unwrap().as_f64().unwrap() as usize;
        let jobs = Reflect::get(&stats, &"jobs".into()).unwrap().as_f64().unwrap() as u64;
        assert_eq!(jobs, per_worker[id], "worker {id}'s own count agrees with the events");
    }
    assert_eq!(
        waits.call0(&JsValue::NULL).unwrap().as_f64(),
        Some(0.0),
        "Atomics.wait called on this thread"
    );
    assert_eq!(Pool::refused_waits(), 0.0, "the pool asked this thread to block");
}

pub async fn done_resolves_only_after_the_last_job_finished() {
    let pool = Pool::new(2).unwrap();
    pool.submit("sleep", 10.0, 100.0).unwrap();
    let done = pool.done();
    pause(50.0).await;
    assert!(counter(&pool, "completed") < 10.0, "the jobs take 500 ms at least");
    within(&pool, "done", done).await;
    let resolved_at = now_ms();
    assert_eq!(
        counter(&pool, "completed"),
        10.0,
        "done resolved before every job finished"
    );
    let events = take_all(&pool);
    assert_exactly_once(&events, 10, 2);
    let last_finish = events.chunks(FIELDS).map(|e| e[FINISHED]).fold(0.0, f64::max);
    assert!(
        last_finish <= resolved_at,
        "the last job finished at {last_finish}, after done resolved at {resolved_at}"
    );
    // A second batch: `done` waits for it too.
    pool.submit("sleep", 4.0, 30.0).unwrap();
    within(&pool, "done", pool.done()).await;
    assert_eq!(counter(&pool, "completed"), 14.0);
    assert_eq!(Pool::refused_waits(), 0.0);
}

/// A tiny deterministic generator, so a failing resize sequence repeats.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

pub async fn jobs_stay_exactly_once_across_30_random_resizes() {
    const JOBS: usize = 20_000;
    let pool = Pool::new(4).unwrap();
    within(&pool, "ready", pool.ready()).await;
    pool.submit("cpu", JOBS as f64, 0.05).unwrap();
    let mut random = 0xC0FFEE;
    for step in 0..30 {
        let size = 1 + (next_random(&mut random) % 8) as u32;
        within(
            &pool,
            &format!("resize({size}) at step {step}"),
            pool.resize(size as f64).unwrap(),
        )
        .await;
        // Settled: retiring workers have finished their job and their Web Worker is gone.
        settle(&pool, size).await;
        assert_eq!(
            pool.live_web_workers(),
            size,
            "live Web Workers after resize {step} to {size}"
        );
        assert_eq!(
            counter(&pool, "liveWorkers"),
            size as f64,
            "workers in their loop after resize {step}"
        );
    }
    within(&pool, "done", pool.done()).await;
    assert_exactly_once(&take_all(&pool), JOBS, 8);
    assert_eq!(counter(&pool, "completed"), JOBS as f64);
}

pub async fn bad_input_is_refused_by_name_and_nothing_queued_is_lost() {
    let pool = Pool::new(2).unwrap();
    pool.submit("sleep", 5.0, 10.0).unwrap();
    // Pool sizes: the constructor and resize.
    for bad in [0.0, -3.0, 2.5, f64::NAN, 65.0] {
        let error: JsValue = pool.resize(bad).err().unwrap().into();
        assert_eq!(
            Reflect::get(&error, &"name".into()).unwrap().as_string().as_deref(),
            Some("InvalidSize"),
            "as the core names a size of 0"
        );
        let message = Reflect::get(&error, &"message".into()).unwrap().as_string().unwrap();
        assert_eq!(
            message,
            format!("pool size {bad} is out of range: it must be a whole number from 1 to 64"),
            "one text for one mistake"
        );
        let message = error_message(Pool::from_js(bad, None).err().unwrap());
        assert!(message.contains(&format!("pool size {bad}")), "{message}");
    }
    // Options: capacity and timeout.
    for (json, named) in [
        (r#"{"capacity":0}"#, "queue capacity 0"),
        (r#"{"capacity":-2}"#, "queue capacity -2"),
        (r#"{"capacity":"abc"}"#, "capacity"),
        (r#"{"jobTimeoutMs":0}"#, "job timeout 0"),
        (r#"{"jobTimeoutMs":-1}"#, "job timeout -1"),
    ] {
        let message = error_message(Pool::from_js(2.0, options(json)).err().unwrap());
        assert!(message.contains(named), "{json}: {message}");
    }
    // A quota of jobs per worker: named as the core names 0, in its words.
    for (json, message) in [
        (
            r#"{"jobsPerWorker":0}"#,
            "jobs per worker 0 is out of range: it must be at least 1",
        ),
        (
            r#"{"jobsPerWorker":2.5}"#,
            "jobs per worker 2.5 is out of range: it must be a whole number from 1 to 2000000",
        ),
    ] {
        let error: JsValue = Pool::from_js(2.0, options(json)).err().unwrap().into();
        let field = |key: &str| Reflect::get(&error, &key.into()).unwrap().as_string();
        assert_eq!(field("name").as_deref(), Some("InvalidJobsPerWorker"), "{json}");
        assert_eq!(field("message").as_deref(), Some(message), "{json}");
    }
    // Jobs: count, cost, kind.
    let many = error_message(pool.submit("noop", 1e9, 0.0).err().unwrap());
    assert!(
        many.contains("1000000000") && many.contains("from 0 to 2000000"),
        "{many}"
    );
    let negative = error_message(pool.submit("noop", -4.0, 0.0).err().unwrap());
    assert!(negative.contains("job count -4"), "{negative}");
    let nan = error_message(pool.submit("cpu", f64::NAN, 1.0).err().unwrap());
    assert!(nan.contains("job count NaN"), "{nan}");
    let cost = error_message(pool.submit("cpu", 1.0, -5.0).err().unwrap());
    assert!(
        cost.contains("job cost -5 ms") && cost.contains("between 0 and"),
        "{cost}"
    );
    let long = error_message(pool.submit_costs("sleep", &[1.0, 1e12], None).err().unwrap());
    assert!(long.contains("1000000000000"), "{long}");
    let kind = error_message(pool.submit("abc", 1.0, 1.0).err().unwrap());
    assert!(kind.contains("\"abc\"") && kind.contains("cpu, sleep, noop"), "{kind}");
    within(&pool, "done", pool.done()).await;
    assert_eq!(counter(&pool, "completed"), 5.0, "the jobs queued before still ran");
    assert_eq!(counter(&pool, "submitted"), 5.0, "no refused batch queued anything");
}

pub async fn a_hundred_thousand_jobs_stay_exactly_once_across_50_random_resizes() {
    const JOBS: usize = 100_000;
    let pool = Pool::from_js(4.0, options(r#"{"traceCapacity":100000}"#)).unwrap();
    within(&pool, "ready", pool.ready()).await;
    pool.submit("noop", JOBS as f64 / 2.0, 0.0).unwrap();
    pool.submit("cpu", JOBS as f64 / 2.0, 0.002).unwrap();
    let mut random = 0x00DD_BA11;
    let mut events = Vec::new();
    for _ in 0..50 {
        let _started = pool.resize((1 + next_random(&mut random) % 8) as f64).unwrap();
        events.extend(take_all(&pool));
        pause(1.0).await;
    }
    within(&pool, "done", pool.done()).await;
    events.extend(take_all(&pool));
    assert_exactly_once(&events, JOBS, 8);
    assert_eq!(counter(&pool, "completed"), JOBS as f64);
}

pub async fn a_panicking_job_fails_with_its_message_and_its_worker_is_replaced() {
    let pool = Pool::new(3).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let costs = vec![5.0; 30];
    let mut failing = vec![0u8; 30];
    failing[3] = 1; // job 4
    failing[19] = 1; // job 20
    pool.submit_costs("sleep", &costs, Some(failing)).unwrap();
    within(&pool, "done", pool.done()).await;
    let events = take_all(&pool);
    let (_, outcomes) = check_events(&events, 30, 3);
    assert_eq!(outcomes, [28, 2, 0, 0]);
    let failed: Vec<u64> = events
        .chunks(FIELDS)
        .filter(|e| e[OUTCOME] as usize == FAILED)
        .map(|e| e[JOB] as u64)
        .collect();
    assert_eq!(failed, [4, 20]);
    let failures = pool.take_failures();
    let messages: Vec<String> = failures
        .iter()
        .map(|f| Reflect::get(&f, &"message".into()).unwrap().as_string().unwrap())
        .collect();
    assert_eq!(messages.len(), 2);
    assert!(messages.contains(&"job 4 was set to fail".to_string()), "{messages:?}");
    assert_eq!((counter(&pool, "completed"), counter(&pool, "failed")), (28.0, 2.0));
    assert_eq!(pool.lost_workers(), 2, "each panic cost one thread");
    settle(&pool, 3).await;
    assert_eq!(pool.live_web_workers(), 3, "the pool is back to its size");
    pool.submit("noop", 100.0, 0.0).unwrap(); // the queue stays usable
    within(&pool, "done", pool.done()).await;
    assert_eq!(counter(&pool, "completed"), 128.0);
    assert_eq!(Pool::refused_waits(), 0.0);
}

pub async fn a_job_past_the_timeout_is_reported_and_its_worker_replaced() {
    // Margins for a loaded 2-core machine: short jobs of 1 ms, a 400 ms timeout.
    // Job 1 sleeps 5 s: a `cpu` job's length rests on a calibration that a
    // loaded machine can throw off (WebKit's optimising tier came late), a sleep's does not.
    let pool = Pool::from_js(2.0, options(r#"{"jobTimeoutMs":400}"#)).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let started = now_ms();
    pool.submit_costs("sleep", &[5_000.0], None).unwrap();
    pool.submit_costs("cpu", &[1.0; 20], None).unwrap();
    within(&pool, "done", pool.done()).await;
    assert!(now_ms() - started < 3_000.0, "done did not wait for the stuck job");
    let events = take_all(&pool);
    let (_, outcomes) = check_events(&events, 21, 2);
    assert_eq!(outcomes, [20, 0, 1, 0]);
    let timed_out = events
        .chunks(FIELDS)
        .find(|e| e[OUTCOME] as usize == TIMED_OUT)
        .unwrap();
    assert_eq!(timed_out[JOB], 1.0);
    assert_eq!((counter(&pool, "timedOut"), counter(&pool, "failed")), (1.0, 1.0));
    settle(&pool, 2).await;
    assert_eq!(pool.live_web_workers(), 2, "the stuck worker was replaced");
    assert_eq!(pool.lost_workers(), 1);
    // Its thread was not terminated from outside (which frees nothing safely):
    // the job stopped at a safe point and the thread ended by itself, long
    // before the 5 s the job would have run.
    assert!(now_ms() - started < 5_000.0, "the timed-out job ran on to its end");
}

pub async fn a_full_queue_rejects_at_once_when_asked_to() {
    let pool = Pool::from_js(1.0, options(r#"{"capacity":5}"#)).unwrap();
    within(&pool, "ready", pool.ready()).await;
    pool.submit("sleep", 5.0, 50.0).unwrap();
    let full: JsValue = pool.submit("noop", 10.0, 0.0).err().unwrap().into();
    assert_eq!(
        Reflect::get(&full, &"name".into()).unwrap().as_string().as_deref(),
        Some("QueueFull"),
        "named for its variant"
    );
    let full = Reflect::get(&full, &"message".into()).unwrap().as_string().unwrap();
    assert!(
        full.contains("cannot queue 10 jobs") && full.contains("room for"),
        "{full}"
    );
    assert_eq!(counter(&pool, "rejected"), 10.0);
    assert_eq!(counter(&pool, "submitted"), 5.0, "a refused batch queues nothing");
    within(&pool, "done", pool.done()).await;
    assert_exactly_once(&take_all(&pool), 5, 1);
}

pub async fn a_full_queue_waits_for_room_when_asked_to() {
    let pool = Pool::from_js(2.0, options(r#"{"capacity":4}"#)).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let submitted = pool.submit_wait("sleep", &[5.0; 40], None).unwrap();
    let mut most_waiting: f64 = 0.0;
    let deadline = now_ms() + DEADLINE_MS;
    while counter(&pool, "submitted") < 40.0 {
        assert!(
            now_ms() < deadline,
            "waited {DEADLINE_MS} ms for 40 jobs to be queued in vain; {}",
            state(&pool)
        );
        most_waiting = most_waiting.max(counter(&pool, "waiting"));
        pause(1.0).await;
    }
    assert_eq!(
        within(&pool, "submitWait of 40 jobs", submitted).await.as_f64(),
        Some(1.0),
        "resolves with the first job number"
    );
    assert!(most_waiting <= 4.0, "{most_waiting} jobs waited in a queue of 4");
    within(&pool, "done", pool.done()).await;
    assert_exactly_once(&take_all(&pool), 40, 2);
    assert_eq!(counter(&pool, "rejected"), 0.0);
}

pub async fn cancel_reports_every_waiting_job_as_cancelled() {
    let pool = Pool::new(2).unwrap();
    within(&pool, "ready", pool.ready()).await;
    // Jobs long enough that none ends between seeing two run and cancelling.
    pool.submit("sleep", 20.0, 300.0).unwrap();
    running(&pool, 2.0).await; // jobs 1 and 2
    assert_eq!(pool.cancel(), 18.0);
    within(&pool, "done", pool.done()).await;
    let (_, outcomes) = check_events(&take_all(&pool), 20, 2);
    assert_eq!(outcomes, [2, 0, 0, 18]);
    assert_eq!((counter(&pool, "cancelled"), counter(&pool, "completed")), (18.0, 2.0));
    assert_eq!(
        pool.submit("noop", 3.0, 0.0).unwrap(),
        21.0,
        "the pool goes on after a cancel"
    );
    within(&pool, "done", pool.done()).await;
}

pub async fn stop_lets_running_jobs_finish_then_refuses_jobs() {
    let pool = Pool::new(2).unwrap();
    within(&pool, "ready", pool.ready()).await;
    pool.submit("sleep", 10.0, 300.0).unwrap();
    running(&pool, 2.0).await; // jobs 1 and 2
    within(&pool, "stop", pool.stop()).await;
    assert_eq!(
        (
            counter(&pool, "completed"),
            counter(&pool, "cancelled"),
            counter(&pool, "running")
        ),
        (2.0, 8.0, 0.0)
    );
    let refused = error_message(pool.submit("noop", 1.0, 0.0).err().unwrap());
    assert!(refused.contains("closed"), "{refused}");
    check_events(&take_all(&pool), 10, 2);
    settle(&pool, 0).await;
    assert_eq!(pool.live_web_workers(), 0, "a stopped pool's workers end");
}

pub async fn drain_runs_everything_queued_then_refuses_jobs() {
    let pool = Pool::new(2).unwrap();
    pool.submit("sleep", 12.0, 10.0).unwrap();
    within(&pool, "drain", pool.drain()).await;
    assert_eq!(counter(&pool, "completed"), 12.0);
    let refused = error_message(pool.submit_costs("cpu", &[1.0], None).err().unwrap());
    assert!(refused.contains("closed"), "{refused}");
    let waited = rejection_message(&pool, pool.submit_wait("cpu", &[1.0], None).unwrap()).await;
    assert!(waited.contains("closed"), "{waited}");
    assert_exactly_once(&take_all(&pool), 12, 2);
}

/// Memory is reported as the test runs; it must stop growing once warm.
pub async fn memory_stops_growing_across_resize_cycles_and_panics() {
    let before = Pool::memory_bytes();
    let pool = Pool::new(1).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let mut random = 0x5EED_CAFE;
    let mut cycle = |pool: &Pool| {
        let size = (2 + next_random(&mut random) % 7) as u32; // 2..=8, then back to 1
        (pool.resize(size as f64).unwrap(), size)
    };
    let mut warm = 0.0;
    for round in 0..200 {
        let (grown, size) = cycle(&pool);
        within(&pool, &format!("resize({size}) in cycle {round}"), grown).await;
        settle(&pool, size).await;
        within(&pool, &format!("resize(1) in cycle {round}"), pool.resize(1.0).unwrap()).await;
        settle(&pool, 1).await;
        assert_eq!(pool.live_web_workers(), 1, "live Web Workers after cycle {round}");
        if round == 49 {
            warm = Pool::memory_bytes();
        }
    }
    let after_resizes = Pool::memory_bytes();
    let mut failing = vec![1u8; 50];
    failing.push(0);
    pool.submit_costs("noop", &[0.0; 51], Some(failing)).unwrap();
    within(&pool, "done", pool.done()).await;
    settle(&pool, 1).await;
    pause(50.0).await; // the page frees each lost thread's stack
    let after_panics = Pool::memory_bytes();
    web_sys::console::log_1(
        &format!("memory: before {before} B, warm {warm} B, after 200 resize cycles {after_resizes} B, after 50 panics {after_panics} B").into(),
    );
    assert_eq!(counter(&pool, "failed"), 50.0);
    assert_eq!(pool.live_web_workers(), 1);
    assert_eq!(after_resizes, warm, "memory grew across resize cycles");
    assert_eq!(after_panics, warm, "memory grew across panics");
}

/// A long-lived pool: job slots are used again and the trace keeps its
/// latest events, so memory stops growing however many jobs run. Each
/// round queues 98,304 jobs (24 segments of 4,096 slots: every round needs
/// as many as the first), built-in ones and closures, one labelled, and
/// reads the trace once, late: a reader that falls behind is told how
/// many events it missed, and what it is given is whole.
#[cfg(feature = "threads")] // closures, and 10 million messages would take minutes
pub async fn ten_million_jobs_hold_no_more_memory_than_a_hundred_thousand() {
    const ROUNDS: usize = 102;
    const CLOSURES: usize = 1_000;
    const BUILT_IN: f64 = (24 * 4096 - CLOSURES - 1) as f64;
    let pool = Pool::new(2).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let (mut read, mut after_one_round, mut storage_after_one_round) = (0.0, 0.0, 0.0);
    for round in 0..ROUNDS {
        pool.submit("noop", BUILT_IN, 0.0).unwrap();
        let batch = pool
            .map_chunked(
                (0..CLOSURES).collect::<Vec<_>>(),
                poolscope::Chunking::PerItem,
                move |i| i + round,
            )
            .unwrap();
        let label = format!("round {round}");
        let labelled = pool.spawn_labeled(&label, move || round).unwrap();
        let labelled_job = labelled.job();
        let results = before_deadline(&pool, &format!("closures of round {round}"), batch.in_order()).await;
        assert!(
            results.into_iter().enumerate().all(|(i, r)| r == Ok(i + round)),
            "round {round}'s results"
        );
        assert_eq!(before_deadline(&pool, "a labelled closure", labelled).await, Ok(round));
        within(&pool, &format!("done, round {round}"), pool.done()).await;
        let events = pool.take_events(None).to_vec();
        for event in events.chunks(FIELDS) {
            assert!(
                event[JOB] >= 1.0 && event[STARTED] <= event[FINISHED],
                "a whole event: {event:?}"
            );
        }
        read += (events.len() / FIELDS) as f64;
        assert_eq!(pool.label_of(labelled_job as f64).as_deref(), Some(label.as_str()));
        if round == 0 {
            after_one_round = Pool::memory_bytes();
            storage_after_one_round = pool.storage_bytes();
        }
    }
    let after_all = Pool::memory_bytes();
    let jobs = ROUNDS as f64 * (BUILT_IN + CLOSURES as f64 + 1.0);
    web_sys::console::log_1(
        &format!(
            "memory: after {} jobs {after_one_round} B, after {jobs} jobs {after_all} B; events read {read}, missed {}",
            jobs / ROUNDS as f64,
            pool.missed_events()
        )
        .into(),
    );
    assert_eq!(counter(&pool, "completed"), jobs);
    assert_eq!(
        read + pool.missed_events(),
        jobs,
        "every event read or counted as missed"
    );
    assert!(
        pool.missed_events() > 0.0,
        "a trace of {} events cannot keep a round of 98,304",
        pool.trace_capacity()
    );
    assert_eq!(
        pool.storage_bytes(),
        storage_after_one_round,
        "queue and trace bytes after {jobs} jobs"
    );
    assert_eq!(
        after_all, after_one_round,
        "wasm memory grew after the first 98,304 jobs"
    );
}

/// Runs `jobs` cpu jobs with `strategy` (as the playground does) and
/// returns the events.
async fn run_strategy(strategy: &str, size: u32, jobs: usize) -> Vec<f64> {
    let costs = vec![0.01; jobs];
    #[cfg(feature = "rayon")]
    if strategy == "rayon" {
        let pool = Pool::with_rayon(size as f64).unwrap();
        within(&pool, "ready", pool.ready()).await;
        assert_eq!(
            counter(&pool, "liveWorkers"),
            size as f64,
            "ready() waits for every rayon thread"
        );
        pool.submit_costs("cpu", &costs, None).unwrap();
        within(&pool, "done", pool.done()).await;
        return checked_events(&pool, strategy, jobs);
    }
    let pool = match strategy {
        "unbounded" => Pool::from_js(
            jobs.min(64) as f64,
            options(&format!(r#"{{"jobsPerWorker":{}}}"#, jobs.div_ceil(64))),
        )
        .unwrap(),
        _ => Pool::new(size as usize).unwrap(),
    };
    // Up to 64 workers start at once (without shared memory each makes an
    // instance of its own), and one that does not load is started again
    // after 10 s (remote_host.js): a second per worker beyond the usual wait.
    let workers = counter(&pool, "workers");
    within_ms(&pool, "ready", pool.ready(), DEADLINE_MS + 1_000.0 * workers).await;
    match strategy {
        "partition" => pool.submit_partitioned("cpu", &costs, None).unwrap(),
        _ => pool.submit_costs("cpu", &costs, None).unwrap(),
    };
    within(&pool, "done", pool.done()).await;
    checked_events(&pool, strategy, jobs)
}

/// The events of `strategy`'s run of `jobs` cpu jobs, each with the value
/// and times it must have; the counters say every job completed.
fn checked_events(pool: &impl Watched, strategy: &str, jobs: usize) -> Vec<f64> {
    let events = take_all(pool);
    for event in events.chunks(FIELDS) {
        assert_eq!(
            event[VALUE],
            Pool::cpu_checksum(event[JOB], 0.01) as f64,
            "{strategy}: checksum of job {}",
            event[JOB]
        );
        assert!(event[STARTED] <= event[FINISHED]);
    }
    assert_eq!(
        (
            counter(pool, "completed"),
            counter(pool, "waiting"),
            counter(pool, "running")
        ),
        (jobs as f64, 0.0, 0.0)
    );
    events
}

pub async fn each_strategy_runs_a_thousand_jobs_exactly_once() {
    // rayon needs shared memory: the message-passing build runs the other three.
    let strategies: &[&str] = if cfg!(feature = "rayon") {
        &["pool", "partition", "unbounded", "rayon"]
    } else {
        &["pool", "partition", "unbounded"]
    };
    for &strategy in strategies {
        let events = run_strategy(strategy, 3, 1_000).await;
        assert_exactly_once(&events, 1_000, 64);
    }
}

pub async fn partition_assigns_exactly_the_planned_slices() {
    let events = run_strategy("partition", 3, 10).await;
    assert_exactly_once(&events, 10, 3);
    for event in events.chunks(FIELDS) {
        let planned = 1.0 + ((event[JOB] - 1.0) / 4.0).floor(); // slices of ceil(10 / 3) = 4: 1-4, 5-8, 9-10
        assert_eq!(event[WORKER], planned, "job {} on its slice's worker", event[JOB]);
    }
}

pub async fn unbounded_uses_a_worker_per_job() {
    let events = run_strategy("unbounded", 1, 30).await;
    let per_worker = assert_exactly_once(&events, 30, 64);
    assert_eq!(
        per_worker.iter().filter(|&&n| n == 1).count(),
        30,
        "30 jobs on 30 distinct workers"
    );
    let capped = run_strategy("unbounded", 1, 200).await;
    let per_worker = assert_exactly_once(&capped, 200, 64);
    assert!(
        per_worker.iter().all(|&n| n <= 4),
        "capped at 64 workers, at most ceil(200 / 64) jobs each"
    );
}

#[cfg(feature = "rayon")]
pub async fn rayon_numbers_its_workers_within_its_pool_size() {
    let events = run_strategy("rayon", 2, 1_000).await;
    assert_exactly_once(&events, 1_000, 2);
    // Both threads take jobs. Not asked of the 10 ms of cpu jobs above: under
    // a busy loop per core one rayon thread ran all 1,000 before the other
    // was scheduled (WebKit soak, worker mode). 200 sleep jobs of 1 ms leave
    // the other thread 200 ms to steal.
    let pool = Pool::with_rayon(2.0).unwrap();
    within(&pool, "ready", pool.ready()).await;
    pool.submit("sleep", 200.0, 1.0).unwrap();
    within(&pool, "done", pool.done()).await;
    let per_worker = assert_exactly_once(&take_all(&pool), 200, 2);
    assert!(
        per_worker[1] > 0 && per_worker[2] > 0,
        "both rayon threads ran jobs: {per_worker:?}"
    );
    // The ways of queuing that rayon's threads would never see are refused by name.
    for refused in [
        pool.submit_partitioned("cpu", &[1.0], None).err(),
        pool.submit_wait("cpu", &[1.0], None).err(),
    ] {
        let error: JsValue = refused.expect("refused on a rayon pool").into();
        assert_eq!(
            Reflect::get(&error, &"name".into()).unwrap().as_string().as_deref(),
            Some("RayonSubmitOnly")
        );
    }
    // Closures go to a pool of their own: a `RayonPool` has no `spawn` or `map`.
    let error: JsValue = pool.resize(3.0).expect_err("a rayon pool's size is fixed").into();
    assert_eq!(
        Reflect::get(&error, &"name".into()).unwrap().as_string().as_deref(),
        Some("RayonSizeFixed")
    );
    let events = run_strategy("rayon", 4, 1_000).await; // another size in the same page
    assert_exactly_once(&events, 1_000, 4);
    let message = error_message(Pool::with_rayon(0.0).err().unwrap());
    assert_eq!(
        message, "pool size 0 is out of range: it must be a whole number from 1 to 64",
        "as any pool's size"
    );
}

/// Every job's `queued <= started <= finished`, and a job that is queued
/// after another finished starts no earlier, whichever workers ran them:
/// the times of all threads are on one clock (WebKit recomputes
/// `performance.timeOrigin` on every read; `src/sys/README.md`).
pub async fn event_times_are_monotonic_per_job_and_ordered_across_workers() {
    const ROUNDS: usize = 12;
    const SIZE: usize = 4;
    let pool = Pool::new(SIZE).unwrap();
    within(&pool, "ready", pool.ready()).await;
    let mut events = Vec::new();
    let mut round_ends = Vec::new();
    for round in 0..ROUNDS {
        let before = now_ms();
        // Alternate kinds so that rounds land on different workers in turn.
        pool.submit(if round % 2 == 0 { "sleep" } else { "cpu" }, SIZE as f64, 2.0)
            .unwrap();
        within(&pool, &format!("done of round {round}"), pool.done()).await;
        let after = now_ms();
        let round_events = take_all(&pool);
        assert_eq!(round_events.len(), SIZE * FIELDS, "round {round}: one event per job");
        for event in round_events.chunks(FIELDS) {
            let (job, worker) = (event[JOB], event[WORKER]);
            let (queued, started, finished) = (event[3], event[STARTED], event[FINISHED]);
            assert!(
                before <= queued,
                "job {job}: queued at {queued}, before it was submitted at {before}"
            );
            assert!(
                queued <= started,
                "job {job} on worker {worker}: started at {started}, before it was queued at {queued}"
            );
            assert!(
                started <= finished,
                "job {job} on worker {worker}: finished at {finished}, before it started at {started}"
            );
            assert!(
                finished <= after,
                "job {job} on worker {worker}: finished at {finished}, after done resolved at {after}"
            );
        }
        round_ends.push((before, after));
        events.extend(round_events);
    }
    // Across rounds: each round's jobs start after the previous round's finished, on any worker.
    for round in 1..ROUNDS {
        let chunk = |r: usize| &events[r * SIZE * FIELDS..(r + 1) * SIZE * FIELDS];
        let last_finish = chunk(round - 1)
            .chunks(FIELDS)
            .map(|e| e[FINISHED])
            .fold(f64::MIN, f64::max);
        for event in chunk(round).chunks(FIELDS) {
            assert!(
                event[STARTED] >= last_finish,
                "round {round}: job {} on worker {} started at {}, before round {} finished at {last_finish}",
                event[JOB],
                event[WORKER],
                event[STARTED],
                round - 1
            );
        }
    }
    let workers: HashSet<u64> = events.chunks(FIELDS).map(|e| e[WORKER] as u64).collect();
    assert!(
        workers.len() >= 2,
        "the rounds ran on more than one worker: {workers:?}"
    );
}
