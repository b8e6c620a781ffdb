// Filter string -> list of AND-ed comparisons, shared by the run, experiment, registry and
// logged-model grammars (each interprets identifiers and values its own way).

import { invalidRequest } from '../errors';
import { shown, tokenize, type Segment, type Token } from './tokenizer';

export type Value =
  /** A single-quoted string, or a double-quoted one (sqlparse calls it a symbol; MLflow strips the quotes). */
  | { kind: 'string'; text: string; raw: string; quote: "'" | '"' }
  | { kind: 'number'; value: number; raw: string }
  /** A bare word or dotted name on the value side (e.g. `inf`, `true`): never a valid value. */
  | { kind: 'word'; raw: string }
  /** `( ... )`; `items` is undefined when the list is not a non-empty list of single-quoted strings. */
  | { kind: 'list'; items?: string[]; raw: string; problem?: string };

export interface Comparison {
  lhs: { segments: Segment[]; raw: string };
  /** Upper-cased: '=', '!=', '>', …, 'LIKE', 'ILIKE', 'IN', 'NOT IN', or whatever invalid run of operator characters was written. */
  op: string;
  rhs: Value;
  /** The clause as written, for messages. */
  text: string;
}

const EMPTY_LIST = 'While parsing a list in the query, expected a non-empty list of string values, but got empty list';
const ILL_FORMED = 'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.';

/** Python string-literal escapes, as ast.literal_eval applies them to IN lists. */
function unescapePython(body: string): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const d = body[++i];
    switch (d) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '0':
        out += '\0';
        break;
      case '\\':
      case "'":
      case '"':
        out += d;
        break;
      case '\n':
        break;
      default:
        out += '\\' + d;
    }
  }
  return out;
}

/** A single-quoted token's value inside an IN list: ast.literal_eval also joins 'a''b' into 'ab'. */
function listItemValue(t: Extract<Token, { kind: 'string' }>): string {
  // Split on doubled quotes outside backslash escapes: each part is an adjacent literal.
  const body = t.text;
  let out = '';
  let part = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      part += c + body[i + 1];
      i++;
    } else if (c === "'" && body[i + 1] === "'") {
      out += unescapePython(part);
      part = '';
      i++;
    } else {
      part += c;
    }
  }
  return out + unescapePython(part);
}

function describe(t: Token): string {
  return `'${shown(t.raw, 40)}'`;
}

export function parseFilter(filter: string): Comparison[] {
  const tokens = tokenize(filter);
  const out: Comparison[] = [];
  const n = tokens.length;
  let i = 0;
  let needAnd = false;
  const src = (from: Token, to: Token) => filter.slice(from.pos, to.pos + to.raw.length);
  const orError = () =>
    invalidRequest(`Invalid clause(s) in filter string: 'OR'. Only AND can join conditions: MLflow search filters do not support OR (run one search per alternative).`);

  while (i < n) {
    const t = tokens[i];
    if (t.kind === 'keyword' && t.word === 'AND') {
      // sqlparse lets stray ANDs through (leading, trailing, doubled); so does MLflow.
      needAnd = false;
      i++;
      continue;
    }
    if (t.kind === 'keyword' && t.word === 'OR') throw orError();
    if (needAnd) {
      throw invalidRequest(`Invalid clause(s) in filter string: ${describe(t)}. Conditions must be joined with AND, e.g. "metrics.acc > 0.9 AND params.lr = '0.1'".`);
    }
    if (t.kind !== 'ident') {
      if (t.kind === 'keyword') throw invalidRequest(`Invalid clause(s) in filter string: '${t.word}'. Only comparisons joined by AND are supported (no NOT, OR, IS or BETWEEN).`);
      if (t.kind === 'lparen' || t.kind === 'rparen') throw invalidRequest(`Invalid clause(s) in filter string: ${describe(t)}. Parentheses are only allowed around the list of an IN / NOT IN comparison.`);
      throw invalidRequest(`Invalid comparison clause. Expected 'Identifier' found ${describe(t)}: a comparison starts with a key such as metrics.acc, params.lr, tags.name or an attribute name.`);
    }
    const lhs = t;
    const next = tokens[i + 1];
    if (next === undefined) throw invalidRequest(`Invalid comparison clause: '${shown(lhs.raw, 40)}' is not followed by a comparison operator and a value.`);
    let op: string;
    let j = i + 2;
    if (next.kind === 'op') op = next.raw;
    else if (next.kind === 'keyword' && (next.word === 'LIKE' || next.word === 'ILIKE' || next.word === 'IN' || next.word === 'RLIKE')) op = next.word;
    else if (next.kind === 'keyword' && next.word === 'NOT') {
      const third = tokens[i + 2];
      if (third?.kind === 'keyword' && (third.word === 'IN' || third.word === 'LIKE' || third.word === 'ILIKE')) {
        op = `NOT ${third.word}`;
        j = i + 3;
      } else {
        throw invalidRequest(`Invalid clause(s) in filter string: '${shown(lhs.raw, 40)}', 'NOT'. NOT is only supported as NOT IN (e.g. run_id NOT IN ('a', 'b')).`);
      }
    } else if (next.kind === 'keyword' && next.word === 'OR') throw orError();
    else {
      throw invalidRequest(`Invalid comparison clause: '${shown(lhs.raw, 40)}' must be followed by a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN), found ${describe(next)}.`);
    }
    const vt = tokens[j];
    if (vt === undefined) throw invalidRequest(`Invalid comparison clause: '${shown(src(lhs, tokens[j - 1]), 60)}' has no value after '${op}'.`);
    let rhs: Value;
    let last: Token = vt;
    if (vt.kind === 'string') rhs = { kind: 'string', text: vt.text, raw: vt.raw, quote: "'" };
    else if (vt.kind === 'number') rhs = { kind: 'number', value: vt.value, raw: vt.raw };
    else if (vt.kind === 'ident') {
      if (vt.segments.length === 1 && vt.segments[0].quote === '"') rhs = { kind: 'string', text: vt.segments[0].text, raw: vt.raw, quote: '"' };
      else rhs = { kind: 'word', raw: vt.raw };
    } else if (vt.kind === 'lparen') {
      // Find the closing parenthesis; nested or unclosed lists are ill-formed.
      let k = j + 1;
      const items: string[] = [];
      let problem: string | undefined;
      let expectItem = true;
      while (k < n && tokens[k].kind !== 'rparen') {
        const it = tokens[k];
        if (it.kind === 'lparen') {
          problem = ILL_FORMED;
        } else if (expectItem) {
          if (it.kind === 'string') items.push(listItemValue(it));
          else problem ??= `While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${shown(it.raw, 40)}`;
          expectItem = false;
        } else if (it.kind === 'comma') {
          expectItem = true;
        } else {
          problem ??= ILL_FORMED;
        }
        k++;
      }
      if (k >= n) throw invalidRequest(`Invalid comparison clause: the list after '${op}' is never closed (missing ')').`);
      if (items.length === 0 && !problem) problem = EMPTY_LIST;
      else if (expectItem && !problem) problem = ILL_FORMED; // trailing comma
      last = tokens[k];
      j = k;
      rhs = problem ? { kind: 'list', raw: filter.slice(vt.pos, last.pos + 1), problem } : { kind: 'list', items, raw: filter.slice(vt.pos, last.pos + 1) };
    } else if (vt.kind === 'keyword' && vt.word === 'NULL') {
      throw invalidRequest(`Invalid comparison clause: '${shown(src(lhs, vt), 60)}'. NULL is not supported; runs missing a key never match a comparison on it.`);
    } else {
      throw invalidRequest(`Invalid comparison clause. Expected value token found ${describe(vt)} after '${shown(src(lhs, tokens[j - 1]), 60)}'.`);
    }
    if ((op === 'IN' || op === 'NOT IN') && rhs.kind !== 'list') {
      throw invalidRequest(`Invalid clause(s) in filter string: '${shown(src(lhs, last), 60)}'. ${op} needs a parenthesized list of quoted strings, e.g. run_id ${op} ('a', 'b').`);
    }
    out.push({ lhs: { segments: lhs.segments, raw: lhs.raw }, op, rhs, text: src(lhs, last) });
    needAnd = true;
    i = j + 1;
  }
  return out;
}

/** `prefix.key` split of an identifier: one segment = no prefix. Quotes are already removed per segment. */
export function splitIdentifier(segments: Segment[]): { prefix?: string; key: string } {
  if (segments.length === 1) return { key: segments[0].text };
  return { prefix: segments[0].text, key: segments.slice(1).map((s) => s.text).join('.') };
}

/** Python's repr of a set of strings, sorted for stable messages: {'a', 'b'}. */
const pySetCache = new WeakMap<object, string>();
export function pySet(values: Iterable<string>): string {
  const cached = pySetCache.get(values as object);
  if (cached !== undefined) return cached;
  const text = `{${[...values].sort().map((v) => `'${v}'`).join(', ')}}`;
  pySetCache.set(values as object, text);
  return text;
}
