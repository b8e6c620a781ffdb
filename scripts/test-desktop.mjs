#!/usr/bin/env node
// npm run test:desktop: the extension-host suite (test/vscode, built by scripts/build.mjs into
// out/test/vscode, the same mocha entry test/harness/ext-host.js runs in code-server) in DESKTOP VS Code,
// through @vscode/test-electron's runTests. Needs to download VS Code once (into .vscode-test/, reused
// afterwards) and a display (on a headless Linux: xvfb-run -a npm run test:desktop).
// Offline, it stops within seconds and names the offline way: `npm run test:vscode` (code-server).
//
// Environment: VSCODE_VERSION (default "stable"; e.g. 1.100.0 for the oldest engines.vscode allows),
//              MLFLOW_TEST_GREP (only tests whose full title matches).
// Ends with one line "N passed, N failed[, N skipped]"; non-zero exit on failure or when no test ran.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const VERSION = process.env.VSCODE_VERSION || 'stable';
const CACHE = path.join(ROOT, '.vscode-test');
const UPDATE_SERVER = 'https://update.code.visualstudio.com/api/releases/stable';
const PROBE_TIMEOUT_MS = 5000;
const OFFLINE_WAY = 'npm run test:vscode';

function fail(msg) {
  console.error(`\ntest:desktop: ${msg}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

/** A desktop VS Code test-electron downloaded before (.vscode-test/vscode-<platform>-<version>). */
function cachedVsCode() {
  try {
    return fs.readdirSync(CACHE).filter((d) => /^vscode-/.test(d) && (VERSION === 'stable' || d.endsWith(VERSION)));
  } catch {
    return [];
  }
}

/** undefined when VS Code's update server answers within PROBE_TIMEOUT_MS, else why not. */
async function probeDownload() {
  try {
    const res = await fetch(UPDATE_SERVER, { method: 'GET', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await res.body?.cancel();
    return res.ok ? undefined : `${UPDATE_SERVER} answered ${res.status}`;
  } catch (e) {
    const cause = e?.cause?.code || e?.cause?.message || e?.name || String(e);
    return `${UPDATE_SERVER} is not reachable (${e?.name === 'TimeoutError' ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s` : cause})`;
  }
}

let testElectron;
try {
  testElectron = require('@vscode/test-electron');
} catch {
  fail('@vscode/test-electron is not installed: run `npm ci`.');
}

if (!cachedVsCode().length) {
  const why = await probeDownload();
  if (why) {
    fail(`desktop VS Code cannot be downloaded here: ${why}.\n` +
      `  Offline, run the same extension-host suite in code-server (installed from npm) instead: ${OFFLINE_WAY}`);
  }
}

const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) fail(`build failed (exit ${build.status})`);

const { DEFAULT_SETTINGS } = require('../test/harness/codeserver.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-desktop-'));
const userData = path.join(tmp, 'user-data');
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(DEFAULT_SETTINGS, null, 2));
const workspace = path.join(tmp, 'workspace');
fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
const results = path.join(tmp, 'results.json');

let code = 1;
try {
  code = await testElectron.runTests({
    version: VERSION,
    cachePath: CACHE,
    timeout: 30_000, // ms without data before a download is abandoned
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out', 'test', 'vscode', 'index.js'),
    extensionTestsEnv: {
      MLFLOW_TEST_RESULTS: results,
      MLFLOW_TEST_USER_DATA_DIR: userData,
      ...(process.env.MLFLOW_TEST_GREP ? { MLFLOW_TEST_GREP: process.env.MLFLOW_TEST_GREP } : {}),
    },
    launchArgs: [workspace, `--user-data-dir=${userData}`, `--extensions-dir=${path.join(tmp, 'extensions')}`, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (e) {
  console.error(`test:desktop: ${e instanceof Error ? e.message : String(e)}`);
}

let s = null;
try {
  s = JSON.parse(fs.readFileSync(results, 'utf8'));
} catch {
  // the suite never got to write its results
}
fs.rmSync(tmp, { recursive: true, force: true });
if (!s) fail(`desktop VS Code exited ${code} without test results (on a headless Linux: xvfb-run -a npm run test:desktop; offline: ${OFFLINE_WAY})`);
const failed = s.failures || (code !== 0 ? 1 : 0);
console.log(`\n${s.passes} passed, ${failed} failed${s.pending ? `, ${s.pending} skipped` : ''}`);
process.exitCode = failed > 0 || s.passes + failed === 0 ? 1 : 0;
