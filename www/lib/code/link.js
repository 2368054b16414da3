// @ts-check
// Code in a link: deflated (CompressionStream, in every engine the
// playground supports) and written as base64url, as the TypeScript
// playground does, so that a page of code fits a URL.

/** The longest code a link carries, in characters. */
export const MOST_CODE_CHARS = 100_000;

/**
 * @param {string} code
 * @returns {Promise<string>} base64url of its deflated UTF-8
 */
export async function codeToParam(code) {
  const stream = new Blob([code]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * The code a link's `code` parameter carries, or a sentence saying why it
 * carries none (a malformed or oversized parameter).
 * @param {string} param
 * @returns {Promise<{ code: string } | { problem: string }>}
 */
export async function codeFromParam(param) {
  const refused = (why) => ({ problem: `code=${JSON.stringify(param.length > 40 ? `${param.slice(0, 40)}…` : param)} is not allowed: ${why}. Showing the article's worker instead.` });
  if (!/^[A-Za-z0-9_-]*$/.test(param)) return refused('code must be the base64url text that "Copy link" writes');
  try {
    const binary = atob(param.replaceAll('-', '+').replaceAll('_', '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
    // Read piece by piece: a short parameter may unpack to gigabytes.
    const pieces = [];
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > MOST_CODE_CHARS * 3) {
        await reader.cancel();
        return refused(`code must be at most ${MOST_CODE_CHARS.toLocaleString('en-US')} characters once unpacked`);
      }
      pieces.push(value);
    }
    const code = new TextDecoder('utf-8', { fatal: true }).decode(await new Blob(pieces).arrayBuffer());
    if (code.length > MOST_CODE_CHARS) return refused(`code must be at most ${MOST_CODE_CHARS.toLocaleString('en-US')} characters once unpacked`);
    return { code };
  } catch {
    return refused('code must be the base64url text that "Copy link" writes (this one does not unpack)');
  }
}
