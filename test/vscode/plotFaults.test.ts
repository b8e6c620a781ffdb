// Faults in the webview panels inside the real extension host: mlflow.trackingUri points at
// test/support/faultServer.ts. Run details and a metric plot of the v3 transcripts' baseline-logreg
// are opened while the server is healthy; then, mode by mode, the server misbehaves and the panels
// are asked to reload (the webview's 'refresh' message, through the controller's real receive path:
// validation, handle(), fail()). Each panel must post an error notice naming the problem within the
// request timeout + margin (no silent empty chart, no endless loading), no promise may be left
// unhandled, and once the server heals a refresh shows data again.
// Run alone with MLFLOW_TEST_GREP="plot faults".
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { PanelController } from '../../src/webviews/panel';
import type { PlotsPanel } from '../../src/plots/plotsPanel';
import type { PlotsToWebview } from '../../src/plots/protocol';
import type { RunDetailsToWebview } from '../../src/runDetails/protocol';
import type { FaultMode, FaultServer } from '../support/faultServer';
import { api, onWebviewMessage, recordWebviews, useTrackingUri, waitFor, webviewMessages } from './helpers';
import { Commands } from '../../src/ids';

const RUN = '96c4b9c30fed4b0f8eb24a6fbbb4f592'; // baseline-logreg in the v3 transcripts
const KEY = 'loss';
const REQUEST_TIMEOUT_S = 1;
/** As in faults.test.ts: 4 attempts of at most the timeout, ~3 s of backoff, then a margin. */
const SETTLE_BOUND_MS = 4 * REQUEST_TIMEOUT_S * 1000 + 3500 + 5000;

/** What the error shown for each mode must say (the problem, not just "failed"). */
const EXPECTED: Partial<Record<FaultMode, RegExp>> = {
  down: /unreachable|connect|refused|ECONNREFUSED|not reach/i,
  reset: /unreachable|reset|closed|connect|ECONNRESET|socket|hang up|incomplete|truncated|ended/i,
  slow: /time(d)? ?out|took longer|did not answer/i,
  http500: /500|internal server error/i,
  http502: /502|bad gateway/i,
  http503: /503|unavailable/i,
  auth401: /401|sign.?in|auth|log ?in|credentials/i,
  auth403: /403|forbidden|denied|access|permission/i,
  truncated: /JSON|invalid|unexpected|truncated|incomplete|malformed|parse/i,
  malformed: /JSON|invalid|unexpected|malformed|parse/i,
  huge: /too (large|big)|size|limit|MB|bytes/i,
};

type HostToWebview = PlotsToWebview | RunDetailsToWebview;
type Notice = Extract<HostToWebview, { type: 'notice' }>;

/** Everything a panel posts from now on. */
function recorder(c: PanelController): { msgs: HostToWebview[]; mark(): number; since(i: number): HostToWebview[]; dispose(): void } {
  const msgs: HostToWebview[] = [];
  const sub = onWebviewMessage((r) => r.panel === c && r.dir === 'toWebview' && msgs.push(r.msg as HostToWebview));
  return { msgs, mark: () => msgs.length, since: (i) => msgs.slice(i), dispose: () => sub.dispose() };
}

/** The webview's 'refresh', as the real webview sends it: through receive() (validation, handle, fail). */
function refresh(c: PanelController): void {
  (c as unknown as { receive(raw: unknown): void }).receive({ type: 'refresh' });
}

async function setRequestTimeout(seconds: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('mlflow').update('requestTimeout', seconds, vscode.ConfigurationTarget.Workspace);
}

const describeMsgs = (ms: HostToWebview[]) =>
  ms.map((m) => (m.type === 'notice' ? `notice(${m.level}: ${m.message})` : m.type === 'series' ? `series(${m.key}, ${m.series.length} run(s))` : m.type)).join(', ') || '(nothing)';

describe('plot faults: run details and metric plots against a misbehaving tracking server', function () {
  this.timeout(120000);
  recordWebviews();
  let srv: FaultServer | undefined;
  let details: PanelController;
  let plots: PlotsPanel;
  let rd: ReturnType<typeof recorder>;
  let rp: ReturnType<typeof recorder>;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  before(async function () {
    process.on('unhandledRejection', onUnhandled);
    const { startFaultServer } = await import('../support/faultServer');
    srv = await startFaultServer({ mode: 'healthy', slowMs: 30_000 });
    await setRequestTimeout(REQUEST_TIMEOUT_S);
    const a = await useTrackingUri(srv.url);
    assert.strictEqual(a.services.connections.all()[0].state.name, 'connected');
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    rd?.dispose();
    rp?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await srv?.close();
    await setRequestTimeout(undefined);
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  beforeEach(async () => {
    await srv?.setMode('healthy');
  });

  afterEach(function () {
    assert.deepStrictEqual(
      unhandled.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))),
      [],
      `unhandled rejections during "${this.currentTest?.title}"`,
    );
  });

  it('healthy: run details and the loss plot of baseline-logreg show data', async () => {
    const connKey = (await api()).services.connections.all()[0].key;
    details = await vscode.commands.executeCommand<PanelController>(Commands.openRunDetails, { connKey, runId: RUN });
    rd = recorder(details);
    const d = await waitFor('runDetails posted', () => webviewMessages(details).find((r) => r.dir === 'toWebview' && r.type === 'runDetails')?.msg as Extract<HostToWebview, { type: 'runDetails' }> | undefined, SETTLE_BOUND_MS);
    assert.strictEqual(d.details.name, 'baseline-logreg');
    plots = await vscode.commands.executeCommand<PlotsPanel>(Commands.plotMetric, { connKey, runIds: [RUN], keys: [KEY] });
    rp = recorder(plots);
    const s = await waitFor(
      'the loss series posted',
      () => webviewMessages(plots).find((r) => r.dir === 'toWebview' && r.type === 'series' && (r.msg as Extract<HostToWebview, { type: 'series' }>).key === KEY)?.msg as Extract<HostToWebview, { type: 'series' }> | undefined,
      SETTLE_BOUND_MS,
    );
    assert.ok(s.series.length === 1 && s.series[0].steps.length > 0, `points: ${s.series[0]?.steps.length}`);
  });

  /** Waits until neither panel posted for `quietMs`: answers still in flight from the healthy server (e.g. a requestSeries of the webview) must not count as data in a fault. */
  async function settle(quietMs = 500): Promise<void> {
    let n = -1;
    let since = Date.now();
    await waitFor('the panels to go quiet', () => {
      const now = rd.msgs.length + rp.msgs.length;
      if (now !== n) {
        n = now;
        since = Date.now();
      }
      return Date.now() - since >= quietMs || undefined;
    }, SETTLE_BOUND_MS);
  }

  /** Refreshes the panel and waits for the first error notice (or data, with `expect: 'data'`). */
  async function reload(c: PanelController, r: ReturnType<typeof recorder>, expect: 'error' | 'data', dataType: HostToWebview['type']): Promise<{ msgs: HostToWebview[]; ms: number; notice?: Notice }> {
    const from = r.mark();
    const t0 = Date.now();
    refresh(c);
    const pred = (m: HostToWebview) => (expect === 'error' ? m.type === 'notice' && m.level === 'error' : m.type === dataType);
    try {
      await waitFor(`${c.tag}: ${expect === 'error' ? 'an error notice' : dataType} after refresh`, () => r.since(from).some(pred) || undefined, SETTLE_BOUND_MS);
    } catch (e) {
      throw new Error(`${(e as Error).message}; posted: ${describeMsgs(r.since(from))}`);
    }
    const msgs = r.since(from);
    return { msgs, ms: Date.now() - t0, notice: msgs.find((m): m is Notice => m.type === 'notice' && m.level === 'error') };
  }

  for (const [mode, re] of Object.entries(EXPECTED) as [FaultMode, RegExp][]) {
    it(`${mode}: both panels post an error naming the problem, then recover after healing`, async function () {
      assert.ok(details && plots, 'the panels were opened by the healthy test');
      await settle();
      await srv!.setMode(mode);
      const [d, p] = await Promise.all([reload(details, rd, 'error', 'runDetails'), reload(plots, rp, 'error', 'series')]);
      for (const [name, res] of [['run details', d], ['plots', p]] as const) {
        console.log(`# ${mode} ${name}: ${res.ms} ms: ${res.notice?.message}`);
        assert.ok(res.notice, `${name}: ${describeMsgs(res.msgs)}`);
        assert.match(res.notice.message, re, `${name}: the error names the problem`);
        assert.ok(res.ms < SETTLE_BOUND_MS, `${name}: settled in ${res.ms} ms`);
        const before = res.msgs.slice(0, res.msgs.indexOf(res.notice));
        assert.ok(!before.some((m) => m.type === 'series' || m.type === 'runDetails'), `${name}: no data posted in a fault: ${describeMsgs(res.msgs)}`);
      }

      await srv!.setMode('healthy');
      const [hd, hp] = await Promise.all([reload(details, rd, 'data', 'runDetails'), reload(plots, rp, 'data', 'series')]);
      const rdMsg = hd.msgs.find((m): m is Extract<HostToWebview, { type: 'runDetails' }> => m.type === 'runDetails');
      assert.strictEqual(rdMsg?.details.name, 'baseline-logreg');
      const series = hp.msgs.find((m): m is Extract<HostToWebview, { type: 'series' }> => m.type === 'series' && m.key === KEY);
      assert.ok(series && series.series[0]?.steps.length > 0, `plots after healing: ${describeMsgs(hp.msgs)}`);
      assert.ok(hp.msgs.some((m) => m.type === 'plotInit'), 'plotInit again after healing');
      assert.ok(
        hp.msgs.some((m) => m.type === 'notice' && m.message === ''),
        `plots: the error notice is cleared after healing (an empty notice, which the webview hides): ${describeMsgs(hp.msgs)}`,
      );
    });
  }

  it('the run reads, only the metric history fails (HTTP 500): the plot posts an error, not a silently empty chart', async () => {
    await settle();
    srv!.setPathModes({ '/metrics/': 'http500' });
    try {
      const p = await reload(plots, rp, 'error', 'series');
      assert.ok(p.notice && /500|internal server error/i.test(p.notice.message), describeMsgs(p.msgs));
      assert.ok(!p.msgs.some((m) => m.type === 'series'), `no empty series: ${describeMsgs(p.msgs)}`);
    } finally {
      srv!.setPathModes({});
    }
    const hp = await reload(plots, rp, 'data', 'series');
    assert.ok(hp.msgs.some((m) => m.type === 'series' && m.key === KEY && m.series[0]?.steps.length > 0), describeMsgs(hp.msgs));
  });

  it('repeatToken: both panels still show data (bounded paging), without errors', async () => {
    await srv!.setMode('repeatToken');
    const [hd, hp] = await Promise.all([reload(details, rd, 'data', 'runDetails'), reload(plots, rp, 'data', 'series')]);
    assert.ok(!hd.msgs.some((m) => m.type === 'notice' && m.level === 'error'), describeMsgs(hd.msgs));
    assert.ok(!hp.msgs.some((m) => m.type === 'notice' && m.level === 'error'), describeMsgs(hp.msgs));
  });
});
