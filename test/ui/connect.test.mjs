// Connecting from an empty workspace: welcome content, then "MLflow: Set Tracking URI" to a tracking
// server (replaying a real MLflow 3 server's transcripts), to a SQLite store, and to a server that
// is not there (an error node with Retry, never an endless spinner).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import ui from '../harness/ui.js';
import { FIXTURES, startReplay, workspaceWithStore } from './support/fixtures.mjs';

const { useWorkbench, shotOnFail } = ui;
const workspace = workspaceWithStore('v3', 'mlruns', 'not-a-store-yet', { 'notes.txt': 'no MLflow here\n' });
const ctx = useWorkbench({ workspace });
const T = { timeout: 120000 };
let replay;
after(() => replay?.close());

const row = (label) => ctx.wb.page.getByRole('tree', { name: 'Experiments' }).locator('.monaco-list-row[role="treeitem"]').filter({ has: ctx.wb.page.locator('.label-name', { hasText: label }) }).first();

async function setTrackingUri(uri) {
  const { wb } = ctx;
  await wb.runCommand('MLflow: Set Tracking URI…');
  await wb.pickItem('Enter a server URL or path…');
  await wb.answerInput(uri);
}

test('an empty workspace shows welcome content with Set Tracking URI', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.openView('MLflow');
  await wb.welcome('No MLflow tracking store was found').waitFor({ timeout: 30000 });
  await wb.page.locator('.part.sidebar .welcome-view-content a.monaco-button', { hasText: 'Set Tracking URI' }).first().waitFor();
  await wb.screenshot('connect-welcome');
}));

test('Set Tracking URI to a tracking server tests it and shows its experiments', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  replay = await startReplay(['v3']);
  await setTrackingUri(replay.url);
  await wb.notification('connected to').waitFor({ timeout: 30000 });
  await row('iris-classification').waitFor({ timeout: 30000 });
  await wb.statusBarItem('127.0.0.1').waitFor();
  await wb.screenshot('connect-server');
}));

test('Set Tracking URI to a SQLite store reads it directly', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await setTrackingUri(`sqlite:///${path.join(FIXTURES, 'stores', 'v3', 'sqlite', 'mlflow.db')}`);
  await wb.notification('connected to').first().waitFor({ timeout: 30000 });
  await row('team-a/rf-sweep').waitFor({ timeout: 30000 });
  await wb.statusBarItem('mlflow.db').waitFor();
}));

test('a server that is not there is named in an error, and "Use Anyway" leaves an error node with Retry', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await setTrackingUri('http://127.0.0.1:9');
  const toast = wb.notification('127.0.0.1:9');
  await toast.waitFor({ timeout: 60000 });
  await wb.page.locator('.notifications-toasts .monaco-button', { hasText: 'Use Anyway' }).first().click();
  const err = row(/127\.0\.0\.1:9/);
  await err.waitFor({ timeout: 60000 });
  await row('Retry').waitFor();
  await row('Show Log').waitFor();
  const labels = await wb.page.getByRole('tree', { name: 'Experiments' }).locator('.monaco-list-row[aria-level="1"] .label-name').allInnerTexts();
  assert.equal(labels.length, 1, `one error node, got ${labels.join(' | ')}`);
  await wb.statusBarItem('MLflow').waitFor();
  await wb.screenshot('connect-unreachable');
}));
