// Checks the built book (www/book/): every link and image of every page
// that stays on the site points at a file the server has (the book's own,
// or a page or the library beside it, as scripts/serve.py serves them), and
// every #anchor into a chapter names an id on its page. Prints each broken one and exits
// 1 if there is one. `node scripts/check-book.mjs` after `mdbook build book`.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WWW = fileURLToPath(new URL('../www/', import.meta.url));
const LIBRARY = join(WWW, 'lib');
const BOOK = join(WWW, 'book');
// mdBook's own pages that link out on purpose or are made for its scripts.
const SKIPPED_PAGES = new Set(['print.html', 'toc.html', '404.html']);

/** Every .html file under `dir`. @param {string} dir @returns {string[]} */
function pages(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return pages(path);
    return name.endsWith('.html') && !SKIPPED_PAGES.has(name) ? [path] : [];
  });
}

/** Where the server finds a site path: www/ first, then www/lib/ (serve.py). @param {string} path */
function served(path) {
  const inPages = join(WWW, path);
  if (existsSync(inPages)) return statSync(inPages).isDirectory() ? join(inPages, 'index.html') : inPages;
  const inLibrary = join(LIBRARY, path);
  return existsSync(inLibrary) ? inLibrary : null;
}

// The API references' own anchors are their generators' (rustdoc links
// to doc(hidden) methods of wasm-bindgen's traits): their files are
// checked, their anchors not.
const API = join(BOOK, 'api');
// rustdoc's source pages number their lines with a script: #16, #17-34.
const SCRIPTED_ANCHOR = /^#\d+(?:-\d+)?$/;

/** @type {Map<string, Set<string>>} */
const idsOf = new Map();
/** The ids and names a page's anchors may point at. @param {string} file */
function ids(file) {
  if (!idsOf.has(file)) {
    const html = readFileSync(file, 'utf8');
    idsOf.set(file, new Set([...html.matchAll(/\s(?:id|name)="([^"]+)"/g)].map((match) => decodeHtml(match[1]))));
  }
  return /** @type {Set<string>} */ (idsOf.get(file));
}

/** @param {string} text */
function decodeHtml(text) {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

if (!existsSync(BOOK)) {
  console.error(`check-book: ${relative(process.cwd(), BOOK)} is missing: build the book first (mdbook build book)`);
  process.exit(1);
}
const broken = [];
let checked = 0;
const bookPages = pages(BOOK);
for (const page of bookPages) {
  // Code shown on a page is text, not links: a docs page's example tags stay out.
  const html = readFileSync(page, 'utf8').replace(/<pre[\s>][\s\S]*?<\/pre>|<code[\s>][\s\S]*?<\/code>/g, '');
  const sitePath = `/${relative(WWW, page)}`;
  for (const [, attribute, raw] of html.matchAll(/\s(href|src)="([^"]*)"/g)) {
    const target = decodeHtml(raw);
    if (/^(?:[a-z][a-z+.-]*:|\/\/)/i.test(target) || target === '' || target.startsWith('{{')) continue; // other sites, mail, data:
    checked++;
    const url = new URL(target, `http://site${sitePath}`);
    const file = served(decodeURIComponent(url.pathname));
    const where = `${relative(BOOK, page)}: ${attribute}="${target}"`;
    if (!file) {
      broken.push(`${where}: no such file (${url.pathname})`);
    } else if (url.hash && file.endsWith('.html') && !file.startsWith(API) && !SCRIPTED_ANCHOR.test(url.hash)
      && !ids(file).has(url.hash.slice(1)) && !ids(file).has(decodeURIComponent(url.hash.slice(1)))) {
      broken.push(`${where}: no id "${url.hash.slice(1)}" on ${relative(WWW, file)}`);
    }
  }
}
for (const line of broken) console.error(`check-book: ${line}`);
console.log(`check-book: ${checked} links and images in ${bookPages.length} pages, ${broken.length} broken`);
process.exit(broken.length ? 1 : 0);

