'use strict';
// node:test glue for UI test files: ONE fresh code-server (+ one browser page) per test file.
//
//   import { test } from 'node:test';
//   import { useWorkbench, shotOnFail } from '../harness/ui.js';
//   const ctx = useWorkbench({ workspace: 'test/fixtures/workspace' });   // registers before/after
//   test('…', shotOnFail(ctx, async () => { await ctx.wb.openView('MLflow'); … }));
//
// The extension comes from the packaged .vsix (env VSIX, default dist/mlflow-vscode.vsix, which
// scripts/test.mjs builds when missing or stale), so the real artifact is what gets tested.
const fs = require('fs');
const path = require('path');
const { before, after } = require('node:test');
const { startCodeServer, ROOT } = require('./codeserver');
const { launchBrowser, Workbench } = require('./workbench');

const VSIX = process.env.VSIX || path.join(ROOT, 'dist', 'mlflow-vscode.vsix');
const EXTENSION_ID = 'mlflow-vscode.mlflow-vscode';

/**
 * @param {object} [o]
 * @param {string} [o.workspace]  fixture folder (copied; tests may write into the copy)
 * @param {object} [o.settings]   extra user settings
 * @param {object} [o.env]        extra environment for code-server / the extension host
 * @param {string|false} [o.vsix] .vsix to install (false: none)
 * @returns {{cs: object, browser: object, wb: Workbench, startedMs: number}} filled in by before()
 */
function useWorkbench(o = {}) {
  const ctx = { cs: null, browser: null, wb: null, startedMs: 0 };
  before(async () => {
    const t0 = Date.now();
    const vsix = o.vsix === false ? [] : [o.vsix || VSIX];
    for (const v of vsix) if (!fs.existsSync(v)) throw new Error(`${v} is missing: run \`npm run package\` (scripts/test.mjs does it for the ui suite)`);
    ctx.cs = await startCodeServer({
      workspace: path.resolve(ROOT, o.workspace || 'test/fixtures/workspace'),
      copyWorkspace: true, vsix, settings: o.settings, env: o.env,
    });
    ctx.browser = await launchBrowser();
    ctx.wb = await Workbench.open(ctx.browser, ctx.cs.url());
    ctx.startedMs = Date.now() - t0;
    console.log(`# code-server pid ${ctx.cs.pid} port ${ctx.cs.port} (listening after ${ctx.cs.startMs} ms); workbench ready after ${ctx.startedMs} ms`);
  }, { timeout: 180000 });
  after(async () => {
    await ctx.browser?.close().catch(() => {});
    await ctx.cs?.stop();
  }, { timeout: 60000 });
  return ctx;
}

/** Wrap a test body so a failure leaves shots/FAILED-<test name>.png behind. */
function shotOnFail(ctx, fn) {
  return async t => {
    try { await fn(t); } catch (e) {
      await ctx.wb?.screenshot('FAILED-' + t.name.replace(/\W+/g, '_')).catch(() => {});
      throw e;
    }
  };
}

module.exports = { useWorkbench, shotOnFail, VSIX, EXTENSION_ID };
