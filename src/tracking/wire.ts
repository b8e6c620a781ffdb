// MLflow's REST JSON (snake_case, proto2 presence, "NaN"/"Infinity" strings) <-> domain types.
// parse*: lenient reading of what a server sent; toWire*: the shape MLflow's REST API answers with
// (used by scripts/mlflow-query.mjs and by the conformance tests that compare against transcripts).

import { TrackingError } from './errors';
import type {
  ArtifactFile,
  Dataset,
  DatasetInput,
  Experiment,
  LifecycleStage,
  LoggedModel,
  LoggedModelStatus,
  Metric,
  ModelVersion,
  ModelVersionStatus,
  RegisteredModel,
  Run,
  RunInfo,
  RunStatus,
  Tag,
} from './types';

type Json = Record<string, unknown>;

function bad(what: string, value: unknown): TrackingError {
  let shown: string | undefined;
  try {
    shown = JSON.stringify(value);
  } catch {
    shown = Array.isArray(value) ? '[…]' : '{…}'; // nested too deep to show (the stack would overflow)
  }
  return new TrackingError('invalidData', `The server sent an unexpected ${what}: ${shown === undefined ? 'nothing' : shown.slice(0, 200)}.`);
}

export function asObject(v: unknown, what: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(what, v);
  return v as Json;
}

function arr(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(what, v);
  return v;
}

function str(v: unknown, what: string, fallback?: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  throw bad(what, v);
}

function optStr(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** int64 fields arrive as JSON numbers from MLflow, but other backends send numeric strings. */
export function optInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim()) && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/**
 * MLflow's SQL stores cannot hold ±inf and write ±1.7976931348623157e308 (±Number.MAX_VALUE) instead, which
 * their REST answers then carry. Every decoded metric value goes through this one function so that all
 * consumers (tree, tables, plots, data table) see ±Infinity, as the file store reports them. A value logged as
 * exactly ±MAX_VALUE is indistinguishable there and also reads as ±Infinity. Filters on SQL stores compare
 * the stored value (RunFilterOptions.infAsMax).
 */
export function storedDouble(v: number): number {
  if (v === Number.MAX_VALUE) return Infinity;
  if (v === -Number.MAX_VALUE) return -Infinity;
  return v;
}

/** A double: a number, or one of the strings MLflow uses for non-finite values (±MAX_VALUE: see storedDouble). */
export function parseDouble(v: unknown): number {
  if (typeof v === 'number') return storedDouble(v);
  if (typeof v === 'string') {
    switch (v) {
      case 'NaN':
      case 'nan':
        return NaN;
      case 'Infinity':
      case 'inf':
        return Infinity;
      case '-Infinity':
      case '-inf':
        return -Infinity;
    }
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return storedDouble(n);
  }
  throw bad('metric value', v);
}

/** Non-finite doubles as MLflow writes them in JSON. */
export function wireDouble(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
/** Status as a name or the proto/file-store integer (1..5). */
export function parseRunStatus(v: unknown): RunStatus {
  if (typeof v === 'string' && (RUN_STATUSES as readonly string[]).includes(v)) return v as RunStatus;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 5) return RUN_STATUSES[n - 1];
  throw bad('run status', v);
}

/** The proto/file-store integer of a status (RUNNING 1 … KILLED 5). */
export function runStatusCode(s: RunStatus): number {
  return RUN_STATUSES.indexOf(s) + 1;
}

export function parseLifecycle(v: unknown): LifecycleStage {
  return v === 'deleted' ? 'deleted' : 'active';
}

export function parseTags(v: unknown, what = 'tag list'): Tag[] {
  return arr(v, what).map((t) => {
    const o = asObject(t, what);
    return { key: str(o.key, 'tag key'), value: str(o.value, 'tag value', '') };
  });
}

export function parseExperiment(v: unknown): Experiment {
  const o = asObject(v, 'experiment');
  return {
    experimentId: str(o.experiment_id, 'experiment id'),
    name: str(o.name, 'experiment name', ''),
    artifactLocation: str(o.artifact_location, 'artifact location', ''),
    lifecycleStage: parseLifecycle(o.lifecycle_stage),
    creationTime: optInt(o.creation_time),
    lastUpdateTime: optInt(o.last_update_time),
    tags: parseTags(o.tags),
  };
}

export function parseMetric(v: unknown): Metric {
  const o = asObject(v, 'metric');
  const m: Metric = {
    key: str(o.key, 'metric key'),
    value: parseDouble(o.value),
    timestamp: optInt(o.timestamp) ?? 0,
    step: optInt(o.step) ?? 0,
  };
  const runId = optStr(o.run_id);
  if (runId !== undefined) m.runId = runId;
  const modelId = optStr(o.model_id);
  if (modelId !== undefined) m.modelId = modelId;
  const dn = optStr(o.dataset_name);
  if (dn !== undefined) m.datasetName = dn;
  const dd = optStr(o.dataset_digest);
  if (dd !== undefined) m.datasetDigest = dd;
  return m;
}

export function parseRunInfo(v: unknown): RunInfo {
  const o = asObject(v, 'run info');
  return {
    runId: str(o.run_id ?? o.run_uuid, 'run id'),
    experimentId: str(o.experiment_id, 'experiment id'),
    runName: str(o.run_name, 'run name', ''),
    userId: str(o.user_id, 'user id', ''),
    status: o.status === undefined ? 'RUNNING' : parseRunStatus(o.status),
    startTime: optInt(o.start_time),
    endTime: optInt(o.end_time),
    artifactUri: str(o.artifact_uri, 'artifact uri', ''),
    lifecycleStage: parseLifecycle(o.lifecycle_stage),
  };
}

function parseDataset(v: unknown): Dataset {
  const o = asObject(v, 'dataset');
  const d: Dataset = {
    name: str(o.name, 'dataset name', ''),
    digest: str(o.digest, 'dataset digest', ''),
    sourceType: str(o.source_type, 'dataset source type', ''),
    source: str(o.source, 'dataset source', ''),
  };
  const schema = optStr(o.schema);
  if (schema !== undefined) d.schema = schema;
  const profile = optStr(o.profile);
  if (profile !== undefined) d.profile = profile;
  return d;
}

export function parseRun(v: unknown): Run {
  const o = asObject(v, 'run');
  const data = o.data === undefined ? {} : asObject(o.data, 'run data');
  const inputs = o.inputs === undefined ? {} : asObject(o.inputs, 'run inputs');
  const outputs = o.outputs === undefined ? {} : asObject(o.outputs, 'run outputs');
  return {
    info: parseRunInfo(o.info),
    data: {
      metrics: arr(data.metrics, 'metrics').map(parseMetric),
      params: parseTags(data.params, 'params'),
      tags: parseTags(data.tags),
    },
    inputs: {
      datasetInputs: arr(inputs.dataset_inputs, 'dataset inputs').map((d): DatasetInput => {
        const di = asObject(d, 'dataset input');
        return { tags: parseTags(di.tags), dataset: parseDataset(di.dataset) };
      }),
      modelInputs: arr(inputs.model_inputs, 'model inputs').map((m) => ({ modelId: str(asObject(m, 'model input').model_id, 'model id') })),
    },
    outputs: {
      modelOutputs: arr(outputs.model_outputs, 'model outputs').map((m) => {
        const mo = asObject(m, 'model output');
        return { modelId: str(mo.model_id, 'model id'), step: optInt(mo.step) ?? 0 };
      }),
    },
  };
}

export function parseArtifactFile(v: unknown): ArtifactFile {
  const o = asObject(v, 'artifact');
  const f: ArtifactFile = { path: str(o.path, 'artifact path'), isDir: o.is_dir === true };
  const size = optInt(o.file_size);
  if (size !== undefined) f.fileSize = size;
  return f;
}

const MV_STATUSES: readonly ModelVersionStatus[] = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'];

/** `models:/m-<hex>` sources name the MLflow 3 logged model behind a version. */
export function modelIdFromSource(source: string): string | undefined {
  const m = /^models:\/(m-[0-9a-f]{32})\/?$/.exec(source);
  return m ? m[1] : undefined;
}

export function parseModelVersion(v: unknown): ModelVersion {
  const o = asObject(v, 'model version');
  const source = str(o.source, 'model version source', '');
  const status = typeof o.status === 'string' && (MV_STATUSES as readonly string[]).includes(o.status) ? (o.status as ModelVersionStatus) : 'READY';
  const mv: ModelVersion = {
    name: str(o.name, 'model name'),
    version: str(o.version, 'model version'),
    creationTimestamp: optInt(o.creation_timestamp),
    lastUpdatedTimestamp: optInt(o.last_updated_timestamp),
    currentStage: str(o.current_stage, 'stage', 'None'),
    source,
    status,
    tags: parseTags(o.tags),
    aliases: arr(o.aliases, 'aliases').map((a) => str(a, 'alias')),
  };
  const userId = optStr(o.user_id);
  if (userId !== undefined) mv.userId = userId;
  const description = optStr(o.description);
  if (description !== undefined) mv.description = description;
  const runId = optStr(o.run_id);
  if (runId !== undefined) mv.runId = runId;
  const runLink = optStr(o.run_link);
  if (runLink !== undefined) mv.runLink = runLink;
  const statusMessage = optStr(o.status_message);
  if (statusMessage !== undefined) mv.statusMessage = statusMessage;
  const modelId = optStr(o.model_id) ?? modelIdFromSource(source);
  if (modelId !== undefined) mv.modelId = modelId;
  return mv;
}

export function parseRegisteredModel(v: unknown): RegisteredModel {
  const o = asObject(v, 'registered model');
  const rm: RegisteredModel = {
    name: str(o.name, 'model name'),
    creationTimestamp: optInt(o.creation_timestamp),
    lastUpdatedTimestamp: optInt(o.last_updated_timestamp),
    latestVersions: arr(o.latest_versions, 'latest versions').map(parseModelVersion),
    tags: parseTags(o.tags),
    aliases: arr(o.aliases, 'aliases').map((a) => {
      const ao = asObject(a, 'alias');
      return { alias: str(ao.alias, 'alias'), version: str(ao.version, 'alias version') };
    }),
  };
  const description = optStr(o.description);
  if (description !== undefined) rm.description = description;
  return rm;
}

const LM_STATUSES: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

/** Name or the file store's integer (0 unspecified, 1 pending, 2 ready, 3 failed). */
export function parseLoggedModelStatus(v: unknown): LoggedModelStatus {
  if (typeof v === 'string' && (LM_STATUSES as readonly string[]).includes(v)) return v as LoggedModelStatus;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0;
  return LM_STATUSES[Number.isInteger(n) && n >= 0 && n <= 3 ? n : 0];
}

export function parseLoggedModel(v: unknown): LoggedModel {
  const o = asObject(v, 'logged model');
  const info = asObject(o.info, 'logged model info');
  const data = o.data === undefined ? {} : asObject(o.data, 'logged model data');
  const lm: LoggedModel = {
    info: {
      modelId: str(info.model_id, 'model id'),
      experimentId: str(info.experiment_id, 'experiment id'),
      name: str(info.name, 'model name', ''),
      creationTimestampMs: optInt(info.creation_timestamp_ms),
      lastUpdatedTimestampMs: optInt(info.last_updated_timestamp_ms),
      artifactUri: str(info.artifact_uri, 'artifact uri', ''),
      status: parseLoggedModelStatus(info.status),
      tags: parseTags(info.tags),
    },
    data: {
      params: parseTags(data.params, 'params'),
      metrics: arr(data.metrics, 'metrics').map(parseMetric),
    },
  };
  const modelType = optStr(info.model_type);
  if (modelType !== undefined) lm.info.modelType = modelType;
  const sourceRunId = optStr(info.source_run_id);
  if (sourceRunId !== undefined) lm.info.sourceRunId = sourceRunId;
  const statusMessage = optStr(info.status_message);
  if (statusMessage !== undefined) lm.info.statusMessage = statusMessage;
  if (info.lifecycle_stage !== undefined) lm.info.lifecycleStage = parseLifecycle(info.lifecycle_stage);
  return lm;
}

// ---- domain -> MLflow REST JSON (empty lists and unset fields omitted, as MLflow does) ----

function put(o: Json, key: string, v: unknown): void {
  if (v === undefined) return;
  if (Array.isArray(v) && v.length === 0) return;
  o[key] = v;
}

const wireTags = (tags: Tag[]) => tags.map((t) => ({ key: t.key, value: t.value }));

export function toWireExperiment(e: Experiment): Json {
  const o: Json = { experiment_id: e.experimentId, name: e.name, artifact_location: e.artifactLocation, lifecycle_stage: e.lifecycleStage };
  put(o, 'last_update_time', e.lastUpdateTime);
  put(o, 'creation_time', e.creationTime);
  put(o, 'tags', wireTags(e.tags));
  return o;
}

export function toWireMetric(m: Metric): Json {
  const o: Json = { key: m.key, value: wireDouble(m.value), timestamp: m.timestamp, step: m.step };
  put(o, 'dataset_name', m.datasetName);
  put(o, 'dataset_digest', m.datasetDigest);
  put(o, 'model_id', m.modelId);
  put(o, 'run_id', m.runId);
  return o;
}

export function toWireRunInfo(i: RunInfo): Json {
  const o: Json = { run_uuid: i.runId, experiment_id: i.experimentId, run_name: i.runName, user_id: i.userId, status: i.status };
  put(o, 'start_time', i.startTime);
  put(o, 'end_time', i.endTime);
  o.artifact_uri = i.artifactUri;
  o.lifecycle_stage = i.lifecycleStage;
  o.run_id = i.runId;
  return o;
}

export function toWireRun(r: Run): Json {
  const data: Json = {};
  put(data, 'metrics', r.data.metrics.map(toWireMetric));
  put(data, 'params', wireTags(r.data.params));
  put(data, 'tags', wireTags(r.data.tags));
  const inputs: Json = {};
  put(
    inputs,
    'dataset_inputs',
    r.inputs.datasetInputs.map((d) => {
      const ds: Json = { name: d.dataset.name, digest: d.dataset.digest, source_type: d.dataset.sourceType, source: d.dataset.source };
      put(ds, 'schema', d.dataset.schema);
      put(ds, 'profile', d.dataset.profile);
      const di: Json = {};
      put(di, 'tags', wireTags(d.tags));
      di.dataset = ds;
      return di;
    }),
  );
  put(inputs, 'model_inputs', r.inputs.modelInputs.map((m) => ({ model_id: m.modelId })));
  const o: Json = { info: toWireRunInfo(r.info), data, inputs };
  if (r.outputs.modelOutputs.length) o.outputs = { model_outputs: r.outputs.modelOutputs.map((m) => ({ model_id: m.modelId, step: m.step })) };
  return o;
}

export function toWireArtifactFile(f: ArtifactFile): Json {
  const o: Json = { path: f.path, is_dir: f.isDir };
  // MLflow's JSON leaves out a zero file_size (an empty file); the domain keeps 0, as MLflow's client reports it
  if (f.fileSize) put(o, 'file_size', f.fileSize);
  return o;
}

export function toWireModelVersion(v: ModelVersion): Json {
  const o: Json = { name: v.name, version: v.version };
  put(o, 'creation_timestamp', v.creationTimestamp);
  put(o, 'last_updated_timestamp', v.lastUpdatedTimestamp);
  put(o, 'user_id', v.userId);
  o.current_stage = v.currentStage;
  put(o, 'description', v.description);
  o.source = v.source;
  put(o, 'run_id', v.runId);
  o.status = v.status;
  put(o, 'status_message', v.statusMessage);
  put(o, 'tags', wireTags(v.tags));
  put(o, 'run_link', v.runLink);
  put(o, 'aliases', v.aliases);
  return o;
}

export function toWireRegisteredModel(m: RegisteredModel): Json {
  const o: Json = { name: m.name };
  put(o, 'creation_timestamp', m.creationTimestamp);
  put(o, 'last_updated_timestamp', m.lastUpdatedTimestamp);
  put(o, 'description', m.description);
  put(o, 'latest_versions', m.latestVersions.map(toWireModelVersion));
  put(o, 'tags', wireTags(m.tags));
  put(o, 'aliases', m.aliases.map((a) => ({ alias: a.alias, version: a.version })));
  return o;
}

export function toWireLoggedModel(m: LoggedModel): Json {
  const i = m.info;
  const info: Json = { model_id: i.modelId, experiment_id: i.experimentId, name: i.name };
  put(info, 'creation_timestamp_ms', i.creationTimestampMs);
  put(info, 'last_updated_timestamp_ms', i.lastUpdatedTimestampMs);
  info.artifact_uri = i.artifactUri;
  info.status = i.status;
  put(info, 'model_type', i.modelType);
  put(info, 'source_run_id', i.sourceRunId);
  put(info, 'status_message', i.statusMessage);
  put(info, 'tags', wireTags(i.tags));
  const data: Json = {};
  put(data, 'params', wireTags(m.data.params));
  put(data, 'metrics', m.data.metrics.map(toWireMetric));
  return { info, data };
}
