// TrackingStore over an MLflow file store (`mlruns/` folder, `file:` tracking URI), MLflow 2.x and 3.x
// layouts. Reads are synchronous fs calls inside async methods (measured faster than the libuv pool
// for thousands of tiny files); parsed meta files and latest metric values are cached by
// (mtime, size, inode) so repeated listings only stat.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TrackingError, invalidRequest, notFound } from '../errors';
import { checkMaxResults, decodeOffsetToken, pageOf } from '../paging';
import { downsampleMetrics, inStepRange } from '../sampling';
import type {
  ArtifactDestination,
  ArtifactFile,
  ArtifactOwner,
  CallOptions,
  Experiment,
  LoggedModel,
  Metric,
  ModelVersion,
  Page,
  RegisteredModel,
  Run,
  SampledHistoryQuery,
  SearchExperimentsQuery,
  SearchLoggedModelsQuery,
  SearchModelVersionsQuery,
  SearchRegisteredModelsQuery,
  SearchRunsQuery,
  StoreCapabilities,
  TrackingStore,
} from '../types';
import { RUN_NAME_TAG, type RunStatus } from '../types';
import { runStatusCode } from '../wire';
import { listLocalArtifacts, localArtifactSize, readLocalArtifact } from '../localArtifacts';
import { localPathOfUri, rebaseRoot, runArtifactDirForWrite } from './artifacts';
import { ExperimentReader, REGISTRY_FOLDER, type ExperimentEntry } from './experimentReader';
import { checkCancelled, checkReadKey, direntIsDir, isDir, isValidRunId, listDir, validateKey } from './fsUtil';
import { LoggedModelReader } from './loggedModels';
import { parseMetricColumns, parseRunMetricHistory } from './metricFile';
import { emptyMetricColumns, type MetricColumns } from '../metricColumns';
import { RegistryReader } from './registryReader';
import { RunReader, type Problem, type RunMeta } from './runReader';
import { removeRunTag, updateRunMeta, writeRunTag } from './runWriter';
import {
  compileExperimentFilter,
  compileExperimentOrderBy,
  compileLoggedModelFilter,
  compileLoggedModelOrderBy,
  compileModelVersionFilter,
  compileModelVersionOrderBy,
  compileRegisteredModelFilter,
  compileRegisteredModelOrderBy,
} from './searchApi';
import { RunSearch, matchesView } from './runSearch';
import { StoreWatcher, type WatchTargets } from './watcher';
import { checkRunName, checkTag } from '../writeRules';

export type { Problem } from './runReader';

export interface FileStoreOptions {
  /** Tracking URI shown in messages (default: the root's file: URI). */
  uri?: string;
  /** Called for every new problem (unreadable meta.yaml, malformed metric lines, …). */
  onProblem?: (p: Problem) => void;
  /** Debounce for change notifications (ms). */
  watchDebounceMs?: number;
}

const DEFAULT_EXPERIMENT_ORDER = ['creation_time DESC', 'experiment_id ASC'];
const DEFAULT_MODEL_VERSION_ORDER = ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'];
const PROMPT_TAG = 'mlflow.prompt.is_prompt';


export class FileStore implements TrackingStore {
  readonly kind = 'file' as const;
  readonly uri: string;
  /** The mlruns folder, absolute. */
  readonly root: string;

  private readonly problemMap = new Map<string, Problem>();
  private readonly runs: RunReader;
  private readonly experiments: ExperimentReader;
  private readonly registry: RegistryReader;
  private readonly loggedModels: LoggedModelReader;
  private readonly runDirs = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private watcher: StoreWatcher | undefined;
  private disposed = false;
  private readonly runSearch: RunSearch;

  constructor(rootDir: string, private readonly options: FileStoreOptions = {}) {
    this.root = path.resolve(rootDir);
    this.uri = options.uri ?? pathToFileURL(this.root).href;
    const report = (p: Problem) => this.report(p);
    const clear = (p: string) => this.problemMap.delete(p);
    this.runs = new RunReader(report, clear);
    this.runSearch = new RunSearch(this.runs, (m) => this.remember(m));
    this.experiments = new ExperimentReader(this.root, report, clear);
    this.registry = new RegistryReader(this.root, report);
    this.loggedModels = new LoggedModelReader(report);
  }

  /** Things found in the store that could not be read (skipped), one per file, newest state. */
  get problems(): readonly Problem[] {
    return [...this.problemMap.values()];
  }

  private report(p: Problem): void {
    const prev = this.problemMap.get(p.path);
    this.problemMap.set(p.path, p);
    if (!prev || prev.message !== p.message) this.options.onProblem?.(p);
  }

  private checkRoot(): void {
    if (!isDir(this.root)) {
      throw new TrackingError('notFound', `The MLflow store folder ${this.root} does not exist.`, {
        uri: this.uri,
        hint: 'Check the tracking URI, or log a run with MLflow to create it.',
        status: 404,
      });
    }
  }

  async capabilities(options?: CallOptions): Promise<StoreCapabilities> {
    checkCancelled(options?.signal);
    // Logged models exist only in MLflow 3 stores; an experiment with a models/ folder shows one.
    let loggedModels = false;
    for (const parent of [this.root, this.experiments.trashDir]) {
      for (const e of listDir(parent)) {
        if (e.name.startsWith('.') || (parent === this.root && e.name === REGISTRY_FOLDER)) continue;
        if (isDir(path.join(parent, e.name, 'models'))) {
          loggedModels = true;
          break;
        }
      }
      if (loggedModels) break;
    }
    return { writes: true, registry: true, loggedModels };
  }

  // ---------------- experiments ----------------

  async searchExperiments(query: SearchExperimentsQuery, options?: CallOptions): Promise<Page<Experiment>> {
    checkCancelled(options?.signal);
    const max = checkMaxResults(query.maxResults, 1000, 50000);
    decodeOffsetToken(query.pageToken);
    const pred = compileExperimentFilter(query.filter);
    const cmp = compileExperimentOrderBy(query.orderBy && query.orderBy.length ? query.orderBy : DEFAULT_EXPERIMENT_ORDER);
    this.checkRoot();
    const all = this.experiments
      .list()
      .map((x) => x.experiment)
      .filter((e) => matchesView(e.lifecycleStage, query.viewType) && pred(e))
      .sort(cmp);
    return pageOf(all, query.pageToken, max);
  }

  async getExperiment(experimentId: string, options?: CallOptions): Promise<Experiment> {
    checkCancelled(options?.signal);
    this.checkRoot();
    const x = this.experiments.find(experimentId);
    if (!x) throw notFound(`Experiment with ID ${experimentId}`, this.uri);
    return x.experiment;
  }

  async getExperimentByName(name: string, options?: CallOptions): Promise<Experiment | undefined> {
    checkCancelled(options?.signal);
    this.checkRoot();
    const all = this.experiments.list().filter((x) => x.experiment.name === name);
    return (all.find((x) => !x.trashed) ?? all[0])?.experiment;
  }

  // ---------------- runs ----------------

  /** Experiment folders for ids (the root's, else the trash's — MLflow's view ALL). */
  private experimentDirs(ids: readonly string[]): string[] {
    const out: string[] = [];
    for (const id of new Set(ids)) {
      const x = this.experiments.find(id);
      if (x) out.push(x.dir);
    }
    return out;
  }

  private remember(m: RunMeta): void {
    this.runDirs.set(m.runId, m.dir);
  }

  async searchRuns(query: SearchRunsQuery, options?: CallOptions): Promise<Page<Run>> {
    return this.runSearch.search(query, () => {
      this.checkRoot();
      return this.experimentDirs(query.experimentIds);
    }, options?.signal);
  }

  /** The run's meta (root and trash experiments), or undefined. */
  private findRun(runId: string): RunMeta | undefined {
    if (!isValidRunId(runId)) return undefined;
    const known = this.runDirs.get(runId);
    if (known) {
      const m = this.runs.readMeta(known, path.dirname(known));
      if (m && m.runId === runId) return m;
      this.runDirs.delete(runId);
    }
    for (const parent of [this.root, this.experiments.trashDir]) {
      for (const e of listDir(parent)) {
        if (e.name.startsWith('.') || (parent === this.root && e.name === REGISTRY_FOLDER)) continue;
        if (!direntIsDir(parent, e)) continue;
        const expDir = path.join(parent, e.name);
        const m = this.runs.readMeta(path.join(expDir, runId), expDir);
        if (m) {
          this.remember(m);
          return m;
        }
      }
    }
    return undefined;
  }

  private requireRun(runId: string): RunMeta {
    if (typeof runId !== 'string' || runId === '') throw invalidRequest("Missing value for required parameter 'run_id'.", this.uri);
    this.checkRoot();
    const m = this.findRun(runId);
    if (!m) throw notFound(`Run '${runId}'`, this.uri);
    return m;
  }

  async getRun(runId: string, options?: CallOptions): Promise<Run> {
    checkCancelled(options?.signal);
    const m = this.requireRun(runId);
    return RunReader.toRun(m, this.runs.load(m, {}));
  }

  async getMetricHistory(runId: string, key: string, options?: CallOptions): Promise<Metric[]> {
    checkCancelled(options?.signal);
    if (typeof key !== 'string' || key === '') throw invalidRequest("Missing value for required parameter 'metric_key'.", this.uri);
    const m = this.requireRun(runId);
    checkReadKey(key, 'metric_key');
    const file = path.join(m.dir, 'metrics', ...key.split('/'));
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      this.unreadableMetric(m, key, file, e);
      return [];
    }
    checkCancelled(options?.signal);
    let r: ReturnType<typeof parseRunMetricHistory>;
    try {
      r = parseRunMetricHistory(bytes, { key, kind: 'run', runId: m.metricsCarryRunId ? m.runId : undefined });
    } catch (e) {
      // past V8's longest string (≈512 MB): MLflow's reader fails too; no history, as for a missing file
      if ((e as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') return [];
      throw e;
    }
    if (r.badLines) this.report({ path: path.join(m.dir, 'metrics', key), message: `Metric file has ${r.badLines} unreadable line(s); they were skipped.`, runId: m.runId, experimentId: path.basename(m.expDir), effect: 'partial' });
    return r.value;
  }

  /**
   * The same points as getMetricHistory (file order), as three columns: one pass over the file's
   * bytes, no object per point. For charts of long histories (see webviews/metricLoader).
   */
  async getMetricColumns(runId: string, key: string, options?: CallOptions): Promise<MetricColumns> {
    checkCancelled(options?.signal);
    if (typeof key !== 'string' || key === '') throw invalidRequest("Missing value for required parameter 'metric_key'.", this.uri);
    const m = this.requireRun(runId);
    checkReadKey(key, 'metric_key');
    const file = path.join(m.dir, 'metrics', ...key.split('/'));
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      this.unreadableMetric(m, key, file, e);
      return emptyMetricColumns();
    }
    checkCancelled(options?.signal);
    let r: ReturnType<typeof parseMetricColumns>;
    try {
      r = parseMetricColumns(bytes);
    } catch (e) {
      // past V8's longest string (≈512 MB): getMetricHistory's utf8 read fails the same way and gives []
      if ((e as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') return emptyMetricColumns();
      throw e;
    }
    if (r.badLines) this.report({ path: path.join(m.dir, 'metrics', key), message: `Metric file has ${r.badLines} unreadable line(s); they were skipped.`, runId: m.runId, experimentId: path.basename(m.expDir), effect: 'partial' });
    return r.value;
  }

  /**
   * A metric file that is missing (or a folder of keys, or past V8's longest string) has no history
   * — MLflow answers [] too; one that is there but cannot be read (EACCES, EIO, …) is an error, not
   * an empty chart. Throws then (and reports it); returns otherwise.
   */
  private unreadableMetric(m: RunMeta, key: string, file: string, e: unknown): void {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined || code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ERR_STRING_TOO_LONG') return;
    const message = `Metric '${key}' of run ${m.runId} could not be read: ${code} (${file}).`;
    this.report({ path: file, message, runId: m.runId, experimentId: path.basename(m.expDir), effect: 'partial' });
    throw new TrackingError('invalidData', message, {
      uri: this.uri,
      hint: code === 'EACCES' || code === 'EPERM' ? 'Check the permissions of the file in the MLflow store.' : undefined,
      cause: e,
    });
  }

  async getSampledMetricHistory(runId: string, key: string, query: SampledHistoryQuery, options?: CallOptions): Promise<Metric[]> {
    const all = await this.getMetricHistory(runId, key, options);
    return downsampleMetrics(inStepRange(all, query.startStep, query.endStep), query.maxPoints);
  }

  // ---------------- artifacts ----------------

  /** The local folder behind an owner's artifact root (re-based when the store was moved). */
  private artifactRoot(owner: ArtifactOwner): string {
    this.checkRoot();
    let ownerDir: string | undefined;
    let segs: string[] | undefined;
    let rootUri = owner.rootUri;
    if (owner.type === 'run') {
      const m = isValidRunId(owner.id) ? this.findRun(owner.id) : undefined;
      if (m) {
        ownerDir = m.dir;
        segs = [m.info.experimentId, m.runId];
        rootUri = rootUri || m.info.artifactUri;
      }
    } else {
      const x = this.loggedModels.find(owner.id, this.allExperimentDirs());
      if (x) {
        ownerDir = x.dir;
        segs = [x.model.info.experimentId, 'models', x.model.info.modelId];
        rootUri = rootUri || x.model.info.artifactUri;
      }
    }
    if (!rootUri) {
      if (!ownerDir) throw notFound(owner.type === 'run' ? `Run '${owner.id}'` : `Model '${owner.id}'`, this.uri);
      return path.join(ownerDir, 'artifacts');
    }
    const local = localPathOfUri(rootUri, path.dirname(this.root), this.uri);
    return rebaseRoot(local, { root: this.root, ownerDir, ownerSegments: segs });
  }

  async listArtifacts(owner: ArtifactOwner, relPath?: string, options?: CallOptions): Promise<ArtifactFile[]> {
    checkCancelled(options?.signal);
    return listLocalArtifacts(this.artifactRoot(owner), relPath, options?.signal, this.uri);
  }

  async readArtifact(owner: ArtifactOwner, relPath: string, options?: CallOptions): Promise<AsyncIterable<Uint8Array>> {
    checkCancelled(options?.signal);
    return readLocalArtifact(this.artifactRoot(owner), relPath, options?.signal, this.uri);
  }

  async artifactSize(owner: ArtifactOwner, relPath: string, options?: CallOptions): Promise<number | undefined> {
    checkCancelled(options?.signal);
    return localArtifactSize(this.artifactRoot(owner), relPath, this.uri);
  }

  // ---------------- model registry ----------------

  async searchRegisteredModels(query: SearchRegisteredModelsQuery, options?: CallOptions): Promise<Page<RegisteredModel>> {
    checkCancelled(options?.signal);
    const max = checkMaxResults(query.maxResults, 100, 1000);
    decodeOffsetToken(query.pageToken);
    const pred = compileRegisteredModelFilter(query.filter);
    const cmp = compileRegisteredModelOrderBy(query.orderBy);
    this.checkRoot();
    // MLflow 3 prompts live in the registry too; hide them unless the filter asks about them.
    const wantsPrompts = (query.filter ?? '').includes(PROMPT_TAG);
    const all = this.registry
      .listModels()
      .filter((m) => (wantsPrompts || !m.tags.some((t) => t.key === PROMPT_TAG && t.value.toLowerCase() === 'true')) && pred(m))
      .sort(cmp);
    return pageOf(all, query.pageToken, max);
  }

  async getRegisteredModel(name: string, options?: CallOptions): Promise<RegisteredModel> {
    checkCancelled(options?.signal);
    this.checkRoot();
    const m = this.registry.getModel(name);
    if (!m) throw notFound(`Registered Model with name=${name}`, this.uri);
    return m;
  }

  async searchModelVersions(query: SearchModelVersionsQuery, options?: CallOptions): Promise<Page<ModelVersion>> {
    checkCancelled(options?.signal);
    const max = checkMaxResults(query.maxResults, 10000, 200000);
    decodeOffsetToken(query.pageToken);
    const pred = compileModelVersionFilter(query.filter);
    const cmp = compileModelVersionOrderBy(query.orderBy && query.orderBy.length ? query.orderBy : DEFAULT_MODEL_VERSION_ORDER);
    this.checkRoot();
    const all = this.registry.listVersions().filter(pred).sort(cmp);
    return pageOf(all, query.pageToken, max);
  }

  async getModelVersion(name: string, version: string, options?: CallOptions): Promise<ModelVersion> {
    checkCancelled(options?.signal);
    this.checkRoot();
    const v = this.registry.getVersion(name, String(version));
    if (!v) throw notFound(`Model Version (name=${name}, version=${version})`, this.uri);
    return v;
  }

  async getModelVersionByAlias(name: string, alias: string, options?: CallOptions): Promise<ModelVersion> {
    checkCancelled(options?.signal);
    this.checkRoot();
    if (!this.registry.getModel(name)) throw notFound(`Registered Model with name=${name}`, this.uri);
    const version = this.registry.aliasVersion(name, alias);
    // MLflow answers 400 (not 404) for an unknown alias
    if (version === undefined) throw invalidRequest(`Registered model alias ${alias} not found.`, this.uri);
    return this.getModelVersion(name, version, options);
  }

  // ---------------- logged models (MLflow 3) ----------------

  private allExperimentDirs(): string[] {
    return this.experiments.list(false).map((x: ExperimentEntry) => x.dir);
  }

  async searchLoggedModels(query: SearchLoggedModelsQuery, options?: CallOptions): Promise<Page<LoggedModel>> {
    checkCancelled(options?.signal);
    if (!query.experimentIds || query.experimentIds.length === 0) throw invalidRequest("Missing value for required parameter 'experiment_ids'.", this.uri);
    const max = checkMaxResults(query.maxResults, 100, 50000);
    decodeOffsetToken(query.pageToken);
    const pred = compileLoggedModelFilter(query.filter);
    const cmp = compileLoggedModelOrderBy(query.orderBy);
    this.checkRoot();
    const all: LoggedModel[] = [];
    for (const dir of this.experimentDirs(query.experimentIds)) {
      for (const x of this.loggedModels.list(dir)) if (x.model.info.lifecycleStage !== 'deleted' && pred(x.model)) all.push(x.model);
    }
    all.sort(cmp);
    return pageOf(all, query.pageToken, max);
  }

  async getLoggedModel(modelId: string, options?: CallOptions): Promise<LoggedModel> {
    checkCancelled(options?.signal);
    this.checkRoot();
    const x = this.loggedModels.find(modelId, this.allExperimentDirs());
    if (!x) throw notFound(`Model '${modelId}'`, this.uri);
    return x.model;
  }

  // ---------------- writes ----------------

  private requireActive(m: RunMeta): void {
    if (m.info.lifecycleStage !== 'active') {
      throw invalidRequest(`The run ${m.runId} must be in the 'active' state. Current state is ${m.info.lifecycleStage}.`, this.uri);
    }
  }

  private written(): void {
    this.runSearch.forget();
    this.watcher?.poke();
    if (!this.watcher && this.listeners.size) for (const l of this.listeners) l();
  }

  async deleteRun(runId: string, options?: CallOptions): Promise<void> {
    checkCancelled(options?.signal);
    const m = this.requireRun(runId);
    updateRunMeta(m.dir, { lifecycle_stage: 'deleted', deleted_time: Date.now() });
    this.written();
  }

  async restoreRun(runId: string, options?: CallOptions): Promise<void> {
    checkCancelled(options?.signal);
    const m = this.requireRun(runId);
    // MLflow (2.17 and 3.6 alike) rewrites meta.yaml without the deleted_time key
    updateRunMeta(m.dir, { lifecycle_stage: 'active', deleted_time: undefined });
    this.written();
  }

  async renameRun(runId: string, name: string, options?: CallOptions): Promise<void> {
    checkCancelled(options?.signal);
    checkRunName(name, this.uri);
    const m = this.requireRun(runId);
    this.requireActive(m);
    writeRunTag(m.dir, RUN_NAME_TAG, name);
    updateRunMeta(m.dir, { run_name: name });
    this.written();
  }

  async setRunTag(runId: string, key: string, value: string, options?: CallOptions): Promise<void> {
    checkCancelled(options?.signal);
    checkTag(key, value, this.uri);
    const m = this.requireRun(runId);
    this.requireActive(m);
    writeRunTag(m.dir, key, value);
    // MLflow keeps run_name and the mlflow.runName tag in sync
    if (key === RUN_NAME_TAG) updateRunMeta(m.dir, { run_name: value });
    this.written();
  }

  async deleteRunTag(runId: string, key: string, options?: CallOptions): Promise<void> {
    checkCancelled(options?.signal);
    validateKey(key);
    const m = this.requireRun(runId);
    this.requireActive(m);
    if (!removeRunTag(m.dir, key)) {
      throw new TrackingError('notFound', `No tag with name: ${key} in run with id ${runId}`, { uri: this.uri, status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST' });
    }
    this.written();
  }

  async setRunStatus(runId: string, status: RunStatus, endTime: number, options?: CallOptions): Promise<void> {
    checkCancelled(options?.signal);
    const m = this.requireRun(runId);
    this.requireActive(m);
    updateRunMeta(m.dir, { status: runStatusCode(status), end_time: endTime });
    this.written();
  }

  // ---------------- change notifications ----------------

  private watchTargets(): WatchTargets {
    const structural = [this.root];
    const leaves: string[] = [];
    const trash = this.experiments.trashDir;
    if (isDir(trash)) structural.push(trash);
    const registry = this.registry.dir;
    if (isDir(registry)) {
      structural.push(registry);
      for (const e of listDir(registry)) if (direntIsDir(registry, e)) leaves.push(path.join(registry, e.name));
    }
    for (const x of this.experiments.list(false)) {
      structural.push(x.dir);
      if (isDir(path.join(x.dir, 'tags'))) leaves.push(path.join(x.dir, 'tags'));
      for (const r of this.runs.listRuns(x.dir)) {
        if (r.info.status !== 'RUNNING' || r.info.lifecycleStage !== 'active') continue;
        leaves.push(r.dir);
        for (const sub of ['metrics', 'tags', 'params']) if (isDir(path.join(r.dir, sub))) leaves.push(path.join(r.dir, sub));
      }
    }
    return { structural, leaves };
  }

  artifactDestination(run: Run): ArtifactDestination {
    return { kind: 'copy', dir: runArtifactDirForWrite(this.root, run) };
  }

  onDidChange(listener: () => void): () => void {
    if (this.disposed) return () => undefined;
    this.listeners.add(listener);
    if (!this.watcher) {
      this.watcher = new StoreWatcher(
        () => this.watchTargets(),
        () => {
          for (const l of [...this.listeners]) {
            try {
              l();
            } catch {
              // a listener's failure is not the store's
            }
          }
        },
        this.options.watchDebounceMs ?? 300,
      );
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.watcher) {
        this.watcher.dispose();
        this.watcher = undefined;
      }
    };
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    this.watcher?.dispose();
    this.watcher = undefined;
  }
}
