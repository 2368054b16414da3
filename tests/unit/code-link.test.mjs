// Code in a link (www/lib/code/link.js): it comes back as written, and a
// malformed, oversized or bomb-like parameter is refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeFromParam, codeToParam, MOST_CODE_CHARS } from '../../www/lib/code/link.js';
import { EXAMPLES } from '../../www/lib/code/examples.js';

test('every example, and text in any script, comes back from its link parameter as written', async () => {
  for (const code of [...EXAMPLES.map((example) => example.code), 'export const job = (n) => `ジョブ ${n} 🧵`;', '']) {
    const param = await codeToParam(code);
    assert.match(param, /^[A-Za-z0-9_-]*$/, 'URL-safe without escaping');
    assert.deepEqual(await codeFromParam(param), { code });
  }
  assert.ok((await codeToParam(EXAMPLES[0].code)).length < EXAMPLES[0].code.length, 'shorter than the code');
});

test('a malformed, oversized or bomb-like code parameter is refused, naming code and why', async () => {
  const bomb = await codeToParam('x'.repeat(MOST_CODE_CHARS * 50));
  for (const param of ['not base64!', 'AAAA', bomb]) {
    const { problem } = /** @type {{ problem: string }} */ (await codeFromParam(param));
    assert.match(problem, /^code=".*" is not allowed: code must be .*Showing the article's worker instead\.$/, problem);
  }
  assert.ok(bomb.length < 10_000, `a short parameter (${bomb.length} characters) that unpacks to 5 MB`);
});
