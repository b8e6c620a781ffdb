// Pure: the geometry of the sweep charts. Parallel coordinates: each axis maps a run to a position
// 0 (top) … 1 (bottom) of the axis, numeric axes by value (max at the top) and categorical ones by
// category; values with no place on the scale get bands of their own below it (+∞ above), so they
// are shown, never dropped. A brush is a [from, to] range of positions on one axis; a run is
// brushed when it is inside every brush. Scatter: non-finite values pinned to the plot's edges.
import { formatCell, type Column, type TableRow } from './model';

export type Band = '+∞' | '−∞' | 'NaN' | 'missing';

export interface Axis {
  column: Column;
  kind: 'numeric' | 'categorical';
  min: number;
  max: number;
  categories: string[];
  /** Bands present on this axis (in drawing order below the scale; +∞ goes above). */
  bands: Band[];
}

/** The scale spans SCALE_TOP…SCALE_BOTTOM; bands sit above (+∞) and below it. */
export const SCALE_TOP = 0.06;
export const SCALE_BOTTOM = 0.78;
const BAND_Y: Record<Band, number> = { '+∞': 0, '−∞': 0.84, NaN: 0.91, missing: 0.98 };

function numericOf(r: TableRow, c: Column): number | undefined {
  if (c.group === 'Metrics') return r.metrics.get(c.key);
  if (c.group === 'Parameters') {
    const v = r.params.get(c.key);
    return v === undefined ? undefined : Number(v);
  }
  return undefined;
}

export function buildAxis(rows: readonly TableRow[], column: Column): Axis {
  const bands = new Set<Band>();
  if (column.numeric) {
    let min = Infinity;
    let max = -Infinity;
    for (const r of rows) {
      const v = numericOf(r, column);
      if (v === undefined) bands.add('missing');
      else if (Number.isNaN(v)) bands.add('NaN');
      else if (v === Infinity) bands.add('+∞');
      else if (v === -Infinity) bands.add('−∞');
      else {
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (min > max) [min, max] = [0, 1];
    return { column, kind: 'numeric', min, max, categories: [], bands: (['+∞', '−∞', 'NaN', 'missing'] as Band[]).filter((b) => bands.has(b)) };
  }
  const cats = new Set<string>();
  for (const r of rows) {
    const v = formatCell(r, column);
    if (v === '') bands.add('missing');
    else cats.add(v);
  }
  const categories = [...cats].sort((a, b) => {
    const na = Number(a);
    const nb = Number(b);
    return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
  });
  return { column, kind: 'categorical', min: 0, max: Math.max(0, categories.length - 1), categories, bands: bands.has('missing') ? ['missing'] : [] };
}

/** Where the run sits on the axis: 0 (top) … 1 (bottom). */
export function axisPosition(axis: Axis, r: TableRow): number {
  const span = SCALE_BOTTOM - SCALE_TOP;
  if (axis.kind === 'numeric') {
    const v = numericOf(r, axis.column);
    if (v === undefined) return BAND_Y.missing;
    if (Number.isNaN(v)) return BAND_Y.NaN;
    if (v === Infinity) return BAND_Y['+∞'];
    if (v === -Infinity) return BAND_Y['−∞'];
    const t = axis.max === axis.min ? 0.5 : (v - axis.min) / (axis.max - axis.min);
    return SCALE_TOP + (1 - t) * span;
  }
  const v = formatCell(r, axis.column);
  if (v === '') return BAND_Y.missing;
  const i = axis.categories.indexOf(v);
  return axis.categories.length <= 1 ? SCALE_TOP + span / 2 : SCALE_TOP + (i / (axis.categories.length - 1)) * span;
}

export function bandPosition(b: Band): number {
  return BAND_Y[b];
}

/** The value a position on a numeric axis stands for (for brush labels). */
export function valueAt(axis: Axis, pos: number): number {
  const t = (SCALE_BOTTOM - pos) / (SCALE_BOTTOM - SCALE_TOP);
  return axis.min + t * (axis.max - axis.min);
}

export interface Brush {
  column: string;
  from: number;
  to: number;
}

/** Ids of the rows inside every brush (positions compared with a small tolerance). */
export function brushed(rows: readonly TableRow[], axes: readonly Axis[], brushes: readonly Brush[]): string[] {
  const active = brushes.flatMap((b) => {
    const axis = axes.find((a) => a.column.id === b.column);
    return axis ? [{ axis, lo: Math.min(b.from, b.to) - 1e-9, hi: Math.max(b.from, b.to) + 1e-9 }] : [];
  });
  if (!active.length) return [];
  return rows
    .filter((r) =>
      active.every(({ axis, lo, hi }) => {
        const p = axisPosition(axis, r);
        return p >= lo && p <= hi;
      }),
    )
    .map((r) => r.id);
}

export interface ScatterPoint {
  id: string;
  x: number;
  y: number;
  /** Which coordinates were not finite (then pinned to an edge), e.g. "y: NaN". */
  nonFinite?: string;
}

const describe = (v: number | undefined) => (v === undefined ? 'missing' : Number.isNaN(v) ? 'NaN' : v > 0 ? '+∞' : '−∞');

/**
 * Scatter points of x against y, sorted by x. Runs lacking x or y are left out (counted in
 * `missing`); non-finite values sit on the edges: +∞ at the far end, −∞ and NaN at the near end.
 */
export function scatterPoints(rows: readonly TableRow[], x: Column, y: Column): { points: ScatterPoint[]; missing: number; nonFinite: number } {
  const raw: { id: string; x: number; y: number }[] = [];
  let missing = 0;
  for (const r of rows) {
    const xv = numericOf(r, x);
    const yv = numericOf(r, y);
    if (xv === undefined || yv === undefined) missing++;
    else raw.push({ id: r.id, x: xv, y: yv });
  }
  const finite = (k: 'x' | 'y') => raw.map((p) => p[k]).filter(Number.isFinite);
  const edges = (vs: number[]) => {
    const lo = vs.length ? Math.min(...vs) : 0;
    const hi = vs.length ? Math.max(...vs) : 1;
    const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
    return { low: lo - pad, high: hi + pad };
  };
  const ex = edges(finite('x'));
  const ey = edges(finite('y'));
  let nonFinite = 0;
  const points = raw.map((p): ScatterPoint => {
    const bad: string[] = [];
    const pin = (v: number, e: { low: number; high: number }, axis: string) => {
      if (Number.isFinite(v)) return v;
      bad.push(`${axis}: ${describe(v)}`);
      return v === Infinity ? e.high : e.low;
    };
    const out: ScatterPoint = { id: p.id, x: pin(p.x, ex, 'x'), y: pin(p.y, ey, 'y') };
    if (bad.length) {
      out.nonFinite = bad.join(', ');
      nonFinite++;
    }
    return out;
  });
  points.sort((a, b) => a.x - b.x);
  return { points, missing, nonFinite };
}
