// UI: the runs table and its sweep charts in the real workbench (code-server + Chromium) on the v3
// file store MLflow 3 wrote: opened from the experiment's inline action, sorted by a header click,
// filtered, rows selected with the mouse and keyboard, and parallel-coordinates brushing selecting the
// runs in the brushed range. Screenshots of table and charts in the dark and light themes.
//   node --test test/ui/runsTable.test.mjs   (after npm run build && npm run package)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ui from '../harness/ui.js';
import { openTable, V3_FILE_STORE as STORE } from './support/runsTable.mjs';

const { useWorkbench, shotOnFail } = ui;
const ctx = useWorkbench({
  workspace: 'test/fixtures/workspace',
  settings: { 'mlflow.trackingUri': STORE, 'workbench.colorTheme': 'Default Dark Modern', 'mlflow.autoRefreshInterval': 0 },
});
const T = { timeout: 150000 };

async function names(frame) {
  return frame.locator('.grid .row').evaluateAll((rows) => rows.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map((r) => r.querySelector('.name')?.textContent ?? ''));
}

test('runs table: grouped columns, sort by a metric header, filter, select with mouse and keyboard', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  const frame = await openTable(wb, 'iris-classification');
  const grid = frame.locator('[role="grid"]');
  assert.ok(Number(await grid.getAttribute('aria-rowcount')) > 5);
  for (const g of ['Parameters', 'Metrics']) await frame.locator('.hcell.group', { hasText: g }).first().waitFor();
  // sort by accuracy, highest first (two clicks)
  const acc = frame.locator('.hcell[data-col="m:accuracy"]');
  await acc.click();
  await acc.click();
  assert.equal(await acc.getAttribute('aria-sort'), 'descending');
  const values = await frame.locator('.grid .row').evaluateAll((rows) =>
    rows.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map((r) => r.querySelector('[data-col="m:accuracy"]')?.textContent ?? ''),
  );
  const present = values.filter((v) => v !== '' && v !== 'NaN').map(Number);
  assert.deepEqual(present, [...present].sort((a, b) => b - a), `descending: ${values.join(' ')}`);
  assert.ok(values.lastIndexOf('') > values.findIndex((v) => v !== ''), 'missing values last');
  // select: click, ctrl+click, then Space on the next row with the keyboard
  const rows = frame.locator('.grid .row');
  await rows.nth(0).locator('.name').click();
  await rows.nth(2).locator('.name').click({ modifiers: ['Control'] });
  await frame.locator('[role="grid"]').press('ArrowDown');
  await frame.locator('[role="grid"]').press(' ');
  await frame.locator('.selbar', { hasText: '3 selected' }).waitFor({ timeout: 5000 });
  assert.equal(await frame.locator('.selbar button', { hasText: 'Compare' }).isEnabled(), true);
  await wb.screenshot('runs-table-dark');
  // filter with MLflow syntax; an invalid filter says why
  const input = frame.locator('input.filter');
  await input.fill('metrics.accuracy >');
  await frame.locator('.filter-error').filter({ hasText: /./ }).waitFor({ timeout: 5000 });
  await input.fill("params.C = '1.0'");
  await input.press('Enter');
  await frame.locator('.count', { hasText: 'filtered' }).waitFor({ timeout: 30000 });
  const filtered = await names(frame);
  assert.ok(filtered.length >= 1 && filtered.length < values.length, filtered.join(', '));
  // the two filtered runs share C = 1.0: "only columns that differ" hides that column
  await frame.locator('.hcell[data-col="p:C"]').waitFor({ timeout: 5000 });
  const before = await frame.locator('.hrow:not(.groups-row) .hcell').count();
  await frame.locator('#only-differ').check();
  await frame.locator('.hcell[data-col="p:C"]').waitFor({ state: 'detached', timeout: 5000 });
  const after = await frame.locator('.hrow:not(.groups-row) .hcell').count();
  assert.ok(after < before, `${after} < ${before}`);
  await wb.screenshot('runs-table-filtered-differ-dark');
  await frame.locator('#only-differ').uncheck();
  await input.fill('');
  await input.press('Enter');
  await frame.locator('.count:not(:has-text("filtered"))').waitFor({ timeout: 30000 });
}));

test('sweep charts: parallel coordinates brushing selects the runs in the range; scatter drawn', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  const frame = wb.webview();
  const clearSel = frame.locator('.selbar button', { hasText: 'Clear' });
  if (await clearSel.count()) await clearSel.click();
  await frame.locator('#tab-charts').click();
  const canvas = frame.locator('canvas.pc');
  await canvas.waitFor({ timeout: 10000 });
  const box = await canvas.boundingBox();
  assert.ok(box);
  // first axis at x = 100; the scale spans y = 36 + 0.06 * 316 … 36 + 0.78 * 316: brush its upper half
  await wb.page.mouse.move(box.x + 100, box.y + 50);
  await wb.page.mouse.down();
  await wb.page.mouse.move(box.x + 100, box.y + 120, { steps: 5 });
  await wb.page.mouse.move(box.x + 100, box.y + 170, { steps: 5 });
  await wb.page.mouse.up();
  const caption = await frame.locator('.caption', { hasText: 'in the brushed ranges' }).textContent({ timeout: 5000 });
  const n = Number(/(\d+) runs in the brushed ranges/.exec(caption)?.[1]);
  assert.ok(n > 0, caption);
  await frame.locator('.selbar', { hasText: `${n} selected` }).waitFor({ timeout: 5000 });
  await wb.screenshot('runs-charts-dark');
  await frame.locator('.scatter canvas').first().scrollIntoViewIfNeeded();
  await frame.locator('.scatter canvas').first().waitFor({ timeout: 10000 });
  await wb.screenshot('runs-scatter-dark');
}));

test('light theme: table and charts', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.setColorTheme('Light Modern', 'vs');
  const frame = wb.webview();
  await frame.locator('canvas.pc').waitFor({ timeout: 10000 });
  await wb.screenshot('runs-charts-light');
  await frame.locator('#tab-table').click();
  await frame.locator('.grid .row').first().waitFor({ timeout: 10000 });
  await wb.screenshot('runs-table-light');
}));
