// The scatter (uPlot): any numeric parameter or metric (X) against a metric (Y), coloured by a third
// column (up to 6 categories, or 4 quantile bins of a numeric one). NaN and ±∞ sit on the plot's
// edges with a ring, missing values are counted; hover names the run, click selects it.
import uPlot from 'uplot';
import type { Column, TableRow } from '../../src/runsTable/model';
import { scatterPoints } from '../../src/runsTable/sweep';
import { runStyle } from '../../src/plots/plotMath';
import { formatMetricValue } from '../../src/core/format';
import { clear, cssVar, h } from '../lib/dom';
import type { ChartContext } from './charts';

interface Classes {
  names: string[];
  of(r: TableRow): number;
}

const raw = (r: TableRow, c: Column): string | number | undefined => (c.group === 'Metrics' ? r.metrics.get(c.key) : c.group === 'Parameters' ? r.params.get(c.key) : r.tags.get(c.key));

function numericClasses(rows: readonly TableRow[], colour: Column): Classes {
  const nums = rows.map((r) => Number(raw(r, colour))).filter(Number.isFinite).sort((a, b) => a - b);
  const q = [0.25, 0.5, 0.75].map((p) => nums[Math.floor(p * (nums.length - 1))] ?? 0);
  const names = nums.length ? [`≤ ${formatMetricValue(q[0])}`, `≤ ${formatMetricValue(q[1])}`, `≤ ${formatMetricValue(q[2])}`, `> ${formatMetricValue(q[2])}`, 'NaN / ±∞ / missing'] : ['missing'];
  return {
    names,
    of: (r) => {
      const value = raw(r, colour);
      const v = Number(value);
      if (value === undefined || !Number.isFinite(v)) return nums.length ? 4 : 0;
      return v <= q[0] ? 0 : v <= q[1] ? 1 : v <= q[2] ? 2 : 3;
    },
  };
}

function categoryClasses(rows: readonly TableRow[], colour: Column): Classes {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const k = String(raw(r, colour) ?? '(none)');
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k]) => k);
  const names = counts.size > 6 ? [...top, 'other'] : top;
  const idx = new Map(top.map((k, i) => [k, i]));
  return { names, of: (r) => idx.get(String(raw(r, colour) ?? '(none)')) ?? names.length - 1 };
}

function formatValue(r: TableRow, c: Column): string {
  if (c.group === 'Metrics') {
    const v = r.metrics.get(c.key);
    return v === undefined ? 'missing' : formatMetricValue(v);
  }
  return r.params.get(c.key) ?? 'missing';
}

function ring(label: string, colour: string, size: number): uPlot.Series {
  return { label, stroke: colour, paths: () => null, points: { show: true, size, width: 2, fill: 'transparent', stroke: colour } };
}

function options(width: number, x: Column, y: Column, colour: Column | undefined, classes: Classes, onCursor: (i: number | null | undefined) => void): uPlot.Options {
  const colours = classes.names.map((_, i) => cssVar(runStyle(i).cssVar, '#3794ff'));
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const axis = (label: string) => ({ label, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: (_u: uPlot, v: number[]) => v.map((t) => formatMetricValue(t)) });
  return {
    width,
    height: 320,
    scales: { x: { time: false } },
    legend: { show: true },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
    axes: [axis(`${x.group === 'Metrics' ? 'metric' : 'param'} ${x.key}`), axis(`metric ${y.key}`)],
    series: [
      { label: x.key },
      ...classes.names.map((c, i) => ({ label: colour ? `${colour.key} ${c}` : c, stroke: colours[i], paths: () => null, points: { show: true, size: 5, stroke: colours[i], fill: colours[i] } })),
      ring('NaN / ±∞ (on the edge)', cssVar('--vscode-errorForeground', '#f48771'), 11),
      ring('selected', cssVar('--vscode-charts-orange', '#d18616'), 9),
    ],
    hooks: { setCursor: [(u) => onCursor(u.cursor.idx)] },
  };
}

export function createScatter(c: ChartContext): { controls: HTMLElement; el: HTMLElement; caption: HTMLElement; render(): void; draw(): void } {
  const { cs } = c;
  const controls = h('div', { class: 'chart-controls' });
  const el = h('div', { class: 'scatter' });
  const caption = h('p', { class: 'muted caption' });
  let plot: uPlot | undefined;

  const draw = (): void => {
    plot?.destroy();
    plot = undefined;
    clear(el);
    const x = c.byId(cs.sx);
    const y = c.byId(cs.sy);
    if (!x || !y) {
      caption.textContent = 'Needs a numeric parameter or metric for X and a metric for Y.';
      return;
    }
    const { points, missing, nonFinite } = scatterPoints(cs.rows, x, y);
    const rowById = new Map(cs.rows.map((r) => [r.id, r]));
    const colour = c.byId(cs.sc);
    const classes: Classes = !colour ? { names: ['runs'], of: () => 0 } : colour.numeric ? numericClasses(cs.rows, colour) : categoryClasses(cs.rows, colour);
    const series: (number | null)[][] = classes.names.map(() => points.map(() => null));
    const marks: (number | null)[] = points.map(() => null);
    const sel: (number | null)[] = points.map(() => null);
    points.forEach((p, i) => {
      series[classes.of(rowById.get(p.id)!)][i] = p.y;
      if (p.nonFinite) marks[i] = p.y;
      if (cs.selected.has(p.id)) sel[i] = p.y;
    });
    const onCursor = (i: number | null | undefined) => {
      const p = i === null || i === undefined ? undefined : points[i];
      const r = p && rowById.get(p.id);
      c.readout.textContent = r ? `${r.name}: ${x.key} = ${formatValue(r, x)}, ${y.key} = ${formatValue(r, y)}${p.nonFinite ? ` (${p.nonFinite}, drawn on the edge)` : ''}` : '';
    };
    try {
      plot = new uPlot(options(Math.max(400, c.root.clientWidth - 8), x, y, colour, classes, onCursor), [points.map((p) => p.x), ...series, marks, sel] as uPlot.AlignedData, el);
    } catch (e) {
      el.append(h('p', { class: 'notice error', role: 'alert' }, `The scatter could not be drawn: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    plot.over.addEventListener('click', () => {
      const i = plot?.cursor.idx;
      const p = i === null || i === undefined ? undefined : points[i];
      if (p) c.selectRuns([p.id]);
    });
    caption.textContent = `${points.length.toLocaleString()} runs plotted${nonFinite ? ` · ${nonFinite} with NaN or ±∞, drawn on the edge with a ring` : ''}${missing ? ` · ${missing} without ${x.key} or ${y.key}` : ''} · hover names the run, click selects it`;
    el.setAttribute('aria-label', `Scatter of ${y.key} against ${x.key}: ${caption.textContent}`);
  };

  const renderControls = (): void => {
    clear(controls);
    const numeric = cs.columns.filter((x) => x.group === 'Metrics' || (x.group === 'Parameters' && x.numeric));
    const sel = (label: string, value: string, opts: readonly Column[], none: string | undefined, set: (v: string) => void) => {
      const s = h('select', { 'aria-label': label }, none !== undefined ? h('option', { value: '' }, none) : undefined, ...opts.map((o) => h('option', { value: o.id, selected: o.id === value }, `${o.group === 'Metrics' ? 'metric' : o.group === 'Parameters' ? 'param' : 'tag'} ${o.key}`)));
      s.addEventListener('change', () => {
        set(s.value);
        draw();
      });
      return h('label', {}, `${label} `, s);
    };
    controls.append(
      sel('X', cs.sx, numeric, undefined, (v) => (cs.sx = v)),
      sel('Y', cs.sy, cs.columns.filter((x) => x.group === 'Metrics'), undefined, (v) => (cs.sy = v)),
      sel('Colour by', cs.sc, cs.columns.filter((x) => x.group !== 'Attributes'), 'none', (v) => (cs.sc = v)),
    );
  };

  return {
    controls,
    el,
    caption,
    render() {
      renderControls();
      draw();
    },
    draw,
  };
}
