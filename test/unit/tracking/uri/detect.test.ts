import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectDefaultStore, detectLocalStores, nodeLocalFs, resolveTrackingUri } from '../../../../src/tracking/uri';
import { storePath } from '../../../support/fixtures';
import { fakeFs } from './fakeFs';

const WS = '/ws';

function detect(files: string[]) {
  const f = fakeFs(files);
  return resolveTrackingUri({ env: {}, workspaceFolder: WS, exists: f.exists, listDir: f.listDir });
}

describe('tracking/uri: MLflow 3.7 default store detection', () => {
  it('mlruns with an all-digit experiment folder holding meta.yaml → file store', () => {
    const r = detect(['/ws/mlruns/0/meta.yaml']);
    assert.deepEqual(r, { kind: 'file', uri: 'file:///ws/mlruns', path: '/ws/mlruns', source: 'detected', display: 'mlruns' });
  });
  it('18-digit experiment ids count', () => {
    assert.equal(detect(['/ws/mlruns/358387156804898222/meta.yaml'])?.kind, 'file');
  });
  it('mlruns with only non-digit folders is not a file store', () => {
    assert.equal(detect(['/ws/mlruns/.trash/1/meta.yaml', '/ws/mlruns/models/m/meta.yaml', '/ws/mlruns/abc/meta.yaml']), undefined);
  });
  it('mlruns with a digit folder but no meta.yaml is not a file store', () => {
    assert.equal(detect(['/ws/mlruns/0/', '/ws/mlruns/1/tags/x']), undefined);
  });
  it('an empty mlruns falls back to mlflow.db', () => {
    assert.equal(detect(['/ws/mlruns/', '/ws/mlflow.db'])?.kind, 'sqlite');
  });
  it('mlflow.db alone → sqlite store', () => {
    assert.deepEqual(detect(['/ws/mlflow.db']), { kind: 'sqlite', uri: 'sqlite:////ws/mlflow.db', path: '/ws/mlflow.db', source: 'detected', display: 'mlflow.db' });
  });
  it('both mlruns (with data) and mlflow.db → mlruns wins, as in MLflow', () => {
    assert.equal(detect(['/ws/mlruns/0/meta.yaml', '/ws/mlflow.db'])?.kind, 'file');
  });
  it('nothing → undefined (welcome content)', () => {
    assert.equal(detect(['/ws/train.py']), undefined);
  });
  it('without listDir only mlruns/0/meta.yaml is checked', () => {
    const f = fakeFs(['/ws/mlruns/0/meta.yaml']);
    assert.equal(detectDefaultStore(WS, { exists: f.exists })?.kind, 'file');
    const g = fakeFs(['/ws/mlruns/5/meta.yaml']);
    assert.equal(detectDefaultStore(WS, { exists: g.exists }), undefined);
  });
  it('Windows workspace folder', () => {
    const f = fakeFs(['C:\\ws\\mlruns\\0\\meta.yaml'], { win: true });
    const r = resolveTrackingUri({ env: {}, workspaceFolder: 'C:\\ws', exists: f.exists, listDir: f.listDir });
    assert.equal(r?.uri, 'file:///C:/ws/mlruns');
    assert.equal(r?.path, 'C:\\ws\\mlruns');
  });
});

const SQLITE_HEAD = 'SQLite format 3\0' + ' '.repeat(100) + 'CREATE TABLE alembic_version (...) CREATE TABLE experiments (...) CREATE TABLE "runs" (...)';
const OTHER_SQLITE = 'SQLite format 3\0' + ' '.repeat(100) + 'CREATE TABLE users (...)';

describe('tracking/uri: detectLocalStores', () => {
  it('finds mlruns folders and MLflow SQLite files a couple of levels deep', () => {
    const f = fakeFs(
      [
        '/ws/mlruns/0/meta.yaml',
        '/ws/mlruns/1/meta.yaml',
        '/ws/mlflow.db',
        '/ws/experiments/tracking/3/meta.yaml',
        '/ws/data/store.sqlite',
        '/ws/data/users.db',
        '/ws/a/b/c/mlruns/0/meta.yaml', // too deep
        '/ws/node_modules/pkg/mlruns/0/meta.yaml',
        '/ws/.git/mlruns/0/meta.yaml',
        '/ws/.venv/lib/mlflow.db',
        '/ws/mlruns/0/nested.db', // inside a store: not walked
      ],
      { heads: { '/ws/mlflow.db': SQLITE_HEAD, '/ws/data/store.sqlite': SQLITE_HEAD, '/ws/data/users.db': OTHER_SQLITE } },
    );
    const got = detectLocalStores(WS, f);
    assert.deepEqual(
      got.map((c) => [c.kind, c.uri, c.detail]),
      [
        ['file', 'mlruns', 'mlruns folder, 2 experiments'],
        ['sqlite', 'sqlite:///mlflow.db', 'MLflow SQLite database'],
        ['sqlite', 'sqlite:///data/store.sqlite', 'MLflow SQLite database'],
        ['file', 'experiments/tracking', 'mlruns folder, 1 experiment'],
      ],
    );
    assert.equal(got[0].absoluteUri, 'file:///ws/mlruns');
    assert.equal(got[1].absoluteUri, 'sqlite:////ws/mlflow.db');
  });
  it('an mlflow.db that is not SQLite is skipped; an unreadable-header mlflow.db is still offered by name', () => {
    const f = fakeFs(['/ws/mlflow.db'], { heads: { '/ws/mlflow.db': 'not a database at all'.padEnd(200) } });
    assert.deepEqual(detectLocalStores(WS, f), []);
    const g = fakeFs(['/ws/mlflow.db']);
    assert.deepEqual(
      detectLocalStores(WS, { ...g, readHead: undefined }).map((c) => c.uri),
      ['sqlite:///mlflow.db'],
    );
  });
  it('nothing found → []', () => {
    assert.deepEqual(detectLocalStores(WS, fakeFs(['/ws/README.md'])), []);
  });

  it('recognizes the real v3 stores on disk (node fs)', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-'));
    try {
      fs.mkdirSync(path.join(tmp, 'proj', 'mlruns', '0'), { recursive: true });
      fs.copyFileSync(storePath('v3', 'mlruns', '0', 'meta.yaml'), path.join(tmp, 'proj', 'mlruns', '0', 'meta.yaml'));
      fs.copyFileSync(storePath('v3', 'sqlite', 'mlflow.db'), path.join(tmp, 'proj', 'tracking.db'));
      fs.writeFileSync(path.join(tmp, 'proj', 'other.db'), 'SQLite format 3\0' + ' '.repeat(200));
      const got = detectLocalStores(path.join(tmp, 'proj'), nodeLocalFs(fs));
      assert.deepEqual(
        got.map((c) => [c.kind, c.uri]),
        [
          ['file', 'mlruns'],
          ['sqlite', 'sqlite:///tracking.db'],
        ],
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
