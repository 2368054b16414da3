//! JS jobs (`pool.run`, `pool.map` of www/lib/js-jobs/) in the browser
//! suites, so that they run in all three engines, in the page and in a
//! dedicated worker, in both builds: a JS user's calls on the build's own
//! pool class (tests/common/js_jobs.js).

use poolscope::Pool;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/tests/common/js_jobs.js")]
extern "C" {
    #[wasm_bindgen(js_name = jsJobsStory)]
    fn js_jobs_story(probe_pool: JsValue, mode: &str) -> js_sys::Promise;
}

// Declared so that wasm-bindgen copies them beside js_jobs.js, which
// imports them (the page's half imports the workers' half, runner.js, and
// the args broker's name, args-broker.js; the jobs are www/tasks.js's).
#[wasm_bindgen(module = "/www/lib/js-jobs/pool.js")]
extern "C" {
    #[wasm_bindgen(js_name = shortText)]
    fn _short_text(value: &JsValue) -> String;
}
#[wasm_bindgen(module = "/www/lib/js-jobs/runner.js")]
extern "C" {
    #[wasm_bindgen(js_name = plainJson)]
    fn _plain_json(value: &JsValue) -> JsValue;
}
#[wasm_bindgen(module = "/www/lib/js-jobs/args-broker.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = BROKER_NAME)]
    static _BROKER_NAME: JsValue;
}
#[wasm_bindgen(module = "/www/tasks.js")]
extern "C" {
    #[wasm_bindgen(js_name = double)]
    fn _double(n: f64) -> f64;
}

const MODE: &str = if cfg!(feature = "threads") {
    "shared"
} else {
    "fallback"
};

pub async fn js_jobs_give_values_errors_chunks_abort_and_timeouts() {
    let probe = JsValue::from(Pool::new(1).unwrap());
    let broke = JsFuture::from(js_jobs_story(probe, MODE))
        .await
        .expect("the story catches its own errors");
    let broke: Vec<String> = js_sys::Array::from(&broke)
        .iter()
        .map(|item| item.as_string().unwrap_or_default())
        .collect();
    assert!(broke.is_empty(), "JS jobs in {MODE} mode: {}", broke.join("; "));
}
