// Log Artifact… inside the real extension host: workspace files and folders into a run of a copy of
// the real v3 file store and through a local tracking server answering the proxied artifact PUT as
// the recorded real server does (transcripts 084/085); bytes read back through the store and the
// mlflow-artifact: file system; clashes, refusals (deleted run, cloud root); then the log_artifact
// lenses on what was logged (Open, Compare).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { LogArtifactFailure, LogArtifactResult } from '../../src/upload';
import { startArtifactServer, type ArtifactServer } from '../unit/upload/artifactServer';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, copyToTemp, useTrackingUri, waitFor } from './helpers';
import { Commands } from '../../src/ids';

const STILL_RUNNING = 'ed1e40def8014a6db30bcd09260be51a';
const DELETED = 'ca11930773dd40ec9c8b833bb827b068';
const EXP = '358387156804898222';

function artifactFsUri(connKey: string, runId: string, p: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'mlflow-artifact', path: `/run/${runId}/${p}`, query: new URLSearchParams({ conn: connKey }).toString() });
}

async function readBack(runId: string, p: string): Promise<Buffer> {
  const a = await api();
  const conn = a.services.connections.all()[0];
  const store = await conn.store();
  const run = await store.getRun(runId);
  const chunks: Buffer[] = [];
  for await (const c of await store.readArtifact({ type: 'run', id: runId, rootUri: run.info.artifactUri }, p)) chunks.push(Buffer.from(c));
  const viaStore = Buffer.concat(chunks);
  const viaFs = Buffer.from(await vscode.workspace.fs.readFile(artifactFsUri(conn.key, runId, p)));
  assert.ok(viaStore.equals(viaFs), `${p}: the store and the mlflow-artifact: file system agree`);
  return viaStore;
}

function isResult(x: LogArtifactResult | LogArtifactFailure | undefined): x is LogArtifactResult {
  return !!x && 'uploaded' in x;
}

describe('log artifact from VS Code (upload)', function () {
  this.timeout(90000);
  let ws: string;
  let src: string;

  before(async function () {
    await api();
    ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
    src = path.join(ws, 'upload-src');
    fs.mkdirSync(path.join(src, 'plots', 'eval'), { recursive: true });
    fs.writeFileSync(path.join(src, 'notes.txt'), 'written in VS Code ✓\n');
    fs.writeFileSync(path.join(src, 'weights.bin'), Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 31) % 251)));
    fs.writeFileSync(path.join(src, 'plots', 'loss.csv'), 'step,loss\n0,1\n');
    fs.writeFileSync(path.join(src, 'plots', 'eval', 'roc.json'), '{"auc":0.91}');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  describe('into a copy of the v3 file store', () => {
    let mlruns: string;
    before(async function () {
      mlruns = copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
      await useTrackingUri(mlruns);
    });

    it('logs files and a folder to a RUNNING run under artifact_path; bytes read back identical', async () => {
      const res = await vscode.commands.executeCommand<LogArtifactResult | LogArtifactFailure>(Commands.logToRun, {
        runId: STILL_RUNNING,
        paths: [path.join(src, 'notes.txt'), vscode.Uri.file(path.join(src, 'weights.bin')), path.join(src, 'plots')],
        artifactPath: 'vscode',
      });
      assert.ok(isResult(res), JSON.stringify(res));
      assert.strictEqual(res.cancelled, false);
      assert.deepStrictEqual(res.uploaded.map((u) => u.path), ['vscode/notes.txt', 'vscode/weights.bin', 'vscode/plots/eval/roc.json', 'vscode/plots/loss.csv']);
      for (const u of res.uploaded) assert.ok((await readBack(STILL_RUNNING, u.path)).equals(fs.readFileSync(u.local)), u.path);
      assert.ok(fs.existsSync(path.join(mlruns, EXP, STILL_RUNNING, 'artifacts', 'vscode', 'plots', 'eval', 'roc.json')), 'written into the copied store');
    });

    it('existing files: skipped or overwritten as asked, never silently', async () => {
      const p = path.join(src, 'notes.txt');
      fs.writeFileSync(p, 'second version\n');
      const skipped = await vscode.commands.executeCommand<LogArtifactResult>(Commands.logToRun, { runId: STILL_RUNNING, paths: [p], artifactPath: 'vscode', onExisting: 'skip' });
      assert.deepStrictEqual([skipped.uploaded, skipped.skipped], [[], ['vscode/notes.txt']]);
      assert.strictEqual((await readBack(STILL_RUNNING, 'vscode/notes.txt')).toString(), 'written in VS Code ✓\n');
      const cancelled = await vscode.commands.executeCommand<LogArtifactResult>(Commands.logToRun, { runId: STILL_RUNNING, paths: [p], artifactPath: 'vscode', onExisting: 'cancel' });
      assert.strictEqual(cancelled.cancelled, true);
      const over = await vscode.commands.executeCommand<LogArtifactResult>(Commands.logArtifact, { runId: STILL_RUNNING, paths: [p], artifactPath: '/vscode/', onExisting: 'overwrite' });
      assert.deepStrictEqual(over.uploaded.map((u) => u.path), ['vscode/notes.txt']);
      assert.strictEqual((await readBack(STILL_RUNNING, 'vscode/notes.txt')).toString(), 'second version\n');
    });

    it('refuses a deleted run, a bad artifact path and a cloud root, writing nothing', async () => {
      const p = path.join(src, 'notes.txt');
      const del = await vscode.commands.executeCommand<LogArtifactFailure>(Commands.logToRun, { runId: DELETED, paths: [p] });
      assert.match(del.error, /deleted/);
      assert.ok(!fs.existsSync(path.join(mlruns, EXP, DELETED, 'artifacts', 'notes.txt')), 'nothing written to the deleted run');
      const bad = await vscode.commands.executeCommand<LogArtifactFailure>(Commands.logToRun, { runId: STILL_RUNNING, paths: [p], artifactPath: '../escape' });
      assert.match(bad.error, /"\.\."/);
      // a run whose experiment keeps artifacts in S3
      const meta = path.join(mlruns, '981334808011999333', 'c696a11bcbdf40cb8331dfa21c7b1016', 'meta.yaml');
      fs.writeFileSync(meta, fs.readFileSync(meta, 'utf8').replace(/^artifact_uri: .*$/m, 'artifact_uri: s3://team-bucket/mlflow/981334808011999333/c696a11bcbdf40cb8331dfa21c7b1016/artifacts'));
      const a = await api();
      await a.services.connections.all()[0].reconnect();
      const s3 = await vscode.commands.executeCommand<LogArtifactFailure>(Commands.logToRun, { runId: 'c696a11bcbdf40cb8331dfa21c7b1016', paths: [p] });
      assert.strictEqual(s3.kind, 'unsupported');
      assert.match(s3.error, /s3:/);
    });

    it('the log_artifact lenses open the logged file and compare it with the workspace file', async () => {
      const file = path.join(ws, 'upload-src', 'train.py');
      fs.writeFileSync(
        file,
        'import mlflow\nmlflow.set_experiment("iris-classification")\nwith mlflow.start_run():\n' +
          '    mlflow.log_artifact("upload-src/notes.txt", artifact_path="vscode")\n' +
          '    mlflow.log_artifacts("upload-src/plots", artifact_path="vscode/plots")\n',
      );
      const a = await api();
      fs.writeFileSync(path.join(src, 'notes.txt'), 'lens version\n');
      const up = await vscode.commands.executeCommand<LogArtifactResult>(Commands.logToRun, {
        runId: STILL_RUNNING,
        paths: [path.join(src, 'notes.txt'), path.join(src, 'plots')],
        artifactPath: 'vscode',
        onExisting: 'overwrite',
      });
      assert.strictEqual(up.uploaded.length, 3, JSON.stringify(up));
      await a.services.connections.all()[0].reconnect(); // drop cached listings
      const doc = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(doc);
      let titles: string[] = [];
      const ls = await waitFor('resolved artifact lenses', async () => {
        const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
        titles = all.map((l) => `${l.range.start.line}: ${l.command?.title}`);
        return all.some((l) => / — Open$/.test(l.command?.title ?? '')) ? all : undefined;
      }).catch((e) => assert.fail(`${e}: ${titles.join(' | ')}`));
      // (the API hands built-in commands back under their internal ids: match titles, run what it returns)
      const open = ls.find((l) => l.range.start.line === 3 && / — Open$/.test(l.command?.title ?? ''))!;
      assert.strictEqual(open.command!.title, '$(file) vscode/notes.txt · 13 B in still-running — Open');
      const uri = open.command!.arguments![0] as vscode.Uri;
      assert.strictEqual(uri.scheme, 'mlflow-artifact');
      assert.strictEqual(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString(), 'lens version\n');
      await vscode.commands.executeCommand(open.command!.command, ...open.command!.arguments!);
      await waitFor('the logged file in an editor', () => (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() ? true : undefined));
      const cmp = ls.find((l) => l.range.start.line === 3 && l.command?.title === '$(diff) Compare with Workspace File')!;
      assert.ok(cmp, titles.join(' | '));
      assert.strictEqual((cmp.command!.arguments![0] as vscode.Uri).toString(), uri.toString());
      assert.strictEqual((cmp.command!.arguments![1] as vscode.Uri).fsPath, path.join(src, 'notes.txt'));
      await vscode.commands.executeCommand(cmp.command!.command, ...cmp.command!.arguments!);
      await waitFor('diff editor', () => {
        const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
        return input instanceof vscode.TabInputTextDiff && input.original.scheme === 'mlflow-artifact' ? true : undefined;
      });
      const dir = ls.filter((l) => l.range.start.line === 4);
      assert.deepStrictEqual(dir.map((l) => l.command?.title), ['$(folder) vscode/plots: 1 file, 1 folder in still-running — Open…', '$(diff) Compare with Workspace…']);
    });
    it('from the file explorer: picks a run (newest first), asks the artifact path, logs the file', async () => {
      const file = path.join(src, 'weights.bin');
      const pending = vscode.commands.executeCommand<LogArtifactResult>(Commands.logToRun, vscode.Uri.file(file), [vscode.Uri.file(file)]);
      await new Promise((r) => setTimeout(r, 2500)); // the picker loads recent runs
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'); // the newest run: child-C-1.0
      await new Promise((r) => setTimeout(r, 500));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'); // artifact path: empty (the root)
      const res = await pending;
      assert.ok(isResult(res), JSON.stringify(res));
      assert.strictEqual(res.runId, '8db89151215546748f29fd909aae7c80');
      assert.deepStrictEqual(res.uploaded.map((u) => u.path), ['weights.bin']);
      assert.ok((await readBack(res.runId, 'weights.bin')).equals(fs.readFileSync(file)));
    });
  });

  describe('through a tracking server\'s proxied artifact service', () => {
    let srv: ArtifactServer;
    const RUN = '96c4b9c30fed4b0f8eb24a6fbbb4f592'; // mlflow-artifacts:/1/<run>/artifacts

    before(async () => {
      srv = await startArtifactServer();
      await useTrackingUri(srv.url);
    });
    after(async () => {
      await srv?.close();
    });

    it('PUTs each file (as transcript 084) and reads them back through the mlflow-artifact: file system', async () => {
      const res = await vscode.commands.executeCommand<LogArtifactResult | LogArtifactFailure>(Commands.logArtifact, {
        runId: RUN,
        paths: [path.join(src, 'weights.bin'), path.join(src, 'plots')],
        artifactPath: 'uploaded',
        folderContents: true,
      });
      assert.ok(isResult(res), JSON.stringify(res));
      assert.deepStrictEqual(srv.puts.map((p) => p.path), [`1/${RUN}/artifacts/uploaded/weights.bin`, `1/${RUN}/artifacts/uploaded/eval/roc.json`, `1/${RUN}/artifacts/uploaded/loss.csv`]);
      for (const u of res.uploaded) {
        const disk = fs.readFileSync(u.local);
        assert.ok(srv.files.get(`1/${RUN}/artifacts/${u.path}`)!.equals(disk), `${u.path} arrived intact`);
        assert.ok((await readBack(RUN, u.path)).equals(disk), `${u.path} reads back`);
      }
    });

    it('refuses the deleted run without sending anything', async () => {
      const n = srv.puts.length;
      const res = await vscode.commands.executeCommand<LogArtifactFailure>(Commands.logToRun, { runId: '9049ea31cc254a3aa41314ef7fdc81fb', paths: [path.join(src, 'notes.txt')] });
      assert.match(res.error, /deleted/);
      assert.strictEqual(srv.puts.length, n);
    });
  });
});
