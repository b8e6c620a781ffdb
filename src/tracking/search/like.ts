// SQL LIKE / ILIKE matching and code-point string ordering, without regular expressions built
// from user input (no catastrophic backtracking: matching is O(len(value) * len(pattern)) worst case).
//
// Semantics follow MLflow's SQL stores: `%` = any sequence (newlines included), `_` = exactly one
// character (code point), everything else literal; LIKE is case-sensitive on every backend, ILIKE
// is not. A backslash escapes `%`, `_` and `\` (as PostgreSQL does); before any other character it
// is an ordinary character (so Windows paths like 'C:\Users%' work as on SQLite).

/** A code point, or ANY1 / ANYN. */
type Item = number;
const ANY1 = -1;
const ANYN = -2;

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        i++;
        continue;
      }
    }
    out.push(c);
  }
  return out;
}

function compilePattern(pattern: string): Item[] {
  const cps = codePoints(pattern);
  const items: Item[] = [];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i];
    if (c === 0x5c /* \ */ && i + 1 < cps.length && (cps[i + 1] === 0x25 || cps[i + 1] === 0x5f || cps[i + 1] === 0x5c)) {
      items.push(cps[++i]);
    } else if (c === 0x25 /* % */) {
      if (items[items.length - 1] !== ANYN) items.push(ANYN);
    } else if (c === 0x5f /* _ */) {
      items.push(ANY1);
    } else {
      items.push(c);
    }
  }
  return items;
}

/** Classic wildcard match with a single backtrack point (the last `%`): linear in practice, quadratic at worst. */
function matchItems(v: number[], p: Item[]): boolean {
  let vi = 0;
  let pi = 0;
  let starP = -1;
  let starV = 0;
  while (vi < v.length) {
    const it = p[pi];
    if (pi < p.length && it !== ANYN && (it === ANY1 || it === v[vi])) {
      vi++;
      pi++;
    } else if (pi < p.length && it === ANYN) {
      starP = pi++;
      starV = vi;
    } else if (starP >= 0) {
      pi = starP + 1;
      vi = ++starV;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === ANYN) pi++;
  return pi === p.length;
}

/** SQLite's lower() (no ICU): A–Z only; every other letter keeps its case. */
export function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/**
 * `caseInsensitive`: true folds case with full Unicode lower-casing (ILIKE on the file store, like Python's
 * re.IGNORECASE); 'ascii' folds A–Z only (ILIKE on a SQLite store: lower(x) LIKE lower(y) without ICU).
 */
export function compileLike(pattern: string, caseInsensitive: boolean | 'ascii'): (value: string) => boolean {
  const lower = caseInsensitive === 'ascii' ? asciiLower : caseInsensitive ? (s: string) => s.toLowerCase() : undefined;
  const items = compilePattern(lower ? lower(pattern) : pattern);
  // Fast paths for the common shapes: 'abc', 'abc%', '%abc', '%abc%'.
  const lits = items.every((i) => i >= 0 || i === ANYN);
  if (lits) {
    const inner = items.filter((i) => i >= 0);
    const text = String.fromCodePoint(...inner.slice(0, 10000));
    const nStars = items.length - inner.length;
    const lead = items[0] === ANYN;
    const trail = items[items.length - 1] === ANYN;
    if (inner.length <= 10000 && nStars <= 2 && (nStars === 0 || lead || trail) && !(nStars === 2 && !(lead && trail))) {
      const fold = (s: string) => (lower ? lower(s) : s);
      if (items.length === 0) return (s) => s === '';
      if (nStars === 0) return (s) => fold(s) === text;
      if (lead && trail) return (s) => fold(s).includes(text);
      if (trail) return (s) => fold(s).startsWith(text);
      return (s) => fold(s).endsWith(text);
    }
  }
  return (s) => matchItems(codePoints(lower ? lower(s) : s), items);
}

/** Compares by Unicode code point (as Python and SQLite do), not by UTF-16 unit. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (D800–DFFF) encode code points above FFFF: move them above E000–FFFF.
    if (x >= 0xd800) x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    return x < y ? -1 : 1;
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/** Python's str.islower(): at least one cased character and no upper-case one. */
export function pyIsLower(s: string): boolean {
  return s.toLowerCase() === s && s.toUpperCase() !== s;
}
