use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The process's base: an `Instant` and the Unix time in ms read with it.
/// `Instant` is monotonic across all threads (see README.md here).
fn base() -> &'static (Instant, f64) {
    static BASE: OnceLock<(Instant, f64)> = OnceLock::new();
    BASE.get_or_init(|| {
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1e3);
        (Instant::now(), unix_ms)
    })
}

/// Ms since the Unix epoch, on one monotonic clock for every thread.
pub fn now_ms() -> f64 {
    let (instant, unix_ms) = base();
    unix_ms + instant.elapsed().as_secs_f64() * 1e3
}

/// Times for the jobs of one run of trivial jobs, cheaper per job than
/// `now_ms`: `now_ms` when the run starts, then the CPU's time-stamp
/// counter, where the kernel keeps time with it (x86_64 with the `tsc`
/// clocksource: invariant and in step on every core, or the kernel would
/// not use it). A `clock_gettime` per trivial job was a third of a worker's
/// time (#11); `rdtsc` costs a fraction of that. Elsewhere it reads `now_ms`.
pub struct RunClock {
    start_ms: f64,
    start_ticks: u64,
    ms_per_tick: Option<f64>,
}

impl RunClock {
    /// A clock that starts now.
    pub fn start() -> RunClock {
        let ms_per_tick = ms_per_tick();
        RunClock {
            start_ms: now_ms(),
            start_ticks: ticks(),
            ms_per_tick,
        }
    }

    /// Within a hair of `now_ms` over a run: ticks are scaled 1e-4 slow
    /// (below), so it lags rather than leads. The run's last job ends on
    /// `now_ms` itself, no earlier than the run's other times, so what
    /// another thread reads after the run is never earlier than them.
    pub fn now_ms(&self) -> f64 {
        match self.ms_per_tick {
            // Saturating: a thread moved to a core whose counter is a few
            // ticks behind must not read a time from the far future.
            Some(ms_per_tick) => self.start_ms + ticks().saturating_sub(self.start_ticks) as f64 * ms_per_tick,
            None => now_ms(),
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn ticks() -> u64 {
    // SAFETY: `rdtsc` has no preconditions; `ms_per_tick` is `None` (and the
    // value unused) where the kernel does not keep time with it.
    unsafe { std::arch::x86_64::_rdtsc() }
}

#[cfg(not(target_arch = "x86_64"))]
fn ticks() -> u64 {
    0
}

/// Measures the time-stamp counter against `Instant` over 10 ms, once per
/// process (a pool calls it when it is made, so no worker waits for it).
/// `None` where the kernel does not keep time with the counter.
pub fn ms_per_tick() -> Option<f64> {
    static MS_PER_TICK: OnceLock<Option<f64>> = OnceLock::new();
    *MS_PER_TICK.get_or_init(|| {
        let source =
            std::fs::read_to_string("/sys/devices/system/clocksource/clocksource0/current_clocksource").ok()?;
        if !cfg!(target_arch = "x86_64") || source.trim() != "tsc" {
            return None;
        }
        let (began, began_ticks) = paired_reading();
        std::thread::sleep(Duration::from_millis(10));
        let (ended, ended_ticks) = paired_reading();
        let ms_per_tick = (ended - began).as_secs_f64() * 1e3 / ended_ticks.wrapping_sub(began_ticks) as f64;
        // Reads paired within tens of ns over 10 ms: within 1e-5. Scaled
        // 1e-4 slow, a run's times lag the true time by about 1e-4 of the
        // run's length (runs last microseconds) rather than lead it.
        let plausible = (1e-7..1e-5).contains(&ms_per_tick); // 100 MHz to 10 GHz
        plausible.then_some(ms_per_tick * (1.0 - 1e-4))
    })
}

/// An `Instant` and the counter read at the same moment: the closest of a
/// few tries, so that a thread descheduled between the two reads (a busy
/// machine) does not skew the factor.
fn paired_reading() -> (Instant, u64) {
    (0..16)
        .map(|_| {
            let before = ticks();
            let instant = Instant::now();
            let after = ticks();
            (after.wrapping_sub(before), instant, before / 2 + after / 2)
        })
        .min_by_key(|&(spread, _, _)| spread)
        .map(|(_, instant, ticks)| (instant, ticks))
        .expect("16 tries")
}

/// Nothing to do: `now_ms` is one monotonic clock for the whole process.
#[inline]
pub fn share_time(_ms: f64) {}

/// Waits `ms` without using the CPU, or until `stop()`, if given, says so
/// (checked every `STOP_CHECK_MS`).
pub fn sleep_ms_until(ms: f64, stop: Option<&dyn Fn() -> bool>) {
    let deadline = now_ms() + ms;
    loop {
        let left = deadline - now_ms();
        if left <= 0.0 || stop.is_some_and(|stop| stop()) {
            return;
        }
        let chunk = if stop.is_some() {
            left.min(super::STOP_CHECK_MS)
        } else {
            left
        };
        std::thread::sleep(Duration::from_secs_f64(chunk / 1e3));
    }
}

// One lock and condition variable for every futex word: wake-ups are rare
// (idle workers only), so sharing them costs nothing measurable.
static LOCK: Mutex<()> = Mutex::new(());
static WOKEN: Condvar = Condvar::new();

/// Blocks while `word` holds `expected`, or until `timeout_ms` passes.
pub fn wait(word: &AtomicU32, expected: u32, timeout_ms: Option<f64>) {
    let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    // Checked under the lock, and `wake_all` takes it: no wake-up is lost.
    if word.load(Ordering::Acquire) != expected {
        return;
    }
    match timeout_ms {
        Some(ms) => drop(WOKEN.wait_timeout(guard, Duration::from_secs_f64(ms.max(0.0) / 1e3))),
        None => drop(WOKEN.wait(guard)),
    }
}

/// Wakes every thread waiting on `word`; the caller changed it first.
pub fn wake_all(_word: &AtomicU32) {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    WOKEN.notify_all();
}

/// Native threads may always block.
pub fn may_block() -> bool {
    true
}

/// Native threads may always block: nothing to allow.
pub fn allow_blocking_on_this_thread() {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs last microseconds; this one 5 ms, then 20 ms more, and the run
    /// clock stays within 10 µs of the clock all along (a calibration off
    /// by more than 5e-4 would break it), never going back.
    #[test]
    fn a_run_clock_goes_forward_and_keeps_to_the_clock() {
        // The contract, not the machine's speed: the run clock may lag
        // `now_ms` by a share of the time since it started (its ticks are
        // scaled 1e-4 slow, and a calibration on a busy machine can be off
        // by as much again), and lead it by no more than a hair. A fixed
        // bound failed once on a loaded machine, when the loop below took
        // long enough for 1e-4 of it to pass 10 µs.
        const WITHIN_MS: f64 = 0.01;
        let clock = RunClock::start();
        let lag_allowed = |at: f64| WITHIN_MS + 1e-3 * (at - clock.start_ms);
        let lead_allowed = |at: f64| WITHIN_MS + 1e-4 * (at - clock.start_ms);
        let mut last = clock.now_ms();
        for _ in 0..100_000 {
            let before = now_ms();
            let run = clock.now_ms();
            let after = now_ms();
            assert!(run >= last, "went back from {last} to {run}");
            assert!(
                run <= after + lead_allowed(after) && run >= before - lag_allowed(before),
                "{run} is off the clock's {before}..{after}"
            );
            last = run;
        }
        std::thread::sleep(Duration::from_millis(20));
        let (before, run, after) = (now_ms(), clock.now_ms(), now_ms());
        assert!(
            run <= after + lead_allowed(after),
            "led the clock by {} ms after 20 ms",
            run - after
        );
        assert!(
            run >= before - lag_allowed(before),
            "lagged {} ms after 20 ms (ms per tick: {:?})",
            before - run,
            ms_per_tick()
        );
    }
}
