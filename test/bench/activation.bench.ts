// Benchmark: activation in the real extension host (code-server, as the test suite runs it). Builds,
// then runs out/test/vscode/activation.bench.js through test/harness/ext-host.js (the extension-host
// harness, in place of the mocha entry) and reports:
//   activate   activate()'s own "activated in N ms" from the MLflow log       target ≤ 50 ms
//   bundle     median fresh require() of dist/extension.js (of 5)             target ≤ 50 ms
// The suite (test/vscode/activationTime.test.ts) asserts only that activation happens and what the
// bundle holds. Needs the real-VS-Code stack (bash scripts/install-vscode.sh; CS_HOME to point elsewhere).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchReport, median } from './report';

const ROOT = path.resolve(__dirname, '..', '..');
const LIMIT_MS = 50;
const { isInstalled, INSTALL_HINT } = require('../harness/codeserver.js') as { isInstalled(): boolean; INSTALL_HINT: string };
const { runExtensionTests } = require('../harness/ext-host.js') as {
  runExtensionTests(o: object): Promise<{ code: number; failed: number; failedTests: { title: string; error: string }[] }>;
};

interface Measured {
  activateMs: number;
  bundleLoadMs: number[];
  bundleBytes: number;
}

const { emit: report } = benchReport('activation');

async function main(): Promise<void> {
  if (!isInstalled()) {
    report({ id: 'activate', label: 'activate() in the extension host', target: `≤${LIMIT_MS} ms`, pass: false, note: `real VS Code not installed: ${INSTALL_HINT}` });
    process.exitCode = 1;
    return;
  }
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--quiet'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) throw new Error(`build failed (exit ${build.status})`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-bench-activation-'));
  const results = path.join(dir, 'activation.json');
  try {
    const r = await runExtensionTests({
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'vscode', 'activation.bench.js'),
      env: { MLFLOW_BENCH_RESULTS: results },
      timeout: 180,
    });
    // the harness counts tests from a mocha summary this entry does not write; its results file says it ran
    if (!fs.existsSync(results)) {
      throw new Error(`the extension-host measurement failed (exit ${r.code}): ${r.failedTests.map((t) => t.error).join('; ')}`);
    }
    const m = JSON.parse(fs.readFileSync(results, 'utf8')) as Measured;
    const bundleMs = median(m.bundleLoadMs);
    report({ id: 'activate', label: "activate() in code-server's extension host (MLflow log)", seconds: m.activateMs / 1000, target: `≤${LIMIT_MS} ms`, pass: m.activateMs <= LIMIT_MS });
    report({ id: 'bundle-load', label: `require() of dist/extension.js (${Math.round(m.bundleBytes / 1024)} KB, dev build), median of ${m.bundleLoadMs.length}`, seconds: bundleMs / 1000, target: `≤${LIMIT_MS} ms`, pass: bundleMs <= LIMIT_MS });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
