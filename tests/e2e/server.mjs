// Serves www/ for a test run with scripts/serve.py on a free port.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVE = fileURLToPath(new URL('../../scripts/serve.py', import.meta.url));

/// Resolves to `{ origin, stop }` once the server listens.
export function startServer() {
  const child = spawn('python3', [SERVE], {
    env: { ...process.env, PORT: '0', POOLSCOPE_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = output.match(/http:\/\/[\d.]+:(\d+)\//);
      if (match) resolve({ origin: `http://127.0.0.1:${match[1]}`, stop: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`serve.py exited with ${code} before listening`)));
  });
}
