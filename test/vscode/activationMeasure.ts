// What activation costs in the real extension host, read where the extension host can see it: the
// "activated in N ms" line activate() writes to the MLflow log, and the time to load the main bundle.
// Used by activationTime.test.ts (behaviour: the line is written, the bundle holds no backend) and by
// activation.bench.ts (the numbers, for `npm run bench`).
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, api, waitFor } from './helpers';

/** ms activate() reported in this window's MLflow.log (the user data dir comes from the harness). */
export async function activationMs(): Promise<number> {
  await api();
  const ud = process.env.MLFLOW_TEST_USER_DATA_DIR;
  if (!ud) throw new Error('MLFLOW_TEST_USER_DATA_DIR is not set: run through test/harness/ext-host.js');
  const logs = path.join(ud, 'logs');
  const line = await waitFor('the activation line in MLflow.log', () => {
    for (const session of fs.existsSync(logs) ? fs.readdirSync(logs) : []) {
      const dir = path.join(logs, session);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const host of fs.readdirSync(dir).filter((d) => d.startsWith('exthost'))) {
        const f = path.join(dir, host, EXTENSION_ID, 'MLflow.log');
        const m = fs.existsSync(f) ? /activated in (\d+) ms/.exec(fs.readFileSync(f, 'utf8')) : null;
        if (m) return m;
      }
    }
    return undefined;
  });
  return Number(line[1]);
}

export function mainBundle(): { file: string; size: number; text: string } {
  const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
  const file = path.join(ext.extensionPath, 'dist', 'extension.js');
  return { file, size: fs.statSync(file).size, text: fs.readFileSync(file, 'utf8') };
}

/** Fresh require() times of the main bundle, sorted (ms). */
export function bundleLoadMs(file: string, samples = 3): number[] {
  const req = createRequire(__filename);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    delete req.cache[req.resolve(file)];
    const t0 = performance.now();
    req(file);
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}
