// TEMPORARY stand-in for src/tracking/search (being written by another engineer): the same export
// names, a compact subset of MLflow's search grammar (AND-joined comparisons, backtick/double-quoted
// keys, IN lists, LIKE/ILIKE). Delete this file and point ./search.ts at '../search' once it exists.
import { invalidRequest } from '../errors';
import type { Experiment, LoggedModel, ModelVersion, RegisteredModel, Run } from '../types';

type Tok = { t: 'id' | 'str' | 'num' | 'op' | 'lp' | 'rp' | 'comma'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(') {
      out.push({ t: 'lp', v: c });
      i++;
    } else if (c === ')') {
      out.push({ t: 'rp', v: c });
      i++;
    } else if (c === ',') {
      out.push({ t: 'comma', v: c });
      i++;
    } else if (c === "'" || (c === '"' && out.length > 0 && out[out.length - 1].t === 'op')) {
      const j = s.indexOf(c, i + 1);
      if (j < 0) throw invalidRequest(`Invalid filter '${s}': unterminated string.`);
      out.push({ t: 'str', v: s.slice(i + 1, j) });
      i = j + 1;
    } else if (/[<>=!]/.test(c)) {
      let j = i;
      while (j < s.length && /[<>=!]/.test(s[j])) j++;
      out.push({ t: 'op', v: s.slice(i, j) });
      i = j;
    } else if (/[-+\d.]/.test(c) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.test(s.slice(i)) && !/[A-Za-z_]/.test(s[i - 1] ?? '')) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(s.slice(i))!;
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (c === '`' || c === '"' || /[A-Za-z_]/.test(c)) {
      let v = '';
      while (i < s.length) {
        const d = s[i];
        if (d === '`' || d === '"') {
          const j = s.indexOf(d, i + 1);
          if (j < 0) throw invalidRequest(`Invalid filter '${s}': unterminated identifier.`);
          v += s.slice(i + 1, j);
          i = j + 1;
        } else if (/[\w.]/.test(d)) {
          v += d;
          i++;
        } else break;
      }
      const up = v.toUpperCase();
      if (up === 'AND' || up === 'LIKE' || up === 'ILIKE' || up === 'IN' || up === 'NOT') out.push({ t: up === 'AND' ? 'id' : 'op', v: up });
      else out.push({ t: 'id', v });
    } else {
      throw invalidRequest(`Invalid filter '${s}': unexpected character '${c}'.`);
    }
  }
  // merge NOT IN
  const merged: Tok[] = [];
  for (const t of out) {
    const prev = merged[merged.length - 1];
    if (t.t === 'op' && t.v === 'IN' && prev?.t === 'op' && prev.v === 'NOT') prev.v = 'NOT IN';
    else merged.push(t);
  }
  return merged;
}

interface Cmp {
  key: string;
  op: string;
  value: string | number | string[];
}

function parseFilter(filter: string): Cmp[] {
  const toks = tokenize(filter);
  const out: Cmp[] = [];
  let i = 0;
  while (i < toks.length) {
    const id = toks[i++];
    if (id?.t !== 'id') throw invalidRequest(`Invalid filter '${filter}'.`);
    const op = toks[i++];
    if (op?.t !== 'op') throw invalidRequest(`Invalid filter '${filter}': expected a comparator after '${id.v}'.`);
    if (!['=', '!=', '<', '<=', '>', '>=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'].includes(op.v)) {
      throw invalidRequest(`Invalid comparator '${op.v}' not one of '{'!=', '=', '>=', '>', '<=', '<'}'`);
    }
    let value: Cmp['value'];
    const v = toks[i++];
    if (op.v === 'IN' || op.v === 'NOT IN') {
      if (v?.t !== 'lp') throw invalidRequest(`Invalid filter '${filter}': expected a list after ${op.v}.`);
      const list: string[] = [];
      for (;;) {
        const e = toks[i++];
        if (e?.t !== 'str') throw invalidRequest(`Invalid filter '${filter}': expected a quoted string in the list.`);
        list.push(e.v);
        const sep = toks[i++];
        if (sep?.t === 'rp') break;
        if (sep?.t !== 'comma') throw invalidRequest(`Invalid filter '${filter}'.`);
      }
      value = list;
    } else if (v?.t === 'str') value = v.v;
    else if (v?.t === 'num') value = Number(v.v);
    else throw invalidRequest(`Invalid filter '${filter}': expected a value after '${id.v} ${op.v}'.`);
    out.push({ key: id.v, op: op.v, value });
    const and = toks[i];
    if (and === undefined) break;
    if (and.t !== 'id' || and.v !== 'AND') throw invalidRequest(`Invalid filter '${filter}': only AND is supported.`);
    i++;
  }
  return out;
}

type Entity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';
const PREFIX: Record<string, Entity> = {
  metrics: 'metric',
  metric: 'metric',
  params: 'param',
  param: 'param',
  parameter: 'param',
  parameters: 'param',
  tags: 'tag',
  tag: 'tag',
  attributes: 'attribute',
  attribute: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  datasets: 'dataset',
  dataset: 'dataset',
};

function splitKey(ident: string): { entity: Entity; key: string } {
  const dot = ident.indexOf('.');
  if (dot < 0) return { entity: 'attribute', key: ident };
  const p = ident.slice(0, dot);
  const e = PREFIX[p];
  if (!e) throw invalidRequest(`Invalid entity type '${p}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`);
  return { entity: e, key: ident.slice(dot + 1) };
}

function likeRegex(pattern: string, flags: string): RegExp {
  let r = '';
  for (const ch of pattern) r += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${r}$`, flags + 's');
}

function test(actual: string | number | undefined, op: string, value: Cmp['value']): boolean {
  if (actual === undefined) return false;
  switch (op) {
    case '=':
      return actual === value || (typeof actual === 'number' && actual === Number(value));
    case '!=':
      return !(actual === value || (typeof actual === 'number' && actual === Number(value)));
    case '<':
      return (actual as number) < (value as number);
    case '<=':
      return (actual as number) <= (value as number);
    case '>':
      return (actual as number) > (value as number);
    case '>=':
      return (actual as number) >= (value as number);
    case 'LIKE':
      return likeRegex(String(value), '').test(String(actual));
    case 'ILIKE':
      return likeRegex(String(value), 'i').test(String(actual));
    case 'IN':
      return (value as string[]).includes(String(actual));
    case 'NOT IN':
      return !(value as string[]).includes(String(actual));
  }
  return false;
}

type Getter<T> = (x: T) => string | number | undefined;
type Resolver<T> = (ident: string, forOrder: boolean) => Getter<T>;

function compileWith<T>(filter: string | undefined, resolve: Resolver<T>): (x: T) => boolean {
  if (!filter || !filter.trim()) return () => true;
  const cmps = parseFilter(filter).map((c) => ({ ...c, get: resolve(c.key, false) }));
  return (x) => cmps.every((c) => test(c.get(x), c.op, c.value));
}

function cmpValues(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) === Number.isNaN(b) ? 0 : Number.isNaN(a) ? 1 : -1;
    return a - b;
  }
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

interface OrderTerm<T> {
  get: Getter<T>;
  asc: boolean;
}

function orderWith<T>(terms: OrderTerm<T>[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const t of terms) {
      const va = t.get(a);
      const vb = t.get(b);
      // missing values (and NaN) sort last in both directions
      const ma = va === undefined ? 2 : typeof va === 'number' && Number.isNaN(va) ? 1 : 0;
      const mb = vb === undefined ? 2 : typeof vb === 'number' && Number.isNaN(vb) ? 1 : 0;
      if (ma !== mb) return ma - mb;
      if (ma) continue;
      const c = cmpValues(va, vb);
      if (c) return t.asc ? c : -c;
    }
    return 0;
  };
}

function parseOrderClause(clause: string): { ident: string; asc: boolean } {
  const m = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(clause);
  if (!m) throw invalidRequest(`Invalid order_by clause '${clause}'.`);
  const toks = tokenize(m[1]);
  if (toks.length !== 1 || toks[0].t !== 'id') throw invalidRequest(`Invalid order_by clause '${clause}'.`);
  return { ident: toks[0].v, asc: (m[2] ?? 'ASC').toUpperCase() === 'ASC' };
}

// ---- runs ----

const RUN_ATTRS: Record<string, Getter<Run>> = {
  run_id: (r) => r.info.runId,
  run_name: (r) => r.info.runName,
  status: (r) => r.info.status,
  user_id: (r) => r.info.userId,
  artifact_uri: (r) => r.info.artifactUri,
  start_time: (r) => r.info.startTime,
  end_time: (r) => r.info.endTime,
  experiment_id: (r) => r.info.experimentId,
  lifecycle_stage: (r) => r.info.lifecycleStage,
};
const RUN_ALIASES: Record<string, string> = { created: 'start_time', Created: 'start_time', 'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name' };

const resolveRun: Resolver<Run> = (ident) => {
  const { entity, key } = splitKey(ident);
  switch (entity) {
    case 'metric':
      return (r) => r.data.metrics.find((m) => m.key === key)?.value;
    case 'param':
      return (r) => r.data.params.find((m) => m.key === key)?.value;
    case 'tag':
      return (r) => r.data.tags.find((m) => m.key === key)?.value;
    case 'dataset': {
      const f = key === 'name' ? 'name' : key === 'digest' ? 'digest' : key === 'context' ? 'context' : undefined;
      if (!f) throw invalidRequest(`Invalid dataset key '${key}'.`);
      return (r) => {
        const d = r.inputs.datasetInputs[0];
        if (!d) return undefined;
        return f === 'context' ? d.tags.find((t) => t.key === 'mlflow.data.context')?.value : d.dataset[f];
      };
    }
    default: {
      const g = RUN_ATTRS[RUN_ALIASES[key] ?? key];
      if (!g) throw invalidRequest(`Invalid attribute key '${key}' specified.`);
      return g;
    }
  }
};

export function compileRunFilter(filter?: string): (run: Run) => boolean {
  return compileWith(filter, resolveRun);
}

export function compileRunOrderBy(orderBy?: string[]): (a: Run, b: Run) => number {
  const terms: OrderTerm<Run>[] = [];
  let hasStart = false;
  for (const c of orderBy ?? []) {
    const { ident, asc } = parseOrderClause(c);
    const { entity, key } = splitKey(ident);
    if (entity === 'attribute' && (RUN_ALIASES[key] ?? key) === 'start_time') hasStart = true;
    terms.push({ get: resolveRun(ident, true), asc });
  }
  if (!hasStart) terms.push({ get: RUN_ATTRS.start_time, asc: false });
  terms.push({ get: RUN_ATTRS.run_id, asc: true });
  return orderWith(terms);
}

export interface FilterNeeds {
  params: boolean;
  metrics: boolean;
  tags: boolean;
  datasets: boolean;
}

export function filterNeeds(filter?: string, orderBy?: string[]): FilterNeeds {
  const needs: FilterNeeds = { params: false, metrics: false, tags: false, datasets: false };
  const idents = [...(filter?.trim() ? parseFilter(filter).map((c) => c.key) : []), ...(orderBy ?? []).map((c) => parseOrderClause(c).ident)];
  for (const id of idents) {
    const { entity } = splitKey(id);
    if (entity === 'metric') needs.metrics = true;
    if (entity === 'param') needs.params = true;
    if (entity === 'tag') needs.tags = true;
    if (entity === 'dataset') needs.datasets = true;
  }
  return needs;
}

// ---- experiments ----

const resolveExperiment: Resolver<Experiment> = (ident) => {
  const { entity, key } = splitKey(ident);
  if (entity === 'tag') return (e) => e.tags.find((t) => t.key === key)?.value;
  if (entity !== 'attribute') throw invalidRequest(`Invalid attribute key '${ident}' specified.`);
  switch (key) {
    case 'name':
      return (e) => e.name;
    case 'creation_time':
      return (e) => e.creationTime;
    case 'last_update_time':
      return (e) => e.lastUpdateTime;
    case 'experiment_id':
      return (e) => Number(e.experimentId);
  }
  throw invalidRequest(`Invalid attribute key '${key}' specified.`);
};

export function compileExperimentFilter(filter?: string): (e: Experiment) => boolean {
  return compileWith(filter, resolveExperiment);
}

export function compileExperimentOrderBy(orderBy?: string[]): (a: Experiment, b: Experiment) => number {
  const terms = (orderBy?.length ? orderBy : ['creation_time DESC']).map((c) => {
    const { ident, asc } = parseOrderClause(c);
    return { get: resolveExperiment(ident, true), asc };
  });
  terms.push({ get: (e) => Number(e.experimentId), asc: true });
  return orderWith(terms);
}

// ---- registry ----

const resolveRegisteredModel: Resolver<RegisteredModel> = (ident) => {
  const { entity, key } = splitKey(ident);
  if (entity === 'tag') return (m) => m.tags.find((t) => t.key === key)?.value;
  if (entity === 'attribute' && key === 'name') return (m) => m.name;
  if (entity === 'attribute' && (key === 'timestamp' || key === 'last_updated_timestamp')) return (m) => m.lastUpdatedTimestamp;
  throw invalidRequest(`Invalid attribute key '${key}' specified.`);
};

export function compileRegisteredModelFilter(filter?: string): (m: RegisteredModel) => boolean {
  return compileWith(filter, resolveRegisteredModel);
}

export function compileRegisteredModelOrderBy(orderBy?: string[]): (a: RegisteredModel, b: RegisteredModel) => number {
  const terms = (orderBy ?? []).map((c) => {
    const { ident, asc } = parseOrderClause(c);
    return { get: resolveRegisteredModel(ident, true), asc };
  });
  terms.push({ get: (m) => m.name, asc: true });
  return orderWith(terms);
}

const resolveModelVersion: Resolver<ModelVersion> = (ident) => {
  const { entity, key } = splitKey(ident);
  if (entity === 'tag') return (m) => m.tags.find((t) => t.key === key)?.value;
  if (entity === 'attribute') {
    switch (key) {
      case 'name':
        return (m) => m.name;
      case 'version_number':
        return (m) => Number(m.version);
      case 'run_id':
        return (m) => m.runId;
      case 'source_path':
        return (m) => m.source;
      case 'creation_timestamp':
        return (m) => m.creationTimestamp;
      case 'last_updated_timestamp':
      case 'timestamp':
        return (m) => m.lastUpdatedTimestamp;
    }
  }
  throw invalidRequest(`Invalid attribute key '${key}' specified. Valid keys are '{'version_number', 'source_path', 'run_id', 'name'}'`);
};

export function compileModelVersionFilter(filter?: string): (m: ModelVersion) => boolean {
  return compileWith(filter, resolveModelVersion);
}

export function compileModelVersionOrderBy(orderBy?: string[]): (a: ModelVersion, b: ModelVersion) => number {
  const terms = (orderBy ?? []).map((c) => {
    const { ident, asc } = parseOrderClause(c);
    return { get: resolveModelVersion(ident, true), asc };
  });
  terms.push({ get: (m) => m.name, asc: true }, { get: (m) => Number(m.version), asc: false });
  return orderWith(terms);
}

// ---- logged models ----

const resolveLoggedModel: Resolver<LoggedModel> = (ident) => {
  const { entity, key } = splitKey(ident);
  if (entity === 'metric') return (m) => m.data.metrics.find((x) => x.key === key)?.value;
  if (entity === 'param') return (m) => m.data.params.find((x) => x.key === key)?.value;
  if (entity === 'tag') return (m) => m.info.tags.find((x) => x.key === key)?.value;
  switch (key) {
    case 'name':
      return (m) => m.info.name;
    case 'model_id':
      return (m) => m.info.modelId;
    case 'model_type':
      return (m) => m.info.modelType;
    case 'status':
      return (m) => m.info.status;
    case 'source_run_id':
      return (m) => m.info.sourceRunId;
    case 'creation_timestamp':
    case 'creation_time':
      return (m) => m.info.creationTimestampMs;
    case 'last_updated_timestamp':
    case 'last_updated_time':
      return (m) => m.info.lastUpdatedTimestampMs;
  }
  throw invalidRequest(`Invalid attribute key '${key}' specified.`);
};

export function compileLoggedModelFilter(filter?: string): (m: LoggedModel) => boolean {
  return compileWith(filter, resolveLoggedModel);
}

export function compileLoggedModelOrderBy(orderBy?: { fieldName: string; ascending?: boolean }[]): (a: LoggedModel, b: LoggedModel) => number {
  const terms = (orderBy?.length ? orderBy : [{ fieldName: 'creation_timestamp', ascending: false }]).map((o) => ({
    get: resolveLoggedModel(o.fieldName, true),
    asc: o.ascending ?? true,
  }));
  terms.push({ get: (m) => m.info.modelId, asc: true });
  return orderWith(terms);
}
