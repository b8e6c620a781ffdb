// The runs table's columns and header: which columns are drawn and where (pinned ones first, kept at
// the left by position: sticky), the group row (Attributes / Parameters / Metrics / Tags), the label
// row with sort arrows, and resizing a column by dragging its edge.
import { arrangeColumns } from '../../src/runsTable/columnLayout';
import type { Column } from '../../src/runsTable/model';
import { clear, h } from '../lib/dom';
import type { Table } from './table';

const DEFAULT_WIDTH: Record<string, number> = { 'a:status': 34, 'a:name': 200, 'a:start': 165, 'a:source': 160 };

export function installHeader(t: Table): void {
  const { st, lay, grid, head } = t;

  t.width = (c: Column) => st.widths.get(c.id) ?? DEFAULT_WIDTH[c.id] ?? 110;

  t.layoutColumns = () => {
    lay.cols = arrangeColumns(st.columns, st.order, st.pinned).filter((c) => !st.hidden.has(c.id) && (t.isPinned(c.id) || !(st.onlyDiffer && st.same.has(c.id))));
    lay.offsets = [];
    let x = 0;
    for (const c of lay.cols) {
      lay.offsets.push(x);
      x += t.width(c);
    }
    lay.totalWidth = x;
    st.activeCol = Math.min(st.activeCol, lay.cols.length - 1);
    grid.setAttribute('aria-colcount', String(lay.cols.length));
  };

  t.renderHead = () => {
    clear(head);
    const groups = h('div', { class: 'hrow groups-row', role: 'row', 'aria-rowindex': 1 });
    const labels = h('div', { class: 'hrow', role: 'row', 'aria-rowindex': 2 });
    groups.style.width = labels.style.width = `${lay.totalWidth}px`;
    groups.append(...groupCells(t));
    labels.append(...lay.cols.map((c, k) => labelCell(t, c, k)));
    head.append(groups, labels);
  };
}

/** One cell per run of adjacent columns of the same group (pinned ones form their own run). */
function groupCells(t: Table): HTMLElement[] {
  const { cols, offsets } = t.lay;
  const out: HTMLElement[] = [];
  let i = 0;
  while (i < cols.length) {
    const pinned = t.isPinned(cols[i].id);
    let j = i;
    while (j < cols.length && cols[j].group === cols[i].group && t.isPinned(cols[j].id) === pinned) j++;
    const g = h('div', { class: `hcell group${pinned ? ' pinned' : ''}`, role: 'columnheader', 'aria-colspan': j - i, 'aria-colindex': i + 1 }, pinned ? '' : cols[i].group);
    g.style.width = `${offsets[j - 1] + t.width(cols[j - 1]) - offsets[i]}px`;
    if (pinned) g.style.left = `${offsets[i]}px`;
    out.push(g);
    i = j;
  }
  return out;
}

function labelCell(t: Table, c: Column, k: number): HTMLElement {
  const { st } = t;
  const sortIdx = st.sort.findIndex((s) => s.column === c.id);
  const s = st.sort[sortIdx];
  const arrow = s ? (s.ascending ? ' ▲' : ' ▼') + (st.sort.length > 1 ? String(sortIdx + 1) : '') : '';
  const pinned = t.isPinned(c.id);
  const cell = h(
    'div',
    {
      class: `hcell${pinned ? ' pinned' : ''}${c.group === 'Metrics' || c.numeric ? ' num' : ''}`,
      role: 'columnheader',
      'aria-colindex': k + 1,
      'aria-sort': s ? (s.ascending ? 'ascending' : 'descending') : 'none',
      title: `${c.group}: ${c.key} — click to sort, Shift+click to add to the sort, drag to move, right-click to move, pin or hide`,
      'data-col': c.id,
      onclick: (e: Event) => t.sortBy(c.id, (e as MouseEvent).shiftKey),
    },
    c.id === 'a:status' ? h('span', { class: 'sr-only' }, 'Status') : h('span', { class: 'label' }, c.label),
    arrow ? h('span', { class: 'arrow', 'aria-hidden': 'true' }, arrow) : undefined,
    h('span', { class: 'resize', 'aria-hidden': 'true', onmousedown: (e: Event) => startResize(t, e as MouseEvent, c) }),
  );
  cell.style.width = `${t.width(c)}px`;
  if (pinned) cell.style.left = `${t.lay.offsets[k]}px`;
  if (pinned && !t.isPinned(t.lay.cols[k + 1]?.id ?? '')) cell.classList.add('pin-edge');
  return cell;
}

function startResize(t: Table, e: MouseEvent, c: Column): void {
  e.preventDefault();
  e.stopPropagation();
  const x0 = e.clientX;
  const w0 = t.width(c);
  const move = (m: MouseEvent) => {
    t.st.widths.set(c.id, Math.min(4000, Math.max(30, w0 + m.clientX - x0)));
    t.layoutColumns();
    t.renderHead();
    t.redraw(true);
  };
  const up = () => {
    window.removeEventListener('mousemove', move);
    window.removeEventListener('mouseup', up);
    t.persist();
  };
  window.addEventListener('mousemove', move);
  window.addEventListener('mouseup', up);
}
