//! Test bodies shared by `browser.rs` (the page's main thread) and
//! `worker.rs` (a dedicated worker): the same checks in both places a pool
//! can be driven from.

/// Declares every test of this module as a `#[wasm_bindgen_test]` in the
/// including binary, which picks the mode with `wasm_bindgen_test_configure!`.
#[macro_export]
macro_rules! suite {
    () => {
        $crate::suite!(
            four_workers_are_four_web_workers_running_jobs_at_once,
            ten_thousand_jobs_each_finish_exactly_once,
            done_resolves_only_after_the_last_job_finished,
            jobs_stay_exactly_once_across_30_random_resizes,
            bad_input_is_refused_by_name_and_nothing_queued_is_lost,
        );
    };
    ($($name:ident),+ $(,)?) => {
        $(
            #[wasm_bindgen_test::wasm_bindgen_test]
            async fn $name() {
                common::$name().await;
            }
        )+
    };
}

use js_sys::{Float64Array, Function, Promise, Reflect};
use poolscope::web::{self, WebPool};
use std::collections::HashSet;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const FIELDS: usize = poolscope::EVENT_FIELDS.len();
const JOB: usize = 0;
const WORKER: usize = 1;
const STARTED: usize = 4;
const FINISHED: usize = 5;
const VALUE: usize = 7;

async fn resolved(promise: Promise) -> JsValue {
    JsFuture::from(promise).await.expect("promise rejected")
}

/// Yields to the event loop for `ms`, so worker messages arrive.
pub async fn pause(ms: f64) {
    let timer = Function::new_with_args("ms", "return new Promise((resolve) => setTimeout(resolve, ms))");
    let promise = timer.call1(&JsValue::NULL, &ms.into()).unwrap();
    resolved(promise.unchecked_into()).await;
}

fn counter(pool: &WebPool, name: &str) -> f64 {
    Reflect::get(&pool.counters(), &name.into()).unwrap().as_f64().unwrap()
}

fn take_all(pool: &WebPool) -> Vec<f64> {
    let events: Float64Array = pool.take_events(None);
    events.to_vec()
}

fn now_ms() -> f64 {
    poolscope::sys::now_ms()
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

/// Checks jobs `1..=jobs` each finished exactly once on workers `1..=max_worker`;
/// returns the jobs per worker.
fn assert_exactly_once(events: &[f64], jobs: usize, max_worker: usize) -> Vec<u64> {
    assert_eq!(events.len(), jobs * FIELDS, "one event per job");
    let mut seen = vec![false; jobs + 1];
    let mut per_worker = vec![0; max_worker + 1];
    for event in events.chunks(FIELDS) {
        let job = event[JOB] as usize;
        assert!((1..=jobs).contains(&job), "job {job} out of 1..={jobs}");
        assert!(!seen[job], "job {job} finished twice");
        seen[job] = true;
        let worker = event[WORKER] as usize;
        assert!((1..=max_worker).contains(&worker), "worker {worker} out of 1..={max_worker}");
        per_worker[worker] += 1;
    }
    per_worker
}

pub async fn four_workers_are_four_web_workers_running_jobs_at_once() {
    let pool = WebPool::new(4).unwrap();
    resolved(pool.ready()).await;
    assert_eq!(pool.live_web_workers(), 4, "one Web Worker per pool worker");
    pool.submit("sleep", 4, 300.0).unwrap();
    resolved(pool.done()).await;
    let events = take_all(&pool);
    let per_worker = assert_exactly_once(&events, 4, 4);
    assert_eq!(per_worker[1..], [1, 1, 1, 1], "each idle worker took one job");

    let this_thread = web::current_thread_serial();
    let threads: HashSet<u64> = pool
        .workers()
        .iter()
        .map(|w| Reflect::get(&w, &"thread".into()).unwrap().as_f64().unwrap() as u64)
        .collect();
    assert_eq!(threads.len(), 4, "4 distinct threads: {threads:?}");
    assert!(!threads.contains(&(this_thread as u64)), "no job ran on the test's own thread");

    // At least two jobs ran at the same moment, on the clock all threads share.
    let spans: Vec<(f64, f64)> = events.chunks(FIELDS).map(|e| (e[STARTED], e[FINISHED])).collect();
    let overlapping = spans.iter().enumerate().any(|(i, a)| spans[i + 1..].iter().any(|b| a.0 < b.1 && b.0 < a.1));
    assert!(overlapping, "no two jobs overlapped: {spans:?}");
}

pub async fn ten_thousand_jobs_each_finish_exactly_once() {
    const JOBS: usize = 10_000;
    let waits = spy_on_atomics_wait();
    let pool = WebPool::new(4).unwrap();
    let first = pool.submit("cpu", JOBS as u32, 0.01).unwrap();
    assert_eq!(first, 1.0, "jobs are numbered from 1");
    let mut events = take_all(&pool); // read while the workers run
    resolved(pool.done()).await;
    events.extend(take_all(&pool));
    let per_worker = assert_exactly_once(&events, JOBS, 4);
    for event in events.chunks(FIELDS) {
        assert_eq!(event[VALUE], web::cpu_checksum(event[JOB], 0.01) as f64, "checksum of job {}", event[JOB]);
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
    assert_eq!(waits.call0(&JsValue::NULL).unwrap().as_f64(), Some(0.0), "Atomics.wait called on this thread");
    assert_eq!(web::refused_waits(), 0.0, "the pool asked this thread to block");
}

pub async fn done_resolves_only_after_the_last_job_finished() {
    let pool = WebPool::new(2).unwrap();
    pool.submit("sleep", 10, 30.0).unwrap();
    let done = pool.done();
    pause(50.0).await;
    assert!(counter(&pool, "completed") < 10.0, "the jobs take 150 ms at least");
    resolved(done).await;
    let resolved_at = now_ms();
    assert_eq!(counter(&pool, "completed"), 10.0, "done resolved before every job finished");
    let events = take_all(&pool);
    assert_exactly_once(&events, 10, 2);
    let last_finish = events.chunks(FIELDS).map(|e| e[FINISHED]).fold(0.0, f64::max);
    assert!(last_finish <= resolved_at, "the last job finished at {last_finish}, after done resolved at {resolved_at}");
    // A second batch: `done` waits for it too.
    pool.submit("sleep", 4, 30.0).unwrap();
    resolved(pool.done()).await;
    assert_eq!(counter(&pool, "completed"), 14.0);
    assert_eq!(web::refused_waits(), 0.0);
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
    let pool = WebPool::new(4).unwrap();
    resolved(pool.ready()).await;
    pool.submit("cpu", JOBS as u32, 0.05).unwrap();
    let mut random = 0xC0FFEE;
    for step in 0..30 {
        let size = 1 + (next_random(&mut random) % 8) as u32;
        resolved(pool.resize(size).unwrap()).await;
        // Settled: retiring workers have finished their job and their Web Worker is gone.
        let deadline = now_ms() + 10_000.0;
        while (pool.live_web_workers() != size || counter(&pool, "liveWorkers") != size as f64) && now_ms() < deadline {
            pause(2.0).await;
        }
        assert_eq!(pool.live_web_workers(), size, "live Web Workers after resize {step} to {size}");
        assert_eq!(counter(&pool, "liveWorkers"), size as f64, "workers in their loop after resize {step}");
    }
    resolved(pool.done()).await;
    assert_exactly_once(&take_all(&pool), JOBS, 8);
    assert_eq!(counter(&pool, "completed"), JOBS as f64);
}

pub async fn bad_input_is_refused_by_name_and_nothing_queued_is_lost() {
    let pool = WebPool::new(2).unwrap();
    pool.submit("sleep", 5, 10.0).unwrap();
    let message = |error: wasm_bindgen::JsError| {
        let value: JsValue = error.into();
        Reflect::get(&value, &"message".into()).unwrap().as_string().unwrap()
    };
    let size = message(pool.resize(0).err().unwrap());
    assert!(size.contains("pool size 0") && size.contains("between 1 and 64"), "{size}");
    let many = message(pool.submit("noop", 1_000_000_000, 0.0).err().unwrap());
    assert!(many.contains("1000000000") && many.contains("room for"), "{many}");
    let kind = message(pool.submit("abc", 1, 1.0).err().unwrap());
    assert!(kind.contains("\"abc\"") && kind.contains("cpu, sleep, noop"), "{kind}");
    assert!(WebPool::new(0).is_err());
    resolved(pool.done()).await;
    assert_eq!(counter(&pool, "completed"), 5.0, "the jobs queued before still ran");
}
