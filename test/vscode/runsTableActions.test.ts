// Runs table actions in the real extension host on copies of the MLflow 3.6 file and SQLite stores:
// a cell's quick filter selects the same runs as the tree's filter with that text (and joins the
// filter history); Delete from the table goes through the tree's command (confirmation naming the
// count) and the runs leave the table, the tree and the store; Restore brings them back; the column
// set (order, pins, widths, hidden) comes back when the table is opened again; the code lens above
// set_experiment opens the experiment's table.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { andClause } from '../../src/tracking/search/print';
import { columnsOf } from '../../src/runsTable/model';
import type { TableState } from '../../src/runsTable/protocol';
import { quickFilters } from '../../src/runsTable/quickFilters';
import type { RunsTablePanel } from '../../src/runsTable/runsTablePanel';
import { api, recordWebviews, useTrackingUri, waitFor } from './helpers';
import { FIXTURE_STORE_KINDS, fixtureStoreCopy, fromWebview, lastPosted, openRunsTable, tableComplete, tableRows, treeRunIds } from './runsTableHelpers';

function stubWarning(reply: string | undefined, asked: string[]): () => void {
  const w = vscode.window as unknown as Record<string, unknown>;
  const orig = w.showWarningMessage;
  w.showWarningMessage = async (message: string) => (asked.push(message), reply);
  return () => {
    w.showWarningMessage = orig;
  };
}

for (const kind of FIXTURE_STORE_KINDS) {
  describe(`runs table actions on a copy of the v3 ${kind}`, function () {
    this.timeout(90000);
    recordWebviews();
    let connKey: string;
    let expId: string;

    before(async function () {
      const a = await useTrackingUri(fixtureStoreCopy('v3', kind));
      a.services.experiments.setRunQuery({});
      a.services.experiments.setShowDeleted(false);
      connKey = a.services.connections.all()[0].key;
      const exp = await (await a.services.connections.all()[0].store()).getExperimentByName('iris-classification');
      assert.ok(exp);
      expId = exp.experimentId;
    });
    after(async () => {
      const a = await api();
      a.services.experiments.setRunQuery({});
      a.services.experiments.setShowDeleted(false);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    const open = () => openRunsTable(connKey, expId);

    it('a cell’s quick filter selects the same runs as the tree’s filter with that text, and joins the filter history', async () => {
      const c = await open();
      const rows = tableRows(c);
      const cols = columnsOf(rows);
      // a parameter whose value some runs have and others not
      const pick = cols.filter((x) => x.group === 'Parameters').flatMap((x) => rows.map((r) => ({ r, x }))).find(({ r, x }) => {
        const v = r.params.get(x.key);
        return v !== undefined && rows.some((o) => o.params.get(x.key) !== v);
      });
      assert.ok(pick, 'a parameter that differs between runs');
      const only = quickFilters(pick.r, pick.x)[0];
      assert.ok(only.clause);
      const filter = andClause('', only.clause);
      fromWebview(c, { type: 'query', filter, orderBy: [] });
      await waitFor('the filtered set', () => c.currentQuery.filter === filter && tableComplete(c));
      await c.loading;
      const table = tableRows(c).map((r) => r.id).sort();
      assert.ok(table.includes(pick.r.id) && table.length < rows.length, `${table.length} of ${rows.length}`);
      assert.deepStrictEqual(table, await treeRunIds(expId, filter));
      const a = await api();
      assert.strictEqual(a.services.context.workspaceState.get<string[]>('mlflow.recentFilters')?.[0], filter);
      a.services.experiments.setRunQuery({});
      fromWebview(c, { type: 'query', filter: '', orderBy: [] });
      await waitFor('unfiltered again', () => c.currentQuery.filter === undefined && tableComplete(c));
    });

    it('Delete from the table asks naming the count, then the runs leave the table, the tree and the store; Restore brings them back', async () => {
      const c = await open();
      const a = await api();
      const store = await a.services.connections.all()[0].store();
      const two = tableRows(c).filter((r) => !r.parent && !r.deleted).slice(0, 2).map((r) => r.id);
      const asked: string[] = [];
      let restore = stubWarning(undefined, asked);
      try {
        fromWebview(c, { type: 'deleteRuns', runIds: two });
        await waitFor('the confirmation', () => asked.length > 0);
        assert.match(asked[0], /^Delete 2 runs /);
        await c.loading;
        assert.strictEqual((await store.getRun(two[0])).info.lifecycleStage, 'active', 'nothing deleted when not confirmed');
      } finally {
        restore();
      }
      restore = stubWarning('Delete', asked);
      try {
        fromWebview(c, { type: 'deleteRuns', runIds: two });
        await waitFor('the runs gone from the table', async () => (await c.loading, tableComplete(c) && !tableRows(c).some((r) => two.includes(r.id))));
      } finally {
        restore();
      }
      for (const id of two) assert.strictEqual((await store.getRun(id)).info.lifecycleStage, 'deleted');
      const tree = await treeRunIds(expId);
      assert.ok(!two.some((id) => tree.includes(id)), 'gone from the tree');

      a.services.experiments.setShowDeleted(true);
      c.reload();
      await waitFor('deleted runs shown', async () => (await c.loading, tableRows(c).filter((r) => two.includes(r.id) && r.deleted).length === 2));
      fromWebview(c, { type: 'restoreRuns', runIds: two });
      await waitFor('restored in the table', async () => (await c.loading, tableComplete(c) && tableRows(c).filter((r) => two.includes(r.id) && !r.deleted).length === 2));
      for (const id of two) assert.strictEqual((await store.getRun(id)).info.lifecycleStage, 'active');
      a.services.experiments.setShowDeleted(false);
      const back = await treeRunIds(expId);
      assert.ok(two.every((id) => back.includes(id)), 'back in the tree');
    });

    it('the column set (order, pins, widths, hidden columns) comes back when the table is opened again', async () => {
      let c = await open();
      await new Promise((r) => setTimeout(r, 600)); // the webview's own first saveState is in
      const init = lastPosted(c, 'init')!;
      const state: TableState = { view: 'runsTable', connKey, experimentIds: [expId], sort: [{ column: 'a:start', ascending: true }], hidden: ['a:source'], onlyDiffer: true, tab: 'table', order: ['a:status', 'a:name', 'a:user', 'a:start'], pinned: ['a:status', 'a:name', 'a:user'], widths: { 'a:name': 260 } };
      fromWebview(c, { type: 'saveState', state });
      const ws = (await api()).services.context.workspaceState;
      await waitFor('remembered', () => ws.keys().some((k) => k.startsWith('mlflow.runsTable.view|') && JSON.stringify(ws.get(k)).includes('a:user')) || undefined);
      c.dispose();
      c = await open();
      const again = lastPosted(c, 'init')!;
      assert.notStrictEqual(again, init);
      assert.deepStrictEqual(again.state, { hidden: state.hidden, onlyDiffer: true, sort: state.sort, order: state.order, pinned: state.pinned, widths: state.widths });
    });

    it('a code lens above set_experiment opens the runs table of that experiment when the store has it', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'python', content: 'import mlflow\nmlflow.set_experiment("iris-classification")\nmlflow.set_experiment(experiment_name="not-in-this-store")\n' });
      await vscode.window.showTextDocument(doc);
      const lenses = await waitFor('resolved lenses', async () => {
        const l = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
        return l.some((x) => x.command?.title.includes('Runs Table')) ? l : undefined;
      });
      const table = lenses.find((l) => l.range.start.line === 1 && l.command?.title.includes('Open Runs Table'));
      assert.ok(table?.command, lenses.map((l) => `${l.range.start.line}: ${l.command?.title}`).join('\n'));
      assert.deepStrictEqual(table.command.arguments, [{ connKey, experimentIds: [expId] }]);
      const missing = lenses.find((l) => l.range.start.line === 2 && l.command?.title.includes('Runs Table'));
      assert.ok(missing?.command && !missing.command.command, 'no table to open for an experiment the store does not have');
      const c = await vscode.commands.executeCommand<RunsTablePanel>(table.command.command, ...(table.command.arguments as unknown[]));
      assert.deepStrictEqual(c.args.experimentIds, [expId]);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });
  });
}
