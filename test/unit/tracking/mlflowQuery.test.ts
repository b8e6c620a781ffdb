// scripts/mlflow-query.mjs against the real stores: REST-shaped JSON out, exit 1 with the message on errors.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PROJECT_ROOT, storePath } from '../../support/fixtures';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'mlflow-query.mjs');

function query(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT, env: { ...process.env, MLFLOW_TRACKING_URI: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('scripts/mlflow-query.mjs', function () {
  this.timeout(30_000);

  it('lists experiments of a file store and pages runs of a SQLite store in REST shape', () => {
    const exps = query('--uri', storePath('v3', 'mlruns'), 'experiments');
    assert.equal(exps.code, 0, exps.err);
    const body = JSON.parse(exps.out) as { experiments: { experiment_id: string; name: string }[] };
    assert.ok(body.experiments.some((e) => e.experiment_id === '358387156804898222' && e.name === 'iris-classification'));

    const runs = query('--uri', `sqlite:///${storePath('v3', 'sqlite', 'mlflow.db')}`, 'runs', '1', '--max', '2', '--order-by', 'start_time DESC');
    assert.equal(runs.code, 0, runs.err);
    const page = JSON.parse(runs.out) as { runs: { info: { run_id: string; status: string } }[]; next_page_token?: string };
    assert.equal(page.runs.length, 2);
    assert.ok(page.next_page_token);
    assert.match(page.runs[0].info.run_id, /^[0-9a-f]{32}$/);
  });

  it('exits 1 with the error message for an unknown run and for unsupported URIs', () => {
    const missing = query('--uri', storePath('v3', 'mlruns'), 'run', '0123456789abcdef0123456789abcdef');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^error: .*does not exist/m);
    const pg = query('--uri', 'postgresql://u:secret@db/mlflow', 'experiments');
    assert.equal(pg.code, 1);
    assert.match(pg.err, /mlflow server --backend-store-uri/);
    assert.ok(!pg.err.includes('secret'));
  });

  it('prints usage and exits 2 for a bad command line', () => {
    const r = query('--uri', storePath('v3', 'mlruns'), 'history', 'only-one-arg');
    assert.equal(r.code, 2);
    assert.match(r.err, /usage:/);
  });
});
