//! The pool driven from a dedicated worker, as in an app that keeps its
//! main thread free.
#![cfg(all(target_arch = "wasm32", feature = "threads"))]

mod common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);
suite!();
