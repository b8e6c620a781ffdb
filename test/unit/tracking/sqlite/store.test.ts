// SqliteStore beyond the transcripts: the local-client database (same recipe, other ids), read-only
// guarantees, change detection, and the SQL store's clamping of ±inf.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isTrackingError } from '../../../../src/tracking/errors';
import { SqliteStore } from '../../../../src/tracking/sqlite';
import { applyWal, availableEngines, loadSqlJs } from '../../../../src/tracking/sqlite/database';
import { walOf } from './walFile';
import type { Run } from '../../../../src/tracking/types';
import { storePath, transcript, VERSIONS } from '../../../support/fixtures';

const MAX_DOUBLE = 1.7976931348623157e308;

function sha(p: string): string {
  return createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}

async function allRuns(store: SqliteStore, experimentId: string): Promise<Run[]> {
  return (await store.searchRuns({ experimentIds: [experimentId], runViewType: 'ALL', maxResults: 50000 })).items;
}

/** Tags whose values are ids or paths of one particular store. */
const STORE_SPECIFIC = new Set(['mlflow.parentRunId', 'mlflow.log-model.history', 'mlflow.source.name']);
const comparableTags = (r: Run) =>
  r.data.tags
    .filter((t) => !STORE_SPECIFIC.has(t.key) && !/[0-9a-f]{32}|\/srv\//.test(t.value) && !(t.key === 'mlflow.runName' && /^[a-z]+-[a-z]+-\d{1,3}$/.test(t.value)))
    .map((t) => `${t.key}=${t.value}`)
    .sort();
const params = (r: Run) => r.data.params.map((p) => `${p.key}=${p.value}`).sort();
const metrics = (r: Run) => r.data.metrics.map((m) => `${m.key}@${m.step}=${Number.isNaN(m.value) ? 'NaN' : m.value}`).sort();

describe('SqliteStore', function () {

  for (const ver of VERSIONS) {
    describe(`${ver}: local-client sqlite/mlflow.db matches the server database`, () => {
      let server: SqliteStore;
      let local: SqliteStore;
      before(async () => {
        server = await SqliteStore.open(storePath(ver, 'server', 'mlflow.db'));
        local = await SqliteStore.open(storePath(ver, 'sqlite', 'mlflow.db'));
      });
      after(() => {
        server?.dispose();
        local?.dispose();
      });

      it('has the same experiments by name (incl. deleted), with the same tags', async () => {
        const key = (e: { name: string; lifecycleStage: string; tags: { key: string; value: string }[] }) =>
          `${e.name}|${e.lifecycleStage}|${e.tags.map((t) => `${t.key}=${t.value}`).join(',')}`;
        const a = (await server.searchExperiments({ viewType: 'ALL' })).items.map(key).sort();
        const b = (await local.searchExperiments({ viewType: 'ALL' })).items.map(key).sort();
        assert.ok(a.length >= 4);
        assert.deepEqual(b, a);
      });

      it('has the same run names with the same params, tags and latest metrics', async () => {
        const exps = (await server.searchExperiments({ viewType: 'ALL' })).items;
        let compared = 0;
        for (const e of exps) {
          const le = await local.getExperimentByName(e.name);
          assert.ok(le, e.name);
          const sr = await allRuns(server, e.experimentId);
          const lr = await allRuns(local, le.experimentId);
          // runs created without a name get a random one (adjective-animal-123): those are compared by position
          const RANDOM = /^[a-z]+-[a-z]+-\d{1,3}$/;
          const label = (r: Run) => (RANDOM.test(r.info.runName) ? '<random>' : r.info.runName);
          assert.deepEqual(lr.map(label).sort(), sr.map(label).sort(), e.name);
          const randomL = lr.filter((r) => label(r) === '<random>').sort((a, b) => (a.info.startTime ?? 0) - (b.info.startTime ?? 0));
          const randomS = sr.filter((r) => label(r) === '<random>').sort((a, b) => (a.info.startTime ?? 0) - (b.info.startTime ?? 0));
          for (const r of sr) {
            const o = label(r) === '<random>' ? randomL[randomS.indexOf(r)] : lr.find((x) => x.info.runName === r.info.runName)!;
            assert.deepEqual(params(o), params(r), r.info.runName);
            assert.deepEqual(comparableTags(o), comparableTags(r), r.info.runName);
            assert.deepEqual(metrics(o), metrics(r), r.info.runName);
            assert.equal(o.info.status, r.info.status);
            assert.equal(o.info.lifecycleStage, r.info.lifecycleStage);
            compared++;
          }
        }
        assert.ok(compared >= 15, `compared ${compared} runs`);
      });

      it('lists artifacts from sqlite/mlruns (absolute /srv/mlflow-fixtures/... roots resolved next to the db)', async () => {
        const e = (await local.getExperimentByName('iris-classification'))!;
        const run = (await local.searchRuns({ experimentIds: [e.experimentId], filter: "attributes.run_name = 'baseline-logreg'" })).items[0];
        assert.match(run.info.artifactUri, /^\/srv\/mlflow-fixtures\/.+\/sqlite\/mlruns\//);
        const files = await local.listArtifacts({ type: 'run', id: run.info.runId, rootUri: run.info.artifactUri });
        assert.ok(files.some((f) => f.path === 'metrics.json' && f.fileSize! > 0));
        // the same files as the server store has under mlartifacts/
        const se = (await server.getExperimentByName('iris-classification'))!;
        const srun = (await server.searchRuns({ experimentIds: [se.experimentId], filter: "attributes.run_name = 'baseline-logreg'" })).items[0];
        const sfiles = await server.listArtifacts({ type: 'run', id: srun.info.runId, rootUri: srun.info.artifactUri });
        assert.deepEqual(files, sfiles);
        const text = Buffer.concat(
          await (async () => {
            const out: Buffer[] = [];
            for await (const c of await local.readArtifact({ type: 'run', id: run.info.runId, rootUri: run.info.artifactUri }, 'metrics.json'))
              out.push(Buffer.from(c));
            return out;
          })(),
        ).toString();
        assert.equal(JSON.parse(text).accuracy, 0.98);
        // an owner without rootUri is looked up in the database
        assert.deepEqual(await local.listArtifacts({ type: 'run', id: run.info.runId, rootUri: '' }), files);
      });

      if (ver === 'v3') {
        it('lists logged-model artifacts from sqlite/mlruns/<exp>/models', async () => {
          const e = (await local.getExperimentByName('iris-classification'))!;
          const models = await local.searchLoggedModels({ experimentIds: [e.experimentId] });
          assert.equal(models.items.length, 2);
          const m = models.items[0];
          const files = await local.listArtifacts({ type: 'loggedModel', id: m.info.modelId, rootUri: m.info.artifactUri });
          assert.ok(files.some((f) => f.path === 'MLmodel'));
          const v = await local.getModelVersion('iris-classifier', '1');
          assert.match(v.modelId ?? '', /^m-[0-9a-f]{32}$/);
        });
      }
    });
  }

  describe('ILIKE with letters beyond A–Z', () => {
    it('folds A–Z only, as MLflow\'s SQLite store does (SQLite lower() has no Unicode case folding)', async () => {
      const runId = '976dfca4864c4d1c979129ad38cea10b';
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-ilike-'));
      const copy = path.join(dir, 'mlflow.db');
      const SQL = await loadSqlJs();
      const db = new SQL.Database(fs.readFileSync(storePath('v3', 'server', 'mlflow.db')));
      db.run("INSERT INTO tags (key, value, run_uuid) VALUES ('team', 'Équipe Ünited', ?)", [runId]);
      fs.writeFileSync(copy, db.export());
      db.close();
      const store = await SqliteStore.open(copy);
      try {
        const exp = (await store.getRun(runId)).info.experimentId;
        const hit = async (filter: string) => (await store.searchRuns({ experimentIds: [exp], filter })).items.some((r) => r.info.runId === runId);
        // what sqlite3 answers for lower(value) LIKE lower(pattern) with case_sensitive_like on
        assert.equal(await hit("tags.team ILIKE 'équipe%'"), false, 'É and é differ on SQLite');
        assert.equal(await hit("tags.team ILIKE 'ÉQUIPE ÜNITED'"), true, 'A–Z fold, É = É');
        assert.equal(await hit("tags.team ILIKE '%üNITED'"), false);
        assert.equal(await hit("tags.team ILIKE '%Ünited'"), true);
        assert.equal(await hit("tags.team LIKE 'équipe%'"), false);
      } finally {
        store.dispose();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('SQL-store numbers', () => {
    it('±inf, stored clamped to ±1.7976931348623157e308, read as ±Infinity like the file store; NaN as NaN', async () => {
      const store = await SqliteStore.open(storePath('v3', 'server', 'mlflow.db'));
      try {
        const runId = '976dfca4864c4d1c979129ad38cea10b';
        const run = await store.getRun(runId);
        const m = new Map(run.data.metrics.map((x) => [x.key, x.value]));
        assert.equal(m.get('pos_inf'), Infinity);
        assert.equal(m.get('neg_inf'), -Infinity);
        const hist = await store.getMetricHistory(runId, 'mixed_nonfinite');
        assert.ok(hist.some((x) => Number.isNaN(x.value)));
        assert.ok(hist.some((x) => x.value === Infinity) && hist.some((x) => x.value === -Infinity));
        assert.ok(!hist.some((x) => Math.abs(x.value) === MAX_DOUBLE), 'no clamped value reaches the views');
        // the same recipe in a file store writes real infinities: both now read the same
        const fileRun = transcript('v3-filestore', 'runs-get-nan-inf').response_body as { run: { data: { metrics: { key: string; value: unknown }[] } } };
        assert.equal(fileRun.run.data.metrics.find((x) => x.key === 'pos_inf')?.value, 'Infinity');
        // filters still compare what the SQL store holds, as MLflow's SQLite store does
        const page = await store.searchRuns({ experimentIds: [run.info.experimentId], filter: 'metrics.pos_inf > 1.7976931348623157e308' });
        assert.ok(!page.items.some((r) => r.info.runId === runId));
        const page2 = await store.searchRuns({ experimentIds: [run.info.experimentId], filter: 'metrics.pos_inf >= 1.7976931348623157e308' });
        assert.ok(page2.items.some((r) => r.info.runId === runId));
      } finally {
        store.dispose();
      }
    });
  });

  for (const engine of availableEngines()) {
    describe(`reads through ${engine}`, () => {
      it('never change the database file, whatever is read', async () => {
        const db = storePath('v3', 'server', 'mlflow.db');
        const before = sha(db);
        const store = await SqliteStore.open(db, { engine });
        try {
          await store.searchExperiments({ viewType: 'ALL' });
          await store.searchRuns({ experimentIds: ['1', '2'], filter: "metrics.accuracy > 0.5 and params.criterion = 'gini'", orderBy: ['metrics.accuracy DESC'] });
          await store.getRun('96c4b9c30fed4b0f8eb24a6fbbb4f592');
          await store.getMetricHistory('bb1f5d18e387491b9b5a56b6797cec08', 'train/loss');
          await store.getSampledMetricHistory('bb1f5d18e387491b9b5a56b6797cec08', 'train/loss', { maxPoints: 100 });
          await store.searchRegisteredModels({});
          await store.searchModelVersions({});
          await store.searchLoggedModels({ experimentIds: ['1'] });
          await store.deleteRun('no-such-run').catch(() => undefined);
        } finally {
          store.dispose();
        }
        assert.equal(sha(db), before);
        assert.ok(!fs.existsSync(db + '-journal') && !fs.existsSync(db + '-wal'));
      });
    });
  }

  describe('sql.js (hosts without node:sqlite) never writes', () => {
    it('write methods reject with kind unsupported, saying what is needed', async () => {
      const db = storePath('v2', 'server', 'mlflow.db');
      const before = sha(db);
      const store = await SqliteStore.open(db, { engine: 'sql.js' });
      const run = '96c4b9c30fed4b0f8eb24a6fbbb4f592';
      try {
        const calls: [string, () => Promise<void>][] = [
          ['deleteRun', () => store.deleteRun(run)],
          ['restoreRun', () => store.restoreRun(run)],
          ['renameRun', () => store.renameRun(run, 'x')],
          ['setRunTag', () => store.setRunTag(run, 'k', 'v')],
          ['deleteRunTag', () => store.deleteRunTag(run, 'k')],
        ];
        for (const [name, call] of calls) {
          await assert.rejects(call(), (e: unknown) => isTrackingError(e, 'unsupported') && /Node 22\.13/.test(e.message) && /Update VS Code/.test(e.hint ?? ''), name);
        }
        assert.equal((await store.capabilities()).writes, false);
      } finally {
        store.dispose();
      }
      assert.equal(sha(db), before);
    });
  });

  describe('change detection', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-sqlite-'));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    async function modify(dbFile: string, sql: string): Promise<void> {
      const SQL = await loadSqlJs();
      const db = new SQL.Database(fs.readFileSync(dbFile));
      db.run(sql);
      const bytes = db.export();
      db.close();
      fs.writeFileSync(dbFile, bytes);
    }

    for (const engine of availableEngines()) it(`${engine}: the next call sees a changed file, and onDidChange fires`, async () => {
      const db = path.join(tmp, 'mlflow.db');
      fs.copyFileSync(storePath('v3', 'server', 'mlflow.db'), db);
      const store = await SqliteStore.open(db, { watchDebounceMs: 50, engine });
      try {
        assert.equal((await store.getExperiment('2')).name, 'team-a/rf-sweep');
        let fired = 0;
        const off = store.onDidChange(() => fired++);
        await modify(db, "UPDATE experiments SET name = 'renamed-outside' WHERE experiment_id = 2");
        assert.equal((await store.getExperiment('2')).name, 'renamed-outside');
        for (let i = 0; i < 40 && fired === 0; i++) await new Promise((r) => setTimeout(r, 50));
        // the watcher compares against what was loaded; the call above already reloaded, so a later change:
        await modify(db, "UPDATE experiments SET name = 'renamed-again' WHERE experiment_id = 2");
        for (let i = 0; i < 60 && fired === 0; i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(fired >= 1, 'onDidChange fired');
        off();
        assert.equal((await store.getExperimentByName('renamed-again'))?.experimentId, '2');
      } finally {
        store.dispose();
      }
    });

    it('reads committed transactions of a -wal file without writing anything', async () => {
      // Build a WAL-mode database image by hand is not possible with sql.js; check the folding logic
      // on a synthetic one-frame WAL instead.
      const SQL = await loadSqlJs();
      const src = new SQL.Database();
      src.run('PRAGMA page_size = 512; CREATE TABLE t(x); INSERT INTO t VALUES (1);');
      const base = src.export();
      src.run('UPDATE t SET x = 42');
      const changed = src.export();
      src.close();
      const pageSize = 512;
      const wal = walOf(changed, pageSize);
      const merged = applyWal(base, wal);
      const db = new SQL.Database(merged);
      assert.equal(db.exec('SELECT x FROM t')[0].values[0][0], 42);
      db.close();
      // a torn (bad checksum) WAL is ignored
      wal[wal.length - 1] ^= 0xff;
      const db2 = new SQL.Database(applyWal(base, wal));
      assert.equal(db2.exec('SELECT x FROM t')[0].values[0][0], 1);
      db2.close();
    });
  });

  describe('artifact roots', () => {
    it('mlflow-artifacts roots without an mlartifacts folder, and cloud roots, are unsupported with a hint', async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-sqlite-'));
      try {
        const db = path.join(tmp, 'mlflow.db');
        fs.copyFileSync(storePath('v2', 'server', 'mlflow.db'), db);
        const store = await SqliteStore.open(db);
        try {
          for (const rootUri of ['mlflow-artifacts:/1/abc/artifacts', 's3://bucket/1/abc/artifacts']) {
            await assert.rejects(store.listArtifacts({ type: 'run', id: 'abc', rootUri }), (e: unknown) => isTrackingError(e, 'unsupported') && /mlflow server/.test(e.hint ?? ''));
          }
          await assert.rejects(store.listArtifacts({ type: 'run', id: 'abc', rootUri: 's3://b/x' }, '../x'), (e: unknown) => isTrackingError(e, 'invalidRequest'));
        } finally {
          store.dispose();
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });
  });

  it('opening something that is not an MLflow database fails with invalidData / notFound', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-sqlite-'));
    try {
      const f = path.join(tmp, 'x.db');
      fs.writeFileSync(f, 'not a database at all, just text'.repeat(10));
      await assert.rejects(SqliteStore.open(f), (e: unknown) => isTrackingError(e, 'invalidData'));
      await assert.rejects(SqliteStore.open(path.join(tmp, 'missing.db')), (e: unknown) => isTrackingError(e, 'notFound'));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('every version opens', async () => {
    for (const ver of VERSIONS) {
      const s = await SqliteStore.open(storePath(ver, 'sqlite', 'mlflow.db'));
      assert.equal(s.kind, 'sqlite');
      assert.match(s.uri, /^sqlite:\/\/\/\//);
      s.dispose();
    }
  });
});
