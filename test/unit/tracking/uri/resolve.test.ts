import * as assert from 'node:assert/strict';
import { TrackingError } from '../../../../src/tracking/errors';
import { resolveTrackingUri, type ResolveInput, type ResolvedUri } from '../../../../src/tracking/uri';
import { fakeFs } from './fakeFs';

const WS = '/home/u/proj';
const HOME = '/home/u';

function resolve(setting: string | undefined, extra: Partial<ResolveInput> = {}): ResolvedUri | undefined {
  const fs = fakeFs([]);
  return resolveTrackingUri({ setting, env: {}, workspaceFolder: WS, homeDir: HOME, exists: fs.exists, listDir: fs.listDir, ...extra });
}

function must(setting: string, extra: Partial<ResolveInput> = {}): ResolvedUri {
  const r = resolve(setting, extra);
  assert.ok(r, `expected a store for ${setting}`);
  return r;
}

function fails(setting: string, extra: Partial<ResolveInput> = {}): TrackingError {
  try {
    resolve(setting, extra);
  } catch (e) {
    assert.ok(e instanceof TrackingError, `expected a TrackingError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${setting} to be rejected`);
}

describe('tracking/uri: resolveTrackingUri forms', () => {
  describe('file stores', () => {
    it('plain relative path resolves against the workspace folder', () => {
      const r = must('mlruns');
      assert.deepEqual(r, { kind: 'file', uri: 'file:///home/u/proj/mlruns', path: '/home/u/proj/mlruns', source: 'setting', display: 'mlruns' });
    });
    it('./ and ../ relative paths', () => {
      assert.equal(must('./mlruns/').path, '/home/u/proj/mlruns');
      const up = must('../other/mlruns');
      assert.equal(up.path, '/home/u/other/mlruns');
      assert.equal(up.display, '/home/u/other/mlruns');
    });
    it('absolute path', () => {
      const r = must('/data/exp/mlruns');
      assert.equal(r.kind, 'file');
      assert.equal(r.uri, 'file:///data/exp/mlruns');
      assert.equal(r.display, '/data/exp/mlruns');
    });
    it('~ expands to the home folder', () => {
      assert.equal(must('~/mlruns').path, '/home/u/mlruns');
      assert.equal(must('~').path, '/home/u');
    });
    it('file:///abs', () => {
      const r = must('file:///data/mlruns');
      assert.equal(r.kind, 'file');
      assert.equal(r.path, '/data/mlruns');
      assert.equal(r.uri, 'file:///data/mlruns');
    });
    it('file://localhost/abs', () => {
      assert.equal(must('file://localhost/data/mlruns').path, '/data/mlruns');
      assert.equal(must('file://LOCALHOST/data/mlruns').path, '/data/mlruns');
    });
    it('file:/abs (one slash)', () => {
      assert.equal(must('file:/data/mlruns').path, '/data/mlruns');
    });
    it('file:relative resolves against the workspace folder', () => {
      assert.equal(must('file:mlruns').path, '/home/u/proj/mlruns');
      assert.equal(must('file:./sub/mlruns').path, '/home/u/proj/sub/mlruns');
    });
    it('percent-escapes are decoded and re-encoded in the normalized URI', () => {
      const r = must('file:///home/u/my%20proj/ml%C3%BCruns');
      assert.equal(r.path, '/home/u/my proj/mlüruns');
      assert.equal(r.uri, 'file:///home/u/my%20proj/ml%C3%BCruns');
    });
    it('a path with spaces and # is encoded in the uri', () => {
      const r = must('/tmp/a b/#1/mlruns');
      assert.equal(r.uri, 'file:///tmp/a%20b/%231/mlruns');
    });
    it('file:// on another host is rejected on POSIX', () => {
      if (process.platform === 'win32') return;
      const e = fails('file://fileserver/share/mlruns');
      assert.equal(e.kind, 'invalidRequest');
      assert.match(e.message, /another host/);
    });
    it('Windows file:///C:/… URI', () => {
      const r = must('file:///C:/Users/me/proj/mlruns', { workspaceFolder: 'C:\\Users\\me\\proj' });
      assert.equal(r.kind, 'file');
      assert.equal(r.path, 'C:\\Users\\me\\proj\\mlruns');
      assert.equal(r.uri, 'file:///C:/Users/me/proj/mlruns');
      assert.equal(r.display, 'mlruns');
    });
    it('Windows plain paths (backslashes, forward slashes, relative)', () => {
      const ws = 'C:\\work\\proj';
      assert.equal(must('C:\\data\\mlruns', { workspaceFolder: ws }).path, 'C:\\data\\mlruns');
      assert.equal(must('C:/data/mlruns', { workspaceFolder: ws }).uri, 'file:///C:/data/mlruns');
      assert.equal(must('mlruns', { workspaceFolder: ws }).path, 'C:\\work\\proj\\mlruns');
      assert.equal(must('sub\\mlruns', { workspaceFolder: ws }).uri, 'file:///C:/work/proj/sub/mlruns');
    });
    it('relative path without a workspace folder is an invalidRequest', () => {
      const e = fails('mlruns', { workspaceFolder: undefined });
      assert.equal(e.kind, 'invalidRequest');
      assert.match(e.message, /relative path/);
    });
    it('absolute paths need no workspace folder', () => {
      assert.equal(must('/data/mlruns', { workspaceFolder: undefined }).display, '/data/mlruns');
    });
  });

  describe('sqlite stores', () => {
    it('sqlite:///relative.db (3 slashes) is relative to the workspace folder', () => {
      const r = must('sqlite:///mlflow.db');
      assert.deepEqual(r, { kind: 'sqlite', uri: 'sqlite:////home/u/proj/mlflow.db', path: '/home/u/proj/mlflow.db', source: 'setting', display: 'mlflow.db' });
      assert.equal(must('sqlite:///data/x.db').path, '/home/u/proj/data/x.db');
    });
    it('sqlite:////abs.db (4 slashes) is absolute', () => {
      const r = must('sqlite:////var/lib/mlflow/mlflow.db');
      assert.equal(r.path, '/var/lib/mlflow/mlflow.db');
      assert.equal(r.uri, 'sqlite:////var/lib/mlflow/mlflow.db');
      assert.equal(r.display, '/var/lib/mlflow/mlflow.db');
    });
    it('Windows sqlite:///C:/… is absolute', () => {
      const r = must('sqlite:///C:/data/mlflow.db', { workspaceFolder: 'D:\\proj' });
      assert.equal(r.path, 'C:\\data\\mlflow.db');
      assert.equal(r.uri, 'sqlite:///C:/data/mlflow.db');
    });
    it('driver suffix and query string are accepted', () => {
      assert.equal(must('sqlite+pysqlite:///mlflow.db?mode=ro').path, '/home/u/proj/mlflow.db');
    });
    it('a plain path to a .db file is a SQLite store', () => {
      const r = must('./mlflow.db');
      assert.equal(r.kind, 'sqlite');
      assert.equal(r.uri, 'sqlite:////home/u/proj/mlflow.db');
    });
    it('in-memory sqlite is unsupported', () => {
      for (const u of ['sqlite://', 'sqlite:///:memory:']) {
        const e = fails(u);
        assert.equal(e.kind, 'unsupported');
        assert.match(e.message, /in-memory/);
      }
    });
    it('sqlite with a host is invalid', () => {
      assert.equal(fails('sqlite://host/x.db').kind, 'invalidRequest');
      assert.equal(fails('sqlite:mlflow.db').kind, 'invalidRequest');
    });
    it('relative sqlite without a workspace folder is an invalidRequest', () => {
      assert.equal(fails('sqlite:///mlflow.db', { workspaceFolder: undefined }).kind, 'invalidRequest');
    });
  });

  describe('tracking servers', () => {
    it('http with port', () => {
      const r = must('http://127.0.0.1:5000');
      assert.deepEqual(r, { kind: 'rest', uri: 'http://127.0.0.1:5000', url: 'http://127.0.0.1:5000', source: 'setting', display: 'http://127.0.0.1:5000' });
    });
    it('trailing slash is stripped, path prefix kept', () => {
      assert.equal(must('https://mlflow.example.com/').url, 'https://mlflow.example.com');
      assert.equal(must('https://example.com/team/mlflow/').url, 'https://example.com/team/mlflow');
      assert.equal(must('https://example.com/team/mlflow//').url, 'https://example.com/team/mlflow');
    });
    it('scheme and host are lower-cased, path case kept', () => {
      assert.equal(must('HTTPS://Example.COM/Prefix').url, 'https://example.com/Prefix');
    });
    it('userinfo becomes credentials and is stripped from uri and display', () => {
      const r = must('https://alice:s3cr%40t@mlflow.example.com:8443/ml/');
      assert.deepEqual(r.credentials, { username: 'alice', password: 's3cr@t' });
      assert.equal(r.uri, 'https://mlflow.example.com:8443/ml');
      assert.equal(r.url, 'https://mlflow.example.com:8443/ml');
      assert.equal(r.display, 'https://mlflow.example.com:8443/ml');
      assert.ok(!JSON.stringify({ ...r, credentials: undefined }).includes('s3cr'));
    });
    it('username without password', () => {
      assert.deepEqual(must('http://bob@host:5000').credentials, { username: 'bob', password: '' });
    });
    it('no credentials key when the URL has none', () => {
      assert.ok(!('credentials' in must('http://host:5000')));
    });
    it('fragment is dropped', () => {
      assert.equal(must('http://host:5000/#/experiments/1').url, 'http://host:5000');
    });
    it('an invalid URL is an invalidRequest without the password in the message', () => {
      const e = fails('http://user:pw@host:99999999');
      assert.equal(e.kind, 'invalidRequest');
      assert.ok(!e.message.includes('pw@'), e.message);
    });
  });

  describe('unsupported schemes', () => {
    const cases: [string, RegExp][] = [
      ['databricks', /Databricks/],
      ['databricks://my-profile', /Databricks/],
      ['databricks-uc', /Unity Catalog/],
      ['databricks-uc://prof', /Unity Catalog/],
      ['uc:http://host', /Unity Catalog/],
      ['postgresql://u:pw@db:5432/mlflow', /PostgreSQL/],
      ['postgresql+psycopg2://db/mlflow', /PostgreSQL/],
      ['mysql://db/mlflow', /MySQL/],
      ['mysql+pymysql://db/mlflow', /MySQL/],
      ['mssql+pyodbc://db/mlflow', /SQL Server/],
      ['s3://bucket/mlruns', /artifact/],
      ['mlflow-artifacts:/1', /artifact/],
      ['ftp://host/x', /artifact/],
      ['foo://bar', /'foo:'/],
    ];
    for (const [uri, re] of cases) {
      it(`${uri} → unsupported with a clear message`, () => {
        const e = fails(uri);
        assert.equal(e.kind, 'unsupported');
        assert.match(e.message, re);
        assert.ok(e.hint, 'has a hint');
        assert.match(e.hint, /http/);
        assert.ok(!e.userMessage.includes(':pw@'), 'no password in the message');
      });
    }
    it('database URIs tell the user to run mlflow server with that backend', () => {
      const e = fails('postgresql://u:pw@db:5432/mlflow');
      assert.match(e.hint!, /mlflow server --backend-store-uri postgresql:\/\/db:5432\/mlflow/);
      assert.match(e.hint!, /mlflow\.trackingUri/);
      assert.match(e.hint!, /http:\/\//);
    });
  });
});

describe('tracking/uri: resolution order', () => {
  const fsWithBoth = fakeFs([`${WS}/mlruns/0/meta.yaml`, `${WS}/mlflow.db`]);
  const base = { workspaceFolder: WS, exists: fsWithBoth.exists, listDir: fsWithBoth.listDir };

  it('the setting wins over everything', () => {
    const r = resolveTrackingUri({ ...base, setting: 'http://a:5000', env: { MLFLOW_TRACKING_URI: 'http://b:5000' }, dotenv: 'MLFLOW_TRACKING_URI=http://c:5000' });
    assert.equal(r?.url, 'http://a:5000');
    assert.equal(r?.source, 'setting');
  });
  it('a blank setting is unset', () => {
    const r = resolveTrackingUri({ ...base, setting: '   ', env: { MLFLOW_TRACKING_URI: 'http://b:5000' } });
    assert.equal(r?.source, 'env');
  });
  it('process env wins over .env', () => {
    const r = resolveTrackingUri({ ...base, env: { MLFLOW_TRACKING_URI: 'http://b:5000' }, dotenv: 'MLFLOW_TRACKING_URI=http://c:5000' });
    assert.equal(r?.url, 'http://b:5000');
    assert.equal(r?.source, 'env');
  });
  it('.env is used when the process env has none (or an empty one)', () => {
    const r = resolveTrackingUri({ ...base, env: { MLFLOW_TRACKING_URI: '' }, dotenv: '# config\nexport MLFLOW_TRACKING_URI="sqlite:///db/mlflow.db"\n' });
    assert.equal(r?.kind, 'sqlite');
    assert.equal(r?.path, '/home/u/proj/db/mlflow.db');
    assert.equal(r?.source, 'dotenv');
  });
  it('env relative paths resolve against the workspace folder', () => {
    const r = resolveTrackingUri({ ...base, env: { MLFLOW_TRACKING_URI: './runs' } });
    assert.equal(r?.path, '/home/u/proj/runs');
  });
  it('.env without the variable falls through to detection', () => {
    const r = resolveTrackingUri({ ...base, env: {}, dotenv: 'OTHER=1' });
    assert.equal(r?.source, 'detected');
  });
  it('errors from env are thrown too', () => {
    assert.throws(() => resolveTrackingUri({ ...base, env: { MLFLOW_TRACKING_URI: 'databricks' } }), (e: unknown) => e instanceof TrackingError && e.kind === 'unsupported');
  });
  it('no workspace folder and nothing configured → undefined', () => {
    assert.equal(resolveTrackingUri({ env: {}, exists: () => true }), undefined);
  });
});
