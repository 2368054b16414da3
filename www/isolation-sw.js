// An opt-in service worker for hosts that cannot send headers (GitHub
// Pages, most static docs hosts): it re-serves the pages and files of its
// scope with the two headers that make a page cross-origin isolated, so
// that poolscope runs in its shared-memory mode there. www/isolation.js
// registers it; docs/isolation.md says when to use it and its limits.
//
// Only this origin's responses get the headers: another origin's opaque
// responses cannot be changed (they must carry their own
// Cross-Origin-Resource-Policy to load under COEP).

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (new URL(request.url).origin !== self.location.origin) return; // the browser's own handling
  // Chromium throws on re-fetching these (crbug.com/823392); the browser handles them.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(withIsolation(request));
});

async function withIsolation(request) {
  const response = await fetch(request);
  // Opaque or redirected responses can't be rebuilt; errors pass as they are.
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
