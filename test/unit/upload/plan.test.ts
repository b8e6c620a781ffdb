import * as assert from 'node:assert/strict';
import {
  describeClash,
  guessContentType,
  normalizeArtifactDir,
  parentDirs,
  planDestinations,
  planUpload,
  uploadRoute,
  withoutExisting,
  type LocalSource,
} from '../../../src/upload/plan';

const file = (p: string, size = 1): LocalSource => ({ fsPath: p, isDir: false, size });
const dir = (p: string, rels: string[]): LocalSource => ({ fsPath: p, isDir: true, files: rels.map((rel) => ({ rel, size: 2 })) });

describe('upload planning: where each file goes', () => {
  it('normalizes the artifact path a user types and rejects escapes', () => {
    assert.deepEqual(normalizeArtifactDir(undefined), { value: '' });
    assert.deepEqual(normalizeArtifactDir('  '), { value: '' });
    assert.deepEqual(normalizeArtifactDir('/plots//eval/'), { value: 'plots/eval' });
    assert.deepEqual(normalizeArtifactDir('.\\plots\\eval'), { value: 'plots/eval' });
    assert.deepEqual(normalizeArtifactDir('a/./b'), { value: 'a/b' });
    assert.ok('error' in normalizeArtifactDir('../x'));
    assert.ok('error' in normalizeArtifactDir('a/../../x'));
    assert.ok('error' in normalizeArtifactDir('C:\\x'));
    assert.ok('error' in normalizeArtifactDir('s3://bucket/x'));
    assert.ok('error' in normalizeArtifactDir('a\nb'));
  });

  it('files go to <artifact_path>/<name>; folders keep their name, or spill their contents (log_artifacts)', () => {
    const srcs = [file('/w/model.pkl', 10), dir('/w/plots', ['b.png', 'a/loss.png'])];
    assert.deepEqual(planDestinations(srcs, { artifactPath: '' }).map((f) => [f.local, f.dest, f.size]), [
      ['/w/model.pkl', 'model.pkl', 10],
      ['/w/plots/a/loss.png', 'plots/a/loss.png', 2],
      ['/w/plots/b.png', 'plots/b.png', 2],
    ]);
    assert.deepEqual(planDestinations(srcs, { artifactPath: 'eval', folderContents: true }).map((f) => f.dest), ['eval/model.pkl', 'eval/a/loss.png', 'eval/b.png']);
    assert.deepEqual(planDestinations([dir('C:\\w\\plots', ['x\\y.png'])], { artifactPath: '' }).map((f) => [f.local, f.dest]), [['C:\\w\\plots\\x\\y.png', 'plots/x/y.png']]);
  });

  it('lists the folders to look into for clashes, parents first', () => {
    const files = planDestinations([file('/w/a.txt'), dir('/w/d', ['x/y.txt'])], { artifactPath: 'e' });
    assert.deepEqual(parentDirs(files), ['', 'e', 'e/d', 'e/d/x']);
  });

  it('no clash: everything is planned, with the total size', () => {
    const plan = planUpload([file('/w/a.txt', 5), file('/w/b.txt', 7)], { artifactPath: '' }, new Map([['c.txt', 'file']]));
    assert.deepEqual(plan.clashes, []);
    assert.equal(plan.files.length, 2);
    assert.equal(plan.totalBytes, 12);
  });

  it('two picked files with the same name clash (neither is planned)', () => {
    const plan = planUpload([file('/w/a/x.txt'), file('/w/b/x.txt'), file('/w/y.txt')], { artifactPath: 'p' }, new Map());
    assert.deepEqual(plan.files.map((f) => f.dest), ['p/y.txt']);
    assert.deepEqual(plan.clashes, [{ kind: 'selection', dest: 'p/x.txt', locals: ['/w/a/x.txt', '/w/b/x.txt'] }]);
    assert.match(describeClash(plan.clashes[0]), /2 picked items/);
  });

  it('a picked file and a picked folder of the same name clash', () => {
    const plan = planUpload([file('/w/plots'), dir('/x/plots', ['a.png'])], { artifactPath: '' }, new Map());
    assert.equal(plan.clashes[0].kind, 'selection');
    assert.equal(plan.clashes[0].dest, 'plots');
  });

  it('a file the run already holds is an "exists" clash: kept in the plan until the user decides', () => {
    const plan = planUpload([file('/w/a.txt', 3), file('/w/b.txt', 4)], { artifactPath: '' }, new Map([['a.txt', 'file']]));
    assert.deepEqual(plan.clashes, [{ kind: 'exists', dest: 'a.txt', local: '/w/a.txt' }]);
    assert.equal(plan.files.length, 2);
    const skipped = withoutExisting(plan);
    assert.deepEqual(skipped.files.map((f) => f.dest), ['b.txt']);
    assert.equal(skipped.totalBytes, 4);
    assert.deepEqual(skipped.clashes, []);
  });

  it('file against folder: a file cannot replace a folder, nor go under a file', () => {
    const existing = new Map<string, 'file' | 'dir'>([
      ['model', 'dir'],
      ['notes', 'file'],
    ]);
    const plan = planUpload([file('/w/model'), dir('/w/notes', ['a.txt']), file('/w/ok.txt')], { artifactPath: '' }, existing);
    assert.deepEqual(plan.files.map((f) => f.dest), ['ok.txt']);
    assert.deepEqual(
      plan.clashes.map((c) => [c.kind, c.dest, describeClash(c)]),
      [
        ['type', 'model', 'model is a folder in the run'],
        ['type', 'notes/a.txt', 'notes is a file in the run, so notes/a.txt cannot be created'],
      ],
    );
  });

  it('guesses a content type like MLflow does', () => {
    assert.equal(guessContentType('a/b/hello.txt'), 'text/plain');
    assert.equal(guessContentType('x.PNG'), 'image/png');
    assert.equal(guessContentType('model.pkl'), 'application/octet-stream');
  });
});

describe('upload planning: which stores and roots can take files', () => {
  it('a tracking server writes mlflow-artifacts: roots (and their http form) through the proxy', () => {
    assert.deepEqual(uploadRoute('rest', 'mlflow-artifacts:/1/abc/artifacts', 'active'), { kind: 'proxy' });
    assert.deepEqual(uploadRoute('rest', 'mlflow-artifacts://other:5001/1/abc/artifacts', 'active'), { kind: 'proxy' });
    assert.deepEqual(uploadRoute('rest', 'http://h:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts', 'active'), { kind: 'proxy' });
  });

  it('a tracking server refuses cloud roots and folders of its own machine', () => {
    const s3 = uploadRoute('rest', 's3://bucket/mlflow/1/abc/artifacts', 'active');
    assert.equal(s3.kind, 'refuse');
    assert.match(s3.kind === 'refuse' ? s3.reason : '', /s3:/);
    assert.equal(uploadRoute('rest', 'file:///srv/mlruns/1/abc/artifacts', 'active').kind, 'refuse');
    assert.equal(uploadRoute('rest', '/srv/mlruns/1/abc/artifacts', 'active').kind, 'refuse');
  });

  it('local stores copy into file: and plain-path roots (SQLite too: the database is not written)', () => {
    assert.deepEqual(uploadRoute('file', 'file:///m/1/abc/artifacts', 'active'), { kind: 'copy' });
    assert.deepEqual(uploadRoute('sqlite', '/home/u/mlruns/1/abc/artifacts', 'active'), { kind: 'copy' });
    assert.deepEqual(uploadRoute('sqlite', 'C:\\proj\\mlruns\\1\\abc\\artifacts', 'active'), { kind: 'copy' });
    assert.deepEqual(uploadRoute('sqlite', 'file:///C:/proj/mlruns/1/abc/artifacts', 'active'), { kind: 'copy' });
  });

  it('local stores refuse cloud roots and a server\'s mlflow-artifacts: roots', () => {
    for (const root of ['s3://b/1/abc/artifacts', 'gs://b/x', 'wasbs://c@a.blob.core.windows.net/x', 'dbfs:/x', 'hdfs://nn/x']) {
      const r = uploadRoute('sqlite', root, 'active');
      assert.equal(r.kind, 'refuse', root);
      assert.ok(r.kind === 'refuse' && r.hint, root);
    }
    assert.equal(uploadRoute('file', 'mlflow-artifacts:/1/abc/artifacts', 'active').kind, 'refuse');
  });

  it('a deleted run is refused whatever the store', () => {
    for (const k of ['rest', 'file', 'sqlite'] as const) {
      const r = uploadRoute(k, k === 'rest' ? 'mlflow-artifacts:/1/a/artifacts' : 'file:///m/1/a/artifacts', 'deleted');
      assert.equal(r.kind, 'refuse');
      assert.match(r.kind === 'refuse' ? r.reason : '', /deleted/);
    }
  });
});
