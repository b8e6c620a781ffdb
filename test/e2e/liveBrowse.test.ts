// Browsing a live server that MLflow's own client is writing to: a sweep (a RUNNING parent run with
// nested trials started one after another) while the explorer, the parent's run details and a live
// plot of its loss are open. New runs and points must appear by themselves (auto-refresh), and at
// the end the tree, the details and the plot must hold exactly what MLflow's client reports.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { MlflowExtensionApi } from '../../src/extension';
import type { Run } from '../../src/tracking/types';
import type { Node } from '../../src/explorer/nodes';
import type { PanelController } from '../../src/webviews/panel';
import type { PlotsToWebview, SeriesPayload } from '../../src/plots/protocol';
import type { RunDetailsPayload } from '../../src/runDetails/protocol';
import { childByLabel, onWebviewMessage, recordWebviews, useTrackingUri, waitFor, webviewMessages } from '../vscode/helpers';
import { py, real, type LiveServer } from './support/real';
import { startWriter } from './support/writer';
import { Commands } from '../../src/ids';

interface PyRun {
  run_id: string;
  run_name: string;
  status: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  history?: Record<string, [number, number, number][]>;
}

type RunNode = Node & { type: 'run'; run: Run };

/** Every run node the tree shows under the experiment node (nested ones included). */
async function treeRuns(a: MlflowExtensionApi, parent: Node): Promise<RunNode[]> {
  const out: RunNode[] = [];
  for (const k of await a.services.experiments.getChildren(parent)) {
    if (k.type !== 'run') continue;
    out.push(k as RunNode);
    out.push(...(await treeRuns(a, k)));
  }
  return out;
}

const CHILDREN = 3;
const STEPS = 6;

describe('e2e: browsing a live server while MLflow\'s client writes to it', function () {
  this.timeout(300000);
  recordWebviews();

  before(async () => {
    await vscode.workspace.getConfiguration('mlflow').update('autoRefreshInterval', 1, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('mlflow.experiments.focus');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('mlflow').update('autoRefreshInterval', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  const backends: [string, LiveServer][] = [['sqlite', real.sqlite()]];
  const pg = real.postgres();
  if (pg) backends.push(['postgres', pg]);

  for (const [name, server] of backends) {
    it(`${name}: new runs and points appear in the tree, run details and live plot; at the end all equal MLflow's own view`, async () => {
      const dir = real.workDir(`live-${name}`);
      const go = path.join(dir, 'go');
      const exp = `live-${name}-${Date.now()}`;
      const writer = startWriter([server.url, exp, String(CHILDREN), String(STEPS), '0.4', go]);
      const posted: PlotsToWebview[] = [];
      const panels: PanelController[] = [];
      try {
        const parentId = (await writer.next('parent')).run_id;
        const a = await useTrackingUri(server.url);
        const conn = a.services.connections.all()[0];
        assert.equal(conn.state.name, 'connected');
        a.services.experiments.refresh();
        const expNode = await waitFor('the experiment in the tree', () => childByLabel(a, undefined, exp).catch(() => undefined), 30000);
        const first = await treeRuns(a, expNode);
        assert.deepEqual(first.map((r) => [r.run.info.runId, r.run.info.status]), [[parentId, 'RUNNING']]);
        await a.services.experimentsView.reveal(first[0], { expand: true });

        const details = await vscode.commands.executeCommand<PanelController>(Commands.openRunDetails, { connKey: conn.key, runId: parentId });
        panels.push(details);
        await waitFor('run details', () => webviewMessages(details).find((r) => r.type === 'runDetails'), 30000);
        await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
        const plot = await vscode.commands.executeCommand<PanelController>(Commands.plotMetric, { connKey: conn.key, runIds: [parentId], keys: ['loss'] });
        panels.push(plot);
        onWebviewMessage((r) => r.panel === plot && r.dir === 'toWebview' && posted.push(r.msg as PlotsToWebview));
        for (const r of webviewMessages(plot, 'toWebview')) posted.push(r.msg as PlotsToWebview);
        await waitFor('the plot\'s first series', () => posted.find((m) => m.type === 'series'), 30000);
        assert.ok(details.panel.visible && plot.panel.visible, 'details and plot side by side');

        // go: the trials start while everything is open; watch the tree as the view would show it
        fs.writeFileSync(go, '');
        const seenWhileWriting = new Set<string>();
        let appendsWhileWriting = 0;
        while (!writer.events.some((e) => e.event === 'done')) {
          for (const r of await treeRuns(a, expNode)) if (r.run.info.runId !== parentId) seenWhileWriting.add(r.run.info.runId);
          appendsWhileWriting = posted.filter((m) => m.type === 'append').length;
          await Promise.race([writer.done, new Promise((r) => setTimeout(r, 300))]);
        }
        await writer.done;
        assert.ok(seenWhileWriting.size > 0, 'a trial appeared in the tree by itself while the sweep was running');
        assert.ok(appendsWhileWriting > 0, 'the plot appended points while the sweep was running');

        // MLflow's own view once the script has ended
        const truth = await py<{ runs: PyRun[] }>('snapshot.py', [server.url, exp, '--histories']);
        const want = new Map(truth.runs.map((r) => [r.run_id, r]));
        assert.equal(want.size, CHILDREN + 1);

        // the tree settles on exactly those runs (auto-refresh sees the parent finish), none twice
        const settled = await waitFor('the tree to show every run FINISHED', async () => {
          const runs = await treeRuns(a, expNode);
          return runs.length === want.size && runs.every((r) => r.run.info.status === 'FINISHED') ? runs : undefined;
        }, 30000).catch(async (e) => {
          const runs = await treeRuns(a, expNode);
          throw new Error(`${(e as Error).message}; the tree shows ${runs.map((r) => `${r.run.info.runName}:${r.run.info.status}`).join(', ')}`);
        });
        const ids = settled.map((r) => r.run.info.runId);
        assert.equal(new Set(ids).size, ids.length, 'no run is listed twice');
        assert.deepEqual([...ids].sort(), [...want.keys()].sort(), 'the tree lists exactly the runs MLflow lists');
        for (const r of settled) {
          const w = want.get(r.run.info.runId)!;
          assert.equal(r.run.info.runName, w.run_name);
          assert.deepEqual(Object.fromEntries(r.run.data.params.map((p) => [p.key, p.value])), w.params, `params of ${w.run_name}`);
          assert.deepEqual(Object.fromEntries(r.run.data.metrics.map((m) => [m.key, m.value])), w.metrics, `latest metrics of ${w.run_name}`);
          const parentTag = r.run.data.tags.find((t) => t.key === 'mlflow.parentRunId')?.value;
          assert.equal(parentTag, w.tags['mlflow.parentRunId']);
          if (parentTag) assert.equal((r.parent as RunNode).run.info.runId, parentTag, `${w.run_name} is nested under its parent`);
        }

        // the run details: finished, its trials, its latest loss
        const last = await waitFor('run details of the finished sweep', () => {
          const d = [...webviewMessages(details)].reverse().find((x) => x.type === 'runDetails')?.msg as { details: RunDetailsPayload } | undefined;
          return d && d.details.status === 'FINISHED' && d.details.children.length === CHILDREN ? d.details : undefined;
        }, 30000);
        const parent = want.get(parentId)!;
        assert.deepEqual(last.children.map((c) => c.runId).sort(), truth.runs.filter((r) => r.run_id !== parentId).map((r) => r.run_id).sort());
        const loss = last.metrics.find((m) => m.key === 'loss')!;
        assert.equal(loss.step, CHILDREN * STEPS);
        assert.ok(Math.abs(Number(loss.value) - parent.metrics.loss) < 1e-6, `details loss ${loss.value} vs ${parent.metrics.loss}`);

        // the plot: the first series plus every append = MLflow's history, each point once
        await waitFor('the plot to see the sweep finish', () => posted.some((m) => m.type === 'runStatus' && !m.live), 30000);
        const points: [number, number][] = [];
        for (const m of posted) {
          if ((m.type === 'series' && m.requestId === undefined) || m.type === 'append') {
            for (const s of m.series as SeriesPayload[]) {
              if (s.key !== 'loss' || s.runId !== parentId) continue;
              if (m.type === 'series') points.length = 0;
              for (let i = 0; i < s.steps.length; i++) points.push([s.steps[i], s.values[i]]);
            }
          }
        }
        const history = parent.history!.loss.map(([step, , value]) => [step, value]);
        assert.deepEqual(points, history, 'the plot drew MLflow\'s loss history exactly (nothing lost, nothing twice)');
        console.log(`      ${name}: ${seenWhileWriting.size}/${CHILDREN} trials appeared while running, ${appendsWhileWriting} live appends, ${points.length} points`);
      } finally {
        writer.kill();
        panels.forEach((p) => p.dispose());
      }
    });
  }
});
