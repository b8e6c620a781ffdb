// UI: artifacts and models in the real workbench (code-server + chromium), on the real v3 file store.
// Screenshots (shots/artifacts-*.png): the image preview, the CSV table, the MLmodel summary, the Models view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import ui from '../harness/ui.js';
import { FIXTURES } from './support/fixtures.mjs';

const { useWorkbench, shotOnFail } = ui;
const STORE = path.join(FIXTURES, 'stores', 'v3', 'mlruns');
const ctx = useWorkbench({ workspace: 'test/fixtures/workspace', settings: { 'mlflow.trackingUri': STORE, 'workbench.editor.enablePreview': false } });
const T = { timeout: 180000 };
const OURS = 'mlflow-vscode.mlflow-vscode';

/** Scrolls the side bar list under the mouse until the row is rendered (lists are virtualised). */
async function reveal(wb, label) {
  const row = wb.treeRow(label).first();
  for (let i = 0; i < 15 && !(await row.isVisible().catch(() => false)); i++) {
    const box = await wb.page.locator('.part.sidebar .pane-body').first().boundingBox();
    await wb.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await wb.page.mouse.wheel(0, 220);
    await wb.page.waitForTimeout(150);
  }
  await row.scrollIntoViewIfNeeded();
  return row;
}

async function setPanes(wb, open, closed) {
  const o = wb.paneHeader(open);
  if ((await o.getAttribute('aria-expanded')) === 'false') await o.click();
  const c = wb.paneHeader(closed);
  if ((await c.getAttribute('aria-expanded')) === 'true') await c.click();
}

async function openRunArtifacts(wb) {
  await wb.openView('MLflow');
  await setPanes(wb, 'Experiments', 'Models');
  await wb.expand('iris-classification');
  await reveal(wb, 'baseline-logreg');
  await wb.expand('baseline-logreg');
  await reveal(wb, 'Artifacts');
  await wb.expand('Artifacts');
}

test('an image artifact opens in VS Code\'s image preview and renders', T, shotOnFail(ctx, async () => {
  const { wb, page } = { wb: ctx.wb, page: ctx.wb.page };
  await openRunArtifacts(wb);
  await (await reveal(wb, 'confusion_matrix.png')).click();
  await page.locator('.tabs-container .tab.active[aria-label*="confusion_matrix.png"]').waitFor({ timeout: 30000 });
  const img = page.frameLocator('iframe.webview.ready[src*="extensionId=vscode.media-preview"]').frameLocator('#active-frame').locator('img');
  await img.first().waitFor({ timeout: 30000 });
  const size = await img.first().evaluate(async (el) => {
    if (!el.complete) await new Promise((r) => el.addEventListener('load', r, { once: true }));
    return [el.naturalWidth, el.naturalHeight];
  });
  assert.ok(size[0] > 100 && size[1] > 100, `image decoded: ${size}`);
  console.log(`# image ${size.join('x')}; screenshot ${await wb.screenshot('artifacts-image')}`);
}));

test('a CSV artifact opens as a sortable table', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await openRunArtifacts(wb);
  await (await reveal(wb, 'predictions.csv')).click();
  const frame = wb.webview(OURS);
  await frame.locator('table tbody tr').first().waitFor({ timeout: 30000 });
  const headers = await frame.locator('thead th').allInnerTexts();
  assert.deepEqual(headers.map((h) => h.trim()), ['#', 'sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'label', 'prediction']);
  const rows = await frame.locator('tbody tr').count();
  assert.ok(rows > 10, `${rows} rows`);
  await frame.locator('thead th', { hasText: 'petal_length' }).click();
  await frame.locator('thead th', { hasText: 'petal_length' }).click(); // descending
  const first = Number(await frame.locator('tbody tr').first().locator('td').nth(3).innerText());
  const second = Number(await frame.locator('tbody tr').nth(1).locator('td').nth(3).innerText());
  assert.ok(first >= second, `sorted descending: ${first} ≥ ${second}`);
  console.log(`# ${rows} rows; screenshot ${await wb.screenshot('artifacts-csv-table')}`);
}));

test('the Models view: registered models, versions, aliases, logged models and the MLmodel summary', T, shotOnFail(ctx, async () => {
  const { wb, page } = { wb: ctx.wb, page: ctx.wb.page };
  await wb.openView('MLflow');
  await setPanes(wb, 'Models', 'Experiments'); // give the Models view the room
  await wb.expand('iris-classifier');
  await wb.treeRow('Version 1').first().waitFor({ timeout: 30000 });
  await wb.treeRow('@champion').first().waitFor();
  await wb.expand('Version 1');
  await wb.treeRow('MLmodel').first().waitFor({ timeout: 30000 });
  await wb.expand('empty-model');
  await wb.treeRow('No versions').first().waitFor();
  const labels = (await wb.treeLabels()).map((r) => `${r.label}${r.description ? ' — ' + r.description : ''}`);
  console.log(`# models view: ${labels.join(' | ')}`);
  assert.ok(labels.some((l) => /^Version 2 — .*@champion/.test(l)), labels.join('\n'));
  assert.ok(labels.some((l) => /^Version 1 — .*@baseline/.test(l)), labels.join('\n'));
  await wb.treeRow('MLmodel').first().click();
  const frame = wb.webview(OURS);
  await frame.locator('h2', { hasText: 'Signature' }).waitFor({ timeout: 30000 });
  assert.match(await frame.locator('.uri').innerText(), /^models:\/iris-classifier\/1$/);
  assert.ok(await frame.locator('button', { hasText: 'Serve' }).isEnabled());
  await wb.expand('Logged Models');
  await wb.expand(/^iris-classification$/);
  await page.waitForTimeout(500);
  console.log(`# screenshot ${await wb.screenshot('artifacts-models-view')}`);
}));
