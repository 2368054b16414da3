// @ts-check
// Opt-in: cross-origin isolation, and so poolscope's shared-memory mode, on
// a host that sends no COOP/COEP headers (GitHub Pages, most docs hosts).
// Put it before poolscope.js:
//
//   <script type="module" src="poolscope/isolation.js"></script>
//   <script type="module" src="poolscope/poolscope.js"></script>
//
// It registers isolation-sw.js from its own folder, a service worker that
// re-serves the pages and files under that folder with the headers, and
// reloads the page once when that service worker is active: the headers
// apply from the next load on. Options, on this script's URL:
//   ?sw=/isolation-sw.js   a copy of the service worker elsewhere, e.g. at
//                          the site's root (it controls only pages under
//                          its own folder);
//   ?coep=credentialless   COEP `credentialless` rather than `require-corp`
//                          (other origins' images need no CORP header then;
//                          Safari does not isolate with it).
//
// It does nothing on a page that is isolated already or has no service
// workers (file://, plain http off localhost), never reloads twice in a
// row (sessionStorage remembers when it reloaded), and never throws.
// `isolation` resolves to what it did: 'isolated', 'reloading',
// 'unavailable', 'out-of-scope' or 'failed' (with a console warning saying
// why).
// docs/isolation.md has the limits and how to remove it.

const RELOADED = 'poolscope-isolation-reloaded';
// A service worker that takes longer than this to install has failed.
const ACTIVATION_DEADLINE_MS = 10_000;
// The load that our reload starts begins within this of asking for it.
const OWN_RELOAD_MS = 3_000;

async function isolate() {
  if (globalThis.crossOriginIsolated === true) return 'isolated';
  if (globalThis.isSecureContext !== true || !('serviceWorker' in navigator)) return 'unavailable';
  const options = new URL(import.meta.url).searchParams;
  const script = new URL(options.get('sw') ?? './isolation-sw.js', import.meta.url);
  if (options.get('coep') === 'credentialless') script.searchParams.set('coep', 'credentialless');

  // This load came through our service worker, with its headers, and yet
  // the page is not isolated: this browser does not honour them (Safari
  // with `credentialless`, say), and reloading would not change that.
  if (navigator.serviceWorker.controller?.scriptURL === script.href) {
    return failed('this browser did not isolate the page with the headers of isolation-sw.js');
  }
  const registration = await navigator.serviceWorker.register(script);
  if (!location.href.startsWith(registration.scope)) {
    console.warn(`poolscope: ${script.href} controls only pages under ${registration.scope}; put it in a folder above this page (isolation.js?sw=...)`);
    return 'out-of-scope';
  }
  if (!(await activated(registration, script.href))) return failed(`${script.href} did not activate`);
  // Active now (and claiming this page), but this load came without the
  // headers: load it once more, through the service worker. A normal reload
  // goes through it even where this load bypassed it (Shift+Reload).
  if (reloadedByUs()) return failed('the page was reloaded once already and is still not isolated');
  if (!rememberReload()) return failed('sessionStorage is unavailable, so a reload loop could not be ruled out');
  location.reload();
  return 'reloading';
}

/// Resolves true once `registration`'s active worker is `href`, false if it
/// becomes redundant instead or takes too long.
function activated(registration, href) {
  return new Promise((resolve) => {
    if (registration.active?.scriptURL === href) return resolve(true);
    const worker = registration.installing ?? registration.waiting;
    if (!worker) return resolve(false);
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve(true);
      if (worker.state === 'redundant') resolve(false);
    });
    setTimeout(() => resolve(false), ACTIVATION_DEADLINE_MS);
  });
}

/// Whether this load is the reload that isolation.js asked for: it began
/// (performance.timeOrigin) right when the mark was set. A mark from longer
/// ago does not count, so that a later load of this tab that bypassed the
/// service worker (Shift+Reload) is reloaded through it again. (Clearing the
/// mark once isolated would not do: in Chromium, the isolated page's
/// sessionStorage changes did not reach the next unisolated load after a
/// reload.)
function reloadedByUs() {
  try {
    const asked = Number(sessionStorage.getItem(RELOADED));
    return asked > 0 && Math.abs(performance.timeOrigin - asked) < OWN_RELOAD_MS;
  } catch {
    return false;
  }
}

/// Marks the reload about to happen; false if sessionStorage refused.
function rememberReload() {
  try {
    sessionStorage.setItem(RELOADED, String(Date.now()));
    return true;
  } catch {
    return false;
  }
}

function failed(why) {
  console.warn(`poolscope: no cross-origin isolation through a service worker: ${why}.`);
  return 'failed';
}

/// What isolation.js did; it never rejects.
export const isolation = isolate().catch((error) => failed(error?.message ?? String(error)));
