// Metric history files: one point per line, fields separated by one space.
//   run metrics:          <ts> <value> [<step> [<dataset_name> <dataset_digest>]]
//   logged-model metrics: <ts> <value> <step> <run_id> [<dataset_name> <dataset_digest>]
// Values are Python str(float): `nan`, `inf`, `-inf`, `1e-05`, `-0.0`. Hand-written scanning (no
// split/map) because histories reach 100,000+ lines.
import type { Metric } from '../types';

export interface MetricFileContext {
  key: string;
  /** 'model' files carry the run id in the 4th field. */
  kind: 'run' | 'model';
  /** Put on every point (run metrics of MLflow 3 stores; logged-model metrics use the file's field). */
  runId?: string;
  modelId?: string;
}

const MAX_FIELDS = 6;

/** Splits [start, end) on single spaces; returns the field count, positions in `pos` (start,end pairs). */
function fields(text: string, start: number, end: number, pos: Int32Array): number {
  let n = 0;
  let a = start;
  while (n < MAX_FIELDS) {
    let sp = text.indexOf(' ', a);
    if (sp < 0 || sp > end) sp = end;
    pos[2 * n] = a;
    pos[2 * n + 1] = sp;
    n++;
    if (sp >= end) return n;
    a = sp + 1;
  }
  return n + 1; // too many fields
}

/** Integer field; NaN when it is not an integer. */
function int(text: string, a: number, b: number): number {
  if (a >= b) return NaN;
  let i = a;
  let neg = false;
  const c0 = text.charCodeAt(i);
  if (c0 === 45 /* - */ || c0 === 43 /* + */) {
    neg = c0 === 45;
    i++;
    if (i >= b) return NaN;
  }
  if (b - i > 15) {
    const v = Number(text.slice(a, b));
    return Number.isInteger(v) ? v : NaN;
  }
  let v = 0;
  for (; i < b; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** A Python float repr. `undefined` when unparseable. */
function float(text: string, a: number, b: number): number | undefined {
  if (a >= b) return undefined;
  let c = text.charCodeAt(a);
  let sign = 1;
  let i = a;
  if (c === 45 || c === 43) {
    sign = c === 45 ? -1 : 1;
    i++;
    c = text.charCodeAt(i);
  }
  if (c === 110 || c === 78 || c === 105 || c === 73) {
    const w = text.slice(i, b).toLowerCase();
    if (w === 'nan') return NaN;
    if (w === 'inf' || w === 'infinity') return sign * Infinity;
    return undefined;
  }
  const v = Number(text.slice(a, b));
  return Number.isNaN(v) ? undefined : v;
}

interface LineOut {
  ts: number;
  step: number;
  nf: number;
}

/** Reads the integer fields of a line; returns false when the line is malformed. */
function readLine(text: string, s: number, e: number, kind: 'run' | 'model', pos: Int32Array, out: LineOut): boolean {
  const nf = fields(text, s, e, pos);
  if (kind === 'run' ? nf !== 2 && nf !== 3 && nf !== 5 : nf !== 4 && nf !== 6) return false;
  const ts = int(text, pos[0], pos[1]);
  if (Number.isNaN(ts)) return false;
  const step = nf >= 3 ? int(text, pos[4], pos[5]) : 0;
  if (Number.isNaN(step)) return false;
  out.ts = ts;
  out.step = step;
  out.nf = nf;
  return true;
}

function build(text: string, ctx: MetricFileContext, pos: Int32Array, nf: number, ts: number, step: number, value: number): Metric {
  const m: Metric = { key: ctx.key, value, timestamp: ts, step };
  if (ctx.kind === 'model') {
    if (ctx.modelId !== undefined) m.modelId = ctx.modelId;
    m.runId = text.slice(pos[6], pos[7]);
    if (nf === 6) {
      m.datasetName = text.slice(pos[8], pos[9]);
      m.datasetDigest = text.slice(pos[10], pos[11]);
    }
  } else {
    if (nf === 5) {
      m.datasetName = text.slice(pos[6], pos[7]);
      m.datasetDigest = text.slice(pos[8], pos[9]);
    }
    if (ctx.runId !== undefined) m.runId = ctx.runId;
  }
  return m;
}

/** Iterates line bounds, skipping blank lines and a trailing \r. */
function forEachLine(text: string, fn: (s: number, e: number) => void): void {
  const n = text.length;
  let s = 0;
  while (s < n) {
    let e = text.indexOf('\n', s);
    if (e < 0) e = n;
    let le = e;
    if (le > s && text.charCodeAt(le - 1) === 13) le--;
    if (le > s) fn(s, le);
    s = e + 1;
  }
}

export interface ParseResult<T> {
  value: T;
  /** Lines that could not be read (skipped). */
  badLines: number;
}

/** Every point in file order. */
export function parseMetricHistory(text: string, ctx: MetricFileContext): ParseResult<Metric[]> {
  const pos = new Int32Array(2 * (MAX_FIELDS + 1));
  const out: Metric[] = [];
  const line: LineOut = { ts: 0, step: 0, nf: 0 };
  let bad = 0;
  forEachLine(text, (s, e) => {
    if (!readLine(text, s, e, ctx.kind, pos, line)) {
      bad++;
      return;
    }
    const v = float(text, pos[2], pos[3]);
    if (v === undefined) {
      bad++;
      return;
    }
    out.push(build(text, ctx, pos, line.nf, line.ts, line.step, v));
  });
  return { value: out, badLines: bad };
}

/**
 * The point MLflow reports as the metric's value: Python's max(points, key=(step, timestamp, value)),
 * i.e. the first maximum in file order, where a NaN value never beats (nor is beaten by) an equal
 * (step, timestamp). Timestamps are only parsed on step ties and values only on (step, timestamp)
 * ties and for the winner, so the common increasing-step file costs one integer per line.
 */
export function latestMetric(text: string, ctx: MetricFileContext): ParseResult<Metric | undefined> {
  const pos = new Int32Array(2 * (MAX_FIELDS + 1));
  const okFields = ctx.kind === 'run' ? (nf: number) => nf === 2 || nf === 3 || nf === 5 : (nf: number) => nf === 4 || nf === 6;
  let bad = 0;
  let have = false;
  let bStep = 0;
  let bTs = 0;
  let bTsKnown = false;
  let bS = 0;
  let bE = 0;
  let bVal = 0;
  let bValKnown = false;
  let slow = false;
  const bestTs = (): number => {
    if (!bTsKnown) {
      const bp = new Int32Array(2 * (MAX_FIELDS + 1));
      fields(text, bS, bE, bp);
      bTs = int(text, bp[0], bp[1]);
      bTsKnown = true;
    }
    return bTs;
  };
  const bestVal = (): number | undefined => {
    if (!bValKnown) {
      const bp = new Int32Array(2 * (MAX_FIELDS + 1));
      fields(text, bS, bE, bp);
      const v = float(text, bp[2], bp[3]);
      if (v === undefined) return undefined;
      bVal = v;
      bValKnown = true;
    }
    return bVal;
  };
  forEachLine(text, (s, e) => {
    if (slow) return;
    const nf = fields(text, s, e, pos);
    if (!okFields(nf)) {
      bad++;
      return;
    }
    const step = nf >= 3 ? int(text, pos[4], pos[5]) : 0;
    if (Number.isNaN(step)) {
      bad++;
      return;
    }
    if (!have || step > bStep) {
      have = true;
      bStep = step;
      bS = s;
      bE = e;
      bTsKnown = false;
      bValKnown = false;
      return;
    }
    if (step !== bStep) return;
    const ts = int(text, pos[0], pos[1]);
    const bt = bestTs();
    if (Number.isNaN(ts) || Number.isNaN(bt)) {
      slow = true; // malformed lines: let the careful path decide
      return;
    }
    if (ts > bt) {
      bS = s;
      bE = e;
      bTs = ts;
      bTsKnown = true;
      bValKnown = false;
      return;
    }
    if (ts === bt) {
      const v = float(text, pos[2], pos[3]);
      const bv = bestVal();
      if (v === undefined || bv === undefined) {
        slow = true;
        return;
      }
      if (v > bv) {
        bS = s;
        bE = e;
        bVal = v;
        bValKnown = true;
      }
    }
  });
  if (!slow && have) {
    const nf = fields(text, bS, bE, pos);
    const ts = int(text, pos[0], pos[1]);
    const v = float(text, pos[2], pos[3]);
    if (!Number.isNaN(ts) && v !== undefined) return { value: build(text, ctx, pos, nf, ts, bStep, v), badLines: bad };
  }
  if (!have) return { value: undefined, badLines: bad };
  // some line did not parse where it mattered: parse everything, skipping bad lines
  const all = parseMetricHistory(text, ctx);
  return { value: maxMetric(all.value), badLines: all.badLines };
}

/** Python's max(key=(step, timestamp, value)) over already parsed points (first maximum wins). */
export function maxMetric(points: readonly Metric[]): Metric | undefined {
  let best: Metric | undefined;
  for (const m of points) {
    if (!best || m.step > best.step || (m.step === best.step && (m.timestamp > best.timestamp || (m.timestamp === best.timestamp && m.value > best.value)))) best = m;
  }
  return best;
}

/** Logged-model metrics: the latest point per (dataset_name, dataset_digest), groups in order of first appearance. */
export function latestPerDataset(points: readonly Metric[]): Metric[] {
  const groups = new Map<string, Metric[]>();
  for (const m of points) {
    const k = `${m.datasetName ?? '\u0000'}\u0001${m.datasetDigest ?? '\u0000'}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(m);
  }
  return [...groups.values()].map((g) => maxMetric(g)!);
}
