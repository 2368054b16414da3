// How responsive a page stays: installed before the page's own scripts
// (`context.addInitScript(instrument)`), it records long tasks
// (PerformanceObserver "longtask") and counts frames while
// `window.__measure(action)` runs. Used by playground.mjs and
// mandelbrot-page.mjs.

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
