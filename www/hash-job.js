// The docs example's own job (docs-example.html, `job-src`): the SHA-256
// of an "upload" made up from its number, as a docs author's job would
// hash a file before storing it. Its first 4 bytes, in hex, are the value.
export async function job(n) {
  const upload = new TextEncoder().encode(`upload ${n} `.repeat(50_000));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', upload));
  return [...digest.slice(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
