// The explorer tree inside the real extension host, on the real stores that MLflow 2.17 and 3.6 wrote.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { NodeOf } from '../../src/explorer/nodes';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, childByLabel, label, useTrackingUri, waitFor } from './helpers';
import { Commands } from '../../src/ids';

const EXPECTED_EXPERIMENTS = ['iris-classification', 'team-a/rf-sweep', 'Ünïcødé ✓ exp — "quotes" & <b>tags</b>', 'Default'];

for (const [kind, sub] of [
  ['file store', 'mlruns'],
  ['SQLite store', 'sqlite/mlflow.db'],
] as const) {
  for (const ver of ['v2', 'v3'] as const) {
    describe(`explorer on the ${ver} ${kind}`, function () {
      this.timeout(60000);

      before(async function () {
        const p = path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, sub);
        await useTrackingUri(kind === 'SQLite store' ? `sqlite:///${p}` : p);
      });

      it('connects and lists the active experiments, not the deleted one', async () => {
        const a = await api();
        assert.strictEqual(a.services.connections.all()[0].state.name, 'connected');
        const roots = await a.services.experiments.getChildren();
        const names = roots.map((n) => label(n, a));
        for (const e of EXPECTED_EXPERIMENTS) assert.ok(names.includes(e), `missing ${e} in ${names.join(', ')}`);
        assert.ok(!names.includes('obsolete-experiment'));
      });

      it('nests child runs under their parent, to the grandchild', async () => {
        const a = await api();
        const exp = await childByLabel(a, undefined, 'iris-classification');
        const runs = await a.services.experiments.getChildren(exp);
        const names = runs.map((n) => label(n, a));
        assert.ok(names.includes('parent-sweep'), names.join(', '));
        assert.ok(!names.includes('child-C-0.1'), 'children are not listed at the top level');
        const parent = await childByLabel(a, exp, 'parent-sweep');
        const kids = (await a.services.experiments.getChildren(parent)).map((n) => label(n, a));
        for (const c of ['child-C-0.01', 'child-C-0.1', 'child-C-1.0']) assert.ok(kids.includes(c), kids.join(', '));
        const all = await Promise.all((await a.services.experiments.getChildren(parent)).filter((n) => n.type === 'run').map((n) => a.services.experiments.getChildren(n)));
        assert.ok(all.flat().some((n) => label(n, a) === 'grandchild-fold-refit'), 'the grandchild sits under a child');
      });

      it('shows parameters, metrics with point counts, tags apart from system tags, and artifacts', async () => {
        const a = await api();
        const exp = await childByLabel(a, undefined, 'iris-classification');
        const run = await childByLabel(a, exp, 'baseline-logreg');
        const groups = (await a.services.experiments.getChildren(run)).map((n) => label(n, a));
        assert.deepStrictEqual(groups.filter((g) => ['Parameters', 'Metrics', 'Tags', 'System Tags', 'Artifacts'].includes(g)), ['Parameters', 'Metrics', 'Tags', 'System Tags', 'Artifacts']);
        const child = await childByLabel(a, await childByLabel(a, exp, 'parent-sweep'), 'child-C-0.1');
        const childGroups = (await a.services.experiments.getChildren(child)).map((n) => label(n, a));
        assert.ok(!childGroups.includes('Tags'), 'a run without tags of its own shows no empty Tags group');
        const params = await a.services.experiments.getChildren(await childByLabel(a, run, 'Parameters'));
        const c = params.find((n) => label(n, a) === 'C');
        assert.ok(c);
        assert.strictEqual(a.services.experiments.getTreeItem(c).description, '1.0');
        const metrics = await a.services.experiments.getChildren(await childByLabel(a, run, 'Metrics'));
        const loss = metrics.find((n) => label(n, a) === 'loss');
        assert.ok(loss);
        // MLflow 3's file store keeps the duplicate step-0 line it wrote when log_model linked the metric;
        // SQLite's primary key folds identical rows, as the real servers answer for these stores.
        const points = ver === 'v3' && kind === 'file store' ? 51 : 50;
        assert.strictEqual(a.services.experiments.getTreeItem(loss).description, `0.347244 (step 49) · ${points} points`);
        const system = await a.services.experiments.getChildren(await childByLabel(a, run, 'System Tags'));
        assert.ok(system.every((n) => label(n, a).startsWith('mlflow.')));
        const artifacts = (await a.services.experiments.getChildren(await childByLabel(a, run, 'Artifacts'))).map((n) => label(n, a));
        assert.ok(artifacts.includes('confusion_matrix.png') && artifacts.includes('plots'), artifacts.join(', '));
      });

      it('filters runs with MLflow search syntax', async () => {
        const a = await api();
        a.services.experiments.setRunQuery({ filter: "attributes.status = 'FAILED'" });
        try {
          const exp = await childByLabel(a, undefined, 'iris-classification');
          const runs = (await a.services.experiments.getChildren(exp)).map((n) => label(n, a));
          assert.deepStrictEqual(runs, ['failed-run']);
        } finally {
          a.services.experiments.setRunQuery({});
        }
      });

      it('reveals a nested run by its ID', async () => {
        const a = await api();
        const summary = JSON.parse(fs.readFileSync(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, `summary-${kind === 'SQLite store' ? 'sqlite' : 'file'}.json`), 'utf8'));
        const runId: string = summary.runs['grandchild-fold-refit'].run_id;
        await vscode.commands.executeCommand('workbench.view.extension.mlflow');
        const run = await vscode.commands.executeCommand<{ info: { runId: string } }>(Commands.revealRun, runId);
        assert.strictEqual(run?.info.runId, runId);
        await waitFor('selection', () => a.services.experimentsView.selection.find((n) => n.type === 'run' && n.run.info.runId === runId));
        let n = a.services.experimentsView.selection[0];
        const chain: string[] = [];
        while (n) {
          chain.unshift(label(n, a));
          n = a.services.experiments.getParent(n)!;
        }
        assert.deepStrictEqual(chain.slice(-3), ['parent-sweep', chain[chain.length - 2], 'grandchild-fold-refit']);
      });
    });
  }
}

describe('explorer connection errors', function () {
  this.timeout(60000);

  it('an unreachable server becomes an error node that names the URI, not an empty tree', async () => {
    const a = await useTrackingUri('http://127.0.0.1:9');
    const roots = await a.services.experiments.getChildren();
    assert.strictEqual(roots.length, 1);
    assert.strictEqual(roots[0].type, 'error');
    const item = a.services.experiments.getTreeItem(roots[0]);
    assert.match(String(item.tooltip), /127\.0\.0\.1:9/);
    const actions = (await a.services.experiments.getChildren(roots[0])).map((n) => label(n, a));
    assert.ok(actions.includes('Retry') && actions.includes('Show Log'), actions.join(', '));
  });

  it('a database URI gets a message saying a tracking server is needed', async () => {
    const a = await useTrackingUri('postgresql://u@db/mlflow');
    const roots = await a.services.experiments.getChildren();
    assert.strictEqual(roots[0].type, 'error');
    assert.match(String(a.services.experiments.getTreeItem(roots[0]).tooltip), /mlflow server/);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });
});

for (const ver of ['v2', 'v3'] as const) {
  describe(`explorer on a ${ver} tracking server (replaying real transcripts)`, function () {
    this.timeout(60000);
    let server: { url: string; close(): Promise<void> } | undefined;

    before(async function () {
      const { startReplayServer } = await import('../support/replayServer');
      server = await startReplayServer([ver], { lenient: true });
      await useTrackingUri(server.url);
    });

    after(async () => {
      await server?.close();
      await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it('lists experiments and nested runs from the server', async () => {
      const a = await api();
      assert.strictEqual(a.services.connections.all()[0].state.name, 'connected');
      const exp = await childByLabel(a, undefined, 'iris-classification');
      const parent = await childByLabel(a, exp, 'parent-sweep');
      const kids = (await a.services.experiments.getChildren(parent)).map((n) => label(n, a));
      assert.ok(kids.includes('child-C-0.1'), kids.join(', '));
      const run = await childByLabel(a, exp, 'baseline-logreg');
      const artifacts = (await a.services.experiments.getChildren(await childByLabel(a, run, 'Artifacts'))).map((n) => label(n, a));
      assert.ok(artifacts.includes('metrics.json'), artifacts.join(', '));
      const item = a.services.experiments.getTreeItem(run);
      assert.match(String(item.contextValue), /Http/, 'server runs offer "Open in MLflow UI"');
    });
  });
}

describe('explorer on a server that asks for credentials', function () {
  this.timeout(60000);
  let server: { url: string; close(): Promise<void> } | undefined;

  before(async function () {
    const { startReplayServer } = await import('../support/replayServer');
    server = await startReplayServer(['v3-auth'], { lenient: true });
  });

  after(async () => {
    await server?.close();
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('without credentials: an error node that says sign-in is needed', async () => {
    const a = await useTrackingUri(server!.url);
    const roots = await a.services.experiments.getChildren();
    assert.strictEqual(roots[0].type, 'error');
    assert.strictEqual(roots[0].type === 'error' && roots[0].error.kind, 'auth');
  });

  it('with credentials from secret storage: connected, and the password is nowhere in settings', async () => {
    const a = await api();
    await a.services.credentials.set(server!.url, { type: 'basic', username: 'admin', password: 'password1234' });
    await useTrackingUri(server!.url);
    assert.strictEqual(a.services.connections.all()[0].state.name, 'connected');
    const settings = JSON.stringify(vscode.workspace.getConfiguration('mlflow'));
    assert.ok(!settings.includes('password1234'));
    await a.services.credentials.delete(server!.url);
  });
});
