//! The pool driven from a page's main thread, which must never block.
#![cfg(target_arch = "wasm32")]

mod common;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn four_workers_are_four_web_workers_running_jobs_at_once() {
    common::four_workers_are_four_web_workers_running_jobs_at_once().await;
}

#[wasm_bindgen_test]
async fn ten_thousand_jobs_each_finish_exactly_once() {
    common::ten_thousand_jobs_each_finish_exactly_once().await;
}

#[wasm_bindgen_test]
async fn done_resolves_only_after_the_last_job_finished() {
    common::done_resolves_only_after_the_last_job_finished().await;
}

#[wasm_bindgen_test]
async fn jobs_stay_exactly_once_across_30_random_resizes() {
    common::jobs_stay_exactly_once_across_30_random_resizes().await;
}

#[wasm_bindgen_test]
async fn bad_input_is_refused_by_name_and_nothing_queued_is_lost() {
    common::bad_input_is_refused_by_name_and_nothing_queued_is_lost().await;
}
