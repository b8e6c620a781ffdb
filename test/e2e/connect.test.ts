// The harness itself: the extension connects to each live server the runner started and lists what
// MLflow's own client wrote there.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { childByLabel, useTrackingUri, waitFor } from '../vscode/helpers';
import { py, real } from './support/real';

describe(`e2e: connect to live MLflow servers`, function () {
  this.timeout(120000);

  after(async () => {
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  const backends = [['sqlite', real.sqlite()] as const, ...(real.postgres() ? [['postgres', real.postgres()!] as const] : [])];
  for (const [name, server] of backends) {
    it(`${name}: the explorer lists the experiment and runs MLflow ${real.version()}'s client just wrote`, async () => {
      const exp = `connect-${name}-${Date.now()}`;
      const seeded = await py<{ experiment_id: string; run_ids: string[] }>('seed.py', [server.url, exp, '2']);
      const a = await useTrackingUri(server.url);
      const conn = a.services.connections.all()[0];
      assert.equal(conn.state.name, 'connected', JSON.stringify((conn.state as { error?: unknown }).error));
      const expNode = await waitFor('the experiment node', async () => {
        a.services.experiments.refresh();
        return childByLabel(a, undefined, exp).catch(() => undefined);
      });
      const runs = await a.services.experiments.getChildren(expNode);
      const ids = runs.map((r) => (r as { run?: { info: { runId: string } } }).run?.info.runId).filter(Boolean).sort();
      assert.deepEqual(ids, [...seeded.run_ids].sort());
    });
  }
});
