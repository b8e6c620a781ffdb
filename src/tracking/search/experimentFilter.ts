// experiments/search `filter` and `order_by`.

import { invalidRequest } from '../errors';
import type { Experiment } from '../types';
import { NUMERIC_OPS, STRING_OPS, and, checkOp, findTag, numberPredicate, quotedString, stringPredicate, type StringOptions } from './common';
import { compareStrings } from './like';
import { comparatorFrom, parseOrderByClause, type SortSpec } from './orderBy';
import { parseFilter, pySet, splitIdentifier, type Comparison } from './parser';
import type { Segment } from './tokenizer';

const ENTITY_TYPES = "('attribute', 'tag', 'tags')";
const SEARCH_KEYS = new Set(['name', 'creation_time', 'last_update_time']);
const ORDER_KEYS = new Set(['name', 'experiment_id', 'creation_time', 'last_update_time']);

/** MLflow's SearchExperimentsUtils._get_identifier (also used by the registry order_by). */
export function attrOrTagIdentifier(segments: Segment[], validKeys: Set<string>): { type: 'attribute' | 'tag'; key: string } {
  const { prefix, key } = splitIdentifier(segments);
  let type: 'attribute' | 'tag' = 'attribute';
  if (prefix !== undefined) {
    if (prefix !== 'attribute' && prefix !== 'tag' && prefix !== 'tags') {
      throw invalidRequest(`Invalid entity type '${prefix}'. Valid entity types are ${ENTITY_TYPES}`);
    }
    type = prefix === 'attribute' ? 'attribute' : 'tag';
  }
  if (type === 'attribute' && !validKeys.has(key)) throw invalidRequest(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(validKeys)}'`);
  if (key === '') throw invalidRequest(`Invalid identifier: the key is empty.`);
  return { type, key };
}

function compileComparison(c: Comparison, so: StringOptions): (e: Experiment) => boolean {
  const { type, key } = attrOrTagIdentifier(c.lhs.segments, SEARCH_KEYS);
  if (type === 'tag') {
    const s = quotedString(c.rhs, 'tag');
    checkOp(c, STRING_OPS, 'tag');
    const test = stringPredicate(c.op, s, undefined, so);
    return (e) => {
      const v = findTag(e.tags, key);
      return v !== undefined && test(v);
    };
  }
  if (key === 'name') {
    if (c.rhs.kind === 'list') throw invalidRequest(`Only the 'run_id' attribute supports comparison with a list of quoted string values.`);
    if (c.rhs.kind === 'number') throw invalidRequest(`Expected a quoted string value for attributes. Got value ${c.rhs.raw}`);
    const s = quotedString(c.rhs, 'attributes');
    checkOp(c, STRING_OPS, 'string attribute name');
    const test = stringPredicate(c.op, s, undefined, so);
    return (e) => test(e.name);
  }
  if (c.rhs.kind !== 'number') throw invalidRequest(`Expected numeric value type for numeric attribute: ${key}. Found ${c.rhs.raw}`);
  checkOp(c, NUMERIC_OPS, `numeric attribute ${key}`);
  const test = numberPredicate(c.op, c.rhs.value);
  return key === 'creation_time' ? (e) => e.creationTime !== undefined && test(e.creationTime) : (e) => e.lastUpdateTime !== undefined && test(e.lastUpdateTime);
}

/** experiments/search filter: `name` (=, !=, LIKE, ILIKE), `creation_time` / `last_update_time` (numeric), `tags.<key>`. */
export function compileExperimentFilter(filter?: string, so: StringOptions = {}): (e: Experiment) => boolean {
  if (!filter || filter.trim() === '') return () => true;
  return and(parseFilter(filter).map((c) => compileComparison(c, so)));
}

/** Ids that are all digits compare as integers (SQL stores keep them as integers); others by code point. */
export function compareIds(a: string, b: string): number {
  const da = /^\d+$/.test(a);
  const db = /^\d+$/.test(b);
  if (da && db) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length < y.length ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareStrings(a, b);
}

/**
 * experiments/search order_by: `name`, `experiment_id`, `creation_time`, `last_update_time`
 * (optionally `attribute.`-prefixed). Default `creation_time DESC, experiment_id ASC`; otherwise ties
 * break on experiment_id DESC, as MLflow does. Missing times sort last.
 */
export function compileExperimentOrderBy(orderBy?: string[]): (a: Experiment, b: Experiment) => number {
  const list = orderBy && orderBy.length ? orderBy : ['creation_time DESC', 'experiment_id ASC'];
  const specs: SortSpec<Experiment>[] = [];
  let hasId = false;
  for (const clause of list) {
    const { segments, ascending } = parseOrderByClause(clause);
    const { type, key } = attrOrTagIdentifier(segments, ORDER_KEYS);
    if (type !== 'attribute') throw invalidRequest(`Invalid order_by entity: ${type}`);
    switch (key) {
      case 'name':
        specs.push({ get: (e) => e.name, ascending });
        break;
      case 'creation_time':
        specs.push({ get: (e) => e.creationTime, ascending });
        break;
      case 'last_update_time':
        specs.push({ get: (e) => e.lastUpdateTime, ascending });
        break;
      case 'experiment_id':
        specs.push({ get: (e) => e.experimentId, ascending, compare: compareIds });
        hasId = true;
        break;
    }
  }
  if (!hasId) specs.push({ get: (e) => e.experimentId, ascending: false, compare: compareIds });
  return comparatorFrom(specs);
}
