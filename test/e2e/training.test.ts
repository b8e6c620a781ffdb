// Issue 18 against real MLflow: "MLflow: Run Script" runs test/e2e/python/train_script.py (it logs through
// MLflow's own fluent client) with the real Python as mlflow.cliPath, into a file store, a SQLite store and a
// live server. The run must be found and revealed, the plot must follow it while it runs, a sweep's nested
// runs must sit under their parent, and the end notification must carry the status and metric MLflow
// recorded; a script that raises is reported FAILED; Ctrl-C in the terminal ends it and is reported.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Prompts } from '../../src/core/prompter';
import type { MlflowExtensionApi } from '../../src/extension';
import type { Node } from '../../src/explorer/nodes';
import type { PlotsToWebview as HostToWebview } from '../../src/plots/protocol';
import type { RunScriptResult } from '../../src/training';
import type { TrainingSession } from '../../src/training/session';
import { api, copyToTemp, onWebviewMessage, recordWebviews, useTrackingUri, waitFor, webviewMessages } from '../vscode/helpers';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { pythonScript, real } from './support/real';

const notes: { kind: string; id: string; message: string; actions: string[] }[] = [];
/** The button "clicked" in a notification, by notification id. */
const answers = new Map<string, string>();
const scripted: Partial<Prompts> = {
  async notify(kind, message, opts, ...actions) {
    notes.push({ kind, id: opts.id, message, actions });
    const a = answers.get(opts.id);
    return a && actions.includes(a) ? a : undefined;
  },
};

async function runScript(args: string[], script = pythonScript('train_script.py')): Promise<TrainingSession> {
  const r = await vscode.commands.executeCommand<RunScriptResult>('mlflow.runScript', { script, args, noPrompt: true, openPlot: true });
  assert.equal(r?.status, 'started', `not started: ${r?.status} ${r?.message ?? ''}`);
  return r.session!;
}

/** Points (step → value) the plot panel was sent for `key` of `runId` (series + appends), with when each message went out. */
function plotted(posted: { at: number; msg: HostToWebview }[], runId: string, key: string): { at: number; steps: number[] }[] {
  const out: { at: number; steps: number[] }[] = [];
  for (const { at, msg } of posted) {
    if ((msg.type === 'series' || msg.type === 'append') && msg.key === key) {
      for (const s of msg.series) if (s.runId === runId) out.push({ at, steps: [...s.steps] });
    }
  }
  return out;
}

let override: vscode.Disposable | undefined;

describe('e2e: Run Script as an MLflow run and follow it', function () {
  this.timeout(600000);
  let a: MlflowExtensionApi;
  recordWebviews();

  before(async () => {
    override = (await api()).services.prompter.override(scripted);
    await vscode.workspace.getConfiguration('mlflow').update('cliPath', real.python(), vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('mlflow').update('autoRefreshInterval', 1, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('mlflow.experiments.focus');
  });
  after(async () => {
    override?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const k of ['cliPath', 'autoRefreshInterval', 'trackingUri']) await vscode.workspace.getConfiguration('mlflow').update(k, undefined, vscode.ConfigurationTarget.Workspace);
  });

  const ver = () => (real.major() >= 3 ? 'v3' : 'v2');
  const stores: [string, () => string][] = [
    ['file store', () => vscode.Uri.file(copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver(), 'mlruns'))).toString()],
    ['SQLite store', () => `sqlite:///${path.join(copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver(), 'sqlite')), 'mlflow.db')}`],
    ['live server', () => real.sqlite().url],
  ];

  for (const [name, uri] of stores) {
    it(`${name}: the run is revealed, the plot follows it while it runs, the end says FINISHED with its val_loss and the best so far`, async () => {
      a = await useTrackingUri(uri());
      assert.equal(a.services.connections.all()[0].state.name, 'connected');
      const exp = `train-${name.split(' ')[0]}-${Date.now()}`;
      // an earlier run of the experiment sets the best so far
      const first = await runScript(['--experiment', exp, '--steps', '2', '--sleep', '0', '--final-loss', '0.3']);
      const firstEnd = await first.ended;
      assert.equal(firstEnd.report.outcome, 'FINISHED');
      assert.match(firstEnd.report.message, /val_loss 0\.3 \(first run with val_loss in this experiment\)/);

      const s = await runScript(['--experiment', exp, '--steps', '12', '--sleep', '1', '--final-loss', '0.25']);
      const run = await waitFor('the script\'s run to be found', () => s.followed.current, 120000);
      // revealed and selected in the explorer
      await waitFor('the run selected in the tree', () => a.services.experimentsView.selection.some((n: Node) => n.type === 'run' && n.run.info.runId === run.info.runId), 30000);
      // the plot follows it: points arrive while the script is still running
      const plot = await waitFor('the live plot', () => s.plot, 30000);
      assert.deepEqual(plot.args.runIds, [run.info.runId]);
      const posted: { at: number; msg: HostToWebview }[] = webviewMessages(plot, 'toWebview').map((h) => ({ at: h.at, msg: h.msg as HostToWebview }));
      const sub = onWebviewMessage((r) => r.panel === plot && r.dir === 'toWebview' && posted.push({ at: Date.now(), msg: r.msg as HostToWebview }));
      // (on a loaded machine the webview may take seconds to start: the script runs ~12 s)
      await waitFor('points on the plot while the run is RUNNING', () => plotted(posted, run.info.runId, 'val_loss').some((p) => p.steps.length > 0 && p.at < (s.endedAt ?? Infinity)) || undefined, 60000);
      // status bar while running: run name, elapsed, step, metric
      assert.ok(s.progress, 'progress known');
      const end = await s.ended;
      assert.equal(end.exitCode, 0);
      assert.equal(end.report.outcome, 'FINISHED');
      assert.equal(end.report.level, 'info');
      assert.match(end.report.message, /^Run ".+" FINISHED in \d+s · val_loss 0\.25, best so far 0\.3 \(new best\)$/);
      const note = await waitFor('the end notification', () => notes.find((n) => n.id === 'training.end' && n.message === `MLflow: ${end.report.message}`), 10000);
      assert.ok(note.actions.includes('Open Run Details') && note.actions.includes('Compare with Best'), note.actions.join(', '));
      const lastSteps = await waitFor('the plot to hold the last step', () => {
        const all = plotted(posted, run.info.runId, 'val_loss').flatMap((p) => p.steps);
        return all.includes(11) ? all : undefined;
      }, 30000);
      assert.ok(lastSteps.includes(11));
      sub.dispose();
    });
  }

  // train_script.py with its own set_tracking_uri(...) to a store beside it (relative: resolved against the
  // script's working folder, as MLflow does), while the explorer shows a file store of the fixtures
  const ownStores: [string, string, (dir: string) => string][] = [
    ['SQLite', 'sqlite:///own.db', (dir) => path.join(dir, 'own.db')],
    ['file', 'own-mlruns', (dir) => path.join(dir, 'own-mlruns')],
  ];
  for (const [kind, literal, where] of ownStores) {
    it(`a script that sets its own ${kind} store: its run is followed there, and the user is told so`, async () => {
      a = await useTrackingUri(vscode.Uri.file(copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver(), 'mlruns'))).toString());
      const conn = a.services.connections.all()[0];
      const explorerUri = conn.resolved!.uri;
      const setting = vscode.workspace.getConfiguration('mlflow').get<string>('trackingUri');
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-own-store-'));
      const source = fs.readFileSync(pythonScript('train_script.py'), 'utf8');
      const script = path.join(dir, 'train_own_store.py');
      fs.writeFileSync(script, source.replace('import mlflow  # noqa: E402\n', `import mlflow  # noqa: E402\n\nmlflow.set_tracking_uri("${literal}")\n`));
      assert.ok(fs.readFileSync(script, 'utf8').includes(`set_tracking_uri("${literal}")`));
      notes.length = 0;
      answers.set('training.end', 'Switch Explorer Back');
      try {
        const s = await runScript(['--experiment', `own-${Date.now()}`, '--steps', '8', '--sleep', '1', '--final-loss', '0.2'], script);
        const told = await waitFor('the notice about the script\'s store', () => notes.find((n) => n.id === 'training.scriptStore'), 10000);
        assert.equal(told.kind, 'info');
        assert.ok(told.message.includes(`following runs in ${literal}, the store this script sets`), told.message);
        const run = await waitFor('the script\'s run, in its own store', () => s.followed.current, 120000);
        // the explorer shows the script's store now (this window only: the setting is untouched)
        const own = conn.resolved!;
        assert.equal(own.path, where(dir));
        assert.equal(vscode.workspace.getConfiguration('mlflow').get('trackingUri'), setting, 'the setting is untouched');
        assert.ok(fs.existsSync(where(dir)), 'MLflow wrote the store the script names, beside it');
        await waitFor('the run selected in the tree', () => a.services.experimentsView.selection.some((n: Node) => n.type === 'run' && n.run.info.runId === run.info.runId), 30000);
        const plot = await waitFor('the live plot', () => s.plot, 30000);
        assert.deepEqual(plot.args.runIds, [run.info.runId]);
        const end = await s.ended;
        assert.equal(end.report.outcome, 'FINISHED');
        assert.match(end.report.message, /^Run ".+" FINISHED in \d+s · val_loss 0\.2 \(first run with val_loss in this experiment\)/);
        assert.ok(end.report.message.endsWith(` (in ${literal}, the store the script sets)`), end.report.message);
        const note = await waitFor('the end notification', () => notes.find((n) => n.id === 'training.end'), 10000);
        assert.ok(note.actions.includes('Switch Explorer Back'), note.actions.join(', '));
        // the user's answer: the explorer goes back to the store it showed before
        await waitFor('the explorer back on its own store', () => (conn.resolved?.uri === explorerUri && conn.state.name === 'connected' ? true : undefined), 30000);
      } finally {
        answers.delete('training.end');
      }
    });
  }

  it('a sweep: nested trials appear under their parent in the tree as they start', async () => {
    a = await useTrackingUri(vscode.Uri.file(copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver(), 'mlruns'))).toString());
    const s = await runScript(['--experiment', `sweep-${Date.now()}`, '--trials', '3', '--steps', '3', '--sleep', '0.4']);
    const parent = await waitFor('the sweep\'s parent run', () => s.followed.current, 120000);
    const firstChildSeen = await waitFor('a trial while the sweep runs', () => (s.running && (s.followed.children.get(parent.info.runId)?.length ?? 0) > 0 ? true : undefined), 60000);
    assert.ok(firstChildSeen);
    const end = await s.ended;
    assert.equal(end.report.outcome, 'FINISHED');
    assert.equal(end.followed.runs.length, 4);
    const node = await a.services.experiments.nodeForRun(a.services.connections.all()[0], parent.info.runId);
    const kids = (await a.services.experiments.getChildren(node)).filter((n): n is Node & { type: 'run' } => n.type === 'run');
    assert.deepEqual(kids.map((k) => k.run.info.runName).sort(), ['trial-0', 'trial-1', 'trial-2']);
    assert.equal(end.followed.current?.info.runId, parent.info.runId, 'the parent stays the followed run');
  });

  it('a script that raises is reported FAILED with its exit code', async () => {
    a = await useTrackingUri(vscode.Uri.file(copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver(), 'mlruns'))).toString());
    const s = await runScript(['--experiment', `fail-${Date.now()}`, '--steps', '5', '--sleep', '0', '--fail-at', '3']);
    const end = await s.ended;
    assert.equal(end.exitCode, 1);
    assert.equal(end.report.outcome, 'FAILED');
    assert.equal(end.report.level, 'error');
    assert.match(end.report.message, /^Run ".+" FAILED in \d+s, the script ended with exit code 1/);
    const note = await waitFor('the end notification', () => notes.find((n) => n.id === 'training.end' && n.message === `MLflow: ${end.report.message}`), 10000);
    assert.equal(note.kind, 'error');
  });

  it('Ctrl-C in the terminal stops the script; the end says how the run ended', async () => {
    a = await useTrackingUri(vscode.Uri.file(copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver(), 'mlruns'))).toString());
    const s = await runScript(['--experiment', `ctrlc-${Date.now()}`, '--steps', '2', '--sleep', '0', '--hang']);
    await waitFor('the run', () => s.followed.current?.data.metrics.length ? true : undefined, 120000);
    const terminal = await waitFor('the script\'s terminal', () => vscode.window.terminals.find((t) => t.name === s.task.slot), 10000);
    terminal.sendText('\x03', false);
    const end = await Promise.race([s.ended, new Promise<undefined>((r) => setTimeout(() => r(undefined), 30000))]);
    assert.ok(end, 'Ctrl-C ended the script');
    // MLflow's `with start_run()` ends the run FAILED on KeyboardInterrupt (the process dies of SIGINT, so
    // VS Code reports no useful exit code: the run's status is what tells)
    assert.equal(end.report.outcome, 'FAILED', end.report.message);
    assert.match(end.report.message, /^Run ".+" FAILED in \d+s/);
    assert.equal(end.report.level, 'error');
  });
});
