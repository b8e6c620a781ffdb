// The host-side data of the plots panel on the real stores MLflow wrote, and with a fake server.
import * as assert from 'assert';
import { FileStore } from '../../../src/tracking/file';
import type { Metric, SampledHistoryQuery, TrackingStore } from '../../../src/tracking/types';
import { MetricLoader } from '../../../src/webviews/metricLoader';
import { buildRunDetails, findSourceFile, modelRows, paramRows } from '../../../src/webviews/runDetailsModel';
import { HAVE_SHARED, storePath } from '../../support/fixtures';

const LONG = '53eb9c6de8824834a1781bdfe12d6492';
const NANINF = '89788533120b4a8ca48f9f83f869f366';
const BASELINE = '85c2cd0244ac4908817c29c853d5c0eb';

describe('webview metric loader on the real v3 file store', function () {
  let store: FileStore;
  before(function () {
    if (!HAVE_SHARED) this.skip();
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
