// @ts-check
// Fails when the front end's modules import each other in a circle (a
// circle makes the order in which modules run depend on which one a page
// loads first, and it hides which module is the lower layer), or import a
// file that is not there (package.sh ships an explicit list: this says
// when it left something out).
//
//   node scripts/check-imports.mjs [folder...]   (www/ by default)
//
// Static imports, `export ... from` and `import('...')` with a literal
// path all count (a dynamic import is still an edge of the design). The
// wasm-bindgen modules (pkg*/ folders, generated) are left out: they import
// nothing of ours.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['www'];
const IMPORT = /(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[;\s])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** @param {string} folder @returns {string[]} */
function modules(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return /pkg/.test(name) || name === 'node_modules' ? [] : modules(path);
    return name.endsWith('.js') || name.endsWith('.mjs') ? [path] : [];
  });
}

/** The relative imports of `file`, as absolute paths; comments are skipped. @param {string} file */
function importsOf(file) {
  const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(IMPORT)]
    .map((match) => match[1] ?? match[2] ?? match[3])
    .filter((path) => path.startsWith('.') && !/pkg/.test(path))
    .map((path) => overlay(resolve(dirname(file), path.replace(/[?#].*$/, ''))));
}

/// The pages in www/ import the library by the URLs the server gives it,
/// at the root beside them (scripts/serve.py): www/X is www/lib/X when
/// www/ has no X.
/** @param {string} path */
function overlay(path) {
  const pages = join(root, 'www');
  const served = relative(pages, path);
  if (existsSync(path) || served.startsWith('..') || served.startsWith('lib')) return path;
  return join(pages, 'lib', served);
}

const graph = new Map(folders.flatMap((folder) => modules(resolve(root, folder))).map((file) => [file, importsOf(file)]));
const missing = [...graph].flatMap(([file, imports]) => imports.filter((path) => !existsSync(path))
  .map((path) => `${relative(root, file)} imports ${relative(root, path)}, which is not there`));
const circles = [];
const state = new Map(); // file -> 'open' while on the path, 'done' after
/** @param {string} file @param {string[]} path */
function visit(file, path) {
  if (state.get(file) === 'done') return;
  if (state.get(file) === 'open') {
    circles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(root, f)).join(' -> '));
    return;
  }
  state.set(file, 'open');
  for (const next of graph.get(file) ?? []) if (graph.has(next)) visit(next, [...path, file]);
  state.set(file, 'done');
}
for (const file of graph.keys()) visit(file, []);

if (circles.length > 0 || missing.length > 0) {
  console.error(`import problems in ${folders.join(', ')}:\n  ${[...circles.map((c) => `a circle: ${c}`), ...missing].join('\n  ')}`);
  process.exit(1);
}
console.log(`no import circle and no missing import in ${folders.join(', ')} (${graph.size} modules)`);
