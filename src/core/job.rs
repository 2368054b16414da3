//! The jobs a pool runs: what they cost and what they return.

use crate::sys;
use std::sync::atomic::{AtomicU64, Ordering};

/// What a job does with its cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum JobKind {
    /// Deterministic busy work of about `cost_ms`; its value is a checksum
    /// that `cpu_checksum` recomputes.
    Cpu = 0,
    /// Waits `cost_ms` without using the CPU, like a job waiting on I/O.
    Sleep = 1,
    /// Does nothing: measures the pool's own overhead. Its value is its job number.
    Noop = 2,
    /// A closure queued with `spawn` or `map`: its result goes to its handle.
    Closure = 3,
    /// A call the platform runs outside the core (a JavaScript function, or
    /// in the message-passing build a module's export): see `calls.rs`.
    Call = 4,
}

impl JobKind {
    /// The built-in kinds, which can be queued by name.
    pub const ALL: [JobKind; 3] = [JobKind::Cpu, JobKind::Sleep, JobKind::Noop];

    /// Every kind, each at its number (an event's `kind` field).
    ///
    /// ```
    /// use poolscope::JobKind;
    /// assert!(JobKind::BY_NUMBER.iter().enumerate().all(|(i, &kind)| kind as usize == i));
    /// ```
    pub const BY_NUMBER: [JobKind; 5] = [
        JobKind::Cpu,
        JobKind::Sleep,
        JobKind::Noop,
        JobKind::Closure,
        JobKind::Call,
    ];

    /// The name JS and the playground use: `cpu`, `sleep`, `noop`, `closure`, `call`.
    pub fn name(self) -> &'static str {
        match self {
            JobKind::Cpu => "cpu",
            JobKind::Sleep => "sleep",
            JobKind::Noop => "noop",
            JobKind::Closure => "closure",
            JobKind::Call => "call",
        }
    }

    /// The built-in kind of that name, if any.
    ///
    /// ```
    /// assert_eq!(poolscope::JobKind::from_name("cpu"), Some(poolscope::JobKind::Cpu));
    /// ```
    pub fn from_name(name: &str) -> Option<JobKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    fn from_u8(value: u8) -> JobKind {
        Self::BY_NUMBER.get(value as usize).copied().unwrap_or(JobKind::Noop)
    }
}

/// How a job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Outcome {
    /// It ran to its end.
    Completed = 0,
    /// The job panicked; `PoolCore::take_failures` has the message.
    Failed = 1,
    /// The job ran past the pool's job timeout; its worker was replaced.
    TimedOut = 2,
    /// Dropped from the queue by `cancel` or `stop` before any worker took it.
    Cancelled = 3,
}

impl Outcome {
    /// Every outcome, each at its number (an event's `outcome` field).
    pub const ALL: [Outcome; 4] = [
        Outcome::Completed,
        Outcome::Failed,
        Outcome::TimedOut,
        Outcome::Cancelled,
    ];

    /// The words the views and the log use: `completed`, `failed`, `timed
    /// out`, `cancelled`.
    ///
    /// ```
    /// use poolscope::Outcome;
    /// let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.name()).collect();
    /// assert_eq!(names, ["completed", "failed", "timed out", "cancelled"]);
    /// assert!(Outcome::ALL.iter().enumerate().all(|(i, &o)| o as usize == i));
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Failed => "failed",
            Outcome::TimedOut => "timed out",
            Outcome::Cancelled => "cancelled",
        }
    }
}

/// The longest job cost: one hour.
pub const MAX_COST_MS: f64 = 3_600_000.0;

/// A built-in job: its kind, its cost and whether it fails.
///
/// ```
/// let spec = poolscope::JobSpec::new(poolscope::JobKind::Sleep, 20.0).failing();
/// assert!(spec.fail && spec.cost_ms == 20.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JobSpec {
    /// What it does with its cost.
    pub kind: JobKind,
    /// About how long it takes, in ms (0 to `MAX_COST_MS`).
    pub cost_ms: f64,
    /// The job panics after its work: for showing and testing failures.
    pub fail: bool,
}

const FAIL_BIT: u64 = 1 << 55;
const MICROS_MASK: u64 = FAIL_BIT - 1;

impl JobSpec {
    /// A job of `kind` costing `cost_ms`, which does not fail.
    pub fn new(kind: JobKind, cost_ms: f64) -> JobSpec {
        JobSpec {
            kind,
            cost_ms,
            fail: false,
        }
    }

    /// The same job, set to panic after its work.
    pub fn failing(self) -> JobSpec {
        JobSpec { fail: true, ..self }
    }

    /// What a closure job's slot says: its kind; the closure is in its task.
    pub(crate) fn closure() -> JobSpec {
        JobSpec::new(JobKind::Closure, 0.0)
    }

    /// What a call job's slot says: its kind; the call is in the pool's `CallStore`.
    pub(crate) fn call() -> JobSpec {
        JobSpec::new(JobKind::Call, 0.0)
    }

    /// A job a worker takes alone, never in a run: one asked to fail, and
    /// on wasm any closure (a panic traps the thread there, and the
    /// platform reports one job as failed: the current one). Natively a
    /// panic unwinds, so closures may come in runs (see `claim_run`).
    pub(crate) fn runs_alone(&self) -> bool {
        // A call runs outside the core: its worker leaves the loop for it.
        self.fail || self.kind == JobKind::Call || (cfg!(target_arch = "wasm32") && self.kind == JobKind::Closure)
    }

    /// Kind in the top byte, the fail flag, then the cost in whole
    /// microseconds: one atomic word.
    pub(crate) fn pack(self) -> u64 {
        let micros = (self.cost_ms.clamp(0.0, MAX_COST_MS) * 1e3).round() as u64;
        ((self.kind as u64) << 56) | if self.fail { FAIL_BIT } else { 0 } | micros
    }

    pub(crate) fn unpack(word: u64) -> JobSpec {
        JobSpec {
            kind: JobKind::from_u8((word >> 56) as u8),
            cost_ms: (word & MICROS_MASK) as f64 / 1e3,
            fail: word & FAIL_BIT != 0,
        }
    }
}

/// The busy work of a `cpu` job: a xorshift-multiply chain no compiler can
/// shorten, seeded by the job number so every job's checksum differs.
pub fn cpu_checksum(job: u64, iterations: u64) -> u32 {
    finish(cpu_rounds(seed(job), iterations))
}

/// `cpu_checksum`, checking `stop()` every `CHECK_EVERY` rounds (well under
/// a millisecond): `None` if it said to stop. A timed-out job stops here,
/// at a point where it holds no lock and owns nothing, so that its thread
/// can end by itself (see `PoolCore::overdue_workers`).
pub fn cpu_checksum_until(job: u64, iterations: u64, stop: &dyn Fn() -> bool) -> Option<u32> {
    const CHECK_EVERY: u64 = 1 << 14;
    let mut x = seed(job);
    let mut left = iterations;
    while left > 0 {
        if stop() {
            return None;
        }
        let rounds = left.min(CHECK_EVERY);
        x = cpu_rounds(x, rounds);
        left -= rounds;
    }
    Some(finish(x))
}

fn seed(job: u64) -> u64 {
    job ^ 0x9E37_79B9_7F4A_7C15
}

fn finish(x: u64) -> u32 {
    (x >> 32) as u32
}

/// Never inlined: a browser swaps in optimised wasm code only at the next
/// call of a function. Inlined into the worker loop, which is entered once,
/// the work would run in the slow baseline code for the worker's whole life
/// (measured: 2.5x slower in Chromium).
#[inline(never)]
fn cpu_rounds(mut x: u64, rounds: u64) -> u64 {
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
    }
    x
}

static ITERATIONS_PER_MS: AtomicU64 = AtomicU64::new(0);

/// How many `cpu_checksum` iterations take a millisecond on this machine,
/// measured once per process and shared by all threads.
///
/// A browser first runs wasm with a quick baseline compiler and swaps in
/// optimised code (about 4x faster) once a function is hot, a little later.
/// So it measures in short rounds until the best rate stops improving:
/// a rate taken before the swap would make every `cpu` job 4x too short.
pub fn cpu_iterations_per_ms() -> f64 {
    let known = f64::from_bits(ITERATIONS_PER_MS.load(Ordering::Relaxed));
    if known > 0.0 {
        return known;
    }
    const ROUND_MS: f64 = 2.0;
    const BUDGET_MS: f64 = 250.0;
    const STEADY_ROUNDS: u32 = 8;
    let began = sys::now_ms();
    let mut iterations = 1_000u64;
    let (mut best, mut rounds_since_best) = (0.0f64, 0);
    while rounds_since_best < STEADY_ROUNDS && sys::now_ms() - began < BUDGET_MS {
        let start = sys::now_ms();
        std::hint::black_box(cpu_checksum(std::hint::black_box(iterations), iterations));
        let elapsed = sys::now_ms() - start;
        if elapsed < ROUND_MS {
            iterations *= 2;
            continue;
        }
        let rate = iterations as f64 / elapsed;
        if rate > best * 1.05 {
            rounds_since_best = 0;
        } else {
            rounds_since_best += 1;
        }
        best = best.max(rate);
    }
    ITERATIONS_PER_MS.store(best.to_bits(), Ordering::Relaxed);
    best
}

/// The iterations a `cpu` job of `cost_ms` runs.
pub fn cpu_iterations(cost_ms: f64) -> u64 {
    (cost_ms * cpu_iterations_per_ms()).round() as u64
}

/// Runs job number `job` and returns its value; panics if the job is one
/// that was asked to fail. `stop()`, if given (a pool with a job timeout),
/// is checked at safe points (see `cpu_checksum_until`): once it says so,
/// the job returns at once with no value (its outcome was reported by
/// whoever said stop). Without it a job runs straight through: a sleep is
/// one wait, not one every `STOP_CHECK_MS`.
#[inline(never)]
pub(crate) fn run(job: u64, spec: JobSpec, stop: Option<&dyn Fn() -> bool>) -> Option<u32> {
    let value = match (spec.kind, stop) {
        (JobKind::Cpu, Some(stop)) => cpu_checksum_until(job, cpu_iterations(spec.cost_ms), stop)?,
        (JobKind::Cpu, None) => cpu_checksum(job, cpu_iterations(spec.cost_ms)),
        (JobKind::Sleep, _) => {
            sys::sleep_ms_until(spec.cost_ms, stop);
            0
        }
        (JobKind::Noop, _) => job as u32,
        (JobKind::Closure, _) => unreachable!("closure jobs run through their task"),
        (JobKind::Call, _) => unreachable!("call jobs run on the platform"),
    };
    if stop.is_some_and(|stop| stop()) {
        return None;
    }
    if spec.fail {
        panic!("job {job} was set to fail");
    }
    Some(value)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn specs_survive_packing() {
        for kind in JobKind::ALL {
            let spec = JobSpec::new(kind, 123.456);
            assert_eq!(JobSpec::unpack(spec.pack()), spec);
            assert_eq!(JobSpec::unpack(spec.failing().pack()), spec.failing());
        }
        let longest = JobSpec::new(JobKind::Sleep, MAX_COST_MS).failing();
        assert_eq!(JobSpec::unpack(longest.pack()), longest);
    }

    #[test]
    fn cpu_cost_is_roughly_what_was_asked() {
        let start = sys::now_ms();
        assert!(run(1, JobSpec::new(JobKind::Cpu, 20.0), None).is_some());
        let took = sys::now_ms() - start;
        assert!(took > 5.0 && took < 200.0, "a 20 ms cpu job took {took} ms");
    }

    #[test]
    fn checksums_depend_on_job_and_work() {
        assert_ne!(cpu_checksum(1, 1000), cpu_checksum(2, 1000));
        assert_ne!(cpu_checksum(1, 1000), cpu_checksum(1, 1001));
        assert_eq!(cpu_checksum(7, 5000), cpu_checksum(7, 5000));
    }

    #[test]
    fn work_checked_for_stop_gives_the_same_checksum_or_stops() {
        for iterations in [0, 1, (1 << 14) - 1, 1 << 14, (1 << 14) + 1, 100_000] {
            assert_eq!(
                cpu_checksum_until(9, iterations, &|| false),
                Some(cpu_checksum(9, iterations)),
                "{iterations} rounds"
            );
        }
        assert_eq!(cpu_checksum_until(9, 100_000, &|| true), None);
        let checks = std::cell::Cell::new(0);
        let stop_on_third = || {
            checks.set(checks.get() + 1);
            checks.get() == 3
        };
        assert_eq!(
            cpu_checksum_until(9, 1 << 20, &stop_on_third),
            None,
            "stops at the third check"
        );
        assert_eq!(checks.get(), 3);
        let sleep_stopped = sys::now_ms();
        assert_eq!(
            run(
                2,
                JobSpec::new(JobKind::Sleep, 10_000.0),
                Some(&|| sys::now_ms() - sleep_stopped > 20.0)
            ),
            None
        );
        assert!(
            sys::now_ms() - sleep_stopped < 5_000.0,
            "a stopped sleep job ended at its next check"
        );
    }
}
