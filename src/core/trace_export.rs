//! The trace as Chrome's trace-event JSON, which Perfetto
//! (ui.perfetto.dev) and `chrome://tracing` open: a track per worker with
//! a slice per job that ran, counter tracks for the jobs waiting and
//! running, for the pool's size and for each worker's job's progress
//! (`poolscope::progress`), instants for timeouts, panics,
//! cancels, worker replacements and resizes, and (opt-in) a flow arrow
//! from each job's queueing (on a "queue" track) to its start. A slice is
//! named as the log says it: `Job 7 (tile 3,4)`. Written straight into a
//! string: 100,000 jobs take about 0.1 s in Chromium (bench/trace-export.mjs).
//! The format: <https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU>

use super::events::EVENT_FIELDS;
use super::job::{JobKind, Outcome};
use std::fmt::Write;

/// What `Pool::export_trace` writes besides the slices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TraceOptions {
    /// A flow arrow from each job's queueing (on the "queue" track) to its
    /// start (on its worker's track): one more pair of events per job.
    pub flows: bool,
}

/// A resize the pool was asked for: when, and to what size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Resize {
    pub(crate) at_ms: f64,
    pub(crate) size: u32,
}

/// A running job said how far it is (`poolscope::progress`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ProgressNote {
    pub(crate) at_ms: f64,
    pub(crate) job: u64,
    pub(crate) worker: u32,
    pub(crate) fraction: f64,
}

/// The "queue" track, where flows start; instants of no worker name it too.
const QUEUE_TRACK: u32 = 0;

/// Writes the trace of `flat` events (`EventLog::read_flat`'s numbers),
/// labelled by `label`, with `resizes` and `progress` notes (a counter
/// track per worker, back to 0 as each job with notes ends), as
/// trace-event JSON.
pub(crate) fn chrome_trace(
    flat: &[f64],
    label: impl Fn(u64) -> Option<String>,
    resizes: &[Resize],
    progress: &[ProgressNote],
    options: TraceOptions,
) -> String {
    let events: Vec<&[f64]> = flat.chunks_exact(EVENT_FIELDS.len()).collect();
    // Times are µs from the earliest moment in the trace.
    let origin = events
        .iter()
        .map(|event| event[3])
        .chain(resizes.iter().map(|resize| resize.at_ms))
        .chain(progress.iter().map(|note| note.at_ms))
        .fold(f64::INFINITY, f64::min);
    let origin = if origin.is_finite() { origin } else { 0.0 };
    let micros = |ms: f64| (ms - origin) * 1000.0;
    let mut out = String::with_capacity(events.len() * 220 + 1024);
    out.push_str("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
    let mut first = true;
    let mut push = |out: &mut String, text: std::fmt::Arguments<'_>| {
        if !first {
            out.push(',');
        }
        first = false;
        out.write_fmt(text).expect("writing to a String");
    };
    push(
        &mut out,
        format_args!(
            "{{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{{\"name\":\"poolscope\"}}}}"
        ),
    );
    if options.flows {
        push(
            &mut out,
            format_args!(
                "{{\"ph\":\"M\",\"pid\":1,\"tid\":{QUEUE_TRACK},\"name\":\"thread_name\",\"args\":{{\"name\":\"queue\"}}}}"
            ),
        );
    }
    let mut workers: Vec<u32> = events.iter().map(|event| event[1] as u32).filter(|&w| w != 0).collect();
    workers.sort_unstable();
    workers.dedup();
    for worker in &workers {
        push(&mut out, format_args!("{{\"ph\":\"M\",\"pid\":1,\"tid\":{worker},\"name\":\"thread_name\",\"args\":{{\"name\":\"worker {worker}\"}}}}"));
        push(&mut out, format_args!("{{\"ph\":\"M\",\"pid\":1,\"tid\":{worker},\"name\":\"thread_sort_index\",\"args\":{{\"sort_index\":{worker}}}}}"));
    }
    for note in progress {
        push(
            &mut out,
            format_args!(
                "{{\"ph\":\"C\",\"pid\":1,\"name\":\"progress worker {}\",\"ts\":{:.3},\"args\":{{\"fraction\":{}}}}}",
                note.worker,
                micros(note.at_ms),
                note.fraction
            ),
        );
    }
    let noted: std::collections::HashSet<(u32, u64)> = progress.iter().map(|note| (note.worker, note.job)).collect();
    // Each change of the waiting and running counts: +1/-1 at a time.
    let mut changes: Vec<(f64, i32, i32)> = Vec::with_capacity(events.len() * 3);
    for event in &events {
        let job = event[0] as u64;
        let worker = event[1] as u32;
        let kind = JobKind::BY_NUMBER
            .get(event[2] as usize)
            .map_or("job", |kind| kind.name());
        let (queued, started, finished) = (event[3], event[4], event[5]);
        let outcome = Outcome::ALL.get(event[6] as usize).copied().unwrap_or(Outcome::Failed);
        let value = event[7];
        changes.push((queued, 1, 0));
        if outcome == Outcome::Cancelled {
            changes.push((finished, -1, 0));
            push(&mut out, format_args!("{{\"ph\":\"i\",\"s\":\"p\",\"pid\":1,\"tid\":{QUEUE_TRACK},\"name\":\"cancel job {job}\",\"ts\":{:.3},\"args\":{{\"job\":{job}}}}}", micros(finished)));
            continue;
        }
        changes.push((started, -1, 1));
        changes.push((finished, 0, -1));
        // Named as the log says it: `Job 7 (tile 3,4)`.
        let label = label(job);
        let name = json_string(
            &label
                .as_ref()
                .map_or_else(|| format!("Job {job}"), |label| format!("Job {job} ({label})")),
        );
        let label = label.map_or_else(String::new, |label| format!(",\"label\":{}", json_string(&label)));
        push(
            &mut out,
            format_args!(
                "{{\"ph\":\"X\",\"pid\":1,\"tid\":{worker},\"name\":{name},\"cat\":\"{kind}\",\"ts\":{:.3},\"dur\":{:.3},\"args\":{{\"job\":{job},\"worker\":{worker},\"kind\":\"{kind}\",\"outcome\":\"{}\",\"waitedMs\":{:.3},\"value\":{value}{label}}}}}",
                micros(started),
                ((finished - started) * 1000.0).max(0.0),
                outcome.name(),
                (started - queued).max(0.0),
            ),
        );
        if noted.contains(&(worker, job)) {
            push(&mut out, format_args!("{{\"ph\":\"C\",\"pid\":1,\"name\":\"progress worker {worker}\",\"ts\":{:.3},\"args\":{{\"fraction\":0}}}}", micros(finished)));
        }
        if options.flows {
            push(&mut out, format_args!("{{\"ph\":\"s\",\"pid\":1,\"tid\":{QUEUE_TRACK},\"name\":\"queued\",\"cat\":\"flow\",\"id\":{job},\"ts\":{:.3}}}", micros(queued)));
            push(&mut out, format_args!("{{\"ph\":\"f\",\"bp\":\"e\",\"pid\":1,\"tid\":{worker},\"name\":\"queued\",\"cat\":\"flow\",\"id\":{job},\"ts\":{:.3}}}", micros(started)));
        }
        let ended = match outcome {
            Outcome::TimedOut => Some("timeout"),
            Outcome::Failed => Some("panic"),
            _ => None,
        };
        if let Some(what) = ended {
            push(&mut out, format_args!("{{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":{worker},\"name\":\"{what} job {job}\",\"ts\":{:.3},\"args\":{{\"job\":{job}}}}}", micros(finished)));
            push(&mut out, format_args!("{{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":{worker},\"name\":\"worker {worker} replaced\",\"ts\":{:.3},\"args\":{{\"worker\":{worker}}}}}", micros(finished)));
        }
    }
    changes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut waiting, mut running) = (0i64, 0i64);
    for (i, &(at, waiting_by, running_by)) in changes.iter().enumerate() {
        waiting += i64::from(waiting_by);
        running += i64::from(running_by);
        // One counter event per moment: the last change at a time says it.
        if changes.get(i + 1).is_some_and(|next| next.0 == at) {
            continue;
        }
        push(
            &mut out,
            format_args!(
                "{{\"ph\":\"C\",\"pid\":1,\"name\":\"jobs\",\"ts\":{:.3},\"args\":{{\"waiting\":{},\"running\":{}}}}}",
                micros(at),
                waiting.max(0),
                running.max(0)
            ),
        );
    }
    for resize in resizes {
        let (at, size) = (micros(resize.at_ms), resize.size);
        push(
            &mut out,
            format_args!("{{\"ph\":\"C\",\"pid\":1,\"name\":\"workers\",\"ts\":{at:.3},\"args\":{{\"size\":{size}}}}}"),
        );
        push(&mut out, format_args!("{{\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":{QUEUE_TRACK},\"name\":\"resize to {size}\",\"ts\":{at:.3},\"args\":{{\"size\":{size}}}}}"));
    }
    let _ = write!(out, "],\"otherData\":{{\"originMs\":{origin:.3}}}}}");
    out
}

/// `text` as a JSON string, quotes included.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn event(job: u64, worker: u32, times: (f64, f64, f64), outcome: Outcome) -> [f64; 8] {
        [
            job as f64,
            worker as f64,
            JobKind::Noop as u8 as f64,
            times.0,
            times.1,
            times.2,
            outcome as u8 as f64,
            0.0,
        ]
    }

    fn count(text: &str, needle: &str) -> usize {
        text.matches(needle).count()
    }

    #[test]
    fn slices_counters_instants_and_flows() {
        let flat = [
            event(1, 1, (0.0, 0.0, 2.0), Outcome::Completed),
            event(2, 2, (0.0, 1.0, 3.0), Outcome::TimedOut),
            event(3, 0, (0.0, 4.0, 4.0), Outcome::Cancelled),
        ]
        .concat();
        let label = |job: u64| (job == 1).then(|| "tile \"a\"\n".to_string());
        let resizes = [Resize { at_ms: 0.0, size: 2 }];
        let progress = [
            ProgressNote {
                at_ms: 0.5,
                job: 1,
                worker: 1,
                fraction: 0.25,
            },
            ProgressNote {
                at_ms: 1.5,
                job: 1,
                worker: 1,
                fraction: 1.0,
            },
        ];
        let json = chrome_trace(&flat, label, &resizes, &progress, TraceOptions { flows: true });
        assert!(
            json.starts_with("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[{") && json.ends_with("}}"),
            "{json}"
        );
        assert_eq!(count(&json, "\"ph\":\"X\""), 2, "a slice per job that ran");
        assert!(
            json.contains("\"name\":\"Job 1 (tile \\\"a\\\"\\u000a)\"")
                && json.contains("\"label\":\"tile \\\"a\\\"\\u000a\""),
            "labels escaped: {json}"
        );
        assert!(json.contains("\"name\":\"Job 2\""));
        assert_eq!(count(&json, "\"ph\":\"s\""), 2);
        assert_eq!(count(&json, "\"ph\":\"f\""), 2, "each flow starts and ends");
        for instant in ["timeout job 2", "worker 2 replaced", "cancel job 3", "resize to 2"] {
            assert_eq!(count(&json, instant), 1, "{instant}: {json}");
        }
        // Waiting 3 at 0 with 1 running; then 1 waiting and 2 running at 1 ms; all done by 4 ms.
        assert!(
            json.contains("\"ts\":0.000,\"args\":{\"waiting\":2,\"running\":1}"),
            "{json}"
        );
        assert!(
            json.contains("\"ts\":1000.000,\"args\":{\"waiting\":1,\"running\":2}"),
            "{json}"
        );
        assert!(
            json.contains("\"ts\":4000.000,\"args\":{\"waiting\":0,\"running\":0}"),
            "{json}"
        );
        // Job 1's progress as a counter, back to 0 when it ended at 2 ms.
        for point in [
            "500.000,\"args\":{\"fraction\":0.25}",
            "1500.000,\"args\":{\"fraction\":1}",
            "2000.000,\"args\":{\"fraction\":0}",
        ] {
            assert!(
                json.contains(&format!("\"name\":\"progress worker 1\",\"ts\":{point}")),
                "{point}: {json}"
            );
        }
        assert_eq!(
            count(&json, "progress worker 2"),
            0,
            "no counter for a job that said nothing"
        );
        let without = chrome_trace(&flat, |_| None, &[], &[], TraceOptions::default());
        assert_eq!(count(&without, "\"ph\":\"s\""), 0, "flows are opt-in");
    }

    #[test]
    fn an_empty_trace_is_valid_json_too() {
        let json = chrome_trace(&[], |_| None, &[], &[], TraceOptions::default());
        assert!(
            json.starts_with("{\"displayTimeUnit\"") && json.contains("\"traceEvents\":[{\"ph\":\"M\""),
            "{json}"
        );
    }
}
