// The explorer on a workspace that holds a real MLflow 3 `mlruns` store (found without any setting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ui from '../harness/ui.js';
import { HAVE_SHARED, workspaceWithStore } from './support/fixtures.mjs';

const { useWorkbench, shotOnFail } = ui;
const workspace = workspaceWithStore('v3', 'mlruns', 'mlruns');
const ctx = useWorkbench({ workspace, settings: { 'mlflow.runsPageSize': 4 } });
const T = { timeout: 120000, skip: !HAVE_SHARED && 'needs ../shared/mlflow' };

test('the store in the workspace is found and its experiments are listed', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.openView('MLflow');
  await wb.treeRow('iris-classification').waitFor({ timeout: 30000 });
  await wb.treeRow('team-a/rf-sweep').waitFor();
  await wb.statusBarItem('MLflow: mlruns').waitFor();
  const labels = (await wb.treeLabels()).map((r) => r.label);
  assert.ok(!labels.includes('obsolete-experiment'), 'deleted experiments stay hidden');
}));

test('runs page by page with "Load more…", newest first', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.expand('iris-classification');
  await wb.treeRow('Load more…').waitFor({ timeout: 20000 });
  const before = (await wb.treeLabels()).filter((r) => r.level === 2).length;
  await wb.treeRow('Load more…').click();
  await wb.page.waitForFunction((n) => document.querySelectorAll('.part.sidebar .monaco-list-row[aria-level="2"]').length > n, before);
  await wb.screenshot('explorer-load-more');
}));

test('a nested run expands to its children and its grandchild', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  for (let i = 0; i < 5 && !(await wb.treeRow('parent-sweep').count()); i++) {
    if (await wb.treeRow('Load more…').count()) await wb.treeRow('Load more…').click();
    await wb.page.waitForTimeout(500);
  }
  await wb.expand('parent-sweep');
  await wb.treeRow('child-C-0.1').waitFor();
  const rows = await wb.treeLabels();
  const child = rows.find((r) => r.label === 'child-C-0.1');
  assert.equal(child.level, 3, 'children sit one level below their parent');
  for (const c of ['child-C-0.01', 'child-C-0.1', 'child-C-1.0']) {
    await wb.expand(c);
    if (await wb.treeRow('grandchild-fold-refit').count()) break;
  }
  await wb.treeRow('grandchild-fold-refit').waitFor();
  await wb.screenshot('explorer-nested-runs');
}));

test('filtering with MLflow search syntax shows only matching runs', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.runCommand('MLflow: Filter Runs…');
  await wb.pickItem('Type a filter…');
  await wb.answerInput("attributes.status = 'FAILED'");
  await wb.treeRow('failed-run').waitFor({ timeout: 20000 });
  await wb.page.waitForFunction(() => !Array.from(document.querySelectorAll('.part.sidebar .label-name')).some((e) => e.textContent === 'baseline-logreg'));
  await wb.screenshot('explorer-filtered');
  await wb.runCommand('MLflow: Clear Run Filter');
  await wb.treeRow('baseline-logreg').waitFor({ timeout: 20000 });
}));

test('an invalid filter is explained while typing', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.runCommand('MLflow: Filter Runs…');
  await wb.pickItem('Type a filter…');
  const input = wb.page.locator('.quick-input-widget input');
  await input.fill('metrics.loss >>> oops');
  const message = wb.page.locator('.quick-input-widget .quick-input-message');
  await message.waitFor();
  assert.ok((await message.innerText()).length > 10, 'a message says what is wrong');
  await wb.screenshot('explorer-filter-validation');
  await wb.page.keyboard.press('Escape');
}));

test('a run shows its parameters, metrics and artifacts', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.expand('baseline-logreg');
  await wb.expand('Parameters');
  await wb.treeRow('max_iter').waitFor();
  await wb.expand('Metrics');
  await wb.treeRow('val_accuracy').waitFor();
  await wb.expand('Artifacts');
  await wb.treeRow('confusion_matrix.png').waitFor();
  await wb.screenshot('explorer-run-details');
}));
