// UI: MLflow: Run Script from the editor in the real workbench (code-server + Chromium). The script is
// test/fixtures/python/live_train.py — plain python3 writing MLflow's file-store layout into the store the
// launch names in MLFLOW_TRACKING_URI (no MLflow needed) — copied into a workspace holding the v3 file store.
// While it runs: the status bar item shows the run, step and val_loss, and the live plot draws more of the
// curve as points arrive (pixels); at the end a notification says FINISHED with the metric. Screenshots go
// to shots/training-*.png (the README's three are copied from there to media/screenshots/).
//   node --test test/ui/training.test.mjs   (scripts/test.mjs ui packages the .vsix first)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ui from '../harness/ui.js';
import { ROOT, workspaceWithStore } from './support/fixtures.mjs';

const { useWorkbench, shotOnFail } = ui;
// ~55 s of training (the plot's webview may take 20 s to start on a loaded machine): 80 points, 0.7 s apart
const script = fs
  .readFileSync(path.join(ROOT, 'test', 'fixtures', 'python', 'live_train.py'), 'utf8')
  .replace('p.add_argument("--steps", type=int, default=20)', 'p.add_argument("--steps", type=int, default=80)')
  .replace('p.add_argument("--sleep", type=float, default=0.5)', 'p.add_argument("--sleep", type=float, default=0.7)');
assert.ok(script.includes('default=80') && script.includes('default=0.7'), 'the script\'s defaults were set');
const WS = workspaceWithStore('v3', 'mlruns', 'mlruns', { 'train.py': script });
const ctx = useWorkbench({
  workspace: WS,
  settings: { 'workbench.colorTheme': 'Default Dark Modern', 'mlflow.primaryMetric': 'val_loss' },
});
const T = { timeout: 240000 };

/** Pixels of the plot's line colour in the first chart canvas (more points: more line pixels). */
async function linePixels(frame) {
  const canvas = frame.locator('.chart canvas').first();
  await canvas.waitFor({ timeout: 60000 });
  return canvas.evaluate((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const hex = getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim();
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
    const [r, g, b] = m ? [1, 2, 3].map((i) => parseInt(m[i], 16)) : [55, 148, 255];
    let line = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 100 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 90) line++;
    return line;
  });
}

test('Run Script: status bar item, live plot filling while the run is RUNNING, end notification', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await wb.waitForActivation();
  await wb.openFile('train.py');
  await wb.runCommand('MLflow: Run Script…');

  // the status bar item: run name · elapsed · step · val_loss, spinning while it runs
  const item = wb.statusBarItem('step');
  await item.first().waitFor({ timeout: 60000 });
  assert.match(await item.first().innerText(), /train-[0-9a-f]{6} · \d+:\d\d · step \d+ · val_loss \d/);
  const box = await item.first().boundingBox();
  const view = wb.page.viewportSize();
  await wb.page.screenshot({ path: path.join(path.dirname(await wb.screenshot('training-status-bar')), 'training-status-bar-item.png'), clip: { x: 0, y: Math.max(0, box.y - 40), width: Math.min(view.width, box.x + box.width + 200), height: box.height + 40 } });

  // the live plot opened beside the script and follows the run: the curve grows while it runs
  const frame = wb.webview();
  await frame.locator('h1.title', { hasText: 'train-' }).waitFor({ timeout: 60000 });
  // "● Live": the plot knows the run is still RUNNING and polls it
  await frame.locator('.badge.live').first().waitFor({ timeout: 30000 });
  const early = await linePixels(frame);
  let later = early;
  for (let i = 0; i < 40 && later <= early; i++) {
    await wb.page.waitForTimeout(500);
    later = await linePixels(frame);
  }
  assert.ok(later > early, `the curve grows while the script runs (line pixels ${early} → ${later})`);
  await wb.page.waitForTimeout(3000);
  assert.ok(await item.first().isVisible(), 'the script was still running while the plot grew');
  await wb.screenshot('training-live-plot');

  // the end: a notification with the status and the primary metric against the best so far
  const end = wb.notification('FINISHED');
  await end.first().waitFor({ timeout: 90000 });
  const message = await end.first().innerText();
  assert.match(message, /Run "train-[0-9a-f]{6}" FINISHED in \d+s · val_loss 0\.231/);
  await wb.statusBarItem('Re-run train.py').first().waitFor({ timeout: 10000 });
  await wb.screenshot('training-end-notification');
}));
