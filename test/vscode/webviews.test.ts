// Run details, metric plots and compare panels in the real extension host, with the real webviews
// (Chromium) on the v3 file store MLflow 3 wrote. The commands return the panel controller; the
// suites record its messages both ways and assert on what was posted and what came back.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PanelController } from '../../src/webviews/panel';
import type { PlotsPanel } from '../../src/plots/plotsPanel';
import type { PlotsFromWebview, PlotsToWebview } from '../../src/plots/protocol';
import type { RunDetailsFromWebview, RunDetailsToWebview } from '../../src/runDetails/protocol';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, childByLabel, copyToTemp, recordWebviews, useTrackingUri, waitFor, webviewMessages } from './helpers';

type HostToWebview = PlotsToWebview | RunDetailsToWebview;
type WebviewToHost = PlotsFromWebview | RunDetailsFromWebview;
import { Commands } from '../../src/ids';

const EXP = '358387156804898222';
const BASELINE = '85c2cd0244ac4908817c29c853d5c0eb';
const LONG = '53eb9c6de8824834a1781bdfe12d6492';
const NANINF = '89788533120b4a8ca48f9f83f869f366';
const RUNNING = 'ed1e40def8014a6db30bcd09260be51a';

type Out<T extends HostToWebview['type']> = Extract<HostToWebview, { type: T }>;
type In<T extends WebviewToHost['type']> = Extract<WebviewToHost, { type: T }>;

function posted<T extends HostToWebview['type']>(c: PanelController, type: T, pred: (m: Out<T>) => boolean = () => true): Out<T> | undefined {
  return webviewMessages(c).filter((r) => r.dir === 'toWebview' && r.type === type).map((r) => r.msg as Out<T>).find(pred);
}
function received<T extends WebviewToHost['type']>(c: PanelController, type: T): In<T> | undefined {
  return webviewMessages(c).filter((r) => r.dir === 'fromWebview' && r.type === type).map((r) => r.msg as In<T>)[0];
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('webviews: run details, plots, compare on the v3 file store', function () {
  this.timeout(90000);
  recordWebviews();
  let connKey: string;

  before(async function () {
    const a = await useTrackingUri(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
    connKey = a.services.connections.all()[0].key;
  });
  after(async () => {
    await closeAll();
  });

  it('opens run details: ready handshake, then the run, its git link, lineage and artifacts', async () => {
    const c = await vscode.commands.executeCommand<PanelController>('mlflow.openRunDetails', { connKey, runId: BASELINE });
    assert.ok(c && Array.isArray(webviewMessages(c)) && c.panel, 'the command returns the panel controller');
    await waitFor('ready from the webview', () => received(c, 'ready'));
    const d = (await waitFor('runDetails posted', () => posted(c, 'runDetails'))).details;
    assert.strictEqual(d.name, 'baseline-logreg');
    assert.strictEqual(d.experimentName, 'iris-classification');
    assert.strictEqual(d.status, 'FINISHED');
    assert.strictEqual(d.git.webUrl, 'https://github.com/example-org/iris-demo/commit/0000000000000002b0e37d8f796325d18650c9a0');
    assert.ok(d.params.some((p) => p.key === 'C' && p.value === '1.0'));
    assert.ok(d.metrics.some((m) => m.key === 'loss'));
    assert.ok(d.models.length >= 1, 'logged model of the v3 run');
    assert.ok(d.registered.some((v) => v.name === 'iris-classifier'), JSON.stringify(d.registered));
    const arts = await waitFor('artifacts posted', () => posted(c, 'artifacts', (m) => m.path === ''));
    assert.ok(arts.files.some((f) => f.path === 'confusion_matrix.png'));
    assert.ok(arts.files.some((f) => f.path === 'plots' && f.isDir));
    assert.strictEqual(c.panel.title, 'Run: baseline-logreg');
    assert.match(c.panel.webview.html, /default-src 'none'; script-src 'nonce-[A-Za-z0-9]+'/);
    assert.ok(!c.panel.webview.html.includes('baseline-logreg'), 'no data in the HTML');
    const again = await vscode.commands.executeCommand<PanelController>(Commands.openRunDetails, { connKey, runId: BASELINE });
    assert.strictEqual(again, c, 'one panel per run, revealed when open');
  });

  it('lists parent and children of a nested run', async () => {
    const parent = await waitFor('parent run id', async () => {
      const r = await (await (await api()).services.connections.all()[0].store()).searchRuns({ experimentIds: [EXP], filter: "attributes.run_name = 'parent-sweep'" });
      return r.items[0]?.info.runId;
    });
    const c = await vscode.commands.executeCommand<PanelController>(Commands.openRunDetails, { connKey, runId: parent });
    const d = (await waitFor('runDetails posted', () => posted(c, 'runDetails'))).details;
    assert.deepStrictEqual(d.children.map((x) => x.name).sort(), ['child-C-0.01', 'child-C-0.1', 'child-C-1.0']);
  });

  it('plots the 10,000-step train/loss: sampled Float64Array series, drawn by the real webview', async () => {
    const c = await vscode.commands.executeCommand<PlotsPanel>(Commands.plotMetric, { connKey, runIds: [LONG], keys: ['train/loss'] });
    const ready = await waitFor('ready', () => received(c, 'ready'));
    assert.ok(ready.width > 0);
    const init = await waitFor('plotInit', () => posted(c, 'plotInit'));
    assert.deepStrictEqual(init.selected, ['train/loss']);
    assert.ok(init.keys.includes('val/loss'));
    const s = await waitFor('series', () => posted(c, 'series', (m) => m.key === 'train/loss'));
    const [one] = s.series;
    assert.ok(one.steps instanceof Float64Array && one.values instanceof Float64Array);
    assert.strictEqual(one.total, 10_000);
    assert.ok(one.sampled && one.steps.length < 10_000 && one.steps.length >= ready.width);
    const drawn = await waitFor('drawn from the webview', () => received(c, 'drawn'));
    assert.ok(drawn.points === one.steps.length && drawn.charts === 1, JSON.stringify(drawn));
    console.log(`# webview draw: ${drawn.ms.toFixed(1)} ms for ${drawn.points} points; host first frame ${c.firstDataMs?.toFixed(0)} ms`);
    // a zoom request as the webview sends it: the host answers with the refined slice
    await (c as unknown as { handle(m: WebviewToHost): Promise<void> }).handle({ type: 'requestRange', requestId: 7, key: 'train/loss', start: 100, end: 199, width: 800 });
    const z = await waitFor('range answer', () => posted(c, 'series', (m) => m.requestId === 7));
    assert.deepStrictEqual(z.range, { start: 100, end: 199 });
    assert.strictEqual(z.series[0].steps.length, 100);
    assert.strictEqual(z.series[0].sampled, false);
  });

  it('keeps NaN and ±inf through postMessage and draws them', async () => {
    const c = await vscode.commands.executeCommand<PlotsPanel>(Commands.plotMetric, { connKey, runIds: [NANINF], keys: ['mixed_nonfinite', 'pos_inf', 'neg_inf', 'nan_metric'] });
    const s = await waitFor('series', () => posted(c, 'series', (m) => m.key === 'mixed_nonfinite'));
    const vals = [...s.series[0].values];
    assert.ok(vals.some(Number.isNaN) && vals.includes(Infinity), vals.join(','));
    const drawn = await waitFor('drawn', () => received(c, 'drawn'));
    assert.strictEqual(drawn.charts, 4);
  });

  it('compares three runs selected in the tree: a curve per run, the differing parameters', async () => {
    const a = await api();
    const exp = await childByLabel(a, undefined, 'iris-classification');
    const parent = await childByLabel(a, exp, 'parent-sweep');
    const kids = (await a.services.experiments.getChildren(parent)).filter((n) => n.type === 'run');
    assert.strictEqual(kids.length, 3);
    const c = await vscode.commands.executeCommand<PlotsPanel>(Commands.compareRuns, kids[0], kids);
    const init = await waitFor('plotInit', () => posted(c, 'plotInit'));
    assert.strictEqual(init.runs.length, 3);
    assert.deepStrictEqual(init.runs.map((r) => r.colorIndex), [0, 1, 2]);
    assert.ok(init.params.some((p) => p.key === 'C' && p.differs), JSON.stringify(init.params));
    const key = init.selected[0];
    const s = await waitFor('series', () => posted(c, 'series', (m) => m.key === key));
    assert.strictEqual(s.series.length, 3);
    await waitFor('drawn', () => received(c, 'drawn'));
    assert.strictEqual(c.panel.title, 'Compare 3 runs');
  });

  it('exports the full history as CSV through a save dialog (stubbed)', async () => {
    const c = await vscode.commands.executeCommand<PlotsPanel>(Commands.plotMetric, { connKey, runIds: [LONG], keys: ['train/loss'] });
    await waitFor('plotInit', () => posted(c, 'plotInit'));
    const out = path.join(fs.mkdtempSync(path.join(require('os').tmpdir(), 'mlflow-csv-')), 'loss.csv');
    const orig = vscode.window.showSaveDialog;
    (vscode.window as { showSaveDialog: unknown }).showSaveDialog = async () => vscode.Uri.file(out);
    try {
      await (c as unknown as { handle(m: WebviewToHost): Promise<void> }).handle({ type: 'exportCsv', keys: ['train/loss'] });
    } finally {
      (vscode.window as { showSaveDialog: unknown }).showSaveDialog = orig;
    }
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.strictEqual(lines[0], 'run_id,run_name,key,step,timestamp,value');
    assert.strictEqual(lines.length, 10_001, 'every point, not the sampled ones');
  });

  it('confirms a PNG and a CSV export with "Saved … to …", offering Open and Reveal', async () => {
    const c = await vscode.commands.executeCommand<PlotsPanel>(Commands.plotMetric, { connKey, runIds: [LONG], keys: ['train/loss'] });
    await waitFor('plotInit', () => posted(c, 'plotInit'));
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'mlflow-export-'));
    let target = '';
    const shown: { message: string; items: unknown[] }[] = [];
    const w = vscode.window as unknown as { showSaveDialog: unknown; showInformationMessage: unknown };
    const origSave = w.showSaveDialog;
    const origInfo = w.showInformationMessage;
    w.showSaveDialog = async () => vscode.Uri.file(target);
    w.showInformationMessage = async (message: string, ...items: unknown[]) => {
      shown.push({ message, items });
      return undefined;
    };
    const send = (m: WebviewToHost) => (c as unknown as { handle(m: WebviewToHost): Promise<void> }).handle(m);
    try {
      target = path.join(dir, 'chart.png');
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
      await send({ type: 'exportPng', name: 'train/loss', data: png });
      const p = await waitFor('PNG confirmation', () => shown.find((x) => x.message.startsWith('Saved the chart to ')));
      assert.ok(p.message.includes('chart.png'), p.message);
      assert.deepStrictEqual(p.items, ['Open', 'Reveal']);
      assert.ok(fs.existsSync(target), 'the PNG was written');

      target = path.join(dir, 'loss.csv');
      await send({ type: 'exportCsv', keys: ['train/loss'] });
      const csv = await waitFor('CSV confirmation', () => shown.find((x) => /^Saved 10000 points to .*loss\.csv\.$/.test(x.message)));
      assert.deepStrictEqual(csv.items, ['Open', 'Reveal']);
    } finally {
      w.showSaveDialog = origSave;
      w.showInformationMessage = origInfo;
    }
  });
});

describe('webviews: live plots of a RUNNING run', function () {
  this.timeout(60000);
  recordWebviews();
  let dir: string;
  let connKey: string;

  before(async function () {
    dir = copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
    const a = await useTrackingUri(dir);
    connKey = a.services.connections.all()[0].key;
  });
  after(async () => {
    await closeAll();
  });

  it('polls while running, appends only new points, and stops when the run ends', async () => {
    const c = await vscode.commands.executeCommand<PlotsPanel>(Commands.plotMetric, { connKey, runIds: [RUNNING], keys: ['loss'] });
    const init = await waitFor('plotInit', () => posted(c, 'plotInit'));
    assert.strictEqual(init.live, true);
    const first = await waitFor('series', () => posted(c, 'series', (m) => m.key === 'loss'));
    const lastStep = first.series[0].steps[first.series[0].steps.length - 1];
    await waitFor('a poll scheduled while the run is RUNNING and the panel visible', () => c.isPolling || undefined);
    const runDir = path.join(dir, EXP, RUNNING);
    fs.appendFileSync(path.join(runDir, 'metrics', 'loss'), `${Date.now()} 0.5 ${lastStep + 1}\n${Date.now() + 1} nan ${lastStep + 2}\n`);
    await c.poll();
    const app = await waitFor('append', () => posted(c, 'append', (m) => m.key === 'loss'));
    assert.deepStrictEqual([...app.series[0].steps], [lastStep + 1, lastStep + 2]);
    assert.ok(Number.isNaN(app.series[0].values[1]));
    const meta = path.join(runDir, 'meta.yaml');
    fs.writeFileSync(meta, fs.readFileSync(meta, 'utf8').replace('status: 1', 'status: 3').replace('end_time: null', `end_time: ${Date.now()}`));
    await c.poll();
    const st = await waitFor('runStatus not live', () => posted(c, 'runStatus', (m) => !m.live));
    assert.strictEqual(st.runs[0].status, 'FINISHED');
    assert.ok(!c.isPolling, 'polling stopped after the run ended');
  });
});
