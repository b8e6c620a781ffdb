// UI: metric plots and run details in the real workbench (code-server + Chromium), on the v3 file
// store MLflow 3 wrote. Checks what only pixels show (the uPlot canvas is drawn, and redrawn on log
// scale / wall time) and leaves screenshots in shots/ in the dark and light themes.
//   node --test test/ui/plots.test.mjs   (scripts/test.mjs ui packages the .vsix first)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import ui from '../harness/ui.js';
import { FIXTURES } from './support/fixtures.mjs';

const { useWorkbench, shotOnFail } = ui;
const STORE = path.join(FIXTURES, 'stores', 'v3', 'mlruns');
const ctx = useWorkbench({
  workspace: 'test/fixtures/workspace',
  settings: { 'mlflow.trackingUri': STORE, 'workbench.colorTheme': 'Default Dark Modern', 'mlflow.autoRefreshInterval': 0 },
});
const T = { timeout: 150000 };

/** Draw statistics of the n-th chart canvas, read with getImageData inside the webview. */
async function canvasStats(frame, n = 0) {
  const canvas = frame.locator('.chart canvas').nth(n);
  await canvas.waitFor({ timeout: 30000 });
  return canvas.evaluate((c) => {
    const { width, height } = c;
    const d = c.getContext('2d').getImageData(0, 0, width, height).data;
    const hex = getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim();
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
    const [r, g, b] = m ? [1, 2, 3].map((i) => parseInt(m[i], 16)) : [55, 148, 255];
    let painted = 0;
    let line = 0;
    let hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) painted++;
      if (d[i + 3] > 100 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 90) line++;
      hash = (hash * 31 + d[i] + d[i + 1] * 3 + d[i + 2] * 7 + d[i + 3] * 11) | 0;
    }
    return { width, height, painted, line, hash, color: hex };
  });
}

async function closeEditors(wb) {
  await wb.runCommand('View: Close All Editors');
  await wb.page.waitForTimeout(300);
}

/** Palette command whose run quick pick gets `run` (typed to filter, then picked). */
async function commandOnRun(wb, title, run) {
  await wb.runCommand(title);
  const input = wb.page.locator('.quick-input-widget input');
  await wb.page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 30000 });
  await input.fill(run);
  await wb.pickItem(run);
}

/** Tick each named run in a multi-select quick pick (rows are role=checkbox with aria-checked), then OK. */
async function pickRuns(wb, names) {
  for (const name of names) {
    const row = wb.page.locator(`.quick-input-widget .monaco-list-row[aria-label^="${name},"]`);
    await row.waitFor({ timeout: 10000 });
    for (let i = 0; i < 3 && (await row.getAttribute('aria-checked')) !== 'true'; i++) {
      await row.locator('.monaco-checkbox').click();
      await wb.page.waitForTimeout(150);
    }
    assert.equal(await row.getAttribute('aria-checked'), 'true', `${name} ticked`);
  }
  // Enter on a focused row would toggle it again: accept with the OK button
  await wb.page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
}

async function drawn(frame) {
  const app = frame.locator('#app[data-draw-ms]');
  await app.waitFor({ timeout: 30000 });
  return Number(await app.getAttribute('data-draw-ms'));
}

test('plot a run: the uPlot canvas is drawn from the real store (pixels)', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await commandOnRun(wb, 'MLflow: Plot Metrics', 'long-training');
  const frame = wb.webview();
  await frame.locator('h1.title', { hasText: 'long-training' }).waitFor({ timeout: 30000 });
  const ms = await drawn(frame);
  console.log(`# webview draw time (first frame, all charts): ${ms} ms`);
  const s = await canvasStats(frame);
  assert.ok(s.width > 300 && s.height > 200, JSON.stringify(s));
  assert.ok(s.painted > 2000, `axes, grid and curves are painted: ${JSON.stringify(s)}`);
  assert.ok(s.line > 200, `the first run's curve is drawn in ${s.color}: ${JSON.stringify(s)}`);
  const caption = await frame.locator('.chart figcaption').first().innerText();
  assert.match(caption, /of 10000 points \(sampled|10000 points/);
  await wb.screenshot('plots-run-dark');
}));

test('compare three runs, then log scale and wall time redraw the charts', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await closeEditors(wb);
  await wb.runCommand('MLflow: Compare Runs');
  const input = wb.page.locator('.quick-input-widget input');
  await wb.page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 30000 });
  await input.fill('child-C');
  await pickRuns(wb, ['child-C-0.01', 'child-C-0.1', 'child-C-1.0']);
  const frame = wb.webview();
  await frame.locator('h1.title', { hasText: 'Compare 3 runs' }).waitFor({ timeout: 30000 });
  await drawn(frame);
  assert.equal(await frame.locator('.legend-item').count(), 3);
  assert.ok((await frame.locator('.params tbody tr').count()) >= 1, 'the differing parameter C is listed');
  const before = await canvasStats(frame);
  assert.ok(before.line > 50, JSON.stringify(before));
  await wb.screenshot('plots-compare-dark');

  await frame.locator('#opt-log').check();
  await frame.locator('.chart canvas').first().waitFor();
  await wb.page.waitForTimeout(300);
  const log = await canvasStats(frame);
  assert.notEqual(log.hash, before.hash, 'log scale redrew the chart');
  assert.ok(log.painted > 2000);

  await frame.locator('select[aria-label="X axis"]').selectOption('wall');
  await wb.page.waitForTimeout(300);
  const wall = await canvasStats(frame);
  assert.notEqual(wall.hash, log.hash, 'wall time redrew the chart');
  assert.ok(wall.line > 50, JSON.stringify(wall));
  // keyboard: focus the chart, zoom in with +, reset with Escape
  await frame.locator('figure.chart').first().focus();
  await wb.page.keyboard.press('+');
  await wb.page.waitForTimeout(300);
  const zoomed = await canvasStats(frame);
  assert.notEqual(zoomed.hash, wall.hash, 'zoomed');
  await wb.page.keyboard.press('Escape');
  await wb.screenshot('plots-compare-log-wall-dark');
}));

test('open run details: overview, git link, note as safe markdown, tables, artifacts', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await closeEditors(wb);
  await commandOnRun(wb, 'MLflow: Open Run Details', 'baseline-logreg');
  const frame = wb.webview();
  await frame.locator('h1.title', { hasText: 'baseline-logreg' }).waitFor({ timeout: 30000 });
  await frame.locator('a', { hasText: 'Open commit on GitHub' }).waitFor();
  await frame.locator('table').first().waitFor();
  await frame.locator('ul.tree li', { hasText: 'confusion_matrix.png' }).waitFor({ timeout: 30000 });
  const filter = frame.locator('input[aria-label="Filter parameters"]');
  await filter.fill('C');
  assert.ok((await frame.locator('#params-h').innerText()).includes('of'), 'the filter narrows the table');
  await filter.fill('');
  assert.equal(await frame.locator('.note script, .note img, .note iframe').count(), 0);
  await wb.screenshot('run-details-dark');
}));

test('light theme screenshots', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.setColorTheme('Light Modern', 'vs');
  const frame = wb.webview();
  await frame.locator('h1.title', { hasText: 'baseline-logreg' }).waitFor({ timeout: 30000 });
  await wb.screenshot('run-details-light');
  await closeEditors(wb);
  await wb.runCommand('MLflow: Compare Runs');
  const input = wb.page.locator('.quick-input-widget input');
  await wb.page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 30000 });
  await input.fill('rf-');
  await pickRuns(wb, ['rf-10-3', 'rf-20-5', 'rf-50-5', 'rf-100-8', 'rf-200-None', 'rf-400-12']);
  const f2 = wb.webview();
  await f2.locator('h1.title', { hasText: 'Compare 6 runs' }).waitFor({ timeout: 30000 });
  await drawn(f2);
  const s = await canvasStats(f2);
  assert.ok(s.painted > 2000, JSON.stringify(s));
  await wb.screenshot('plots-compare-light');
  await closeEditors(wb);
  await commandOnRun(wb, 'MLflow: Plot Metrics', 'nan-inf-metrics');
  const f3 = wb.webview();
  await f3.locator('h1.title', { hasText: 'nan-inf-metrics' }).waitFor({ timeout: 30000 });
  await drawn(f3);
  await wb.screenshot('plots-nan-inf-light');
  await closeEditors(wb);
  await commandOnRun(wb, 'MLflow: Plot Metrics', 'long-training');
  const f4 = wb.webview();
  await drawn(f4);
  const raw = await canvasStats(f4);
  await f4.locator('#opt-smooth').fill('0.9');
  await f4.locator('#opt-outliers').check();
  await wb.page.waitForTimeout(600);
  const smooth = await canvasStats(f4);
  assert.notEqual(smooth.hash, raw.hash, 'smoothing redrew the chart');
  await wb.screenshot('plots-run-smoothed-light');
}));
