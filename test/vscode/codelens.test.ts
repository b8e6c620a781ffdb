// Code lenses and hovers on a workspace Python file, against the real v3 file store.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { useTrackingUri } from './helpers';
import { Commands } from '../../src/ids';

const SCRIPT = `import mlflow
from mlflow import log_param as lp

mlflow.set_tracking_uri("./mlruns")
mlflow.set_experiment("iris-classification")

# mlflow.log_metric("commented_out", 1)
with mlflow.start_run(run_name="tuned-logreg"):
    lp("C", 1.0)
    mlflow.log_metrics({
        "val_loss": 0.3,
        "accuracy": 0.9,
    })
    mlflow.log_metric(f"dyn_{1}", 2)
    mlflow.sklearn.log_model(model, name="model", registered_model_name="iris-classifier")
`;

async function lenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
}

describe('code lenses on MLflow calls', function () {
  this.timeout(60000);
  let doc: vscode.TextDocument;

  before(async function () {
    await useTrackingUri(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, 'train.py');
    fs.writeFileSync(file, SCRIPT);
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
  });

  it('puts lenses on the lines of MLflow calls only, not on comments or dynamic keys', async () => {
    const ls = await lenses(doc);
    const lines = [...new Set(ls.map((l) => l.range.start.line))].sort((a, b) => a - b);
    const text = doc.getText().split('\n');
    assert.deepStrictEqual(lines.map((l) => text[l].trim().slice(0, 24)), [
      'mlflow.set_tracking_uri(',
      'mlflow.set_experiment("i',
      'with mlflow.start_run(ru',
      'lp("C", 1.0)',
      '"val_loss": 0.3,',
      '"accuracy": 0.9,',
      'mlflow.sklearn.log_model',
    ]);
  });

  it('resolves with what the store recorded for runs of this file', async () => {
    const ls = await lenses(doc);
    const titles = ls.map((l) => l.command?.title ?? '');
    const find = (re: RegExp) => {
      const t = titles.find((x) => re.test(x));
      assert.ok(t, `no lens matching ${re} in:\n${titles.join('\n')}`);
      return t;
    };
    find(/^\$\(beaker\) 8 runs · latest \w+ .* — Reveal$/);
    find(/^\$\(graph-line\) val_loss: last [-\d.e]+ · best [-\d.e]+ · \d+ runs? — Plot$/);
    find(/^\$\(symbol-parameter\) C: .* · \d+ runs — Compare$/);
    find(/^\$\(play\) Serve$/);
    find(/^\$\(run\) Predict$/);
    find(/^\$\(history\) Open Latest Run/);
    find(/^\$\(plug\) Use This Tracking URI/);
    const reveal = ls.find((l) => l.command?.command === Commands.revealRun);
    assert.match(String(reveal?.command?.arguments?.[0]), /^[0-9a-f]{32}$/);
  });

  it('shows a sparkline of the metric in the latest run on hover', async () => {
    const line = doc.getText().split('\n').findIndex((l) => l.includes('"val_loss"'));
    const col = doc.lineAt(line).text.indexOf('val_loss') + 2;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, col));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /val\\_loss/);
    assert.match(text, /[▁▂▃▄▅▆▇█]{5,}/);
    assert.match(text, /\d+ points/);
  });

  it('turns off with mlflow.codeLens.enabled', async () => {
    await vscode.workspace.getConfiguration('mlflow').update('codeLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      assert.strictEqual((await lenses(doc)).filter((l) => l.command?.title?.includes('val_loss') || l.range.start.line === 4).length, 0);
    } finally {
      await vscode.workspace.getConfiguration('mlflow').update('codeLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
