#!/usr/bin/env node
// npm start: try the extension in a real VS Code (code-server) in your browser.
//   1. installs code-server + Node 24 into .vscode-test/code-server if missing (scripts/install-vscode.sh)
//   2. builds and packages dist/mlflow-vscode.vsix (npm run package)
//   3. creates the demo workspace .cache/demo-workspace (scripts/make-demo-workspace.mjs)
//   4. starts code-server on 127.0.0.1:$PORT (default 8080; a free port if that one is taken) with the
//      .vsix installed, prints the URL, and stays in the foreground until Ctrl-C, then stops cleanly.
// Options: --link   load the extension unpackaged from this folder (dev build) instead of the .vsix
//          --keep   keep the demo workspace as it is (default: re-create it)
//          --smoke  non-interactive check (CI): the same steps with the demo in a temp folder and a free
//                   port, then chromium (scripts/start-smoke.mjs) checks that the MLflow view lists the
//                   demo's experiments; stops code-server and exits 0, or non-zero saying what failed
// Works without ../shared.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const VSIX = path.join(ROOT, 'dist', 'mlflow-vscode.vsix');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const smoke = args.has('--smoke');
const t0 = Date.now();

function step(msg) { console.log(`\n▶ ${msg}`); }
function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) { console.error(`\n✖ ${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal})`); process.exit(1); }
}

// ---- 1. code-server ----
const cs$ = require('../test/harness/codeserver.js');
if (!cs$.isInstalled()) {
  step('code-server is not installed yet: bash scripts/install-vscode.sh (about 2–3 minutes, once)');
  if (!isRoot) {
    const missing = [];
    if (spawnSync('sh', ['-c', 'command -v chromium'], { stdio: 'ignore' }).status !== 0) missing.push('chromium');
    if (spawnSync('dpkg', ['-s', 'libkrb5-dev'], { stdio: 'ignore' }).status !== 0) missing.push('libkrb5-dev');
    if (missing.length) {
      console.error(`\n✖ install-vscode.sh needs Debian packages that only root can install. Run:\n\n    sudo apt-get install -y ${missing.join(' ')}\n\nthen \`npm start\` again.`);
      process.exit(1);
    }
  }
  sh('bash', [path.join(ROOT, 'scripts', 'install-vscode.sh')]);
}

// ---- 2. build + package ----
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (args.has('--link')) {
  step('build (development, loaded unpackaged)');
  sh(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--no-tests']);
} else {
  step('build + package: npm run package');
  sh(npm, ['run', '-s', 'package']);
  console.log(`${path.relative(ROOT, VSIX)}: ${(fs.statSync(VSIX).size / 1024).toFixed(0)} kB`);
}

// ---- 3. demo workspace ----
step('demo workspace');
const { makeDemoWorkspace } = await import(pathToFileURL(path.join(ROOT, 'scripts', 'make-demo-workspace.mjs')).href);
const demo = smoke
  ? await makeDemoWorkspace(fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-smoke-')), { fresh: true })
  : await makeDemoWorkspace(undefined, { fresh: !args.has('--keep') });
console.log(demo.dir);

// ---- 4. code-server ----
function portFree(port) {
  return new Promise(resolve => {
    const srv = net.createServer().once('error', () => resolve(false)).once('listening', () => srv.close(() => resolve(true)));
    srv.listen(port, '127.0.0.1');
  });
}
const wanted = smoke ? 0 : Number(process.env.PORT || 8080);
let port = wanted;
if (!smoke && !(await portFree(wanted))) {
  console.log(`port ${wanted} is in use; using a free port instead`);
  port = 0;
}
step('starting code-server');
const cs = await cs$.startCodeServer({
  workspace: demo.dir,
  port,
  vsix: args.has('--link') ? [] : [VSIX],
  linkExtensions: args.has('--link') ? [ROOT] : [],
  handleSignals: false, // we stop it ourselves, gracefully
});

if (smoke) {
  step(`checking in chromium that the MLflow view lists the demo's experiments (code-server on port ${cs.port})`);
  let code = 0;
  try {
    const { checkExplorer } = await import(pathToFileURL(path.join(ROOT, 'scripts', 'start-smoke.mjs')).href);
    const { rows, screenshot } = await checkExplorer(cs.url(), demo.store?.experiments ?? ['Default']);
    console.log(`MLflow view: ${rows.join(', ')}\nscreenshot: ${path.relative(ROOT, screenshot)}`);
  } catch (e) {
    code = 1;
    console.error(`\n✖ smoke: ${e.message}\n  code-server log (${cs.logFile}), last lines:\n${cs.log().split('\n').slice(-15).join('\n')}`);
  }
  process.stdout.write('stopping code-server… ');
  await cs.stop();
  fs.rmSync(demo.dir, { recursive: true, force: true });
  console.log('stopped.');
  console.log(code === 0 ? `\n✔ smoke: npm start works (${((Date.now() - t0) / 1000).toFixed(0)} s)` : `\n✖ smoke failed after ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(code);
}

// Live demo: keep appending points to the demo's RUNNING run, so auto-refresh has something to show.
let live = null;
if (demo.store && demo.store.runningRunDir && process.env.MLFLOW_DEMO_LIVE !== '0') {
  const mod = await import(pathToFileURL(path.join(ROOT, 'scripts', 'demo-store.mjs')).href).catch(() => null);
  if (mod && typeof mod.appendLivePoint === 'function') {
    live = setInterval(() => { try { mod.appendLivePoint(demo.store.runningRunDir); } catch { /* demo only */ } }, 5000);
  }
}

console.log(`
  MLflow for VS Code is running in code-server ${cs.port === wanted ? '' : `(port ${cs.port}) `}— open:

    ${cs.url()}

  workspace: ${demo.dir}
  server log: ${cs.logFile}
  Press Ctrl-C to stop.
`);

let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  if (live) clearInterval(live);
  process.stdout.write('\nstopping code-server… ');
  await cs.stop();
  console.log('stopped.');
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => shutdown(0));

// if code-server dies on its own, say so and exit
const watchdog = setInterval(() => {
  try { process.kill(cs.pid, 0); } catch {
    clearInterval(watchdog);
    console.error('\n✖ code-server exited unexpectedly; last log lines:\n' + cs.log().split('\n').slice(-20).join('\n'));
    shutdown(1);
  }
}, 2000);
