// Data-layer benchmark: the extension's FileStore and SqliteStore on a 5,000-run store and a
// 100,000-point metric, against real MLflow's figures. Prints one JSON line per measurement (read by
// scripts/bench.mjs) and exits 1 when a target is missed.
//
//   npm run bench                         (all benches)
//   node -r tsx/cjs --expose-gc test/bench/dataLayer.bench.ts
//   BENCH_RUNS=500 BENCH_POINTS=10000 …   (a quick smoke run: figures are reported, targets not judged)

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { FileStore } from '../../src/tracking/file';
import { SqliteStore } from '../../src/tracking/sqlite';
import type { Run, TrackingStore } from '../../src/tracking/types';
import { generateStore, type GeneratedStore } from './generateStore';

// Real MLflow 3.6.1.dev0, measured once with its Python MlflowClient on the same kind of 5,000-run
// store (file v3 and sqlite v3, median of 3, seconds). MLflow cannot run here, so the figures are kept.
const MLFLOW_V3 = {
  fileFirst100: 4.942, // MlflowClient.search_runs(max_results=100) first page, file v3
  fileAllPages: 35.927, // MlflowClient.search_runs all pages of 1000, file v3
  fileHistory: 1.27, // MlflowClient.get_metric_history(100k points), file v3
  sqliteFirst100: 0.056, // MlflowClient.search_runs(max_results=100) first page, sqlite v3
  sqliteAllPages: 4.868, // MlflowClient.search_runs all pages of 1000, sqlite v3
  sqliteHistory: 2.51, // MlflowClient.get_metric_history(100k points), sqlite v3
};

const FULL_RUNS = 5000;
const FULL_POINTS = 100_000;
const RUNS = Number(process.env.BENCH_RUNS ?? FULL_RUNS);
const POINTS = Number(process.env.BENCH_POINTS ?? FULL_POINTS);
const FULL_SIZE = RUNS === FULL_RUNS && POINTS === FULL_POINTS;
const REPEATS = 3;
const MB = 1024 * 1024;
const ORDER = ['attributes.start_time DESC'];

interface Line {
  bench: 'dataLayer';
  id: string;
  label: string;
  /** Median of REPEATS after a warm-up (seconds). */
  seconds?: number;
  /** The first call in this process (seconds). */
  cold?: number;
  samples?: number[];
  /** Real MLflow's time for the same operation (seconds). */
  mlflow?: number;
  /** mlflow / seconds: how many times faster. */
  ratio?: number;
  mb?: number;
  target?: string;
  pass?: boolean;
  note?: string;
}

let missed = 0;

function emit(line: Line): void {
  if (line.pass === false) missed++;
  process.stdout.write(JSON.stringify(line) + '\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = process.hrtime.bigint();
  const r = await f();
  return [Number(process.hrtime.bigint() - t0) / 1e9, r];
}

/** Cold first call, one warm-up, then the median of REPEATS. Each call gets a fresh store (no cache carried over). */
async function measure<T>(f: () => Promise<T>): Promise<{ cold: number; median: number; samples: number[]; last: T }> {
  const [cold] = await time(f);
  await f(); // warm-up
  const samples: number[] = [];
  let last!: T;
  for (let i = 0; i < REPEATS; i++) {
    const [s, r] = await time(f);
    samples.push(s);
    last = r;
  }
  return { cold, median: median(samples), samples, last };
}

function judge(line: Line, ok: boolean): Line {
  if (!FULL_SIZE) return { ...line, pass: undefined, note: `reduced size (${RUNS} runs, ${POINTS} points): not judged` };
  return { ...line, pass: ok };
}

async function withStore<T>(open: () => Promise<TrackingStore> | TrackingStore, f: (s: TrackingStore) => Promise<T>): Promise<T> {
  const s = await open();
  try {
    return await f(s);
  } finally {
    s.dispose();
  }
}

async function allRuns(s: TrackingStore, experimentId: string): Promise<Run[]> {
  const out: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await s.searchRuns({ experimentIds: [experimentId], orderBy: ORDER, maxResults: 1000, pageToken });
    out.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

function round(x: number, digits = 4): number {
  return Number(x.toFixed(digits));
}

function timed(id: string, label: string, m: { cold: number; median: number; samples: number[] }, mlflow: number | undefined, minRatio?: number, maxSeconds?: number): void {
  const line: Line = { bench: 'dataLayer', id, label, seconds: round(m.median), cold: round(m.cold), samples: m.samples.map((x) => round(x)) };
  if (mlflow !== undefined) {
    line.mlflow = mlflow;
    line.ratio = round(mlflow / m.median, 1);
  }
  if (minRatio !== undefined) {
    line.target = `≥${minRatio}× faster`;
    emit(judge(line, mlflow! / m.median >= minRatio));
  } else if (maxSeconds !== undefined) {
    line.target = `≤${maxSeconds} s`;
    emit(judge(line, m.median <= maxSeconds));
  } else emit(line);
}

// ---- memory (in a child process, so the figure is not polluted by generation or other measurements)

async function memoryChild(kind: 'file' | 'sqlite', store: GeneratedStore): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const s = kind === 'file' ? new FileStore(store.mlrunsDir) : await SqliteStore.open(store.dbPath);
  const runs = await allRuns(s, kind === 'file' ? store.file.experimentId : store.sqlite.experimentId);
  clearInterval(timer);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  gc();
  const after = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({
      runs: runs.length,
      heapMb: (after.heapUsed + after.external + after.arrayBuffers - (before.heapUsed + before.external + before.arrayBuffers)) / MB,
      rssMb: (peakRss - before.rss) / MB,
    }) + '\n',
  );
  s.dispose();
}

function memory(kind: 'file' | 'sqlite', limitMb: number | undefined): void {
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', 'tsx/cjs', __filename, '--memory', kind], {
    encoding: 'utf8',
    env: process.env,
    cwd: path.resolve(__dirname, '..', '..'),
  });
  if (r.status !== 0) {
    emit({ bench: 'dataLayer', id: `${kind}.memory`, label: `${kind} store: memory of listing all runs`, pass: false, note: (r.stderr || r.stdout).trim().slice(0, 500) });
    return;
  }
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { runs: number; heapMb: number; rssMb: number };
  const worst = Math.max(m.heapMb, m.rssMb);
  const line: Line = {
    bench: 'dataLayer',
    id: `${kind}.memory`,
    label: `${kind} store: memory of listing all ${m.runs} runs (peak RSS Δ ${m.rssMb.toFixed(1)} MB, retained heap Δ ${m.heapMb.toFixed(1)} MB)`,
    mb: round(worst, 1),
  };
  if (limitMb === undefined) emit({ ...line, note: 'the SQLite store holds the whole database in memory (sql.js)' });
  else emit(judge({ ...line, target: `≤${limitMb} MB` }, worst <= limitMb));
}

// ---- main

async function main(): Promise<number> {
  const t0 = Date.now();
  const store = await generateStore({ runs: RUNS, historyPoints: POINTS, log: (m) => process.stderr.write(`[generate] ${m}\n`) });
  const memIdx = process.argv.indexOf('--memory');
  if (memIdx >= 0) {
    await memoryChild(process.argv[memIdx + 1] as 'file' | 'sqlite', store);
    return 0;
  }
  emit({
    bench: 'dataLayer',
    id: 'store',
    label: `generated store: ${store.runs} runs (${store.nestedRuns} nested), ${store.historyPoints}-point metric${store.generatedInMs ? `, built in ${(store.generatedInMs / 1000).toFixed(1)} s` : ', cached'}`,
  });

  const check = (ok: boolean, what: string) => {
    if (!ok) {
      emit({ bench: 'dataLayer', id: 'check', label: `consistency: ${what}`, pass: false });
    }
  };

  // ---- file store
  const file = () => new FileStore(store.mlrunsDir);
  const first100 = await measure(() => withStore(file, (s) => s.searchRuns({ experimentIds: [store.file.experimentId], orderBy: ORDER, maxResults: 100 })));
  timed('file.first100', 'file store: first 100 runs by start_time (new store)', first100, MLFLOW_V3.fileFirst100, 20);
  check(first100.last.items.length === Math.min(100, RUNS), 'file first page has 100 runs');

  const fileAll = await measure(() => withStore(file, (s) => allRuns(s, store.file.experimentId)));
  timed('file.allRuns', `file store: all ${RUNS} runs in pages of 1000 (new store)`, fileAll, MLFLOW_V3.fileAllPages, 20);
  check(fileAll.last.length === RUNS, `file store lists ${RUNS} runs (got ${fileAll.last.length})`);

  const fileHist = await measure(() => withStore(file, (s) => s.getMetricHistory(store.historyRunId, store.historyKey)));
  timed('file.history', `file store: ${POINTS}-point metric history (new store)`, fileHist, MLFLOW_V3.fileHistory, 10);
  check(fileHist.last.length === POINTS, `file history has ${POINTS} points`);

  // The extension keeps one store per workspace: repeated calls on the same instance (informational).
  await withStore(file, async (s) => {
    await s.searchRuns({ experimentIds: [store.file.experimentId], orderBy: ORDER, maxResults: 100 });
    const again = await measure(() => s.searchRuns({ experimentIds: [store.file.experimentId], orderBy: ORDER, maxResults: 100 }));
    timed('file.first100.cached', 'file store: first 100 runs again on the same store (refresh)', again, MLFLOW_V3.fileFirst100);
  });

  // ---- SQLite store
  const sqlite = () => SqliteStore.open(store.dbPath);
  const sqFirst = await measure(() => withStore(sqlite, (s) => s.searchRuns({ experimentIds: [store.sqlite.experimentId], orderBy: ORDER, maxResults: 100 })));
  timed('sqlite.first100', 'SQLite: open the DB + first 100 runs by start_time', sqFirst, MLFLOW_V3.sqliteFirst100, undefined, 0.2);
  check(sqFirst.last.items.length === Math.min(100, RUNS), 'sqlite first page has 100 runs');
  check(
    JSON.stringify(sqFirst.last.items.map((r) => r.info.runId)) === JSON.stringify(first100.last.items.map((r) => r.info.runId)),
    'file and SQLite stores return the same first 100 runs in the same order',
  );

  const sqAll = await measure(() => withStore(sqlite, (s) => allRuns(s, store.sqlite.experimentId)));
  timed('sqlite.allRuns', `SQLite: open + all ${RUNS} runs in pages of 1000`, sqAll, MLFLOW_V3.sqliteAllPages, 1);
  check(sqAll.last.length === RUNS, `sqlite lists ${RUNS} runs (got ${sqAll.last.length})`);

  const sqHist = await measure(() => withStore(sqlite, (s) => s.getMetricHistory(store.historyRunId, store.historyKey)));
  timed('sqlite.history', `SQLite: open + ${POINTS}-point metric history`, sqHist, MLFLOW_V3.sqliteHistory, 1);
  check(sqHist.last.length === POINTS, `sqlite history has ${POINTS} points`);

  await withStore(sqlite, async (s) => {
    const hist = await measure(() => s.getMetricHistory(store.historyRunId, store.historyKey));
    timed('sqlite.history.open', `SQLite: ${POINTS}-point history on an open store`, hist, MLFLOW_V3.sqliteHistory);
    const all = await measure(() => allRuns(s, store.sqlite.experimentId));
    timed('sqlite.allRuns.open', `SQLite: all ${RUNS} runs on an open store`, all, MLFLOW_V3.sqliteAllPages);
  });

  // ---- memory
  memory('file', 100);
  memory('sqlite', undefined);

  emit({ bench: 'dataLayer', id: 'total', label: `bench wall time ${((Date.now() - t0) / 1000).toFixed(1)} s` });
  return missed;
}

main().then(
  (failures) => process.exit(failures ? 1 : 0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(2);
  },
);
