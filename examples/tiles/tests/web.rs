//! The example app in a real browser, from a page's main thread: every
//! tile summed once, equal to a one-thread computation, on several workers.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Reflect, Uint8ClampedArray};
use poolscope::Pool;
use poolscope_example_tiles::mandelbrot::{Frame, View};
use poolscope_example_tiles::tile_sum;
use poolscope_example_tiles::web_api::{
    count_primes, count_primes_by_sieve, render_mandelbrot, render_mandelbrot_whole, tile_sums,
};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn tiles_summed_on_the_pool_match_one_thread_and_spread_over_workers() {
    const TILES: u32 = 256;
    let sums = wasm_bindgen_futures::future_to_promise(async { tile_sums(TILES, 4.0).await.map(JsValue::from) });
    let result = within("tileSums", None, sums).await;
    let sums: Array = Reflect::get(&result, &"sums".into()).unwrap().into();
    let workers: Array = Reflect::get(&result, &"workers".into()).unwrap().into();
    assert_eq!(sums.length(), TILES);
    for index in 0..TILES {
        assert_eq!(
            sums.get(index).as_f64(),
            Some(tile_sum(index) as f64),
            "tile {index} as one thread sums it"
        );
    }
    let mut used: Vec<u32> = workers.iter().map(|w| w.as_f64().unwrap() as u32).collect();
    assert!(
        used.iter().all(|&w| (1..=4).contains(&w)),
        "every tile ran on a worker 1..=4: {used:?}"
    );
    used.sort();
    used.dedup();
    assert!(used.len() > 1, "more than one worker summed tiles: {used:?}");
}

/// How long any one wait may take before the test fails.
const DEADLINE_MS: f64 = 30_000.0;

/// Awaits `promise`, failing after `DEADLINE_MS` with what it waited for
/// and the pool's counters, if a pool is given: no test can hang.
async fn within(what: &str, pool: Option<&Pool>, promise: js_sys::Promise) -> JsValue {
    let late = JsValue::from_str("late");
    let timer = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout: Function = Reflect::get(&js_sys::global(), &"setTimeout".into()).unwrap().into();
        set_timeout
            .call3(&JsValue::NULL, &resolve, &DEADLINE_MS.into(), &late)
            .unwrap();
    });
    let value = JsFuture::from(js_sys::Promise::race(&Array::of2(&promise, &timer)))
        .await
        .unwrap_or_else(|error| panic!("{what} failed: {error:?}"));
    if value == late {
        let counters = pool.map(|pool| {
            js_sys::JSON::stringify(&pool.counters())
                .map(String::from)
                .unwrap_or_default()
        });
        panic!("waited {DEADLINE_MS} ms for {what} in vain; counters {counters:?}");
    }
    value
}

fn number(object: &JsValue, key: &str) -> u32 {
    Reflect::get(object, &key.into()).unwrap().as_f64().unwrap() as u32
}

#[wasm_bindgen_test]
async fn a_tiled_mandelbrot_matches_one_thread_pixel_for_pixel_and_names_who_drew_each_tile() {
    let (width, height, tile) = (200, 150, 25);
    let frame = Frame::new(width, height, tile, View::named("seahorse").unwrap()).unwrap();
    let pool = Pool::new(4).unwrap();
    within("the pool to be ready", Some(&pool), pool.ready()).await;
    let image = Rc::new(RefCell::new(vec![0u8; (width * height * 4) as usize]));
    let seen = Rc::new(RefCell::new(Vec::new())); // (index, worker, job) in the order tiles came
    let (into, record) = (Rc::clone(&image), Rc::clone(&seen));
    let on_tile = Closure::<dyn FnMut(JsValue)>::new(move |tile: JsValue| {
        let (x0, y0, w) = (number(&tile, "x"), number(&tile, "y"), number(&tile, "width"));
        let pixels = Uint8ClampedArray::from(Reflect::get(&tile, &"pixels".into()).unwrap()).to_vec();
        let mut image = into.borrow_mut();
        for (row, line) in pixels.chunks((w * 4) as usize).enumerate() {
            let at = (((y0 + row as u32) * width + x0) * 4) as usize;
            image[at..at + line.len()].copy_from_slice(line);
        }
        record
            .borrow_mut()
            .push((number(&tile, "index"), number(&tile, "worker"), number(&tile, "job")));
    });
    let function: &Function = on_tile.as_ref().unchecked_ref();
    let drawn = within(
        "the tiles",
        Some(&pool),
        render_mandelbrot(&pool, width, height, tile, "seahorse", function.clone(), None).unwrap(),
    )
    .await;
    assert_eq!(drawn.as_f64(), Some(frame.tiles() as f64));
    let whole = within(
        "the one-thread picture",
        Some(&pool),
        render_mandelbrot_whole(&pool, width, height, "seahorse").unwrap(),
    )
    .await;
    assert!(
        *image.borrow() == Uint8ClampedArray::from(whole).to_vec(),
        "the tiles put together are the one-thread image"
    );
    // Each tile once, and the worker it names is the one the events name for its job.
    let seen = seen.borrow().clone(); // not held across the await below
    let mut indices: Vec<u32> = seen.iter().map(|&(index, _, _)| index).collect();
    indices.sort();
    assert_eq!(indices, (0..frame.tiles()).collect::<Vec<_>>());
    within("the pool to be idle", Some(&pool), pool.done()).await;
    let events = pool.take_events(None).to_vec();
    for &(index, worker, job) in seen.iter() {
        let event = events
            .chunks(poolscope::EVENT_FIELDS.len())
            .find(|e| e[0] as u32 == job)
            .expect("an event per tile");
        assert_eq!(
            event[1] as u32, worker,
            "tile {index} (job {job}) names the worker its event names"
        );
    }
    assert_eq!(
        pool.label_of(seen[0].2 as f64).map(|label| label.starts_with("tile ")),
        Some(true)
    );
    // A bad size is named, with its range, and queues nothing.
    let submitted = Reflect::get(&pool.counters(), &"submitted".into()).unwrap();
    let error = render_mandelbrot(&pool, 0, height, tile, "seahorse", function.clone(), None).unwrap_err();
    assert_eq!(
        Reflect::get(&error, &"name".into()).unwrap().as_string().as_deref(),
        Some("OutOfRange")
    );
    assert_eq!(Reflect::get(&pool.counters(), &"submitted".into()).unwrap(), submitted);
}

#[wasm_bindgen_test]
async fn primes_counted_range_by_range_match_a_sieve_on_one_thread() {
    let (limit, chunk) = (300_000, 10_000);
    let pool = Pool::new(3).unwrap();
    within("the pool to be ready", Some(&pool), pool.ready()).await;
    let seen = Rc::new(RefCell::new(Vec::new())); // (index, count, worker, job)
    let record = Rc::clone(&seen);
    let on_range = Closure::<dyn FnMut(JsValue)>::new(move |range: JsValue| {
        record.borrow_mut().push((
            number(&range, "index"),
            number(&range, "count"),
            number(&range, "worker"),
            number(&range, "job"),
        ));
    });
    let function: &Function = on_range.as_ref().unchecked_ref();
    // Partitioned: fixed slices of 10 ranges, one per worker, as the article cuts by hand.
    let counting = count_primes(&pool, limit, chunk, function.clone(), Some(true)).unwrap();
    let busy = count_primes(&pool, limit, chunk, function.clone(), Some(true)).unwrap_err();
    assert_eq!(
        Reflect::get(&busy, &"name".into()).unwrap().as_string().as_deref(),
        Some("PartitionBusy"),
        "one partitioned batch at a time"
    );
    let total = within("the ranges", Some(&pool), counting).await;
    assert_eq!(total.as_f64(), Some(25_997.0), "the primes below 300,000");
    let sieve: Vec<u32> = Array::from(
        &within(
            "the sieve",
            Some(&pool),
            count_primes_by_sieve(&pool, limit, chunk).unwrap(),
        )
        .await,
    )
    .iter()
    .map(|count| count.as_f64().unwrap() as u32)
    .collect();
    let mut by_range = seen.borrow().clone();
    by_range.sort();
    assert_eq!(
        by_range.iter().map(|&(index, ..)| index).collect::<Vec<_>>(),
        (0..30).collect::<Vec<_>>(),
        "each range once"
    );
    assert_eq!(
        by_range.iter().map(|&(_, count, ..)| count).collect::<Vec<_>>(),
        sieve,
        "each count as the sieve says"
    );
    within("the pool to be idle", Some(&pool), pool.done()).await;
    let events = pool.take_events(None).to_vec();
    for &(index, _, worker, job) in &by_range {
        let event = events
            .chunks(poolscope::EVENT_FIELDS.len())
            .find(|e| e[0] as u32 == job)
            .expect("an event per range");
        assert_eq!(event[1] as u32, worker, "range {index} names its event's worker");
        assert_eq!(worker, index / 10 + 1, "range {index} is in worker {worker}'s slice");
    }
    assert_eq!(
        pool.label_of(by_range[1].3 as f64).as_deref(),
        Some("primes 10000-19999")
    );
    let error = count_primes(&pool, limit, 5, function.clone(), None).unwrap_err();
    assert_eq!(
        Reflect::get(&error, &"name".into()).unwrap().as_string().as_deref(),
        Some("OutOfRange")
    );
}
