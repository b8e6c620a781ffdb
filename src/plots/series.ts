// Column-oriented metric series for charts (pure; no vscode). A history of 1,000,000 points is
// kept as three Float64Arrays sorted by (step, timestamp) and cut down to what a chart of a given
// pixel width can show: per pixel column the first, last, minimum and maximum point (M4), plus
// the non-finite points (NaN, ±inf) that the chart draws as markers. Extends the ideas of
// src/tracking/sampling.ts (downsampleMetrics keeps per-bucket extremes by index) to buckets by
// x position, which is what a pixel column is.
import type { Metric } from '../tracking/types';

export interface Columns {
  steps: Float64Array;
  values: Float64Array;
  timestamps: Float64Array;
}

export const emptyColumns = (): Columns => ({ steps: new Float64Array(0), values: new Float64Array(0), timestamps: new Float64Array(0) });

/** Sorted by (step, timestamp); input order is kept for ties (a stable sort), and the common already-sorted case costs one pass. */
export function toColumns(points: readonly Metric[]): Columns {
  const n = points.length;
  const steps = new Float64Array(n);
  const values = new Float64Array(n);
  const timestamps = new Float64Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const p = points[i];
    steps[i] = p.step;
    values[i] = p.value;
    timestamps[i] = p.timestamp;
    if (i > 0 && (steps[i] < steps[i - 1] || (steps[i] === steps[i - 1] && timestamps[i] < timestamps[i - 1]))) sorted = false;
  }
  if (sorted) return { steps, values, timestamps };
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => steps[a] - steps[b] || timestamps[a] - timestamps[b] || a - b);
  return gather({ steps, values, timestamps }, order);
}

function gather(c: Columns, idx: ArrayLike<number>): Columns {
  const n = idx.length;
  const out: Columns = { steps: new Float64Array(n), values: new Float64Array(n), timestamps: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const j = idx[i];
    out.steps[i] = c.steps[j];
    out.values[i] = c.values[j];
    out.timestamps[i] = c.timestamps[j];
  }
  return out;
}

/** First index whose step is ≥ s (steps sorted ascending). */
export function lowerBound(steps: Float64Array, s: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The points whose step lies in [start, end], as views (no copy). */
export function sliceByStep(c: Columns, start: number, end: number): Columns {
  const a = lowerBound(c.steps, start);
  let lo = a;
  let hi = c.steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.steps[mid] <= end) lo = mid + 1;
    else hi = mid;
  }
  return { steps: c.steps.subarray(a, lo), values: c.values.subarray(a, lo), timestamps: c.timestamps.subarray(a, lo) };
}

/** Appends points (already sorted, all after the last step) to a series. */
export function appendColumns(c: Columns, more: Columns): Columns {
  const cat = (x: Float64Array, y: Float64Array) => {
    const r = new Float64Array(x.length + y.length);
    r.set(x);
    r.set(y, x.length);
    return r;
  };
  return { steps: cat(c.steps, more.steps), values: cat(c.values, more.values), timestamps: cat(c.timestamps, more.timestamps) };
}

/** A copy with its own buffers: a typed-array view would send its whole backing buffer to the webview. */
export function copyColumns(c: Columns): Columns {
  return { steps: c.steps.slice(), values: c.values.slice(), timestamps: c.timestamps.slice() };
}

/**
 * At most about 4 × `width` finite points (first, last, min and max of each of `width` buckets
 * along the step axis; by index when every step is equal) plus, per bucket, the first NaN, +inf
 * and -inf. The first and last points are always kept. Returns fresh arrays.
 */
export function downsampleToWidth(c: Columns, width: number): { columns: Columns; sampled: boolean } {
  const n = c.steps.length;
  const buckets = Math.max(1, Math.floor(width));
  if (n <= 2 * buckets) return { columns: copyColumns(c), sampled: false };
  const s0 = c.steps[0];
  const span = c.steps[n - 1] - s0;
  const byIndex = !(span > 0);
  const scale = byIndex ? buckets / n : buckets / span;
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  let i = 0;
  while (i < n) {
    const b = bucketOf(byIndex ? i : c.steps[i] - s0, scale, buckets);
    let first = -1;
    let last = -1;
    let lo = -1;
    let hi = -1;
    let nan = -1;
    let pinf = -1;
    let ninf = -1;
    let j = i;
    for (; j < n && bucketOf(byIndex ? j : c.steps[j] - s0, scale, buckets) === b; j++) {
      const v = c.values[j];
      if (v !== v) {
        if (nan < 0) nan = j;
      } else if (v === Infinity) {
        if (pinf < 0) pinf = j;
      } else if (v === -Infinity) {
        if (ninf < 0) ninf = j;
      } else {
        if (first < 0) first = j;
        last = j;
        if (lo < 0 || v < c.values[lo]) lo = j;
        if (hi < 0 || v > c.values[hi]) hi = j;
      }
    }
    for (const k of [first, last, lo, hi, nan, pinf, ninf]) if (k >= 0) keep[k] = 1;
    i = j;
  }
  let count = 0;
  for (let k = 0; k < n; k++) count += keep[k];
  const idx = new Uint32Array(count);
  for (let k = 0, m = 0; k < n; k++) if (keep[k]) idx[m++] = k;
  return { columns: gather(c, idx), sampled: count < n };
}

function bucketOf(x: number, scale: number, buckets: number): number {
  const b = Math.floor(x * scale);
  return b >= buckets ? buckets - 1 : b;
}

/** The largest step of a series, or undefined when empty. */
export function lastStep(c: Columns): number | undefined {
  return c.steps.length ? c.steps[c.steps.length - 1] : undefined;
}
