// The iframe embed: `embed.html?pool=3&jobs=12&layout=log&autorun=1`, for
// hosts that cannot add scripts. The settings come from the URL as on the
// playground page; `layout` (log | timeline | compact | full) picks the views.
const LAYOUTS = ['log', 'timeline', 'compact', 'full'];
const layout = new URLSearchParams(location.search).get('layout') ?? 'compact';
document.querySelector('pool-playground').setAttribute('layout', LAYOUTS.includes(layout) ? layout : 'compact');
await import('./playground.js');
