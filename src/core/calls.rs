//! Call jobs: jobs whose work the platform runs outside the core (a
//! JavaScript function in a Web Worker), queued and claimed like every
//! other job. The core keeps each call's input as bytes the platform
//! encoded (it never reads them) from submit until a worker takes the job,
//! and one report per call job once its event is recorded: its outcome and
//! the bytes the platform encoded for its result. The driver takes the
//! reports in batches (`take`), woken through `epoch`, so a result needs no
//! message of its own.
//!
//! Every call job gets exactly one report, from whoever records its event:
//! the worker that ran it (`PoolCore::call_finished`), the watchdog (timed
//! out), the platform (its worker died), `cancel` (never ran), or the
//! worker that claimed a job whose call was withdrawn (`withdraw`).

// Run by the web's pools; natively only by the tests.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

use super::job::Outcome;
use super::sync::SpinLock;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

/// One call as queued: its input and how long it may run.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Call {
    /// What the platform encoded for the worker (opaque to the core).
    pub input: Box<[u8]>,
    /// Its own job timeout in ms, over the pool's (`None`: the pool's).
    pub timeout_ms: Option<f64>,
    /// How many items it runs (a JS `map`'s chunk job runs many): its
    /// event's value once it completed, for the views' count of items.
    pub items: u32,
}

/// How one call job ended, for the driver.
#[derive(Debug, Clone, PartialEq)]
pub struct CallReport {
    /// The job's number.
    pub job: u64,
    /// The worker it ran on (0 if it never ran).
    pub worker: u32,
    /// How it ended.
    pub outcome: Outcome,
    /// What the platform encoded for its result or error (empty when the
    /// core ended it: timed out, cancelled, its worker lost).
    pub output: Box<[u8]>,
    /// How long it ran, in ms (0 if it never ran): what the platform sizes
    /// its next chunks of the same function by.
    pub ran_ms: f64,
}

/// The calls waiting for a worker and the reports waiting for the driver.
/// Spin locks: the driver may be a page's main thread, which never blocks,
/// and each critical section is a map or vector operation.
#[derive(Default)]
pub(crate) struct CallStore {
    waiting: SpinLock<HashMap<u64, Call>>,
    reports: SpinLock<Vec<CallReport>>,
    /// Bumped, then woken, after every report.
    epoch: AtomicU32,
    /// Where the platform's code that runs a call lives (a module URL).
    runner: SpinLock<Option<String>>,
}

impl CallStore {
    /// Keeps the calls of jobs `first`, `first + 1`, ... (before they are published).
    pub(crate) fn keep(&self, first: u64, calls: Vec<Call>) {
        self.waiting.with(|waiting| {
            waiting.reserve(calls.len());
            for (i, call) in calls.into_iter().enumerate() {
                waiting.insert(first + i as u64, call);
            }
        });
    }

    /// The call of a job a worker claimed; `None` if it was withdrawn.
    pub(crate) fn take(&self, job: u64) -> Option<Call> {
        self.waiting.with(|waiting| waiting.remove(&job))
    }

    /// Withdraws a waiting call (its caller gave up on it): true if no
    /// worker had taken it, which then reports it cancelled when it claims
    /// the job.
    pub(crate) fn withdraw(&self, job: u64) -> bool {
        self.waiting.with(|waiting| waiting.remove(&job)).is_some()
    }

    /// Files a call job's report and wakes the driver.
    pub(crate) fn report(&self, report: CallReport) {
        self.reports.with(|reports| reports.push(report));
        self.epoch.fetch_add(1, Ordering::Release);
        crate::sys::wake_all(&self.epoch);
    }

    /// The reports filed since the last call, in the order they were filed.
    pub(crate) fn take_reports(&self) -> Vec<CallReport> {
        self.reports.with(std::mem::take)
    }

    /// Whether reports wait to be taken.
    pub(crate) fn has_reports(&self) -> bool {
        self.reports.with(|reports| !reports.is_empty())
    }

    /// The futex word bumped after every report.
    pub(crate) fn epoch(&self) -> &AtomicU32 {
        &self.epoch
    }

    pub(crate) fn set_runner(&self, url: &str) {
        self.runner.with(|runner| *runner = Some(url.to_string()));
    }

    pub(crate) fn runner(&self) -> Option<String> {
        self.runner.with(|runner| runner.clone())
    }

    /// Bytes held: the waiting calls' inputs and the reports' outputs.
    pub(crate) fn bytes(&self) -> usize {
        let waiting = self
            .waiting
            .with(|w| w.values().map(|c| c.input.len() + 32).sum::<usize>());
        waiting
            + self
                .reports
                .with(|r| r.iter().map(|r| r.output.len() + 40).sum::<usize>())
    }
}
