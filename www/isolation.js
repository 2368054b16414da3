// Opt-in: cross-origin isolation on a host that sends no COOP/COEP headers.
// Put it before poolscope.js:
//
//   <script type="module" src="poolscope/isolation.js"></script>
//   <script type="module" src="poolscope/poolscope.js"></script>
//
// It registers isolation-sw.js (beside it, or `?sw=/isolation-sw.js` for one
// at the site's root: a service worker controls only the pages under its
// folder) and reloads the page once, when the service worker has taken it
// over: the headers apply from the next load on. It does nothing on a page
// that is isolated already or has no service workers (file://, an insecure
// origin), never reloads twice in a row, and never throws.
// `isolation` resolves to what it did: 'isolated', 'reloading',
// 'unavailable' or 'failed'.

const RELOADED = 'poolscope-isolation-reloaded';

async function isolate() {
  if (globalThis.crossOriginIsolated) {
    sessionStorage.removeItem(RELOADED);
    return 'isolated';
  }
  if (!('serviceWorker' in navigator) || !isSecureContext) return 'unavailable';
  try {
    const script = new URL(new URL(import.meta.url).searchParams.get('sw') ?? './isolation-sw.js', import.meta.url);
    await navigator.serviceWorker.register(script);
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
    // Controlled, yet this load came without the headers: once more, through the service worker.
    if (sessionStorage.getItem(RELOADED)) return 'failed'; // it did not help last time: no loop
    sessionStorage.setItem(RELOADED, '1');
    location.reload();
    return 'reloading';
  } catch (error) {
    console.warn(`poolscope: no cross-origin isolation through a service worker (${error.message})`);
    return 'failed';
  }
}

export const isolation = isolate();
