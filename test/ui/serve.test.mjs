// Serve Model in the real workbench: the palette flow against a real MLflow 3 file store, a terminal running
// the (fake) `mlflow models serve`, the scoring server's output in that terminal, "Send Test Request" showing
// the predictions in an editor, Stop. Screenshots: shots/serve-terminal.png, shots/serve-test-request.png.
//
// The fake mlflow (test/fixtures/fake-mlflow/mlflow) is set through mlflow.cliPath.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import codeserver from '../harness/codeserver.js';
import workbench from '../harness/workbench.js';
import { workspaceWithStore } from './support/fixtures.mjs';

const { startCodeServer, ROOT } = codeserver;
const { launchBrowser, Workbench } = workbench;
const VSIX = process.env.VSIX || path.join(ROOT, 'dist', 'mlflow-vscode.vsix');
const LOGGED = 'm-e63fa0d1605b40e0a469868bb3b015ca';
const T = { timeout: 180000 };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ui-serve-'));
const record = path.join(tmp, 'record.jsonl');
const wrapper = path.join(tmp, 'mlflow');
fs.writeFileSync(wrapper, `#!/bin/sh\nFAKE_MLFLOW_RECORD='${record}' exec '${process.execPath}' '${path.join(ROOT, 'test/fixtures/fake-mlflow/mlflow')}' "$@"\n`, { mode: 0o755 });
const workspace = workspaceWithStore('v3', 'mlruns', 'mlruns');
// machine-overridable: a remote window ignores it in user settings, so it goes into the workspace settings
fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'mlflow.cliPath': wrapper }, null, 2));

const ctx = {};
before(async () => {
  ctx.cs = await startCodeServer({ workspace, copyWorkspace: true, vsix: [VSIX] });
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
