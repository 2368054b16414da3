// @ts-check
// How responsive a page stays: installed before the page's own scripts
// (`context.addInitScript(instrument)`), it records long tasks
// (PerformanceObserver "longtask") and counts frames while
// `window.__measure(action)` runs. Used by playground.mjs and
// mandelbrot-page.mjs, with `summarize` for their rows.

import { median } from './median.mjs';

/// One row from the `__measure` results of repeated runs (`busy`) and of
/// the page idle as long (`idle`): medians, and the frame rate as a
/// ratio to idle.
export function summarize(run, busy, idle) {
  const row = {
    run,
    seconds: median(busy.map((m) => m.seconds)),
    longestTaskMs: median(busy.map((m) => m.longestTaskMs)),
    longTasks: median(busy.map((m) => m.longTasks)),
    fps: median(busy.map((m) => m.fps)),
    idleFps: median(idle.map((m) => m.fps)),
    idleLongestTaskMs: median(idle.map((m) => m.longestTaskMs)),
  };
  row.fpsRatio = row.fps / row.idleFps;
  return row;
}

// Installed with `context.addInitScript`: serialised into the page, so it
// uses nothing from this module.
export function instrument() {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  window.__measure = async (action) => {
    window.__longTasks.length = 0;
    let frames = 0;
    let counting = true;
    const tick = () => { frames++; if (counting) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    const start = performance.now();
    await action();
    counting = false;
    const seconds = (performance.now() - start) / 1000;
    return { seconds, fps: frames / seconds, longestTaskMs: Math.max(0, ...window.__longTasks), longTasks: window.__longTasks.length };
  };
}
