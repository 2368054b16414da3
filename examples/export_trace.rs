//! Runs a small, eventful batch and writes its trace for Perfetto
//! (ui.perfetto.dev) or `chrome://tracing`: labelled tiles on 3 workers,
//! one that reports its progress, one that panics, one that times out and
//! stops when asked, and a resize to 2 in the middle.
//!
//! `cargo run --example export_trace [pool-trace.json]`

// Native threads only: `wasm-pack test` builds the examples for wasm32 too.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use poolscope::{Pool, PoolOptions, TraceOptions};
    use std::time::Duration;

    let path = std::env::args().nth(1).unwrap_or_else(|| "pool-trace.json".into());
    let options = PoolOptions {
        job_timeout_ms: Some(60.0),
        ..PoolOptions::default()
    };
    let pool = Pool::with_options(3, options).unwrap();
    let sleep = |ms: u64| std::thread::sleep(Duration::from_millis(ms));
    let tiles = pool
        .map_labeled(
            0..12u64,
            |tile| format!("tile {tile}"),
            move |tile| {
                sleep(5 + tile % 4 * 5);
                tile
            },
        )
        .unwrap();
    let progress = pool
        .spawn_labeled("with progress", move || {
            for step in 1..=10 {
                sleep(4);
                poolscope::progress(f64::from(step) / 10.0);
            }
        })
        .unwrap();
    let panics = pool
        .spawn_labeled("panics", || panic!("tile 13 is out of range"))
        .unwrap();
    let slow = pool
        .spawn_labeled("times out", move || {
            while !poolscope::should_stop() {
                sleep(1);
            }
        })
        .unwrap();
    sleep(30);
    pool.resize(2).unwrap();
    let more = pool.map(0..8u64, move |n| sleep(3 + n)).unwrap();
    tiles.join_all().unwrap();
    progress.join().unwrap();
    let _ = (panics.join(), slow.join());
    more.join_all().unwrap();
    pool.wait_idle();
    std::fs::write(&path, pool.export_trace(TraceOptions { flows: true })).unwrap();
    println!("wrote {path}: open it at https://ui.perfetto.dev or chrome://tracing");
}

#[cfg(target_arch = "wasm32")]
fn main() {}
