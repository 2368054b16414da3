//! The panic messages of failed jobs (`Failure`), kept until the platform
//! takes them.

use super::task::Group;
use std::sync::{Mutex, TryLockError};

/// A job that panicked, with what it said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The job that panicked.
    pub job: u64,
    /// The worker it ran on.
    pub worker: u32,
    /// What the panic said.
    pub message: String,
}

/// Panic messages not taken yet. Workers lock it only while panicking;
/// the driver only ever `try_lock`s it, so a browser's main thread never
/// waits on a worker here.
#[derive(Default)]
pub(super) struct FailureLog {
    failures: Mutex<Vec<Failure>>,
}

impl FailureLog {
    /// Files a panic of a running job; a closure job's group keeps the
    /// message for its handle.
    pub(super) fn record(&self, failure: Failure, closure: Option<(&Group, usize)>) {
        if let Some((group, index)) = closure {
            group.note_panic(index, &failure.message);
        }
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).push(failure);
    }

    /// The messages not taken yet. Never blocks: if a worker is filing
    /// one right now, it comes with a later call.
    pub(super) fn take(&self) -> Vec<Failure> {
        match self.failures.try_lock() {
            Ok(mut failures) => std::mem::take(&mut *failures),
            Err(TryLockError::Poisoned(e)) => std::mem::take(&mut *e.into_inner()),
            Err(TryLockError::WouldBlock) => Vec::new(),
        }
    }
}
