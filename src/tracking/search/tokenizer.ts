// Linear-time tokenizer for MLflow's search filter / order_by strings.
//
// MLflow runs `sqlparse` over the filter; this reproduces the token boundaries that matter
// (identifiers with dotted, backtick- and double-quoted segments; single-quoted strings with
// '' and \' kept verbatim; numbers; comparison operator runs; AND/OR/NOT/IN/LIKE/ILIKE keywords;
// parentheses and commas) without regular expressions over the whole input, so any input string
// is tokenized in one pass. Every failure is an invalidRequest TrackingError.

import { invalidRequest } from '../errors';

export interface Segment {
  /** Segment text without its surrounding quotes (inner escapes are kept verbatim, as MLflow does). */
  text: string;
  quote?: '`' | '"';
}

export type Token =
  | { kind: 'ident'; segments: Segment[]; raw: string; pos: number }
  | { kind: 'string'; text: string; raw: string; pos: number }
  | { kind: 'number'; value: number; raw: string; pos: number }
  | { kind: 'op'; raw: string; pos: number }
  | { kind: 'keyword'; word: Keyword; raw: string; pos: number }
  | { kind: 'lparen' | 'rparen' | 'comma'; raw: string; pos: number };

export type Keyword = 'AND' | 'OR' | 'NOT' | 'IN' | 'LIKE' | 'ILIKE' | 'RLIKE' | 'IS' | 'NULL' | 'BETWEEN' | 'EXISTS';
const KEYWORDS = new Set<string>(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'RLIKE', 'IS', 'NULL', 'BETWEEN', 'EXISTS']);

const WORD_CHAR = /[\p{L}\p{N}\p{M}_$]/u;
const SPACE = /\s/u;

function isWordChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
  return WORD_CHAR.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return SPACE.test(c);
}

/** Shortens user input for error messages. */
export function shown(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * End (exclusive) of the quoted run starting at `start` (which holds the quote), or -1 if it never
 * closes. A doubled quote, and (when allowed) a backslash-escaped quote, do not close the run. If the
 * input ends inside the run, sqlparse's regex backtracks to the last such escaped quote; so do we.
 */
function quotedEnd(s: string, start: number, q: string, backslash: boolean): number {
  const n = s.length;
  let j = start + 1;
  let fallback = -1;
  while (j < n) {
    const c = s[j];
    if (c === q) {
      if (s[j + 1] === q) {
        fallback = j;
        j += 2;
        continue;
      }
      return j + 1;
    }
    if (backslash && c === '\\' && s[j + 1] === q) {
      fallback = j + 1;
      j += 2;
      continue;
    }
    j++;
  }
  return fallback >= 0 ? fallback + 1 : -1;
}

export interface TokenizeOptions {
  /** Wording for messages: 'filter' (default) or e.g. "order_by clause". */
  what?: string;
}

export function tokenize(input: string, options: TokenizeOptions = {}): Token[] {
  const what = options.what ?? 'filter';
  const s = input;
  const n = s.length;
  const out: Token[] = [];
  let i = 0;
  const fail = (msg: string) => invalidRequest(`Invalid ${what} '${shown(s)}': ${msg}`);

  const readQuotedSegment = (q: '`' | '"', at: number): { seg: Segment; end: number } => {
    const end = quotedEnd(s, at, q, q === '"');
    if (end < 0) throw fail(`the ${q === '`' ? 'backtick' : 'double'} quote at position ${at + 1} is never closed.`);
    return { seg: { text: s.slice(at + 1, end - 1), quote: q }, end };
  };

  while (i < n) {
    const c = s[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'") {
      const end = quotedEnd(s, i, "'", true);
      if (end < 0) throw fail(`the string starting at position ${i + 1} is never closed (missing ').`);
      out.push({ kind: 'string', text: s.slice(i + 1, end - 1), raw: s.slice(i, end), pos: start });
      i = end;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', raw: c, pos: start });
      i++;
      continue;
    }
    if (c === '<' || c === '>' || c === '=' || c === '!' || c === '~') {
      let j = i + 1;
      while (j < n && (s[j] === '<' || s[j] === '>' || s[j] === '=' || s[j] === '!' || s[j] === '~')) j++;
      out.push({ kind: 'op', raw: s.slice(i, j), pos: start });
      i = j;
      continue;
    }
    if (isDigit(c) || ((c === '-' || c === '.') && (isDigit(s[i + 1]) || (c === '-' && s[i + 1] === '.' && isDigit(s[i + 2]))))) {
      let j = i;
      if (s[j] === '-') j++;
      while (isDigit(s[j])) j++;
      if (s[j] === '.') {
        j++;
        while (isDigit(s[j])) j++;
      }
      if ((s[j] === 'e' || s[j] === 'E') && (isDigit(s[j + 1]) || ((s[j + 1] === '-' || s[j + 1] === '+') && isDigit(s[j + 2])))) {
        j += 2;
        while (isDigit(s[j])) j++;
      }
      if (isWordChar(s[j]) || s[j] === '.') {
        let k = j;
        while (k < n && (isWordChar(s[k]) || s[k] === '.')) k++;
        throw fail(`'${shown(s.slice(i, k), 40)}' is not a valid number or identifier (identifiers cannot start with a digit; quote keys with backticks).`);
      }
      const raw = s.slice(i, j);
      out.push({ kind: 'number', value: Number(raw), raw, pos: start });
      i = j;
      continue;
    }
    if (isWordChar(c) || c === '`' || c === '"') {
      const segments: Segment[] = [];
      let j = i;
      for (;;) {
        const ch = s[j];
        if (ch === '`' || ch === '"') {
          const r = readQuotedSegment(ch, j);
          segments.push(r.seg);
          j = r.end;
        } else {
          let k = j;
          while (k < n && isWordChar(s[k])) k++;
          segments.push({ text: s.slice(j, k) });
          j = k;
        }
        if (s[j] !== '.') break;
        const next = s[j + 1];
        if (!(isWordChar(next) || next === '`' || next === '"')) {
          throw fail(`'${shown(s.slice(i, j + 1), 40)}' needs a key after the '.' (quote keys containing spaces or symbols with backticks).`);
        }
        j++;
      }
      const raw = s.slice(i, j);
      if (segments.length === 1 && !segments[0].quote && KEYWORDS.has(segments[0].text.toUpperCase())) {
        out.push({ kind: 'keyword', word: segments[0].text.toUpperCase() as Keyword, raw, pos: start });
      } else {
        out.push({ kind: 'ident', segments, raw, pos: start });
      }
      i = j;
      continue;
    }
    if (c === ';') throw invalidRequest(`Search ${what} contained multiple expressions '${shown(s)}'. Provide AND-ed expression list (';' is not allowed).`);
    const cp = s.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    throw fail(`unexpected character '${ch}' at position ${i + 1} (keys containing spaces or symbols must be quoted with backticks, e.g. metrics.\`f1-score\`).`);
  }
  return out;
}
