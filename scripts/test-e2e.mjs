#!/usr/bin/env node
// npm run test:e2e: the extension against REAL MLflow, inside the real extension host.
//
//   MLFLOW_E2E_PYTHON=/path/to/python[:/other/python] npm run test:e2e
//
// MLFLOW_E2E_PYTHON names one Python with MLflow installed, or several separated by ':' or ','
// (one per MLflow version; each version runs in turn). Per version this script starts its own
// `mlflow server`s on free loopback ports -- SQLite backend with --serve-artifacts, the same with
// `--app-name basic-auth` (generated admin password and Flask secret key), and a PostgreSQL backend
// when a private cluster can be started (scripts/e2e-postgres.sh) -- waits for /health, builds the
// extension and test/e2e, runs test/e2e/*.test.ts in code-server's extension host
// (test/harness/ext-host.js) with the servers' URLs and the Python in its environment, and stops
// every server (process groups) at the end and on failure or Ctrl-C.
// Ends with ONE plain line "N passed, N failed[, N skipped]"; non-zero exit on any failure.
// Env: MLFLOW_TEST_GREP (only matching tests), MLFLOW_E2E_NO_POSTGRES=1, MLFLOW_E2E_KEEP=1 (keep work dirs).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const t0 = Date.now();

const HOW = `The end-to-end suite needs a Python with MLflow installed, named by MLFLOW_E2E_PYTHON:
    pip install mlflow
    MLFLOW_E2E_PYTHON=$(which python) npm run test:e2e
  or, on these machines without PyPI, real MLflow 3.6 and 2.17 from the team's runtime:
    bash ../shared/mlflow-runtime/install.sh      # prints: mlflow-runtime: v3 <venv3 python> ...; v2 <venv2 python> ...
    MLFLOW_E2E_PYTHON=<venv3 python>:<venv2 python> npm run test:e2e
  (several Pythons are separated by ':' or ',' and run in turn)`;

const pythons = (process.env.MLFLOW_E2E_PYTHON || '').split(/[:,]/).map(s => s.trim()).filter(Boolean);
if (!pythons.length) {
  console.error(`test:e2e: MLFLOW_E2E_PYTHON is not set.\n${HOW}`);
  console.log('0 passed, 1 failed');
  process.exit(2);
}

const { startMlflowServer, mlflowVersion } = require('../test/harness/mlflowServers.js');
const { startPostgres } = require('../test/harness/postgres.js');
const { isInstalled, INSTALL_HINT } = require('../test/harness/codeserver.js');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-e2e-'));
const toStop = new Set();
async function stopAll() {
  await Promise.all([...toStop].map(async s => { toStop.delete(s); await s.stop(); }));
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    console.error(`\n${sig}: stopping the MLflow servers`);
    await stopAll();
    process.exit(130);
  });
}

function run(cmd, argv, label) {
  return new Promise(resolve => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', e => { console.error(`${label}: ${e.message}`); resolve(1); });
    child.on('close', code => resolve(code ?? 1));
  });
}

const results = [];
function finish() {
  const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
  console.log(`\n━━━ e2e summary ${'━'.repeat(55)}`);
  for (const r of results) console.log(`  ${r.name.padEnd(34)} ${String(r.passed).padStart(4)} pass ${String(r.failed).padStart(3)} fail ${String(r.skipped).padStart(3)} skip ${(r.ms / 1000).toFixed(1).padStart(7)} s${r.note ? `  (${r.note})` : ''}`);
  console.log(`  total time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (!process.env.MLFLOW_E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
  else console.log(`  work dir kept: ${work}`);
  if (total.passed + total.failed === 0) console.error('no tests ran');
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  process.exitCode = total.failed > 0 || total.passed + total.failed === 0 ? 1 : 0;
}

if (!isInstalled()) {
  console.error(`test:e2e: the real-VS-Code test stack is not installed: ${INSTALL_HINT}`);
  results.push({ name: 'setup', passed: 0, failed: 1, skipped: 0, ms: 0, note: 'code-server not installed' });
  finish();
  process.exit();
}

console.log('━━━ build');
if (await run(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--quiet'], 'build') !== 0) {
  results.push({ name: 'build', passed: 0, failed: 1, skipped: 0, ms: Date.now() - t0, note: 'build failed' });
  finish();
  process.exit();
}

const pg = process.env.MLFLOW_E2E_NO_POSTGRES === '1' ? { available: false, reason: 'MLFLOW_E2E_NO_POSTGRES=1' } : await startPostgres();
if (pg.available) console.log(`postgres: private cluster on 127.0.0.1:${pg.port} (${pg.dir})`);
else console.log(`postgres: not available, the PostgreSQL-backed flows do not run: ${pg.reason}`);

const { runExtensionTests } = require('../test/harness/ext-host.js');

for (const [i, python] of pythons.entries()) {
  const t = Date.now();
  let version;
  try {
    version = mlflowVersion(python);
  } catch (e) {
    console.error(`test:e2e: ${python} cannot import mlflow: ${String(e.stderr || e.message).trim().split('\n').slice(-3).join(' ')}\n${HOW}`);
    results.push({ name: `MLflow ? (${python})`, passed: 0, failed: 1, skipped: 0, ms: Date.now() - t, note: 'no mlflow' });
    continue;
  }
  const name = `MLflow ${version}`;
  console.log(`\n━━━ ${name} (${python}) ${'━'.repeat(Math.max(3, 50 - name.length - python.length))}`);
  const dir = path.join(work, `v${i}-${version}`);
  const env = { MLFLOW_E2E_PY: python, MLFLOW_E2E_VERSION: version, MLFLOW_E2E_WORK: path.join(dir, 'tests') };
  fs.mkdirSync(env.MLFLOW_E2E_WORK, { recursive: true });
  let r;
  try {
    const specs = [
      { name: 'sqlite', python, dir: path.join(dir, 'sqlite') },
      { name: 'auth', python, dir: path.join(dir, 'auth'), auth: true },
    ];
    if (pg.available) specs.push({ name: 'postgres', python, dir: path.join(dir, 'postgres'), backend: pg.createDb(`e2e_${i}_${version.replace(/\W/g, '_')}`) });
    // allSettled: when one fails, the others have still started (and are stopped below)
    const started = await Promise.allSettled(specs.map(async s => {
      const srv = await startMlflowServer(s);
      toStop.add(srv);
      return srv;
    }));
    const failed = started.find(x => x.status === 'rejected');
    if (failed) throw failed.reason;
    const servers = started.map(x => x.value);
    const ts = Date.now() - t;
    for (const s of servers) {
      console.log(`  ${s.name.padEnd(8)} ${s.url}  (${s.backend.replace(/\/\/mlflow:mlflow@/, '//')}${s.auth ? ', basic auth' : ''})`);
      env[`MLFLOW_E2E_${s.name.toUpperCase()}_URL`] = s.url;
      env[`MLFLOW_E2E_${s.name.toUpperCase()}_BACKEND`] = s.backend;
      if (s.auth) {
        // the password goes through a private file, not the workbench URL that carries the environment
        const f = path.join(s.dir, 'admin.json');
        fs.writeFileSync(f, JSON.stringify(s.auth), { mode: 0o600 });
        env.MLFLOW_E2E_AUTH_FILE = f;
      }
    }
    console.log(`  servers up in ${(ts / 1000).toFixed(1)} s`);
    r = await runExtensionTests({
      extensionTestsPath: path.join(ROOT, 'out/test/e2e/index.js'),
      env,
      timeout: 1200,
      screenshot: path.join(ROOT, 'shots', `e2e-${version}.png`),
    });
    r = { passed: r.passed, failed: r.failed, skipped: r.skipped, note: r.code && !r.failed ? `exit ${r.code}` : '' };
  } catch (e) {
    console.error(`${name}: ${e.stack || e.message}`);
    r = { passed: 0, failed: 1, skipped: 0, note: String(e.message).split('\n')[0] };
  } finally {
    await stopAll();
  }
  results.push({ name, ...r, ms: Date.now() - t });
}
if (pg.available) pg.stop();
finish();
