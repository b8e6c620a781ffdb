// The runs table's body as the user sees it: one canvas the size of the grid's view below the header
// (position: sticky, so it stays in view while the grid scrolls), redrawn each frame for the rows and
// columns in view. Painting ~20 rows of DOM cells per scroll frame cost Chromium style, layout, paint
// and raster work well beyond a 16 ms frame; text on one canvas costs a fraction. The DOM rows stay
// (grid.ts: screen readers, hit-testing, titles, menus) but are transparent (runsTable.css).
// Looks as the DOM rows did: .cell's padding, ellipsis, numbers right-aligned, status icons, twisty and
// indent, selection colour swatches, hover, selection, the active cell's outline, deleted and
// non-finite values, in the colours runsTable.css declares (palette.ts).
import { formatCell, type Column, type ShownRow } from '../../src/runsTable/model';
import { runStyle } from '../../src/plots/plotMath';
import { TextFitter } from './fitText';
import { readPalette, shows, type Palette } from './palette';
import { statusIcon } from './rowView';
import { ROW_H, type Table } from './table';

/** .cell's horizontal padding in runsTable.css. */
const PAD_X = 6;
/** The name cell: its left padding, the indent per nesting level, the twisty's and swatch's widths. */
const NAME_PAD = 4;
const INDENT = 16;
const TWISTY_W = 14;
const SWATCH = 8;
const SWATCH_GAP = 4;

/** Where the grid is scrolled and how big its view is (read by grid.ts before anything is written). */
export interface View {
  scrollTop: number;
  scrollLeft: number;
  /** The grid's client size, header included. */
  width: number;
  height: number;
  headH: number;
}

export interface Painter {
  canvas: HTMLCanvasElement;
  paint(view: View): void;
  /** Colours or font changed (theme, focus): read them again at the next paint. */
  restyle(): void;
  /** The pointer's y over the canvas (hover), undefined when it is elsewhere: whether the hovered row changed. */
  hover(y: number | undefined, scrollTop: number): boolean;
}

interface Cell {
  x: number;
  w: number;
  col: Column;
  /** The last pinned column: its right border is the pinned area's edge. */
  edge: boolean;
}

export function createPainter(t: Table): Painter {
  const canvas = document.createElement('canvas');
  canvas.className = 'paint';
  canvas.setAttribute('aria-hidden', 'true');
  const ctx = canvas.getContext('2d', { alpha: false }) as CanvasRenderingContext2D;
  const text = new TextFitter(ctx);
  const small = new TextFitter(ctx);
  let p: Palette | undefined;
  let size = '';
  let hoverY: number | undefined;

  const setFont = (font: string) => {
    if (ctx.font !== font) ctx.font = font;
  };

  /** Draws s from x (right-aligned: ending at x + maxW) within maxW, cut with an ellipsis if wider. */
  const draw = (fit: TextFitter, s: string, x: number, y: number, maxW: number, right: boolean): string => {
    if (!s || maxW <= 0) return '';
    const cut = fit.fit(s, maxW);
    // an overflowing value is cut at the cell's end, from its start (as CSS does even when right-aligned)
    if (right && cut === s) {
      ctx.textAlign = 'right';
      ctx.fillText(s, x + maxW, y);
      ctx.textAlign = 'left';
    } else ctx.fillText(cut, x, y);
    return cut;
  };

  const nameCell = (pal: Palette, s: ShownRow, c: Cell, y: number, sel: number, fg: string) => {
    const r = s.row;
    let x = c.x + NAME_PAD + s.depth * INDENT;
    const end = c.x + c.w - PAD_X - (c.edge ? 1 : 0);
    const base = y + pal.baseline;
    if (s.children) {
      ctx.fillStyle = pal.twisty;
      const open = t.st.expandAll || t.st.expanded.has(r.id);
      draw(text, open ? '▾' : '▸', x, base, end - x, false);
    }
    x += TWISTY_W;
    if (sel >= 0) {
      ctx.fillStyle = pal.chart(runStyle(sel).cssVar);
      ctx.beginPath();
      ctx.arc(x + SWATCH / 2, base - SWATCH / 2, SWATCH / 2, 0, 2 * Math.PI);
      ctx.fill();
      x += SWATCH + SWATCH_GAP;
    }
    ctx.fillStyle = r.deleted ? pal.deleted : fg;
    const shown = draw(text, r.name, x, base, end - x, false);
    if (!s.children && !r.deleted) return;
    const w = text.width(shown);
    if (r.deleted && w > 0) ctx.fillRect(x, base - pal.strikeUp, w, pal.strikeH);
    x += w;
    ctx.fillStyle = pal.muted;
    if (s.children && x < end) {
      setFont(pal.smallFont);
      x += small.width(draw(small, ` (${s.children})`, x, base, end - x, false));
      setFont(pal.font);
    }
    if (r.deleted && x < end) draw(text, ' (deleted)', x, base, end - x, false);
  };

  const cell = (pal: Palette, s: ShownRow, c: Cell, y: number, sel: number, fg: string) => {
    const id = c.col.id;
    if (id === 'a:name') return nameCell(pal, s, c, y, sel, fg);
    if (id === 'a:status') {
      const icon = statusIcon(s.row.status);
      ctx.fillStyle = pal.status[icon.cls] ?? fg;
      ctx.textAlign = 'center';
      ctx.fillText(icon.text, c.x + c.w / 2, y + pal.baseline);
      ctx.textAlign = 'left';
      return;
    }
    const value = formatCell(s.row, c.col);
    if (!value) return;
    const v = c.col.group === 'Metrics' ? s.row.metrics.get(c.col.key) : undefined;
    ctx.fillStyle = sel < 0 && v !== undefined && !Number.isFinite(v) ? pal.nonfinite : fg;
    const right = c.col.group === 'Metrics' || c.col.numeric;
    draw(text, value, c.x + PAD_X, y + pal.baseline, c.w - 2 * PAD_X - (c.edge ? 1 : 0), right);
  };

  /** Rows first..last of the cells, over x0..x1: backgrounds, bottom borders, text, outlines. */
  const band = (pal: Palette, cells: Cell[], x0: number, x1: number, rows: { first: number; last: number; top: number; h: number }) => {
    const { st } = t;
    const { first, last, top } = rows;
    if (x1 <= x0) return;
    ctx.fillStyle = pal.bg;
    ctx.fillRect(x0, 0, x1 - x0, rows.h);
    const hoverRow = hoverY === undefined ? -1 : Math.floor((hoverY + top) / ROW_H);
    for (let i = first; i < last; i++) {
      const s = st.shown[i];
      const y = i * ROW_H - top;
      const sel = st.selected.indexOf(s.row.id);
      const fill = sel >= 0 ? pal.selBg : i === hoverRow ? pal.hoverBg : '';
      if (shows(fill)) {
        ctx.fillStyle = fill;
        ctx.fillRect(x0, y, x1 - x0, ROW_H);
      }
      if (shows(pal.border)) {
        ctx.fillStyle = pal.border;
        ctx.fillRect(x0, y + ROW_H - 1, x1 - x0, 1);
      }
      const edge = cells.find((c) => c.edge);
      if (edge && shows(pal.pinBorder)) {
        ctx.fillStyle = pal.pinBorder;
        ctx.fillRect(edge.x + edge.w - 1, y, 1, ROW_H);
      }
      const fg = sel >= 0 && shows(pal.selFg) ? pal.selFg : pal.fg;
      for (const c of cells) cell(pal, s, c, y, sel, fg);
      if (sel >= 0 && shows(pal.selOutline)) {
        // each side dashed from its start, as Chromium draws a dashed outline
        ctx.strokeStyle = pal.selOutline;
        ctx.setLineDash([3, 2]);
        ctx.beginPath();
        const line = (x0: number, y0: number, x1: number, y1: number) => {
          ctx.moveTo(x0, y0);
          ctx.lineTo(x1, y1);
        };
        for (const c of cells) {
          line(c.x, y + 0.5, c.x + c.w, y + 0.5);
          line(c.x, y + ROW_H - 0.5, c.x + c.w, y + ROW_H - 0.5);
          line(c.x + 0.5, y, c.x + 0.5, y + ROW_H);
          line(c.x + c.w - 0.5, y, c.x + c.w - 0.5, y + ROW_H);
        }
        ctx.stroke();
        ctx.setLineDash([]);
      } else if (i === st.active && shows(pal.focus)) {
        const c = cells.find((x) => x.col === t.lay.cols[st.activeCol]);
        ctx.strokeStyle = pal.focus;
        if (c) ctx.strokeRect(c.x + 0.5, y + 0.5, c.w - 1, ROW_H - 1);
      }
    }
  };

  const paint = (view: View) => {
    const { st, lay } = t;
    const n = st.shown.length;
    const w = Math.max(0, view.width);
    const h = Math.max(0, Math.min(view.height - view.headH, n * ROW_H));
    const dpr = window.devicePixelRatio || 1;
    const key = `${w}x${h}@${dpr}:${view.headH}`;
    if (key !== size) {
      size = key;
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
      canvas.style.marginBottom = `${-h}px`;
      canvas.style.top = `${view.headH}px`;
      p = undefined; // a resized canvas forgets its font
    }
    if (!w || !h) return;
    if (!p) {
      p = readPalette(t.grid, ctx);
      text.clear();
      small.clear();
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    setFont(p.font);
    ctx.textAlign = 'left';
    ctx.lineWidth = 1;
    const top = view.scrollTop;
    const first = Math.floor(top / ROW_H);
    const last = Math.min(n, Math.ceil((top + h) / ROW_H));
    const pinned: Cell[] = [];
    const scrolled: Cell[] = [];
    let pinnedW = 0;
    lay.cols.forEach((col, k) => {
      const cw = t.width(col);
      if (t.isPinned(col.id)) {
        pinned.push({ x: lay.offsets[k], w: cw, col, edge: !t.isPinned(lay.cols[k + 1]?.id ?? '') });
        pinnedW = lay.offsets[k] + cw;
      } else {
        const x = lay.offsets[k] - view.scrollLeft;
        if (x + cw > pinnedW && x < w) scrolled.push({ x, w: cw, col, edge: false });
      }
    });
    const right = Math.min(w, lay.totalWidth - view.scrollLeft);
    // the scrolled columns, then the pinned ones over them (what scrolls under them is covered)
    const rows = { first, last, top, h };
    band(p, scrolled, pinnedW, right, rows);
    if (right < w) {
      ctx.fillStyle = p.bg;
      ctx.fillRect(right, 0, w - right, h);
    }
    band(p, pinned, 0, Math.min(pinnedW, w), rows);
  };

  return {
    canvas,
    paint,
    restyle: () => {
      p = undefined;
    },
    hover: (y, scrollTop) => {
      const row = (at: number | undefined) => (at === undefined ? -1 : Math.floor((at + scrollTop) / ROW_H));
      const changed = row(y) !== row(hoverY);
      hoverY = y;
      return changed;
    },
  };
}
