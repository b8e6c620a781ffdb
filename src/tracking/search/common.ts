// Pieces shared by the entity grammars: comparators, value checks, string predicates.

import { invalidRequest, isTrackingError } from '../errors';
import type { Tag } from '../types';
import { compileLike, pyIsLower } from './like';
import { pySet, type Comparison, type Value } from './parser';

export const NUMERIC_OPS = new Set(['=', '!=', '>', '>=', '<', '<=']);
export const STRING_OPS = new Set(['=', '!=', 'LIKE', 'ILIKE']);
export const STRING_LIST_OPS = new Set(['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']);

export function checkOp(c: Comparison, allowed: Set<string>, what?: string): void {
  if (!allowed.has(c.op)) {
    const hint = c.op === '==' ? " (use '=')" : c.op === '<>' ? " (use '!=')" : '';
    throw invalidRequest(`Invalid comparator '${c.op}' not one of '${pySet(allowed)}'${what ? ` for ${what}` : ''}${hint}.`);
  }
}

export function numberPredicate(op: string, rhs: number): (x: number) => boolean {
  switch (op) {
    case '=':
      return (x) => x === rhs;
    case '!=':
      return (x) => x !== rhs;
    case '>':
      return (x) => x > rhs;
    case '>=':
      return (x) => x >= rhs;
    case '<':
      return (x) => x < rhs;
    case '<=':
      return (x) => x <= rhs;
  }
  throw invalidRequest(`Invalid comparator '${op}' for a numeric value.`);
}

/** How a local store compares strings where MLflow's backends differ. */
export interface StringOptions {
  /** ILIKE folds A–Z only, as on MLflow's SQLite store (default: full Unicode, as the file store). */
  asciiIlike?: boolean;
}

/** `=`, `!=`, LIKE, ILIKE, IN, NOT IN over strings. `list` holds the IN values. */
export function stringPredicate(op: string, rhs: string | undefined, list?: readonly string[], so: StringOptions = {}): (x: string) => boolean {
  switch (op) {
    case '=':
      return (x) => x === rhs;
    case '!=':
      return (x) => x !== rhs;
    case 'LIKE':
      return compileLike(rhs ?? '', false);
    case 'ILIKE':
      return compileLike(rhs ?? '', so.asciiIlike ? 'ascii' : true);
    case 'IN':
    case 'NOT IN': {
      const items = list ?? [];
      const has: (x: string) => boolean = items.length > 8 ? ((set) => (x: string) => set.has(x))(new Set(items)) : (x) => items.includes(x);
      return op === 'IN' ? has : (x) => !has(x);
    }
  }
  throw invalidRequest(`Invalid comparator '${op}' for a string value.`);
}

/** A list value's items (throws MLflow's list messages); `runIds` drops values that are not lower-case as MLflow does for run ids. */
export function listItems(v: Extract<Value, { kind: 'list' }>, runIds = false): string[] {
  if (!v.items) throw invalidRequest(v.problem ?? 'While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.');
  return runIds ? v.items.filter(pyIsLower) : v.items;
}

/** The string in a quoted value; MLflow's wording otherwise. `entity` is e.g. 'parameter' or 'tag'. */
export function quotedString(v: Value, entity: string): string {
  if (v.kind === 'string') return v.text;
  if (v.kind === 'word') {
    throw invalidRequest(`Parameter value is either not quoted or unidentified quote types used for string value ${v.raw}. Use either single or double quotes.`);
  }
  throw invalidRequest(`Expected a quoted string value for ${entity} (e.g. 'my-value'). Got value ${v.raw}`);
}

/** Combines a string predicate with the comparison's list/non-list shape checks. */
export function stringComparison(c: Comparison, entity: string, opts: { lists?: boolean; runIds?: boolean } & StringOptions = {}): (x: string) => boolean {
  if (c.rhs.kind === 'list') {
    if (!opts.lists) {
      throw invalidRequest(`Only the 'run_id' attribute supports comparison with a list of quoted string values (got ${c.rhs.raw} for ${entity}).`);
    }
    const items = listItems(c.rhs, opts.runIds);
    if (c.op !== 'IN' && c.op !== 'NOT IN') throw invalidRequest(`Invalid comparison '${c.text}': a list of values can only be used with IN or NOT IN.`);
    return stringPredicate(c.op, undefined, items, opts);
  }
  const s = quotedString(c.rhs, entity);
  return stringPredicate(c.op, s, undefined, opts);
}

export function numericValue(c: Comparison, message: string): number {
  if (c.rhs.kind === 'number') return c.rhs.value;
  throw invalidRequest(`${message} Found ${c.rhs.raw}`);
}

export function findTag(tags: readonly Tag[], key: string): string | undefined {
  for (const t of tags) if (t.key === key) return t.value;
  return undefined;
}

export function and<T>(preds: ((x: T) => boolean)[]): (x: T) => boolean {
  if (preds.length === 0) return () => true;
  if (preds.length === 1) return preds[0];
  return (x) => {
    for (const p of preds) if (!p(x)) return false;
    return true;
  };
}

/** For input boxes: the message of the error `check` throws (MLflow's 400 wording), or undefined when it passes. */
export function filterProblem(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    if (isTrackingError(e)) return e.message;
    return `Invalid filter: ${e instanceof Error ? e.message : String(e)}`;
  }
}
