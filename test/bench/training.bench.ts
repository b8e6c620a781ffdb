// Run Script benchmark (issue 18): from a point logged by the training script to that point being posted to
// the live plot. A real writer process (test/fixtures/python/live_train.py: MLflow's own fluent client when
// MLFLOW_E2E_PYTHON names a Python, else MLflow's file-store layout written by plain Python) is started with
// the environment the extension builds (buildScriptLaunch: tracking URI + launch marker) and prints when each
// point is stored. Meanwhile this process runs the extension's own reading path on the same clock: the
// session's detection (LaunchSearch every LOCAL_POLL_MS, or the refresh interval on servers), then the plot
// panel's first load (MetricLoader.initial) and its live poll (getRun + MetricLoader.since) at the interval
// the session gives the panel. Latency = the moment a step is in a posted series − the moment the writer
// stored it. The webview's drawing of a posted message is not included (a few ms; see plots.bench.ts).
// Targets: file and SQLite p95 ≤ 1.5 s; server p95 ≤ refresh interval + 0.5 s. Without MLFLOW_E2E_PYTHON
// the SQLite and server rows are reported not measured (they need MLflow to write them).
//
//   npm run bench -- training
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MetricLoader } from '../../src/plots/metricLoader';
import { createTrackingStore } from '../../src/tracking/index';
import type { TrackingStore } from '../../src/tracking/types';
import { parseTrackingUri } from '../../src/tracking/uri';
import { followedRuns, type Followed, type LaunchRef } from '../../src/training/detect';
import { buildScriptLaunch } from '../../src/training/launch';
import { LaunchSearch, LOCAL_POLL_MS } from '../../src/training/search';
import { benchReport } from './report';

const ROOT = path.resolve(__dirname, '..', '..');
const WRITER = path.join(ROOT, 'test', 'fixtures', 'python', 'live_train.py');
const FIXTURE_STORES = path.join(ROOT, 'test', 'fixtures', 'mlflow', 'stores', 'v3');
/** mlflow.autoRefreshInterval's default (package.json), the interval the session and plot use on servers. */
const SERVER_INTERVAL_MS = 10_000;
const KEY = 'val_loss';
const mlflowPython = (process.env.MLFLOW_E2E_PYTHON ?? '').split(path.delimiter).find(Boolean);
const { emit, run } = benchReport('training');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

interface Row {
  id: string;
  label: string;
  uri: string;
  intervalMs: number;
  targetMs: number;
  steps: number;
  sleepS: number;
}

/** Runs the writer with the extension's launch environment; resolves with when each step was stored. */
function startWriter(python: string, useMlflow: boolean, row: Row, launch: LaunchRef): { child: ChildProcess; stored: Map<number, number>; done: Promise<number | null> } {
  const resolved = parseTrackingUri(row.uri, {}, 'setting');
  const built = buildScriptLaunch({
    python,
    script: launch.script,
    args: ['--experiment', `bench-${row.id}`, '--steps', String(row.steps), '--sleep', String(row.sleepS), ...(useMlflow ? ['--mlflow'] : [])],
    tracking: { trackingUri: resolved.kind === 'rest' ? resolved.url! : row.uri },
    cwd: os.tmpdir(),
    launchId: launch.launchId,
  });
  if (!built.ok) throw new Error(built.errors.map((e) => e.message).join(' '));
  const child = spawn(built.command.executable, built.command.args, { cwd: built.command.cwd, env: { ...process.env, ...built.command.env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const stored = new Map<number, number>();
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    buf += d;
    for (let i; (i = buf.indexOf('\n')) >= 0; ) {
      const m = /^POINT (\d+) (\d+)/.exec(buf.slice(0, i));
      if (m) stored.set(Number(m[1]), Number(m[2]));
      buf = buf.slice(i + 1);
    }
  });
  const done = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stored, done };
}

/** The session's detection and the plot panel's reads, against `store`, until the writer exits. */
async function follow(store: TrackingStore, row: Row, launch: LaunchRef, writer: ReturnType<typeof startWriter>): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  const note = (steps: ArrayLike<number>) => {
    const now = Date.now();
    for (let i = 0; i < steps.length; i++) if (!seen.has(steps[i])) seen.set(steps[i], now);
  };
  let exited = false;
  void writer.done.then(() => (exited = true));
  const search = new LaunchSearch(launch);
  let f: Followed = followedRuns([], launch);
  // detection: the session polls until the script's run is there
  while (!f.current) {
    if (exited) throw new Error(`the writer exited before its run was found (${row.id})`);
    f = await search.round(store, f);
    if (!f.current) await sleep(row.intervalMs);
  }
  const runId = f.current.info.runId;
  const loader = new MetricLoader(store);
  // the plot opens on the run: its first frame once the metric exists, then the live poll
  let drawn = false;
  let afterExit = 0;
  for (;;) {
    const run = await store.getRun(runId);
    if (!drawn) {
      if (run.data.metrics.some((m) => m.key === KEY)) {
        note((await loader.initial(runId, KEY, 800)).steps);
        drawn = true;
      }
    } else {
      const fresh = await loader.since(runId, KEY);
      if (fresh) note(fresh.steps);
    }
    // after the writer exited: until every point it stored is seen (a few rounds at most)
    if (exited && (seen.size >= writer.stored.size || ++afterExit > 3)) break;
    await sleep(row.intervalMs);
  }
  return seen;
}

async function measure(row: Row, python: string, useMlflow: boolean): Promise<void> {
  const resolved = parseTrackingUri(row.uri, {}, 'setting');
  const store = await createTrackingStore(resolved, {});
  const launch: LaunchRef = { launchId: `bench${Date.now().toString(16)}`, script: WRITER, launchedAt: Date.now() };
  const writer = startWriter(python, useMlflow, row, launch);
  try {
    const seen = await follow(store, row, launch, writer);
    const code = await writer.done;
    if (code !== 0) throw new Error(`the writer exited with ${code}`);
    const lat: number[] = [];
    for (const [step, at] of writer.stored) {
      const shown = seen.get(step);
      if (shown === undefined) throw new Error(`step ${step} never reached the plot (${row.id})`);
      lat.push(Math.max(0, shown - at) / 1000);
    }
    const p50 = pct(lat, 50);
    const p95 = pct(lat, 95);
    const target = row.targetMs / 1000;
    emit({ id: `${row.id}.p50`, label: `${row.label}: point logged → on the plot, p50 of ${lat.length} points`, seconds: round(p50) });
    emit({ id: `${row.id}.p95`, label: `${row.label}: point logged → on the plot, p95 (max ${round(Math.max(...lat))} s)`, seconds: round(p95), target: `≤${target} s`, pass: p95 <= target });
  } finally {
    writer.child.kill();
    store.dispose();
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Real MLflow's tracking server over a fresh SQLite backend. */
async function startServer(python: string, dir: string): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(
    python,
    ['-m', 'mlflow', 'server', '--backend-store-uri', `sqlite:///${path.join(dir, 'server.db')}`, '--default-artifact-root', path.join(dir, 'artifacts'), '--host', '127.0.0.1', '--port', String(port), '--workers', '1'],
    { env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited ${child.exitCode}: ${err}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`mlflow server did not answer within 120 s: ${err}`);
    await sleep(500);
  }
  return { url, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-bench-training-'));
  const localTarget = 1500;
  const local = { intervalMs: LOCAL_POLL_MS, targetMs: localTarget, steps: 30, sleepS: 0.25 };
  try {
    const mlruns = path.join(dir, 'mlruns');
    fs.cpSync(path.join(FIXTURE_STORES, 'mlruns'), mlruns, { recursive: true });
    const fileRow: Row = { id: 'file', label: `file store (${mlflowPython ? 'MLflow' : 'plain-Python file-store'} writer)`, uri: `file://${mlruns}`, ...local };
    await measure(fileRow, mlflowPython ?? 'python3', !!mlflowPython);

    if (!mlflowPython) {
      emit({ id: 'sqlite.p95', label: 'SQLite store: not measured (MLFLOW_E2E_PYTHON names no Python with MLflow to write it)', note: 'not measured' });
      emit({ id: 'server.p95', label: 'tracking server: not measured (MLFLOW_E2E_PYTHON names no Python with MLflow to serve it)', note: 'not measured' });
      return;
    }
    // a database of the writer's own MLflow version (made before the clock starts, as a store the user has)
    const db = path.join(dir, 'mlflow.db');
    const made = spawnSync(mlflowPython, ['-c', 'import sys, mlflow; mlflow.set_tracking_uri(sys.argv[1]); mlflow.search_experiments()', `sqlite:///${db}`], { encoding: 'utf8', env: { ...process.env, MLFLOW_DISABLE_TELEMETRY: 'true' } });
    if (made.status !== 0) throw new Error(`MLflow could not create ${db}: ${made.stderr}`);
    await measure({ id: 'sqlite', label: `SQLite store (MLflow writer; Node ${process.versions.node} reader)`, uri: `sqlite:///${db}`, ...local }, mlflowPython, true);

    const server = await startServer(mlflowPython, dir);
    try {
      await measure(
        { id: 'server', label: `tracking server (real MLflow, refresh ${SERVER_INTERVAL_MS / 1000} s)`, uri: server.url, intervalMs: SERVER_INTERVAL_MS, targetMs: SERVER_INTERVAL_MS + 500, steps: 30, sleepS: 1 },
        mlflowPython,
        true,
      );
    } finally {
      server.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

run(main);
