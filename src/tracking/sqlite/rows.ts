// Rows of MLflow's SQL schema -> domain objects. Column lists are built from what the table really
// has (older schemas lack some columns; a missing one reads as NULL).
import type { SqlValue } from './engine';
import { parseLoggedModelStatus, parseRunStatus, storedDouble } from '../wire';
import type { Experiment, LifecycleStage, LoggedModel, Metric, ModelVersion, ModelVersionStatus, RunInfo, RunStatus } from '../types';
import type { Db, Row } from './database';

/** `t.col` when the table has it, else NULL (so row positions stay fixed). */
export function selectList(db: Db, table: string, alias: string, cols: readonly string[]): string {
  return cols.map((c) => (db.hasColumn(table, c) ? `${alias}."${c}"` : `NULL AS "${c}"`)).join(', ');
}

export const str = (v: SqlValue | undefined): string | undefined => (v === null || v === undefined ? undefined : typeof v === 'string' ? v : String(v));
export const num = (v: SqlValue | undefined): number | undefined => (v === null || v === undefined ? undefined : typeof v === 'number' ? v : Number(v));
/** Integer ids (experiment_id) come back as numbers; REST shows them as strings. */
export const idStr = (v: SqlValue | undefined): string => (v === null || v === undefined ? '' : typeof v === 'number' ? String(Math.trunc(v)) : String(v));

export function lifecycle(v: SqlValue | undefined): LifecycleStage {
  return v === 'deleted' ? 'deleted' : 'active';
}

function runStatus(v: SqlValue | undefined): RunStatus {
  try {
    return parseRunStatus(v);
  } catch {
    return 'RUNNING';
  }
}

/** NaN is stored as value 0 + is_nan 1; ±inf were clamped to ±1.7976931348623157e308 on write: read as ±Infinity. */
export function metricValue(value: SqlValue, isNan: SqlValue): number {
  if (isNan === 1 || isNan === '1' || isNan === 'true') return NaN;
  return storedDouble(typeof value === 'number' ? value : Number(value));
}

// ---- runs ----

export const RUN_COLS = ['run_uuid', 'experiment_id', 'name', 'user_id', 'status', 'start_time', 'end_time', 'artifact_uri', 'lifecycle_stage'] as const;

export function runInfoFromRow(r: Row, o = 0): RunInfo {
  return {
    runId: String(r[o]),
    experimentId: idStr(r[o + 1]),
    runName: str(r[o + 2]) ?? '',
    userId: str(r[o + 3]) ?? '',
    status: runStatus(r[o + 4]),
    startTime: num(r[o + 5]),
    endTime: num(r[o + 6]),
    artifactUri: str(r[o + 7]) ?? '',
    lifecycleStage: lifecycle(r[o + 8]),
  };
}

/** latest_metrics / metrics row: key, value, timestamp, step, is_nan. */
export function metricFromRow(r: Row, o = 0): Metric {
  return { key: String(r[o]), value: metricValue(r[o + 1], r[o + 4]), timestamp: num(r[o + 2]) ?? 0, step: num(r[o + 3]) ?? 0 };
}

// ---- experiments ----

export const EXPERIMENT_COLS = ['experiment_id', 'name', 'artifact_location', 'lifecycle_stage', 'creation_time', 'last_update_time'] as const;

export function experimentFromRow(r: Row): Experiment {
  return {
    experimentId: idStr(r[0]),
    name: str(r[1]) ?? '',
    artifactLocation: str(r[2]) ?? '',
    lifecycleStage: lifecycle(r[3]),
    creationTime: num(r[4]),
    lastUpdateTime: num(r[5]),
    tags: [],
  };
}

// ---- registry ----

export const MODEL_VERSION_COLS = [
  'name',
  'version',
  'creation_time',
  'last_updated_time',
  'description',
  'user_id',
  'current_stage',
  'source',
  'run_id',
  'run_link',
  'status',
  'status_message',
  'storage_location',
] as const;

const MV_STATUSES: readonly string[] = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'];

export function modelVersionFromRow(r: Row, modelIdFromSource: (s: string) => string | undefined): ModelVersion {
  const source = str(r[7]) ?? '';
  const status = str(r[10]);
  const mv: ModelVersion = {
    name: String(r[0]),
    version: idStr(r[1]),
    creationTimestamp: num(r[2]),
    lastUpdatedTimestamp: num(r[3]),
    currentStage: str(r[6]) ?? 'None',
    source,
    status: status !== undefined && MV_STATUSES.includes(status) ? (status as ModelVersionStatus) : 'READY',
    tags: [],
    aliases: [],
  };
  const description = str(r[4]);
  if (description !== undefined) mv.description = description;
  const userId = str(r[5]);
  if (userId !== undefined) mv.userId = userId;
  const runId = str(r[8]);
  if (runId !== undefined) mv.runId = runId;
  const runLink = str(r[9]);
  if (runLink !== undefined) mv.runLink = runLink;
  const statusMessage = str(r[11]);
  if (statusMessage !== undefined) mv.statusMessage = statusMessage;
  const modelId = modelIdFromSource(source);
  if (modelId !== undefined) mv.modelId = modelId;
  return mv;
}

// ---- logged models ----

export const LOGGED_MODEL_COLS = [
  'model_id',
  'experiment_id',
  'name',
  'artifact_location',
  'creation_timestamp_ms',
  'last_updated_timestamp_ms',
  'status',
  'lifecycle_stage',
  'model_type',
  'source_run_id',
  'status_message',
] as const;

export function loggedModelFromRow(r: Row): LoggedModel {
  const lm: LoggedModel = {
    info: {
      modelId: String(r[0]),
      experimentId: idStr(r[1]),
      name: str(r[2]) ?? '',
      artifactUri: str(r[3]) ?? '',
      creationTimestampMs: num(r[4]),
      lastUpdatedTimestampMs: num(r[5]),
      status: parseLoggedModelStatus(r[6]),
      lifecycleStage: lifecycle(r[7]),
      tags: [],
    },
    data: { params: [], metrics: [] },
  };
  const modelType = str(r[8]);
  if (modelType !== undefined) lm.info.modelType = modelType;
  const sourceRunId = str(r[9]);
  if (sourceRunId !== undefined) lm.info.sourceRunId = sourceRunId;
  const statusMessage = str(r[10]);
  if (statusMessage !== undefined) lm.info.statusMessage = statusMessage;
  return lm;
}
