// Faults inside the real extension host: mlflow.trackingUri points at test/support/faultServer.ts,
// mode by mode. The Experiments tree must show an error node (getChildren settles within the
// request timeout + margin: no endless spinner, no silently empty tree), mlflow.retry after the
// server heals must show the experiments again, and the extension host must stay responsive
// (a 50 ms heartbeat never stalls for a second). Also: a corrupt run in a file store, and a burst
// of 100 refreshes. Run alone with MLFLOW_TEST_GREP=fault.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MlflowExtensionApi } from '../../src/extension';
import type { Node } from '../../src/explorer/nodes';
import type { FaultMode, FaultServer } from '../support/faultServer';
import { EXTENSION_ID, api, childByLabel, label, useTrackingUri, waitFor } from './helpers';
import { Commands } from '../../src/ids';

const REQUEST_TIMEOUT_S = 1;
/**
 * Worst case for one connect: the connection's probe (searchExperiments) with the default 3 retries
 * of the REST store: 4 attempts of at most the timeout, plus at most ~3 s of backoff (300/600/1200 ms
 * + jitter); then a margin for a loaded machine.
 */
const SETTLE_BOUND_MS = 4 * REQUEST_TIMEOUT_S * 1000 + 3500 + 5000;

const EXPECTED_KIND: Partial<Record<FaultMode, string>> = {
  down: 'unreachable',
  reset: 'unreachable',
  slow: 'timeout',
  http500: 'server',
  http502: 'server',
  http503: 'server',
  auth401: 'auth',
  auth403: 'auth',
  truncated: 'server',
  malformed: 'server',
  huge: 'server',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The root nodes, failing instead of hanging when getChildren does not settle in time. */
async function roots(a: MlflowExtensionApi, boundMs = SETTLE_BOUND_MS): Promise<{ nodes: Node[]; ms: number }> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const nodes = await Promise.race([
    a.services.experiments.getChildren(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`getChildren did not settle within ${boundMs} ms (an endless spinner)`)), boundMs);
    }),
  ]).finally(() => clearTimeout(timer));
  return { nodes, ms: Date.now() - t0 };
}

/** Tracks the largest gap between ticks of a 50 ms interval: a blocked extension host shows up as a long gap. */
function heartbeat(): { maxGap(): number; reset(): void; stop(): void } {
  let last = Date.now();
  let max = 0;
  const iv = setInterval(() => {
    const now = Date.now();
    max = Math.max(max, now - last);
    last = now;
  }, 50);
  return {
    maxGap: () => Math.max(max, Date.now() - last),
    reset: () => {
      max = 0;
      last = Date.now();
    },
    stop: () => clearInterval(iv),
  };
}

/** Resolves once the server has seen no request for `quietMs`. */
async function quiet(srv: FaultServer, quietMs: number, maxMs = 15000): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const lastAt = srv.requests.at(-1)?.at ?? 0;
    if (Date.now() - lastAt >= quietMs || Date.now() > deadline) return;
    await sleep(100);
  }
}

async function setRequestTimeout(seconds: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('mlflow').update('requestTimeout', seconds, vscode.ConfigurationTarget.Workspace);
}

describe('fault server: the explorer against a misbehaving tracking server', function () {
  this.timeout(120000);
  let srv: FaultServer | undefined;
  let a: MlflowExtensionApi;
  let beat: ReturnType<typeof heartbeat>;

  before(async function () {
    const { startFaultServer } = await import('../support/faultServer');
    srv = await startFaultServer({ mode: 'healthy', slowMs: 30_000 });
    await setRequestTimeout(REQUEST_TIMEOUT_S);
    a = await useTrackingUri(srv.url);
    await vscode.commands.executeCommand('workbench.view.extension.mlflow');
    beat = heartbeat();
  });

  after(async () => {
    beat?.stop();
    await srv?.close();
    await setRequestTimeout(undefined);
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  beforeEach(async () => {
    await srv!.setMode('healthy');
    beat?.reset();
  });

  afterEach(function () {
    const gap = beat?.maxGap() ?? 0;
    assert.ok(gap < 1000, `the extension host stalled for ${gap} ms during "${this.currentTest?.title}"`);
  });

  it('healthy: the experiments of the v3 transcripts', async () => {
    assert.strictEqual(a.services.connections.all()[0].state.name, 'connected');
    const names = (await roots(a)).nodes.map((n) => label(n, a));
    assert.ok(names.includes('iris-classification'), names.join(', '));
  });

  for (const [mode, kind] of Object.entries(EXPECTED_KIND) as [FaultMode, string][]) {
    it(`${mode}: an error node (${kind}) within the timeout, then mlflow.retry after healing shows the experiments`, async function () {
      const conn = a.services.connections.all()[0];
      await srv!.setMode(mode);
      // the tree asks while the connection is being made, as it does after a settings change
      const reconnect = conn.reconnect();
      a.services.experiments.refresh();
      const { nodes, ms } = await roots(a);
      await reconnect;
      assert.strictEqual(nodes.length, 1, `one node, not a silently empty tree: ${nodes.map((n) => `${n.type}:${label(n, a)}`).join(', ')}`);
      const node = nodes[0];
      assert.strictEqual(node.type, 'error', `${node.type}: ${label(node, a)}`);
      assert.strictEqual(node.type === 'error' && node.error.kind, kind, node.type === 'error' ? node.error.message : '');
      const item = a.services.experiments.getTreeItem(node);
      assert.ok(String(item.tooltip).includes(srv!.url), `the error names the URI: ${String(item.tooltip)}`);
      assert.ok(ms < SETTLE_BOUND_MS, `settled in ${ms} ms`);
      assert.strictEqual(conn.state.name, 'error');
      // a second look does not hang either (the error is remembered until a retry)
      const again = await roots(a, 3000);
      assert.strictEqual(again.nodes[0]?.type, 'error');

      await srv!.setMode('healthy');
      await vscode.commands.executeCommand(Commands.retry);
      const healed = (await roots(a)).nodes.map((n) => label(n, a));
      assert.ok(healed.includes('iris-classification'), `after healing: ${healed.join(', ')}`);
      assert.strictEqual(conn.state.name, 'connected');
    });
  }

  it('repeatToken: every experiment once, runs page by page without duplicates, all bounded', async () => {
    await srv!.setMode('repeatToken');
    srv!.resetCounts();
    await vscode.commands.executeCommand(Commands.retry);
    const { nodes } = await roots(a);
    const ids = nodes.map((n) => n.id);
    assert.strictEqual(new Set(ids).size, ids.length, `duplicate tree ids: ${ids.join(', ')}`);
    assert.ok(nodes.some((n) => label(n, a) === 'iris-classification'));
    const exp = await childByLabel(a, undefined, 'iris-classification');
    for (let i = 0; i < 3; i++) {
      const runs = await a.services.experiments.getChildren(exp);
      const runIds = runs.map((n) => n.id);
      assert.strictEqual(new Set(runIds).size, runIds.length, 'no duplicate runs');
      const more = runs.find((n) => n.type === 'loadMore');
      assert.ok(more, 'the repeating token offers "Load more…"');
      await a.services.experiments.loadMore(more as Extract<Node, { type: 'loadMore' }>);
    }
    await quiet(srv!, 500);
    assert.ok(srv!.count('/experiments/search') < 20, `experiments/search calls: ${srv!.count('/experiments/search')}`);
  });

  it('a burst of 100 mlflow.refresh coalesces into a few requests', async () => {
    await vscode.commands.executeCommand(Commands.retry);
    await vscode.commands.executeCommand('workbench.view.extension.mlflow');
    const view = a.services.experimentsView;
    await waitFor('the Experiments view to be visible', () => view.visible || undefined, 10000);
    // count the tree's own calls (VS Code calls getChildren on the provider object)
    const provider = a.services.experiments;
    const original = provider.getChildren;
    let rootCalls = 0;
    provider.getChildren = function (node?: Node) {
      if (!node) rootCalls++;
      return original.call(this, node);
    };
    try {
      await roots(a);
      await quiet(srv!, 1000);
      srv!.resetCounts();
      rootCalls = 0;
      const t0 = Date.now();
      for (let i = 0; i < 100; i++) await vscode.commands.executeCommand(Commands.refresh);
      const burstMs = Date.now() - t0;
      await quiet(srv!, 1500);
      await sleep(500);
      const byPath: Record<string, number> = {};
      for (const r of srv!.requests) byPath[r.path] = (byPath[r.path] ?? 0) + 1;
      const searches = srv!.count('/experiments/search');
      console.log(`# refresh burst: 100 mlflow.refresh in ${burstMs} ms -> ${rootCalls} root getChildren calls by the tree, ${srv!.count()} requests ${JSON.stringify(byPath)} (view visible: ${view.visible})`);
      assert.ok(rootCalls >= 1, 'the visible tree re-read its root after the refreshes');
      assert.ok(searches <= 5, `100 refreshes made ${searches} experiments/search requests: ${JSON.stringify(byPath)}`);
    } finally {
      provider.getChildren = original;
    }
  });
});

describe('fault: a corrupt run in a file store, in the explorer', function () {
  this.timeout(60000);
  let store: { mlruns: string; cleanup(): void } | undefined;

  before(async function () {
    const { damagedStore } = await import('../unit/reliability/corruptStore');
    store = damagedStore();
    await useTrackingUri(store.mlruns);
  });

  after(async () => {
    store?.cleanup();
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('the other runs still show, the corrupt one is skipped, and the problem is logged', async () => {
    const a = await api();
    const { GARBAGE_META_RUN, GARBAGE_METRIC_RUN } = await import('../unit/reliability/corruptStore');
    assert.strictEqual(a.services.connections.all()[0].state.name, 'connected');
    const exp = await childByLabel(a, undefined, 'iris-classification');
    const runs = (await a.services.experiments.getChildren(exp)).map((n) => label(n, a));
    for (const r of ['baseline-logreg', 'failed-run', 'parent-sweep', 'long-training']) assert.ok(runs.includes(r), `${r} missing: ${runs.join(', ')}`);
    assert.ok(!runs.includes('tuned-logreg'), 'the run with the garbage meta.yaml is skipped');
    assert.ok(!runs.some((r) => /error/i.test(r)), runs.join(', '));
    const baseline = await childByLabel(a, exp, 'baseline-logreg');
    const metrics = await a.services.experiments.getChildren(await childByLabel(a, baseline, 'Metrics'));
    const loss = metrics.find((n) => label(n, a) === 'loss');
    assert.ok(loss, 'the metric with garbage lines still shows');
    assert.strictEqual(a.services.experiments.getTreeItem(loss).description, '0.347244 (step 49) · 51 points');

    // one row at the end of the experiment's runs says runs were skipped and opens the log
    const kids = await a.services.experiments.getChildren(exp);
    const last = kids[kids.length - 1];
    assert.strictEqual(last.type, 'action', kids.map((n) => label(n, a)).join(', '));
    // the garbage metric lines count once they were read (the Metrics group above read the history)
    assert.match(label(last, a), /^1 run could not be read(, 1 only in part)? — Show Log$/);
    assert.strictEqual(a.services.experiments.getTreeItem(last).command?.command, Commands.showLog);
    assert.strictEqual(kids.filter((n) => /could not be read/.test(label(n, a))).length, 1, 'one row only');
    // an experiment without problems has no such row
    const other = (await a.services.experiments.getChildren(undefined)).find((n) => n.type === 'experiment' && label(n, a) !== 'iris-classification');
    if (other) assert.ok(!(await a.services.experiments.getChildren(other)).some((n) => /could not be read/.test(label(n, a))));

    const ud = process.env.MLFLOW_TEST_USER_DATA_DIR;
    if (!ud) return; // the log file is only findable under the harness
    const logFile = () => {
      const logs = path.join(ud, 'logs');
      for (const session of fs.existsSync(logs) ? fs.readdirSync(logs) : []) {
        const dir = path.join(logs, session);
        if (!fs.statSync(dir).isDirectory()) continue;
        for (const host of fs.readdirSync(dir).filter((d) => d.startsWith('exthost'))) {
          const f = path.join(dir, host, EXTENSION_ID, 'MLflow.log');
          if (fs.existsSync(f)) return f;
        }
      }
      return undefined;
    };
    const text = await waitFor(
      'the problems in the MLflow log',
      () => {
        const f = logFile();
        const t = f ? fs.readFileSync(f, 'utf8') : '';
        return t.includes(`Skipped run folder ${GARBAGE_META_RUN}`) && t.includes(`${GARBAGE_METRIC_RUN}`) ? t : undefined;
      },
      10000,
    );
    assert.match(text, new RegExp(`Skipped run folder ${GARBAGE_META_RUN}: meta\\.yaml is not valid YAML`));
    assert.match(text, /Metric file has 8 unreadable line\(s\); they were skipped\./);
  });
});
