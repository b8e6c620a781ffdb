// The runs table in the real extension host against a replayed tracking server: the answers real
// MLflow 3.6 and 2.17 servers gave (on copies of test/fixtures/mlflow/stores/<ver>/server) to the very
// requests this suite makes, in transcripts/<ver>-runs-table. The columns are the union of the runs'
// keys, a metric column sorts as the server's order_by answers (NaN and missing included), a filter
// typed in the table gives the tree's runs, and Compare from three rows opens the tree's compare plot.
//
// Recording them again (real servers, through test/support/recordingProxy.ts):
//   MLFLOW_E2E_PYTHON=…/venv3/bin/python:…/venv2/bin/python node test/support/record-runs-table.mjs
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PlotsPanel } from '../../src/plots/plotsPanel';
import { columnsOf, decodePage, rowComparator, type TableRow } from '../../src/runsTable/model';
import type { HostToTable } from '../../src/runsTable/protocol';
import type { RunsTablePanel } from '../../src/runsTable/runsTablePanel';
import { collectPages } from '../../src/tracking/paging';
import type { Run } from '../../src/tracking/types';
import type { MessageRecord, Recording } from '../../src/webviews/inspector';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, childByLabel, useTrackingUri, waitFor } from './helpers';

type Rows = Extract<HostToTable, { type: 'rows' }>;

/** `{"v3": url, "v2": url}` of real servers: record the transcripts instead of replaying them. */
const RECORD = process.env.MLFLOW_RECORD_RUNS_TABLE ? (JSON.parse(process.env.MLFLOW_RECORD_RUNS_TABLE) as Record<string, string>) : undefined;

let recording: Recording | undefined;
const history = (c: RunsTablePanel): MessageRecord[] => recording?.of(c) ?? [];

function tableRows(c: RunsTablePanel): TableRow[] {
  const pages = history(c).filter((r) => r.dir === 'toWebview' && r.type === 'rows').map((r) => r.msg as Rows);
  const from = pages.map((p) => p.reset).lastIndexOf(true);
  return pages.slice(Math.max(0, from)).flatMap((p) => decodePage(p.page));
}

function complete(c: RunsTablePanel): boolean {
  const last = history(c).filter((r) => r.type === 'rows').pop();
  return !!last && (last.msg as Rows).complete;
}

function fromWebview(c: RunsTablePanel, msg: unknown): void {
  (c as unknown as { receive(raw: unknown): void }).receive(msg);
}

interface Server {
  url: string;
  /** Requests nothing was recorded for (always none while recording). */
  unmatched(): { method: string; path: string; body: unknown }[];
  close(): Promise<void>;
}

async function serve(ver: 'v3' | 'v2'): Promise<Server> {
  const dir = path.join(MLFLOW_FIXTURES_DIR, 'transcripts', `${ver}-runs-table`);
  if (RECORD) {
    const { startRecordingProxy } = await import('../support/recordingProxy');
    fs.rmSync(dir, { recursive: true, force: true });
    const rec = await startRecordingProxy(RECORD[ver], dir);
    return { url: rec.url, unmatched: () => [], close: () => rec.close() };
  }
  const { startReplayServer } = await import('../support/replayServer');
  return startReplayServer([`${ver}-runs-table`]);
}

for (const [ver, mlflow] of [
  ['v3', 'MLflow 3.6'],
  ['v2', 'MLflow 2.17'],
] as const) {
  describe(`runs table on a replayed ${mlflow} server`, function () {
    this.timeout(90000);
    let server: Server;
    let connKey: string;
    let expId: string;
    let all: Run[];

    before(async function () {
      server = await serve(ver);
      recording ??= (await api()).services.webviewInspector.record();
      const a = await useTrackingUri(server.url);
      a.services.experiments.setRunQuery({});
      const conn = a.services.connections.all()[0];
      assert.strictEqual(conn.state.name, 'connected');
      connKey = conn.key;
      const store = await conn.store();
      const exp = await store.getExperimentByName('iris-classification');
      assert.ok(exp);
      expId = exp.experimentId;
      all = await collectPages((t) => store.searchRuns({ experimentIds: [expId], maxResults: 1000, pageToken: t }), (r) => r.info.runId);
      assert.ok(all.length > 10, `${all.length} runs`);
    });
    after(async () => {
      (await api()).services.experiments.setRunQuery({});
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
      await server?.close();
    });
    afterEach(() => {
      const missing = server.unmatched().filter((r) => /runs\/search|metrics\//.test(r.path));
      assert.deepStrictEqual(missing.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`), [], 'every run and metric request was answered from the recording');
    });

    async function open(): Promise<RunsTablePanel> {
      const c = await vscode.commands.executeCommand<RunsTablePanel>('mlflow.openRunsTable', { connKey, experimentIds: [expId] });
      assert.ok(c && typeof c.reload === 'function', 'the command returns the panel controller');
      await waitFor('ready from the webview', () => history(c).some((r) => r.dir === 'fromWebview' && r.type === 'ready'));
      await waitFor('every run posted', () => complete(c));
      return c;
    }

    it('shows every run the server has; the columns are the union of the runs’ params, metrics and user tags', async () => {
      const c = await open();
      const rows = tableRows(c);
      assert.deepStrictEqual(rows.map((r) => r.id).sort(), all.map((r) => r.info.runId).sort());
      const want = new Set<string>();
      for (const r of all) {
        r.data.params.forEach((p) => want.add(`p:${p.key}`));
        r.data.metrics.forEach((m) => want.add(`m:${m.key}`));
        r.data.tags.filter((t) => !t.key.startsWith('mlflow.')).forEach((t) => want.add(`t:${t.key}`));
      }
      const got = columnsOf(rows).filter((x) => x.group !== 'Attributes').map((x) => x.id);
      assert.deepStrictEqual([...got].sort(), [...want].sort());
      await waitFor('the webview reports drawing the first rows', () => c.lastDraw ?? history(c).find((r) => r.type === 'drawn'));
    });

    it('sorts every metric column as the server’s order_by answers, both directions (NaN, ±inf and missing included)', async () => {
      const c = await open();
      const rows = tableRows(c);
      const cols = columnsOf(rows);
      const store = await (await api()).services.connections.all()[0].store();
      const metrics = cols.filter((x) => x.group === 'Metrics');
      assert.ok(metrics.length >= 3);
      let sawNonFinite = false;
      for (const m of metrics) {
        for (const ascending of [true, false]) {
          const mine = [...rows].sort(rowComparator([{ column: m.id, ascending }], cols)).map((r) => r.id);
          const theirs = await collectPages((t) => store.searchRuns({ experimentIds: [expId], orderBy: [`metrics.\`${m.key}\` ${ascending ? 'ASC' : 'DESC'}`], maxResults: 1000, pageToken: t }), (r) => r.info.runId);
          assert.deepStrictEqual(mine, theirs.map((r) => r.info.runId), `${m.key} ${ascending ? 'ASC' : 'DESC'}`);
        }
        if (rows.some((r) => r.metrics.has(m.key) && !Number.isFinite(r.metrics.get(m.key)!))) sawNonFinite = true;
      }
      assert.ok(sawNonFinite, 'a metric with NaN or ±inf was among those compared');
    });

    it('a filter typed in the table gives the same runs as the tree’s filter (both asked of the server)', async () => {
      const c = await open();
      const filter = "attributes.status = 'FINISHED'";
      const before = history(c).length;
      fromWebview(c, { type: 'query', filter, orderBy: [] });
      await waitFor('the filtered set', () => history(c).slice(before).some((r) => r.type === 'rows') && complete(c) && c.currentQuery.filter === filter);
      await c.loading;
      const tableIds = tableRows(c).map((r) => r.id).sort();
      const a = await api();
      a.services.experiments.setRunQuery({ filter });
      const exp = await childByLabel(a, undefined, 'iris-classification');
      await a.services.experiments.getChildren(exp);
      const tree = a.services.experiments.loadedRuns(a.services.connections.all()[0], expId);
      assert.ok(tree);
      assert.deepStrictEqual(tableIds, tree.runs.map((r) => r.info.runId).sort());
      assert.ok(tableIds.length > 0 && tableIds.length < all.length, `${tableIds.length} of ${all.length}`);
      a.services.experiments.setRunQuery({});
    });

    it('Compare on three selected rows opens the same plot as the tree’s Compare', async () => {
      const c = await open();
      const three = tableRows(c).slice(0, 3).map((r) => r.id);
      fromWebview(c, { type: 'compare', runIds: three });
      const isPlots = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('mlflow.metricPlots');
      await waitFor('the compare panel the table opened', () => vscode.window.tabGroups.all.some((g) => g.tabs.some(isPlots)));
      const plots = await waitFor('a compare panel', async () => {
        const p = await vscode.commands.executeCommand<PlotsPanel>('mlflow.compareRuns', { connKey, runIds: [...three].reverse() });
        return p && p.args.runIds.length === 3 ? p : undefined;
      });
      assert.deepStrictEqual(plots.args.runIds, three, 'the panel opened from the table (the second call revealed it)');
    });
  });
}
