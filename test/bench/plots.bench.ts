// Plots benchmark: host-side time from "open" to "first frame data posted" for one metric of
// 1,000,000 points and one of 10,000 points in a local file store: read the history, sort into
// columns, downsample to the chart width (M4 per pixel column), and serialize the 'series'
// message the way VS Code does for postMessage (JSON with typed arrays moved out as binary
// buffers). Also: a zoomed-range refine from the cached history, and a live append poll.
// Prints JSON lines for scripts/bench.mjs ({bench,id,label,seconds,cold,mb,target,pass}).
//
//   npm run bench -- plots
//   node -r tsx/cjs --expose-gc test/bench/plots.bench.ts     (BENCH_BIG=100000 for a quick run)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileStore } from '../../src/tracking/file';
import { MetricLoader } from '../../src/plots/metricLoader';
import type { PlotsToWebview } from '../../src/plots/protocol';
import { benchReport, median } from './report';

const BIG = Number(process.env.BENCH_BIG ?? 1_000_000);
const SMALL = 10_000;
const WIDTH = 1600; // a wide chart on a 2x display: 800 CSS px
const REPEATS = 3;
const DIR = path.resolve(__dirname, '..', '..', '.bench', `plots-store-${BIG}`);
const EXP = '123456789';
const RUN = 'b16b16b16b16b16b16b16b16b16b16b1';
const SMALL_RUN = '5a115a115a115a115a115a115a115a11';
const MB = 1024 * 1024;
const { emit, run } = benchReport('plots');

/** A minimal MLflow 3 file store: one experiment, a run with the metric `big`, a run with `small`. */
function generate(): string {
  const root = path.join(DIR, 'mlruns');
  const done = path.join(DIR, 'done');
  if (fs.existsSync(done)) return root;
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, '0'), { recursive: true });
  fs.mkdirSync(path.join(root, EXP), { recursive: true });
  const uri = (p: string) => 'file://' + p;
  fs.writeFileSync(path.join(root, '0', 'meta.yaml'), `artifact_location: ${uri(path.join(root, '0'))}\ncreation_time: 1700000000000\nexperiment_id: '0'\nlast_update_time: 1700000000000\nlifecycle_stage: active\nname: Default\n`);
  fs.writeFileSync(path.join(root, EXP, 'meta.yaml'), `artifact_location: ${uri(path.join(root, EXP))}\ncreation_time: 1700000000000\nexperiment_id: '${EXP}'\nlast_update_time: 1700000000000\nlifecycle_stage: active\nname: plots-bench\n`);
  const writeRun = (id: string, name: string) => {
    const dir = path.join(root, EXP, id);
    for (const d of ['metrics', 'params', 'tags', 'artifacts']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'meta.yaml'),
      `artifact_uri: ${uri(path.join(dir, 'artifacts'))}\nend_time: 1700003600000\nentry_point_name: ''\nexperiment_id: '${EXP}'\nlifecycle_stage: active\nrun_id: ${id}\nrun_name: ${name}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 1700000000000\nstatus: 3\ntags: []\nuser_id: bench\n`,
    );
    fs.writeFileSync(path.join(dir, 'tags', 'mlflow.runName'), name);
  };
  writeRun(RUN, 'bench-1m');
  writeRun(SMALL_RUN, 'bench-10k');
  const write = (key: string, n: number, run: string) => {
    const fd = fs.openSync(path.join(root, EXP, run, 'metrics', key), 'w');
    let buf = '';
    for (let i = 0; i < n; i++) {
      // a noisy decaying loss with a few spikes and NaN/inf, like real training
      let v = 2 * Math.exp(-i / (n / 5)) + 0.05 * Math.sin(i / 7) + 0.02 * ((i * 7919) % 101) / 101;
      if (i % 99_991 === 5) v = 50;
      const s = i % 250_007 === 11 ? 'nan' : i % 333_331 === 13 ? 'inf' : String(v);
      buf += `${1700000000000 + i * 10} ${s} ${i}\n`;
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf);
        buf = '';
      }
    }
    fs.writeSync(fd, buf);
    fs.closeSync(fd);
  };
  write('big', BIG, RUN);
  write('small', SMALL, SMALL_RUN);
  fs.writeFileSync(done, new Date().toISOString());
  return root;
}

/** What ExtHostWebview does with a posted message: JSON with ArrayBuffers replaced by references, buffers sent as bytes. */
function serializeLikeVsCode(msg: PlotsToWebview): { json: string; bytes: number } {
  const buffers: ArrayBufferLike[] = [];
  const json = JSON.stringify(msg, (_k, v) => {
    if (ArrayBuffer.isView(v)) {
      buffers.push(v.buffer);
      return { $$vscode_array_buffer_reference$$: true, index: buffers.length - 1, view: { type: 9, byteLength: v.byteLength, byteOffset: v.byteOffset } };
    }
    return v;
  });
  let bytes = 0;
  for (const b of buffers) bytes += new Uint8Array(b).slice().byteLength; // the copy VS Code makes (VSBuffer.wrap + transfer)
  return { json, bytes };
}

/**
 * What the plots panel does between the webview's 'ready' and the first 'series' post: read the
 * run (legend, keys), read and downsample the history, serialize the message. `store` is the
 * connection's long-lived store (the explorer has listed the run, as when a plot is opened from
 * the tree); a new MetricLoader per open (nothing of the history is cached yet).
 */
async function openToFirstFrame(store: FileStore, runId: string, key: string): Promise<{ ms: number; points: number; bytes: number }> {
  const t0 = performance.now();
  const loader = new MetricLoader(store);
  const run = await store.getRun(runId);
  if (!run.data.metrics.some((m) => m.key === key)) throw new Error(`run has no ${key}`);
  const series = await loader.initial(runId, key, WIDTH);
  const { bytes } = serializeLikeVsCode({ type: 'series', key, series: [series] });
  return { ms: performance.now() - t0, points: series.steps.length, bytes };
}

async function main(): Promise<void> {
  const g0 = performance.now();
  const root = generate();
  process.stderr.write(`store ready in ${((performance.now() - g0) / 1000).toFixed(1)} s: ${root}\n`);

  for (const [runId, key, n, limitMs] of [
    [RUN, 'big', BIG, 1000],
    [SMALL_RUN, 'small', SMALL, 200],
  ] as const) {
    // a brand-new store (nothing cached, first use of every code path in this process)
    const coldStore = new FileStore(root);
    const cold = await openToFirstFrame(coldStore, runId, key);
    coldStore.dispose();
    // the connection's store after the explorer listed the run
    const store = new FileStore(root);
    await store.searchRuns({ experimentIds: [EXP] });
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const samples: number[] = [];
    let last = cold;
    for (let i = 0; i < REPEATS; i++) samples.push((last = await openToFirstFrame(store, runId, key)).ms);
    const grew = process.memoryUsage().rss - rss0;
    store.dispose();
    const med = median(samples);
    emit({
      id: `open-${key}`,
      label: `open → first frame data posted, ${n.toLocaleString('en-US')} points → ${last.points} (${(last.bytes / 1024).toFixed(0)} KB binary)`,
      cold: cold.ms / 1000,
      seconds: med / 1000,
      samples: samples.map((x) => x / 1000),
      mb: Math.round((Math.max(0, grew) / MB) * 10) / 10,
      target: `≤${limitMs} ms`,
      pass: BIG === 1_000_000 || key === 'small' ? med <= limitMs : undefined,
      note: 'median of 3 opens on the explorer\'s store; cold = a fresh store and process; mb = RSS growth over the 3 opens',
    });
  }

  // zoom refine and live append on the cached 1M history
  const store = new FileStore(root);
  const loader = new MetricLoader(store);
  await loader.initial(RUN, 'big', WIDTH);
  const zs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = await loader.range(RUN, 'big', BIG * 0.4, BIG * 0.45, WIDTH);
    serializeLikeVsCode({ type: 'series', key: 'big', requestId: i, range: { start: 0, end: 1 }, series: [r] });
    zs.push(performance.now() - t);
  }
  emit({ id: 'zoom-big', label: `zoom refine of 5% of ${BIG.toLocaleString('en-US')} points from the cache`, seconds: median(zs) / 1000, target: '≤100 ms', pass: median(zs) <= 100 });
  const mem = process.memoryUsage();
  emit({ id: 'memory', label: `process memory with the ${BIG.toLocaleString('en-US')}-point history cached`, mb: Math.round((mem.rss / MB) * 10) / 10, note: `heapUsed ${(mem.heapUsed / MB).toFixed(0)} MB, arrayBuffers ${(mem.arrayBuffers / MB).toFixed(0)} MB` });
  store.dispose();
}

run(main);
