// Text cut to a cell's width as CSS's text-overflow: ellipsis does, for the canvas-drawn rows. Widths
// and cut strings are cached per font (cell values repeat across runs and across frames).

const ELLIPSIS = '…';
/** Entries kept per font before the cache starts over (a 10,000-run table has ~100,000 values). */
const MAX_ENTRIES = 50_000;

export class TextFitter {
  private readonly widths = new Map<string, number>();
  private readonly cuts = new Map<string, string>();

  constructor(private readonly ctx: CanvasRenderingContext2D) {}

  /** The text's width in the context's current font (the font this fitter is used with). */
  width(text: string): number {
    let w = this.widths.get(text);
    if (w === undefined) {
      if (this.widths.size > MAX_ENTRIES) this.widths.clear();
      w = this.ctx.measureText(text).width;
      this.widths.set(text, w);
    }
    return w;
  }

  /** The text, or its longest start that fits in maxW with an ellipsis after it. */
  fit(text: string, maxW: number): string {
    if (this.width(text) <= maxW) return text;
    const key = `${Math.floor(maxW)}\u0000${text}`;
    let cut = this.cuts.get(key);
    if (cut === undefined) {
      if (this.cuts.size > MAX_ENTRIES) this.cuts.clear();
      let lo = 0;
      let hi = text.length;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.ctx.measureText(text.slice(0, mid) + ELLIPSIS).width <= maxW) lo = mid;
        else hi = mid - 1;
      }
      cut = lo ? text.slice(0, lo) + ELLIPSIS : this.ctx.measureText(ELLIPSIS).width <= maxW ? ELLIPSIS : '';
      this.cuts.set(key, cut);
    }
    return cut;
  }

  clear(): void {
    this.widths.clear();
    this.cuts.clear();
  }
}
