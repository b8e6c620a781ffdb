// The host-side data of the plots panel on the real stores MLflow wrote, and with a fake server.
import * as assert from 'assert';
import { FileStore } from '../../../src/tracking/file';
import { SqliteStore } from '../../../src/tracking/sqlite';
import type { Metric, SampledHistoryQuery, TrackingStore } from '../../../src/tracking/types';
import { MetricLoader } from '../../../src/plots/metricLoader';
import { buildRunDetails, findSourceFile, modelRows, paramRows } from '../../../src/runDetails/runDetailsModel';
import { storePath } from '../../support/fixtures';
import { toColumns } from '../../../src/plots/series';

const LONG = '53eb9c6de8824834a1781bdfe12d6492';
const NANINF = '89788533120b4a8ca48f9f83f869f366';
const BASELINE = '85c2cd0244ac4908817c29c853d5c0eb';

describe('webview metric loader on the real v3 file store', function () {
  let store: FileStore;
  before(function () {
    store = new FileStore(storePath('v3', 'mlruns'));
  });
  after(() => store?.dispose());

  it('fits the 10,000-step train/loss to the chart width and refines a zoomed range', async () => {
    const l = new MetricLoader(store);
    const first = await l.initial(LONG, 'train/loss', 300);
    assert.strictEqual(first.total, 10_000);
    assert.ok(first.sampled);
    assert.ok(first.steps.length <= 1200 && first.steps.length >= 300, `${first.steps.length}`);
    assert.ok(first.steps instanceof Float64Array && first.steps.buffer.byteLength === first.steps.length * 8);
    const zoom = await l.range(LONG, 'train/loss', 1000, 1100, 300);
    assert.strictEqual(zoom.total, 101);
    assert.strictEqual(zoom.sampled, false);
    assert.deepStrictEqual([zoom.steps[0], zoom.steps[zoom.steps.length - 1]], [1000, 1100]);
    assert.strictEqual(l.cachedPoints(), 10_000, 'the full history is read once and cached');
  });

  it('keeps NaN and ±inf as numbers', async () => {
    const l = new MetricLoader(store);
    const s = await l.initial(NANINF, 'mixed_nonfinite', 100);
    const vals = [...s.values];
    assert.ok(vals.some(Number.isNaN) && vals.includes(Infinity), vals.join(','));
    const neg = await l.initial(NANINF, 'negative_steps', 100);
    assert.ok(neg.steps[0] < 0, 'negative steps are kept on local stores');
  });

  it('builds the run details of a real run (git link, models, params)', async () => {
    const run = await store.getRun(BASELINE);
    const d = buildRunDetails({ connKey: 'k', run, experimentName: 'iris-classification', children: [], versions: [], sourceOpenable: false, now: 0 });
    assert.strictEqual(d.name, 'baseline-logreg');
    assert.strictEqual(d.git.webUrl, 'https://github.com/example-org/iris-demo/commit/0000000000000002b0e37d8f796325d18650c9a0');
    assert.strictEqual(d.user, 'alice');
    assert.strictEqual(d.source.name, 'train.py');
    assert.ok(d.params.some((p) => p.key === 'C'));
    assert.ok(!d.tags.some((t) => t.key === 'mlflow.note.content'));
    assert.ok(modelRows(run).length >= 1, 'the v3 run logged a model');
    const tuned = (await store.searchRuns({ experimentIds: [run.info.experimentId], filter: "attributes.run_name = 'tuned-logreg'" })).items[0];
    const rows = paramRows([run, tuned]);
    assert.ok(rows.some((r) => r.differs));
  });
});

describe('webview metric loader: the columnar read of local stores', function () {
  /** The store without getMetricColumns: the loader takes the object path. */
  const objectsOnly = (s: TrackingStore): TrackingStore =>
    new Proxy(s, { get: (t, p) => (p === 'getMetricColumns' ? undefined : (Reflect.get(t, p) as unknown)) }) as TrackingStore;

  const bits = (c: { steps: Float64Array; values: Float64Array; timestamps: Float64Array }) =>
    [c.steps, c.values, c.timestamps].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex'));

  async function sameAsObjects(store: TrackingStore & { getMetricColumns(r: string, k: string): Promise<unknown> }, expIds: string[]): Promise<number> {
    let compared = 0;
    const runs = (await store.searchRuns({ experimentIds: expIds, runViewType: 'ALL', maxResults: 50000 })).items;
    for (const run of runs) {
      for (const key of new Set(run.data.metrics.map((m) => m.key))) {
        const cols = new MetricLoader(store);
        const objs = new MetricLoader(objectsOnly(store));
        const a = await cols.history(run.info.runId, key);
        const b = await objs.history(run.info.runId, key);
        assert.deepStrictEqual(bits(a), bits(b), `${run.info.runId} ${key}`);
        assert.deepStrictEqual(bits(a), bits(toColumns(await store.getMetricHistory(run.info.runId, key))));
        const [i1, i2] = [await cols.initial(run.info.runId, key, 50), await objs.initial(run.info.runId, key, 50)];
        assert.deepStrictEqual(bits(i1), bits(i2));
        compared++;
      }
    }
    return compared;
  }

  it('file store: every metric of every run gives the same sorted columns as getMetricHistory', async () => {
    const store = new FileStore(storePath('v3', 'mlruns'));
    try {
      const ids = (await store.searchExperiments({ viewType: 'ALL' })).items.map((e) => e.experimentId);
      const n = await sameAsObjects(store, ids);
      assert.ok(n > 10, `${n} histories compared`);
    } finally {
      store.dispose();
    }
  });

  it('SQLite store: every metric of every run gives the same sorted columns as getMetricHistory', async () => {
    const store = await SqliteStore.open(storePath('v3', 'sqlite', 'mlflow.db'));
    try {
      const ids = (await store.searchExperiments({ viewType: 'ALL' })).items.map((e) => e.experimentId);
      const n = await sameAsObjects(store, ids);
      assert.ok(n > 10, `${n} histories compared`);
    } finally {
      store.dispose();
    }
  });

  it('unsorted files (steps logged out of order, timestamp ties) are sorted like toColumns', async () => {
    const pts = ['5 0.5 3', '4 0.4 1', '9 nan 3', '3 0.3 3', '1 0.1 -2', '2 inf 1'];
    const fake = {
      kind: 'file',
      getMetricHistory: async () => pts.map((l) => l.split(' ')).map(([t, v, s]) => ({ key: 'k', timestamp: +t, value: Number(v === 'inf' ? Infinity : v), step: +s })),
      getMetricColumns: async () => {
        const c = { steps: new Float64Array(pts.length), values: new Float64Array(pts.length), timestamps: new Float64Array(pts.length) };
        pts.forEach((l, i) => {
          const [t, v, s] = l.split(' ');
          c.timestamps[i] = +t;
          c.values[i] = Number(v === 'inf' ? Infinity : v);
          c.steps[i] = +s;
        });
        return c;
      },
    } as unknown as TrackingStore;
    const a = await new MetricLoader(fake).history('r', 'k');
    assert.deepStrictEqual([...a.steps], [-2, 1, 1, 3, 3, 3]);
    assert.deepStrictEqual([...a.timestamps], [1, 2, 4, 3, 5, 9]);
    assert.deepStrictEqual(bits(a), bits(toColumns(await fake.getMetricHistory('r', 'k'))));
  });
});

describe('webview metric loader with a tracking server (sampled endpoint)', () => {
  function fakeServer(points: Metric[]) {
    const calls: SampledHistoryQuery[] = [];
    const store = {
      kind: 'rest',
      getMetricHistory: async () => points,
      getSampledMetricHistory: async (_r: string, _k: string, q: SampledHistoryQuery) => {
        calls.push(q);
        return points.filter((p) => (q.startStep === undefined || p.step >= q.startStep) && (q.endStep === undefined || p.step <= q.endStep)).slice(0, q.maxPoints);
      },
    } as unknown as TrackingStore;
    return { store, calls, points };
  }

  it('asks the server for width-sized samples, for zoomed ranges, and only for new steps when live', async () => {
    const pts: Metric[] = Array.from({ length: 50 }, (_, i) => ({ key: 'loss', step: i - 2, value: 1 / (i + 1), timestamp: 1000 + i }));
    const f = fakeServer(pts);
    const l = new MetricLoader(f.store);
    const first = await l.initial('r', 'loss', 100);
    assert.strictEqual(first.steps[0], -2, 'negative steps are asked for explicitly');
    assert.strictEqual(f.calls[0].maxPoints, 400);
    await l.range('r', 'loss', 10.4, 20.6, 100);
    assert.deepStrictEqual([f.calls[1].startStep, f.calls[1].endStep], [10, 21]);
    assert.strictEqual(await l.since('r', 'loss'), undefined, 'nothing new');
    assert.strictEqual(f.calls[2].startStep, 48);
    f.points.push({ key: 'loss', step: 48, value: 0.01, timestamp: 5000 }, { key: 'loss', step: 49, value: NaN, timestamp: 5001 });
    const more = await l.since('r', 'loss');
    assert.deepStrictEqual([...more!.steps], [48, 49]);
    assert.ok(Number.isNaN(more!.values[1]));
    assert.strictEqual(await l.since('r', 'loss'), undefined);
    assert.strictEqual(f.calls[4].startStep, 50);
  });

  it('polls step-less metrics by timestamp', async () => {
    const pts: Metric[] = Array.from({ length: 5 }, (_, i) => ({ key: 'gpu', step: 0, value: i, timestamp: 1000 + i }));
    const f = fakeServer(pts);
    const l = new MetricLoader(f.store);
    await l.initial('r', 'gpu', 100);
    f.points.push({ key: 'gpu', step: 0, value: 9, timestamp: 2000 });
    const more = await l.since('r', 'gpu');
    assert.deepStrictEqual([...more!.values], [9]);
  });
});

describe('webview run details: source file lookup', () => {
  it('finds the logged source under a workspace folder by its longest existing tail', () => {
    const files = new Set(['/ws/train.py', '/ws/src/pkg/model.py']);
    const exists = (p: string) => files.has(p);
    assert.strictEqual(findSourceFile('train.py', ['/ws'], exists), '/ws/train.py');
    assert.strictEqual(findSourceFile('/home/alice/project/src/pkg/model.py', ['/ws'], exists), '/ws/src/pkg/model.py');
    assert.strictEqual(findSourceFile('/ws/train.py', ['/ws'], exists), '/ws/train.py');
    assert.strictEqual(findSourceFile('https://github.com/x/y', ['/ws'], exists), undefined);
    assert.strictEqual(findSourceFile(undefined, ['/ws'], exists), undefined);
    assert.strictEqual(findSourceFile('missing.py', ['/ws'], exists), undefined);
  });
});
