// @ts-check
// Which theme an element shows: `theme="light" | "dark"`, or `auto` (the
// default), which follows the page it sits in: what the reader sees behind
// it (the nearest background that is not transparent), else the page's
// `color-scheme` with the system's preference. A docs site's dark theme
// (mdBook's "coal", say) is a class on <html> and a dark background, not
// always the system's setting.

export const THEMES = ['auto', 'light', 'dark'];

/// `light` or `dark` for `element`, as asked or as its page looks.
export function resolveTheme(element, asked = 'auto') {
  if (asked === 'light' || asked === 'dark') return asked;
  for (let node = element.parentElement ?? element.getRootNode().host; node; node = node.parentElement ?? node.getRootNode().host) {
    const rgba = parseColour(getComputedStyle(node).backgroundColor);
    if (rgba && rgba[3] > 0.5) return luminance(rgba) < 0.4 ? 'dark' : 'light';
  }
  const scheme = getComputedStyle(document.documentElement).colorScheme;
  const systemDark = matchMedia('(prefers-color-scheme: dark)').matches;
  return /\bdark\b/.test(scheme) && (systemDark || !/\blight\b/.test(scheme)) ? 'dark' : 'light';
}

/// Calls `onChange()` when the page may have switched themes: a class,
/// style or data attribute on <html> or <body>, or the system's setting.
/// Returns a function that stops watching.
export function watchPageTheme(onChange) {
  const observer = new MutationObserver(onChange);
  for (const node of [document.documentElement, document.body].filter(Boolean)) {
    observer.observe(node, { attributes: true, attributeFilter: ['class', 'style', 'data-theme', 'data-color-scheme'] });
  }
  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', onChange);
  return () => {
    observer.disconnect();
    media.removeEventListener('change', onChange);
  };
}

/** @returns {[number, number, number, number] | null} red, green, blue (0-255), alpha (0-1) */
function parseColour(text) {
  const match = text.match(/rgba?\(([^)]+)\)/);
  if (!match) return null;
  const parts = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
  return [parts[0], parts[1], parts[2], parts[3] ?? 1];
}

/// Relative luminance (WCAG), 0 for black to 1 for white.
/** @param {number[]} rgb red, green, blue (0-255); more entries are ignored */
function luminance([r, g, b]) {
  const linear = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
