// ±inf on a SQL-backed live server: MLflow's SQL store keeps them as ±1.7976931348623157e308 and its REST API
// answers that number. The extension shows them as ±inf (tree), keeps them ±Infinity in the plots' series
// (drawn as markers, not as a flat line at 1.8e308), like the file store's real infinities.
import * as assert from 'assert';
import * as http from 'http';
import * as vscode from 'vscode';
import type { PlotsPanel } from '../../src/plots/plotsPanel';
import type { PlotsToWebview } from '../../src/plots/protocol';
import { childByLabel, recordWebviews, useTrackingUri, waitFor, webviewMessages } from '../vscode/helpers';
import { py, real } from './support/real';
import { Commands } from '../../src/ids';

function rawHistory(url: string, runId: string, key: string): Promise<{ metrics: { value: unknown }[] }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}&max_results=100`, (res) => {
        let d = '';
        res.on('data', (c) => (d += c));
        res.on('end', () => resolve(JSON.parse(d) as { metrics: { value: unknown }[] }));
      })
      .on('error', reject);
  });
}

describe('e2e: ±inf from a SQL-backed server', function () {
  this.timeout(180000);
  recordWebviews();

  after(async () => {
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('the server answers ±1.797e308; tree, store and plot series read ±Infinity', async () => {
    const server = real.sqlite();
    const name = `nonfinite-${Date.now()}`;
    const seeded = await py<{ experiment_id: string; run_id: string }>('nonfinite.py', [server.url, name]);
    const raw = await rawHistory(server.url, seeded.run_id, 'loss');
    assert.ok(raw.metrics.some((m) => m.value === 1.7976931348623157e308), `what MLflow answers: ${JSON.stringify(raw.metrics.map((m) => m.value))}`);

    const a = await useTrackingUri(server.url);
    const conn = a.services.connections.all()[0];
    const exp = await waitFor('the experiment', async () => {
      a.services.experiments.refresh();
      return childByLabel(a, undefined, name).catch(() => undefined);
    });
    const runNode = await childByLabel(a, exp, 'diverged');
    const groups = await a.services.experiments.getChildren(runNode);
    const metricsGroup = groups.find((g) => g.type === 'group' && /metric/i.test(String(a.services.experiments.getTreeItem(g).label)));
    assert.ok(metricsGroup, 'the Metrics group');
    const desc = new Map(
      (await a.services.experiments.getChildren(metricsGroup)).map((n) => {
        const it = a.services.experiments.getTreeItem(n);
        return [String(it.label), String(it.description)] as const;
      }),
    );
    assert.match(desc.get('pos_inf') ?? '', /^\+inf /);
    assert.match(desc.get('neg_inf') ?? '', /^-inf /);
    assert.match(desc.get('nan_metric') ?? '', /^NaN /);

    const history = await (await conn.store()).getMetricHistory(seeded.run_id, 'loss');
    assert.deepEqual(history.map((m) => m.value), [1, 2, Infinity, 3, -Infinity, NaN, 4]);

    const panel = await vscode.commands.executeCommand<PlotsPanel>(Commands.plotMetric, { connKey: conn.key, runIds: [seeded.run_id], keys: ['loss'] });
    try {
      const series = await waitFor('the plotted series', () =>
        webviewMessages(panel).filter((r) => r.dir === 'toWebview' && r.type === 'series').map((r) => r.msg as Extract<PlotsToWebview, { type: 'series' }>).find((m) => m.key === 'loss'),
      );
      const values = [...series.series[0].values];
      assert.ok(values.includes(Infinity) && values.includes(-Infinity), values.join(','));
      assert.ok(!values.some((v) => Math.abs(v) === Number.MAX_VALUE), 'no 1.8e308 reaches the chart');
    } finally {
      panel.dispose();
    }
  });
});
