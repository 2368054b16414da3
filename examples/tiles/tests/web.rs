//! The example app in a real browser, from a page's main thread: every
//! tile summed once, equal to a one-thread computation, on several workers.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Reflect};
use poolscope_example_tiles::{tile_sum, web_api::tile_sums};
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn tiles_summed_on_the_pool_match_one_thread_and_spread_over_workers() {
    const TILES: u32 = 256;
    let result = tile_sums(TILES, 4.0).await.expect("tileSums resolved");
    let sums: Array = Reflect::get(&result, &"sums".into()).unwrap().into();
    let workers: Array = Reflect::get(&result, &"workers".into()).unwrap().into();
    assert_eq!(sums.length(), TILES);
    for index in 0..TILES {
        assert_eq!(sums.get(index).as_f64(), Some(tile_sum(index) as f64), "tile {index} as one thread sums it");
    }
    let mut used: Vec<u32> = workers.iter().map(|w| w.as_f64().unwrap() as u32).collect();
    assert!(used.iter().all(|&w| (1..=4).contains(&w)), "every tile ran on a worker 1..=4: {used:?}");
    used.sort();
    used.dedup();
    assert!(used.len() > 1, "more than one worker summed tiles: {used:?}");
}
