// The runs table's body: a hand-written virtualiser. Rows are absolutely positioned at i × ROW_H; the
// DOM holds only the rows in view plus MARGIN above and below, and row elements leaving the view are
// refilled for the rows entering it. Drawing happens once per animation frame.
import { formatCell, type Column, type ShownRow } from '../../src/runsTable/model';
import { runStyle } from '../../src/plots/plotMath';
import { append, clear, h } from '../lib/dom';
import { ROW_H, type Table } from './table';

/** Rows drawn above and below the visible ones. */
const MARGIN = 10;

function statusIcon(s: string): { text: string; cls: string } {
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

export function installGrid(t: Table): void {
  const { st, grid, head, body } = t;
  /** Row elements in use, keyed by their index in st.shown. */
  let drawn = new Map<number, HTMLElement>();
  let frame = 0;

  const drawRows = (): void => {
    frame = 0;
    const n = st.shown.length;
    // only write what changed: each write would make the next read lay the page out again
    const height = `${n * ROW_H}px`;
    const width = `${t.lay.totalWidth}px`;
    if (body.style.height !== height) body.style.height = height;
    if (body.style.width !== width) body.style.width = width;
    const top = Math.max(0, grid.scrollTop - head.offsetHeight);
    const first = Math.max(0, Math.floor(top / ROW_H) - MARGIN);
    const last = Math.min(n, Math.ceil((top + grid.clientHeight) / ROW_H) + MARGIN);
    const keep = new Map<number, HTMLElement>();
    const free: HTMLElement[] = [];
    for (const [i, el] of drawn) {
      if (i >= first && i < last && el.dataset.run === st.shown[i]?.row.id) keep.set(i, el);
      else free.push(el);
    }
    for (let i = first; i < last; i++) {
      if (keep.has(i)) continue;
      const el = free.pop() ?? h('div', { role: 'row', class: 'row' });
      fillRow(t, el, i);
      if (!el.parentNode) body.append(el);
      keep.set(i, el);
    }
    for (const el of free) el.remove();
    drawn = keep;
  };

  t.redraw = (all = false) => {
    if (all) {
      for (const el of drawn.values()) el.remove();
      drawn = new Map();
    }
    if (!frame) frame = requestAnimationFrame(drawRows);
  };

  t.redrawDecorations = () => {
    for (const [i, el] of drawn) decorate(t, el, i);
    grid.setAttribute('aria-activedescendant', 'active-cell');
  };

  grid.addEventListener('scroll', () => t.redraw());
  body.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('.row');
    if (!rowEl) return;
    const i = Number(rowEl.dataset.index);
    if (target.closest<HTMLElement>('[data-toggle]')) {
      t.toggleExpanded(i);
      return;
    }
    const cell = target.closest<HTMLElement>('.cell');
    const col = t.lay.cols.findIndex((c) => c.id === cell?.dataset.col);
    if (col >= 0) st.activeCol = col;
    t.clickSelect(i, e.shiftKey, e.ctrlKey || e.metaKey);
    grid.focus();
  });
  body.addEventListener('dblclick', (e) => {
    const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.row');
    if (rowEl?.dataset.run) t.host.post({ type: 'openRun', runId: rowEl.dataset.run });
  });
}

/** Selection, focus and colour swatch: what changes without the row's content changing. */
function decorate(t: Table, el: HTMLElement, i: number): void {
  const { st } = t;
  const r = st.shown[i].row;
  const sel = st.selected.indexOf(r.id);
  el.classList.toggle('selected', sel >= 0);
  el.classList.toggle('active', i === st.active);
  el.setAttribute('aria-selected', String(sel >= 0));
  const active = i === st.active ? t.lay.cols[st.activeCol] : undefined;
  for (const cell of el.children as HTMLCollectionOf<HTMLElement>) {
    const on = active !== undefined && cell.dataset.col === active.id;
    cell.classList.toggle('focus', on);
    if (on) cell.id = 'active-cell';
    else if (cell.id) cell.removeAttribute('id');
  }
  const sw = el.querySelector<HTMLElement>('.swatch');
  if (sw) {
    if (sel >= 0) sw.style.background = `var(${runStyle(sel).cssVar})`;
    sw.hidden = sel < 0;
  }
}

function fillRow(t: Table, el: HTMLElement, i: number): void {
  const s = t.st.shown[i];
  const r = s.row;
  el.dataset.run = r.id;
  el.dataset.index = String(i);
  el.style.top = `${i * ROW_H}px`;
  el.style.width = `${t.lay.totalWidth}px`;
  el.setAttribute('aria-rowindex', String(i + 3));
  el.setAttribute('aria-level', String(s.depth + 1));
  if (s.children) el.setAttribute('aria-expanded', String(t.st.expandAll || t.st.expanded.has(r.id)));
  else el.removeAttribute('aria-expanded');
  el.classList.toggle('deleted', r.deleted);
  clear(el);
  t.lay.cols.forEach((c, k) => el.append(makeCell(t, s, c, k)));
  decorate(t, el, i);
}

function makeCell(t: Table, s: ShownRow, c: Column, k: number): HTMLElement {
  const r = s.row;
  const pinned = t.isPinned(c.id);
  const cell = document.createElement('div');
  cell.className = `cell${pinned ? ' pinned' : ''}${c.group === 'Metrics' || c.numeric ? ' num' : ''}`;
  cell.setAttribute('role', c.id === 'a:name' ? 'rowheader' : 'gridcell');
  cell.setAttribute('aria-colindex', String(k + 1));
  cell.dataset.col = c.id;
  cell.style.width = `${t.width(c)}px`;
  if (pinned) cell.style.left = `${t.lay.offsets[k]}px`;
  if (pinned && !t.isPinned(t.lay.cols[k + 1]?.id ?? '')) cell.classList.add('pin-edge');
  if (c.id === 'a:status') {
    const icon = statusIcon(r.status);
    cell.append(h('span', { class: `status-icon ${icon.cls}`, title: r.status.toLowerCase() }, icon.text), h('span', { class: 'sr-only' }, r.status.toLowerCase()));
  } else if (c.id === 'a:name') {
    nameCell(t, cell, s);
  } else {
    const text = formatCell(r, c);
    cell.textContent = text;
    if (text.length > 12) cell.title = text;
    const v = c.group === 'Metrics' ? r.metrics.get(c.key) : undefined;
    if (v !== undefined && !Number.isFinite(v)) cell.classList.add('nonfinite');
  }
  return cell;
}

function nameCell(t: Table, cell: HTMLElement, s: ShownRow): void {
  const { row: r, depth, children } = s;
  cell.style.paddingLeft = `${4 + depth * 16}px`;
  if (children) {
    const open = t.st.expandAll || t.st.expanded.has(r.id);
    cell.append(h('span', { class: 'twisty', 'data-toggle': r.id, title: open ? 'Collapse' : `Show ${children} nested run${children === 1 ? '' : 's'}` }, open ? '▾' : '▸'));
  } else cell.append(h('span', { class: 'twisty' }));
  append(cell, h('span', { class: 'swatch', hidden: true }), h('span', { class: 'name' }, r.name), children ? h('span', { class: 'muted kids' }, ` (${children})`) : undefined, r.deleted ? h('span', { class: 'muted' }, ' (deleted)') : undefined);
  cell.title = `${r.name}\n${r.id}`;
}
