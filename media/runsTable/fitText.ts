// Text cut to a cell's width as CSS's text-overflow: ellipsis does, for the canvas-drawn rows. Most
// values fit with room to spare: a sum of per-character advances (ASCII) says so without measuring
// them; the others are measured, and their widths and cut strings cached per font.

const ELLIPSIS = '…';
/** Entries kept per font before the cache starts over (a 10,000-run table has ~100,000 values). */
const MAX_ENTRIES = 50_000;

export class TextFitter {
  private readonly widths = new Map<string, number>();
  private readonly cuts = new Map<string, string>();
  /** Advances of the printable ASCII characters in this font (measured on first use). */
  private ascii: number[] | undefined;

  constructor(private readonly ctx: CanvasRenderingContext2D) {}

  /** Whether the text surely fits in maxW: its advances summed, with room for kerning; false: unsure. */
  private surelyFits(text: string, maxW: number): boolean {
    const adv = (this.ascii ??= Array.from({ length: 95 }, (_, i) => this.ctx.measureText(String.fromCharCode(32 + i)).width));
    let w = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i) - 32;
      if (c < 0 || c >= 95) return false;
      w += adv[c];
    }
    return w * 1.02 + 1 <= maxW;
  }

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
    if (this.surelyFits(text, maxW) || this.width(text) <= maxW) return text;
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
    this.ascii = undefined;
    this.widths.clear();
    this.cuts.clear();
  }
}
