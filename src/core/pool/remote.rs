//! Remote workers: workers that the platform drives by messages, each with
//! a memory of its own (the web's message-passing fallback, on pages
//! without shared memory). The pool's instance owns the queue and decides
//! every job's fate for them with the same code as for its threads: one
//! `turn` of the worker loop per `remote_next`, the same records, counters,
//! partitions, quotas, resizes, timeouts and losses. The platform only
//! carries jobs to the workers and their results back.
//!
//! The protocol, for each remote worker id that `resize` returns:
//! `remote_started` once it runs; then `remote_next` whenever it is idle
//! (and again for every idle worker after anything that may give one work
//! or end it: a submit, a resize, a stop); `remote_finished` with each
//! result; `remote_crashed` if its instance trapped. A worker told `End`
//! is no longer counted live: the platform ends it.

// Only the message-passing build drives workers so (and the tests below).
#![cfg_attr(not(all(target_arch = "wasm32", not(feature = "threads"))), allow(dead_code))]

use super::workers::{new_thread_serial, Loss, Turn};
use super::{Jobs, NewBatch, PoolCore};
use crate::core::error::PoolError;
use crate::core::failure_log::Failure;
use crate::core::job::{JobKind, JobSpec, Outcome};
use crate::core::placement::Placement;
use crate::core::task::check_labels;
use crate::sys;

/// What a remote worker is to do next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Next {
    /// Run this job and report it with `remote_finished`.
    Run {
        /// Its number.
        job: u64,
        /// What it is to do.
        spec: JobSpec,
    },
    /// Nothing to do yet: ask again when the pool may have work for it.
    Wait,
    /// It retired, ran its quota, or the pool closed: end it.
    End,
}

impl PoolCore {
    /// Remote worker `id` (one `resize` asked for) runs: it counts live.
    pub fn remote_started(&self, id: u32) {
        self.workers.get(id).set_thread(new_thread_serial());
        self.thread_started();
    }

    /// The next step of idle remote worker `id`: one turn of the worker
    /// loop, taking at most one job (one message each way per job).
    pub fn remote_next(&self, id: u32) -> Next {
        let slot = self.workers.get(id);
        loop {
            return match self.turn(slot, 1) {
                Turn::End => {
                    self.thread_ended();
                    Next::End
                }
                Turn::Wait => Next::Wait,
                Turn::Run(jobs) => {
                    let job = jobs.start;
                    let claimed = self.queue.get(job);
                    if claimed.spec.kind == JobKind::Call {
                        // Its input stays with the platform, which carries calls by message.
                        if self.begin_call(id, job, None).is_none() {
                            continue; // withdrawn: reported cancelled
                        }
                    } else {
                        slot.begin_job(job, sys::now_ms().max(claimed.queued_ms));
                    }
                    Next::Run {
                        job,
                        spec: claimed.spec,
                    }
                }
            };
        }
    }

    /// Remote worker `id` finished `job` with `value` between `started_ms`
    /// and `finished_ms` (its own clock readings, on the one clock all
    /// threads share). Records it, unless the watchdog reported it first
    /// (`overdue_workers`): then returns false and nothing changes.
    pub fn remote_finished(&self, id: u32, job: u64, value: u32, started_ms: f64, finished_ms: f64) -> bool {
        if !self.workers.get(id).end_job(job) {
            return false;
        }
        // A reading on another instance's clock: keep queued <= started <= finished.
        let started_ms = started_ms.max(self.queue.get(job).queued_ms);
        self.record_job(
            id,
            job,
            Outcome::Completed,
            value,
            started_ms,
            finished_ms.max(started_ms),
        );
        true
    }

    /// Queues `count` jobs whose work the platform keeps (calls of a
    /// module's functions, which workers with their own memory can make:
    /// the fallback's stand-in for closures), all or none like `submit`,
    /// labelled (none, or one label per job), where `placement` says.
    /// They are reported as kind `Closure`. Returns the first job's number.
    pub fn submit_remote_calls(
        &self,
        count: u64,
        labels: Vec<Box<str>>,
        placement: Placement,
    ) -> Result<u64, PoolError> {
        check_labels(&labels)?;
        let specs = std::iter::repeat_n(JobSpec::closure(), count as usize);
        let batch = NewBatch {
            labels,
            ..NewBatch::of(Jobs::Specs(specs), placement)
        };
        self.queue_batch(batch).map(|(first, _)| first)
    }

    /// Remote worker `id`'s instance trapped (a panicking job aborts wasm),
    /// saying `message`: its job is reported failed with that message.
    /// Returns whether the platform must start a new worker for `id`.
    pub fn remote_crashed(&self, id: u32, message: &str) -> bool {
        let job = self.workers.get(id).current_job();
        if job != 0 {
            let failure = Failure {
                job,
                worker: id,
                message: message.to_string(),
            };
            self.failures.record(failure, None);
        }
        self.worker_lost(id, Loss::Crashed)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    //! Remote workers driven from one thread, as a page drives its Web
    //! Workers: every job once, the same outcomes as threads give.
    use super::*;
    use crate::core::job;
    use crate::core::options::PoolOptions;
    use std::collections::BTreeMap;

    /// Idle workers, and the jobs the others hold, as a page keeps them.
    struct Driver {
        idle: Vec<u32>,
        busy: BTreeMap<u32, (u64, JobSpec)>,
        ended: Vec<u32>,
    }

    impl Driver {
        fn start(core: &PoolCore, size: usize) -> Driver {
            let ids = core.resize(size).unwrap();
            ids.iter().for_each(|&id| core.remote_started(id));
            Driver {
                idle: ids,
                busy: BTreeMap::new(),
                ended: Vec::new(),
            }
        }

        /// Hands work to every idle worker, as the page does after a change.
        fn pump(&mut self, core: &PoolCore) {
            for id in std::mem::take(&mut self.idle) {
                match core.remote_next(id) {
                    Next::Run { job, spec } => {
                        self.busy.insert(id, (job, spec));
                    }
                    Next::Wait => self.idle.push(id),
                    Next::End => self.ended.push(id),
                }
            }
        }

        /// Worker `id` replies: it ran its job (the checksum a cpu job gives).
        fn reply(&mut self, core: &PoolCore, id: u32) -> bool {
            let (job, spec) = self.busy.remove(&id).unwrap();
            let value = job::cpu_checksum(job, job::cpu_iterations(spec.cost_ms));
            let now = sys::now_ms();
            self.idle.push(id);
            core.remote_finished(id, job, value, now, now)
        }
    }

    fn cpu(cost_ms: f64) -> JobSpec {
        JobSpec::new(JobKind::Cpu, cost_ms)
    }

    fn events(core: &PoolCore) -> Vec<Vec<f64>> {
        let mut flat = Vec::new();
        core.read_events(0, u64::MAX, &mut flat);
        flat.chunks(crate::core::events::EVENT_FIELDS.len())
            .map(<[f64]>::to_vec)
            .collect()
    }

    #[test]
    fn remote_workers_run_every_job_once_across_resizes() {
        let core = PoolCore::new(PoolOptions::default()).unwrap();
        let mut driver = Driver::start(&core, 3);
        core.submit((0..500).map(|_| cpu(0.0)), Placement::Shared).unwrap();
        let mut turn = 0u32;
        while !core.is_idle() {
            driver.pump(&core);
            // Replies come back in any order; the pool is resized meanwhile.
            let ids: Vec<u32> = driver.busy.keys().copied().collect();
            for id in ids.into_iter().rev().take(2) {
                assert!(driver.reply(&core, id));
            }
            turn += 1;
            if turn % 25 == 0 {
                for id in core.resize((turn as usize / 25) % 4 + 1).unwrap() {
                    core.remote_started(id);
                    driver.idle.push(id);
                }
            }
        }
        let events = events(&core);
        let mut jobs: Vec<u64> = events.iter().map(|e| e[0] as u64).collect();
        jobs.sort_unstable();
        assert_eq!(jobs, (1..=500).collect::<Vec<_>>(), "every job once");
        assert!(events
            .iter()
            .all(|e| e[6] == 0.0 && e[7] == job::cpu_checksum(e[0] as u64, 0) as f64));
        assert_eq!(core.counters().completed, 500);
        assert!(!driver.ended.is_empty(), "shrinking ended remote workers");
    }

    #[test]
    fn a_crashed_remote_worker_fails_its_job_with_its_message_and_is_replaced() {
        let core = PoolCore::new(PoolOptions::default()).unwrap();
        let mut driver = Driver::start(&core, 1);
        core.submit([cpu(0.0).failing(), cpu(0.0)], Placement::Shared).unwrap();
        driver.pump(&core);
        let (&id, &(job, spec)) = driver.busy.iter().next().unwrap();
        assert!(spec.fail && job == 1);
        driver.busy.clear();
        assert!(
            core.remote_crashed(id, "job 1 failed on purpose"),
            "an active worker is replaced"
        );
        core.remote_started(id);
        driver.idle.push(id);
        driver.pump(&core);
        assert!(driver.reply(&core, id));
        assert!(core.is_idle());
        let outcomes: Vec<f64> = events(&core).iter().map(|e| e[6]).collect();
        assert_eq!(outcomes, [Outcome::Failed as u8 as f64, 0.0]);
        let failures = core.take_failures();
        assert_eq!(
            (failures[0].job, failures[0].message.as_str()),
            (1, "job 1 failed on purpose")
        );
        assert_eq!(core.counters().failed, 1);
    }

    #[test]
    fn a_remote_job_past_the_timeout_is_reported_once_and_its_late_reply_ignored() {
        let options = PoolOptions {
            job_timeout_ms: Some(1.0),
            ..PoolOptions::default()
        };
        let core = PoolCore::new(options).unwrap();
        let mut driver = Driver::start(&core, 1);
        core.submit([cpu(0.0)], Placement::Shared).unwrap();
        driver.pump(&core);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(core.overdue_workers(), [1]);
        assert!(core.worker_lost(1, Loss::TimedOut), "its id goes to a new worker");
        assert!(!driver.reply(&core, 1), "the old worker's late reply changes nothing");
        assert_eq!(
            events(&core).iter().map(|e| e[6]).collect::<Vec<_>>(),
            [Outcome::TimedOut as u8 as f64]
        );
        assert!(core.is_idle());
    }

    #[test]
    fn partitions_quotas_and_stop_decide_for_remote_workers_as_for_threads() {
        let core = PoolCore::new(PoolOptions::default()).unwrap();
        let mut driver = Driver::start(&core, 2);
        core.submit([cpu(0.0); 6], Placement::Partitioned).unwrap();
        let mut ran = BTreeMap::<u32, Vec<u64>>::new();
        while !core.is_idle() {
            driver.pump(&core);
            for id in driver.busy.keys().copied().collect::<Vec<_>>() {
                ran.entry(id).or_default().push(driver.busy[&id].0);
                driver.reply(&core, id);
            }
        }
        assert_eq!(
            ran.into_values().collect::<Vec<_>>(),
            [vec![1, 2, 3], vec![4, 5, 6]],
            "fixed slices"
        );

        let core = PoolCore::new(PoolOptions {
            jobs_per_worker: Some(1),
            ..PoolOptions::default()
        })
        .unwrap();
        let mut driver = Driver::start(&core, 2);
        core.submit([cpu(0.0); 2], Placement::Shared).unwrap();
        driver.pump(&core);
        for id in [1, 2] {
            driver.reply(&core, id);
        }
        driver.pump(&core);
        assert_eq!(driver.ended, [1, 2], "a worker per job ends after its job");

        let core = PoolCore::new(PoolOptions::default()).unwrap();
        let mut driver = Driver::start(&core, 1);
        core.submit([cpu(0.0); 3], Placement::Shared).unwrap();
        driver.pump(&core);
        assert_eq!(core.stop(), 2, "the two waiting jobs are cancelled");
        driver.reply(&core, 1);
        driver.pump(&core);
        assert_eq!(driver.ended, [1], "a stopped pool ends its idle workers");
        assert_eq!(core.counters().cancelled, 2);
        assert!(core.is_idle());
    }
}
