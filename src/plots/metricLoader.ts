// Host-side metric data for the plots panel (pure; no vscode). Local stores (file, SQLite): the
// full history is read once (straight into columns when the store has getMetricColumns: no object
// per point), kept as sorted columns, and every request (first frame, zoomed range) is cut down to
// the chart's width from that cache. Tracking servers: the server's
// sampled endpoint answers each request (get-history-bulk-interval with start/end step), so a
// 1M-point history never crosses the network.
import type { TrackingStore } from '../tracking/types';
import { appendColumns, copyColumns, downsampleToWidth, emptyColumns, lastStep, sliceByStep, toColumns, type Columns } from './series';
import type { SeriesPayload } from './protocol';

/** Wide enough for every step MLflow can store (int64 in the stores; the REST client sends numbers). */
const MIN_STEP = -(2 ** 53 - 1);
const MAX_STEP = 2 ** 53 - 1;
/** Most points one live poll asks a server for. */
const LIVE_MAX = 25_000;

function payload(runId: string, key: string, c: Columns, total: number, sampled: boolean): SeriesPayload {
  return { runId, key, steps: c.steps, values: c.values, timestamps: c.timestamps, total, sampled };
}

/** Every step equal (metrics logged without a step): ranges and live polls go by timestamp. */
function stepless(c: Columns): boolean {
  return c.steps.length > 1 && c.steps[0] === c.steps[c.steps.length - 1];
}

/** Local stores that read a history straight into columns (file order, the points of getMetricHistory). */
interface ColumnarStore {
  getMetricColumns(runId: string, key: string): Promise<Columns>;
}

function columnar(store: TrackingStore): (TrackingStore & ColumnarStore) | undefined {
  return typeof (store as Partial<ColumnarStore>).getMetricColumns === 'function' ? (store as TrackingStore & ColumnarStore) : undefined;
}

/** Columns sorted by (step, timestamp), ties in input order: what toColumns makes of the same points. New arrays only when out of order. */
function sortColumns(c: Columns): Columns {
  const { steps, timestamps } = c;
  const n = steps.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (steps[i] < steps[i - 1] || (steps[i] === steps[i - 1] && timestamps[i] < timestamps[i - 1])) {
      sorted = false;
      break;
    }
  }
  if (sorted) return c;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // ties broken by index: a total order, so the result is toColumns' stable sort
  order.sort((a, b) => steps[a] - steps[b] || timestamps[a] - timestamps[b] || a - b);
  const out: Columns = { steps: new Float64Array(n), values: new Float64Array(n), timestamps: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const j = order[i];
    out.steps[i] = steps[j];
    out.values[i] = c.values[j];
    out.timestamps[i] = timestamps[j];
  }
  return out;
}

export class MetricLoader {
  private readonly full = new Map<string, Columns>();
  /** What the webview has for live series of servers: the last step and timestamp seen. */
  private readonly tail = new Map<string, { step: number; timestamp: number; stepless: boolean }>();

  constructor(private readonly store: TrackingStore) {}

  get local(): boolean {
    return this.store.kind !== 'rest';
  }

  private id(runId: string, key: string): string {
    return `${runId}\u0000${key}`;
  }

  /** The full history as sorted columns (cached for local stores). */
  async history(runId: string, key: string): Promise<Columns> {
    const id = this.id(runId, key);
    const hit = this.full.get(id);
    if (hit) return hit;
    const fast = this.local ? columnar(this.store) : undefined;
    const c = fast ? sortColumns(await fast.getMetricColumns(runId, key)) : toColumns(await this.store.getMetricHistory(runId, key));
    if (this.local) this.full.set(id, c);
    return c;
  }

  private remember(runId: string, key: string, c: Columns): void {
    const n = c.steps.length;
    if (!n) return;
    const id = this.id(runId, key);
    const prev = this.tail.get(id);
    const step = c.steps[n - 1];
    let timestamp = 0;
    for (let i = 0; i < n; i++) if (c.timestamps[i] > timestamp) timestamp = c.timestamps[i];
    if (!prev || step > prev.step || (step === prev.step && timestamp > prev.timestamp)) this.tail.set(id, { step, timestamp: Math.max(timestamp, prev?.timestamp ?? 0), stepless: stepless(c) });
  }

  /** The first frame: the whole history fitted to `width` pixel columns. */
  async initial(runId: string, key: string, width: number): Promise<SeriesPayload> {
    if (this.local) {
      const c = await this.history(runId, key);
      this.remember(runId, key, c);
      const { columns, sampled } = downsampleToWidth(c, width);
      return payload(runId, key, columns, c.steps.length, sampled);
    }
    const pts = await this.store.getSampledMetricHistory(runId, key, { maxPoints: Math.max(4, 4 * Math.round(width)), startStep: MIN_STEP, endStep: MAX_STEP });
    const c = toColumns(pts);
    this.remember(runId, key, c);
    return payload(runId, key, copyColumns(c), c.steps.length, c.steps.length >= 4 * Math.round(width));
  }

  /** A zoomed step range, refined to `width` pixel columns. */
  async range(runId: string, key: string, start: number, end: number, width: number): Promise<SeriesPayload> {
    if (this.local) {
      const c = sliceByStep(await this.history(runId, key), start, end);
      const { columns, sampled } = downsampleToWidth(c, width);
      return payload(runId, key, columns, c.steps.length, sampled);
    }
    const pts = await this.store.getSampledMetricHistory(runId, key, { maxPoints: Math.max(4, 4 * Math.round(width)), startStep: Math.floor(start), endStep: Math.ceil(end) });
    const c = toColumns(pts);
    return payload(runId, key, copyColumns(c), c.steps.length, c.steps.length >= 4 * Math.round(width));
  }

  /**
   * Live: only the points logged since the last call (steps after the last step seen; for
   * step-less metrics, later timestamps). Undefined when there is nothing new.
   */
  async since(runId: string, key: string): Promise<SeriesPayload | undefined> {
    const id = this.id(runId, key);
    const t = this.tail.get(id);
    let fresh: Columns;
    if (!t) {
      fresh = toColumns(await this.store.getSampledMetricHistory(runId, key, { maxPoints: LIVE_MAX, startStep: MIN_STEP, endStep: MAX_STEP }));
    } else if (t.stepless) {
      const fast = this.local ? columnar(this.store) : undefined;
      const all = fast ? sortColumns(await fast.getMetricColumns(runId, key)) : toColumns(await this.store.getMetricHistory(runId, key));
      let i = 0;
      while (i < all.steps.length && all.timestamps[i] <= t.timestamp) i++;
      fresh = copyColumns({ steps: all.steps.subarray(i), values: all.values.subarray(i), timestamps: all.timestamps.subarray(i) });
    } else {
      fresh = toColumns(await this.store.getSampledMetricHistory(runId, key, { maxPoints: LIVE_MAX, startStep: t.step + 1, endStep: MAX_STEP }));
    }
    if (!fresh.steps.length) return undefined;
    const cached = this.full.get(id);
    if (cached) this.full.set(id, appendColumns(cached, fresh));
    this.remember(runId, key, fresh);
    return payload(runId, key, fresh, fresh.steps.length, false);
  }

  /** Forget a run's cached histories (e.g. when a live run changed on disk in other ways). */
  drop(runId: string): void {
    for (const k of [...this.full.keys()]) if (k.startsWith(runId + '\u0000')) this.full.delete(k);
  }

  /** For tests and logs: cached points in all. */
  cachedPoints(): number {
    let n = 0;
    for (const c of this.full.values()) n += c.steps.length;
    return n;
  }
}

export { emptyColumns, lastStep };
