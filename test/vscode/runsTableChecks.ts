// The runs-table checks every store kind must pass, written once: the columns are the union of the
// runs' keys, a metric column sorts as the store's order_by answers (NaN, ±inf and missing included),
// a filter typed in the table gives the tree's runs, and Compare from three selected rows opens the
// tree's compare plot. runsTable.test.ts runs them on the file and SQLite fixture stores,
// runsTableServer.test.ts on replayed MLflow servers.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { Views } from '../../src/ids';
import type { PlotsPanel } from '../../src/plots/plotsPanel';
import { columnsOf, rowComparator } from '../../src/runsTable/model';
import { collectPages } from '../../src/tracking/paging';
import type { Run } from '../../src/tracking/types';
import { api, recordWebviews, useTrackingUri, waitFor, webviewMessages } from './helpers';
import { fromWebview, lastPosted, openRunsTable, tableComplete, tableRows, treeRunIds } from './runsTableHelpers';

/** A store the checks run on. */
export interface StoreUnderTest {
  /** Says which store it is in the suite's title: "a copy of the v3 SQLite store". */
  name: string;
  /** Makes the store (a fresh copy, a started server) and gives its tracking URI. */
  start(): Promise<string>;
  /** After each test: fails it when the store saw something wrong (a request a replayed server had no answer for). */
  check?(): void;
  /** After the suite, once the table and the workspace setting are let go. */
  stop?(): Promise<void>;
}

export function runsTableChecks(s: StoreUnderTest): void {
  describe(`runs table on ${s.name}`, function () {
    this.timeout(90000);
    recordWebviews();
    let connKey: string;
    let expId: string;
    let all: Run[];

    before(async function () {
      // an experiment left expanded by an earlier suite would make the tree list (and poll) its runs here too
      await vscode.commands.executeCommand(`workbench.actions.treeView.${Views.experiments}.collapseAll`);
      const a = await useTrackingUri(await s.start());
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
      await s.stop?.();
    });
    if (s.check) afterEach('every request the store got was one it could answer', s.check);

    it('shows every run the store has; the columns are the union of the runs’ params, metrics and user tags; the webview drew them', async () => {
      const c = await openRunsTable(connKey, expId);
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
      await waitFor('the webview reports drawing the first rows', () => c.lastDraw ?? webviewMessages(c).find((r) => r.type === 'drawn'));
      assert.match(c.panel.webview.html, /default-src 'none'; script-src 'nonce-[A-Za-z0-9]+'/);
      assert.ok(!c.panel.webview.html.includes('parent-sweep'), 'no data in the HTML');
    });

    it('sorts every metric column as the store’s order_by answers, both directions (NaN, ±inf and missing included)', async () => {
      const c = await openRunsTable(connKey, expId);
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
      const c = await openRunsTable(connKey, expId);
      const filter = "attributes.status = 'FINISHED'";
      const before = webviewMessages(c).length;
      fromWebview(c, { type: 'query', filter, orderBy: [] });
      await waitFor('the filtered set', () => webviewMessages(c).slice(before).some((r) => r.type === 'rows') && tableComplete(c) && c.currentQuery.filter === filter);
      await c.loading;
      const tableIds = tableRows(c).map((r) => r.id).sort();
      assert.deepStrictEqual(tableIds, await treeRunIds(expId, filter));
      assert.ok(tableIds.length > 0 && tableIds.length < all.length, `${tableIds.length} of ${all.length}`);
      (await api()).services.experiments.setRunQuery({});
      // refused before anything is asked of the store
      fromWebview(c, { type: 'query', filter: 'metrics.loss <', orderBy: [] });
      const err = await waitFor('filterError', () => lastPosted(c, 'filterError'));
      assert.match(err.message, /./);
    });

    it('Compare on three selected rows opens the same plot as the tree’s Compare', async () => {
      const c = await openRunsTable(connKey, expId);
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
