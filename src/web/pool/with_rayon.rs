//! The playground's rayon strategy: a `Pool` whose jobs a rayon pool
//! runs with work stealing. Behind the opt-in feature `rayon`, so that a
//! crate that only wants the pool does not build rayon and
//! wasm-bindgen-rayon into its module. Without the feature, `RayonThreads`
//! has no values and every `rayon: Option<RayonThreads>` stays `None`.

#[cfg(feature = "rayon")]
pub(super) use with_feature::RayonThreads;
#[cfg(not(feature = "rayon"))]
pub(super) use without_feature::RayonThreads;

#[cfg(not(feature = "rayon"))]
mod without_feature {
    use crate::core::job::JobSpec;
    use crate::web::Pool;
    use js_sys::Promise;
    use wasm_bindgen::JsError;

    /// No rayon pool can be made without the feature.
    pub enum RayonThreads {}

    impl Pool {
        pub(in crate::web) fn rayon_ready(&self, threads: &RayonThreads) -> Promise {
            match *threads {}
        }

        pub(in crate::web) fn submit_to_rayon(&self, threads: &RayonThreads, _: Vec<JobSpec>) -> Result<f64, JsError> {
            match *threads {}
        }
    }
}

#[cfg(feature = "rayon")]
mod with_feature {
    use crate::core::job::JobSpec;
    use crate::core::options::PoolOptions;
    use crate::web::errors::{js_error, named_error};
    use crate::web::options::pool_size;
    use crate::web::shared_host::{wait_until, GLUE_URL};
    use crate::web::Pool;
    use js_sys::Promise;
    use std::sync::Arc;
    use wasm_bindgen::prelude::*;

    pub type RayonThreads = rayon::ThreadPool;

    #[wasm_bindgen(module = "/src/web/worker_host.js")]
    extern "C" {
        #[wasm_bindgen(js_name = spawnRayonThread)]
        fn spawn_rayon_thread(glue_url: &str, module: JsValue, memory: JsValue, pointer: u32);
    }

    #[wasm_bindgen(js_class = PoolscopePool)]
    impl Pool {
        /// A pool whose jobs rayon runs with work stealing (`par_iter`), on a
        /// rayon pool of `size` threads made for it. wasm-bindgen-rayon builds
        /// one global pool per page, of one size; to give every run the size it
        /// asks for, this spawns the rayon threads as Web Workers itself, the
        /// way wasm-bindgen-rayon does. Worker numbers are rayon's thread
        /// indices plus one. A panicking job would take a rayon thread down
        /// with it: failing jobs are refused. Feature `rayon`.
        ///
        /// ```js
        /// const pool = PoolscopePool.withRayon(2);
        /// await pool.ready();
        /// pool.submit('cpu', 100, 1);
        /// await pool.done();
        /// ```
        #[wasm_bindgen(js_name = withRayon)]
        pub fn with_rayon(size: f64) -> Result<Pool, JsError> {
            let size = pool_size(size)?;
            let glue_url = GLUE_URL.with(String::clone);
            let mut pool = Pool::without_workers(PoolOptions::default()).map_err(js_error)?;
            pool.core.adopt_external_workers(size as usize).map_err(js_error)?;
            let (starting, ending) = (Arc::clone(&pool.core), Arc::clone(&pool.core));
            let threads = rayon::ThreadPoolBuilder::new()
                .num_threads(size as usize)
                .spawn_handler(|thread| {
                    let pointer = Box::into_raw(Box::new(thread)) as u32;
                    spawn_rayon_thread(&glue_url, wasm_bindgen::module(), wasm_bindgen::memory(), pointer);
                    Ok(())
                })
                // Counted live like pool workers, so that `ready()` waits for them.
                .start_handler(move |_| starting.thread_started())
                .exit_handler(move |_| ending.thread_ended())
                .build()
                .map_err(|e| JsError::new(&e.to_string()))?;
            pool.rayon = Some(threads);
            Ok(pool)
        }
    }

    impl Pool {
        /// Resolves once all of the rayon pool's threads run.
        pub(in crate::web) fn rayon_ready(&self, threads: &RayonThreads) -> Promise {
            let (core, size) = (Arc::downgrade(&self.core), threads.current_num_threads() as u64);
            // A rayon thread announces its start on the idle futex (`thread_started`).
            let all_running = Closure::<dyn Fn() -> bool>::new(move || {
                core.upgrade().is_none_or(|core| core.counters().live_workers >= size)
            });
            let waited = wait_until(
                wasm_bindgen::memory(),
                self.core.idle_epoch().as_ptr() as u32,
                all_running.as_ref(),
            );
            crate::web::keep_until_settled(all_running, waited)
        }

        /// Queues `specs` and hands them to the rayon pool's threads, which
        /// take no job from the queue by themselves.
        pub(in crate::web) fn submit_to_rayon(
            &self,
            threads: &RayonThreads,
            specs: Vec<JobSpec>,
        ) -> Result<f64, JsError> {
            if specs.iter().any(|spec| spec.fail) {
                return Err(named_error(
                    "RayonCannotFail",
                    "rayon cannot run failing jobs here: on wasm a panic aborts the rayon thread",
                ));
            }
            let first = self.core.submit(specs).map_err(js_error)?;
            let jobs = self.core.take_all_for_external();
            let core = Arc::clone(&self.core);
            threads.spawn(move || {
                use rayon::prelude::*;
                jobs.into_par_iter().for_each(|job| {
                    let worker = rayon::current_thread_index().map_or(1, |index| index as u32 + 1);
                    core.run_external(job, worker);
                });
            });
            Ok(first as f64)
        }
    }

    /// The entry point of each rayon thread of `withRayon`.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = __poolscopeRayonThread)]
    pub fn rayon_thread(pointer: u32) {
        crate::sys::allow_blocking_on_this_thread();
        // SAFETY: `with_rayon` boxed this builder for exactly this thread.
        let thread = unsafe { Box::from_raw(pointer as *mut rayon::ThreadBuilder) };
        thread.run();
    }
}
