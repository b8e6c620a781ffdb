// Data-layer benchmark, side by side: the extension's FileStore and SqliteStore against MLflow's own
// Python client (MLFLOW_E2E_PYTHON, the first of the list) on the same generated 5,000-run store and
// 100,000-point metric, in the same run. The rows are CASES in dataLayerCases.ts; the method
// (interleaved rounds, fresh processes, cold and warm, medians) is in sideBySide.ts. Prints one
// JSON line per measurement (read by scripts/bench.mjs, which prints the table and writes
// .bench/report.md) and exits 1 when a target is missed.
//
//   MLFLOW_E2E_PYTHON=~/.cache/mlflow-runtime/venv3/bin/python npm run bench -- dataLayer
//   BENCH_ROUNDS=5 …                      (rounds; default 3)
//   BENCH_CASES=file.first100,file.history (only these rows)
//   BENCH_RUNS=500 BENCH_POINTS=10000 …   (a quick smoke run: figures are reported, targets not judged)

import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStore } from '../../src/tracking/file';
import { SqliteStore } from '../../src/tracking/sqlite';
import { autoEngine } from '../../src/tracking/sqlite/database';
import type { Run, TrackingStore } from '../../src/tracking/types';
import { CASES, type SideBySideCase } from './dataLayerCases';
import { generateStore, type GeneratedStore } from './generateStore';
import { benchReport, loadAverages, median } from './report';
import { wasmStartupSeconds } from './wasmFloor';
import { findMlflowPython, nodeForEngine, prepareOurChild, readRecordedTimings, recordedSeconds, timeMlflowPython, timeOurs, type ProcessSample } from './sideBySide';

const FULL_RUNS = 5000;
const FULL_POINTS = 100_000;
const RUNS = Number(process.env.BENCH_RUNS ?? FULL_RUNS);
const POINTS = Number(process.env.BENCH_POINTS ?? FULL_POINTS);
const FULL_SIZE = RUNS === FULL_RUNS && POINTS === FULL_POINTS;
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const OUR_WARM_CALLS = 3;
const MB = 1024 * 1024;
const ORDER = ['attributes.start_time DESC'];

interface Line {
  bench: 'dataLayer';
  id: string;
  label: string;
  /** Ours: warm median (seconds). */
  seconds?: number;
  /** Ours: cold median (seconds). */
  cold?: number;
  /** MLflow: cold median (seconds). */
  mlflow?: number;
  /** mlflow cold / ours cold. */
  ratio?: number;
  oursCold?: number;
  oursWarm?: number;
  mlflowCold?: number;
  mlflowWarm?: number;
  warmRatio?: number;
  /** CPU seconds of the cold call (medians), both sides. */
  oursCpu?: number;
  mlflowCpu?: number;
  /** 'same run' or 'recorded'. */
  source?: string;
  samples?: { ours: number[]; mlflow: number[] };
  mb?: number;
  target?: string;
  pass?: boolean;
  note?: string;
  /** The Node our child ran on (SQLite rows). */
  node?: string;
  [k: string]: unknown;
}

const { emit, run } = benchReport('dataLayer');

function round(x: number, digits = 4): number {
  return Number(x.toFixed(digits));
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
  if (limitMb === undefined) emit({ ...line, note: `the SQLite store through ${autoEngine()} on Node ${process.versions.node} (pages read on demand; the page cache and WASM memory count)` });
  else if (!FULL_SIZE) emit({ ...line, target: `≤${limitMb} MB`, note: 'reduced size: not judged' });
  else emit({ ...line, target: `≤${limitMb} MB`, pass: worst <= limitMb });
}

// ---- side by side

interface Collected {
  ours: ProcessSample[];
  mlflow: ProcessSample[];
  errors: string[];
}

function targetText(c: SideBySideCase): string | undefined {
  if (c.target?.minRatio !== undefined) return `≥${c.target.minRatio}×`;
  if (c.target?.maxSeconds !== undefined) return `≤${c.target.maxSeconds} s`;
  return undefined;
}

function nodeVersion(node: string | undefined): string | undefined {
  if (!node) return undefined;
  if (node === process.execPath) return process.version;
  const r = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return r.stdout.trim() || undefined;
}

async function sideBySide(store: GeneratedStore): Promise<void> {
  const only = (process.env.BENCH_CASES ?? '').split(',').filter(Boolean);
  const cases = CASES.filter((c) => only.length === 0 || only.some((o) => c.id.includes(o)));
  const py = await findMlflowPython();
  const real = 'python' in py ? py : undefined;
  const recorded = readRecordedTimings();
  const loadBefore = loadAverages();
  const t0 = Date.now();
  const child = await prepareOurChild();
  const got = new Map<string, Collected>(cases.map((c) => [c.id, { ours: [], mlflow: [], errors: [] }]));
  const uriOf = (c: SideBySideCase) => (c.store === 'file' ? `file://${store.mlrunsDir}` : `sqlite:///${store.dbPath}`);
  const progress = (m: string) => process.stderr.write(`[side-by-side ${((Date.now() - t0) / 1000).toFixed(0)} s] ${m}\n`);
  if (!real) progress(`no real MLflow (${(py as { missing: string }).missing}): MLflow columns come from recorded-timings.md`);

  for (let r = 0; r < ROUNDS; r++) {
    for (const c of cases) {
      const into = got.get(c.id)!;
      const ours = async () => {
        try {
          const node = nodeForEngine(c.engine);
          if (!node) throw new Error(`no Node with node:sqlite for ${c.id} (set MLFLOW_NODE24 or install code-server's Node 24)`);
          const s = await timeOurs(child, c.id, store.dir, OUR_WARM_CALLS, undefined, node);
          into.ours.push(s);
          progress(`round ${r + 1}/${ROUNDS} ${c.id} ours cold ${s.cold.toFixed(3)} s`);
        } catch (e) {
          into.errors.push((e as Error).message);
        }
      };
      const theirs = async () => {
        if (!real) return;
        try {
          const warm = c.mlflowWarmRounds === undefined || r < c.mlflowWarmRounds ? 1 : 0;
          const s = await timeMlflowPython(real.python, uriOf(c), c.python(store), warm);
          into.mlflow.push(s);
          progress(`round ${r + 1}/${ROUNDS} ${c.id} MLflow cold ${s.cold.toFixed(3)} s`);
        } catch (e) {
          into.errors.push((e as Error).message);
        }
      };
      // alternate who goes first, so a drift in the machine's load does not favour one side
      if (r % 2 === 0) {
        await ours();
        await theirs();
      } else {
        await theirs();
        await ours();
      }
    }
  }

  const loadAfter = loadAverages();
  const imports = cases.flatMap((c) => got.get(c.id)!.mlflow.map((s) => s.importSeconds ?? NaN)).filter((x) => !Number.isNaN(x));
  emit({
    bench: 'dataLayer',
    id: 'sideBySide',
    label: real
      ? `MLflow ${real.version} (${real.python}), same run: ${ROUNDS} interleaved rounds, medians; import mlflow ${median(imports).toFixed(2)} s (not in the figures)`
      : `MLflow figures RECORDED (recorded-timings.md, MLflow 3.6.1.dev0 on another day): ${(py as { missing: string }).missing}`,
    mlflowVersion: real?.version ?? '3.6.1.dev0 (recorded)',
    source: real ? 'same run' : 'recorded',
    rounds: ROUNDS,
    importSeconds: real ? round(median(imports), 3) : undefined,
    load: `loadavg ${loadBefore} at start, ${loadAfter} at end; ${os.cpus().length} cores`,
    wallSeconds: round((Date.now() - t0) / 1000, 1),
  });

  for (const c of cases) {
    const x = got.get(c.id)!;
    const line: Line = { bench: 'dataLayer', id: c.id, label: c.label(store) };
    if (c.engine) {
      line.node = nodeVersion(nodeForEngine(c.engine));
      line.label += ` on Node ${line.node ?? '(none with node:sqlite)'}`;
    }
    if (x.ours.length === 0) {
      emit({ ...line, pass: false, note: x.errors.join(' | ').slice(0, 600) || 'no sample' });
      continue;
    }
    const oursCold = median(x.ours.map((s) => s.cold));
    const oursWarm = median(x.ours.flatMap((s) => s.warm));
    line.oursCold = round(oursCold);
    line.oursWarm = round(oursWarm);
    line.cold = line.oursCold;
    line.seconds = line.oursWarm;
    line.oursCpu = round(median(x.ours.map((s) => s.coldCpu)));
    let mlflowCold: number | undefined;
    if (real && x.mlflow.length) {
      mlflowCold = median(x.mlflow.map((s) => s.cold));
      const warm = x.mlflow.flatMap((s) => s.warm);
      line.mlflowCold = round(mlflowCold);
      if (warm.length) line.mlflowWarm = round(median(warm));
      line.mlflowCpu = round(median(x.mlflow.map((s) => s.coldCpu)));
      line.source = 'same run';
      line.samples = { ours: x.ours.map((s) => round(s.cold)), mlflow: x.mlflow.map((s) => round(s.cold)) };
      const a = x.ours[0];
      const b = x.mlflow[0];
      if (a.n !== b.n || a.digest !== b.digest) {
        line.note = `results differ: ours ${a.n} (${a.digest}), MLflow ${b.n} (${b.digest})`;
      }
    } else if (!real) {
      mlflowCold = recordedSeconds(recorded, c.recorded, c.store === 'file' ? 'file v3' : 'sqlite v3');
      if (mlflowCold !== undefined) {
        line.mlflowCold = mlflowCold;
        line.mlflowWarm = mlflowCold;
        line.source = 'recorded';
      }
    }
    if (mlflowCold !== undefined) {
      line.mlflow = line.mlflowCold;
      line.ratio = round(mlflowCold / oursCold, 1);
      if (line.mlflowWarm !== undefined) line.warmRatio = round(line.mlflowWarm / oursWarm, 1);
    }
    const target = targetText(c);
    if (target) line.target = target;
    if (x.errors.length) line.note = [line.note, x.errors.join(' | ').slice(0, 600)].filter(Boolean).join('; ');
    let pass: boolean | undefined;
    if (c.target?.minRatio !== undefined) pass = line.ratio !== undefined ? line.ratio >= c.target.minRatio : undefined;
    else if (c.target?.maxSeconds !== undefined) pass = oursCold <= c.target.maxSeconds;
    if (line.note?.startsWith('results differ')) pass = false;
    if (pass !== undefined && !FULL_SIZE && !line.note) {
      line.note = `reduced size (${RUNS} runs, ${POINTS} points): not judged`;
      pass = undefined;
    }
    if (pass !== undefined) line.pass = pass;
    emit(line);
  }
  const wasmFirst = got.get('sqlite-wasm.first100');
  const floor = wasmFirst && wasmStartupSeconds(path.resolve(__dirname, '..', '..'));
  if (wasmFirst && floor !== undefined) {
    const mlflowCold = wasmFirst.mlflow.length ? median(wasmFirst.mlflow.map((s) => s.cold)) : undefined;
    emit({
      bench: 'dataLayer',
      id: 'sqlite-wasm.startup',
      label: `SQLite's WASM (sql.js) starting in a fresh Node ${process.version} process, before any store is read: what the sql.js rows cannot go below`,
      seconds: round(floor),
      ...(mlflowCold !== undefined ? { mlflow: round(mlflowCold), ratio: round(mlflowCold / floor, 1) } : {}),
      note: "load and compile the engine, open an empty in-memory database, two tiny statements (wasmFloor.ts); the ratio is MLflow's cold first page over it",
    });
  }
}

// ---- main

async function main(): Promise<void> {
  const t0 = Date.now();
  const store = await generateStore({ runs: RUNS, historyPoints: POINTS, log: (m) => process.stderr.write(`[generate] ${m}\n`) });
  const memIdx = process.argv.indexOf('--memory');
  if (memIdx >= 0) {
    await memoryChild(process.argv[memIdx + 1] as 'file' | 'sqlite', store);
    return;
  }
  emit({
    bench: 'dataLayer',
    id: 'store',
    label: `generated store: ${store.runs} runs (${store.nestedRuns} nested; 10 params, 5 metrics, 3 tags each), ${store.historyPoints}-point metric${store.generatedInMs ? `, built in ${(store.generatedInMs / 1000).toFixed(1)} s` : ', cached'}`,
  });

  await sideBySide(store);

  memory('file', 100);
  memory('sqlite', undefined);

  emit({ bench: 'dataLayer', id: 'total', label: `bench wall time ${((Date.now() - t0) / 1000).toFixed(1)} s` });
}

run(main);
