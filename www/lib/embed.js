// @ts-check
// The iframe embed: `embed.html?pool=3&jobs=12&layout=log&autorun=1`, for
// hosts that cannot add scripts. The settings come from the URL as on the
// playground page; `layout` (log | timeline | compact | full) picks the
// views, and a bad one is named on the page rather than replaced in silence.
//
// The embed tells its parent page how tall it is, so that the iframe can
// fit its content (the book, "Embedding", "The iframe embed"):
//   addEventListener('message', ({ data, source }) => {
//     if (data?.type !== 'poolscope-height') return;
//     for (const frame of document.querySelectorAll('iframe')) if (frame.contentWindow === source) frame.style.height = `${data.height}px`;
//   });
import { required } from './dom.js';

const playground = required('pool-playground');
playground.setAttribute('layout', new URLSearchParams(location.search).get('layout') ?? 'compact');
await import('./define.js');

if (parent !== window) {
  let sent = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === sent) return;
    sent = height;
    // Only a number leaves the frame, so any parent may hear it.
    parent.postMessage({ type: 'poolscope-height', height }, '*');
  }).observe(document.documentElement);
}
