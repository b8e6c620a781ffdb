#!/usr/bin/env node
'use strict';
// Run the project's mocha suite INSIDE code-server's real (Node) extension host -- the same
// contract as @vscode/test-electron's --extensionTestsPath: the module exports run(): Promise<void>.
//
//   node test/harness/ext-host.js [--extensionDevelopmentPath .] [--extensionTestsPath out/test/vscode/index.js]
//        [--workspace test/fixtures/workspace] [--timeout 900] [--env KEY=VALUE ...]
//        [--grep REGEX] [--screenshot shots/ext-host.png] [--summary file.json]
//
// How: code-server started with `--vscode-option enable-smoke-test-driver` honours the workbench
// URL's ?payload=[["extensionDevelopmentPath","vscode-remote://host/abs"],["extensionTestsPath",...]].
// When run() settles, the workbench calls window.codeAutomationExit(code); extension-host console
// output arrives through window.codeAutomationLog(type, args). Both are exposed before page.goto.
// test/vscode/index.ts writes exact counts to $MLFLOW_TEST_RESULTS, which we read back.
const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');
const { startCodeServer, ROOT } = require('./codeserver');
const { launchBrowser } = require('./workbench');

// Workbench noise that says nothing about the tests (offline gallery, service worker, ...).
const QUIET = /^Canceled|Timed out waiting for authentication provider|Creation of workbench contribution|open-vsx\.org|\[Service Worker\]|Creating a socket|connection token|AccountPolicyGate|AgentHost|reconnection-grace|builtin extensions cache|Failed to fetch|ERR_NAME_NOT_RESOLVED|marketplace|404 \(Not Found\)/;

/**
 * @returns {Promise<{code:number, passed:number, failed:number, skipped:number, ms:number, failedTests:object[]}>}
 */
async function runExtensionTests(opts = {}) {
  const o = {
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out/test/vscode/index.js'),
    workspace: path.join(ROOT, 'test/fixtures/workspace'),
    timeout: 900, // every suite runs on the fixtures: ~5 min on 2 busy cores
    env: {},
    grep: process.env.MLFLOW_TEST_GREP,
    ...opts,
  };
  if (!fs.existsSync(o.extensionTestsPath)) throw new Error(`${o.extensionTestsPath} does not exist: run node scripts/build.mjs first`);
  const t0 = Date.now();
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-eh-'));
  const resultsFile = path.join(resultsDir, 'results.json');
  const rmResults = () => fs.rmSync(resultsDir, { recursive: true, force: true });
  process.once('exit', rmResults);
  const env = { ...o.env, MLFLOW_TEST_RESULTS: resultsFile };
  if (o.grep) env.MLFLOW_TEST_GREP = o.grep;

  const cs = await startCodeServer({ workspace: o.workspace, copyWorkspace: true, smokeDriver: true, settings: o.settings, keepDir: !!process.env.MLFLOW_KEEP_CS_DIR });
  let browser, code = 1;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let finish, done = false;
    const finished = new Promise(r => (finish = r));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      if (done) return; // the workbench keeps logging cancellations while it shuts down
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      // a suite asks for what the active terminal shows (xterm's buffer, only the workbench has it)
      const dump = /^#dump-terminal (\S+)$/.exec(line.trim());
      if (dump) return void dumpTerminal(page, dump[1]);
      if (!QUIET.test(line)) (type === 'error' ? console.error : console.log)(line);
    });
    await page.exposeFunction('codeAutomationExit', exitCode => { done = true; finish(exitCode); });
    env.MLFLOW_TEST_USER_DATA_DIR = cs.userDataDir; // lets suites find e.g. the extension's log files
    const payload = [
      ['extensionDevelopmentPath', cs.remoteUri(o.extensionDevelopmentPath)],
      ['extensionTestsPath', cs.remoteUri(o.extensionTestsPath)],
      ['extensionEnvironment', JSON.stringify(env)],
    ];
    await page.goto(cs.url(payload));
    let timer;
    code = await Promise.race([finished, new Promise(r => { timer = setTimeout(() => r('timeout'), Number(o.timeout) * 1000); })]);
    clearTimeout(timer); // a pending timer would keep Node alive until it fires
    if (code === 'timeout') { console.error(`extension-host tests did not finish within ${o.timeout}s`); code = 1; }
    if (o.screenshot) {
      fs.mkdirSync(path.dirname(path.resolve(o.screenshot)), { recursive: true });
      await page.screenshot({ path: path.resolve(o.screenshot) }).catch(() => {});
    }
  } finally {
    await browser?.close().catch(() => {});
    if (code !== 0) {
      // extension activation errors and host crashes are in the server log
      const errs = cs.log().split('\n').filter(l => /error|exception|failed/i.test(l) && !QUIET.test(l)).slice(-20);
      if (errs.length) console.error('--- code-server log (errors) ---\n' + errs.join('\n'));
    }
    await cs.stop();
  }

  let summary = null;
  try { summary = JSON.parse(fs.readFileSync(resultsFile, 'utf8')); } catch { /* run() never got to write it */ }
  rmResults();
  const res = summary
    ? { code: Number(code) || 0, passed: summary.passes, failed: summary.failures, skipped: summary.pending, failedTests: summary.failed || [] }
    // no results: the suite never ran (load error, timeout, crash) -> one failure
    : { code: Number(code) || 1, passed: 0, failed: 1, skipped: 0, failedTests: [{ title: 'extension-host test run', error: `no results (exit ${code})` }] };
  if (res.code !== 0 && res.failed === 0) res.failed = 1; // run() rejected without a failing test
  res.ms = Date.now() - t0;
  return res;
}

/** Writes the active integrated terminal's text to `file` (via file.tmp + rename, so a reader sees it whole). */
async function dumpTerminal(page, file) {
  const text = await page.evaluate(() => {
    const w = document.querySelector('.terminal-wrapper.active') || document.querySelector('.terminal-wrapper');
    const x = w && w.xterm;
    if (!x) return '(no terminal)';
    const b = x.buffer.active, lines = [];
    for (let i = 0; i < b.length; i++) { const l = b.getLine(i); lines.push(l.isWrapped && lines.length ? (lines.pop() + l.translateToString(true)) : l.translateToString(true)); }
    return lines.join('\n').replace(/\n+$/, '') + '\n';
  }).catch(e => `(could not read the terminal: ${e.message})\n`);
  fs.writeFileSync(file + '.tmp', text);
  fs.renameSync(file + '.tmp', file);
}

function parseArgs(argv) {
  const o = { env: {} };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, ''), v = argv[i + 1];
    if (k === 'env') { const [a, ...b] = v.split('='); o.env[a] = b.join('='); i++; }
    else if (['extensionDevelopmentPath', 'extensionTestsPath', 'workspace', 'timeout', 'screenshot', 'summary', 'grep'].includes(k)) {
      o[k] = ['summary', 'grep', 'timeout'].includes(k) ? v : path.resolve(v); i++;
    } else throw new Error('unknown argument ' + argv[i]);
  }
  return o;
}

if (require.main === module) {
  const o = parseArgs(process.argv.slice(2));
  runExtensionTests(o).then(r => {
    console.log(`# extension-host tests: ${r.passed} passing, ${r.failed} failing, ${r.skipped} pending (exit ${r.code}, ${r.ms} ms)`);
    if (o.summary) fs.writeFileSync(o.summary, JSON.stringify(r, null, 2));
    process.exitCode = r.code === 0 && r.failed === 0 ? 0 : 1;
  }, e => { console.error(e); process.exitCode = 1; });
}

module.exports = { runExtensionTests };
