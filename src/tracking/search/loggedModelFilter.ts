// logged-models/search (MLflow 3) `filter` and object-style `order_by`.

import { invalidRequest } from '../errors';
import type { LoggedModel, LoggedModelStatus, Metric } from '../types';
import { NUMERIC_OPS, STRING_LIST_OPS, STRING_OPS, and, checkOp, findTag, numberPredicate, quotedString, stringComparison, type StringOptions } from './common';
import { comparatorFrom, type SortSpec, type SortValue } from './orderBy';
import { parseFilter, pySet, splitIdentifier, type Comparison } from './parser';

type Entity = 'attribute' | 'metric' | 'param' | 'tag';

// The SQL store accepts the plural forms only; the file store every run-search alias. Accept both.
const ENTITIES: Record<string, Entity> = {
  attributes: 'attribute',
  attribute: 'attribute',
  attr: 'attribute',
  metrics: 'metric',
  metric: 'metric',
  params: 'param',
  param: 'param',
  parameter: 'param',
  parameters: 'param',
  tags: 'tag',
  tag: 'tag',
};

const NUMERIC_KEYS: Record<string, 'creationTimestampMs' | 'lastUpdatedTimestampMs'> = {
  creation_timestamp: 'creationTimestampMs',
  creation_time: 'creationTimestampMs',
  last_updated_timestamp: 'lastUpdatedTimestampMs',
  last_updated_time: 'lastUpdatedTimestampMs',
};
const STRING_KEYS = ['name', 'model_id', 'model_type', 'status', 'source_run_id'] as const;
const ATTRIBUTE_KEYS = new Set<string>([...STRING_KEYS, ...Object.keys(NUMERIC_KEYS)]);

/** Status as MLflow's Python entity names it ('READY') and as the REST API does ('LOGGED_MODEL_READY'). */
function statusNames(s: LoggedModelStatus): [string, string] {
  const short = s === 'LOGGED_MODEL_STATUS_UNSPECIFIED' ? 'UNSPECIFIED' : s.replace(/^LOGGED_MODEL_/, '').replace(/^UPLOAD_FAILED$/, 'FAILED');
  return [short, s];
}

function stringAttr(m: LoggedModel, key: (typeof STRING_KEYS)[number]): string | undefined {
  switch (key) {
    case 'name':
      return m.info.name;
    case 'model_id':
      return m.info.modelId;
    case 'model_type':
      return m.info.modelType;
    case 'source_run_id':
      return m.info.sourceRunId;
    case 'status':
      return m.info.status;
  }
}

function identifier(c: Comparison): { entity: Entity; key: string } {
  const { prefix, key } = splitIdentifier(c.lhs.segments);
  let entity: Entity = 'attribute';
  if (prefix !== undefined) {
    const e = ENTITIES[prefix];
    if (!e) throw invalidRequest(`Invalid entity type '${prefix}'. Expected one of ['attributes', 'metrics', 'params', 'tags'].`);
    entity = e;
  }
  if (entity === 'attribute' && !ATTRIBUTE_KEYS.has(key)) throw invalidRequest(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(ATTRIBUTE_KEYS)}'`);
  if (key === '') throw invalidRequest(`Invalid identifier: the key is empty.`);
  return { entity, key };
}

function compileComparison(c: Comparison, so: StringOptions): (m: LoggedModel) => boolean {
  const { entity, key } = identifier(c);
  if (entity === 'metric' || (entity === 'attribute' && key in NUMERIC_KEYS)) {
    if (c.rhs.kind !== 'number') throw invalidRequest(`Expected numeric value type for ${entity === 'metric' ? 'metric' : `numeric attribute: ${key}`}. Found ${c.rhs.raw}`);
    checkOp(c, NUMERIC_OPS, entity === 'metric' ? `metrics.${key}` : key);
    const test = numberPredicate(c.op, c.rhs.value);
    if (entity === 'metric') {
      // Any of the model's values for the key (per dataset) may satisfy it, as in the SQL store.
      return (m) => m.data.metrics.some((x) => x.key === key && test(x.value));
    }
    const field = NUMERIC_KEYS[key];
    return (m) => m.info[field] !== undefined && test(m.info[field]);
  }
  if (entity === 'param' || entity === 'tag') {
    const s = quotedString(c.rhs, entity === 'param' ? 'parameter' : 'tag');
    checkOp(c, STRING_OPS, `${entity}s.${key}`);
    const test = stringComparison({ ...c, rhs: { kind: 'string', text: s, raw: c.rhs.raw, quote: "'" } }, entity, so);
    return entity === 'param'
      ? (m) => {
          const v = findTag(m.data.params, key);
          return v !== undefined && test(v);
        }
      : (m) => {
          const v = findTag(m.info.tags, key);
          return v !== undefined && test(v);
        };
  }
  if (c.rhs.kind === 'number') throw invalidRequest(`Expected a quoted string value for attributes. Got value ${c.rhs.raw}`);
  checkOp(c, STRING_LIST_OPS, key);
  const test = stringComparison(c, 'attributes', { lists: true, ...so });
  const k = key as (typeof STRING_KEYS)[number];
  if (k === 'status') {
    const negative = c.op === '!=' || c.op === 'NOT IN';
    return (m) => {
      const [a, b] = statusNames(m.info.status);
      return negative ? test(a) && test(b) : test(a) || test(b);
    };
  }
  return (m) => {
    const v = stringAttr(m, k);
    return v !== undefined && test(v);
  };
}

/**
 * logged-models/search filter: attributes `name`, `model_id`, `model_type`, `status`, `source_run_id`
 * (string ops, IN, NOT IN), `creation_timestamp`/`creation_time`, `last_updated_timestamp`/`last_updated_time`
 * (numeric), plus `metrics.<key>`, `params.<key>`, `tags.<key>`. `status` matches both 'READY' and
 * 'LOGGED_MODEL_READY'.
 */
export function compileLoggedModelFilter(filter?: string, so: StringOptions = {}): (m: LoggedModel) => boolean {
  if (!filter || filter.trim() === '') return () => true;
  return and(parseFilter(filter).map((c) => compileComparison(c, so)));
}

export interface LoggedModelOrderBy {
  fieldName: string;
  ascending?: boolean;
  datasetName?: string;
  datasetDigest?: string;
}

function latestMetric(metrics: Metric[], key: string, datasetName?: string, datasetDigest?: string): SortValue {
  let best: Metric | undefined;
  for (const m of metrics) {
    if (m.key !== key) continue;
    if (datasetName && m.datasetName !== datasetName) continue;
    if (datasetDigest && m.datasetDigest !== datasetDigest) continue;
    if (!best || m.timestamp > best.timestamp || (m.timestamp === best.timestamp && m.step > best.step)) best = m;
  }
  return best?.value;
}

/**
 * logged-models/search order_by (objects): attribute field names or `metrics.<key>` (the latest value,
 * optionally per dataset). Missing values sort last. Ties break on creation time DESC, then model_id ASC
 * (also the default order).
 */
export function compileLoggedModelOrderBy(orderBy?: LoggedModelOrderBy[]): (a: LoggedModel, b: LoggedModel) => number {
  const specs: SortSpec<LoggedModel>[] = [];
  let hasCreation = false;
  let hasId = false;
  for (const ob of (orderBy ?? []) as unknown[]) {
    if (ob === null || typeof ob !== 'object' || Array.isArray(ob)) throw invalidRequest('`order_by` must be a list of dictionaries.');
    const o = ob as Record<string, unknown>;
    const raw = o.fieldName ?? o.field_name;
    if (typeof raw !== 'string' || raw.trim() === '') throw invalidRequest('`field_name` in the `order_by` clause must be specified.');
    const ascending = o.ascending ?? true;
    if (typeof ascending !== 'boolean') throw invalidRequest(`Value of \`ascending\` in the \`order_by\` clause must be a boolean, got ${typeof ascending} for field ${raw}.`);
    const datasetName = (o.datasetName ?? o.dataset_name) as string | undefined;
    const datasetDigest = (o.datasetDigest ?? o.dataset_digest) as string | undefined;
    if (datasetDigest && !datasetName) throw invalidRequest('`dataset_digest` can only be specified if `dataset_name` is also specified.');
    if (raw.includes('.')) {
      const dot = raw.indexOf('.');
      const entity = raw.slice(0, dot);
      if (entity !== 'metrics') throw invalidRequest(`Invalid order by field name: ${entity}, only \`metrics.<name>\` is allowed.`);
      let key = raw.slice(dot + 1);
      if (key.length >= 2 && key.startsWith('`') && key.endsWith('`')) key = key.slice(1, -1);
      specs.push({ get: (m) => latestMetric(m.data.metrics, key, datasetName, datasetDigest), ascending });
      continue;
    }
    const field = raw.trim();
    if (!ATTRIBUTE_KEYS.has(field)) throw invalidRequest(`Invalid order by field name: ${field}. Valid fields are ${pySet(ATTRIBUTE_KEYS)} and metrics.<name>.`);
    if (field in NUMERIC_KEYS) {
      const f = NUMERIC_KEYS[field];
      if (f === 'creationTimestampMs') hasCreation = true;
      specs.push({ get: (m) => m.info[f], ascending });
    } else {
      const k = field as (typeof STRING_KEYS)[number];
      if (k === 'model_id') hasId = true;
      specs.push({ get: (m) => stringAttr(m, k), ascending });
    }
  }
  if (!hasCreation) specs.push({ get: (m) => m.info.creationTimestampMs, ascending: false });
  if (!hasId) specs.push({ get: (m) => m.info.modelId, ascending: true });
  return comparatorFrom(specs);
}
