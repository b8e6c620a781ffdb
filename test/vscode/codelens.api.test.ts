// Code lenses and hovers on the rest of the tracking API (create_experiment, get/set_tracking_uri,
// end_run, log_artifact(s), get_artifact_uri), against the real v3 file store.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { useTrackingUri, waitFor } from './helpers';
import { Commands } from '../../src/ids';

async function lenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
}

/** Resolved lenses by line text prefix. */
async function lensesOn(doc: vscode.TextDocument, linePrefix: string): Promise<vscode.CodeLens[]> {
  const line = doc.getText().split('\n').findIndex((l) => l.trim().startsWith(linePrefix));
  assert.ok(line >= 0, `no line starting with ${linePrefix}`);
  return (await lenses(doc)).filter((l) => l.range.start.line === line);
}

async function hoverText(doc: vscode.TextDocument, linePrefix: string, word: string): Promise<string> {
  const line = doc.getText().split('\n').findIndex((l) => l.trim().startsWith(linePrefix));
  const col = doc.lineAt(line).text.indexOf(word) + 2;
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, col));
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

describe('code lenses on the rest of the tracking API (real v3 file store)', function () {
  this.timeout(60000);
  let doc: vscode.TextDocument;
  let store: string;
  const STILL_RUNNING = 'ed1e40def8014a6db30bcd09260be51a'; // the newest run of train.py in iris-classification

  before(async function () {
    store = path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns');
    await useTrackingUri(store);
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const dir = path.join(folder, 'api');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'local notes\n');
    const file = path.join(dir, 'train.py');
    fs.writeFileSync(
      file,
      `import mlflow

print(mlflow.get_tracking_uri())
mlflow.set_tracking_uri(${JSON.stringify(store)})
uri = mlflow.get_tracking_uri()
mlflow.create_experiment("iris-classification")
mlflow.create_experiment("brand-new-experiment")
mlflow.set_experiment("iris-classification")
mlflow.start_run()
mlflow.log_artifact("api/notes.txt", artifact_path="docs")
mlflow.log_artifacts("api", "folder")
print(mlflow.get_artifact_uri("model"))
mlflow.end_run(status="KILLED")
`,
    );
    doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('set_tracking_uri: says the extension uses that store; get_tracking_uri: same store as the script after it', async () => {
    const set = await lensesOn(doc, 'mlflow.set_tracking_uri(');
    assert.deepStrictEqual(set.map((l) => l.command?.title), ['$(plug) Use This Tracking URI (in use)']);
    const after = await lensesOn(doc, 'uri = mlflow.get_tracking_uri()');
    assert.strictEqual(after.length, 1);
    assert.match(after[0].command!.title, /^\$\(plug\) extension uses .*mlruns \(file\) — same store as this script$/);
    const before = await lensesOn(doc, 'print(mlflow.get_tracking_uri())');
    assert.strictEqual(before.length, 1);
    assert.doesNotMatch(before[0].command!.title, /same store/, 'before set_tracking_uri the script gets its default, not the fixture store');
    const hover = await hoverText(doc, 'uri = mlflow.get_tracking_uri()', 'get_tracking_uri');
    assert.match(hover, /The extension uses/);
    assert.match(hover, /Same store/);
  });

  it('create_experiment: an existing experiment (ID, runs, Reveal) and one that does not exist yet', async () => {
    const exists = await lensesOn(doc, 'mlflow.create_experiment("iris');
    assert.strictEqual(exists.length, 1);
    assert.match(exists[0].command!.title, /^\$\(beaker\) "iris-classification" exists \(ID 358387156804898222\) · 13 runs — Reveal$/);
    assert.strictEqual(exists[0].command!.command, Commands.revealRun);
    assert.match(String(exists[0].command!.arguments?.[0]), /^[0-9a-f]{32}$/);
    const fresh = await lensesOn(doc, 'mlflow.create_experiment("brand');
    assert.strictEqual(fresh[0].command!.title, '$(beaker) "brand-new-experiment" does not exist yet — create_experiment will create it');
    const hover = await hoverText(doc, 'mlflow.create_experiment("iris', 'create_experiment');
    assert.match(hover, /RESOURCE_ALREADY_EXISTS/);
    assert.match(hover, /358387156804898222/);
  });

  it('end_run: the status of the latest run from this file, and the status the call sets', async () => {
    const l = await lensesOn(doc, 'mlflow.end_run(');
    assert.strictEqual(l.length, 1);
    assert.match(l[0].command!.title, /^\$\(debug-stop\) latest run still-running: running since .* · ends as KILLED — Reveal$/);
    assert.deepStrictEqual(l[0].command!.arguments, [STILL_RUNNING]);
  });

  it('get_artifact_uri: the latest run\'s artifact URI with artifact_path, copied through mlflow.copyText', async () => {
    const l = await lensesOn(doc, 'print(mlflow.get_artifact_uri(');
    assert.strictEqual(l.length, 1);
    const cmd = l[0].command!;
    assert.strictEqual(cmd.command, Commands.copyText);
    assert.match(String(cmd.arguments?.[0]), new RegExp(`^file:///.*/${STILL_RUNNING}/artifacts/model$`));
    await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
    assert.strictEqual(await vscode.env.clipboard.readText(), cmd.arguments?.[0]);
  });

  it('log_artifact / log_artifacts: two lenses each (Open, Compare), saying what the latest run holds', async () => {
    const file = await lensesOn(doc, 'mlflow.log_artifact(');
    assert.deepStrictEqual(file.map((l) => l.command?.title), ['$(file) docs/notes.txt: not in the latest run (still-running)', '$(diff) Compare']);
    const dir = await lensesOn(doc, 'mlflow.log_artifacts(');
    assert.deepStrictEqual(dir.map((l) => l.command?.title), ['$(folder) folder: nothing there in the latest run (still-running)', '$(diff) Compare…']);
    const hover = await hoverText(doc, 'mlflow.log_artifact(', 'log_artifact');
    assert.match(hover, /Not logged in that run/);
  });

  it('keeps the same lenses while data loads (no lens appears or disappears on resolve)', async () => {
    const a = await lenses(doc);
    await waitFor('lenses', async () => ((await lenses(doc)).length === a.length ? true : undefined));
    assert.ok(a.every((l) => l.command), 'every lens resolves to a command (an empty one while nothing applies)');
  });
});
