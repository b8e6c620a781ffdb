// The runs table's Charts tab: parallel coordinates (parallel.ts) and a scatter (scatter.ts) over the
// table's rows. Here: the state both share, the default axes (the parameters the sweep varies, the
// preferred loss/accuracy metric) and redrawing on data, selection, theme and size changes.
import type { Column, TableRow } from '../../src/runsTable/model';
import type { Axis, Brush } from '../../src/runsTable/sweep';
import { h, onThemeChange } from '../lib/dom';
import { createParallel } from './parallel';
import { createScatter } from './scatter';

export interface ChartsApi {
  setData(rows: readonly TableRow[], columns: readonly Column[]): void;
  setSelection(ids: readonly string[]): void;
}

/** What both charts read and the controls change. */
export interface ChartState {
  rows: readonly TableRow[];
  columns: readonly Column[];
  selected: Set<string>;
  /** Parameter columns on the parallel axes (the metric axis is last). */
  axesCols: string[];
  metric: string;
  brushes: Brush[];
  axes: Axis[];
  /** Scatter X, Y and colour column ids. */
  sx: string;
  sy: string;
  sc: string;
}

export interface ChartContext {
  root: HTMLElement;
  cs: ChartState;
  readout: HTMLElement;
  byId(id: string): Column | undefined;
  selectRuns(ids: string[]): void;
}

const PREFERRED = ['val_loss', 'loss', 'val_accuracy', 'accuracy'];
const MAX_AXES = 8;

function defaults(cs: ChartState, byId: (id: string) => Column | undefined): void {
  const ms = cs.columns.filter((c) => c.group === 'Metrics');
  if (!ms.some((c) => c.key === cs.metric)) cs.metric = (PREFERRED.map((k) => ms.find((c) => c.key === k)).find(Boolean) ?? ms[0])?.key ?? '';
  const ps = cs.columns.filter((c) => c.group === 'Parameters');
  cs.axesCols = cs.axesCols.filter((id) => ps.some((c) => c.id === id));
  if (!cs.axesCols.length) {
    // the parameters the sweep varies
    const varies = ps.filter((c) => new Set(cs.rows.map((r) => r.params.get(c.key))).size > 1);
    cs.axesCols = (varies.length ? varies : ps).slice(0, MAX_AXES - 1).map((c) => c.id);
  }
  if (!byId(cs.sy)) cs.sy = cs.metric ? `m:${cs.metric}` : '';
  if (!byId(cs.sx)) cs.sx = cs.axesCols.find((id) => byId(id)?.numeric) ?? ms.find((c) => c.key !== cs.metric)?.id ?? '';
  if (cs.sc && !byId(cs.sc)) cs.sc = '';
}

export function createCharts(root: HTMLElement, cb: { selectRuns(ids: string[]): void }): ChartsApi {
  const cs: ChartState = { rows: [], columns: [], selected: new Set(), axesCols: [], metric: '', brushes: [], axes: [], sx: '', sy: '', sc: '' };
  const readout = h('p', { class: 'readout', 'aria-live': 'polite' });
  const byId = (id: string) => cs.columns.find((c) => c.id === id);
  const ctx: ChartContext = { root, cs, readout, byId, selectRuns: (ids) => cb.selectRuns(ids) };
  const parallel = createParallel(ctx);
  const scatter = createScatter(ctx);
  root.append(h('h2', {}, 'Parallel coordinates'), ...parallel.elements, h('h2', {}, 'Scatter'), scatter.controls, scatter.el, readout, scatter.caption);

  const render = (): void => {
    if (root.hidden) return;
    defaults(cs, byId);
    parallel.render();
    scatter.render();
  };
  onThemeChange(render);
  window.addEventListener('resize', () => render());

  return {
    setData(r, c) {
      cs.rows = r;
      cs.columns = c;
      render();
    },
    setSelection(ids) {
      cs.selected = new Set(ids);
      if (root.hidden || !cs.rows.length) return;
      parallel.draw();
      scatter.draw();
    },
  };
}
