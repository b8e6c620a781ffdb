// Pure chart arithmetic shared by the plots webview (bundled into media/plots.ts) and unit tests:
// smoothing, outlier-free y ranges, aligning several runs on one x axis, colours and dashes.
// No DOM, no vscode.

/**
 * Exponential moving average with TensorBoard's debiasing (the first points are not pulled
 * towards 0). Non-finite inputs are passed through unchanged and do not disturb the average.
 * weight 0 returns a copy.
 */
export function ema(values: ArrayLike<number>, weight: number): number[] {
  const out = new Array<number>(values.length);
  if (!(weight > 0)) {
    for (let i = 0; i < values.length; i++) out[i] = values[i];
    return out;
  }
  const w = Math.min(weight, 0.999);
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    count++;
    out[i] = last / (1 - Math.pow(w, count));
  }
  return out;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * A y range that leaves out outliers: Tukey's fences (1.5 × IQR beyond the quartiles), clamped
 * to the data. Points outside stay in the data and are simply off-chart. Undefined without finite data.
 */
export function robustRange(values: Iterable<number>, k = 1.5): [number, number] | undefined {
  const xs: number[] = [];
  for (const v of values) if (Number.isFinite(v)) xs.push(v);
  if (!xs.length) return undefined;
  xs.sort((a, b) => a - b);
  const q1 = quantile(xs, 0.25);
  const q3 = quantile(xs, 0.75);
  const iqr = q3 - q1;
  let lo = Math.max(xs[0], q1 - k * iqr);
  let hi = Math.min(xs[xs.length - 1], q3 + k * iqr);
  // the tightest data that is inside the fences
  const inside = xs.filter((v) => v >= lo && v <= hi);
  lo = inside[0];
  hi = inside[inside.length - 1];
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.05 || 1;
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/** How many values of a series `robustRange` leaves off the chart. */
export function countOutside(values: Iterable<number>, range: [number, number]): number {
  let n = 0;
  for (const v of values) if (Number.isFinite(v) && (v < range[0] || v > range[1])) n++;
  return n;
}

/**
 * Aligns series that have their own x values onto one ascending x array (what uPlot wants).
 * A series has `undefined` where it has no point at that x (uPlot spans those) and keeps its own
 * values elsewhere (null = gap). Repeated x within one series (the same step logged twice) gets
 * one slot per repetition.
 */
export function alignSeries(series: { x: ArrayLike<number>; y: ArrayLike<number | null> }[]): [number[], ...(number | null | undefined)[][]] {
  const heads = series.map(() => 0);
  const xs: number[] = [];
  const ys: (number | null | undefined)[][] = series.map(() => []);
  for (;;) {
    let min = Infinity;
    let any = false;
    for (let s = 0; s < series.length; s++) {
      if (heads[s] < series[s].x.length) {
        any = true;
        const x = series[s].x[heads[s]];
        if (x < min) min = x;
      }
    }
    if (!any) break;
    xs.push(min);
    for (let s = 0; s < series.length; s++) {
      const h = heads[s];
      if (h < series[s].x.length && series[s].x[h] === min) {
        ys[s].push(series[s].y[h]);
        heads[s] = h + 1;
      } else ys[s].push(undefined);
    }
  }
  return [xs, ...ys];
}

/** Index of the x closest to `x` in an ascending array; -1 when empty. */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (!n) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1] - x) <= Math.abs(xs[lo] - x)) return lo - 1;
  return lo;
}

/** Every value spelled exactly (full precision), non-finite ones by name. */
export function exactValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** VS Code's chart colours, in the order runs get them. */
export const CHART_COLORS = ['blue', 'orange', 'green', 'red', 'purple', 'yellow'] as const;

const DASHES: number[][] = [[], [6, 3], [2, 3], [8, 3, 2, 3], [1, 2], [10, 4]];

/**
 * The colour variable and dash pattern of the i-th run: colours first, dashes once colours repeat. With
 * `dashEach` (high-contrast themes, whose chart colours are near alike) every run also gets its own dash.
 */
export function runStyle(i: number, dashEach = false): { cssVar: string; dash: number[] } {
  const n = CHART_COLORS.length;
  return { cssVar: `--vscode-charts-${CHART_COLORS[i % n]}`, dash: DASHES[(dashEach ? i : Math.floor(i / n)) % DASHES.length] };
}

/** x values of a series on the chosen axis: steps, wall time (seconds since epoch, as uPlot's time axes want) or seconds since the run started. */
export function xValues(steps: Float64Array, timestamps: Float64Array, axis: 'step' | 'wall' | 'relative', runStart: number): Float64Array {
  if (axis === 'step') return steps;
  const out = new Float64Array(timestamps.length);
  const base = axis === 'wall' ? 0 : runStart;
  for (let i = 0; i < out.length; i++) out[i] = (timestamps[i] - base) / 1000;
  return out;
}

/** x values must ascend for a chart: a stable re-order by x (wall-clock order can differ from step order). */
export function sortByX(x: Float64Array, y: ArrayLike<number>): { x: Float64Array; y: number[]; order: number[] } {
  const order = Array.from({ length: x.length }, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < x.length; i++) if (x[i] < x[i - 1]) sorted = false;
  if (!sorted) order.sort((a, b) => x[a] - x[b] || a - b);
  return { x: Float64Array.from(order, (i) => x[i]), y: order.map((i) => y[i]), order };
}

/** Seconds as a compact duration: 45s, 12m 5s, 3h 20m. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '';
  const neg = s < 0;
  let a = Math.abs(s);
  let out: string;
  if (a < 60) out = `${Math.round(a * 10) / 10}s`;
  else if (a < 3600) out = `${Math.floor(a / 60)}m ${Math.round(a % 60)}s`;
  else {
    a = Math.round(a / 60);
    out = `${Math.floor(a / 60)}h ${a % 60}m`;
  }
  return neg ? '-' + out : out;
}

/** Tick labels with just enough digits to tell neighbours apart (uPlot's default rounds 0.0004 to 0). */
export function tickLabels(splits: readonly (number | null)[], incr: number): string[] {
  const finite = splits.filter((v): v is number => v !== null && Number.isFinite(v));
  const mag = Math.max(...finite.map((v) => Math.abs(v)), 0);
  if (mag !== 0 && (mag >= 1e6 || mag < 1e-3 || (incr > 0 && incr < 1e-4))) {
    const digits = incr > 0 && mag > 0 ? Math.min(6, Math.max(0, Math.ceil(Math.log10(mag / incr)))) : 2;
    return splits.map((v) => (v === null ? '' : v === 0 ? '0' : v.toExponential(Math.min(digits, 4)).replace(/\.?0+e/, 'e')));
  }
  const decimals = incr > 0 ? Math.min(12, Math.max(0, -Math.floor(Math.log10(incr) + 1e-9))) : 2;
  return splits.map((v) => {
    if (v === null) return '';
    const s = v.toFixed(decimals);
    return Math.abs(v) >= 1000 && decimals === 0 ? Number(s).toLocaleString('en-US') : s;
  });
}

/** Tick increments of a step axis: whole steps only (1, 2, 5, 10, 20, 50…). */
export const STEP_INCRS: number[] = Array.from({ length: 16 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

/** Tick increments of a wall-time axis in seconds: whole seconds and up (no ":14.500" ticks). */
export const WALL_INCRS: number[] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 182 * 86400, 365 * 86400];

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A wall-time tick (seconds since the epoch, local time): 14:03:20 below a minute apart, 14:03 below a day, else Mar 5. */
export function wallTickLabel(v: number, incr: number): string {
  const d = new Date(v * 1000);
  if (Number.isNaN(d.getTime())) return '';
  if (incr < 60) return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  if (incr < 86400) return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
}

/** Title of the x axis. */
export function xAxisTitle(axis: 'step' | 'wall' | 'relative'): string {
  return axis === 'step' ? 'Step' : axis === 'wall' ? 'Wall time' : 'Time since the run started';
}

/** Legend entries for the non-finite markers a chart draws (in this order). */
export function nonFiniteLegend(values: Iterable<number>): ('NaN' | '+∞' | '−∞')[] {
  let nan = false;
  let pos = false;
  let neg = false;
  for (const v of values) {
    if (Number.isNaN(v)) nan = true;
    else if (v === Infinity) pos = true;
    else if (v === -Infinity) neg = true;
  }
  return [...(nan ? (['NaN'] as const) : []), ...(pos ? (['+∞'] as const) : []), ...(neg ? (['−∞'] as const) : [])];
}

/** The value a hover shows for one series at cursor x: the nearest point, or none when x lies outside the series. */
export function pointAtCursor(xs: ArrayLike<number>, x: number): number {
  if (!xs.length || x < xs[0] || x > xs[xs.length - 1]) {
    // a half-gap of slack at the ends, so the first and last points stay reachable
    const gap = xs.length > 1 ? (xs[xs.length - 1] - xs[0]) / (xs.length - 1) / 2 : 0.5;
    if (!xs.length || x < xs[0] - gap || x > xs[xs.length - 1] + gap) return -1;
  }
  return nearestIndex(xs, x);
}

type RGB = [number, number, number];

/** #rgb(a), #rrggbb(aa), rgb(…) or rgba(…) → [r, g, b, alpha 0–1], or undefined. */
export function parseColorAlpha(c: string): [number, number, number, number] | undefined {
  const s = c.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,4})$/.exec(s);
  if (m) {
    const d = [...m[1]].map((x) => parseInt(x + x, 16));
    return [d[0], d[1], d[2], d.length > 3 ? d[3] / 255 : 1];
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(s);
  if (m) return [parseInt(m[1].slice(0, 2), 16), parseInt(m[1].slice(2, 4), 16), parseInt(m[1].slice(4, 6), 16), m[2] ? parseInt(m[2], 16) / 255 : 1];
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%)?)?/.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4]) / (m[5] ? 100 : 1)];
  return undefined;
}

/** [r, g, b] of a colour (alpha dropped), or undefined. */
export function parseColor(c: string): RGB | undefined {
  const p = parseColorAlpha(c);
  return p && [p[0], p[1], p[2]];
}

/** A colour as drawn over an opaque background: translucent theme colours (charts.orange is 33% opaque) composited. */
function over(color: string, background: string): RGB | undefined {
  const f = parseColorAlpha(color);
  const b = parseColor(background);
  if (!f || !b) return undefined;
  return [0, 1, 2].map((i) => Math.round(f[i] * f[3] + b[i] * (1 - f[3]))) as RGB;
}

const hex = (c: RGB) => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');

function luminance([r, g, b]: RGB): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of a colour (as drawn over the background) and the background (1–21); undefined when either cannot be read. */
export function contrastRatio(color: string, background: string): number | undefined {
  const x = over(color, background);
  const y = parseColor(background);
  if (!x || !y) return undefined;
  const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * An opaque colour for lines on `background`: the colour's own hue at full opacity (a translucent theme colour,
 * like charts.orange at 33%, draws a muddy line), lightened on a dark background or darkened on a light one
 * until it reaches `min` contrast.
 */
export function ensureContrast(color: string, background: string, min = 3): string {
  const fg = parseColor(color);
  const bg = parseColor(background);
  if (!fg || !bg) return color;
  if ((contrastRatio(hex(fg), background) ?? 21) >= min) return parseColorAlpha(color)![3] === 1 ? color : hex(fg);
  const target = luminance(bg) < 0.5 ? 255 : 0;
  for (let t = 0.05; t <= 1; t += 0.05) {
    const c = hex(fg.map((v) => Math.round(v + (target - v) * t)) as RGB);
    if ((contrastRatio(c, background) ?? 0) >= min) return c;
  }
  return target ? '#ffffff' : '#000000';
}
