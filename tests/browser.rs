//! The pool driven from a page's main thread, which must never block.
#![cfg(all(target_arch = "wasm32", feature = "threads"))]

mod common;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
suite!();
