// One drawn row of the runs table and its cells, kept between frames: a row element leaving the view
// is refilled for a row entering it, and while the drawn columns are the same its cells are kept too,
// so a refill writes only the text, title and classes that differ (no elements made, no widths set).
import { formatCell, type Column, type ShownRow } from '../../src/runsTable/model';
import { runStyle } from '../../src/plots/plotMath';
import { h } from '../lib/dom';
import { ROW_H, type Table } from './table';

/** The columns drawn: every pinned one and the others within the horizontal view plus a margin. */
export interface ColumnWindow {
  /** Indexes into t.lay.cols, left to right. */
  ks: number[];
  /** Changes whenever the columns drawn or their widths change. */
  key: string;
}

interface CellView {
  el: HTMLElement;
  col: Column;
  /** What was last written, to write only what changed. */
  text: string;
  title: string;
  cls: string;
  parts: HTMLElement[];
  /** A plain cell's text: changing a text node's data is cheaper than replacing it (textContent). */
  tx: Text | undefined;
}

export interface RowView {
  el: HTMLElement;
  /** The shown index and run this row was filled for (-1: to be refilled). */
  index: number;
  run: string;
  win: string;
  cells: CellView[];
  swatch: HTMLElement | undefined;
  attrs: Record<string, string | null>;
}

export function newRowView(): RowView {
  return { el: h('div', { role: 'row', class: 'row' }), index: -1, run: '', win: '', cells: [], swatch: undefined, attrs: {} };
}

export function statusIcon(s: string): { text: string; cls: string } {
  switch (s) {
    case 'RUNNING':
      return { text: '●', cls: 'running' };
    case 'FINISHED':
      return { text: '✓', cls: 'finished' };
    case 'FAILED':
      return { text: '✕', cls: 'failed' };
    case 'KILLED':
      return { text: '■', cls: 'killed' };
    default:
      return { text: '◷', cls: 'scheduled' };
  }
}

function setAttr(v: RowView, name: string, value: string | null): void {
  if (v.attrs[name] === value) return;
  v.attrs[name] = value;
  if (value === null) v.el.removeAttribute(name);
  else v.el.setAttribute(name, value);
}

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Makes the row's cells for the column window (only when the window or the layout changed). */
function buildCells(t: Table, v: RowView, win: ColumnWindow): void {
  const { cols, offsets } = t.lay;
  const out: HTMLElement[] = [];
  v.cells = [];
  v.swatch = undefined;
  let x = 0;
  for (const k of win.ks) {
    const c = cols[k];
    if (offsets[k] > x) {
      const gap = h('div', { class: 'gap', 'aria-hidden': 'true' });
      gap.style.width = `${offsets[k] - x}px`;
      out.push(gap);
    }
    x = offsets[k] + t.width(c);
    const pinned = t.isPinned(c.id);
    const el = document.createElement('div');
    el.setAttribute('role', c.id === 'a:name' ? 'rowheader' : 'gridcell');
    el.setAttribute('aria-colindex', String(k + 1));
    el.dataset.col = c.id;
    el.style.width = `${t.width(c)}px`;
    const cls = `cell${pinned ? ' pinned' : ''}${c.group === 'Metrics' || c.numeric ? ' num' : ''}${pinned && !t.isPinned(cols[k + 1]?.id ?? '') ? ' pin-edge' : ''}`;
    let parts: HTMLElement[] = [];
    if (c.id === 'a:status') parts = [h('span', { class: 'status-icon' }), h('span', { class: 'sr-only' })];
    else if (c.id === 'a:name') {
      parts = [h('span', { class: 'twisty' }), h('span', { class: 'swatch', hidden: true }), h('span', { class: 'name' }), h('span', { class: 'muted kids' }), h('span', { class: 'muted' }, ' (deleted)')];
      v.swatch = parts[1];
    }
    const tx = parts.length ? undefined : document.createTextNode('');
    el.append(...parts, ...(tx ? [tx] : []));
    v.cells.push({ el, col: c, text: '', title: '', cls: '', parts, tx });
    el.className = cls;
    out.push(el);
  }
  v.el.replaceChildren(...out);
  v.win = win.key;
}

/** The cell's base classes (set when built) plus the ones that depend on the value. */
function setClass(cell: CellView, extra: string): void {
  if (cell.cls === extra) return;
  if (cell.cls) cell.el.classList.remove(cell.cls);
  if (extra) cell.el.classList.add(extra);
  cell.cls = extra;
}

function setTitle(cell: CellView, title: string): void {
  if (cell.title === title) return;
  cell.title = title;
  if (title) cell.el.title = title;
  else cell.el.removeAttribute('title');
}

function fillCell(t: Table, cell: CellView, s: ShownRow): void {
  const { row: r, depth, children } = s;
  const c = cell.col;
  if (c.id === 'a:status') {
    const icon = statusIcon(r.status);
    if (cell.text === r.status) return;
    cell.text = r.status;
    const [iconEl, sr] = cell.parts;
    iconEl.className = `status-icon ${icon.cls}`;
    iconEl.textContent = icon.text;
    iconEl.title = sr.textContent = r.status.toLowerCase();
  } else if (c.id === 'a:name') {
    const [twisty, , name, kids, deleted] = cell.parts;
    const pad = `${4 + depth * 16}px`;
    if (cell.el.style.paddingLeft !== pad) cell.el.style.paddingLeft = pad;
    const open = !!children && (t.st.expandAll || t.st.expanded.has(r.id));
    setText(twisty, children ? (open ? '▾' : '▸') : '');
    if (children) {
      twisty.dataset.toggle = r.id;
      twisty.title = open ? 'Collapse' : `Show ${children} nested run${children === 1 ? '' : 's'}`;
    } else if (twisty.dataset.toggle !== undefined) {
      delete twisty.dataset.toggle;
      twisty.removeAttribute('title');
    }
    setText(name, r.name);
    setText(kids, children ? ` (${children})` : '');
    kids.hidden = !children;
    deleted.hidden = !r.deleted;
    setTitle(cell, `${r.name}\n${r.id}`);
  } else {
    const text = formatCell(r, c);
    if (cell.text !== text) {
      if (cell.tx) cell.tx.data = text;
      cell.text = text;
    }
    setTitle(cell, text.length > 12 ? text : '');
    const v = c.group === 'Metrics' ? r.metrics.get(c.key) : undefined;
    setClass(cell, v !== undefined && !Number.isFinite(v) ? 'nonfinite' : '');
  }
}

/** Fills the row for shown row i (its cells rebuilt only when the column window changed). */
export function fillRow(t: Table, v: RowView, i: number, win: ColumnWindow): void {
  const s = t.st.shown[i];
  const r = s.row;
  if (v.win !== win.key) buildCells(t, v, win);
  v.index = i;
  v.run = r.id;
  v.el.dataset.run = r.id;
  v.el.dataset.index = String(i);
  v.el.style.top = `${i * ROW_H}px`;
  const width = `${t.lay.totalWidth}px`;
  if (v.el.style.width !== width) v.el.style.width = width;
  setAttr(v, 'aria-rowindex', String(i + 3));
  setAttr(v, 'aria-level', String(s.depth + 1));
  setAttr(v, 'aria-expanded', s.children ? String(t.st.expandAll || t.st.expanded.has(r.id)) : null);
  v.el.classList.toggle('deleted', r.deleted);
  for (const cell of v.cells) fillCell(t, cell, s);
  decorate(t, v);
}

/** Selection, focus and colour swatch: what changes without the row's content changing. */
export function decorate(t: Table, v: RowView): void {
  const { st } = t;
  const i = v.index;
  const r = st.shown[i].row;
  const sel = st.selected.indexOf(r.id);
  v.el.classList.toggle('selected', sel >= 0);
  v.el.classList.toggle('active', i === st.active);
  setAttr(v, 'aria-selected', String(sel >= 0));
  const active = i === st.active ? t.lay.cols[st.activeCol] : undefined;
  for (const cell of v.cells) {
    const on = active !== undefined && cell.col.id === active.id;
    cell.el.classList.toggle('focus', on);
    if (on) cell.el.id = 'active-cell';
    else if (cell.el.id) cell.el.removeAttribute('id');
  }
  const sw = v.swatch;
  if (sw) {
    if (sel >= 0) sw.style.background = `var(${runStyle(sel).cssVar})`;
    sw.hidden = sel < 0;
  }
}
