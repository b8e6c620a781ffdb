// Arranging the runs table's columns: move (drag a header, or Move Left/Right in the header's or a
// cell's context menu), pin/unpin (pinned columns stay at the left while scrolling sideways), hide,
// and sort from the menu. The order and pins are part of the remembered column set.
import { arrangeColumns, moveColumn, neighbour } from '../../src/runsTable/columnLayout';
import type { Column } from '../../src/runsTable/model';
import type { MenuEntries } from './menu';
import type { Table } from './table';

/** Moves column `id` before/after `target`; it joins the target's zone (pinned or not). */
export function moveColumnTo(t: Table, id: string, target: string, after: boolean): void {
  const { st } = t;
  if (id === target) return;
  const all = arrangeColumns(st.columns, st.order, st.pinned).map((c) => c.id);
  st.order = moveColumn(all, id, target, after);
  if (st.pinned.has(target)) st.pinned.add(id);
  else st.pinned.delete(id);
  t.columnsChanged();
}

function step(t: Table, c: Column, delta: -1 | 1): void {
  const n = neighbour(t.lay.cols, t.st.pinned, c.id, delta);
  if (!n) return;
  moveColumnTo(t, c.id, n, delta > 0);
  const k = t.lay.cols.findIndex((x) => x.id === c.id);
  if (k >= 0) t.st.activeCol = k;
  t.redrawDecorations();
}

function setPinned(t: Table, c: Column, pin: boolean): void {
  if (pin) t.st.pinned.add(c.id);
  else t.st.pinned.delete(c.id);
  t.columnsChanged();
}

/** The column part of the header and cell menus. */
export function columnMenu(t: Table, c: Column): MenuEntries {
  const pinned = t.isPinned(c.id);
  const canLeft = !!neighbour(t.lay.cols, t.st.pinned, c.id, -1);
  const canRight = !!neighbour(t.lay.cols, t.st.pinned, c.id, 1);
  const sortTo = (ascending: boolean) => () => {
    t.st.sort = [];
    t.sortBy(c.id, false);
    if (!ascending) t.sortBy(c.id, false);
  };
  return [
    { label: 'Sort Ascending', run: sortTo(true) },
    { label: 'Sort Descending', run: sortTo(false) },
    undefined,
    { label: 'Move Column Left', disabled: !canLeft, title: canLeft ? undefined : 'Already the first column here', run: () => step(t, c, -1) },
    { label: 'Move Column Right', disabled: !canRight, title: canRight ? undefined : 'Already the last column here', run: () => step(t, c, 1) },
    pinned ? { label: 'Unpin Column', run: () => setPinned(t, c, false) } : { label: 'Pin Column (keep at the left)', run: () => setPinned(t, c, true) },
    {
      label: 'Hide Column',
      run: () => {
        t.st.hidden.add(c.id);
        t.columnsChanged();
      },
    },
  ];
}

/** Drag a header cell onto another to move it there (left or right half: before or after). */
export function installHeaderDrag(t: Table): void {
  const { head } = t;
  let drag: { id: string; x: number; moved: boolean; el: HTMLElement } | undefined;
  let over: HTMLElement | undefined;
  const target = (e: MouseEvent) => document.elementFromPoint(e.clientX, e.clientY)?.closest<HTMLElement>('.hrow:not(.groups-row) .hcell[data-col]') ?? undefined;
  const after = (el: HTMLElement, e: MouseEvent) => {
    const r = el.getBoundingClientRect();
    return e.clientX > r.left + r.width / 2;
  };
  const mark = (el: HTMLElement | undefined, e: MouseEvent) => {
    over?.classList.remove('drop-before', 'drop-after');
    over = el && el !== drag?.el ? el : undefined;
    over?.classList.add(after(over, e) ? 'drop-after' : 'drop-before');
  };
  head.addEventListener('mousedown', (e) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('.hcell[data-col]');
    if (e.button !== 0 || !el || (e.target as HTMLElement).closest('.resize')) return;
    drag = { id: el.dataset.col!, x: e.clientX, moved: false, el };
  });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    if (!drag.moved && Math.abs(e.clientX - drag.x) < 5) return;
    drag.moved = true;
    drag.el.classList.add('dragging');
    mark(target(e), e);
  });
  window.addEventListener('mouseup', (e) => {
    const d = drag;
    drag = undefined;
    if (!d?.moved) return;
    d.el.classList.remove('dragging');
    const el = target(e);
    mark(undefined, e);
    // the click that ends a drag is not a sort
    const swallow = (c: MouseEvent) => c.stopPropagation();
    window.addEventListener('click', swallow, { capture: true, once: true });
    setTimeout(() => window.removeEventListener('click', swallow, { capture: true }), 0);
    if (el?.dataset.col && el.dataset.col !== d.id) moveColumnTo(t, d.id, el.dataset.col, after(el, e));
  });
}
