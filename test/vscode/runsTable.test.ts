// The runs table in the real extension host, with the real webview, on copies of the stores MLflow
// 3.6 and 2.17 wrote (file and SQLite): the columns are the union of the runs' keys, a metric
// column sorts as MLflow's order_by answers (NaN and missing included), a filter typed in the table
// gives the tree's runs, and Compare from three selected rows opens the tree's compare plot.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PlotsPanel } from '../../src/plots/plotsPanel';
import { columnsOf, decodePage, rowComparator, type TableRow } from '../../src/runsTable/model';
import type { HostToTable } from '../../src/runsTable/protocol';
import type { RunsTablePanel } from '../../src/runsTable/runsTablePanel';
import { collectPages } from '../../src/tracking/paging';
import type { MessageRecord, Recording } from '../../src/webviews/inspector';
import type { Run } from '../../src/tracking/types';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, childByLabel, copyToTemp, useTrackingUri, waitFor } from './helpers';

type Rows = Extract<HostToTable, { type: 'rows' }>;

/** Every message of the tables both ways, from the first test on (the object graph's inspector). */
let recording: Recording | undefined;
const history = (c: RunsTablePanel): MessageRecord[] => recording?.of(c) ?? [];

/** The rows the webview holds: every page since the last reset. */
function tableRows(c: RunsTablePanel): TableRow[] {
  const pages = history(c).filter((r) => r.dir === 'toWebview' && r.type === 'rows').map((r) => r.msg as Rows);
  const from = pages.map((p) => p.reset).lastIndexOf(true);
  return pages.slice(Math.max(0, from)).flatMap((p) => decodePage(p.page));
}

function complete(c: RunsTablePanel): boolean {
  const last = history(c).filter((r) => r.type === 'rows').pop();
  return !!last && (last.msg as Rows).complete;
}

/** What the webview would send: through the panel's validation, as a message from the webview. */
function fromWebview(c: RunsTablePanel, msg: unknown): void {
  (c as unknown as { receive(raw: unknown): void }).receive(msg);
}

for (const [kind, sub] of [
  ['file store', 'mlruns'],
  ['SQLite store', 'sqlite'],
] as const) {
  for (const ver of ['v3', 'v2'] as const) {
    describe(`runs table on a copy of the ${ver} ${kind}`, function () {
      this.timeout(90000);
      let connKey: string;
      let expId: string;
      let all: Run[];

      before(async function () {
        const copy = copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, sub));
        recording ??= (await api()).services.webviewInspector.record();
        const a = await useTrackingUri(kind === 'SQLite store' ? `sqlite:///${path.join(copy, 'mlflow.db')}` : copy);
        a.services.experiments.setRunQuery({});
        const conn = a.services.connections.all()[0];
        connKey = conn.key;
        const store = await conn.store();
        const exp = await store.getExperimentByName('iris-classification');
        assert.ok(exp);
        expId = exp.experimentId;
        all = await collectPages((t) => store.searchRuns({ experimentIds: [expId], maxResults: 1000, pageToken: t }), (r) => r.info.runId);
      });
      after(async () => {
        (await api()).services.experiments.setRunQuery({});
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      });

      async function open(): Promise<RunsTablePanel> {
        const c = await vscode.commands.executeCommand<RunsTablePanel>('mlflow.openRunsTable', { connKey, experimentIds: [expId] });
        assert.ok(c && typeof c.reload === 'function', 'the command returns the panel controller');
        await waitFor('ready from the webview', () => history(c).some((r) => r.dir === 'fromWebview' && r.type === 'ready'));
        await waitFor('every run posted', () => complete(c));
        return c;
      }

      it('shows every run; the columns are the union of the runs’ params, metrics and user tags; the webview drew them', async () => {
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
        assert.match(c.panel.webview.html, /default-src 'none'; script-src 'nonce-[A-Za-z0-9]+'/);
        assert.ok(!c.panel.webview.html.includes('parent-sweep'), 'no data in the HTML');
      });

      it('sorts every metric column as the store’s order_by does, both directions (NaN, ±inf and missing included)', async () => {
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

      it('a filter typed in the table gives the same runs as the tree’s filter; an invalid one is refused with MLflow’s message', async () => {
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
        fromWebview(c, { type: 'query', filter: 'metrics.loss <', orderBy: [] });
        const err = await waitFor('filterError', () => history(c).find((r) => r.type === 'filterError'));
        assert.match((err.msg as Extract<HostToTable, { type: 'filterError' }>).message, /./);
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
        assert.deepStrictEqual([...plots.args.runIds].sort(), [...three].sort());
        assert.deepStrictEqual(plots.args.runIds, three, 'the panel opened from the table (the second call revealed it): run colours follow the table’s selection order');
      });
    });
  }
}
