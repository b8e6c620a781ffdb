// Serve Model in the real workbench: the palette flow against a real MLflow 3 file store, a terminal running
// the (fake) `mlflow models serve`, the scoring server's output in that terminal, "Send Test Request" showing
// the predictions in an editor, Stop. Screenshots: shots/serve-terminal.png, shots/serve-test-request.png.
//
// The fake mlflow (test/fixtures/fake-mlflow/mlflow) is set through mlflow.cliPath. While package.json and
// src/extension.ts do not carry the model commands yet (src/models/contributions.json, registerModelCommands),
// the test runs a temporary copy of the extension with them merged in; afterwards it uses the packaged .vsix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import codeserver from '../harness/codeserver.js';
import workbench from '../harness/workbench.js';
import { HAVE_SHARED, workspaceWithStore } from './support/fixtures.mjs';

const { startCodeServer, ROOT } = codeserver;
const { launchBrowser, Workbench } = workbench;
const VSIX = process.env.VSIX || path.join(ROOT, 'dist', 'mlflow-vscode.vsix');
const LOGGED = 'm-e63fa0d1605b40e0a469868bb3b015ca';
const T = { timeout: 180000, skip: !HAVE_SHARED && 'needs ../shared/mlflow' };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ui-serve-'));
const record = path.join(tmp, 'record.jsonl');
const wrapper = path.join(tmp, 'mlflow');
fs.writeFileSync(wrapper, `#!/bin/sh\nFAKE_MLFLOW_RECORD='${record}' exec '${process.execPath}' '${path.join(ROOT, 'test/fixtures/fake-mlflow/mlflow')}' "$@"\n`, { mode: 0o755 });
const workspace = workspaceWithStore('v3', 'mlruns', 'mlruns');
// machine-overridable: a remote window ignores it in user settings, so it goes into the workspace settings
fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'mlflow.cliPath': wrapper }, null, 2));

/** The extension to load: the .vsix once the model commands are wired, else a temporary wired copy. */
async function extensionToLoad() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const wired = pkg.contributes.commands.some((c) => c.command === 'mlflow.serveModel') && /registerModelCommands/.test(fs.readFileSync(path.join(ROOT, 'src/extension.ts'), 'utf8'));
  if (wired) return { vsix: [VSIX] };
  const dir = path.join(tmp, 'ext');
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  const extra = JSON.parse(fs.readFileSync(path.join(ROOT, 'src/models/contributions.json'), 'utf8'));
  const c = pkg.contributes;
  c.commands = [...c.commands, ...extra.contributes.commands.filter((x) => !c.commands.some((y) => y.command === x.command))];
  for (const [k, v] of Object.entries(extra.contributes.menus)) c.menus[k] = [...(c.menus[k] ?? []), ...v];
  c.taskDefinitions = [...(c.taskDefinitions ?? []), ...extra.contributes.taskDefinitions];
  pkg.capabilities = { ...(pkg.capabilities ?? {}), ...extra.capabilities };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  fs.symlinkSync(path.join(ROOT, 'media'), path.join(dir, 'media'));
  for (const f of fs.readdirSync(path.join(ROOT, 'dist'))) {
    if (f !== 'extension.js' && !f.endsWith('.vsix') && !f.endsWith('.map')) fs.cpSync(path.join(ROOT, 'dist', f), path.join(dir, 'dist', f), { recursive: true });
  }
  const entry = path.join(tmp, 'entry.ts');
  fs.writeFileSync(entry, [
    `import * as base from ${JSON.stringify(path.join(ROOT, 'src/extension'))};`,
    `import { registerModelCommands } from ${JSON.stringify(path.join(ROOT, 'src/models'))};`,
    'export function activate(ctx: import("vscode").ExtensionContext) { const api = base.activate(ctx); ctx.subscriptions.push(...registerModelCommands(api.services)); return api; }',
    'export const deactivate = base.deactivate;',
  ].join('\n'));
  const lazyBackends = {
    name: 'lazy-backends',
    setup(build) {
      build.onResolve({ filter: /^\.\/(rest|sqlite)$/ }, (args) => (path.resolve(args.resolveDir) === path.join(ROOT, 'src/tracking') ? { path: `./backend-${args.path.slice(2)}.js`, external: true } : undefined));
    },
  };
  await esbuild.build({ entryPoints: [entry], bundle: true, outfile: path.join(dir, 'dist/extension.js'), platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], mainFields: ['main', 'module'], plugins: [lazyBackends], logLevel: 'warning', absWorkingDir: ROOT });
  return { linkExtensions: [dir] };
}

const ctx = {};
before(async () => {
  if (!HAVE_SHARED) return;
  const ext = await extensionToLoad();
  ctx.cs = await startCodeServer({ workspace, copyWorkspace: true, ...ext });
  ctx.browser = await launchBrowser();
  ctx.wb = await Workbench.open(ctx.browser, ctx.cs.url());
}, { timeout: 180000 });
after(async () => {
  await ctx.browser?.close().catch(() => {});
  await ctx.cs?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(workspace, { recursive: true, force: true });
}, { timeout: 60000 });

async function editorText(page) {
  return page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText().catch(() => '');
}

test('Serve Model from the palette: the server runs in a terminal, Send Test Request shows the predictions', T, async (t) => {
  const { wb } = ctx;
  const page = wb.page;
  try {
    await wb.openView('MLflow');
    await wb.treeRow('iris-classification').first().waitFor({ timeout: 30000 });
    await wb.runCommand('MLflow: Serve Model');
    // the model picker lists the store's registered versions, aliases and logged models
    const modelRow = page.locator('.quick-input-widget .monaco-list-row', { hasText: `models:/${LOGGED}` }).first();
    await modelRow.waitFor({ timeout: 30000 });
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'models:/iris-classifier@champion' }).first().waitFor();
    await modelRow.click();
    // the options form: the first row runs it
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: '--env-manager' }).first().waitFor({ timeout: 20000 });
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'More options' }).first().waitFor();
    await wb.screenshot('serve-options-form');
    await page.keyboard.press('Enter');
    // the terminal shows the scoring server's own output
    await wb.waitForTerminalText(/Uvicorn running on http:\/\/127\.0\.0\.1:\d+/, 30000);
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'is being served at' });
    await toast.waitFor({ timeout: 30000 });
    const rec = fs.readFileSync(record, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.argv[1] === 'serve').pop();
    assert.deepEqual(rec.argv.slice(0, 4), ['models', 'serve', '--model-uri', `models:/${LOGGED}`]);
    assert.match(rec.env.MLFLOW_TRACKING_URI, /^file:\/\/\/.*\/mlruns$/);
    const text = (await wb.terminalText()).replace(/\n/g, ''); // xterm wraps long lines
    assert.match(text, /Executing task: .*mlflow models serve --model-uri models:\/m-e63fa0d1605b40e0a469868bb3b015ca --port \d+/);
    await wb.screenshot('serve-terminal');
    // Send Test Request: the model's serving_input_example.json, the answer in an editor
    await toast.locator('.monaco-button', { hasText: 'Send Test Request' }).click();
    await page.waitForFunction(() => /"predictions"/.test(document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent ?? ''), null, { timeout: 30000 });
    assert.match(await editorText(page), /predictions/);
    await wb.waitForTerminalText(/POST \/invocations HTTP\/1\.1" 200/, 20000);
    const shot = await wb.screenshot('serve-test-request');
    t.diagnostic(`screenshot: ${shot}`);
    // Stop ends the task without a failure notification
    await wb.runCommand('MLflow: Stop Model Server');
    await wb.waitForTerminalText(/Shutting down|terminated|Terminal will be reused/i, 20000).catch(() => {});
    await page.waitForTimeout(1500);
    assert.ok(!(await wb.notificationTexts()).some((m) => /failed|could not start/.test(m)), 'stopping is not a failure');
  } catch (e) {
    await wb.screenshot('FAILED-serve').catch(() => {});
    throw e;
  }
});
