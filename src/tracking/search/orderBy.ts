// `order_by` strings ("<identifier> [ASC|DESC]") and the runs/search ordering.

import { invalidRequest, isTrackingError } from '../errors';
import type { Run } from '../types';
import { findTag } from './common';
import { compareStrings } from './like';
import { RUN_ORDER_KEYS, runIdentifier, type RunEntity } from './runFilter';
import { shown, tokenize, type Segment } from './tokenizer';

export interface OrderClause {
  segments: Segment[];
  ascending: boolean;
}

/** Parses one order_by entry. Errors are worded as MLflow's `_parse_order_by_string`. */
export function parseOrderByClause(clause: unknown): OrderClause {
  if (typeof clause !== 'string') throw invalidRequest(`Invalid order_by clause ${shown(JSON.stringify(clause) ?? String(clause))}: expected a string like "metrics.loss DESC".`);
  const couldNot = `Invalid order_by clause '${shown(clause)}'. Could not be parsed.`;
  let tokens;
  try {
    tokens = tokenize(clause, { what: 'order_by clause' });
  } catch (e) {
    if (isTrackingError(e)) throw invalidRequest(`${couldNot} ${e.message}`);
    throw e;
  }
  if (tokens.length === 0) throw invalidRequest(`${couldNot} It is empty.`);
  const first = tokens[0];
  if (first.kind !== 'ident') throw invalidRequest(`${couldNot} It must start with a key such as metrics.loss or attributes.start_time.`);
  if (tokens.length > 2) throw invalidRequest(`${couldNot} Expected "<key> [ASC|DESC]"; quote keys containing spaces with backticks.`);
  let ascending = true;
  if (tokens.length === 2) {
    const dir = tokens[1];
    const word = dir.kind === 'ident' && dir.segments.length === 1 && !dir.segments[0].quote ? dir.segments[0].text.toLowerCase() : undefined;
    if (word !== 'asc' && word !== 'desc') throw invalidRequest(`Invalid ordering key in order_by clause '${shown(clause)}'. Use ASC or DESC.`);
    ascending = word === 'asc';
  }
  return { segments: first.segments, ascending };
}

// ---- sort-key machinery shared by every entity ----

/** A sort value: a number, a string, NaN (sorts after every number), or undefined (missing: sorts last). */
export type SortValue = number | string | undefined;

/**
 * Present values in the requested direction; then NaN; then missing values — in both directions,
 * as MLflow's SQL stores (CASE WHEN is_nan / IS NULL) and file store (sort-key tuples) both do.
 */
export function compareSortValues(a: SortValue, b: SortValue, ascending: boolean, compare?: (a: string, b: string) => number): number {
  const ra = a === undefined ? 2 : typeof a === 'number' && Number.isNaN(a) ? 1 : 0;
  const rb = b === undefined ? 2 : typeof b === 'number' && Number.isNaN(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  if (ra !== 0) return 0;
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') c = a < b ? -1 : a > b ? 1 : 0;
  else if (compare && typeof a === 'string' && typeof b === 'string') c = compare(a, b);
  else if (typeof a === 'string' && typeof b === 'string') c = compareStrings(a, b);
  else c = typeof a === 'number' ? -1 : 1; // mixed types never happen for one key; keep it total
  return ascending ? c : -c;
}

export interface SortSpec<T> {
  get: (x: T) => SortValue;
  ascending: boolean;
  /** Order of two present string values (default: by code point). */
  compare?: (a: string, b: string) => number;
}

/** A comparator over precomputed key tuples (computed once per object, cached weakly). */
export function comparatorFrom<T extends object>(specs: SortSpec<T>[]): (a: T, b: T) => number {
  const cache = new WeakMap<T, SortValue[]>();
  const keyOf = (x: T): SortValue[] => {
    let k = cache.get(x);
    if (!k) {
      k = specs.map((s) => s.get(x));
      cache.set(x, k);
    }
    return k;
  };
  return (a, b) => {
    if (a === b) return 0;
    const ka = keyOf(a);
    const kb = keyOf(b);
    for (let i = 0; i < specs.length; i++) {
      const c = compareSortValues(ka[i], kb[i], specs[i].ascending, specs[i].compare);
      if (c !== 0) return c;
    }
    return 0;
  };
}

// ---- runs ----

function runGetter(entity: RunEntity, key: string): (r: Run) => SortValue {
  switch (entity) {
    case 'metric':
      return (r) => {
        for (const m of r.data.metrics) if (m.key === key) return m.value;
        return undefined;
      };
    case 'parameter':
      return (r) => findTag(r.data.params, key);
    case 'tag':
      return (r) => findTag(r.data.tags, key);
    case 'attribute':
      switch (key) {
        case 'start_time':
          return (r) => r.info.startTime;
        case 'end_time':
          return (r) => r.info.endTime;
        case 'run_id':
          return (r) => r.info.runId;
        case 'run_name':
          return (r) => r.info.runName;
        case 'status':
          return (r) => r.info.status;
        case 'user_id':
          return (r) => r.info.userId;
        case 'artifact_uri':
          return (r) => r.info.artifactUri;
      }
      break;
    case 'dataset':
      throw invalidRequest(`Invalid order_by entity type 'dataset': runs cannot be ordered by dataset fields.`);
  }
  throw invalidRequest(`Invalid order_by attribute '${key}'.`);
}

export interface ParsedRunOrder {
  specs: SortSpec<Run>[];
  entities: { entity: RunEntity; key: string }[];
}

export function parseRunOrderBy(orderBy: readonly string[] | undefined): ParsedRunOrder {
  const specs: SortSpec<Run>[] = [];
  const entities: { entity: RunEntity; key: string }[] = [];
  let hasStart = false;
  for (const clause of orderBy ?? []) {
    const { segments, ascending } = parseOrderByClause(clause);
    const { entity, key } = runIdentifier(segments, RUN_ORDER_KEYS);
    specs.push({ get: runGetter(entity, key), ascending });
    entities.push({ entity, key });
    if (entity === 'attribute' && key === 'start_time') hasStart = true;
  }
  // MLflow's natural order and tie-break: start_time DESC, then run_id ASC.
  if (!hasStart) specs.push({ get: (r) => r.info.startTime, ascending: false });
  specs.push({ get: (r) => r.info.runId, ascending: true });
  return { specs, entities };
}

/**
 * Comparator for runs/search `order_by`. Missing keys sort last (then NaN metrics just before them)
 * whatever the direction; ties fall back to start_time DESC, run_id ASC (also the default order).
 */
export function compileRunOrderBy(orderBy?: string[]): (a: Run, b: Run) => number {
  return comparatorFrom(parseRunOrderBy(orderBy).specs);
}
