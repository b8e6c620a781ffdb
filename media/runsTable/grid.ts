// The runs table's body: a hand-written virtualiser, in both directions. Rows are absolutely positioned
// at i × ROW_H; the DOM holds only the rows in view plus MARGIN above and below, and row elements
// leaving the view are refilled for the rows entering it. Columns likewise: pinned columns always, the
// others only within the horizontal view plus COL_MARGIN_PX (a spacer stands for the ones left out;
// aria-colindex keeps each cell's place among all columns); pinned cells follow the sideways scroll by
// the --pin-x transform (see runsTable.css). Drawing happens once per animation frame, and reads the
// scroll position and sizes before writing anything (no forced layout).
import { decorate, fillRow, newRowView, type ColumnWindow, type RowView } from './rowView';
import { ROW_H, type Table } from './table';

/** Rows drawn above and below the visible ones. */
const MARGIN = 10;
/** Width drawn left and right of the visible columns. */
const COL_MARGIN_PX = 300;

export function installGrid(t: Table): void {
  const { st, grid, head, body } = t;
  /** Row views in use, keyed by their index in st.shown. */
  let drawn = new Map<number, RowView>();
  let frame = 0;
  let win: ColumnWindow = { ks: [], key: '' };
  let layoutSeen: number[] | undefined;
  let layoutNo = 0;
  let pinnedAt = '';

  const columnWindow = (scrollLeft: number, viewW: number): ColumnWindow => {
    const { cols, offsets } = t.lay;
    if (offsets !== layoutSeen) {
      layoutSeen = offsets;
      layoutNo++;
    }
    let pinnedW = 0;
    for (const c of cols) if (t.isPinned(c.id)) pinnedW += t.width(c);
    const x0 = scrollLeft + pinnedW - COL_MARGIN_PX;
    const x1 = scrollLeft + viewW + COL_MARGIN_PX;
    const ks: number[] = [];
    cols.forEach((c, k) => {
      if (t.isPinned(c.id) || (offsets[k] + t.width(c) > x0 && offsets[k] < x1)) ks.push(k);
    });
    const key = `${layoutNo}:${ks[0] ?? ''}:${ks.length ? ks[ks.length - 1] : ''}:${ks.length}`;
    return key === win.key ? win : { ks, key };
  };

  const drawRows = (): void => {
    frame = 0;
    const n = st.shown.length;
    // reads first, then writes: a read after a write would lay the page out again
    const scrollTop = grid.scrollTop;
    const headH = head.offsetHeight;
    const viewH = grid.clientHeight;
    const scrollLeft = grid.scrollLeft;
    win = columnWindow(scrollLeft, grid.clientWidth);
    const pinX = `${scrollLeft}px`;
    if (pinX !== pinnedAt) body.style.setProperty('--pin-x', (pinnedAt = pinX));
    const height = `${n * ROW_H}px`;
    const width = `${t.lay.totalWidth}px`;
    if (body.style.height !== height) body.style.height = height;
    if (body.style.width !== width) body.style.width = width;
    const top = Math.max(0, scrollTop - headH);
    const first = Math.max(0, Math.floor(top / ROW_H) - MARGIN);
    const last = Math.min(n, Math.ceil((top + viewH) / ROW_H) + MARGIN);
    const keep = new Map<number, RowView>();
    const free: RowView[] = [];
    for (const [i, v] of drawn) {
      if (i >= first && i < last && v.index === i && v.run === st.shown[i]?.row.id && v.win === win.key) keep.set(i, v);
      else if (i >= first && i < last && v.index === i && v.run === st.shown[i]?.row.id) {
        fillRow(t, v, i, win);
        keep.set(i, v);
      } else free.push(v);
    }
    for (let i = first; i < last; i++) {
      if (keep.has(i)) continue;
      const v = free.pop() ?? newRowView();
      fillRow(t, v, i, win);
      if (!v.el.parentNode) body.append(v.el);
      keep.set(i, v);
    }
    for (const v of free) v.el.remove();
    drawn = keep;
  };

  t.redraw = (all = false) => {
    // the rows' content changed: refill every drawn row (their elements are reused)
    if (all) for (const v of drawn.values()) v.index = -1;
    if (!frame) frame = requestAnimationFrame(drawRows);
  };

  t.redrawDecorations = () => {
    for (const v of drawn.values()) if (v.index >= 0 && v.index < st.shown.length) decorate(t, v);
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
