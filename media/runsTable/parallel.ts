// Parallel coordinates on a canvas: chosen parameters and one metric as axes; drag along an axis to
// brush a range, and the runs inside every brush become the table's selection. Non-finite and
// missing values are drawn in bands of their own (sweep.ts), and counted in the caption.
import type { TableRow } from '../../src/runsTable/model';
import { axisPosition, bandPosition, brushed, buildAxis, valueAt, SCALE_BOTTOM, SCALE_TOP, type Axis, type Brush } from '../../src/runsTable/sweep';
import type { Column } from '../../src/runsTable/model';
import { formatMetricValue } from '../../src/core/format';
import { clear, cssVar, h } from '../lib/dom';
import type { ChartContext } from './charts';

const PC_HEIGHT = 360;

interface Geometry {
  w: number;
  xs: number[];
  y(pos: number): number;
  pos(y: number): number;
}

function geometry(root: HTMLElement, axes: readonly Axis[]): Geometry {
  const w = Math.max(400, root.clientWidth - 8);
  const left = 100;
  const right = 70;
  const n = axes.length;
  const xs = axes.map((_, i) => (n <= 1 ? left : left + (i * (w - left - right)) / (n - 1)));
  const top = 36;
  const height = PC_HEIGHT - top - 8;
  return { w, xs, y: (pos) => top + pos * height, pos: (y) => (y - top) / height };
}

/** The polylines: dim ones first, the emphasised (brushed, else selected) on top. */
function drawLines(ctx: CanvasRenderingContext2D, g: Geometry, rows: readonly TableRow[], axes: readonly Axis[], emphasised: ((r: TableRow) => boolean) | undefined): void {
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
  const muted = cssVar('--vscode-descriptionForeground', '#999');
  if (emphasised) {
    pass((r) => !emphasised(r), muted, 0.15, 1);
    pass(emphasised, cssVar('--vscode-charts-orange', '#d18616'), 0.8, 1.5);
  } else pass(() => true, cssVar('--vscode-charts-blue', '#3794ff'), Math.max(0.08, Math.min(0.6, 40 / Math.max(1, rows.length))), 1);
  ctx.globalAlpha = 1;
}

function tickLabels(a: Axis): [number, string][] {
  if (a.kind === 'numeric') {
    if (a.min === a.max) return [[(SCALE_TOP + SCALE_BOTTOM) / 2, formatMetricValue(a.min)]];
    return [
      [SCALE_TOP, formatMetricValue(a.max)],
      [(SCALE_TOP + SCALE_BOTTOM) / 2, formatMetricValue((a.min + a.max) / 2)],
      [SCALE_BOTTOM, formatMetricValue(a.min)],
    ];
  }
  return a.categories.slice(0, 12).map((c, k, all) => [all.length <= 1 ? (SCALE_TOP + SCALE_BOTTOM) / 2 : SCALE_TOP + (k / (all.length - 1)) * (SCALE_BOTTOM - SCALE_TOP), c.slice(0, 14)]);
}

/** One axis: its line, name, ticks, non-finite bands and brushes. */
function drawAxis(ctx: CanvasRenderingContext2D, g: Geometry, a: Axis, i: number, count: number, brushes: readonly Brush[]): void {
  const x = g.xs[i];
  const fg = cssVar('--vscode-foreground', '#ccc');
  ctx.strokeStyle = fg;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, g.y(SCALE_TOP));
  ctx.lineTo(x, g.y(SCALE_BOTTOM));
  ctx.stroke();
  ctx.fillStyle = fg;
  ctx.textAlign = i === 0 ? 'left' : i === count - 1 ? 'right' : 'center';
  ctx.fillText(`${a.column.group === 'Metrics' ? '◆ ' : ''}${a.column.key}`.slice(0, 24), x, 12);
  ctx.fillStyle = cssVar('--vscode-descriptionForeground', '#999');
  ctx.textAlign = 'right';
  for (const [p, text] of tickLabels(a)) ctx.fillText(text, x - 4, g.y(p) + 4);
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
}

export function createParallel(c: ChartContext): { elements: HTMLElement[]; render(): void; draw(): void } {
  const { cs, root } = c;
  const controls = h('div', { class: 'chart-controls' });
  const canvas = h('canvas', { class: 'pc', role: 'img', tabindex: 0 });
  const caption = h('p', { class: 'muted caption' });

  const draw = (): void => {
    const cols = [...cs.axesCols.map((id) => c.byId(id)), c.byId(`m:${cs.metric}`)].filter((x): x is Column => !!x);
    cs.axes = cols.map((col) => buildAxis(cs.rows, col));
    const g = geometry(root, cs.axes);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = g.w * dpr;
    canvas.height = PC_HEIGHT * dpr;
    canvas.style.width = `${g.w}px`;
    canvas.style.height = `${PC_HEIGHT}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, g.w, PC_HEIGHT);
    const inBrush = new Set(cs.brushes.length ? brushed(cs.rows, cs.axes, cs.brushes) : []);
    const t0 = performance.now();
    const emphasised = cs.brushes.length ? (r: TableRow) => inBrush.has(r.id) : cs.selected.size ? (r: TableRow) => cs.selected.has(r.id) : undefined;
    drawLines(ctx, g, cs.rows, cs.axes, emphasised);
    ctx.font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    cs.axes.forEach((a, i) => drawAxis(ctx, g, a, i, cs.axes.length, cs.brushes));
    const nonFinite = cs.axes.reduce((n, a) => n + (a.bands.some((b) => b !== 'missing') ? 1 : 0), 0);
    caption.textContent = `${cs.rows.length.toLocaleString()} runs · ${cs.axes.length} axes${nonFinite ? ` · ${nonFinite} axis(es) with NaN/±∞ values, drawn in their own bands` : ''}${cs.brushes.length ? ` · ${inBrush.size.toLocaleString()} runs in the brushed ranges` : ''} · drawn in ${(performance.now() - t0).toFixed(0)} ms`;
    canvas.setAttribute('aria-label', `Parallel coordinates of ${cs.axes.map((a) => a.column.key).join(', ')} for ${cs.rows.length} runs${cs.brushes.length ? `; ${inBrush.size} runs brushed` : ''}`);
  };

  const setBrushes = (b: Brush[]): void => {
    cs.brushes = b;
    draw();
    c.selectRuns(cs.brushes.length ? brushed(cs.rows, cs.axes, cs.brushes) : []);
  };

  const renderControls = (): void => {
    clear(controls);
    const metricSel = h('select', { 'aria-label': 'Metric axis' }, ...cs.columns.filter((x) => x.group === 'Metrics').map((x) => h('option', { value: x.key, selected: x.key === cs.metric }, x.key)));
    metricSel.addEventListener('change', () => {
      cs.metric = metricSel.value;
      cs.brushes = cs.brushes.filter((b) => b.column !== `m:${cs.metric}`);
      draw();
    });
    const list = h('details', { class: 'axes-pick' }, h('summary', {}, `Parameters (${cs.axesCols.length})`));
    for (const p of cs.columns.filter((x) => x.group === 'Parameters')) {
      const box = h('input', { type: 'checkbox', checked: cs.axesCols.includes(p.id) });
      box.addEventListener('change', () => {
        cs.axesCols = box.checked ? [...cs.axesCols, p.id] : cs.axesCols.filter((x) => x !== p.id);
        cs.brushes = cs.brushes.filter((b) => b.column !== p.id);
        renderControls();
        draw();
      });
      list.append(h('label', { class: 'chooser-item' }, box, ' ', p.key));
    }
    const clearBtn = h('button', { type: 'button', class: 'btn', onclick: () => setBrushes([]) }, 'Clear brushes');
    controls.append(h('label', {}, 'Metric ', metricSel), list, clearBtn, h('span', { class: 'muted' }, ' Drag along an axis to select the runs in a range.'));
  };

  installBrushing(c, canvas, draw, setBrushes);
  return {
    elements: [controls, canvas, caption],
    render() {
      renderControls();
      draw();
    },
    draw,
  };
}

/** Dragging along an axis draws a brush; releasing it selects the runs in every brush. */
function installBrushing(c: ChartContext, canvas: HTMLCanvasElement, draw: () => void, setBrushes: (b: Brush[]) => void): void {
  const { cs } = c;
  let drag: { column: string; from: number } | undefined;
  const posAt = (e: MouseEvent) => geometry(c.root, cs.axes).pos(e.clientY - canvas.getBoundingClientRect().top);
  canvas.addEventListener('mousedown', (e) => {
    const g = geometry(c.root, cs.axes);
    const x = e.clientX - canvas.getBoundingClientRect().left;
    const i = g.xs.findIndex((ax) => Math.abs(ax - x) <= 14);
    if (i < 0) return;
    drag = { column: cs.axes[i].column.id, from: posAt(e) };
    e.preventDefault();
  });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    cs.brushes = [...cs.brushes.filter((b) => b.column !== drag!.column), { column: drag.column, from: drag.from, to: posAt(e) }];
    draw();
  });
  window.addEventListener('mouseup', (e) => {
    if (!drag) return;
    const to = posAt(e);
    const { column, from } = drag;
    drag = undefined;
    const rest = cs.brushes.filter((b) => b.column !== column);
    setBrushes(Math.abs(to - from) < 0.01 ? rest : [...rest, { column, from, to }]);
    const a = cs.axes.find((x) => x.column.id === column);
    if (a?.kind === 'numeric' && Math.abs(to - from) >= 0.01) {
      c.readout.textContent = `${a.column.key} from ${formatMetricValue(valueAt(a, Math.max(from, to)))} to ${formatMetricValue(valueAt(a, Math.min(from, to)))}`;
    }
  });
}
