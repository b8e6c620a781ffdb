// Artifacts and models inside the real extension host, on the real stores MLflow 2.17 and 3.6 wrote:
// every artifact kind through the mlflow-artifact: file system (bytes equal the file on disk), the
// viewers each kind opens in, compare, download, cloud roots, and the Models view.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ModelNode } from '../../src/explorer/modelsProvider';
import type { Node } from '../../src/explorer/nodes';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, childByLabel, copyToTemp, useTrackingUri, waitFor } from './helpers';
import { Commands } from '../../src/ids';

type Kind = 'file' | 'sqlite' | 'server';
const ALL_FILES = [
  'confusion_matrix.png',
  'metrics.json',
  'predictions.csv',
  'index.html',
  'README.md',
  'config.yaml',
  'empty.txt',
  'notes.txt',
  'reports/my report ✓.txt',
  'data/nested/deeper/deepest/info.txt',
  'plots/training/loss_curve.png',
];
/** What the recorded server transcripts hold (downloads through the proxied artifact service). */
const SERVER_FILES = ['confusion_matrix.png', 'metrics.json', 'predictions.csv', 'index.html', 'empty.txt'];

function summary(ver: string, kind: Kind): { runs: Record<string, { run_id: string; experiment_id: string }>; model_info: Record<string, { model_id?: string }> } {
  return JSON.parse(fs.readFileSync(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, `summary-${kind}.json`), 'utf8'));
}

function diskRoot(ver: string, kind: Kind, exp: string, id: string): string {
  const base = path.join(MLFLOW_FIXTURES_DIR, 'stores', ver);
  return kind === 'file' ? path.join(base, 'mlruns', exp, id, 'artifacts') : kind === 'sqlite' ? path.join(base, 'sqlite', 'mlruns', exp, id, 'artifacts') : path.join(base, 'server', 'mlartifacts', exp, id, 'artifacts');
}

async function walkArtifacts(a: Awaited<ReturnType<typeof api>>, n: Node, out: Node[], deep: boolean): Promise<void> {
  for (const k of await a.services.experiments.getChildren(n)) {
    out.push(k);
    if (deep && k.type === 'artifact' && k.file.isDir) await walkArtifacts(a, k, out, deep);
  }
}

async function modelChild(a: Awaited<ReturnType<typeof api>>, parent: ModelNode | undefined, text: string | RegExp): Promise<ModelNode> {
  const kids = await a.services.models.getChildren(parent);
  const lbl = (k: ModelNode) => String(a.services.models.getTreeItem(k).label);
  const found = kids.find((k) => (typeof text === 'string' ? lbl(k) === text : text.test(lbl(k))));
  assert.ok(found, `no "${text}" among: ${kids.map(lbl).join(', ')}`);
  return found;
}

const modelLabels = async (a: Awaited<ReturnType<typeof api>>, n?: ModelNode) => (await a.services.models.getChildren(n)).map((k) => String(a.services.models.getTreeItem(k).label));

async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

function activeInput(): unknown {
  return vscode.window.tabGroups.activeTabGroup.activeTab?.input;
}

for (const kind of ['file', 'sqlite', 'server'] as const) {
  for (const ver of ['v2', 'v3'] as const) {
    describe(`artifacts on the ${ver} ${kind === 'server' ? 'tracking server (replayed, proxied mlflow-artifacts:)' : kind === 'file' ? 'file store' : 'SQLite store'}`, function () {
      this.timeout(90000);
      let server: { url: string; close(): Promise<void> } | undefined;

      before(async function () {
        if (kind === 'server') {
          const { startReplayServer } = await import('../support/replayServer');
          server = await startReplayServer([ver], { lenient: true });
          await useTrackingUri(server.url);
        } else {
          const p = path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, kind === 'file' ? 'mlruns' : 'sqlite/mlflow.db');
          await useTrackingUri(kind === 'sqlite' ? `sqlite:///${p}` : p);
        }
      });

      after(async () => {
        await closeEditors();
        await server?.close();
        await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
      });

      it('the run tree lists every artifact with its size; each file reads back byte for byte', async () => {
        const a = await api();
        const s = summary(ver, kind);
        const run = s.runs['baseline-logreg'];
        const root = diskRoot(ver, kind, run.experiment_id, run.run_id);
        const exp = await childByLabel(a, undefined, 'iris-classification');
        const runNode = await childByLabel(a, exp, 'baseline-logreg');
        const nodes: Node[] = [];
        await walkArtifacts(a, await childByLabel(a, runNode, 'Artifacts'), nodes, kind !== 'server');
        const files = nodes.filter((n): n is Extract<Node, { type: 'artifact' }> => n.type === 'artifact' && !n.file.isDir);
        const byPath = new Map(files.map((f) => [f.file.path, f]));
        const expected = kind === 'server' ? SERVER_FILES : [...ALL_FILES, ...(ver === 'v2' ? ['model/MLmodel', 'model/requirements.txt'] : [])];
        for (const p of expected) {
          const disk = fs.readFileSync(path.join(root, ...p.split('/')));
          const uri = vscode.Uri.from({ scheme: 'mlflow-artifact', path: `/run/${run.run_id}/${p}`, query: new URLSearchParams({ conn: a.services.connections.all()[0].key }).toString() });
          const node = byPath.get(p);
          if (kind !== 'server' || !p.includes('/')) {
            assert.ok(node, `${p} is in the tree (${[...byPath.keys()].join(', ')})`);
            const item = a.services.experiments.getTreeItem(node);
            assert.strictEqual(item.resourceUri?.toString(), uri.toString());
            assert.strictEqual(item.command?.command, Commands.artifactsOpen);
            assert.match(String(item.contextValue), /^artifactFile/);
          }
          const bytes = await vscode.workspace.fs.readFile(uri);
          assert.ok(Buffer.from(bytes).equals(disk), `${p}: ${bytes.byteLength} bytes read, ${disk.length} on disk`);
          const st = await vscode.workspace.fs.stat(uri);
          assert.strictEqual(st.size, disk.length, `${p} size`);
        }
        if (kind === 'server') {
          const deeper = await vscode.workspace.fs.readDirectory(vscode.Uri.from({ scheme: 'mlflow-artifact', path: `/run/${run.run_id}/data/nested/deeper`, query: `conn=${encodeURIComponent(a.services.connections.all()[0].key)}` }));
          assert.deepStrictEqual(deeper, [['deepest', vscode.FileType.Directory]]);
        } else {
          assert.ok(nodes.some((n) => n.type === 'artifact' && n.file.isDir && n.file.path === 'data/nested/deeper/deepest'), 'nested folders are walked');
        }
      });

      it('Models view: iris-classifier v2/v1 with aliases champion→2, baseline→1; empty-model has no versions', async () => {
        const a = await api();
        a.services.models.refresh();
        const reg = await modelChild(a, undefined, 'Registered Models');
        const names = await modelLabels(a, reg);
        assert.ok(names.includes('iris-classifier') && names.includes('empty-model'), names.join(', '));
        const iris = await modelChild(a, reg, 'iris-classifier');
        const kids = await a.services.models.getChildren(iris);
        const labels = kids.map((k) => `${a.services.models.getTreeItem(k).label} ${a.services.models.getTreeItem(k).description ?? ''}`.trim());
        assert.deepStrictEqual(labels.slice(0, 2).map((l) => l.split(' ').slice(0, 2).join(' ')), ['Version 2', 'Version 1']);
        assert.ok(labels.includes('@champion → version 2') && labels.includes('@baseline → version 1'), labels.join(' | '));
        assert.match(labels[0], /@champion/);
        assert.match(labels[1], /@baseline/);
        assert.deepStrictEqual(await modelLabels(a, await modelChild(a, reg, 'empty-model')), ['No versions']);
      });

      it('a version shows its source run and its model files; MLmodel reads back; Copy Model URI', async () => {
        const a = await api();
        const s = summary(ver, kind);
        const reg = await modelChild(a, undefined, 'Registered Models');
        const v1 = await modelChild(a, await modelChild(a, reg, 'iris-classifier'), 'Version 1');
        assert.match(String(a.services.models.getTreeItem(v1).contextValue), /^modelVersionRun/);
        if (kind === 'server' && ver === 'v2') return; // the transcripts hold no listing of the v1 run's model folder
        const kids = await a.services.models.getChildren(v1);
        const src = kids.find((k) => k.type === 'sourceRun');
        assert.ok(src && src.type === 'sourceRun');
        assert.strictEqual(a.services.models.getTreeItem(src).command?.command, Commands.revealRun);
        if (kind === 'server') return; // nor of v1's logged model (only m-9b7b… = baseline was recorded)
        const mlmodel = kids.find((k) => k.type === 'artifact' && k.file.path.endsWith('MLmodel'));
        assert.ok(mlmodel && mlmodel.type === 'artifact', kids.map((k) => String(a.services.models.getTreeItem(k).label)).join(', '));
        const bytes = await vscode.workspace.fs.readFile(a.services.models.getTreeItem(mlmodel).resourceUri!);
        const baseline = ver === 'v2' ? s.runs['baseline-logreg'] : undefined;
        const disk = ver === 'v2'
          ? path.join(diskRoot(ver, kind, baseline!.experiment_id, baseline!.run_id), 'model', 'MLmodel')
          : path.join(diskRoot(ver, kind, s.runs['baseline-logreg'].experiment_id, 'models'), '..', '..', 'models', s.model_info.baseline.model_id!, 'artifacts', 'MLmodel');
        assert.ok(Buffer.from(bytes).equals(fs.readFileSync(disk)), `MLmodel of version 1 equals ${disk}`);
        assert.strictEqual(mlmodel.modelUri, 'models:/iris-classifier/1');
        const uri = await vscode.commands.executeCommand<string>(Commands.modelsCopyModelUri, v1);
        assert.strictEqual(uri, 'models:/iris-classifier/1');
        assert.strictEqual(await vscode.env.clipboard.readText(), 'models:/iris-classifier/1');
      });

      it(`logged models: ${ver === 'v3' ? 'each under its experiment, with its files' : 'none in MLflow 2'}`, async () => {
        const a = await api();
        const logged = await modelChild(a, undefined, 'Logged Models');
        const exp = await modelChild(a, logged, 'iris-classification');
        const kids = await a.services.models.getChildren(exp);
        const models = kids.filter((k): k is Extract<ModelNode, { type: 'loggedModel' }> => k.type === 'loggedModel');
        if (ver === 'v2') {
          assert.strictEqual(models.length, 0);
          return;
        }
        const s = summary(ver, kind);
        const ids = models.map((m) => m.model.info.modelId).sort();
        assert.deepStrictEqual(ids, [s.model_info.baseline.model_id, s.model_info.tuned.model_id].sort());
        const baseline = models.find((m) => m.model.info.modelId === s.model_info.baseline.model_id)!;
        assert.strictEqual(await vscode.commands.executeCommand(Commands.modelsCopyModelUri, baseline), `models:/${baseline.model.info.modelId}`);
        const files = await a.services.models.getChildren(baseline);
        const names = files.map((k) => String(a.services.models.getTreeItem(k).label));
        for (const f of ['MLmodel', 'model.pkl', 'requirements.txt', 'input_example.json']) assert.ok(names.includes(f), names.join(', '));
        const mlmodel = files.find((k) => k.type === 'artifact' && k.file.path === 'MLmodel')!;
        const bytes = await vscode.workspace.fs.readFile(a.services.models.getTreeItem(mlmodel).resourceUri!);
        const root = kind === 'file' ? path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, 'mlruns', s.runs['baseline-logreg'].experiment_id) : kind === 'sqlite' ? path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, 'sqlite', 'mlruns', '1') : path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, 'server', 'mlartifacts', '1');
        assert.ok(Buffer.from(bytes).equals(fs.readFileSync(path.join(root, 'models', baseline.model.info.modelId, 'artifacts', 'MLmodel'))));
      });
    });
  }
}

describe('Models view: registered models whose names hold quotes (copy of the v3 file store)', function () {
  this.timeout(90000);
  const NAMES = ["o'brien", 'say "hi"'];

  before(async function () {
    const store = copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
    for (const name of NAMES) {
      const dir = path.join(store, 'models', name);
      fs.cpSync(path.join(store, 'models', 'iris-classifier'), dir, { recursive: true });
      for (const meta of ['meta.yaml', 'version-1/meta.yaml', 'version-2/meta.yaml']) {
        const f = path.join(dir, meta);
        fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/^name: iris-classifier$/m, `name: '${name.replace(/'/g, "''")}'`));
      }
    }
    await useTrackingUri(store);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('each lists its own versions', async () => {
    const a = await api();
    a.services.models.refresh();
    const reg = await modelChild(a, undefined, 'Registered Models');
    for (const name of NAMES) {
      const labels = await modelLabels(a, await modelChild(a, reg, name));
      const versions = labels.filter((l) => l.startsWith('Version ')).map((l) => l.split(' ').slice(0, 2).join(' '));
      assert.deepStrictEqual(versions, ['Version 2', 'Version 1'], `${name}: ${labels.join(' | ')}`);
    }
  });
});

describe('artifacts: viewers, compare, download (v3 file store)', function () {
  this.timeout(90000);
  let runId: string;
  let otherRunId: string;
  let conn: string;

  before(async function () {
    const a = await useTrackingUri(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
    const s = summary('v3', 'file');
    runId = s.runs['baseline-logreg'].run_id;
    otherRunId = s.runs['tuned-logreg'].run_id;
    conn = a.services.connections.all()[0].key;
  });

  after(async () => {
    await closeEditors();
    await vscode.workspace.getConfiguration('mlflow').update('trackingUri', undefined, vscode.ConfigurationTarget.Workspace);
  });

  async function ref(p: string, id = runId, owner: 'run' | 'loggedModel' = 'run'): Promise<unknown> {
    const a = await api();
    const c = a.services.connections.all()[0];
    const store = await c.store();
    const rootUri = owner === 'run' ? (await store.getRun(id)).info.artifactUri : (await store.getLoggedModel(id)).info.artifactUri;
    const dir = p.endsWith('/');
    return { type: 'artifact', conn: c, owner: { type: owner, id, rootUri }, file: { path: p.replace(/\/$/, ''), isDir: dir, fileSize: 1 } };
  }

  const cases: [string, (input: unknown) => boolean][] = [
    ['confusion_matrix.png', (i) => i instanceof vscode.TabInputCustom && i.viewType === 'imagePreview.previewEditor'],
    ['predictions.csv', (i) => i instanceof vscode.TabInputCustom && i.viewType === 'mlflow.artifactTable'],
    ['index.html', (i) => i instanceof vscode.TabInputWebview && i.viewType.includes('mlflow.htmlArtifact')],
    ['README.md', (i) => i instanceof vscode.TabInputWebview && /markdown/i.test(i.viewType)],
    ['metrics.json', (i) => i instanceof vscode.TabInputText && i.uri.scheme === 'mlflow-artifact'],
    ['config.yaml', (i) => i instanceof vscode.TabInputText && i.uri.path.endsWith('config.yaml')],
    ['reports/my report ✓.txt', (i) => i instanceof vscode.TabInputText && i.uri.path.endsWith('my report ✓.txt')],
  ];
  for (const [p, ok] of cases) {
    it(`opens ${p} in the right viewer`, async () => {
      await closeEditors();
      await vscode.commands.executeCommand(Commands.artifactsOpen, await ref(p));
      await waitFor(`a tab for ${p}`, () => ok(activeInput()) || undefined, 15000);
    });
  }

  it('a JSON artifact gets the JSON language and a read-only editor', async () => {
    await closeEditors();
    await vscode.commands.executeCommand(Commands.artifactsOpen, await ref('metrics.json'));
    const ed = await waitFor('editor', () => vscode.window.activeTextEditor);
    assert.strictEqual(ed.document.languageId, 'json');
    assert.ok(!vscode.workspace.fs.isWritableFileSystem('mlflow-artifact'));
  });

  it('MLmodel of a logged model opens the model summary panel', async () => {
    await closeEditors();
    const s = summary('v3', 'file');
    await vscode.commands.executeCommand(Commands.artifactsOpen, await ref('MLmodel', s.model_info.baseline.model_id, 'loggedModel'));
    await waitFor('model panel', () => {
      const i = activeInput();
      return i instanceof vscode.TabInputWebview && i.viewType.includes('mlflow.modelSummary') ? true : undefined;
    });
  });

  it('Compare Selected: two runs’ metrics.json in the diff editor; Select for Compare / Compare with Selected too', async () => {
    await closeEditors();
    const left = await ref('metrics.json');
    const right = await ref('metrics.json', otherRunId);
    await vscode.commands.executeCommand(Commands.artifactsCompareSelected, left, [left, right]);
    let i = await waitFor('diff', () => (activeInput() instanceof vscode.TabInputTextDiff ? (activeInput() as vscode.TabInputTextDiff) : undefined));
    assert.ok(i.original.path.includes(runId) && i.modified.path.includes(otherRunId));
    await closeEditors();
    await vscode.commands.executeCommand(Commands.artifactsSelectForCompare, await ref('metrics.json'));
    await vscode.commands.executeCommand(Commands.artifactsCompareWithSelected, await ref('metrics.json', otherRunId));
    i = await waitFor('diff', () => (activeInput() instanceof vscode.TabInputTextDiff ? (activeInput() as vscode.TabInputTextDiff) : undefined));
    assert.ok(i.original.path.endsWith('metrics.json') && i.original.path.includes(runId) && i.modified.path.includes(otherRunId));
  });

  it('downloads a folder with nested and unicode names into the workspace, byte for byte', async () => {
    const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-dl-'));
    try {
      const res = await vscode.commands.executeCommand<{ files: string[]; cancelled: boolean }>(Commands.artifactsDownload, await ref('/'), undefined, { dest, assumeYes: true });
      assert.ok(res && !res.cancelled);
      const root = diskRoot('v3', 'file', summary('v3', 'file').runs['baseline-logreg'].experiment_id, runId);
      for (const p of ALL_FILES) {
        assert.ok(fs.readFileSync(path.join(dest, 'artifacts', ...p.split('/'))).equals(fs.readFileSync(path.join(root, ...p.split('/')))), p);
      }
      assert.strictEqual(res.files.length, ALL_FILES.length);
      assert.ok(!fs.readdirSync(path.join(dest, 'artifacts')).some((f) => f.endsWith('.part')));
    } finally {
      fs.rmSync(dest, { recursive: true, force: true });
    }
  });

  it('a cloud artifact root gets a message that suggests a server with --serve-artifacts', async () => {
    const copy = copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
    try {
      const s = summary('v3', 'file');
      const meta = path.join(copy, s.runs['baseline-logreg'].experiment_id, runId, 'meta.yaml');
      fs.writeFileSync(meta, fs.readFileSync(meta, 'utf8').replace(/^artifact_uri: .*$/m, `artifact_uri: s3://bucket/exp/${runId}/artifacts`));
      const a = await useTrackingUri(copy);
      const exp = await childByLabel(a, undefined, 'iris-classification');
      const run = await childByLabel(a, exp, 'baseline-logreg');
      const kids = await a.services.experiments.getChildren(await childByLabel(a, run, 'Artifacts'));
      assert.strictEqual(kids[0].type, 'error');
      assert.match(String(a.services.experiments.getTreeItem(kids[0]).tooltip), /--serve-artifacts/);
      const uri = vscode.Uri.from({ scheme: 'mlflow-artifact', path: `/run/${runId}/metrics.json`, query: `conn=${encodeURIComponent(conn)}` });
      await assert.rejects(Promise.resolve(vscode.workspace.fs.readFile(uri)), /--serve-artifacts/);
    } finally {
      await useTrackingUri(path.join(MLFLOW_FIXTURES_DIR, 'stores', 'v3', 'mlruns'));
      fs.rmSync(path.dirname(copy), { recursive: true, force: true });
    }
  });

  it('Models view: the filter narrows registered models', async () => {
    const a = await api();
    a.services.models.setFilter("name LIKE 'iris%'");
    try {
      const reg = await modelChild(a, undefined, 'Registered Models');
      assert.deepStrictEqual(await modelLabels(a, reg), ["Filter: name LIKE 'iris%'", 'iris-classifier']);
    } finally {
      a.services.models.setFilter(undefined);
    }
  });
});
