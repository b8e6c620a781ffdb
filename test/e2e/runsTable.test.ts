// The runs table on a live MLflow server (3.6 or 2.17, whichever the suite runs on): a metric column
// with NaN, ±inf, ties and missing values sorts in the order MLflow's own Python client gets from
// search_runs(order_by=…), both directions, and the table shows exactly the runs the client logged.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { columnsOf, decodePage, rowComparator, type TableRow } from '../../src/runsTable/model';
import type { HostToTable } from '../../src/runsTable/protocol';
import type { RunsTablePanel } from '../../src/runsTable/runsTablePanel';
import { recordWebviews, useTrackingUri, waitFor, webviewMessages } from '../vscode/helpers';
import { py, real } from './support/real';

type Rows = Extract<HostToTable, { type: 'rows' }>;

function tableRows(c: RunsTablePanel): { rows: TableRow[]; complete: boolean } {
  const pages = webviewMessages(c, 'toWebview').filter((r) => r.type === 'rows').map((r) => r.msg as Rows);
  const from = pages.map((p) => p.reset).lastIndexOf(true);
  return { rows: pages.slice(Math.max(0, from)).flatMap((p) => decodePage(p.page)), complete: !!pages.at(-1)?.complete };
}

describe('e2e: runs table on a live server', function () {
  this.timeout(180000);
  recordWebviews();

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('sorts a metric with NaN, ±inf, ties and missing values as MLflow’s search_runs order_by does', async () => {
    const server = real.sqlite();
    const seeded = await py<{ experiment_id: string; asc: string[]; desc: string[] }>('sweep_order.py', [server.url, `table-order-${Date.now()}`]);
    const a = await useTrackingUri(server.url);
    const connKey = a.services.connections.all()[0].key;
    const c = await vscode.commands.executeCommand<RunsTablePanel>('mlflow.openRunsTable', { connKey, experimentIds: [seeded.experiment_id] });
    const { rows } = await waitFor('every run in the table', () => {
      const t = tableRows(c);
      return t.complete ? t : undefined;
    });
    assert.deepStrictEqual(rows.map((r) => r.id).sort(), [...seeded.asc].sort());
    const cols = columnsOf(rows);
    for (const [ascending, theirs] of [[true, seeded.asc], [false, seeded.desc]] as const) {
      const mine = [...rows].sort(rowComparator([{ column: 'm:score', ascending }], cols)).map((r) => r.id);
      assert.deepStrictEqual(mine, theirs, `MLflow ${real.version()} metrics.score ${ascending ? 'ASC' : 'DESC'}`);
    }
  });
});
