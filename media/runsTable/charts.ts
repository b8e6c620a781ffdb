// The runs table's Charts tab: parallel coordinates on a canvas (chosen parameters and one metric;
// drag along an axis to brush, the brushed runs become the table's selection) and a uPlot scatter of
// any parameter or metric against a metric, coloured by a third. Non-finite values have their own
// bands (parallel) or sit on the edges with a marker (scatter), and are counted in the captions.
import uPlot from 'uplot';
import type { Column, TableRow } from '../../src/runsTable/model';
import { axisPosition, bandPosition, brushed, buildAxis, scatterPoints, valueAt, SCALE_BOTTOM, SCALE_TOP, type Axis, type Brush } from '../../src/runsTable/sweep';
import { runStyle } from '../../src/plots/plotMath';
import { formatMetricValue } from '../../src/core/format';
import { clear, cssVar, h, onThemeChange } from '../lib/dom';

export interface ChartsApi {
  setData(rows: readonly TableRow[], columns: readonly Column[]): void;
  setSelection(ids: readonly string[]): void;
}

const PREFERRED = ['val_loss', 'loss', 'val_accuracy', 'accuracy'];
const PC_HEIGHT = 360;
const MAX_AXES = 8;

export function createCharts(root: HTMLElement, cb: { selectRuns(ids: string[]): void }): ChartsApi {
  let rows: readonly TableRow[] = [];
  let columns: readonly Column[] = [];
  let selected = new Set<string>();
  let axesCols: string[] = [];
  let metric = '';
  let brushes: Brush[] = [];
  let axes: Axis[] = [];
  let sx = '';
  let sy = '';
  let sc = '';
  let plot: uPlot | undefined;

  const pcControls = h('div', { class: 'chart-controls' });
  const canvas = h('canvas', { class: 'pc', role: 'img', tabindex: 0 });
  const pcCaption = h('p', { class: 'muted caption' });
  const scControls = h('div', { class: 'chart-controls' });
  const scEl = h('div', { class: 'scatter' });
  const scCaption = h('p', { class: 'muted caption' });
  const readout = h('p', { class: 'readout', 'aria-live': 'polite' });
  root.append(
    h('h2', {}, 'Parallel coordinates'),
    pcControls,
    canvas,
    pcCaption,
    h('h2', {}, 'Scatter'),
    scControls,
    scEl,
    readout,
    scCaption,
  );

  const metrics = () => columns.filter((c) => c.group === 'Metrics');
  const params = () => columns.filter((c) => c.group === 'Parameters');
  const byId = (id: string) => columns.find((c) => c.id === id);

  function defaults(): void {
    const ms = metrics();
    if (!ms.some((c) => c.key === metric)) metric = (PREFERRED.map((k) => ms.find((c) => c.key === k)).find(Boolean) ?? ms[0])?.key ?? '';
    const ps = params();
    axesCols = axesCols.filter((id) => ps.some((c) => c.id === id));
    if (!axesCols.length) {
      // the parameters the sweep varies
      const varies = ps.filter((c) => new Set(rows.map((r) => r.params.get(c.key))).size > 1);
      axesCols = (varies.length ? varies : ps).slice(0, MAX_AXES - 1).map((c) => c.id);
    }
    if (!byId(sy)) sy = metric ? `m:${metric}` : '';
    if (!byId(sx)) sx = axesCols.find((id) => byId(id)?.numeric) ?? ms.find((c) => c.key !== metric)?.id ?? '';
    if (sc && !byId(sc)) sc = '';
  }

  // ---------------------------------------------------------------- parallel coordinates

  function renderPcControls(): void {
    clear(pcControls);
    const metricSel = h('select', { 'aria-label': 'Metric axis' }, ...metrics().map((c) => h('option', { value: c.key, selected: c.key === metric }, c.key)));
    metricSel.addEventListener('change', () => {
      metric = metricSel.value;
      brushes = brushes.filter((b) => b.column !== `m:${metric}`);
      drawPc();
    });
    const list = h('details', { class: 'axes-pick' }, h('summary', {}, `Parameters (${axesCols.length})`));
    for (const c of params()) {
      const box = h('input', { type: 'checkbox', checked: axesCols.includes(c.id) });
      box.addEventListener('change', () => {
        axesCols = box.checked ? [...axesCols, c.id] : axesCols.filter((x) => x !== c.id);
        brushes = brushes.filter((b) => b.column !== c.id);
        renderPcControls();
        drawPc();
      });
      list.append(h('label', { class: 'chooser-item' }, box, ' ', c.key));
    }
    const clearBtn = h('button', { type: 'button', class: 'btn', onclick: () => setBrushes([]) }, 'Clear brushes');
    pcControls.append(h('label', {}, 'Metric ', metricSel), list, clearBtn, h('span', { class: 'muted' }, ' Drag along an axis to select the runs in a range.'));
  }

  function geometry() {
    const w = Math.max(400, root.clientWidth - 8);
    const left = 100;
    const right = 70;
    const n = axes.length;
    const xs = axes.map((_, i) => (n <= 1 ? left : left + (i * (w - left - right)) / (n - 1)));
    const top = 36;
    const height = PC_HEIGHT - top - 8;
    return { w, xs, top, height, y: (pos: number) => top + pos * height, pos: (y: number) => (y - top) / height };
  }

  function drawPc(): void {
    const cols = [...axesCols.map(byId), byId(`m:${metric}`)].filter((c): c is Column => !!c);
    axes = cols.map((c) => buildAxis(rows, c));
    const g = geometry();
    const dpr = window.devicePixelRatio || 1;
    canvas.width = g.w * dpr;
    canvas.height = PC_HEIGHT * dpr;
    canvas.style.width = `${g.w}px`;
    canvas.style.height = `${PC_HEIGHT}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, g.w, PC_HEIGHT);
    const fg = cssVar('--vscode-foreground', '#ccc');
    const muted = cssVar('--vscode-descriptionForeground', '#999');
    const base = cssVar('--vscode-charts-blue', '#3794ff');
    const hi = cssVar('--vscode-charts-orange', '#d18616');
    const inBrush = new Set(brushes.length ? brushed(rows, axes, brushes) : []);
    const t0 = performance.now();
    // dim lines first, highlighted (brushed / selected) on top
    const pass = (pick: (r: TableRow) => boolean, color: string, alpha: number, lineWidth: number) => {
      ctx.strokeStyle = color;
      ctx.globalAlpha = alpha;
      ctx.lineWidth = lineWidth;
      ctx.beginPath();
      for (const r of rows) {
        if (!pick(r)) continue;
        axes.forEach((a, i) => {
          const y = g.y(axisPosition(a, r));
          if (i === 0) ctx.moveTo(g.xs[i], y);
          else ctx.lineTo(g.xs[i], y);
        });
      }
      ctx.stroke();
    };
    const emphasised = (r: TableRow) => (brushes.length ? inBrush.has(r.id) : selected.has(r.id));
    const anyEmph = brushes.length > 0 || selected.size > 0;
    pass((r) => !emphasised(r), anyEmph ? muted : base, anyEmph ? 0.15 : Math.max(0.08, Math.min(0.6, 40 / Math.max(1, rows.length))), 1);
    if (anyEmph) pass(emphasised, hi, 0.8, 1.5);
    ctx.globalAlpha = 1;
    // axes, ticks, bands, brushes
    ctx.font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    axes.forEach((a, i) => {
      const x = g.xs[i];
      ctx.strokeStyle = fg;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, g.y(SCALE_TOP));
      ctx.lineTo(x, g.y(SCALE_BOTTOM));
      ctx.stroke();
      ctx.fillStyle = fg;
      ctx.textAlign = i === 0 ? 'left' : i === axes.length - 1 ? 'right' : 'center';
      ctx.fillText(`${a.column.group === 'Metrics' ? '◆ ' : ''}${a.column.key}`.slice(0, 24), x, 12);
      ctx.fillStyle = muted;
      ctx.textAlign = 'right';
      const labels: [number, string][] =
        a.kind === 'numeric'
          ? [
              [SCALE_TOP, formatMetricValue(a.max)],
              [(SCALE_TOP + SCALE_BOTTOM) / 2, formatMetricValue((a.min + a.max) / 2)],
              [SCALE_BOTTOM, formatMetricValue(a.min)],
            ]
          : a.categories.slice(0, 12).map((c, k, all) => [all.length <= 1 ? (SCALE_TOP + SCALE_BOTTOM) / 2 : SCALE_TOP + (k / (all.length - 1)) * (SCALE_BOTTOM - SCALE_TOP), c.slice(0, 14)]);
      for (const [p, t] of labels) ctx.fillText(t, x - 4, g.y(p) + 4);
      for (const b of a.bands) {
        ctx.fillStyle = cssVar('--vscode-errorForeground', '#f48771');
        ctx.fillText(b, x - 4, g.y(bandPosition(b)) + 4);
        ctx.fillRect(x - 2, g.y(bandPosition(b)) - 2, 4, 4);
      }
      for (const b of brushes.filter((x) => x.column === a.column.id)) {
        ctx.fillStyle = cssVar('--vscode-editor-selectionBackground', '#264f78');
        ctx.globalAlpha = 0.6;
        const y0 = g.y(Math.min(b.from, b.to));
        const y1 = g.y(Math.max(b.from, b.to));
        ctx.fillRect(x - 7, y0, 14, Math.max(2, y1 - y0));
        ctx.globalAlpha = 1;
      }
    });
    const nonFinite = axes.reduce((n, a) => n + (a.bands.some((b) => b !== 'missing') ? 1 : 0), 0);
    pcCaption.textContent = `${rows.length.toLocaleString()} runs · ${axes.length} axes${nonFinite ? ` · ${nonFinite} axis(es) with NaN/±∞ values, drawn in their own bands` : ''}${brushes.length ? ` · ${inBrush.size.toLocaleString()} runs in the brushed ranges` : ''} · drawn in ${(performance.now() - t0).toFixed(0)} ms`;
    canvas.setAttribute('aria-label', `Parallel coordinates of ${axes.map((a) => a.column.key).join(', ')} for ${rows.length} runs${brushes.length ? `; ${inBrush.size} runs brushed` : ''}`);
  }

  function setBrushes(b: Brush[]): void {
    brushes = b;
    drawPc();
    cb.selectRuns(brushes.length ? brushed(rows, axes, brushes) : []);
  }

  let drag: { column: string; from: number } | undefined;
  canvas.addEventListener('mousedown', (e) => {
    const g = geometry();
    const r = canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const i = g.xs.findIndex((ax) => Math.abs(ax - x) <= 14);
    if (i < 0) return;
    drag = { column: axes[i].column.id, from: g.pos(e.clientY - r.top) };
    e.preventDefault();
  });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    const g = geometry();
    const to = g.pos(e.clientY - canvas.getBoundingClientRect().top);
    brushes = [...brushes.filter((b) => b.column !== drag!.column), { column: drag.column, from: drag.from, to }];
    drawPc();
  });
  window.addEventListener('mouseup', (e) => {
    if (!drag) return;
    const g = geometry();
    const to = g.pos(e.clientY - canvas.getBoundingClientRect().top);
    const column = drag.column;
    const from = drag.from;
    drag = undefined;
    const rest = brushes.filter((b) => b.column !== column);
    setBrushes(Math.abs(to - from) < 0.01 ? rest : [...rest, { column, from, to }]);
    const a = axes.find((x) => x.column.id === column);
    if (a?.kind === 'numeric' && Math.abs(to - from) >= 0.01) {
      readout.textContent = `${a.column.key} from ${formatMetricValue(valueAt(a, Math.max(from, to)))} to ${formatMetricValue(valueAt(a, Math.min(from, to)))}`;
    }
  });

  // ---------------------------------------------------------------- scatter

  function renderScControls(): void {
    clear(scControls);
    const numeric = columns.filter((c) => c.group === 'Metrics' || (c.group === 'Parameters' && c.numeric));
    const sel = (label: string, value: string, opts: Column[], none: string | undefined, set: (v: string) => void) => {
      const s = h('select', { 'aria-label': label }, none !== undefined ? h('option', { value: '' }, none) : undefined, ...opts.map((c) => h('option', { value: c.id, selected: c.id === value }, `${c.group === 'Metrics' ? 'metric' : c.group === 'Parameters' ? 'param' : 'tag'} ${c.key}`)));
      s.addEventListener('change', () => {
        set(s.value);
        drawScatter();
      });
      return h('label', {}, `${label} `, s);
    };
    scControls.append(
      sel('X', sx, numeric, undefined, (v) => (sx = v)),
      sel('Y', sy, metrics(), undefined, (v) => (sy = v)),
      sel('Colour by', sc, [...columns.filter((c) => c.group !== 'Attributes')], 'none', (v) => (sc = v)),
    );
  }

  function drawScatter(): void {
    plot?.destroy();
    plot = undefined;
    clear(scEl);
    const x = byId(sx);
    const y = byId(sy);
    if (!x || !y) {
      scCaption.textContent = 'Needs a numeric parameter or metric for X and a metric for Y.';
      return;
    }
    const { points, missing, nonFinite } = scatterPoints(rows, x, y);
    const rowById = new Map(rows.map((r) => [r.id, r]));
    const colour = byId(sc);
    // colour classes: up to 6 categories, or 4 quantile bins of a numeric column
    let classOf: (r: TableRow) => number = () => 0;
    let classes = ['runs'];
    if (colour) {
      const values = rows.map((r): string | number | undefined => (colour.group === 'Metrics' ? r.metrics.get(colour.key) : colour.group === 'Parameters' ? r.params.get(colour.key) : r.tags.get(colour.key)));
      if (colour.numeric) {
        const nums = values.map((v) => Number(v)).filter(Number.isFinite).sort((a, b) => a - b);
        const q = [0.25, 0.5, 0.75].map((p) => nums[Math.floor(p * (nums.length - 1))] ?? 0);
        classes = nums.length ? [`≤ ${formatMetricValue(q[0])}`, `≤ ${formatMetricValue(q[1])}`, `≤ ${formatMetricValue(q[2])}`, `> ${formatMetricValue(q[2])}`, 'NaN / ±∞ / missing'] : ['missing'];
        classOf = (r) => {
          const raw = colour.group === 'Metrics' ? r.metrics.get(colour.key) : r.params.get(colour.key);
          const v = Number(raw);
          if (raw === undefined || !Number.isFinite(v)) return nums.length ? 4 : 0;
          return v <= q[0] ? 0 : v <= q[1] ? 1 : v <= q[2] ? 2 : 3;
        };
      } else {
        const counts = new Map<string, number>();
        for (const v of values) counts.set(String(v ?? '(none)'), (counts.get(String(v ?? '(none)')) ?? 0) + 1);
        const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k]) => k);
        classes = counts.size > 6 ? [...top, 'other'] : top;
        const idx = new Map(top.map((k, i) => [k, i]));
        classOf = (r) => {
          const v = (colour.group === 'Parameters' ? r.params.get(colour.key) : r.tags.get(colour.key)) ?? '(none)';
          return idx.get(v) ?? classes.length - 1;
        };
      }
    }
    const xs = points.map((p) => p.x);
    const series: (number | null)[][] = classes.map(() => points.map(() => null));
    const marks: (number | null)[] = points.map(() => null);
    const sel: (number | null)[] = points.map(() => null);
    points.forEach((p, i) => {
      const r = rowById.get(p.id)!;
      series[classOf(r)][i] = p.y;
      if (p.nonFinite) marks[i] = p.y;
      if (selected.has(p.id)) sel[i] = p.y;
    });
    const colours = classes.map((_, i) => cssVar(runStyle(i).cssVar, '#3794ff'));
    const width = Math.max(400, root.clientWidth - 8);
    const fg = cssVar('--vscode-foreground', '#ccc');
    const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
    const axis = (label: string) => ({ label, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: (_u: uPlot, v: number[]) => v.map((t) => formatMetricValue(t)) });
    const opts: uPlot.Options = {
      width,
      height: 320,
      scales: { x: { time: false } },
      legend: { show: true },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      axes: [axis(`${x.group === 'Metrics' ? 'metric' : 'param'} ${x.key}`), axis(`metric ${y.key}`)],
      series: [
        { label: x.key },
        ...classes.map((c, i) => ({ label: colour ? `${colour.key} ${c}` : c, stroke: colours[i], paths: () => null, points: { show: true, size: 5, stroke: colours[i], fill: colours[i] } })),
        { label: 'NaN / ±∞ (on the edge)', stroke: cssVar('--vscode-errorForeground', '#f48771'), paths: () => null, points: { show: true, size: 11, width: 2, fill: 'transparent', stroke: cssVar('--vscode-errorForeground', '#f48771') } },
        { label: 'selected', stroke: cssVar('--vscode-charts-orange', '#d18616'), paths: () => null, points: { show: true, size: 9, width: 2, fill: 'transparent', stroke: cssVar('--vscode-charts-orange', '#d18616') } },
      ],
      hooks: {
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            const p = i === null || i === undefined ? undefined : points[i];
            const r = p && rowById.get(p.id);
            readout.textContent = r ? `${r.name}: ${x.key} = ${formatCellValue(r, x)}, ${y.key} = ${formatCellValue(r, y)}${p.nonFinite ? ` (${p.nonFinite}, drawn on the edge)` : ''}` : '';
          },
        ],
      },
    };
    try {
      plot = new uPlot(opts, [xs, ...series, marks, sel] as uPlot.AlignedData, scEl);
    } catch (e) {
      scEl.append(h('p', { class: 'notice error', role: 'alert' }, `The scatter could not be drawn: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    plot.over.addEventListener('click', () => {
      const i = plot?.cursor.idx;
      const p = i === null || i === undefined ? undefined : points[i];
      if (p) cb.selectRuns([p.id]);
    });
    scCaption.textContent = `${points.length.toLocaleString()} runs plotted${nonFinite ? ` · ${nonFinite} with NaN or ±∞, drawn on the edge with a ring` : ''}${missing ? ` · ${missing} without ${x.key} or ${y.key}` : ''} · hover names the run, click selects it`;
    scEl.setAttribute('aria-label', `Scatter of ${y.key} against ${x.key}: ${scCaption.textContent}`);
  }

  function formatCellValue(r: TableRow, c: Column): string {
    if (c.group === 'Metrics') {
      const v = r.metrics.get(c.key);
      return v === undefined ? 'missing' : formatMetricValue(v);
    }
    return r.params.get(c.key) ?? 'missing';
  }

  function render(): void {
    if (root.hidden) return;
    defaults();
    renderPcControls();
    drawPc();
    renderScControls();
    drawScatter();
  }

  onThemeChange(render);
  window.addEventListener('resize', () => render());

  return {
    setData(r, c) {
      rows = r;
      columns = c;
      render();
    },
    setSelection(ids) {
      selected = new Set(ids);
      if (root.hidden || !rows.length) return;
      drawPc();
      drawScatter();
    },
  };
}
