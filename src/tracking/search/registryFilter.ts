// registered-models/search and model-versions/search `filter` and `order_by`.

import { invalidRequest } from '../errors';
import type { ModelVersion, RegisteredModel } from '../types';
import { NUMERIC_OPS, STRING_OPS, and, checkOp, filterProblem, findTag, numberPredicate, quotedString, stringComparison, stringPredicate, type StringOptions } from './common';
import { attrOrTagIdentifier } from './experimentFilter';
import { comparatorFrom, parseOrderByClause, type SortSpec } from './orderBy';
import { parseFilter, pySet, type Comparison } from './parser';

/** Stage MLflow gives soft-deleted model versions; they are never returned by a search. */
export const STAGE_DELETED_INTERNAL = 'Deleted_Internal';

function tagComparison<T extends { tags: { key: string; value: string }[] }>(c: Comparison, key: string, so: StringOptions): (x: T) => boolean {
  const s = quotedString(c.rhs, 'tag');
  checkOp(c, STRING_OPS, 'tag');
  const test = stringPredicate(c.op, s, undefined, so);
  return (x) => {
    const v = findTag(x.tags, key);
    return v !== undefined && test(v);
  };
}

function attributeString(c: Comparison, key: string): string {
  if (c.rhs.kind === 'list') {
    if (key !== 'run_id') throw invalidRequest(`Only the 'run_id' attribute supports comparison with a list of quoted string values.`);
    return '';
  }
  if (c.rhs.kind === 'number') throw invalidRequest(`Expected a quoted string value or a list of quoted string values for attributes. Got value ${c.rhs.raw}`);
  return quotedString(c.rhs, 'attributes');
}

// ---- registered models ----

const RM_SEARCH_KEYS = new Set(['name']);
/** Tag that marks a registered model as an MLflow 3 prompt. */
export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

export interface RegisteredModelFilterOptions {
  /** Keep prompts even when the filter does not ask for them (MLflow 3 hides them by default). */
  includePrompts?: boolean;
  /** ILIKE folds A–Z only (SQLite store). */
  asciiIlike?: boolean;
}

/** The message to show for an invalid registered-model filter (MLflow's 400 wording), or undefined when it is valid. Never throws. */
export function validateRegisteredModelFilter(filter: string): string | undefined {
  return filterProblem(() => compileRegisteredModelFilter(filter));
}

/**
 * registered-models/search filter: `name` (=, !=, LIKE, ILIKE) and `tags.<key>`. Like MLflow 3's
 * registry, models tagged mlflow.prompt.is_prompt='true' (prompts) are left out unless the filter
 * asks for them (tags.`mlflow.prompt.is_prompt` = 'true', or != 'false').
 */
export function compileRegisteredModelFilter(filter?: string, options: RegisteredModelFilterOptions = {}): (m: RegisteredModel) => boolean {
  const comps = filter && filter.trim() !== '' ? parseFilter(filter) : [];
  let queryingPrompts = false;
  const preds = comps.map((c): ((m: RegisteredModel) => boolean) => {
    const { type, key } = attrOrTagIdentifier(c.lhs.segments, RM_SEARCH_KEYS);
    if (type === 'tag') {
      const pred = tagComparison<RegisteredModel>(c, key, options);
      if (key === IS_PROMPT_TAG && c.rhs.kind === 'string') {
        const v = c.rhs.text.toLowerCase();
        queryingPrompts = (c.op === '=' && v === 'true') || (c.op === '!=' && v === 'false');
      }
      return pred;
    }
    if (c.rhs.kind === 'list') throw invalidRequest(`Only the 'run_id' attribute supports comparison with a list of quoted string values (registered models can be searched by name only).`);
    const s = attributeString(c, key);
    checkOp(c, STRING_OPS, 'name');
    const test = stringPredicate(c.op, s, undefined, options);
    return (m) => test(m.name);
  });
  if (!queryingPrompts && !options.includePrompts) preds.unshift((m) => findTag(m.tags, IS_PROMPT_TAG) !== 'true');
  return and(preds);
}

const RM_ORDER_KEYS = new Set(['name', 'timestamp', 'last_updated_timestamp', 'creation_timestamp']);

/**
 * registered-models/search order_by: `name`, `timestamp` / `last_updated_timestamp` (both the last
 * update time, as the SQL registry does), `creation_timestamp` (file-store registry only). Ties and the
 * default: name ASC.
 */
export function compileRegisteredModelOrderBy(orderBy?: string[]): (a: RegisteredModel, b: RegisteredModel) => number {
  const specs: SortSpec<RegisteredModel>[] = [];
  let hasName = false;
  for (const clause of orderBy ?? []) {
    const { segments, ascending } = parseOrderByClause(clause);
    const { type, key } = attrOrTagIdentifier(segments, RM_ORDER_KEYS);
    if (type !== 'attribute') throw invalidRequest(`Invalid order_by entity: ${type}`);
    if (key === 'name') {
      specs.push({ get: (m) => m.name, ascending });
      hasName = true;
    } else if (key === 'creation_timestamp') specs.push({ get: (m) => m.creationTimestamp, ascending });
    else specs.push({ get: (m) => m.lastUpdatedTimestamp, ascending });
  }
  if (!hasName) specs.push({ get: (m) => m.name, ascending: true });
  return comparatorFrom(specs);
}

// ---- model versions ----

const MV_SEARCH_KEYS = new Set(['name', 'version_number', 'run_id', 'source_path']);
const MV_NUMERIC = new Set(['version_number', 'creation_timestamp', 'last_updated_timestamp']);
const MV_STRING_OPS = new Set(['=', '!=', 'LIKE', 'ILIKE', 'IN']);

function versionNumber(v: string): number {
  const n = Number(v);
  return v.trim() !== '' && Number.isFinite(n) ? n : NaN;
}

function mvComparison(c: Comparison, so: StringOptions): (mv: ModelVersion) => boolean {
  const { type, key } = attrOrTagIdentifier(c.lhs.segments, MV_SEARCH_KEYS);
  if (type === 'tag') return tagComparison<ModelVersion>(c, key, so);
  if (key === 'version_number') {
    let n: number;
    if (c.rhs.kind === 'number') n = c.rhs.value;
    else if (c.rhs.kind === 'list') throw invalidRequest(`Only the 'run_id' attribute supports comparison with a list of quoted string values.`);
    else {
      const s = quotedString(c.rhs, 'attributes');
      n = /^\s*-?\d+\s*$/.test(s) ? Number(s) : NaN;
      if (Number.isNaN(n)) throw invalidRequest(`Invalid value '${s}' for version_number: expected an integer version.`);
    }
    checkOp(c, NUMERIC_OPS, 'version_number');
    const test = numberPredicate(c.op, n);
    return (mv) => test(versionNumber(mv.version));
  }
  if (c.rhs.kind === 'number') {
    throw invalidRequest(`Only the '${pySet(MV_NUMERIC)}' attributes support comparison with numeric values (quote the value of ${key}).`);
  }
  attributeString(c, key);
  checkOp(c, MV_STRING_OPS, key);
  const test = stringComparison(c, 'attributes', { lists: key === 'run_id', runIds: true, ...so });
  switch (key) {
    case 'name':
      return (mv) => test(mv.name);
    case 'run_id':
      return (mv) => mv.runId !== undefined && test(mv.runId);
    default:
      return (mv) => test(mv.source);
  }
}

/**
 * model-versions/search filter: `name`, `version_number`, `run_id` (also `IN (...)`), `source_path`,
 * `tags.<key>`. Soft-deleted versions (stage Deleted_Internal) never match, as in MLflow.
 */
export function compileModelVersionFilter(filter?: string, so: StringOptions = {}): (mv: ModelVersion) => boolean {
  const notDeleted = (mv: ModelVersion) => mv.currentStage !== STAGE_DELETED_INTERNAL;
  if (!filter || filter.trim() === '') return notDeleted;
  return and([notDeleted, ...parseFilter(filter).map((c) => mvComparison(c, so))]);
}

const MV_ORDER_KEYS = new Set(['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp']);

/**
 * model-versions/search order_by: `name`, `version_number`, `creation_timestamp`,
 * `last_updated_timestamp`; ties break on name ASC, then version DESC (as numbers).
 */
export function compileModelVersionOrderBy(orderBy?: string[]): (a: ModelVersion, b: ModelVersion) => number {
  const specs: SortSpec<ModelVersion>[] = [];
  let hasName = false;
  for (const clause of orderBy ?? []) {
    const { segments, ascending } = parseOrderByClause(clause);
    const { type, key } = attrOrTagIdentifier(segments, MV_ORDER_KEYS);
    if (type !== 'attribute') throw invalidRequest(`Invalid order_by entity: ${type}`);
    switch (key) {
      case 'name':
        specs.push({ get: (mv) => mv.name, ascending });
        hasName = true;
        break;
      case 'version_number':
        specs.push({ get: (mv) => versionNumber(mv.version), ascending });
        break;
      case 'creation_timestamp':
        specs.push({ get: (mv) => mv.creationTimestamp, ascending });
        break;
      case 'last_updated_timestamp':
        specs.push({ get: (mv) => mv.lastUpdatedTimestamp, ascending });
        break;
    }
  }
  if (!hasName) specs.push({ get: (mv) => mv.name, ascending: true });
  specs.push({ get: (mv) => versionNumber(mv.version), ascending: false });
  return comparatorFrom(specs);
}
