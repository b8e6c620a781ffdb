// Domain types for MLflow tracking data. Every backend (REST, file store, SQLite) parses its
// own wire format into these; nothing outside src/tracking sees REST JSON, meta.yaml or rows.

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export type LifecycleStage = 'active' | 'deleted';
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export interface Tag {
  key: string;
  value: string;
}

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: LifecycleStage;
  creationTime?: number;
  lastUpdateTime?: number;
  tags: Tag[];
}

/** One logged point. `value` may be NaN or ±Infinity. */
export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  runId?: string;
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

export interface RunInfo {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime?: number;
  endTime?: number;
  artifactUri: string;
  lifecycleStage: LifecycleStage;
}

export interface Dataset {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
}

export interface DatasetInput {
  tags: Tag[];
  dataset: Dataset;
}

export interface Run {
  info: RunInfo;
  data: {
    /** Latest value per key: the max of (step, timestamp, value). */
    metrics: Metric[];
    params: Tag[];
    tags: Tag[];
  };
  inputs: {
    datasetInputs: DatasetInput[];
    modelInputs: { modelId: string }[];
  };
  outputs: {
    modelOutputs: { modelId: string; step: number }[];
  };
}

export interface ArtifactFile {
  /** Path relative to the artifact root, `/`-separated (as MLflow's artifacts/list returns it). */
  path: string;
  isDir: boolean;
  fileSize?: number;
}

/** Whose artifacts: a run's or an MLflow 3 logged model's. `rootUri` is the owner's artifact URI. */
export type ArtifactOwner =
  | { type: 'run'; id: string; rootUri: string }
  | { type: 'loggedModel'; id: string; rootUri: string };

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface ModelVersion {
  name: string;
  version: string;
  creationTimestamp?: number;
  lastUpdatedTimestamp?: number;
  userId?: string;
  currentStage: string;
  description?: string;
  source: string;
  runId?: string;
  runLink?: string;
  status: ModelVersionStatus;
  statusMessage?: string;
  tags: Tag[];
  aliases: string[];
  /** MLflow 3: the logged model behind this version (`m-…`), from the store or derived from `source`. */
  modelId?: string;
}

export interface RegisteredModel {
  name: string;
  creationTimestamp?: number;
  lastUpdatedTimestamp?: number;
  description?: string;
  latestVersions: ModelVersion[];
  tags: Tag[];
  aliases: { alias: string; version: string }[];
}

export type LoggedModelStatus =
  | 'LOGGED_MODEL_STATUS_UNSPECIFIED'
  | 'LOGGED_MODEL_PENDING'
  | 'LOGGED_MODEL_READY'
  | 'LOGGED_MODEL_UPLOAD_FAILED';

export interface LoggedModel {
  info: {
    modelId: string;
    experimentId: string;
    name: string;
    creationTimestampMs?: number;
    lastUpdatedTimestampMs?: number;
    artifactUri: string;
    status: LoggedModelStatus;
    modelType?: string;
    sourceRunId?: string;
    statusMessage?: string;
    lifecycleStage?: LifecycleStage;
    tags: Tag[];
  };
  data: {
    params: Tag[];
    metrics: Metric[];
  };
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. Opaque: pass back exactly as received. */
  nextPageToken?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface SearchExperimentsQuery {
  filter?: string;
  orderBy?: string[];
  viewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
}

export interface SearchRunsQuery {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  runViewType?: ViewType;
  maxResults?: number;
  pageToken?: string;
}

export interface SearchRegisteredModelsQuery {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

export interface SearchModelVersionsQuery {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

export interface SearchLoggedModelsQuery {
  experimentIds: string[];
  filter?: string;
  orderBy?: { fieldName: string; ascending?: boolean }[];
  maxResults?: number;
  pageToken?: string;
}

export interface SampledHistoryQuery {
  /** Upper bound on points returned; extremes (min and max per bucket, first and last) are kept. */
  maxPoints: number;
  startStep?: number;
  endStep?: number;
}

export type StoreKind = 'rest' | 'file' | 'sqlite';

export interface StoreCapabilities {
  /** delete/restore/rename/tag writes are possible. SQLite stores are never written. */
  writes: boolean;
  registry: boolean;
  loggedModels: boolean;
}

/** Sends one file to a run's artifact root through the tracking server (proxied artifact service). */
export interface ArtifactUploader {
  uploadArtifact(owner: ArtifactOwner, path: string, body: AsyncIterable<Uint8Array> | Uint8Array, contentType?: string, options?: CallOptions): Promise<void>;
}

/** Where a store writes a run's artifacts. */
export type ArtifactDestination =
  /** File and SQLite stores: the folder on this machine behind the run's artifact root. */
  | { kind: 'copy'; dir: string }
  /** Tracking servers: PUT through the proxied artifact service. */
  | { kind: 'proxy'; uploader: ArtifactUploader };

/**
 * One interface over every MLflow tracking backend. Failures reject with TrackingError.
 * Implementations never import `vscode`.
 */
export interface TrackingStore {
  readonly kind: StoreKind;
  /** The tracking URI this store reads, for messages (no credentials in it). */
  readonly uri: string;
  capabilities(options?: CallOptions): Promise<StoreCapabilities>;

  searchExperiments(query: SearchExperimentsQuery, options?: CallOptions): Promise<Page<Experiment>>;
  getExperiment(experimentId: string, options?: CallOptions): Promise<Experiment>;
  /** Undefined when no experiment has that name. Deleted experiments are returned (check lifecycleStage). */
  getExperimentByName(name: string, options?: CallOptions): Promise<Experiment | undefined>;

  searchRuns(query: SearchRunsQuery, options?: CallOptions): Promise<Page<Run>>;
  getRun(runId: string, options?: CallOptions): Promise<Run>;

  /** Full history of one metric, in the store's order. */
  getMetricHistory(runId: string, key: string, options?: CallOptions): Promise<Metric[]>;
  /** At most about `maxPoints` points, sorted by step, keeping first, last and per-bucket extremes. */
  getSampledMetricHistory(runId: string, key: string, query: SampledHistoryQuery, options?: CallOptions): Promise<Metric[]>;

  /** `path` is relative to the owner's artifact root ('' or undefined = root). Listing a file gives []. */
  listArtifacts(owner: ArtifactOwner, path?: string, options?: CallOptions): Promise<ArtifactFile[]>;
  /** Streams the file's bytes. */
  readArtifact(owner: ArtifactOwner, path: string, options?: CallOptions): Promise<AsyncIterable<Uint8Array>>;
  /** Size in bytes, or undefined when the backend cannot tell without downloading. */
  artifactSize(owner: ArtifactOwner, path: string, options?: CallOptions): Promise<number | undefined>;

  searchRegisteredModels(query: SearchRegisteredModelsQuery, options?: CallOptions): Promise<Page<RegisteredModel>>;
  getRegisteredModel(name: string, options?: CallOptions): Promise<RegisteredModel>;
  searchModelVersions(query: SearchModelVersionsQuery, options?: CallOptions): Promise<Page<ModelVersion>>;
  getModelVersion(name: string, version: string, options?: CallOptions): Promise<ModelVersion>;
  getModelVersionByAlias(name: string, alias: string, options?: CallOptions): Promise<ModelVersion>;

  searchLoggedModels(query: SearchLoggedModelsQuery, options?: CallOptions): Promise<Page<LoggedModel>>;
  getLoggedModel(modelId: string, options?: CallOptions): Promise<LoggedModel>;

  deleteRun(runId: string, options?: CallOptions): Promise<void>;
  restoreRun(runId: string, options?: CallOptions): Promise<void>;
  renameRun(runId: string, name: string, options?: CallOptions): Promise<void>;
  setRunTag(runId: string, key: string, value: string, options?: CallOptions): Promise<void>;
  deleteRunTag(runId: string, key: string, options?: CallOptions): Promise<void>;
  /** Ends a run as MLflow's update_run_info(status, end_time) does (e.g. a run left RUNNING by a crashed script → FAILED). */
  setRunStatus(runId: string, status: RunStatus, endTime: number, options?: CallOptions): Promise<void>;

  /**
   * Where artifacts logged to `run` go; throws TrackingError ('notFound') when a local artifact folder is
   * missing. Absent when the store cannot take artifacts.
   */
  artifactDestination?(run: Run): ArtifactDestination;

  /** Calls `listener` when the underlying data may have changed (local stores watch their files). Returns an unsubscribe. */
  onDidChange?(listener: () => void): () => void;
  dispose(): void;
}

export const NOTE_TAG = 'mlflow.note.content';
export const RUN_NAME_TAG = 'mlflow.runName';
export const PARENT_RUN_TAG = 'mlflow.parentRunId';
export const USER_TAG = 'mlflow.user';
export const SOURCE_NAME_TAG = 'mlflow.source.name';
export const SOURCE_TYPE_TAG = 'mlflow.source.type';
export const GIT_COMMIT_TAG = 'mlflow.source.git.commit';
export const GIT_BRANCH_TAG = 'mlflow.source.git.branch';
export const GIT_REPO_TAG = 'mlflow.source.git.repoURL';
export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history';
