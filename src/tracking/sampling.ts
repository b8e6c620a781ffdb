// Downsampling of metric histories that keeps what a chart must not lose: the first and last
// points and the minimum and maximum of every bucket (so spikes and NaN/±inf survive).
import type { Metric } from './types';

function rank(v: number): number {
  return Number.isNaN(v) ? 0 : v;
}

/**
 * Sorts by (step, timestamp) and returns at most about maxPoints points. Non-finite values are
 * always kept (a chart draws them as gaps or markers), which may add a few points over the bound.
 */
export function downsampleMetrics(points: readonly Metric[], maxPoints: number): Metric[] {
  const sorted = [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  if (sorted.length <= maxPoints || maxPoints < 4) return sorted.length <= maxPoints ? sorted : [sorted[0], sorted[sorted.length - 1]];
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const inner = sorted.length - 2;
  const out: Metric[] = [sorted[0]];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (from >= to) continue;
    let lo = from;
    let hi = from;
    const odd: number[] = [];
    for (let i = from; i < to; i++) {
      const v = sorted[i].value;
      if (!Number.isFinite(v)) {
        odd.push(i);
        continue;
      }
      if (!Number.isFinite(sorted[lo].value) || rank(v) < rank(sorted[lo].value)) lo = i;
      if (!Number.isFinite(sorted[hi].value) || rank(v) > rank(sorted[hi].value)) hi = i;
    }
    const keep = new Set<number>(odd);
    if (Number.isFinite(sorted[lo].value)) keep.add(lo);
    if (Number.isFinite(sorted[hi].value)) keep.add(hi);
    for (const i of [...keep].sort((x, y) => x - y)) out.push(sorted[i]);
  }
  out.push(sorted[sorted.length - 1]);
  return out;
}

/** Points whose step lies in [startStep, endStep] (either bound optional). */
export function inStepRange(points: readonly Metric[], startStep?: number, endStep?: number): Metric[] {
  if (startStep === undefined && endStep === undefined) return [...points];
  return points.filter((p) => (startStep === undefined || p.step >= startStep) && (endStep === undefined || p.step <= endStep));
}
