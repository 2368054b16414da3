// @ts-check
// The code panel's examples: each a module whose `job(n, context)` is
// one job, as the Go article's worker is one function. The first is the
// article's own worker.

/** @type {ReadonlyArray<{ name: string, label: string, code: string }>} */
export const EXAMPLES = Object.freeze([
  {
    name: 'article',
    label: 'The article\'s worker: sleep 1 s, return job * 2',
    code: `// The Go article's worker in JavaScript: each job sleeps a second,
// then sends back twice its number. \`n\` is the job's number (1, 2, ...).
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function job(n) {
  await sleep(1000);
  return n * 2;
}
`,
  },
  {
    name: 'busy',
    label: 'A busy loop: 300 ms of computing',
    code: `// Computes for about 300 ms: more of these than the machine has cores
// cannot all run at once.
export function job(n) {
  const end = performance.now() + 300;
  let spins = 0;
  while (performance.now() < end) spins++;
  return n * 2;
}
`,
  },
  {
    name: 'wait',
    label: 'An async wait: 200 to 600 ms, like I/O',
    code: `// Waits without computing, as a fetch would: a worker waiting on a
// promise takes no other job until it ends.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function job(n) {
  await sleep(200 + (n % 3) * 200);
  return \`waited for job \${n}\`;
}
`,
  },
  {
    name: 'throws',
    label: 'One that throws on job 3',
    code: `// Job 3 throws: it fails alone, with its message in the log; the
// other jobs run on.
export function job(n) {
  if (n === 3) throw new Error(\`job \${n} refused\`);
  return n * 2;
}
`,
  },
  {
    name: 'forever',
    label: 'One that never ends (its timeout ends it)',
    code: `// Never returns: the job timeout (5 s unless you set one) ends it,
// its worker is replaced, and the page stays responsive.
export function job(n) {
  for (;;) {}
}
`,
  },
  {
    name: 'progress',
    label: 'One that reports its progress',
    code: `// Says how far it got: its bar in the timeline fills as it goes.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function job(n, { progress }) {
  for (let step = 1; step <= 10; step++) {
    await sleep(150);
    progress(step / 10);
  }
  return n * 2;
}
`,
  },
]);

/** The code a code panel opens on: the article's worker. */
export const FIRST_CODE = EXAMPLES[0].code;
