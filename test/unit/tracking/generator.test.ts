// The benchmark generator (test/bench/generateStore.ts) must write stores that look exactly like what
// real MLflow 3.x writes: checked here against the real stores in test/fixtures/mlflow/stores/v3.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { dumpYaml, generateStore, pyFloat, readSchemaSql, yamlStr, type GeneratedStore } from '../../bench/generateStore';
import { FileStore } from '../../../src/tracking/file';
import { SqliteStore } from '../../../src/tracking/sqlite';
import type { Run, TrackingStore } from '../../../src/tracking/types';
import { storePath } from '../../support/fixtures';

const RUN_ID = /^[0-9a-f]{32}$/;

function runDirs(mlruns: string): string[] {
  const out: string[] = [];
  for (const exp of fs.readdirSync(mlruns)) {
    if (!/^\d+$/.test(exp)) continue;
    for (const r of fs.readdirSync(path.join(mlruns, exp))) if (RUN_ID.test(r)) out.push(path.join(mlruns, exp, r));
  }
  return out;
}

function listFiles(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else out.push(rel);
  }
  return out;
}

/** Key order and the YAML shape of each value: 'int', 'null', "''", '[]', 'quoted', 'plain'. */
function metaShape(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const m = /^([a-z_]+): (.*)$/.exec(line);
      assert.ok(m, `unexpected meta.yaml line: ${line}`);
      const v = m[2];
      const shape = /^-?\d+$/.test(v) ? 'int' : v === 'null' ? 'null' : v === "''" ? "''" : v === '[]' ? '[]' : v.startsWith("'") ? 'quoted' : 'plain';
      return `${m[1]}=${shape}`;
    });
}

const isRealRun = (dir: string) => !dir.includes('.trash');

describe('bench generator: store layout matches real MLflow 3.x', function () {
  this.timeout(60_000);
  let tmp: string;
  let gen: GeneratedStore;
  let SQL: SqlJsStatic;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gen-'));
    gen = await generateStore({ dir: path.join(tmp, 'store'), runs: 20, historyPoints: 1000 });
    SQL = await initSqlJs();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes both forms and a manifest; a second call reuses them', async () => {
    assert.ok(fs.existsSync(gen.dbPath));
    assert.ok(fs.existsSync(path.join(gen.mlrunsDir, '0', 'meta.yaml')));
    assert.equal(runDirs(gen.mlrunsDir).length, 21);
    const again = await generateStore({ dir: path.join(tmp, 'store'), runs: 20, historyPoints: 1000 });
    assert.equal(again.generatedInMs, 0, 'cached');
    assert.equal(again.historyRunId, gen.historyRunId);
    const other = await generateStore({ dir: path.join(tmp, 'store'), runs: 21, historyPoints: 1000 });
    assert.ok(other.generatedInMs > 0, 'regenerated for other options');
    assert.equal(runDirs(other.mlrunsDir).length, 22);
    gen = await generateStore({ dir: path.join(tmp, 'store'), runs: 20, historyPoints: 1000 });
  });

  it('is deterministic: the same seed gives the same ids', async () => {
    const g2 = await generateStore({ dir: path.join(tmp, 'store2'), runs: 20, historyPoints: 1000 });
    assert.deepEqual(g2.sampleRunIds, gen.sampleRunIds);
    assert.equal(g2.file.experimentId, gen.file.experimentId);
  });

  it('has a 1000-point history and MLflow-shaped ids', () => {
    const hist = fs.readFileSync(path.join(gen.mlrunsDir, gen.file.historyExperimentId, gen.historyRunId, 'metrics', 'train', 'loss'), 'utf8');
    assert.equal(hist.trimEnd().split('\n').length, 1000);
    assert.match(gen.file.experimentId, /^[1-9]\d{17}$/);
    for (const id of gen.sampleRunIds) assert.match(id, /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  });

  describe('file store', () => {
    it('run folders hold the same entries as a real v3 run with artifacts', () => {
      const realSets = new Set(runDirs(storePath('v3', 'mlruns')).filter(isRealRun).map((d) => fs.readdirSync(d).sort().join(',')));
      for (const d of runDirs(gen.mlrunsDir)) {
        const names = fs.readdirSync(d).sort().join(',');
        assert.ok(realSets.has(names), `${names} is not the entry set of any real run: ${[...realSets].join(' | ')}`);
      }
    });

    it('run meta.yaml has the key set, order and value format of real v3 runs', () => {
      const real = runDirs(storePath('v3', 'mlruns')).filter(isRealRun);
      const realByStatus = new Map<string, string[]>();
      for (const d of real) {
        const text = fs.readFileSync(path.join(d, 'meta.yaml'), 'utf8');
        if (!text.includes('lifecycle_stage: active')) continue;
        const status = /status: (\d)/.exec(text)![1];
        realByStatus.set(status === '1' ? 'running' : 'ended', metaShape(text));
      }
      assert.ok(realByStatus.has('running') && realByStatus.has('ended'));
      let sawRunning = false;
      for (const d of runDirs(gen.mlrunsDir)) {
        const text = fs.readFileSync(path.join(d, 'meta.yaml'), 'utf8');
        const running = /^status: 1$/m.test(text);
        sawRunning ||= running;
        assert.deepEqual(metaShape(text), realByStatus.get(running ? 'running' : 'ended'), d);
        assert.match(text, new RegExp(`^run_id: ${path.basename(d)}$`, 'm'));
        assert.match(text, new RegExp(`^artifact_uri: file://${path.join(d, 'artifacts')}$`, 'm'));
      }
      assert.ok(sawRunning, 'some runs are RUNNING (end_time: null)');
    });

    it('experiment meta.yaml matches the real format', () => {
      const realShape = metaShape(fs.readFileSync(storePath('v3', 'mlruns', '358387156804898222', 'meta.yaml'), 'utf8'));
      for (const id of ['0', gen.file.experimentId, gen.file.historyExperimentId]) {
        const text = fs.readFileSync(path.join(gen.mlrunsDir, id, 'meta.yaml'), 'utf8');
        assert.deepEqual(metaShape(text), realShape);
        assert.match(text, new RegExp(`^artifact_location: file://${path.join(gen.mlrunsDir, id)}$`, 'm'));
      }
      assert.deepEqual(fs.readFileSync(path.join(gen.mlrunsDir, '0', 'meta.yaml'), 'utf8').split('\n').map((l) => l.split(':')[0]), fs.readFileSync(storePath('v3', 'mlruns', '0', 'meta.yaml'), 'utf8').split('\n').map((l) => l.split(':')[0]));
    });

    it('dumpYaml reproduces every real run and experiment meta.yaml byte for byte', () => {
      const files: string[] = [];
      const root = storePath('v3', 'mlruns');
      for (const exp of fs.readdirSync(root).filter((e) => /^\d+$/.test(e))) {
        files.push(path.join(root, exp, 'meta.yaml'));
        for (const d of runDirs(root).filter((x) => x.startsWith(path.join(root, exp) + path.sep))) files.push(path.join(d, 'meta.yaml'));
      }
      assert.ok(files.length > 20);
      for (const f of files) {
        const text = fs.readFileSync(f, 'utf8');
        const o = yaml.load(text, { schema: yaml.CORE_SCHEMA }) as Record<string, string | number | null | []>;
        assert.equal(dumpYaml(o), text, f);
      }
    });

    it('params, tags and metric files are written like real ones', () => {
      const realTags = new Set<string>();
      for (const d of runDirs(storePath('v3', 'mlruns'))) if (fs.existsSync(path.join(d, 'tags'))) for (const t of listFiles(path.join(d, 'tags'))) realTags.add(t);
      const metricLine = /^\d{13} -?(\d+\.\d+(e[-+]\d\d)?|\d+e[-+]\d\d|nan|inf) -?\d+$/;
      for (const d of runDirs(gen.mlrunsDir)) {
        for (const t of listFiles(path.join(d, 'tags'))) {
          if (t.startsWith('mlflow.')) assert.ok(realTags.has(t), `system tag ${t} is one real MLflow writes`);
          assert.ok(!fs.readFileSync(path.join(d, 'tags', t), 'utf8').endsWith('\n'));
        }
        for (const p of listFiles(path.join(d, 'params'))) assert.ok(!fs.readFileSync(path.join(d, 'params', p), 'utf8').endsWith('\n'));
        for (const m of listFiles(path.join(d, 'metrics'))) {
          const text = fs.readFileSync(path.join(d, 'metrics', m), 'utf8');
          assert.ok(text.endsWith('\n'));
          for (const line of text.trimEnd().split('\n')) assert.match(line, metricLine, `${m}: ${line}`);
        }
        const runName = fs.readFileSync(path.join(d, 'tags', 'mlflow.runName'), 'utf8');
        assert.match(fs.readFileSync(path.join(d, 'meta.yaml'), 'utf8'), new RegExp(`^run_name: ${runName}$`, 'm'));
      }
      // real metric lines have the same shape
      const real = fs.readFileSync(storePath('v3', 'mlruns', '358387156804898222', '2177a38650cb49f88692eb8935d150d3', 'metrics', 'loss'), 'utf8');
      for (const line of real.trimEnd().split('\n')) assert.match(line, metricLine);
    });

    it('pyFloat matches every value token in the real metric files', () => {
      let n = 0;
      for (const d of runDirs(storePath('v3', 'mlruns'))) {
        if (!fs.existsSync(path.join(d, 'metrics'))) continue;
        for (const m of listFiles(path.join(d, 'metrics'))) {
          for (const line of fs.readFileSync(path.join(d, 'metrics', m), 'utf8').trimEnd().split('\n')) {
            const tok = line.split(' ')[1];
            const v = tok === 'nan' ? NaN : tok === 'inf' ? Infinity : tok === '-inf' ? -Infinity : Number(tok);
            assert.equal(pyFloat(v), tok);
            n++;
          }
        }
      }
      assert.ok(n > 10_000, `checked ${n} values`);
    });
  });

  it('pyFloat follows Python repr', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [100, '100.0'],
      [1e16, '1e+16'],
      [1234567890123456.8, '1234567890123456.8'], // the double nearest 1234567890123456.7 too
      [-0, '-0.0'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-2.5e-7, '-2.5e-07'],
      [NaN, 'nan'],
      [-Infinity, '-inf'],
    ];
    for (const [v, s] of cases) assert.equal(pyFloat(v), s, String(v));
  });

  it('yamlStr quotes what PyYAML quotes', () => {
    assert.equal(yamlStr('123'), "'123'");
    assert.equal(yamlStr(''), "''");
    assert.equal(yamlStr('true'), "'true'");
    assert.equal(yamlStr('1.5'), "'1.5'");
    assert.equal(yamlStr('brave-owl-42'), 'brave-owl-42');
    assert.equal(yamlStr('file:///a/b'), 'file:///a/b');
    assert.equal(yamlStr("it's: x"), "'it''s: x'");
  });

  describe('SQLite store', () => {
    let db: Database;
    before(() => {
      db = new SQL.Database(fs.readFileSync(gen.dbPath));
    });
    after(() => db?.close());

    const rows = (d: Database, sql: string) => {
      const r = d.exec(sql)[0];
      return r ? r.values : [];
    };

    it('has exactly the tables, columns, indexes and alembic revision of the real v3 DB', () => {
      const real = new SQL.Database(fs.readFileSync(storePath('v3', 'sqlite', 'mlflow.db')));
      try {
        const master = 'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name';
        assert.deepEqual(rows(db, master), rows(real, master));
        for (const [name] of rows(real, "SELECT name FROM sqlite_master WHERE type = 'table'")) {
          assert.deepEqual(rows(db, `PRAGMA table_info("${String(name)}")`), rows(real, `PRAGMA table_info("${String(name)}")`), String(name));
        }
        assert.deepEqual(rows(db, 'SELECT version_num FROM alembic_version'), rows(real, 'SELECT version_num FROM alembic_version'));
      } finally {
        real.close();
      }
    });

    it('the committed schema file is what the DB was built from', () => {
      assert.match(readSchemaSql(), /INSERT INTO alembic_version \(version_num\) VALUES \('bf29a5ff90ea'\);/);
    });

    it('rows are consistent the way MLflow writes them', () => {
      assert.deepEqual(rows(db, 'SELECT experiment_id, name, lifecycle_stage FROM experiments ORDER BY experiment_id'), [
        [0, 'Default', 'active'],
        [1, 'bench-20-runs', 'active'],
        [2, 'bench-long-history', 'active'],
      ]);
      assert.deepEqual(rows(db, 'SELECT COUNT(*) FROM runs WHERE experiment_id = 1'), [[20]]);
      assert.deepEqual(rows(db, 'SELECT COUNT(*) FROM params'), [[20 * 10 + 2]]);
      // run name mirrored in the mlflow.runName tag
      assert.deepEqual(rows(db, "SELECT COUNT(*) FROM runs r JOIN tags t ON t.run_uuid = r.run_uuid AND t.key = 'mlflow.runName' WHERE t.value = r.name"), [[21]]);
      // latest_metrics = the max (step, timestamp) row of metrics per key
      assert.deepEqual(
        rows(
          db,
          `SELECT COUNT(*) FROM latest_metrics l WHERE NOT EXISTS (
             SELECT 1 FROM metrics m WHERE m.run_uuid = l.run_uuid AND m.key = l.key AND m.step = l.step AND m.timestamp = l.timestamp AND m.value = l.value)
           OR EXISTS (SELECT 1 FROM metrics m WHERE m.run_uuid = l.run_uuid AND m.key = l.key AND (m.step > l.step OR (m.step = l.step AND m.timestamp > l.timestamp)))`,
        ),
        [[0]],
      );
      assert.deepEqual(rows(db, `SELECT COUNT(*) FROM metrics WHERE run_uuid = '${gen.historyRunId}' AND key = 'train/loss'`), [[1000]]);
      // RUNNING runs have no end_time; statuses are names; artifact_uri is a plain absolute path
      assert.deepEqual(rows(db, "SELECT COUNT(*) FROM runs WHERE (status = 'RUNNING') <> (end_time IS NULL)"), [[0]]);
      const [[uri]] = rows(db, `SELECT artifact_uri FROM runs WHERE run_uuid = '${gen.sampleRunIds[0]}'`);
      assert.equal(uri, path.join(gen.sqliteArtifactRoot, '1', gen.sampleRunIds[0], 'artifacts'));
      assert.deepEqual(rows(db, 'SELECT DISTINCT source_type FROM runs'), [['UNKNOWN']]);
    });

    it('runs rows look like the real ones (same NULLs and empty strings)', () => {
      const real = new SQL.Database(fs.readFileSync(storePath('v3', 'sqlite', 'mlflow.db')));
      try {
        const shape = (d: Database) =>
          rows(d, "SELECT source_type, source_name, entry_point_name, source_version, deleted_time IS NULL, typeof(start_time), typeof(experiment_id) FROM runs WHERE status = 'FINISHED' AND lifecycle_stage = 'active' LIMIT 1");
        assert.deepEqual(shape(db), shape(real));
      } finally {
        real.close();
      }
    });

    it('holds the same runs as the file store', () => {
      const ids = new Set(rows(db, 'SELECT run_uuid FROM runs').map((r) => String(r[0])));
      for (const d of runDirs(gen.mlrunsDir)) assert.ok(ids.has(path.basename(d)));
    });
  });

  describe('the extension\'s stores read it', () => {
    const summary = (r: Run) => ({
      id: r.info.runId,
      name: r.info.runName,
      status: r.info.status,
      start: r.info.startTime,
      end: r.info.endTime,
      user: r.info.userId,
      params: [...r.data.params].sort((a, b) => a.key.localeCompare(b.key)),
      tags: [...r.data.tags].sort((a, b) => a.key.localeCompare(b.key)),
      metrics: r.data.metrics.map((m) => ({ key: m.key, value: m.value, step: m.step, timestamp: m.timestamp })).sort((a, b) => a.key.localeCompare(b.key)),
    });

    async function readAll(s: TrackingStore, experimentId: string, historyExperimentId: string) {
      const page = await s.searchRuns({ experimentIds: [experimentId], orderBy: ['attributes.start_time DESC'], maxResults: 1000 });
      const hist = await s.getMetricHistory(gen.historyRunId, gen.historyKey);
      const histRun = await s.getRun(gen.historyRunId);
      const exps = await s.searchExperiments({ maxResults: 100 });
      return { runs: page.items.map(summary), hist: hist.map((m) => [m.step, m.value, m.timestamp]), histExp: histRun.info.experimentId === historyExperimentId, exps: exps.items.map((e) => e.name).sort() };
    }

    it('FileStore and SqliteStore list the same 20 runs, values and history', async () => {
      const fileStore = new FileStore(gen.mlrunsDir);
      const sqliteStore = await SqliteStore.open(gen.dbPath);
      try {
        const a = await readAll(fileStore, gen.file.experimentId, gen.file.historyExperimentId);
        const b = await readAll(sqliteStore, gen.sqlite.experimentId, gen.sqlite.historyExperimentId);
        assert.equal(a.runs.length, 20);
        assert.equal(a.hist.length, 1000);
        assert.ok(a.histExp && b.histExp);
        assert.deepEqual(a.exps, ['Default', 'bench-20-runs', 'bench-long-history']);
        assert.deepEqual(b.exps, a.exps);
        assert.deepEqual(b.runs, a.runs);
        assert.deepEqual(b.hist, a.hist);
        assert.ok(a.runs.every((r, i) => i === 0 || (a.runs[i - 1].start ?? 0) >= (r.start ?? 0)), 'ordered by start_time DESC');
        assert.ok(a.runs.every((r) => r.params.length === 10 && r.metrics.length === 5));
      } finally {
        fileStore.dispose();
        sqliteStore.dispose();
      }
    });
  });
});
