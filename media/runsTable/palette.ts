// What the canvas-drawn rows look like, read from the CSS: runsTable.css declares the body's colours
// as --rt-* custom properties on .grid (over --vscode-* colours, with the grid's focus and high
// contrast variants), and the font is the grid's. Read again when the theme, the font or the grid's
// focus changes, so the canvas follows them as DOM rows would.

export interface Palette {
  font: string;
  /** The nested-run count's font (0.9em). */
  smallFont: string;
  /** From a row's top to the text's baseline: the line box centred in the cell as CSS does it. */
  baseline: number;
  /** Line-through offset above the baseline and its thickness. */
  strikeUp: number;
  strikeH: number;
  bg: string;
  fg: string;
  muted: string;
  border: string;
  pinBorder: string;
  hoverBg: string;
  selBg: string;
  selFg: string;
  /** High contrast: a dashed outline around a selected row's cells ('' elsewhere). */
  selOutline: string;
  focus: string;
  twisty: string;
  deleted: string;
  nonfinite: string;
  status: Record<string, string>;
  /** The run colours (the plots' --vscode-charts-* order). */
  chart: (cssVar: string) => string;
}

/** .row's line-height and .cell's padding-top in runsTable.css. */
const LINE_H = 18;
const PAD_TOP = 3;

const STATUS_VARS = ['running', 'scheduled', 'finished', 'failed', 'killed'];

export function readPalette(grid: HTMLElement, ctx: CanvasRenderingContext2D): Palette {
  const cs = getComputedStyle(grid);
  const v = (name: string) => cs.getPropertyValue(name).trim();
  const size = parseFloat(cs.fontSize) || 13;
  const family = cs.fontFamily;
  const font = `${cs.fontStyle} ${cs.fontWeight} ${size}px ${family}`;
  ctx.font = font;
  const m = ctx.measureText('Hxg');
  const ascent = Math.round(m.fontBoundingBoxAscent);
  const descent = Math.round(m.fontBoundingBoxDescent);
  const status: Record<string, string> = {};
  for (const s of STATUS_VARS) status[s] = v(`--rt-${s}`);
  const charts = new Map<string, string>();
  return {
    font,
    smallFont: `${cs.fontStyle} ${cs.fontWeight} ${size * 0.9}px ${family}`,
    baseline: PAD_TOP + Math.floor((LINE_H - ascent - descent) / 2) + ascent,
    // where Chromium draws a line-through, for the fonts tried (within a pixel)
    strikeUp: Math.round(ascent * 0.4),
    strikeH: Math.max(1, Math.round(size / 14)),
    bg: v('--rt-bg') || 'transparent',
    fg: v('--rt-fg'),
    muted: v('--rt-muted'),
    border: v('--rt-border'),
    pinBorder: v('--rt-pin-border'),
    hoverBg: v('--rt-hover-bg'),
    selBg: v('--rt-sel-bg'),
    selFg: v('--rt-sel-fg'),
    selOutline: v('--rt-sel-outline'),
    focus: v('--rt-focus'),
    twisty: v('--rt-twisty'),
    deleted: v('--rt-deleted'),
    nonfinite: v('--rt-nonfinite'),
    status,
    chart: (name) => {
      let c = charts.get(name);
      if (c === undefined) charts.set(name, (c = v(name)));
      return c;
    },
  };
}

/** A colour that draws something ('' and transparent draw nothing). */
export function shows(colour: string): boolean {
  return colour !== '' && colour !== 'transparent' && colour !== 'rgba(0, 0, 0, 0)';
}
