// A large MLflow 3.6 SQLite store for the SQLite benchmarks: 5,000 runs in one experiment, each with
// 10 params, 7 tags and 5 metrics of 800 steps (20 million metric rows, > 2 GB), plus one run with a
// 100,000-point metric in a second experiment. Written by node:sqlite (Node 22.13+) mostly in SQL
// itself: the metric rows come from one INSERT … SELECT over recursive CTEs in the primary key's order,
// and index_metrics_run_uuid is built after the rows (a sort instead of 20 million random inserts).
// Cached under .bench/, or under $MLFLOW_BENCH_LARGE_DIR (reused while the manifest matches).
//
//   node -r tsx/cjs test/bench/sqliteLargeStore.ts [--runs 5000] [--steps 800] [--force]   (Node 22.13+)

import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeSqlite } from '../../src/tracking/sqlite/nodeSqliteEngine';
import { BENCH_DIR, readSchemaSql } from './generateStore';

export const LARGE_GENERATOR_VERSION = 1;
export const LARGE_METRIC_KEYS = ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'f1'];
const PARAM_KEYS = ['learning_rate', 'batch_size', 'epochs', 'optimizer', 'dropout', 'weight_decay', 'model', 'hidden_size', 'num_layers', 'seed'];
const OPTIMIZERS = ['adam', 'adamw', 'sgd'];
const BASE_TIME = 1_760_000_000_000;

export interface LargeStore {
  generatorVersion: number;
  dbPath: string;
  runs: number;
  steps: number;
  historyPoints: number;
  metricRows: number;
  bytes: number;
  experimentId: string;
  historyExperimentId: string;
  historyRunId: string;
  historyKey: string;
  generatedInMs: number;
}

/** Deterministic run ids: 32 hex digits from the index. */
function runId(i: number): string {
  let x = (i + 1) * 2654435761;
  let s = '';
  for (let k = 0; k < 4; k++) {
    x = (Math.imul(x ^ (x >>> 15), 2246822519) ^ (k * 3266489917)) >>> 0;
    s += x.toString(16).padStart(8, '0');
  }
  return s;
}

export function generateLargeSqliteStore(opts: { runs?: number; steps?: number; historyPoints?: number; force?: boolean; log?: (m: string) => void } = {}): LargeStore {
  const runs = opts.runs ?? 5000;
  const steps = opts.steps ?? 800;
  const historyPoints = opts.historyPoints ?? 100_000;
  const log = opts.log ?? (() => undefined);
  // MLFLOW_BENCH_LARGE_DIR: one copy shared by several checkouts (the store takes minutes and > 3 GB)
  const dir = path.join(process.env.MLFLOW_BENCH_LARGE_DIR || BENCH_DIR, `sqlite-large-${runs}x${steps}`);
  const manifestFile = path.join(dir, 'manifest.json');
  try {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as LargeStore;
    if (!opts.force && m.generatorVersion === LARGE_GENERATOR_VERSION && m.historyPoints === historyPoints && fs.statSync(m.dbPath).size === m.bytes) return { ...m, generatedInMs: 0 };
  } catch {
    // (re)generate
  }
  const mod = nodeSqlite();
  if (!mod) throw new Error(`generating the large SQLite store needs node:sqlite (Node 22.13+); this is Node ${process.versions.node}`);
  const t0 = Date.now();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tmpDb = path.join(dir, 'mlflow.db.tmp');
  const historyRunId = runId(runs + 1);
  const db = new mod.DatabaseSync(tmpDb);
  try {
    db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = FILE;');
    db.exec(readSchemaSql());
    db.exec('DROP INDEX index_metrics_run_uuid');
    db.exec('BEGIN');
    const artifactRoot = path.join(dir, 'mlruns');
    const insExp = db.prepare('INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)');
    insExp.run(0, 'Default', path.join(artifactRoot, '0'), 'active', BASE_TIME, BASE_TIME);
    insExp.run(1, `bench-large-${runs}-runs`, path.join(artifactRoot, '1'), 'active', BASE_TIME, BASE_TIME);
    insExp.run(2, 'bench-large-history', path.join(artifactRoot, '2'), 'active', BASE_TIME, BASE_TIME);
    const insRun = db.prepare(
      "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) VALUES (?, ?, 'UNKNOWN', '', '', ?, 'FINISHED', ?, ?, '', 'active', ?, ?, NULL)",
    );
    const insParam = db.prepare('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)');
    const insTag = db.prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)');
    db.exec('CREATE TEMP TABLE gen_runs (idx INTEGER PRIMARY KEY, id TEXT NOT NULL)');
    const insGen = db.prepare('INSERT INTO gen_runs (idx, id) VALUES (?, ?)');
    for (let i = 0; i < runs; i++) {
      const id = runId(i);
      const start = BASE_TIME + i * 600_000;
      insRun.run(id, `run-${i}`, `user${i % 7}`, start, start + steps * 1000, path.join(artifactRoot, '1', id, 'artifacts'), 1);
      insGen.run(i, id);
      const values = [String(10 ** -(1 + (i % 4))), String(2 ** (4 + (i % 5))), String(steps), OPTIMIZERS[i % 3], String((i % 5) / 10), '0.0001', `model-${i % 11}`, String(64 * (1 + (i % 8))), String(1 + (i % 6)), String(i)];
      PARAM_KEYS.forEach((k, j) => insParam.run(k, values[j], id));
      for (const [k, v] of [
        ['mlflow.runName', `run-${i}`],
        ['mlflow.user', `user${i % 7}`],
        ['mlflow.source.name', 'train.py'],
        ['mlflow.source.type', 'LOCAL'],
        ['team', ['vision', 'nlp', 'ranking'][i % 3]],
        ['model_type', ['mlp', 'cnn', 'gbm', 'transformer'][i % 4]],
        ['dataset', `ds-${i % 9}`],
      ]) {
        insTag.run(k, v, id);
      }
    }
    db.exec('COMMIT');
    // value(run i, key k, step s): a decreasing curve per run with a per-run offset, in [0, ~2)
    const value = (run: string, key: string, step: string) =>
      `(((${run} * 7919 + ${key} * 104729) % 1000) / 1000.0 + 1.0 / (1 + ${step} / 50.0) + ((${run} * 31 + ${step} * 17) % 97) / 9700.0)`;
    log(`runs written (${Date.now() - t0} ms); writing ${(runs * steps * LARGE_METRIC_KEYS.length / 1e6).toFixed(1)} M metric rows…`);
    const keys = LARGE_METRIC_KEYS.map((k, j) => `SELECT ${j} AS kidx, '${k}' AS key`).join(' UNION ALL ');
    db.exec('BEGIN');
    // primary key order (key, timestamp, step, run_uuid…): keys sorted by name outermost, then step (timestamp grows with it)
    db.exec(`
      CREATE TEMP TABLE gen_keys AS SELECT * FROM (${keys}) ORDER BY key;
      WITH RECURSIVE s(step) AS (SELECT 0 UNION ALL SELECT step + 1 FROM s WHERE step + 1 < ${steps})
      INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
      SELECT k.key, ${value('r.idx', 'k.kidx', 's.step')}, ${BASE_TIME} + s.step * 1000, r.id, s.step, 0
      FROM gen_keys k CROSS JOIN s CROSS JOIN gen_runs r;
      INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
      SELECT k.key, ${value('r.idx', 'k.kidx', String(steps - 1))}, ${BASE_TIME + (steps - 1) * 1000}, ${steps - 1}, 0, r.id FROM gen_runs r CROSS JOIN gen_keys k;
    `);
    db.exec('COMMIT');
    log(`metric rows written (${Date.now() - t0} ms); the history run…`);
    db.exec('BEGIN');
    insRun.run(historyRunId, 'long-history', 'user0', BASE_TIME, BASE_TIME + historyPoints * 100, path.join(artifactRoot, '2', historyRunId, 'artifacts'), 2);
    insTag.run('mlflow.runName', 'long-history', historyRunId);
    db.exec(`
      WITH RECURSIVE s(step) AS (SELECT 0 UNION ALL SELECT step + 1 FROM s WHERE step + 1 < ${historyPoints})
      INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
      SELECT 'train/loss', ${value('7', '1', 's.step')}, ${BASE_TIME} + s.step * 100, '${historyRunId}', s.step, 0 FROM s;
      INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
      VALUES ('train/loss', ${value('7', '1', String(historyPoints - 1))}, ${BASE_TIME + (historyPoints - 1) * 100}, ${historyPoints - 1}, 0, '${historyRunId}');
    `);
    db.exec('COMMIT');
    log(`building index_metrics_run_uuid (${Date.now() - t0} ms)…`);
    db.exec('CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid)');
    db.exec('DROP TABLE gen_runs; DROP TABLE gen_keys; PRAGMA journal_mode = DELETE;');
  } finally {
    db.close();
  }
  const dbPath = path.join(dir, 'mlflow.db');
  fs.renameSync(tmpDb, dbPath);
  const store: LargeStore = {
    generatorVersion: LARGE_GENERATOR_VERSION,
    dbPath,
    runs,
    steps,
    historyPoints,
    metricRows: runs * steps * LARGE_METRIC_KEYS.length + historyPoints,
    bytes: fs.statSync(dbPath).size,
    experimentId: '1',
    historyExperimentId: '2',
    historyRunId,
    historyKey: 'train/loss',
    generatedInMs: Date.now() - t0,
  };
  fs.writeFileSync(manifestFile, JSON.stringify(store, null, 2));
  return store;
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const s = generateLargeSqliteStore({ runs: arg('--runs'), steps: arg('--steps'), force: process.argv.includes('--force'), log: (m) => process.stderr.write(m + '\n') });
  process.stdout.write(JSON.stringify(s, null, 2) + '\n');
}
