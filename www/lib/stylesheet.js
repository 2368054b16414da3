// @ts-check
// The element's stylesheet (playground.css), fetched once and shared by every
// shadow root that shows poolscope's views: adopted, it applies as an element
// upgrades, with no unstyled frame (a <link> in each root loads after it, and
// the host page's text would move twice). Constructed stylesheets are not
// inline styles: a strict CSP (`style-src 'self'`) allows them.

const URL_OF_SHEET = new URL('./playground.css', import.meta.url).href;

async function load() {
  try {
    const response = await fetch(URL_OF_SHEET);
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(await response.text());
    return sheet;
  } catch (error) {
    console.warn(`poolscope: ${URL_OF_SHEET} could not be adopted (${error instanceof Error ? error.message : error}); linking it instead`);
    return null;
  }
}

const shared = await load();

/// Gives `root` (a shadow root) the element's styles.
export function style(root) {
  if (shared) root.adoptedStyleSheets = [shared];
  else root.prepend(Object.assign(document.createElement('link'), { rel: 'stylesheet', href: URL_OF_SHEET }));
}
