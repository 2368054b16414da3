//! Call jobs on native threads, driven as a browser's Web Workers drive
//! them (`src/web/worker_host.js`): a thread runs the worker loop until it
//! hands back a call, runs it outside the core, reports it, and resumes.
//! Every call job gets exactly one report, whatever happens to it.

use crate::core::calls::{Call, CallReport};
use crate::core::job::{JobKind, Outcome};
use crate::core::options::PoolOptions;
use crate::core::placement::Placement;
use crate::core::pool::workers::{Loss, Step};
use crate::core::pool::PoolCore;
use crate::core::tests::deadline;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A call's input: a number the "platform" doubles; 0 throws, u32::MAX
/// runs 50 ms. It says it runs `1 + n % 3` items (a JS map's chunk runs many).
fn call(n: u32) -> Call {
    Call {
        input: n.to_le_bytes().into(),
        timeout_ms: None,
        items: 1 + n % 3,
    }
}

fn number(bytes: &[u8]) -> u32 {
    u32::from_le_bytes(bytes.try_into().expect("four bytes"))
}

/// One thread of a worker id, as a Web Worker runs it.
fn start_worker(core: &Arc<PoolCore>, id: u32) -> std::thread::JoinHandle<()> {
    let core = Arc::clone(core);
    std::thread::spawn(move || {
        let mut step = core.run_worker(id, || ());
        while let Step::Call { job, input } = step {
            let n = number(&input);
            if n == u32::MAX {
                std::thread::sleep(Duration::from_millis(50));
            }
            let (outcome, output, message) = match n {
                0 => (Outcome::Failed, b"Error: zero".to_vec(), "Error: zero"),
                n => (Outcome::Completed, n.wrapping_mul(2).to_le_bytes().to_vec(), ""),
            };
            if !core.call_finished(id, job, outcome, output.into(), message, None) {
                return; // timed out: another thread has this id (a Web Worker is ended here)
            }
            step = core.resume_worker(id);
        }
    })
}

fn resize(core: &Arc<PoolCore>, size: usize, threads: &mut Vec<std::thread::JoinHandle<()>>) {
    for id in core.resize(size).unwrap() {
        threads.push(start_worker(core, id));
    }
}

/// Takes reports until every one of `jobs` has one; fails after 30 s.
fn reports_of(core: &PoolCore, jobs: u64) -> BTreeMap<u64, CallReport> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut reports = BTreeMap::new();
    while (reports.len() as u64) < jobs {
        for report in core.take_call_reports() {
            assert!(reports.insert(report.job, report).is_none(), "a second report");
        }
        assert!(
            Instant::now() < deadline,
            "waited 30 s for {jobs} call reports, got {}: {:?}",
            reports.len(),
            core.counters()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    reports
}

fn close(core: &Arc<PoolCore>, threads: Vec<std::thread::JoinHandle<()>>) {
    core.close();
    threads.into_iter().for_each(|t| t.join().unwrap());
}

#[test]
fn every_call_job_is_reported_once_with_its_output_across_resizes() {
    let _deadline = deadline("calls across resizes");
    let core = Arc::new(PoolCore::new(PoolOptions::default()).unwrap());
    let mut threads = Vec::new();
    resize(&core, 3, &mut threads);
    let total = 20_000u32;
    let first = core
        .submit_calls((1..=total).map(call).collect(), Vec::new(), Placement::Shared)
        .unwrap();
    for size in [1, 4, 2] {
        std::thread::sleep(Duration::from_millis(2));
        resize(&core, size, &mut threads);
    }
    let reports = reports_of(&core, total as u64);
    for (i, (&job, report)) in reports.iter().enumerate() {
        assert_eq!(job, first + i as u64);
        assert_eq!(report.outcome, Outcome::Completed);
        assert_eq!(number(&report.output), 2 * (i as u32 + 1), "job {job}'s own output");
        assert!(report.worker >= 1);
    }
    assert!(core.is_idle());
    let counters = core.counters();
    assert_eq!(
        (counters.completed, counters.running, counters.waiting),
        (total as u64, 0, 0)
    );
    let mut events = Vec::new();
    core.read_events(0, u64::MAX, &mut events);
    assert!(events
        .chunks(crate::core::events::EVENT_FIELDS.len())
        .all(|e| e[2] == JobKind::Call as u8 as f64));
    // Each completed call's event counts its items: job `first + i` ran call(i + 1).
    assert!(events
        .chunks(crate::core::events::EVENT_FIELDS.len())
        .all(|e| e[7] == f64::from(1 + (e[0] as u64 - first + 1) as u32 % 3)));
    assert!(!core.has_call_reports());
    close(&core, threads);
}

#[test]
fn a_failed_call_fails_alone_with_its_message() {
    let _deadline = deadline("a failed call");
    let core = Arc::new(PoolCore::new(PoolOptions::default()).unwrap());
    let mut threads = Vec::new();
    resize(&core, 2, &mut threads);
    core.submit_calls(
        [1, 0, 3].map(call).to_vec(),
        vec!["one".into(), "zero".into(), "three".into()],
        Placement::Shared,
    )
    .unwrap();
    let reports = reports_of(&core, 3);
    let outcomes: Vec<Outcome> = reports.values().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Completed, Outcome::Failed, Outcome::Completed]);
    assert_eq!(&*reports[&2].output, b"Error: zero");
    let failures = core.take_failures();
    assert_eq!((failures[0].job, failures[0].message.as_str()), (2, "Error: zero"));
    assert_eq!(core.label(2).as_deref(), Some("zero"));
    assert_eq!(core.counters().failed, 1);
    close(&core, threads);
}

#[test]
fn a_withdrawn_call_never_runs_and_is_reported_cancelled() {
    let _deadline = deadline("a withdrawn call");
    let core = Arc::new(PoolCore::new(PoolOptions::default()).unwrap());
    // Queued before any worker: nothing can take them yet.
    let first = core
        .submit_calls((1..=5).map(call).collect(), Vec::new(), Placement::Shared)
        .unwrap();
    assert!(core.withdraw_call(first + 1));
    assert!(!core.withdraw_call(first + 1), "once");
    let mut threads = Vec::new();
    resize(&core, 2, &mut threads);
    let reports = reports_of(&core, 5);
    assert_eq!(reports[&(first + 1)].outcome, Outcome::Cancelled);
    assert_eq!(reports[&(first + 1)].worker, 0, "it never ran");
    assert_eq!(reports.values().filter(|r| r.outcome == Outcome::Completed).count(), 4);
    let counters = core.counters();
    assert_eq!(
        (
            counters.completed,
            counters.cancelled,
            counters.running,
            counters.waiting
        ),
        (4, 1, 0, 0)
    );
    assert!(core.is_idle());
    close(&core, threads);
}

#[test]
fn cancel_reports_waiting_calls_once() {
    let _deadline = deadline("cancelled calls");
    let core = Arc::new(PoolCore::new(PoolOptions::default()).unwrap());
    let first = core
        .submit_calls((1..=4).map(call).collect(), Vec::new(), Placement::Shared)
        .unwrap();
    assert!(core.withdraw_call(first));
    assert_eq!(core.cancel(), 4);
    let reports = reports_of(&core, 4);
    assert!(reports
        .values()
        .all(|r| r.outcome == Outcome::Cancelled && r.worker == 0));
    assert_eq!(core.counters().cancelled, 4);
    std::thread::sleep(Duration::from_millis(5));
    assert!(core.take_call_reports().is_empty(), "no second report");
}

#[test]
fn a_call_past_its_own_timeout_is_reported_once_and_its_late_report_ignored() {
    let _deadline = deadline("a call's own timeout");
    let core = Arc::new(PoolCore::new(PoolOptions::default()).unwrap());
    let mut threads = Vec::new();
    resize(&core, 1, &mut threads);
    let slow = Call {
        timeout_ms: Some(5.0),
        ..call(u32::MAX)
    };
    let first = core
        .submit_calls(vec![slow, call(7)], Vec::new(), Placement::Shared)
        .unwrap();
    // The watchdog, as the platform runs it.
    let deadline = Instant::now() + Duration::from_secs(30);
    let overdue = loop {
        let overdue = core.overdue_workers();
        if !overdue.is_empty() {
            break overdue;
        }
        assert!(Instant::now() < deadline, "the call never ran past its timeout");
        std::thread::sleep(Duration::from_millis(1));
    };
    assert_eq!(overdue, [1]);
    // The platform ends the old worker (a JS one: see worker_host.js) and starts another.
    if core.worker_lost(1, Loss::TimedOut) {
        threads.push(start_worker(&core, 1));
    }
    let reports = reports_of(&core, 2);
    assert_eq!(reports[&first].outcome, Outcome::TimedOut);
    assert_eq!(reports[&(first + 1)].outcome, Outcome::Completed);
    // The old thread's late report changed nothing.
    std::thread::sleep(Duration::from_millis(80));
    assert!(core.take_call_reports().is_empty());
    let counters = core.counters();
    assert_eq!((counters.timed_out, counters.completed), (1, 1));
    close(&core, threads);
}

#[test]
fn a_running_job_shows_in_its_workers_stats_until_it_ends() {
    let _deadline = deadline("a running job in the stats");
    let core = Arc::new(PoolCore::new(PoolOptions::default()).unwrap());
    let mut threads = Vec::new();
    resize(&core, 1, &mut threads);
    let job = core
        .submit_calls(vec![call(u32::MAX)], Vec::new(), Placement::Shared)
        .unwrap();
    let waited = Instant::now();
    let running = loop {
        let stats = core.worker_stats()[0];
        if stats.running_job != 0 {
            break stats;
        }
        assert!(
            waited.elapsed() < Duration::from_secs(10),
            "waited 10 s for job {job} to run: {:?}",
            core.counters()
        );
        std::thread::yield_now();
    };
    assert_eq!(running.running_job, job);
    assert!(running.running_since_ms > 0.0 && running.running_since_ms <= crate::sys::now_ms());
    reports_of(&core, 1);
    let after = core.worker_stats()[0];
    assert_eq!(
        (after.running_job, after.running_since_ms),
        (0, 0.0),
        "no job after the report"
    );
    close(&core, threads);
}
