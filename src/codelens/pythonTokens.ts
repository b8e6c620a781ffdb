// A small, forgiving, single-pass Python tokenizer — just enough structure for finding calls:
// names, numbers, strings (every prefix, triple quotes, escapes, f-strings with nested
// replacement fields), operators, brackets (each opening bracket knows its partner) and logical
// NEWLINEs. Comments, blank lines and line continuations produce no tokens.
//
// It never throws and every loop advances, so it is linear in the input however broken the
// input is. Errors are contained the way an editor wants them: an unterminated single-quoted
// string ends at the end of its line, and a statement keyword (`def`, `import`, `with`, …) at
// the start of a line closes any brackets left open above it, so a half-typed call does not
// swallow the rest of the file.
//
// Tokens are kept in parallel typed arrays (no object per token); offsets are UTF-16 indices
// into the text, as VS Code counts columns.

/** Token kinds (values of `Tokens.kind`). */
export const T_NAME = 1;
export const T_NUMBER = 2;
export const T_STRING = 3;
export const T_OP = 4;
/** End of a logical line (only at bracket depth 0, or when bracket recovery closes a line). */
export const T_NEWLINE = 5;
export const T_EOF = 6;

/** Codes in `Tokens.aux` for operator tokens: the char code for one-character operators, else: */
export const OP_EQEQ = 256; // ==
export const OP_CMP_EQ = 257; // != <= >=
export const OP_ARROW = 258; // ->
export const OP_WALRUS = 259; // :=
export const OP_POW = 260; // **
export const OP_ELLIPSIS = 261; // ...
export const OP_AUGASSIGN = 262; // += -= *= /= %= &= |= ^= @= //= **= <<= >>=

/** Flags in `Tokens.aux` for string tokens. */
export const S_RAW = 1;
export const S_BYTES = 2;
/** An f-string (or a t-string). */
export const S_FORMAT = 4;
/** An f-string with at least one replacement field `{…}`. */
export const S_PLACEHOLDER = 8;
export const S_TRIPLE = 16;
export const S_UNTERMINATED = 32;
/** Prefix length (0–2) is stored in bits 8–9. */
const PREFIX_SHIFT = 8;

export interface Tokens {
  readonly text: string;
  readonly count: number;
  readonly kind: Uint8Array;
  /** Start offset (inclusive). */
  readonly start: Int32Array;
  /** End offset (exclusive). */
  readonly end: Int32Array;
  /** Operator code for T_OP, flags for T_STRING, 0 otherwise. */
  readonly aux: Int32Array;
  /**
   * For an opening bracket: the index of its closing bracket, or — if it is never closed — of
   * the T_NEWLINE / T_EOF token that gave up on it. -1 for every other token.
   */
  readonly match: Int32Array;
  /** [start, end) offset pairs of the replacement fields of top-level f-strings. */
  readonly fstringFields: number[];
  /** Indices of the `import` and `from` names. */
  readonly importKeywords: number[];
  /** Indices of the `MlflowClient` names. */
  readonly clientClassNames: number[];
}

interface Buffers {
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  aux: Int32Array;
  match: Int32Array;
}

function newBuffers(cap: number): Buffers {
  return { kind: new Uint8Array(cap), start: new Int32Array(cap), end: new Int32Array(cap), aux: new Int32Array(cap), match: new Int32Array(cap) };
}

/** Growable token arrays. */
class Sink implements Buffers {
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  aux: Int32Array;
  match: Int32Array;
  cap: number;
  n = 0;

  constructor(buf: Buffers) {
    this.kind = buf.kind;
    this.start = buf.start;
    this.end = buf.end;
    this.aux = buf.aux;
    this.match = buf.match;
    this.cap = buf.kind.length;
  }

  push(k: number, s: number, e: number, a: number): void {
    const n = this.n;
    if (n === this.cap) this.grow();
    this.kind[n] = k;
    this.start[n] = s;
    this.end[n] = e;
    this.aux[n] = a;
    this.match[n] = -1;
    this.n = n + 1;
  }

  private grow(): void {
    const cap = (this.cap *= 2);
    const k2 = new Uint8Array(cap);
    k2.set(this.kind);
    this.kind = k2;
    const s2 = new Int32Array(cap);
    s2.set(this.start);
    this.start = s2;
    const e2 = new Int32Array(cap);
    e2.set(this.end);
    this.end = e2;
    const a2 = new Int32Array(cap);
    a2.set(this.aux);
    this.aux = a2;
    const m2 = new Int32Array(cap);
    m2.set(this.match);
    this.match = m2;
  }
}

/** Buffers kept between calls with `reuse` (up to this many tokens). */
const POOL_MAX = 1 << 21;
let pool: Buffers | undefined;

/** Statement keywords that cannot appear inside brackets: seen first on a line, they end any open brackets. */
const RECOVERY_KEYWORDS = new Set([
  'def', 'class', 'import', 'from', 'with', 'return', 'while', 'try', 'except', 'finally',
  'raise', 'del', 'pass', 'break', 'continue', 'global', 'nonlocal', 'assert', 'elif',
]);

// Character classes for ASCII; anything >= 0x80 (but a few space-like characters) is treated
// as an identifier character, which is what Python's XID classes amount to in practice.
const C_ID_START = 1;
const C_ID_PART = 2;
const C_DIGIT = 4;
const C_PREFIX = 8; // r b u f t (either case)
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) CLASS[c] |= C_ID_START | C_ID_PART;
  if (/[0-9]/.test(ch)) CLASS[c] |= C_DIGIT | C_ID_PART;
  if (/[rRbBuUfFtT]/.test(ch)) CLASS[c] |= C_PREFIX;
}

function isSpaceLikeNonAscii(c: number): boolean {
  return c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200b);
}

function isIdPart(c: number): boolean {
  return c < 128 ? (CLASS[c] & C_ID_PART) !== 0 : !isSpaceLikeNonAscii(c);
}

/** Deepest nesting of f-strings inside f-string replacement fields that is followed (Python allows ~150). */
const MAX_FSTRING_NESTING = 24;

// State shared by the string scanners (they are plain functions for speed; the tokenizer is not re-entrant
// across these calls, and they never call back into user code).
let sFlags = 0;
let sFields: number[] | null = null;

/**
 * Scans the body of a string whose opening quote(s) end just before `p`. Returns the offset just past the
 * closing quote(s), or where the string was given up (end of line for single-quoted strings, `to`).
 */
function scanStringBody(
  text: string, p: number, to: number, q: number, triple: boolean, raw: boolean, fmt: boolean, nest: number,
): number {
  while (p < to) {
    const c = text.charCodeAt(p);
    if (c === q) {
      if (!triple) return p + 1;
      if (text.charCodeAt(p + 1) === q && text.charCodeAt(p + 2) === q && p + 2 < to) return p + 3;
      p++;
    } else if (c === 92 /* \ */) {
      const n = text.charCodeAt(p + 1);
      if (n === 13 && text.charCodeAt(p + 2) === 10) p += 3;
      else if (fmt && !raw && n === 78 /* N */ && text.charCodeAt(p + 2) === 123 /* { */) {
        // \N{NAME} in an f-string: its braces are not a replacement field.
        p += 3;
        while (p < to) {
          const d = text.charCodeAt(p);
          if (d === 125 || d === q || d === 10 || d === 13) break;
          p++;
        }
        if (text.charCodeAt(p) === 125) p++;
      } else p += 2;
    } else if (c === 10 || c === 13) {
      if (!triple) {
        sFlags |= S_UNTERMINATED;
        return p;
      }
      p++;
    } else if (c === 123 /* { */ && fmt) {
      if (text.charCodeAt(p + 1) === 123) {
        p += 2;
        continue;
      }
      sFlags |= S_PLACEHOLDER;
      const fieldStart = p + 1;
      p = scanField(text, fieldStart, to, q, triple, nest);
      if (sFlags & S_UNTERMINATED) return p;
      if (nest === 0 && sFields) sFields.push(fieldStart, p - 1);
    } else p++;
  }
  sFlags |= S_UNTERMINATED;
  return to;
}

/** True when `p` starts the closing quote(s) of the enclosing string. */
function atClosingQuote(text: string, p: number, q: number, triple: boolean): boolean {
  return text.charCodeAt(p) === q && (!triple || (text.charCodeAt(p + 1) === q && text.charCodeAt(p + 2) === q));
}

/** Scans an f-string replacement field from just after its `{`; returns the offset just past its `}`. */
function scanField(text: string, p: number, to: number, q: number, triple: boolean, nest: number): number {
  let depth = 0;
  while (p < to) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) {
      if (!triple) {
        sFlags |= S_UNTERMINATED;
        return p;
      }
      p++;
    } else if (c === 34 || c === 39) {
      // A string inside the expression (Python 3.12 allows even the enclosing quote here). Look back for its prefix.
      let fmt = false;
      let raw = false;
      let k = p - 1;
      while (k >= p - 2 && k >= 0 && text.charCodeAt(k) < 128 && (CLASS[text.charCodeAt(k)] & C_PREFIX) !== 0) k--;
      if (k < 0 || !isIdPart(text.charCodeAt(k))) {
        for (let m = k + 1; m < p; m++) {
          const d = text.charCodeAt(m) | 32;
          if (d === 102 || d === 116) fmt = true;
          else if (d === 114) raw = true;
        }
      }
      const tq = text.charCodeAt(p + 1) === c && text.charCodeAt(p + 2) === c;
      // Beyond the nesting limit a nested f-string is scanned as a plain string.
      p = scanStringBody(text, p + (tq ? 3 : 1), to, c, tq, raw, fmt && nest < MAX_FSTRING_NESTING, nest + 1);
      if (sFlags & S_UNTERMINATED) return p;
    } else if (c === 40 || c === 91 || c === 123) {
      depth++;
      p++;
    } else if (c === 41 || c === 93) {
      if (depth > 0) depth--;
      p++;
    } else if (c === 125) {
      if (depth === 0) return p + 1;
      depth--;
      p++;
    } else if (c === 58 /* : */ && depth === 0) {
      return scanFormatSpec(text, p + 1, to, q, triple, nest);
    } else p++;
  }
  sFlags |= S_UNTERMINATED;
  return to;
}

/** Scans a format spec (after the `:` of a replacement field); returns the offset just past the field's `}`. */
function scanFormatSpec(text: string, p: number, to: number, q: number, triple: boolean, nest: number): number {
  while (p < to) {
    const c = text.charCodeAt(p);
    if (c === 125) return p + 1;
    if (c === 123) {
      if (nest >= MAX_FSTRING_NESTING) {
        p++;
        continue;
      }
      p = scanField(text, p + 1, to, q, triple, nest + 1);
      if (sFlags & S_UNTERMINATED) return p;
    } else if (atClosingQuote(text, p, q, triple)) {
      // The string ends inside the field: leave the quote for the string scanner (the field is broken anyway).
      return p;
    } else if ((c === 10 || c === 13) && !triple) {
      sFlags |= S_UNTERMINATED;
      return p;
    } else p++;
  }
  sFlags |= S_UNTERMINATED;
  return to;
}

/**
 * Tokenizes `text[from, to)`. Never throws; linear time. With `reuse`, the token arrays are shared
 * with the next call that passes `reuse` (saves garbage; only for results that are dropped before then).
 */
export function tokenizePython(text: string, from = 0, to = text.length, reuse = false): Tokens {
  const want = Math.max(64, ((to - from) >> 2) + 16);
  const b = new Sink(reuse && pool && pool.kind.length >= want ? pool : newBuffers(want));
  const fields: number[] = [];
  const importKeywords: number[] = [];
  const clientClassNames: number[] = [];
  const open: number[] = []; // indices of open brackets
  const push = (k: number, s: number, e: number, a: number): void => b.push(k, s, e, a);
  /** Ends the logical line; gives up on brackets still open. */
  const newline = (at: number): void => {
    if (open.length) {
      for (let i = 0; i < open.length; i++) b.match[open[i]] = b.n;
      open.length = 0;
    }
    b.push(T_NEWLINE, at, at, 0);
  };

  let pos = from;
  let atLineStart = true;
  let lastIsNewline = true; // nothing to end yet

  const prevFields = sFields;
  sFields = fields;
  try {
    while (pos < to) {
      const c = text.charCodeAt(pos);
      // --- whitespace, line ends, comments, continuations
      if (c === 32 || c === 9 || c === 12) {
        pos++;
        continue;
      }
      if (c === 10 || c === 13) {
        if (open.length === 0 && !lastIsNewline) {
          newline(pos);
          lastIsNewline = true;
        }
        pos += c === 13 && text.charCodeAt(pos + 1) === 10 ? 2 : 1;
        atLineStart = true;
        continue;
      }
      if (c === 35 /* # */) {
        pos++;
        while (pos < to) {
          const d = text.charCodeAt(pos);
          if (d === 10 || d === 13) break;
          pos++;
        }
        continue;
      }
      if (c === 92 /* \ */) {
        const d = text.charCodeAt(pos + 1);
        if (d === 10) pos += 2;
        else if (d === 13) pos += text.charCodeAt(pos + 2) === 10 ? 3 : 2;
        else {
          push(T_OP, pos, pos + 1, c);
          lastIsNewline = false;
          pos++;
        }
        atLineStart = false;
        continue;
      }
      if (c >= 128 && isSpaceLikeNonAscii(c)) {
        pos++;
        continue;
      }

      const tokStart = pos;
      const lineStart = atLineStart;
      atLineStart = false;
      lastIsNewline = false;

      // --- names and prefixed strings
      if (c >= 128 || (CLASS[c] & C_ID_START) !== 0) {
        pos++;
        while (pos < to) {
          const d = text.charCodeAt(pos);
          if (d < 128 ? (CLASS[d] & C_ID_PART) === 0 : isSpaceLikeNonAscii(d)) break;
          pos++;
        }
        const len = pos - tokStart;
        const q = pos < to ? text.charCodeAt(pos) : 0;
        if ((q === 34 || q === 39) && len <= 2 && c < 128 && (CLASS[c] & C_PREFIX) !== 0 &&
            (len === 1 || (text.charCodeAt(tokStart + 1) < 128 && (CLASS[text.charCodeAt(tokStart + 1)] & C_PREFIX) !== 0))) {
          let flags = len << PREFIX_SHIFT;
          for (let m = tokStart; m < pos; m++) {
            const d = text.charCodeAt(m) | 32;
            if (d === 114) flags |= S_RAW;
            else if (d === 98) flags |= S_BYTES;
            else if (d === 102 || d === 116) flags |= S_FORMAT;
          }
          pos = scanString(text, tokStart, pos, to, flags, push);
          continue;
        }
        if (lineStart && open.length > 0 && len >= 3 && len <= 8 && RECOVERY_KEYWORDS.has(text.slice(tokStart, pos))) {
          newline(tokStart);
        }
        if ((len === 6 && c === 105 && text.startsWith('import', tokStart)) || (len === 4 && c === 102 && text.startsWith('from', tokStart))) {
          importKeywords.push(b.n);
        } else if (len === 12 && c === 77 && text.startsWith('MlflowClient', tokStart)) {
          clientClassNames.push(b.n);
        }
        b.push(T_NAME, tokStart, pos, 0);
        continue;
      }
      // --- strings
      if (c === 34 || c === 39) {
        pos = scanString(text, tokStart, pos, to, 0, push);
        continue;
      }
      // --- numbers
      const next = pos + 1 < to ? text.charCodeAt(pos + 1) : 0;
      if ((CLASS[c] & C_DIGIT) !== 0 || (c === 46 && next < 128 && (CLASS[next] & C_DIGIT) !== 0)) {
        pos = numberEnd(text, pos, to, c === 48 && (next | 32) === 120);
        b.push(T_NUMBER, tokStart, pos, 0);
        continue;
      }
      // --- brackets
      if (c === 40 || c === 91 || c === 123) {
        open.push(b.n);
        b.push(T_OP, pos, pos + 1, c);
        pos++;
        continue;
      }
      if (c === 41 || c === 93 || c === 125) {
        const o = open.length ? open.pop()! : -1;
        if (o >= 0) b.match[o] = b.n;
        b.push(T_OP, pos, pos + 1, c);
        pos++;
        continue;
      }
      // --- other operators
      const op = operatorAt(c, next, pos + 2 < to ? text.charCodeAt(pos + 2) : 0);
      const len = op >>> 16;
      b.push(T_OP, pos, pos + len, op & 0xffff);
      pos += len;
    }
    if (!lastIsNewline) newline(to);
    for (let i = 0; i < open.length; i++) b.match[open[i]] = b.n;
    open.length = 0;
    b.push(T_EOF, to, to, 0);
  } finally {
    sFields = prevFields;
  }
  const { kind, start, end, aux, match } = b;
  if (reuse && b.cap <= POOL_MAX) pool = { kind, start, end, aux, match };
  return { text, count: b.n, kind, start, end, aux, match, fstringFields: fields, importKeywords, clientClassNames };
}

/** The operator starting with `c` (then `next`, `next2`): its code (a char code or OP_*) | its length << 16. */
function operatorAt(c: number, next: number, next2: number): number {
  let code = c;
  let len = 1;
  switch (c) {
    case 61: // =
      if (next === 61) { code = OP_EQEQ; len = 2; }
      break;
    case 33: case 60: case 62: // ! < >
      if (next === 61) { code = OP_CMP_EQ; len = 2; }
      else if ((c === 60 || c === 62) && next === c) {
        if (next2 === 61) { code = OP_AUGASSIGN; len = 3; } else len = 2;
      }
      break;
    case 45: // -
      if (next === 62) { code = OP_ARROW; len = 2; }
      else if (next === 61) { code = OP_AUGASSIGN; len = 2; }
      break;
    case 58: // :
      if (next === 61) { code = OP_WALRUS; len = 2; }
      break;
    case 42: // *
      if (next === 42) {
        if (next2 === 61) { code = OP_AUGASSIGN; len = 3; } else { code = OP_POW; len = 2; }
      } else if (next === 61) { code = OP_AUGASSIGN; len = 2; }
      break;
    case 47: // /
      if (next === 47) {
        if (next2 === 61) { code = OP_AUGASSIGN; len = 3; } else len = 2;
      } else if (next === 61) { code = OP_AUGASSIGN; len = 2; }
      break;
    case 46: // .
      if (next === 46 && next2 === 46) { code = OP_ELLIPSIS; len = 3; }
      break;
    case 43: case 37: case 38: case 124: case 94: case 64: // + % & | ^ @
      if (next === 61) { code = OP_AUGASSIGN; len = 2; }
      break;
  }
  return code | (len << 16);
}
/** The end of the number literal starting at `pos` (digits, letters, dots, and a sign after an exponent). */
function numberEnd(text: string, pos: number, to: number, hex: boolean): number {
  pos++;
  while (pos < to) {
    const d = text.charCodeAt(pos);
    if (d < 128 && ((CLASS[d] & C_ID_PART) !== 0 || d === 46)) pos++;
    else if ((d === 43 || d === 45) && !hex && (text.charCodeAt(pos - 1) | 32) === 101) pos++;
    else break;
  }
  return pos;
}

/** Scans a string starting at `tokStart` whose quote is at `qPos`; pushes the token and returns its end. */
function scanString(
  text: string, tokStart: number, qPos: number, to: number, flags: number,
  push: (k: number, s: number, e: number, a: number) => void,
): number {
  const q = text.charCodeAt(qPos);
  const triple = text.charCodeAt(qPos + 1) === q && text.charCodeAt(qPos + 2) === q && qPos + 2 < to;
  if (triple) flags |= S_TRIPLE;
  sFlags = 0;
  const e = scanStringBody(text, qPos + (triple ? 3 : 1), to, q, triple, (flags & S_RAW) !== 0, (flags & S_FORMAT) !== 0, 0);
  push(T_STRING, tokStart, e, flags | sFlags);
  return e;
}

/** Length of a string token's prefix (`rb` → 2). */
export function stringPrefixLength(flags: number): number {
  return (flags >> PREFIX_SHIFT) & 3;
}

/**
 * The value of one string token that is a plain literal (not bytes, no replacement fields),
 * or undefined. Escapes are decoded as Python does; `{{`/`}}` in f-strings become `{`/`}`.
 */
export function stringTokenValue(toks: Tokens, i: number): string | undefined {
  const flags = toks.aux[i];
  if (flags & (S_BYTES | S_PLACEHOLDER)) return undefined;
  const text = toks.text;
  const q = (flags & S_TRIPLE) ? 3 : 1;
  const bodyStart = toks.start[i] + stringPrefixLength(flags) + q;
  let bodyEnd = toks.end[i];
  if (!(flags & S_UNTERMINATED)) bodyEnd -= q;
  if (bodyEnd < bodyStart) bodyEnd = bodyStart;
  let body = text.slice(bodyStart, bodyEnd);
  if (!(flags & S_RAW) && body.indexOf('\\') >= 0) body = decodeEscapes(body);
  else if (body.indexOf('\r') >= 0) body = body.replace(/\r\n?/g, '\n');
  if ((flags & S_FORMAT) && (body.indexOf('{{') >= 0 || body.indexOf('}}') >= 0)) body = body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  return body;
}

/** The constant text before the first replacement field of an f-string with placeholders (`f"lr-{lr}"` → `lr-`). */
export function fstringPrefix(toks: Tokens, i: number): string | undefined {
  const flags = toks.aux[i];
  if (!(flags & S_PLACEHOLDER) || (flags & S_BYTES)) return undefined;
  const text = toks.text;
  const bodyStart = toks.start[i] + stringPrefixLength(flags) + ((flags & S_TRIPLE) ? 3 : 1);
  let j = bodyStart;
  while (j < toks.end[i] && !(text[j] === '{' && text[j + 1] !== '{')) j += text[j] === '{' ? 2 : 1;
  let body = text.slice(bodyStart, j);
  if (!(flags & S_RAW) && body.indexOf('\\') >= 0) body = decodeEscapes(body);
  return body.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Decodes Python escape sequences of a (non-raw) str literal body. Unknown escapes stay as written. */
export function decodeEscapes(body: string): string {
  let out = '';
  let i = 0;
  const len = body.length;
  while (i < len) {
    const bs = body.indexOf('\\', i);
    if (bs < 0) {
      out += body.slice(i);
      break;
    }
    out += body.slice(i, bs);
    if (bs + 1 >= len) {
      out += '\\';
      break;
    }
    const e = body[bs + 1];
    i = bs + 2;
    if (e === '\n') continue;
    if (e === '\r') {
      if (body[i] === '\n') i++;
      continue;
    }
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    if (e >= '0' && e <= '7') {
      let j = bs + 1;
      while (j < len && j < bs + 4 && body[j] >= '0' && body[j] <= '7') j++;
      out += String.fromCharCode(parseInt(body.slice(bs + 1, j), 8));
      i = j;
      continue;
    }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = body.slice(i, i + hexLen);
      if (hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) {
        const cp = parseInt(hex, 16);
        if (cp <= 0x10ffff) {
          out += String.fromCodePoint(cp);
          i += hexLen;
          continue;
        }
      }
      out += '\\' + e;
      continue;
    }
    if (e === 'N' && body[i] === '{') {
      // Named characters need Unicode's name table; keep the escape as written.
      const close = body.indexOf('}', i);
      const stop = close < 0 ? len : close + 1;
      out += body.slice(bs, stop);
      i = stop;
      continue;
    }
    out += '\\' + e;
  }
  return out;
}
