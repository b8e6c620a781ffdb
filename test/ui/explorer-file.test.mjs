// The explorer on a workspace that holds a real MLflow 3 `mlruns` store (found without any setting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ui from '../harness/ui.js';
import { workspaceWithStore } from './support/fixtures.mjs';

const { useWorkbench, shotOnFail } = ui;
const workspace = workspaceWithStore('v3', 'mlruns', 'mlruns');
const ctx = useWorkbench({ workspace, settings: { 'mlflow.runsPageSize': 4 } });
const T = { timeout: 120000 };

/** A row of the Experiments view only (the Models view lists experiments too). */
const row = (label) =>
  ctx.wb.page.getByRole('tree', { name: 'Experiments' }).locator('.monaco-list-row[role="treeitem"]').filter({ has: ctx.wb.page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
async function expand(label) {
  const r = row(label);
  await r.waitFor({ timeout: 20000 });
  if ((await r.getAttribute('aria-expanded')) === 'false') {
    await r.click();
    await ctx.wb.page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'true', await r.elementHandle());
  }
}
async function filterRuns(filter) {
  await ctx.wb.runCommand('MLflow: Filter Runs…');
  await ctx.wb.pickItem('Type a filter…');
  await ctx.wb.answerInput(filter, { title: 'Filter Runs' }); // the box, not the picker still closing
}

test('the store in the workspace is found and its experiments are listed', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.openView('MLflow');
  await row('iris-classification').waitFor({ timeout: 30000 });
  await row('team-a/rf-sweep').waitFor();
  await wb.statusBarItem('MLflow: mlruns').waitFor();
  // Give the Experiments view the whole side bar (the virtualised tree renders only visible rows).
  const models = wb.paneHeader('Models');
  if ((await models.getAttribute('aria-expanded')) === 'true') await models.click();
  const labels = (await wb.treeLabels()).map((r) => r.label);
  assert.ok(!labels.includes('obsolete-experiment'), 'deleted experiments stay hidden');
}));

test('runs page by page with "Load more…", newest first', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await expand('iris-classification');
  await row('Load more…').waitFor({ timeout: 20000 });
  const level2 = () => wb.page.getByRole('tree', { name: 'Experiments' }).locator('.monaco-list-row[aria-level="2"]').count();
  const before = await level2();
  assert.ok(before >= 2 && before <= 5, 'at most a page of 4 runs (children sit under their parents) and "Load more…"');
  // The row may be re-rendered under the pointer while the view settles: click again until the page grows.
  for (let attempt = 0; attempt < 4 && (await level2()) <= before; attempt++) {
    await row('Load more…').click();
    await wb.page.waitForFunction((n) => document.querySelectorAll('[aria-label="Experiments"] .monaco-list-row[aria-level="2"]').length > n, before, { timeout: 5000 }).catch(() => {});
  }
  assert.ok((await level2()) > before, 'the next page of runs is listed');
  await wb.screenshot('explorer-load-more');
}));

test('a nested run expands to its children and its grandchild', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  for (let i = 0; i < 5 && !(await row('parent-sweep').count()); i++) {
    if (await row('Load more…').count()) await row('Load more…').click();
    await wb.page.waitForTimeout(500);
  }
  await expand('parent-sweep');
  await row('child-C-0.1').waitFor();
  const rows = await wb.treeLabels();
  const child = rows.find((r) => r.label === 'child-C-0.1');
  assert.equal(child.level, 3, 'children sit one level below their parent');
  for (const c of ['child-C-0.01', 'child-C-0.1', 'child-C-1.0']) {
    await expand(c);
    if (await row('grandchild-fold-refit').count()) break;
  }
  await row('grandchild-fold-refit').waitFor();
  await wb.screenshot('explorer-nested-runs');
}));

test('filtering with MLflow search syntax shows only matching runs', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await filterRuns("attributes.status = 'FAILED'");
  await row('failed-run').waitFor({ timeout: 20000 });
  await wb.page.waitForFunction(() => !document.querySelector('[aria-label="Experiments"] .monaco-list-row[aria-level="2"] .label-name:not(:empty)')?.textContent?.match(/^(baseline-logreg|tuned-logreg|parent-sweep)$/));
  const level2 = (await wb.page.getByRole('tree', { name: 'Experiments' }).locator('.monaco-list-row[aria-level="2"] .label-name').allInnerTexts());
  assert.deepEqual(level2.filter((l) => l !== 'No runs match the filter'), ['failed-run']);
  await wb.screenshot('explorer-filtered');
  await wb.runCommand('MLflow: Clear Run Filter');
  await row('Load more…').waitFor({ timeout: 20000 });
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
  await filterRuns("attributes.run_name = 'baseline-logreg'");
  await expand('baseline-logreg');
  await expand('Parameters');
  await row('max_iter').waitFor();
  await expand('Metrics');
  await row('val_accuracy').waitFor();
  await wb.screenshot('explorer-run-params-metrics');
  await row('Parameters').click();
  await row('Metrics').click();
  await expand('Artifacts');
  await row('confusion_matrix.png').waitFor();
  await wb.screenshot('explorer-run-details');
}));
