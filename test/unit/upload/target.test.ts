// Sending planned files: into a copy of the real v3 file store and SQLite store's local roots, and
// through a tracking server's proxied artifact service (transcripts 084/085), read back through
// the store's own readArtifact. Refusals: deleted runs, cloud roots.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStore } from '../../../src/tracking/file';
import { RestStore } from '../../../src/tracking/rest';
import { SqliteStore } from '../../../src/tracking/sqlite';
import { isTrackingError } from '../../../src/tracking/errors';
import type { ArtifactOwner, TrackingStore } from '../../../src/tracking/types';
import { parentDirs, planUpload, type LocalSource } from '../../../src/upload/plan';
import { copyAtomically, existingEntries, sendFiles, uploadTarget, walkFolder } from '../../../src/upload/target';
import { storePath } from '../../support/fixtures';
import { startArtifactServer, type ArtifactServer } from './artifactServer';

async function readAll(store: TrackingStore, owner: ArtifactOwner, p: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await store.readArtifact(owner, p)) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A workspace with a text file, a binary file and a folder. */
function workspace(): { dir: string; text: string; bin: string; folder: string } {
  const dir = tmpDir('mlflow-upload-ws-');
  const text = path.join(dir, 'notes.txt');
  fs.writeFileSync(text, 'logged from VS Code ✓\n');
  const bin = path.join(dir, 'weights.bin');
  fs.writeFileSync(bin, Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)));
  const folder = path.join(dir, 'plots');
  fs.mkdirSync(path.join(folder, 'eval'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'loss.csv'), 'step,loss\n0,1\n1,0.5\n');
  fs.writeFileSync(path.join(folder, 'eval', 'roc.json'), '{"auc":0.9}');
  fs.writeFileSync(path.join(folder, 'eval', 'empty.txt'), '');
  return { dir, text, bin, folder };
}

async function sources(paths: string[]): Promise<LocalSource[]> {
  const out: LocalSource[] = [];
  for (const p of paths) {
    const st = fs.statSync(p);
    out.push(st.isDirectory() ? { fsPath: p, isDir: true, files: await walkFolder(p) } : { fsPath: p, isDir: false, size: st.size });
  }
  return out;
}

describe('upload: copying into local artifact roots', function () {
  this.timeout(30000);
  let root: string;
  let store: FileStore;
  const ids = () => JSON.parse(fs.readFileSync(storePath('v3', 'summary-file.json'), 'utf8')).runs as Record<string, { run_id: string; experiment_id: string }>;

  before(function () {
    root = path.join(tmpDir('mlflow-upload-fs-'), 'mlruns');
    fs.cpSync(storePath('v3', 'mlruns'), root, { recursive: true });
    store = new FileStore(root);
  });
  after(() => store?.dispose());

  it('copies files and a folder into a file-store run (re-based root), readable back byte for byte', async () => {
    const ws = workspace();
    const run = await store.getRun(ids()['tuned-logreg'].run_id);
    const target = uploadTarget(store, run);
    assert.equal(target.kind, 'copy');
    assert.ok(target.kind === 'copy' && target.dir.startsWith(root), `${target.kind === 'copy' ? target.dir : ''} is inside the copied store (recorded root was /srv/…)`);
    const srcs = await sources([ws.text, ws.bin, ws.folder]);
    const owner = target.owner;
    const probe = planUpload(srcs, { artifactPath: 'from-vscode' }, new Map());
    const plan = planUpload(srcs, { artifactPath: 'from-vscode' }, await existingEntries(store, owner, parentDirs(probe.files)));
    assert.deepEqual(plan.clashes, []);
    const seen: string[] = [];
    const res = await sendFiles(target, plan.files, { onFile: (_, f) => seen.push(f.dest) });
    assert.equal(res.cancelled, false);
    assert.deepEqual(seen, ['from-vscode/notes.txt', 'from-vscode/weights.bin', 'from-vscode/plots/eval/empty.txt', 'from-vscode/plots/eval/roc.json', 'from-vscode/plots/loss.csv']);
    for (const f of plan.files) assert.ok((await readAll(store, owner, f.dest)).equals(fs.readFileSync(f.local)), f.dest);
    const listed = await store.listArtifacts(owner, 'from-vscode/plots/eval');
    assert.deepEqual(listed.map((f) => [f.path, f.fileSize]), [['from-vscode/plots/eval/empty.txt', 0], ['from-vscode/plots/eval/roc.json', 11]]);
    const leftovers = fs.readdirSync(path.join(target.kind === 'copy' ? target.dir : '', 'from-vscode')).filter((n) => n.includes('mlflow-upload'));
    assert.deepEqual(leftovers, [], 'no temporary files left');
  });

  it('finds the clash with an existing artifact, and never replaces it unless told to', async () => {
    const ws = workspace();
    fs.writeFileSync(path.join(ws.dir, 'README.md'), 'mine\n');
    const run = await store.getRun(ids()['baseline-logreg'].run_id);
    const target = uploadTarget(store, run);
    const srcs = await sources([path.join(ws.dir, 'README.md')]);
    const plan = planUpload(srcs, { artifactPath: '' }, await existingEntries(store, target.owner, ['']));
    assert.deepEqual(plan.clashes.map((c) => c.kind), ['exists']);
    const before = await readAll(store, target.owner, 'README.md');
    await assert.rejects(sendFiles(target, plan.files), (e: unknown) => isTrackingError(e, 'invalidRequest') && /already exists/.test(e.message));
    assert.ok((await readAll(store, target.owner, 'README.md')).equals(before), 'the existing file is untouched');
    await sendFiles(target, plan.files, { overwrite: new Set(['README.md']) });
    assert.equal((await readAll(store, target.owner, 'README.md')).toString(), 'mine\n');
  });

  it('creates the artifact folder of a run that never logged one', async () => {
    const ws = workspace();
    const run = await store.getRun(ids()['(auto-named empty run)'].run_id);
    const target = uploadTarget(store, run);
    assert.ok(target.kind === 'copy' && target.dir.startsWith(root));
    const plan = planUpload(await sources([ws.text]), { artifactPath: '' }, new Map());
    await sendFiles(target, plan.files);
    assert.equal((await readAll(store, target.owner, 'notes.txt')).toString(), 'logged from VS Code ✓\n');
  });

  it('refuses a deleted run and a cloud root, writing nothing', async () => {
    const deleted = await store.getRun(ids()['deleted-run'].run_id);
    assert.equal(deleted.info.lifecycleStage, 'deleted');
    assert.throws(() => uploadTarget(store, deleted), (e: unknown) => isTrackingError(e, 'invalidRequest') && /deleted/.test(e.message) && /Restore/.test(e.hint ?? ''));
    const s3 = { ...(await store.getRun(ids()['rf-10-3'].run_id)) };
    s3.info = { ...s3.info, artifactUri: 's3://team-bucket/mlflow/981334808011999333/c696a11bcbdf40cb8331dfa21c7b1016/artifacts' };
    assert.throws(() => uploadTarget(store, s3), (e: unknown) => isTrackingError(e, 'unsupported') && /s3:/.test(e.message));
  });

  it('stops between files when cancelled and keeps what was complete', async () => {
    const ws = workspace();
    const run = await store.getRun(ids()['rf-20-5'].run_id);
    const target = uploadTarget(store, run);
    const plan = planUpload(await sources([ws.folder]), { artifactPath: 'cancel-test' }, new Map());
    const ctl = new AbortController();
    const res = await sendFiles(target, plan.files, { signal: ctl.signal, onFile: (i) => i === 1 && ctl.abort() });
    assert.equal(res.cancelled, true);
    assert.deepEqual(res.done.map((f) => f.dest), ['cancel-test/plots/eval/empty.txt']);
    assert.deepEqual((await store.listArtifacts(target.owner, 'cancel-test/plots/eval')).map((f) => f.path), ['cancel-test/plots/eval/empty.txt'], 'no partial file');
  });

  it('copyAtomically never escapes the root', async () => {
    const d = tmpDir('mlflow-upload-esc-');
    const src = path.join(d, 'a.txt');
    fs.writeFileSync(src, 'x');
    await assert.rejects(copyAtomically(src, path.join(d, 'root'), '../evil.txt', false));
    assert.ok(!fs.existsSync(path.join(d, 'evil.txt')));
  });
});

describe('upload: a SQLite store\'s local root (the database stays untouched)', function () {
  this.timeout(30000);
  it('copies into the run folder next to the database; mlflow.db keeps its bytes', async function () {
    const dir = path.join(tmpDir('mlflow-upload-sq-'), 'sqlite');
    fs.cpSync(storePath('v3', 'sqlite'), dir, { recursive: true });
    const db = path.join(dir, 'mlflow.db');
    const dbBefore = fs.readFileSync(db);
    const store = await SqliteStore.open(db);
    try {
      const id = (JSON.parse(fs.readFileSync(storePath('v3', 'summary-sqlite.json'), 'utf8')).runs as Record<string, { run_id: string }>)['tuned-logreg'].run_id;
      const run = await store.getRun(id);
      const target = uploadTarget(store, run);
      assert.ok(target.kind === 'copy' && target.dir.startsWith(dir), 'the stale /srv/… root is re-based next to the database');
      const ws = workspace();
      const plan = planUpload(await sources([ws.bin]), { artifactPath: 'x' }, new Map());
      await sendFiles(target, plan.files);
      assert.ok((await readAll(store, target.owner, 'x/weights.bin')).equals(fs.readFileSync(ws.bin)));
      assert.ok(fs.readFileSync(db).equals(dbBefore));
    } finally {
      store.dispose();
    }
  });
});

describe('upload: through a tracking server\'s proxied artifact service', function () {
  this.timeout(30000);
  let srv: ArtifactServer;
  let store: RestStore;
  const RUN = '96c4b9c30fed4b0f8eb24a6fbbb4f592'; // baseline-logreg, mlflow-artifacts:/1/<run>/artifacts

  before(async function () {
    srv = await startArtifactServer();
    store = new RestStore({ uri: srv.url, env: {}, timeoutMs: 10000 });
  });
  after(async () => {
    store?.dispose();
    await srv?.close();
  });

  it('PUTs each file to /api/2.0/mlflow-artifacts/artifacts/<root>/<path>, readable back through the store', async () => {
    const ws = workspace();
    const run = await store.getRun(RUN);
    const target = uploadTarget(store, run);
    assert.equal(target.kind, 'proxy');
    const srcs = await sources([ws.text, ws.bin, ws.folder]);
    const probe = planUpload(srcs, { artifactPath: 'uploaded' }, new Map());
    const plan = planUpload(srcs, { artifactPath: 'uploaded' }, await existingEntries(store, target.owner, parentDirs(probe.files)));
    assert.deepEqual(plan.clashes, []);
    await sendFiles(target, plan.files);
    assert.deepEqual(
      srv.puts.map((p) => [p.path, p.contentType]),
      [
        [`1/${RUN}/artifacts/uploaded/notes.txt`, 'text/plain'],
        [`1/${RUN}/artifacts/uploaded/weights.bin`, 'application/octet-stream'],
        [`1/${RUN}/artifacts/uploaded/plots/eval/empty.txt`, 'text/plain'],
        [`1/${RUN}/artifacts/uploaded/plots/eval/roc.json`, 'application/json'],
        [`1/${RUN}/artifacts/uploaded/plots/loss.csv`, 'text/csv'],
      ],
    );
    assert.ok(srv.puts.every((p) => !p.chunked), 'small files go with a Content-Length');
    for (const f of plan.files) assert.ok((await readAll(store, target.owner, f.dest)).equals(fs.readFileSync(f.local)), f.dest);
    const again = planUpload(srcs, { artifactPath: 'uploaded' }, await existingEntries(store, target.owner, parentDirs(probe.files)));
    assert.deepEqual(again.clashes.map((c) => c.dest), plan.files.map((f) => f.dest), 'a second upload sees every file as existing');
  });

  it('streams files larger than the in-memory limit', async () => {
    const ws = workspace();
    const run = await store.getRun(RUN);
    const target = uploadTarget(store, run);
    const plan = planUpload(await sources([ws.bin]), { artifactPath: 'big' }, new Map());
    await sendFiles(target, plan.files, { maxInMemoryBytes: 1024 });
    assert.ok(srv.puts[srv.puts.length - 1].chunked);
    assert.ok((await readAll(store, target.owner, 'big/weights.bin')).equals(fs.readFileSync(ws.bin)));
  });

  it('refuses a deleted run before sending anything', async () => {
    const n = srv.puts.length;
    const run = await store.getRun('9049ea31cc254a3aa41314ef7fdc81fb');
    assert.equal(run.info.lifecycleStage, 'deleted');
    assert.throws(() => uploadTarget(store, run), (e: unknown) => isTrackingError(e, 'invalidRequest') && /deleted/.test(e.message));
    assert.equal(srv.puts.length, n);
  });

  it('refuses a cloud root the server does not proxy', async () => {
    const run = await store.getRun(RUN);
    const s3 = { ...run, info: { ...run.info, artifactUri: 's3://bucket/1/x/artifacts' } };
    assert.throws(() => uploadTarget(store, s3), (e: unknown) => isTrackingError(e, 'unsupported') && /does not proxy/.test(e.message));
  });
});
