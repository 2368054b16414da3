//! Panicking jobs. A panic hook takes the message, whatever the platform
//! does next: a native worker unwinds and goes on; a wasm thread traps
//! (wasm32 aborts on panic) and the platform replaces the worker. It files
//! the message under the job this thread runs (`running`).

use super::failure_log::Failure;
use super::running::running;
use std::panic::PanicHookInfo;
use std::sync::Once;

fn message(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panicked".to_string())
}

/// Installs the hook once per process; panics outside jobs still reach the
/// hook that was there before.
pub(crate) fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| match running() {
            // SAFETY: `RunningJob` sets these only while the worker holds the log and the group.
            Some(job) => unsafe { &*job.log }.record(
                Failure {
                    job: job.job,
                    worker: job.worker,
                    message: message(info),
                },
                unsafe { job.group.as_ref() }.map(|group| (group, job.index)),
            ),
            None => previous(info),
        }));
    });
}
