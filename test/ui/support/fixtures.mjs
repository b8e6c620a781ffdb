// Workspaces for the UI tests, built from the real MLflow stores in test/fixtures/mlflow.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'mlflow');

/** A temp workspace holding a copy of stores/<ver>/<sub> at <name> (built synchronously, at import time). */
export function workspaceWithStore(ver, sub, name, extraFiles = {}) {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ui-ws-'));
  fs.cpSync(path.join(FIXTURES, 'stores', ver, sub), path.join(ws, name), { recursive: true });
  for (const [f, text] of Object.entries(extraFiles)) fs.writeFileSync(path.join(ws, f), text);
  return ws;
}

/** Starts the transcript replay server (test/support/replay-server-cli.ts) in a child process. */
export async function startReplay(dirs) {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'test/support/replay-server-cli.ts'), ...dirs, '--lenient'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`replay server did not start: ${out}`)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`replay server exited ${code}: ${out}`)));
  });
  return { url, close: () => child.kill('SIGTERM') };
}
