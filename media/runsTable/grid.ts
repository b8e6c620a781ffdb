// The runs table's body: a canvas shows the rows (painter.ts), and a hand-written virtualiser keeps the
// DOM rows behind it (transparent; for screen readers, hit-testing, titles and menus), in both
// directions. Rows are absolutely positioned at i × ROW_H; the DOM holds only the rows in view plus
// MARGIN above and below, and row elements leaving the view are refilled for the rows entering it.
// Columns likewise: pinned columns always, the others only within the horizontal view plus
// COL_MARGIN_PX (a spacer stands for the ones left out; aria-colindex keeps each cell's place among all
// columns); pinned cells follow the sideways scroll by the --pin-x transform (see runsTable.css).
// Drawing happens once per animation frame, and reads the scroll position and sizes before writing
// anything (no forced layout). While the grid scrolls only the canvas is drawn; the DOM rows follow
// once the scrolling pauses (SETTLE_MS), or at once when the rows' content, selection or focus change,
// and before a click or menu is handled.
import { createPainter, type View } from './painter';
import { decorate, fillRow, newRowView, type ColumnWindow, type RowView } from './rowView';
import { ROW_H, type Table } from './table';

/** Rows drawn above and below the visible ones. */
const MARGIN = 10;
/** Width drawn left and right of the visible columns. */
const COL_MARGIN_PX = 300;
/** The DOM rows follow the canvas once scrolling has paused this long. */
const SETTLE_MS = 120;

export function installGrid(t: Table): void {
  const { st, grid, head, body } = t;
  /** Row views in use, keyed by their index in st.shown. */
  let drawn = new Map<number, RowView>();
  let frame = 0;
  /** The DOM rows must follow the canvas in the next frame (not only once scrolling pauses). */
  let domDue = false;
  let settle = 0;
  let lastMove = 0;
  /** The view the DOM rows were last drawn for. */
  let domAt = '';
  const painter = createPainter(t);
  grid.insertBefore(painter.canvas, body);
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

  /** The DOM rows for the view: refilled, added or removed to match the canvas. */
  const syncDom = (view: View): void => {
    const n = st.shown.length;
    win = columnWindow(view.scrollLeft, view.width);
    const height = `${n * ROW_H}px`;
    const width = `${t.lay.totalWidth}px`;
    if (body.style.height !== height) body.style.height = height;
    if (body.style.width !== width) body.style.width = width;
    const first = Math.max(0, Math.floor(view.scrollTop / ROW_H) - MARGIN);
    const last = Math.min(n, Math.ceil((view.scrollTop + view.height - view.headH) / ROW_H) + MARGIN);
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
    domAt = viewKey(view);
  };

  // reads first, then writes: a read after a write would lay the page out again
  const readView = (): View => ({ scrollTop: grid.scrollTop, scrollLeft: grid.scrollLeft, width: grid.clientWidth, height: grid.clientHeight, headH: head.offsetHeight });
  const viewKey = (v: View) => `${v.scrollTop},${v.scrollLeft},${v.width},${v.height},${v.headH}`;

  const onFrame = (): void => {
    frame = 0;
    const view = readView();
    painter.paint(view);
    // the pinned DOM cells stay under the pinned columns drawn even while the rows wait (cheap: no
    // layout, and the transparent rows are not painted)
    const pinX = `${view.scrollLeft}px`;
    if (pinX !== pinnedAt) body.style.setProperty('--pin-x', (pinnedAt = pinX));
    if (domDue) {
      domDue = false;
      syncDom(view);
    } else if (domAt !== viewKey(view)) {
      lastMove = performance.now();
      if (!settle) settle = window.setTimeout(settled, SETTLE_MS);
    }
  };

  /** Scrolling paused for SETTLE_MS: the DOM rows follow (one timer, re-armed while it goes on). */
  const settled = (): void => {
    const wait = lastMove + SETTLE_MS - performance.now();
    settle = wait > 1 ? window.setTimeout(settled, wait) : 0;
    if (!settle) schedule(true);
  };

  const schedule = (dom: boolean): void => {
    if (dom) domDue = true;
    if (!frame) frame = requestAnimationFrame(onFrame);
  };

  /** Before a click or menu: the DOM rows where the canvas shows them (scrolling may not have paused). */
  const syncNow = (): void => {
    if (domAt === viewKey(readView())) return;
    syncDom(readView());
  };

  /** The element under a pointer event, in DOM rows brought up to date with the canvas first. */
  const targetOf = (e: MouseEvent): HTMLElement | null => {
    if (domAt === viewKey(readView())) return e.target as HTMLElement;
    syncNow();
    return document.elementFromPoint(e.clientX, e.clientY) as HTMLElement | null;
  };
  t.targetOf = targetOf;

  t.redraw = (all = false) => {
    // the rows' content changed: refill every drawn row (their elements are reused)
    if (all) for (const v of drawn.values()) v.index = -1;
    schedule(true);
  };

  t.redrawDecorations = () => {
    for (const v of drawn.values()) if (v.index >= 0 && v.index < st.shown.length) decorate(t, v);
    grid.setAttribute('aria-activedescendant', 'active-cell');
    schedule(false);
  };

  const restyle = () => {
    painter.restyle();
    schedule(false);
  };
  grid.addEventListener('scroll', () => schedule(false));
  grid.addEventListener('focus', restyle);
  grid.addEventListener('blur', restyle);
  const themed = new MutationObserver(restyle);
  themed.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  themed.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  new ResizeObserver(() => schedule(true)).observe(grid);
  // the row under the pointer is drawn hovered (DOM rows are transparent: :hover shows nothing)
  const hover = (y: number | undefined) => {
    if (painter.hover(y, grid.scrollTop)) schedule(false);
  };
  grid.addEventListener('mousemove', (e) => {
    const y = e.clientY - painter.canvas.getBoundingClientRect().top;
    hover(y >= 0 ? y : undefined);
  });
  grid.addEventListener('mouseleave', () => hover(undefined));
  body.addEventListener('click', (e) => {
    const target = targetOf(e);
    const rowEl = target?.closest<HTMLElement>('.row');
    if (!target || !rowEl) return;
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
    const rowEl = targetOf(e)?.closest<HTMLElement>('.row');
    if (rowEl?.dataset.run) t.host.post({ type: 'openRun', runId: rowEl.dataset.run });
  });
}
