//! The message-passing build's pool, for pages without shared memory (each
//! Web Worker runs an instance of its own, the page's instance owns the
//! core), driven from a page's main thread: the suite's tests that need no
//! shared memory, so that both builds meet the same checks. Built without
//! default features and without atomics (`scripts/test.sh`).
#![cfg(all(target_arch = "wasm32", not(feature = "threads")))]

mod common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
suite!(fallback);
