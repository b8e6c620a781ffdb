// Keyboard navigation of the runs grid: arrows move the active cell (Shift extends the selection),
// Page Up/Down, Home/End, Right/Left on a parent's name opens/closes its nested runs, Space toggles
// the row's selection, Enter opens the run's details, Ctrl+A selects all, Escape clears.
import { ROW_H, type Table } from './table';

export function installKeyboard(t: Table): void {
  const { st, grid, head } = t;

  const moveActive = (to: number, extend: boolean): void => {
    const n = st.shown.length;
    if (!n) return;
    const i = Math.max(0, Math.min(n - 1, to));
    st.active = i;
    if (extend) t.clickSelect(i, true, false);
    const top = i * ROW_H;
    const viewTop = grid.scrollTop;
    const viewH = grid.clientHeight - head.offsetHeight;
    if (top < viewTop) grid.scrollTop = top;
    else if (top + ROW_H > viewTop + viewH) grid.scrollTop = top + ROW_H - viewH;
    t.redrawDecorations();
    t.redraw();
  };

  const moveColumn = (delta: number): void => {
    st.activeCol = Math.max(0, Math.min(t.lay.cols.length - 1, st.activeCol + delta));
    scrollColumnIntoView(t);
    t.redrawDecorations();
  };

  /** Right/Left on a parent's name cell opens/closes it; elsewhere they move between columns. */
  const sideways = (open: boolean): void => {
    const row = st.shown[st.active];
    const isOpen = !!row && (st.expandAll || st.expanded.has(row.row.id));
    if (row?.children && t.lay.cols[st.activeCol]?.id === 'a:name' && isOpen !== open) t.toggleExpanded(st.active, open);
    else moveColumn(open ? 1 : -1);
  };

  const setSelection = (ids: string[]): void => {
    st.selected = ids;
    t.renderSelection();
    t.redrawDecorations();
  };

  grid.addEventListener('keydown', (e) => {
    const page = Math.max(1, Math.floor((grid.clientHeight - head.offsetHeight) / ROW_H) - 1);
    const row = st.shown[st.active];
    const moves: Record<string, number> = { ArrowDown: st.active + 1, ArrowUp: st.active - 1, PageDown: st.active + page, PageUp: st.active - page, Home: 0, End: st.shown.length - 1 };
    if (e.key in moves) moveActive(moves[e.key], e.shiftKey);
    else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') sideways(e.key === 'ArrowRight');
    else if (e.key === ' ') {
      if (row) t.clickSelect(st.active, e.shiftKey, true);
    } else if (e.key === 'Enter') {
      if (row) t.host.post({ type: 'openRun', runId: row.row.id });
    } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) setSelection(st.shown.map((s) => s.row.id));
    else if (e.key === 'Escape') setSelection([]);
    else return;
    e.preventDefault();
  });
}

/** Scrolls sideways so the active column is in view beside the pinned ones. */
export function scrollColumnIntoView(t: Table): void {
  const { cols, offsets } = t.lay;
  const k = t.st.activeCol;
  if (!cols[k] || t.isPinned(cols[k].id)) return;
  const pinnedW = cols.filter((c) => t.isPinned(c.id)).reduce((s, c) => s + t.width(c), 0);
  const left = offsets[k];
  const right = left + t.width(cols[k]);
  if (left - pinnedW < t.grid.scrollLeft) t.grid.scrollLeft = left - pinnedW;
  else if (right > t.grid.scrollLeft + t.grid.clientWidth) t.grid.scrollLeft = right - t.grid.clientWidth;
}
