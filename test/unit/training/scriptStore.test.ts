import * as assert from 'node:assert/strict';
import { parseTrackingUri } from '../../../src/tracking/uri';
import { scriptStore, storeNotice } from '../../../src/training/scriptStore';

const cwd = '/work/proj';
const explorer = parseTrackingUri('sqlite:///mlflow.db', { workspaceFolder: cwd }, 'setting');
const script = (uriLine: string) => `import os\nimport mlflow\n${uriLine}\nmlflow.set_experiment("x")\nwith mlflow.start_run():\n    mlflow.log_metric("loss", 1)\n`;

describe('training/scriptStore: the store a script sets itself', () => {
  it('no set_tracking_uri: the script logs where the launch points it (nothing to say)', () => {
    const s = scriptStore(script('print(1)'), cwd, explorer);
    assert.deepEqual(s, { kind: 'none' });
    assert.equal(storeNotice('train.py', s, 'mlflow.db'), undefined);
  });

  it('relative paths resolve against the working folder as MLflow does (sqlite, file: URI, bare path)', () => {
    const sq = scriptStore(script('mlflow.set_tracking_uri("sqlite:///other.db")'), cwd, explorer);
    assert.equal(sq.kind, 'other');
    assert.equal(sq.kind === 'other' && sq.resolved.path, '/work/proj/other.db');
    assert.equal(sq.kind === 'other' && sq.line, 2);
    const bare = scriptStore(script("mlflow.set_tracking_uri('runs/mlruns')"), cwd, explorer);
    assert.equal(bare.kind === 'other' && bare.resolved.kind, 'file');
    assert.equal(bare.kind === 'other' && bare.resolved.path, '/work/proj/runs/mlruns');
    const file = scriptStore(script('mlflow.set_tracking_uri(uri="file:///data/mlruns")'), cwd, explorer);
    assert.equal(file.kind === 'other' && file.resolved.uri, 'file:///data/mlruns');
    const server = scriptStore(script('mlflow.set_tracking_uri("http://127.0.0.1:5000")'), cwd, explorer);
    assert.equal(server.kind === 'other' && server.resolved.kind, 'rest');
  });

  it('the explorer\'s own store (written another way) is "same"', () => {
    assert.equal(scriptStore(script('mlflow.set_tracking_uri("sqlite:////work/proj/mlflow.db")'), cwd, explorer).kind, 'same');
  });

  it('the call that counts is the last one before the first start_run', () => {
    const text = 'import mlflow\nmlflow.set_tracking_uri("a.db")\nmlflow.set_tracking_uri("sqlite:///b.db")\nwith mlflow.start_run():\n    pass\nmlflow.set_tracking_uri("sqlite:///late.db")\n';
    const s = scriptStore(text, cwd, explorer);
    assert.equal(s.kind === 'other' && s.raw, 'sqlite:///b.db');
  });

  it('following another store: says which one, that it is the script\'s, and that settings are unchanged', () => {
    const s = scriptStore(script('mlflow.set_tracking_uri("sqlite:///other.db")'), cwd, explorer);
    const n = storeNotice('train.py', s, 'mlflow.db');
    assert.equal(n?.level, 'info');
    assert.equal(
      n?.message,
      'train.py calls set_tracking_uri("sqlite:///other.db") (line 3), so the explorer is following runs in sqlite:///other.db, the store this script sets (sqlite store, this window only; your settings are unchanged).',
    );
  });

  it('a URI from an expression: warns, follows the explorer\'s store, says what to do', () => {
    const s = scriptStore(script('mlflow.set_tracking_uri(os.environ["MY_URI"])'), cwd, explorer);
    assert.equal(s.kind, 'unreadable');
    const n = storeNotice('train.py', s, 'mlflow.db');
    assert.equal(n?.level, 'warning');
    assert.match(n.message, /^train\.py sets its own tracking URI \(line 3\) and its argument is an expression the extension cannot evaluate, so its runs are looked for in mlflow\.db, the store the explorer shows\. If they land elsewhere, point the explorer at that store with MLflow: Set Tracking URI/);
  });

  it('a store the extension cannot read (Databricks, PostgreSQL): says why and what to do', () => {
    const s = scriptStore(script('mlflow.set_tracking_uri("databricks")'), cwd, explorer);
    assert.equal(s.kind, 'unreadable');
    const n = storeNotice('train.py', s, 'mlflow.db');
    assert.match(n!.message, /^train\.py sets its tracking URI to "databricks" \(line 3\), a store the extension cannot read: The tracking URI databricks points at Databricks/);
    assert.match(n!.message, /Its runs will not appear here; to follow them, log to a file, SQLite or http\(s\) store \(or remove the call to log to mlflow\.db\)\.$/);
    const pg = scriptStore(script('mlflow.set_tracking_uri("postgresql://u@db/mlflow")'), cwd, explorer);
    assert.equal(pg.kind, 'unreadable');
  });
});
