// UI: a 10,000-run experiment (the bench generator's store: 10 params, 5 metrics, 3 tags, nested
// runs) in the runs table, SQLite store: every run loaded, the DOM holds only the rows in view plus a
// margin, and scrolled to the middle it still draws the right rows. Frame times while scrolling are
// printed (`npm run bench` judges them). Screenshot: runs-table-10k-middle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ui from '../harness/ui.js';
import { ROOT } from './support/fixtures.mjs';

const { useWorkbench, shotOnFail } = ui;
// the bench's store (test/bench/runsTable.bench.ts): outside the project, which vsce walks when packaging
const DIR = path.join(os.tmpdir(), 'mlflow-vscode-table-10000');

function store() {
  const manifest = path.join(DIR, 'manifest.json');
  if (!fs.existsSync(manifest)) {
    const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', 'test/bench/generateStore.ts', '--runs', '10000', '--points', '1000', '--dir', DIR], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error('could not generate the 10,000-run store');
  }
  return JSON.parse(fs.readFileSync(manifest, 'utf8'));
}
const gen = store();

const ctx = useWorkbench({
  workspace: 'test/fixtures/workspace',
  settings: { 'mlflow.trackingUri': `sqlite:///${gen.dbPath}`, 'workbench.colorTheme': 'Default Dark Modern', 'mlflow.autoRefreshInterval': 0 },
});

test('10,000 runs: virtualised rows, scrolled to the middle', { timeout: 240000 }, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.openView('MLflow');
  const expRow = wb.treeRow('bench-10000-runs').first();
  await expRow.waitFor({ timeout: 60000 });
  await expRow.hover();
  await expRow.locator('.action-label[aria-label="Open Runs Table"]').click();
  const frame = wb.webview();
  await frame.locator('.count', { hasText: /^10,000 runs/ }).waitFor({ timeout: 120000 });
  await frame.locator('.count:not(:has-text("loading"))').waitFor({ timeout: 120000 });
  const grid = frame.locator('[role="grid"]');
  const rowCount = Number(await grid.getAttribute('aria-rowcount')) - 2;
  assert.ok(rowCount > 8000, `${rowCount} top-level rows`);
  const inDom = await frame.locator('.grid .row').count();
  const visible = await grid.evaluate((g) => Math.ceil(g.clientHeight / 24));
  assert.ok(inDom <= visible + 2 * 10 + 2, `${inDom} rows in the DOM for ${visible} visible`);
  // scroll top to bottom, one step per animation frame, timing each frame
  const frames = await grid.evaluate(async (g) => {
    const times = [];
    const step = Math.max(1, Math.floor((g.scrollHeight - g.clientHeight) / 600));
    let last = performance.now();
    g.scrollTop = 0;
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      times.push(now - last);
      last = now;
      g.scrollTop += step;
    }
    return times;
  });
  frames.sort((a, b) => a - b);
  const p95 = frames[Math.floor(frames.length * 0.95)];
  console.log(`# runs table scroll over 10,000 runs: p95 frame ${p95.toFixed(1)} ms, median ${frames[frames.length >> 1].toFixed(1)} ms`);
  fs.mkdirSync(path.join(ROOT, '.bench'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, '.bench', 'runsTable-scroll.json'), JSON.stringify({ p95, median: frames[frames.length >> 1], frames: frames.length, at: new Date().toISOString() }) + '\n');
  // the middle
  await grid.evaluate((g) => { g.scrollTop = (g.scrollHeight - g.clientHeight) / 2; });
  await wb.page.waitForTimeout(300);
  const mid = await frame.locator('.grid .row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('aria-rowindex'))));
  const lo = Math.min(...mid);
  assert.ok(lo > rowCount * 0.4 && lo < rowCount * 0.6, `rows around the middle: ${lo} of ${rowCount}`);
  assert.ok(mid.length <= visible + 2 * 10 + 2);
  await wb.screenshot('runs-table-10k-middle');
}));
