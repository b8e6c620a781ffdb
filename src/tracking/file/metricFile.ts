// Metric history files: one point per line, fields separated by one space.
//   run metrics:          <ts> <value> [<step> [<dataset_name> <dataset_digest>]]
//   logged-model metrics: <ts> <value> <step> <run_id> [<dataset_name> <dataset_digest>]
// Values are Python str(float): `nan`, `inf`, `-inf`, `1e-05`, `-0.0`. Hand-written scanning (no
// split/map) because histories reach 100,000+ lines.
import { MetricColumnsBuilder, type MetricColumns } from '../metricColumns';
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


const TWO53 = 9007199254740992;
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Where a field ends: the index of the line's '\n' (`len` at the end of the text; a '\r' right
 * before it is the line's), -2 for a space (another field follows), -1 for anything else.
 */
function fieldEnd(t: string, i: number, len: number): number {
  if (i >= len) return len;
  const c = t.charCodeAt(i);
  if (c === 10) return i;
  if (c === 32) return -2;
  if (c === 13) {
    if (i + 1 >= len) return len;
    if (t.charCodeAt(i + 1) === 10) return i + 1;
  }
  return -1;
}

/**
 * The common run-metric line `<ts> <value> [<step>]` with plain ASCII numbers, read without
 * allocating, starting at `s`: ts and step are 1–15 digits (step may be negative), the value is
 * `-?digits[.digits][e±digits]`. The value is exact where Number() is (Clinger's fast path: an
 * integer mantissa below 2^53 scaled by at most 10^22 is one correctly rounded operation); longer
 * mantissas go through Number() on the field. Returns the index of the line's '\n' (or `len`),
 * or -1 when the caller must take the general path (nan/inf, signs, dataset fields, blank lines,
 * odd spacing, non-ASCII …).
 */
function fastLine(t: string, s: number, len: number, out: Float64Array): number {
  let i = s;
  let ts = 0;
  while (i < len) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    ts = ts * 10 + d;
    i++;
  }
  if (i === s || i - s > 15 || i >= len || t.charCodeAt(i) !== 32) return -1;
  i++;
  const vs = i;
  let neg = false;
  if (i < len && t.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let frac = 0;
  while (i < len) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    digits++;
    i++;
  }
  if (i < len && t.charCodeAt(i) === 46) {
    i++;
    while (i < len) {
      const d = t.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      m = m * 10 + d;
      digits++;
      frac++;
      i++;
    }
  }
  if (digits === 0) return -1;
  let exp = 0;
  if (i < len) {
    const c = t.charCodeAt(i);
    if (c === 101 || c === 69) {
      i++;
      let eneg = false;
      if (i < len) {
        const sc = t.charCodeAt(i);
        if (sc === 45 || sc === 43) {
          eneg = sc === 45;
          i++;
        }
      }
      const es = i;
      while (i < len) {
        const d = t.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        exp = exp * 10 + d;
        i++;
      }
      if (i === es || i - es > 4) return -1;
      if (eneg) exp = -exp;
    }
  }
  let end = fieldEnd(t, i, len);
  if (end === -1) return -1;
  const p = exp - frac;
  let v: number;
  if (m === 0) v = neg ? -0 : 0;
  else if (m < TWO53 && p >= -22 && p <= 22) {
    v = p < 0 ? m / POW10[-p] : m * POW10[p];
    if (neg) v = -v;
  } else v = Number(t.slice(vs, i));
  let step = 0;
  if (end === -2) {
    i++;
    let sneg = false;
    if (i < len && t.charCodeAt(i) === 45) {
      sneg = true;
      i++;
    }
    const ds = i;
    while (i < len) {
      const d = t.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      step = step * 10 + d;
      i++;
    }
    if (i === ds || i - ds > 15) return -1;
    end = fieldEnd(t, i, len);
    if (end < 0) return -1;
    if (sneg) step = -step;
  }
  out[0] = ts;
  out[1] = v;
  out[2] = step;
  return end;
}

/** A line the fast path did not take, as parseMetricHistory's line reader split it. */
interface SlowLine {
  line: string;
  pos: Int32Array;
  nf: number;
}

/**
 * Every run-metric line of `bytes` in file order, as parseMetricHistory reads their UTF-8 text:
 * `point` gets each readable line's numbers (and, for a line the fast path did not take, the line
 * itself); returns the count of unreadable lines. The bytes are read as Latin-1 (one char per
 * byte, so positions are byte offsets); a line fastLine does not take is decoded as UTF-8 and read
 * by parseMetricHistory's own line reader.
 */
function scanRunMetricLines(bytes: Uint8Array, point: (ts: number, value: number, step: number, slow: SlowLine | undefined) => void): number {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buf.toString('latin1');
  const len = text.length;
  const one = new Float64Array(3);
  const pos = new Int32Array(2 * (MAX_FIELDS + 1));
  const line: LineOut = { ts: 0, step: 0, nf: 0 };
  let bad = 0;
  let s = 0;
  while (s < len) {
    const e = fastLine(text, s, len, one);
    if (e >= 0) {
      point(one[0], one[1], one[2], undefined);
      s = e + 1;
      continue;
    }
    let le = text.indexOf('\n', s);
    const next = le < 0 ? len : le;
    if (le < 0) le = len;
    if (le > s && text.charCodeAt(le - 1) === 13) le--;
    if (le > s) {
      const l = buf.toString('utf8', s, le);
      const v = readLine(l, 0, l.length, 'run', pos, line) ? float(l, pos[2], pos[3]) : undefined;
      if (v === undefined) bad++;
      else point(line.ts, v, line.step, { line: l, pos, nf: line.nf });
    }
    s = next + 1; // blank lines are skipped, not counted
  }
  return bad;
}

/**
 * parseMetricHistory for a run's metric file read as bytes: the same points (and bad-line count)
 * without a substring per field, which is what a 100,000-point history costs.
 */
export function parseRunMetricHistory(bytes: Uint8Array, ctx: MetricFileContext): ParseResult<Metric[]> {
  const out: Metric[] = [];
  const { key, runId } = ctx;
  const bad = scanRunMetricLines(bytes, (timestamp, value, step, slow) => {
    if (slow) out.push(build(slow.line, { ...ctx, kind: 'run' }, slow.pos, slow.nf, timestamp, step, value));
    else if (runId !== undefined) out.push({ key, value, timestamp, step, runId });
    else out.push({ key, value, timestamp, step });
  });
  return { value: out, badLines: bad };
}

/**
 * Run metric lines straight into columns (file order), without a Metric object per point: the
 * same points and the same bad-line count as parseMetricHistory on the UTF-8 text of `bytes`.
 */
export function parseMetricColumns(bytes: Uint8Array): ParseResult<MetricColumns> {
  // capacity from the mean line length of the first 64 KB (grown if short, trimmed at the end)
  const len = bytes.length;
  const sample = Math.min(len, 65536);
  let lines = 0;
  for (let i = 0; i < sample; i++) if (bytes[i] === 10) lines++;
  const columns = new MetricColumnsBuilder((len / Math.max(1, sample)) * (lines + 1) * 1.02 + 16);
  const bad = scanRunMetricLines(bytes, (ts, v, step) => columns.push(step, v, ts));
  return { value: columns.finish(), badLines: bad };
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
