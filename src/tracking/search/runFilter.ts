// runs/search `filter`: MLflow's run search grammar compiled to a predicate over domain Runs.

import { invalidRequest } from '../errors';
import { RUN_NAME_TAG, type Run } from '../types';
import {
  NUMERIC_OPS,
  STRING_LIST_OPS,
  STRING_OPS,
  and,
  checkOp,
  filterProblem,
  findTag,
  numberPredicate,
  numericValue,
  quotedString,
  stringComparison,
} from './common';
import { parseFilter, pySet, splitIdentifier, type Comparison } from './parser';
import type { Segment } from './tokenizer';

export type RunEntity = 'metric' | 'parameter' | 'tag' | 'attribute' | 'dataset';

const ENTITY_ALIASES: Record<string, RunEntity> = {
  metric: 'metric',
  metrics: 'metric',
  parameter: 'parameter',
  parameters: 'parameter',
  param: 'parameter',
  params: 'parameter',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

export const RUN_STRING_ATTRIBUTES = ['artifact_uri', 'run_id', 'run_name', 'status', 'user_id'] as const;
export const RUN_NUMERIC_ATTRIBUTES = ['start_time', 'end_time'] as const;
const KEY_ALIASES: Record<string, string> = { created: 'start_time', Created: 'start_time', 'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name' };
export const RUN_SEARCH_KEYS = new Set<string>([...RUN_STRING_ATTRIBUTES, ...RUN_NUMERIC_ATTRIBUTES, ...Object.keys(KEY_ALIASES)]);
export const RUN_ORDER_KEYS = new Set<string>([...RUN_STRING_ATTRIBUTES, ...RUN_NUMERIC_ATTRIBUTES, 'created', 'Created']);
const DATASET_KEYS = new Set(['name', 'digest', 'context']);
export const DATASET_CONTEXT_TAG = 'mlflow.data.context';

export interface RunIdentifier {
  entity: RunEntity;
  /** For attributes: the canonical name (aliases resolved). */
  key: string;
}

/** MLflow's `_get_identifier` for runs; `validKeys` differs between filter and order_by. */
export function runIdentifier(segments: Segment[], validKeys: Set<string>): RunIdentifier {
  const { prefix, key } = splitIdentifier(segments);
  let entity: RunEntity = 'attribute';
  if (prefix !== undefined) {
    const e = ENTITY_ALIASES[prefix];
    if (!e) throw invalidRequest(`Invalid entity type '${prefix}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']`);
    entity = e;
  }
  if (entity === 'attribute' && !validKeys.has(key)) {
    const hint = prefix === undefined ? ' (prefix metrics., params. or tags. to search those)' : '';
    throw invalidRequest(`Invalid attribute key '${key}' specified. Valid keys are '${pySet(validKeys)}'${hint}`);
  }
  if (entity === 'dataset' && !DATASET_KEYS.has(key)) {
    throw invalidRequest(`Invalid dataset key '${key}' specified. Valid keys are '${pySet(DATASET_KEYS)}'`);
  }
  if (key === '') throw invalidRequest(`Invalid identifier '${segments.map((s) => s.text).join('.')}': the key is empty.`);
  return { entity, key: entity === 'attribute' ? (KEY_ALIASES[key] ?? key) : key };
}

export interface RunFilterOptions {
  /**
   * Compare a NaN latest metric value as 0, as MLflow's SQL stores do (they store NaN as 0 plus an
   * is_nan flag, and filters read the 0). Default false: IEEE semantics as the file store (Python)
   * does, where NaN only satisfies `!=`.
   */
  nanAsZero?: boolean;
  /**
   * SQL stores hold ±inf as ±1.7976931348623157e308 and compare that (so `metrics.x > 1.7976931348623157e308`
   * never matches there); decoded values read ±Infinity (wire.ts storedDouble), so filters put the stored
   * number back. Default false: the file store keeps real infinities.
   */
  infAsMax?: boolean;
  /** ILIKE folds A–Z only, as MLflow's SQLite store does (lower() without ICU). Default: full Unicode. */
  asciiIlike?: boolean;
}

type RunPredicate = (run: Run) => boolean;

/** Run name as MLflow's SQL store filters it: the mlflow.runName tag, else the run_name field. */
export function runNameForFilter(run: Run): string {
  return findTag(run.data.tags, RUN_NAME_TAG) ?? run.info.runName;
}

function compileComparison(c: Comparison, opts: RunFilterOptions): { pred: RunPredicate; entity: RunEntity; key: string } {
  const id = runIdentifier(c.lhs.segments, RUN_SEARCH_KEYS);
  const { entity, key } = id;
  let pred: RunPredicate;
  switch (entity) {
    case 'metric': {
      if (c.rhs.kind !== 'number') throw invalidRequest(`Expected numeric value type for metric. Found ${c.rhs.raw}`);
      checkOp(c, NUMERIC_OPS);
      const test = numberPredicate(c.op, c.rhs.value);
      const nanAsZero = opts.nanAsZero === true;
      const infAsMax = opts.infAsMax === true;
      const stored = (v: number) => (nanAsZero && Number.isNaN(v) ? 0 : infAsMax && !Number.isFinite(v) && !Number.isNaN(v) ? Math.sign(v) * Number.MAX_VALUE : v);
      pred = (run) => {
        for (const m of run.data.metrics) {
          if (m.key === key) return test(stored(m.value));
        }
        return false;
      };
      break;
    }
    case 'parameter':
    case 'tag': {
      const s = quotedString(c.rhs, entity);
      checkOp(c, STRING_OPS);
      const test = stringComparison({ ...c, rhs: { kind: 'string', text: s, raw: c.rhs.raw, quote: "'" } }, entity, opts);
      pred =
        entity === 'parameter'
          ? (run) => {
              const v = findTag(run.data.params, key);
              return v !== undefined && test(v);
            }
          : (run) => {
              const v = findTag(run.data.tags, key);
              return v !== undefined && test(v);
            };
      break;
    }
    case 'attribute': {
      if (key === 'start_time' || key === 'end_time') {
        const v = numericValue(c, `Expected numeric value type for numeric attribute: ${key}.`);
        checkOp(c, NUMERIC_OPS);
        const test = numberPredicate(c.op, v);
        pred = key === 'start_time' ? (run) => run.info.startTime !== undefined && test(run.info.startTime) : (run) => run.info.endTime !== undefined && test(run.info.endTime);
        break;
      }
      if (c.rhs.kind === 'number') throw invalidRequest(`Expected a quoted string value for attributes. Got value ${c.rhs.raw}`);
      if (c.rhs.kind === 'list' && key !== 'run_id') throw invalidRequest(`Only the 'run_id' attribute supports comparison with a list of quoted string values.`);
      checkOp(c, STRING_LIST_OPS);
      const test = stringComparison(c, 'attributes', { lists: true, runIds: true, asciiIlike: opts.asciiIlike });
      switch (key) {
        case 'run_id':
          pred = (run) => test(run.info.runId);
          break;
        case 'run_name':
          pred = (run) => test(runNameForFilter(run));
          break;
        case 'status':
          pred = (run) => test(run.info.status);
          break;
        case 'user_id':
          pred = (run) => test(run.info.userId);
          break;
        case 'artifact_uri':
          pred = (run) => test(run.info.artifactUri);
          break;
        default:
          throw invalidRequest(`Invalid attribute key '${key}' specified.`);
      }
      break;
    }
    case 'dataset': {
      if (c.rhs.kind === 'number' || c.rhs.kind === 'word') throw invalidRequest(`Expected a quoted string value for dataset attributes. Got value ${c.rhs.raw}`);
      checkOp(c, STRING_LIST_OPS);
      // MLflow filters list values for run ids only by case; dataset names keep their case here.
      const test = stringComparison(c, 'dataset attributes', { lists: true, asciiIlike: opts.asciiIlike });
      if (key === 'context') {
        pred = (run) => run.inputs.datasetInputs.some((di) => di.tags.some((t) => t.key === DATASET_CONTEXT_TAG && test(t.value)));
      } else if (key === 'name') {
        pred = (run) => run.inputs.datasetInputs.some((di) => test(di.dataset.name));
      } else {
        pred = (run) => run.inputs.datasetInputs.some((di) => test(di.dataset.digest));
      }
      break;
    }
  }
  return { pred, entity, key };
}

export interface ParsedRunFilter {
  predicate: RunPredicate;
  entities: { entity: RunEntity; key: string }[];
  /** The AND-ed comparisons one by one, in filter order (predicate is all of them). */
  comparisons: { pred: RunPredicate; entity: RunEntity; key: string }[];
}

export function parseRunFilter(filter: string | undefined, opts: RunFilterOptions = {}): ParsedRunFilter {
  if (!filter || filter.trim() === '') return { predicate: () => true, entities: [], comparisons: [] };
  const comps = parseFilter(filter).map((c) => compileComparison(c, opts));
  return { predicate: and(comps.map((c) => c.pred)), entities: comps.map(({ entity, key }) => ({ entity, key })), comparisons: comps };
}

/**
 * Compiles a runs/search filter string (MLflow's grammar) into a predicate.
 * Throws an invalidRequest TrackingError, worded like MLflow's 400 answers, for invalid filters.
 */
export function compileRunFilter(filter?: string, options: RunFilterOptions = {}): (run: Run) => boolean {
  return parseRunFilter(filter, options).predicate;
}

/** The message to show for an invalid filter, or undefined when it is valid. Never throws. */
export function validateRunFilter(filter: string): string | undefined {
  return filterProblem(() => parseRunFilter(filter));
}
