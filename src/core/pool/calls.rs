//! Call jobs on `PoolCore` (`core/calls.rs`): queued with their inputs,
//! handed to the platform by the worker loop (`Step::Call`), reported by
//! the worker that ran them, withdrawn one by one while they wait.

// Run by the web's pools; natively only by the tests.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

use super::{Jobs, NewBatch, PoolCore};
use crate::core::calls::{Call, CallReport};
use crate::core::error::PoolError;
use crate::core::failure_log::Failure;
use crate::core::job::{JobSpec, Outcome};
use crate::core::options::MAX_JOBS;
use crate::core::placement::Placement;
use crate::core::task::check_labels;
use crate::sys;

impl PoolCore {
    /// Queues one call job per call, all or none, labelled (none, or one
    /// label per call), where `placement` says; returns the first job's
    /// number. Refuses as `submit` does (`QueueFull`, `PoolStopped`,
    /// `PartitionBusy`), and `LabelTooLong`.
    pub fn submit_calls(
        &self,
        calls: Vec<Call>,
        labels: Vec<Box<str>>,
        placement: Placement,
    ) -> Result<u64, PoolError> {
        check_labels(&labels)?;
        if calls.len() as u64 > MAX_JOBS {
            return Err(PoolError::QueueFull {
                requested: calls.len() as u64,
                room: self.room(),
            });
        }
        let specs = std::iter::repeat_n(JobSpec::call(), calls.len());
        let batch = NewBatch {
            labels,
            calls,
            ..NewBatch::of(Jobs::Specs(specs), placement)
        };
        self.queue_batch(batch).map(|(first, _)| first)
    }

    /// Worker `id` claimed call job `job`: takes its call and starts its
    /// clock (`since`: when the worker's previous job ended, if it took
    /// this one right after). `None` if the call was withdrawn: the job is
    /// then reported cancelled here, and the worker goes on.
    pub(super) fn begin_call(&self, id: u32, job: u64, since: Option<f64>) -> Option<Box<[u8]>> {
        let claimed = self.queue.get(job);
        let Some(call) = self.calls.take(job) else {
            self.record_withdrawn(job);
            return None;
        };
        let started_ms = since.unwrap_or_else(sys::now_ms).max(claimed.queued_ms);
        let slot = self.workers.get(id);
        slot.set_call_items(call.items);
        slot.begin_job_with_timeout(job, started_ms, call.timeout_ms);
        Some(call.input)
    }

    /// Worker `id` ran call job `job` (which `Step::Call` handed it):
    /// `Completed` with `output`, or `Failed` saying `message` (its output
    /// then carries the error as the platform encoded it). `times`: when
    /// it started and finished on a clock of another instance (a remote
    /// worker's), or `None` to read this one's. Returns false, changing
    /// nothing, if the watchdog reported the job first (timed out).
    pub fn call_finished(
        &self,
        id: u32,
        job: u64,
        outcome: Outcome,
        output: Box<[u8]>,
        message: &str,
        times: Option<(f64, f64)>,
    ) -> bool {
        debug_assert!(matches!(outcome, Outcome::Completed | Outcome::Failed));
        let slot = self.workers.get(id);
        let (_, started_here) = slot.job_started();
        if !slot.end_job(job) {
            return false;
        }
        let queued_ms = self.queue.get(job).queued_ms;
        let (started_ms, finished_ms) = match times {
            // Another instance's clock: keep queued <= started <= finished.
            Some((started, finished)) => (started.max(queued_ms), finished),
            None => (started_here, sys::now_ms()),
        };
        if outcome == Outcome::Failed {
            let failure = Failure {
                job,
                worker: id,
                message: message.to_string(),
            };
            self.failures.record(failure, None);
        }
        // A completed call's value is how many items it ran (the views count them).
        let value = if outcome == Outcome::Completed {
            slot.call_items()
        } else {
            0
        };
        self.record_job_with_output(id, job, (outcome, value), (started_ms, finished_ms), output);
        true
    }

    /// Withdraws call job `job` while it waits (its caller gave up on it):
    /// true if no worker had taken it; it never runs, and is reported
    /// cancelled once a worker reaches it in the queue.
    pub fn withdraw_call(&self, job: u64) -> bool {
        self.calls.withdraw(job)
    }

    /// The worker running job `job` now, if any (for a platform that tells
    /// a running call it was aborted).
    pub fn worker_running(&self, job: u64) -> Option<u32> {
        self.workers.running(job)
    }

    /// The call jobs' reports filed since the last call.
    pub fn take_call_reports(&self) -> Vec<CallReport> {
        self.calls.take_reports()
    }

    /// Whether call reports wait to be taken.
    pub fn has_call_reports(&self) -> bool {
        self.calls.has_reports()
    }

    /// The futex word bumped after every call report.
    pub fn call_epoch(&self) -> &std::sync::atomic::AtomicU32 {
        self.calls.epoch()
    }

    /// Sets where the platform's code that runs calls lives (for its
    /// workers to load: see `call_runner`).
    pub fn set_call_runner(&self, url: &str) {
        self.calls.set_runner(url);
    }

    /// Where the platform's code that runs calls lives, once set.
    pub fn call_runner(&self) -> Option<String> {
        self.calls.runner()
    }

    /// Reports a call job whose call was withdrawn, found by the worker
    /// that claimed it (and counted it as started): cancelled, never run.
    fn record_withdrawn(&self, job: u64) {
        let claimed = self.queue.get(job);
        let at = sys::now_ms().max(claimed.queued_ms);
        self.events
            .push(claimed.event(job, 0, (at, at), (Outcome::Cancelled, 0)));
        self.queue.retire(job..job + 1);
        sys::share_time(at);
        self.counts.add_withdrawn(1);
        self.announce_if_idle();
        self.calls.report(CallReport {
            job,
            worker: 0,
            outcome: Outcome::Cancelled,
            output: Box::default(),
            ran_ms: 0.0,
        });
    }

    /// Reports call jobs `jobs`, just cancelled, as such, and drops their
    /// calls (withdrawn ones have none left).
    pub(super) fn report_cancelled_calls(&self, jobs: Vec<u64>) {
        for job in jobs {
            self.calls.withdraw(job);
            self.calls.report(CallReport {
                job,
                worker: 0,
                outcome: Outcome::Cancelled,
                output: Box::default(),
                ran_ms: 0.0,
            });
        }
    }
}
