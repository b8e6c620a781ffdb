// MLflow: Run Script… / with Arguments… / Re-run Last Script inside the real extension host, with a fake
// Python (mlflow.cliPath) that records its argv, environment and working folder: the argv is
// [script, ...args] with nothing of the tracking store in it, the store's URI and the launch marker are in
// the environment, arguments are remembered per file, and the end of a script that recorded no run says
// so with its exit code. The code lens above the first start_run runs the file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Prompts } from '../../src/core/prompter';
import type { RunScriptResult } from '../../src/training';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, copyToTemp, useTrackingUri, waitFor } from './helpers';

interface Rec {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

const notes: { id: string; kind: string; message: string; actions: string[] }[] = [];
const inputs: string[] = [];
/** The button "clicked" in a notification, by notification id. */
const answers = new Map<string, string>();
const scripted: Partial<Prompts> = {
  async notify(kind, message, opts, ...actions) {
    notes.push({ id: opts.id, kind, message, actions });
    const a = answers.get(opts.id);
    return a && actions.includes(a) ? a : undefined;
  },
  async input(opts) {
    assert.equal(opts.id, 'training.args');
    return inputs.shift();
  },
};

let override: vscode.Disposable | undefined;

describe('Run Script as an MLflow run (fake Python)', function () {
  this.timeout(120000);
  let dir: string;
  let record: string;
  let script: string;
  let storeUri: string;

  before(async () => {
    override = (await api()).services.prompter.override(scripted);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-train-'));
    record = path.join(dir, 'calls.jsonl');
    const fake = path.join(dir, 'fake.js');
    // records the call; exits with the code after --exit (default 0)
    fs.writeFileSync(
      fake,
      `const fs=require('fs');const a=process.argv.slice(2);const env={};for(const k of Object.keys(process.env))if(/^(MLFLOW_|PYTHON|VIRTUAL_ENV)/.test(k))env[k]=process.env[k];` +
        `fs.appendFileSync(${JSON.stringify(record)},JSON.stringify({argv:a,env,cwd:process.cwd()})+'\\n');const i=a.indexOf('--exit');process.exit(i<0?0:Number(a[i+1]));`,
    );
    fs.mkdirSync(path.join(dir, 'bin'));
    const python = path.join(dir, 'bin', 'python3');
    fs.writeFileSync(python, `#!/bin/sh\nexec '${process.execPath}' '${fake}' "$@"\n`, { mode: 0o755 });
    script = path.join(dir, 'train.py');
    fs.writeFileSync(script, 'import mlflow\n\nmlflow.set_experiment("x")\nwith mlflow.start_run():\n    mlflow.log_metric("loss", 1)\n');
    storeUri = vscode.Uri.file(copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'))).toString();
    await useTrackingUri(storeUri);
    await vscode.workspace.getConfiguration('mlflow').update('cliPath', python, vscode.ConfigurationTarget.Workspace);
  });
  after(async () => {
    override?.dispose();
    await vscode.workspace.getConfiguration('mlflow').update('cliPath', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const calls = (): Rec[] => (fs.existsSync(record) ? fs.readFileSync(record, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Rec) : []);

  async function run(command: string, arg: unknown): Promise<{ result: RunScriptResult; rec: Rec }> {
    const before = calls().length;
    const result = await vscode.commands.executeCommand<RunScriptResult>(command, arg);
    assert.equal(result?.status, 'started', `not started: ${result?.status} ${result?.message ?? ''} ${notes.map((n) => n.message).join(' | ')}`);
    await result.session!.ended;
    const rec = await waitFor('the fake Python to record its call', () => calls()[before]);
    return { result, rec };
  }

  it('argv is [script, ...args]; the tracking URI and the launch marker only in the environment', async () => {
    const { result, rec } = await run('mlflow.runScript', { script, args: ['--lr', '0.1', 'two words'], noPrompt: true });
    assert.deepEqual(rec.argv, [script, '--lr', '0.1', 'two words']);

    assert.ok(rec.env.MLFLOW_TRACKING_URI.startsWith('file://'), rec.env.MLFLOW_TRACKING_URI);
    assert.ok(!rec.argv.some((x) => x.includes('mlruns')), 'nothing of the store on the command line');
    const ctx = JSON.parse(rec.env.MLFLOW_RUN_CONTEXT) as Record<string, string>;
    assert.equal(ctx['mlflow.vscode.launch'], result.session!.launch.launchId);
    assert.equal(rec.env.PYTHONUNBUFFERED, '1');
    assert.equal(result.pythonSource, 'cliPath');
    assert.ok(vscode.window.terminals.some((t) => t.name === 'MLflow: train.py'), 'a terminal named after the script');
  });

  it('a script that recorded no run: the end says so with its exit code and offers the terminal', async () => {
    notes.length = 0;
    const { result } = await run('mlflow.runScript', { script, args: ['--exit', '3'], noPrompt: true });
    const end = await result.session!.ended;
    assert.equal(end.exitCode, 3);
    assert.equal(end.report.outcome, 'exit 3');
    const note = await waitFor('the end notification', () => notes.find((n) => n.id === 'training.end'));
    assert.equal(note.kind, 'error');
    assert.match(note.message, /^MLflow: train\.py ended with exit code 3 after \d+s and recorded no MLflow run in this store\.$/);
    assert.deepEqual(note.actions, ['Show Terminal']);
  });

  it('Run Script with Arguments asks (prefilled with the file\'s last arguments); Run Script and Re-run reuse them', async () => {
    inputs.push('--epochs 3 "x y" \'$HOME\'');
    const a = await run('mlflow.runScriptWithArgs', vscode.Uri.file(script));
    assert.deepEqual(a.rec.argv, [script, '--epochs', '3', 'x y', '$HOME']);
    const b = await run('mlflow.runScript', vscode.Uri.file(script));
    assert.deepEqual(b.rec.argv, a.rec.argv, 'remembered for the file');
    const c = await run('mlflow.rerunLastScript', undefined);
    assert.deepEqual(c.rec.argv, a.rec.argv, 're-run of the last one');
  });

  it('a script that sets a store the extension cannot read: a warning says so and shows the call', async () => {
    notes.length = 0;
    const own = path.join(dir, 'train_databricks.py');
    fs.writeFileSync(own, 'import mlflow\n\nmlflow.set_tracking_uri("databricks")\nwith mlflow.start_run():\n    mlflow.log_metric("loss", 1)\n');
    answers.set('training.scriptStore', 'Go to set_tracking_uri');
    let started: RunScriptResult | undefined;
    try {
      started = (await run('mlflow.runScript', { script: own, args: [], noPrompt: true })).result;
    } finally {
      answers.delete('training.scriptStore');
    }
    const note = await waitFor('the store warning', () => notes.find((n) => n.id === 'training.scriptStore'));
    assert.equal(note.kind, 'warning');
    assert.match(note.message, /^MLflow: train_databricks\.py sets its tracking URI to "databricks" \(line 3\), a store the extension cannot read: .*Databricks.* Its runs will not appear here; to follow them, log to a file, SQLite or http\(s\) store/);
    const editor = await waitFor('the set_tracking_uri line shown', () => (vscode.window.activeTextEditor?.document.uri.fsPath === own ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.selection.active.line, 2);
    assert.equal(started.session!.switched, undefined, 'the explorer keeps its store');
  });

  it('a script that sets another readable store: the user is told it is followed; a store never created is not switched to', async () => {
    notes.length = 0;
    const own = path.join(dir, 'train_own.py');
    fs.writeFileSync(own, 'import mlflow\n\nmlflow.set_tracking_uri("sqlite:///never.db")\nwith mlflow.start_run():\n    mlflow.log_metric("loss", 1)\n');
    const conn = (await api()).services.connections.all()[0];
    const before = conn.resolved?.uri;
    const { result } = await run('mlflow.runScript', { script: own, args: [], noPrompt: true });
    const note = await waitFor('the store notice', () => notes.find((n) => n.id === 'training.scriptStore'));
    assert.equal(note.kind, 'info');
    assert.equal(note.message, 'MLflow: train_own.py calls set_tracking_uri("sqlite:///never.db") (line 3), so the explorer is following runs in sqlite:///never.db, the store this script sets (sqlite store, this window only; your settings are unchanged).');
    const end = await result.session!.ended;
    // the fake Python writes no store: the explorer stays where it was, and the end says where it looked
    assert.equal(conn.resolved?.uri, before);
    assert.equal(result.session!.switched, undefined);
    assert.match(end.report.message, /^train_own\.py finished with exit code 0 after \d+s and recorded no MLflow run in sqlite:\/\/\/never\.db, the store it sets\.$/);
  });

  it('a code lens above the first start_run / set_experiment runs the file', async () => {
    const doc = await vscode.workspace.openTextDocument(script);
    await vscode.window.showTextDocument(doc);
    const lenses = await waitFor('the Run Script lens', async () => {
      const ls = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
      const mine = ls.filter((l) => l.command?.command === 'mlflow.runScript' || l.command?.command === 'mlflow.runScriptWithArgs');
      return mine.length === 2 ? mine : undefined;
    });
    assert.ok(lenses.every((l) => l.range.start.line === 2), 'on the set_experiment line');
    assert.equal(lenses.find((l) => l.command!.command === 'mlflow.runScript')!.command!.title, '$(play) Run as MLflow Run');
    assert.equal(String((lenses[0].command!.arguments![0] as vscode.Uri).fsPath), script);
  });
});
