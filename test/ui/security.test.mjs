// UI: the explorer, run details, plots, compare, the CSV table, the HTML preview and the MLmodel panel
// on a store whose every string is hostile (test/support/hostileStore.ts). Nothing may execute: no
// dialog, window.__pwned set in no frame, no navigation away; the hostile strings show as TEXT; every
// webview frame has a strict CSP. Screenshots: shots/security-*.png.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ui from '../harness/ui.js';

const { useWorkbench, shotOnFail } = ui;
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ui-hostile-'));
const hs = JSON.parse(
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'test/support/hostileStore.ts'), ws], {
    cwd: ROOT,
    encoding: 'utf8',
  }),
);
const H = hs.hostile;
const ctx = useWorkbench({ workspace: ws, settings: { 'mlflow.trackingUri': hs.storeDir, 'workbench.editor.enablePreview': false } });
const T = { timeout: 180000 };
const OURS = 'mlflow-vscode.mlflow-vscode';
after(() => fs.rmSync(ws, { recursive: true, force: true }));

// ---- what must never happen ----------------------------------------------------------------------------
const dialogs = [];
const navigations = [];
const requests = [];
const blocked = [];
const csps = new Map(); // frame url → CSP content
let watching = false;
function watch(page) {
  if (watching) return;
  watching = true;
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => {});
  });
  page.on('framenavigated', (f) => {
    const u = f.url();
    if (/evil\.example|^javascript:|^data:text\/html/.test(u)) navigations.push(u);
  });
  // Chromium reports CSP-blocked loads as failed requests (net::ERR_BLOCKED_BY_CSP): those never left the
  // machine. Anything else for evil.example (a response, or a DNS failure = it was really attempted) is a leak.
  page.on('requestfailed', (r) => {
    if (!/evil\.example/.test(r.url())) return;
    const why = r.failure()?.errorText ?? '';
    if (/^csp$|BLOCKED_BY_CSP/i.test(why)) blocked.push(`${r.url()} (${why})`);
    else requests.push(`${r.url()} (${why})`);
  });
  page.on('response', (r) => {
    if (/evil\.example/.test(r.url())) requests.push(`${r.url()} (answered ${r.status()})`);
  });
}

/** frame.evaluate with a time limit: a frame sandboxed without allow-scripts (the HTML preview) has no
 *  JavaScript context at all, and Playwright would wait for one forever. null = could not evaluate. */
function evalIn(f, fn) {
  return Promise.race([f.evaluate(fn).catch(() => null), new Promise((r) => setTimeout(() => r(null), 2000))]);
}

/** window.__pwned in every frame of the page (Playwright evaluates across origins). */
async function assertNothingRan(page, where) {
  const pwned = [];
  for (const f of page.frames()) {
    const v = await evalIn(f, () => (window.__pwned === undefined ? null : String(window.__pwned)));
    if (v !== null) pwned.push(`${f.url().slice(0, 120)} = ${v}`);
  }
  assert.deepEqual(pwned, [], `${where}: a payload ran`);
  assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
  assert.deepEqual(navigations, [], `${where}: a frame navigated away`);
  assert.deepEqual(requests, [], `${where}: a request left for evil.example`);
}

/** Records the CSP of every webview content frame currently open (the inner frame's meta tag). */
async function collectCsps(page) {
  for (const f of page.frames()) {
    const csp = await evalIn(f, () => document.querySelector('meta[http-equiv="Content-Security-Policy" i]')?.getAttribute('content') ?? null);
    // only webview content frames (the inner frame VS Code loads the extension's HTML into), not VS Code's own frames
    if (csp !== null && /webview\/browser\/pre\/fake\.html/.test(f.url())) csps.set(f.url().replace(/\?.*$/, '') + ' ' + ((await evalIn(f, () => document.title)) ?? ''), csp);
  }
}

function checkCsp(name, csp) {
  const dirs = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1)]));
  assert.deepEqual(dirs['default-src'], ["'none'"], `${name}: default-src 'none' (${csp})`);
  const scripts = dirs['script-src'] ?? dirs['default-src'];
  for (const s of scripts) assert.match(s, /^'none'$|^'nonce-[A-Za-z0-9+/=]+'$/, `${name}: script source ${s}`);
  assert.ok(!/unsafe-inline[^;]*|unsafe-eval/.test(dirs['script-src']?.join(' ') ?? ''), `${name}: ${csp}`);
}

/** Elements a payload would have created in a webview document (outerHTML, for the message). */
async function injected(frame) {
  return frame.locator('img[src="x"], svg[onload], iframe, object, embed, [onerror], [onload], [onclick], [onmouseover], script:not([src]):not(#_vscodeApiScript)').evaluateAll((els) => els.map((e) => e.outerHTML.slice(0, 160)));
}

// ---- workbench helpers -------------------------------------------------------------------------------------
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
async function expandRow(wb, label) {
  const row = await reveal(wb, label);
  if ((await row.getAttribute('aria-expanded')) === 'false') {
    await row.click();
    await wb.page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'true', await row.elementHandle());
  }
  return row;
}
async function setPanes(wb) {
  const o = wb.paneHeader('Experiments');
  if ((await o.getAttribute('aria-expanded')) === 'false') await o.click();
  const c = wb.paneHeader('Models');
  if ((await c.getAttribute('aria-expanded')) === 'true') await c.click();
}
async function closeEditors(wb) {
  await wb.runCommand('View: Close All Editors');
  await wb.page.waitForTimeout(300);
}

// ---- tests ---------------------------------------------------------------------------------------------------
test('explorer: hostile experiment and run names are tree labels shown as text', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  watch(wb.page);
  await wb.openView('MLflow');
  await setPanes(wb);
  await expandRow(wb, H.experimentName);
  for (const n of H.runNames) await wb.treeRow(n).first().waitFor({ timeout: 30000 });
  const labels = (await wb.treeLabels()).map((l) => l.label);
  for (const n of [H.experimentName, ...H.runNames]) assert.ok(labels.includes(n), `label ${n} among ${labels.join(' | ')}`);
  // no element from a label made it into the tree's DOM
  const injected = await wb.page.locator('.part.sidebar img[src="x"], .part.sidebar svg[onload], .part.sidebar script, .part.sidebar iframe').count();
  assert.equal(injected, 0);
  // the tooltip of a run (hover) renders as text too
  await wb.treeRow(H.runNames[1]).first().hover();
  await wb.page.waitForTimeout(1500);
  assert.equal(await wb.page.locator('.monaco-hover img[src="x"], .monaco-hover svg[onload], .monaco-hover iframe, .monaco-hover script').count(), 0);
  await expandRow(wb, H.runNames[0]);
  await expandRow(wb, 'Parameters');
  await wb.treeRow(H.paramKey).first().waitFor({ timeout: 20000 }).catch(() => {});
  console.log(`# ${await wb.screenshot('security-explorer')}`);
  await assertNothingRan(wb.page, 'explorer');
}));

test('run details: name, params, tags, note and artifact names displayed as text; nothing runs', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await closeEditors(wb);
  const row = await reveal(wb, H.runNames[0]);
  await row.click();
  await wb.contextMenu(row, 'Open Run Details');
  const f = wb.webview(OURS);
  await f.locator('h1.title').waitFor({ timeout: 30000 });
  assert.equal(await f.locator('h1.title').innerText(), H.runNames[0]);
  const params = await f.locator('section[aria-labelledby="params-h"] tbody').innerText();
  assert.ok(params.includes(H.paramKey) && params.includes(H.paramValue), params);
  const tags = await f.locator('section[aria-labelledby="tags-h"] tbody').innerText();
  assert.ok(tags.includes(H.tagKey) && tags.includes(H.tagValue.split('\n')[0]), tags);
  const metrics = await f.locator('section[aria-labelledby="metrics-h"] tbody').innerText();
  assert.ok(metrics.includes(H.metricKey), metrics);
  const note = f.locator('.note');
  assert.match(await note.innerText(), /<script>window\.__pwned=1<\/script>/, 'raw HTML of the note shown as text');
  assert.equal(await note.locator('script, img, iframe, svg, style, meta, form, input, textarea, object, embed').count(), 0, 'no element from the note');
  const hrefs = await note.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const h of hrefs) assert.match(h, /^https?:\/\//, `note link ${h}`);
  await f.locator('button.linkish', { hasText: H.artifactName }).waitFor({ timeout: 20000 });
  // clicking the safe link posts openLink; the javascript: one is plain text and does nothing
  await f.locator('.note', { hasText: 'click me' }).first().click({ position: { x: 5, y: 5 } }).catch(() => {});
  await wb.page.waitForTimeout(500);
  console.log(`# ${await wb.screenshot('security-run-details')}`);
  await collectCsps(wb.page);
  await assertNothingRan(wb.page, 'run details');
}));

test('compare: hostile metric keys and run names in charts, legends and the params table', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await closeEditors(wb);
  await (await reveal(wb, H.runNames[0])).click();
  await (await reveal(wb, H.runNames[1])).click({ modifiers: ['Control'] });
  await (await reveal(wb, H.runNames[2])).click({ modifiers: ['Control'] });
  await wb.contextMenu(wb.treeRow(H.runNames[2]).first(), 'Compare Runs');
  const f = wb.webview(OURS);
  await f.locator('canvas').first().waitFor({ timeout: 30000 });
  await wb.page.waitForTimeout(800);
  const text = await f.locator('body').innerText();
  assert.ok(text.includes(H.metricKey), 'metric key shown as text');
  assert.ok(H.runNames.some((n) => text.includes(n)), 'run names shown as text');
  assert.deepEqual(await injected(f), []);
  await wb.page.mouse.move(900, 850);
  console.log(`# ${await wb.screenshot('security-compare')}`);
  await collectCsps(wb.page);
  await assertNothingRan(wb.page, 'compare');
}));

test('artifacts: the CSV table shows formula/HTML cells as text; the HTML preview runs nothing; MLmodel panel', T, shotOnFail(ctx, async () => {
  const { wb } = ctx;
  await closeEditors(wb);
  await expandRow(wb, H.runNames[0]);
  await expandRow(wb, 'Artifacts');
  await (await reveal(wb, H.artifactName)).waitFor();
  await (await reveal(wb, 'cells.csv')).click();
  const t = wb.webview(OURS);
  await t.locator('table tbody tr').first().waitFor({ timeout: 30000 });
  const cells = await t.locator('tbody td').allInnerTexts();
  for (const c of ['<img src=x onerror=alert(14)>', '=HYPERLINK("http://evil.example"', '@SUM(1+1)', '=1+1', '</td></tr><tr><td onclick=alert(15)>', "+cmd|' /C calc'!A0"]) assert.ok(cells.includes(c), `cell ${c} among ${cells.join(' | ')}`);
  assert.deepEqual(await injected(t), []);
  console.log(`# ${await wb.screenshot('security-csv')}`);
  await collectCsps(wb.page);
  await assertNothingRan(wb.page, 'csv table');

  await closeEditors(wb);
  await (await reveal(wb, 'report.html')).click();
  const h = wb.page.frameLocator(`iframe.webview.ready[src*="extensionId=${OURS}"]`).first().frameLocator('#active-frame');
  await h.locator('#hostile-html').waitFor({ timeout: 30000 });
  await wb.page.waitForTimeout(1500); // give meta refresh, onload and friends their chance
  await h.locator('#cmd').click().catch(() => {});
  await h.locator('#go').click().catch(() => {});
  await wb.page.waitForTimeout(800);
  // scripts are off in this webview (no JS context to evaluate in): read its CSP through the DOM
  const previewCsp = await h.locator('meta[http-equiv="Content-Security-Policy"]').first().getAttribute('content');
  csps.set('html preview', previewCsp);
  assert.ok(!/script-src|unsafe/.test(previewCsp), previewCsp);
  assert.equal(await h.locator('#hostile-html').count(), 1, 'the preview is still the artifact (no navigation)');
  console.log(`# ${await wb.screenshot('security-html-preview')}`);
  await collectCsps(wb.page);
  await assertNothingRan(wb.page, 'html preview');

  await closeEditors(wb);
  await expandRow(wb, 'model');
  await (await reveal(wb, 'MLmodel')).click();
  const m = wb.webview(OURS);
  await m.locator('h2', { hasText: 'Signature' }).waitFor({ timeout: 30000 });
  const body = await m.locator('body').innerText();
  assert.ok(body.includes(H.modelFlavor), 'flavor name as text');
  assert.ok(body.includes('<img src=x onerror=alert(19)>'), 'signature field as text');
  assert.deepEqual(await injected(m), []);
  console.log(`# ${await wb.screenshot('security-mlmodel')}`);
  await collectCsps(wb.page);
  await assertNothingRan(wb.page, 'mlmodel');
}));

test('every webview that was open had a strict CSP', T, async () => {
  console.log(`# loads blocked by CSP: ${blocked.join(', ') || 'none'}`);
  console.log(`# CSPs:\n${[...csps].map(([k, v]) => `#   ${k}: ${v}`).join('\n')}`);
  assert.ok(csps.size >= 4, `CSPs of ${csps.size} frames collected`);
  for (const [name, csp] of csps) checkCsp(name, csp);
});
