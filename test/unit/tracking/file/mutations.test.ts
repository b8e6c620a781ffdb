// Writes on copies of the real stores: the recorded mutation transcripts replayed through FileStore,
// plus what MLflow's files must look like afterwards.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isTrackingError } from '../../../../src/tracking/errors';
import { FileStore } from '../../../../src/tracking/file';
import { toWireRun, toWireRunInfo } from '../../../../src/tracking/wire';
import { copyStore, transcripts, VERSIONS, type Transcript } from '../../../support/fixtures';
import { canon, FIRST_MUTATION, normalise, tokensAndOutputs } from './transcriptHelpers';

type Json = Record<string, unknown>;

/** Mutation-phase transcripts that cannot apply to a store (not registered as tests), with the reason (file name minus NNN-). */
const NOT_A_STORE_WRITE: Record<string, string> = {
  'runs-log-batch-param-too-long.json': 'logging params is not part of TrackingStore',
  'runs-log-batch-param-overwrite.json': 'logging params is not part of TrackingStore',
  'runs-log-metric-nan-string.json': 'logging metrics is not part of TrackingStore',
  'runs-log-metric-missing-timestamp.json': 'logging metrics is not part of TrackingStore',
  'runs-get-final.json': 'reflects the log-batch/log-metric writes above',
  'experiments-restore.json': 'experiment restore is not part of TrackingStore',
  'experiments-get-after-restore.json': 'reflects the experiment restore',
  'experiments-delete.json': 'experiment delete is not part of TrackingStore',
  'unknown-endpoint.json': 'HTTP routing',
  'graphql-get-run.json': 'GraphQL endpoint',
  'cors-origin-vscode-webview.json': 'HTTP security middleware',
  'cors-preflight-vscode-webview.json': 'HTTP security middleware',
  'cors-origin-localhost.json': 'HTTP security middleware',
  'host-header-foreign.json': 'HTTP security middleware',
};

function body(t: Transcript): Json {
  return { ...((t.query ?? {}) as Json), ...((t.body ?? {}) as Json) };
}

async function replay(store: FileStore, t: Transcript): Promise<unknown> {
  const p = body(t);
  const runId = String(p.run_id ?? p.run_uuid ?? '');
  switch (t.path.replace('/api/2.0/mlflow/', '')) {
    case 'runs/delete':
      await store.deleteRun(runId);
      return {};
    case 'runs/restore':
      await store.restoreRun(runId);
      return {};
    case 'runs/set-tag':
      await store.setRunTag(runId, String(p.key), String(p.value));
      return {};
    case 'runs/delete-tag':
      await store.deleteRunTag(runId, String(p.key));
      return {};
    case 'runs/update':
      await store.renameRun(runId, String(p.run_name));
      return { run_info: toWireRunInfo((await store.getRun(runId)).info) };
    case 'runs/get':
      return { run: toWireRun(await store.getRun(runId)) };
  }
  throw new Error(`no mapping for ${t.path}`);
}

function metaLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n');
}

/** Lines that differ between two versions of a file, by position (the files keep their length here). */
function changed(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push(`${a[i] ?? '∅'} -> ${b[i] ?? '∅'}`);
  return out;
}

describe('FileStore writes', () => {
  for (const ver of VERSIONS) {
    describe(`${ver}: recorded mutations replayed on a copy`, () => {
      let copy: ReturnType<typeof copyStore>;
      let store: FileStore;
      before(() => {
        copy = copyStore(ver, 'mlruns');
        store = new FileStore(copy.dir);
      });
      after(() => {
        store.dispose();
        copy.cleanup();
      });
      for (const t of transcripts(`${ver}-filestore`)) {
        if (Number(t.file.slice(0, 3)) < FIRST_MUTATION[ver]) continue;
        if (NOT_A_STORE_WRITE[t.file.slice(4)]) continue;
        it(`${t.file} ${t.method} ${t.path}`, async () => {
          if (t.status >= 400) {
            await assert.rejects(replay(store, t), (e: unknown) => {
              assert.ok(isTrackingError(e), String(e));
              assert.equal(e.kind, t.status === 404 ? 'notFound' : 'invalidRequest');
              assert.equal(e.status, t.status);
              return true;
            });
            return;
          }
          const got = await replay(store, t);
          assert.deepEqual(canon(got), canon(tokensAndOutputs(normalise(ver, t.response_body))), t.file);
        });
      }
    });
  }

  describe('meta.yaml edits', () => {
    let copy: ReturnType<typeof copyStore>;
    let store: FileStore;
    const run = (dir: string, id: string) => path.join(dir, '358387156804898222', id);
    const RUN = 'e6575f48955f435f90ad6841ccbbb22a'; // tuned-logreg (v3)
    beforeEach(() => {
      copy = copyStore('v3', 'mlruns');
      store = new FileStore(copy.dir);
    });
    afterEach(() => {
      store.dispose();
      copy.cleanup();
    });

    it('delete/restore change only lifecycle_stage and deleted_time', async () => {
      const meta = path.join(run(copy.dir, RUN), 'meta.yaml');
      const before = metaLines(meta);
      await store.deleteRun(RUN);
      const deleted = metaLines(meta);
      // this run's meta.yaml has no deleted_time yet: it is inserted in sorted position
      assert.equal(deleted.length, before.length + 1);
      assert.equal(deleted[0], before[0]);
      assert.match(deleted[1], /^deleted_time: \d{13}$/, 'after artifact_uri, before end_time');
      const rest = deleted.filter((_, i) => i !== 1);
      const diff = changed(before, rest);
      assert.deepEqual(diff, ['lifecycle_stage: active -> lifecycle_stage: deleted']);
      assert.equal((await store.getRun(RUN)).info.lifecycleStage, 'deleted');
      const active = await store.searchRuns({ experimentIds: ['358387156804898222'] });
      assert.ok(!active.items.some((r) => r.info.runId === RUN));
      const del = await store.searchRuns({ experimentIds: ['358387156804898222'], runViewType: 'DELETED_ONLY' });
      assert.ok(del.items.some((r) => r.info.runId === RUN));
      await store.restoreRun(RUN);
      const restored = metaLines(meta);
      assert.deepEqual(restored, before, 'deleted_time goes again, as MLflow\'s restore_run drops it');
      assert.equal((await store.getRun(RUN)).info.lifecycleStage, 'active');
      // deleting again only changes those two lines
      await store.deleteRun(RUN);
      assert.deepEqual(metaLines(meta).length, restored.length + 1);
    });

    it('2.x meta without deleted_time: delete inserts it in sorted position, restore keeps the rest intact', async () => {
      const c2 = copyStore('v2', 'mlruns');
      try {
        const s2 = new FileStore(c2.dir);
        const id = '05cc1a58754648fe9e33112e3e65be23';
        const meta = path.join(c2.dir, '280553974306856089', id, 'meta.yaml');
        const before = fs.readFileSync(meta, 'utf8');
        assert.ok(!before.includes('deleted_time'));
        await s2.deleteRun(id);
        const after = fs.readFileSync(meta, 'utf8').split('\n');
        assert.equal(after[0], before.split('\n')[0]);
        assert.match(after[1], /^deleted_time: \d+$/, 'sorted after artifact_uri, before end_time');
        assert.deepEqual(after.filter((l) => !l.startsWith('deleted_time') && !l.startsWith('lifecycle_stage')), before.split('\n').filter((l) => !l.startsWith('lifecycle_stage')));
        await s2.restoreRun(id);
        const restored = fs.readFileSync(meta, 'utf8');
        assert.equal(restored, before);
        s2.dispose();
      } finally {
        c2.cleanup();
      }
    });

    it('rename writes run_name (quoted when needed) and the mlflow.runName tag, nothing else', async () => {
      const dir = run(copy.dir, RUN);
      const before = metaLines(path.join(dir, 'meta.yaml'));
      const name = "it's: a #name ✓";
      await store.renameRun(RUN, name);
      const after = metaLines(path.join(dir, 'meta.yaml'));
      const diff = changed(before, after);
      assert.equal(diff.length, 1, diff.join('\n'));
      assert.equal(after.find((l) => l.startsWith('run_name:')), `run_name: 'it''s: a #name ✓'`);
      assert.equal(fs.readFileSync(path.join(dir, 'tags', 'mlflow.runName'), 'utf8'), name);
      const r = await store.getRun(RUN);
      assert.equal(r.info.runName, name);
      assert.equal(r.data.tags.find((t) => t.key === 'mlflow.runName')?.value, name);
      // setting the tag renames too (MLflow keeps them in sync)
      await store.setRunTag(RUN, 'mlflow.runName', 'plain-name');
      assert.equal((await store.getRun(RUN)).info.runName, 'plain-name');
      assert.ok(metaLines(path.join(dir, 'meta.yaml')).includes('run_name: plain-name'));
    });

    it('set/delete tag: files without trailing newline, keys with / as folders, MLflow key rules', async () => {
      const dir = run(copy.dir, RUN);
      await store.setRunTag(RUN, 'team/owner', 'bob\nand alice');
      assert.equal(fs.readFileSync(path.join(dir, 'tags', 'team', 'owner'), 'utf8'), 'bob\nand alice');
      let r = await store.getRun(RUN);
      assert.equal(r.data.tags.find((t) => t.key === 'team/owner')?.value, 'bob\nand alice');
      await store.setRunTag(RUN, 'team/owner', 'carol');
      assert.equal((await store.getRun(RUN)).data.tags.find((t) => t.key === 'team/owner')?.value, 'carol');
      await store.deleteRunTag(RUN, 'team/owner');
      assert.ok(!fs.existsSync(path.join(dir, 'tags', 'team')), 'empty key folder removed');
      r = await store.getRun(RUN);
      assert.ok(!r.data.tags.some((t) => t.key === 'team/owner'));
      for (const bad of ['../escape', '/abs', 'a//b', 'a/../b', 'bad key!*', '', './x']) {
        await assert.rejects(store.setRunTag(RUN, bad, 'x'), (e: unknown) => isTrackingError(e, 'invalidRequest'), bad);
      }
      await assert.rejects(store.deleteRunTag(RUN, 'never-set'), (e: unknown) => isTrackingError(e, 'notFound'));
      await assert.rejects(store.setRunTag('0123456789abcdef0123456789abcdef', 'k', 'v'), (e: unknown) => isTrackingError(e, 'notFound'));
      // no temp files left behind
      const leftovers = fs.readdirSync(path.join(dir, 'tags')).filter((f) => f.endsWith('.tmp'));
      assert.deepEqual(leftovers, []);
    });

    it('tags/rename on a deleted run are refused like MLflow does', async () => {
      await store.deleteRun(RUN);
      await assert.rejects(store.setRunTag(RUN, 'k', 'v'), (e: unknown) => isTrackingError(e, 'invalidRequest'));
      await assert.rejects(store.renameRun(RUN, 'x'), (e: unknown) => isTrackingError(e, 'invalidRequest'));
    });

    it('notifies listeners after its own writes and after external edits', async () => {
      const s = new FileStore(copy.dir, { watchDebounceMs: 50 });
      let n = 0;
      const off = s.onDidChange(() => n++);
      try {
        await s.setRunTag(RUN, 'watched', '1');
        await waitFor(() => n > 0);
        const seen = n;
        // a new run folder in an experiment (external writer)
        fs.mkdirSync(path.join(copy.dir, '358387156804898222', 'ffffffffffffffffffffffffffffffff'));
        await waitFor(() => n > seen);
      } finally {
        off();
        s.dispose();
      }
    });
  });

  describe('moved and damaged stores', () => {
    it('a moved store (absolute paths not rewritten, folder renamed) still lists and reads artifacts', async () => {
      const copy = copyStore('v3', 'mlruns');
      const moved = path.join(copy.root, 'elsewhere', 'my-store');
      fs.mkdirSync(path.dirname(moved));
      fs.renameSync(copy.dir, moved);
      const store = new FileStore(moved);
      try {
        const run = await store.getRun('85c2cd0244ac4908817c29c853d5c0eb');
        assert.match(run.info.artifactUri, /^file:\/\/\/srv\/mlflow-fixtures\/v3\/mlruns\//, 'recorded URI is reported as-is');
        const owner = { type: 'run' as const, id: run.info.runId, rootUri: run.info.artifactUri };
        const files = await store.listArtifacts(owner);
        assert.ok(files.some((f) => f.path === 'plots' && f.isDir));
        assert.deepEqual(await store.listArtifacts(owner, 'plots'), [{ path: 'plots/training', isDir: true }]);
        assert.deepEqual(await store.listArtifacts(owner, 'metrics.json'), []);
        assert.deepEqual(await store.listArtifacts(owner, 'no/such/dir'), []);
        const empty = files.find((f) => f.path === 'empty.txt');
        assert.deepEqual(empty, { path: 'empty.txt', isDir: false, fileSize: 0 });
        assert.equal(await store.artifactSize(owner, 'metrics.json'), 110);
        const chunks: Buffer[] = [];
        for await (const c of await store.readArtifact(owner, 'reports/my report ✓.txt')) chunks.push(Buffer.from(c));
        assert.ok(Buffer.concat(chunks).length > 0);
        await assert.rejects(store.listArtifacts(owner, '../../'), (e: unknown) => isTrackingError(e, 'invalidRequest'));
        await assert.rejects(store.readArtifact(owner, 'nope.txt'), (e: unknown) => isTrackingError(e, 'notFound'));
        // logged model artifacts (3.x) are found the same way
        const lm = await store.getLoggedModel('m-f587a0693d444a3c8b56cdbe6a80fadf');
        const lmFiles = await store.listArtifacts({ type: 'loggedModel', id: lm.info.modelId, rootUri: lm.info.artifactUri });
        assert.ok(lmFiles.some((f) => f.path === 'MLmodel'));
        // runs of a deleted experiment (in .trash) too
        const trashed = await store.getRun('f3a2977211cc49b6aa50b351211cd81f');
        assert.equal(trashed.info.lifecycleStage, 'deleted');
        await store.listArtifacts({ type: 'run', id: trashed.info.runId, rootUri: trashed.info.artifactUri });
      } finally {
        store.dispose();
        copy.cleanup();
      }
    });

    it('remote artifact roots are refused with a hint about --serve-artifacts', async () => {
      const copy = copyStore('v3', 'mlruns');
      const store = new FileStore(copy.dir);
      try {
        for (const rootUri of ['s3://bucket/mlruns/1/abc/artifacts', 'gs://b/x', 'mlflow-artifacts:/1/abc/artifacts']) {
          await assert.rejects(store.listArtifacts({ type: 'run', id: '85c2cd0244ac4908817c29c853d5c0eb', rootUri }), (e: unknown) => {
            assert.ok(isTrackingError(e, 'unsupported'), String(e));
            assert.match(e.hint ?? '', /--serve-artifacts/);
            return true;
          });
        }
      } finally {
        store.dispose();
        copy.cleanup();
      }
    });

    it('a run with a garbage meta.yaml is skipped and reported; the others still show', async () => {
      const copy = copyStore('v3', 'mlruns');
      const seen: string[] = [];
      const store = new FileStore(copy.dir, { onProblem: (p) => seen.push(p.path) });
      try {
        const exp = '358387156804898222';
        const before = (await store.searchRuns({ experimentIds: [exp], runViewType: 'ALL' })).items.length;
        const bad = path.join(copy.dir, exp, 'e6575f48955f435f90ad6841ccbbb22a', 'meta.yaml');
        fs.writeFileSync(bad, '\u0000\u0001garbage: [unclosed\n  - : :\n');
        const after = await store.searchRuns({ experimentIds: [exp], runViewType: 'ALL' });
        assert.equal(after.items.length, before - 1);
        assert.deepEqual(store.problems.map((p) => p.path), [bad]);
        assert.deepEqual(seen, [bad]);
        // a folder without meta.yaml (e.g. artifacts written there) is silently not a run
        fs.mkdirSync(path.join(copy.dir, exp, 'not-a-run'));
        assert.equal((await store.searchRuns({ experimentIds: [exp], runViewType: 'ALL' })).items.length, before - 1);
        await assert.rejects(store.getRun('e6575f48955f435f90ad6841ccbbb22a'), (e: unknown) => isTrackingError(e, 'notFound'));
        // repaired: the problem goes away
        fs.writeFileSync(bad, fs.readFileSync(path.join(copy.dir, exp, '85c2cd0244ac4908817c29c853d5c0eb', 'meta.yaml'), 'utf8').replace(/85c2cd0244ac4908817c29c853d5c0eb/g, 'e6575f48955f435f90ad6841ccbbb22a'));
        assert.equal((await store.searchRuns({ experimentIds: [exp], runViewType: 'ALL' })).items.length, before);
        assert.deepEqual(store.problems, []);
      } finally {
        store.dispose();
        copy.cleanup();
      }
    });
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for a change notification');
    await new Promise((r) => setTimeout(r, 20));
  }
}
