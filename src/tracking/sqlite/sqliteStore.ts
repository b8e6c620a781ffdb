// TrackingStore over an MLflow SQLite database file. With node:sqlite (engine.ts) the file is read in
// place, each call in one read transaction, and run edits are written in write transactions under
// SQLite's locks; a locked database is retried (short busy timeout, then asynchronous back-off) rather
// than reported. With sql.js (hosts without node:sqlite) the pages a query needs are read from the file,
// the engine is reopened when a cheap stat notices a changed file (or -wal) or a read found the file
// changed under it, and never writes: edits are refused with the reason.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TrackingError } from '../errors';
import type { MetricColumns } from '../metricColumns';
import { listLocalArtifacts, localArtifactSize, normalizeArtifactPath, readLocalArtifact } from '../localArtifacts';
import { downsampleMetrics } from '../sampling';
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
  RunStatus,
  SampledHistoryQuery,
  SearchExperimentsQuery,
  SearchLoggedModelsQuery,
  SearchModelVersionsQuery,
  SearchRegisteredModelsQuery,
  SearchRunsQuery,
  StoreCapabilities,
  TrackingStore,
} from '../types';
import { checkRunName, checkTag } from '../writeRules';
import { localArtifactRoot, runArtifactDirForWrite } from './artifactRoots';
import { Db, fileSignature, type FileSignature, sameSignature } from './database';
import { type EngineChoice, type EngineName, isBusy, isReadOnlyFile } from './engine';
import * as writes from './runWrites';
import * as experiments from './experimentQueries';
import * as loggedModels from './loggedModelQueries';
import * as registry from './registryQueries';
import * as runs from './runQueries';

export interface SqliteStoreOptions {
  /** The tracking URI to show in messages (default `sqlite:///<absolute path>`). */
  uri?: string;
  /** Where sql-wasm.wasm is (default: next to the sql.js package's main file). */
  wasmPath?: string;
  /** Debounce for change notifications from the file watcher, ms (default 300). */
  watchDebounceMs?: number;
  /** Which engine reads (and writes) the file (default 'auto': node:sqlite where the runtime has it). */
  engine?: EngineChoice;
  /** node:sqlite hands rows over as objects, as Node 22 does (for tests of that path under Node 24). */
  objectRows?: boolean;
  /** How long a call keeps retrying while another process holds the database locked, ms (default 10,000). */
  lockWaitMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class SqliteStore implements TrackingStore {
  readonly kind = 'sqlite' as const;
  readonly uri: string;
  private db: Db | undefined;
  private signature: FileSignature | undefined;
  private reloading: Promise<Db> | undefined;
  private disposed = false;
  private readonly listeners = new Set<() => void>();
  private watcher: fs.FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;

  private constructor(
    readonly dbPath: string,
    private readonly options: SqliteStoreOptions,
  ) {
    this.uri = options.uri ?? `sqlite:///${dbPath}`;
  }

  static async open(dbPath: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    const store = new SqliteStore(path.resolve(dbPath), options);
    await store.current();
    return store;
  }

  // ---- database lifecycle ----

  /** The open database, reloaded first when the file (or its -wal) changed since it was read. */
  private async current(signal?: AbortSignal): Promise<Db> {
    if (this.disposed) throw new TrackingError('cancelled', `The SQLite store ${this.uri} was closed.`, { uri: this.uri });
    if (signal?.aborted) throw new TrackingError('cancelled', 'The operation was cancelled.', { uri: this.uri });
    if (this.reloading) return this.reloading;
    const sig = fileSignature(this.dbPath);
    if (this.db && !this.db.engine.stale && sameSignature(this.signature, sig)) return this.db;
    if (this.db?.engine.live && this.signature?.db.split(':')[2] === sig.db.split(':')[2]) {
      // reads see the new data by themselves; only what we learnt about the schema may be stale
      // (a file replaced by another, new inode, is opened afresh below)
      this.db.invalidate();
      this.signature = sig;
      return this.db;
    }
    if (this.reloading) return this.reloading;
    this.reloading = (async () => {
      try {
        const db = await Db.open(this.dbPath, this.uri, { engine: this.options.engine, wasmPath: this.options.wasmPath, objectRows: this.options.objectRows });
        // the file may have changed while it was read: keep the signature from before the read,
        // so the next call reloads again if so
        if (this.disposed) {
          db.close();
          throw new TrackingError('cancelled', `The SQLite store ${this.uri} was closed.`, { uri: this.uri });
        }
        this.db?.close();
        this.db = db;
        this.signature = sig;
        return db;
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  /** Which engine this store reads through. */
  get engine(): EngineName | undefined {
    return this.db?.engine.name;
  }

  /** `fn` on the current database, retried while another process holds it locked. */
  private async locked<T>(options: CallOptions | undefined, fn: (db: Db) => T): Promise<T> {
    const deadline = Date.now() + (this.options.lockWaitMs ?? 10_000);
    for (let attempt = 0; ; attempt++) {
      const db = await this.current(options?.signal);
      try {
        return fn(db);
      } catch (e) {
        if (!isBusy(e)) throw e;
        if (Date.now() >= deadline) {
          throw new TrackingError('unreachable', `The SQLite database ${this.dbPath} stayed locked by another process for ${Math.round((this.options.lockWaitMs ?? 10_000) / 1000)} s.`, {
            uri: this.uri,
            cause: e,
            hint: 'A long write (a migration, a big import) may be running; try again when it is done.',
          });
        }
        await sleep(Math.min(10 * 2 ** attempt, 250));
      }
    }
  }

  /** A read: one consistent snapshot of the file for the whole call. */
  private with<T>(options: CallOptions | undefined, fn: (db: Db) => T): Promise<T> {
    return this.locked(options, (db) => db.read(() => fn(db)));
  }

  /** An edit, done only through an engine that takes SQLite's locks; listeners hear of it at once. */
  private async write(what: string, options: CallOptions | undefined, fn: (db: Db) => void): Promise<void> {
    if (options?.signal?.aborted) throw new TrackingError('cancelled', 'The operation was cancelled.', { uri: this.uri });
    const db = await this.current(options?.signal);
    if (db.engine.writeBlocker) {
      throw new TrackingError('unsupported', `${what} is not possible on ${this.uri} in this VS Code: ${db.engine.writeBlocker}.`, {
        uri: this.uri,
        hint: `Update VS Code (its extension host runs Node ${process.versions.node}), or serve the store with \`mlflow server --backend-store-uri sqlite:///…\` and connect to that server.`,
      });
    }
    try {
      await this.locked(options, fn);
    } catch (e) {
      if (isReadOnlyFile(e)) {
        throw new TrackingError('unsupported', `${what} is not possible: ${this.dbPath} (or its folder) is read-only.`, { uri: this.uri, cause: e, hint: 'Check the file\'s permissions.' });
      }
      throw e;
    }
    if (!this.watcher) for (const l of [...this.listeners]) l();
  }

  artifactDestination(run: Run): ArtifactDestination {
    return { kind: 'copy', dir: runArtifactDirForWrite(this.dbPath, this.uri, run) };
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    this.startWatching();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopWatching();
    };
  }

  private startWatching(): void {
    if (this.watcher || this.disposed) return;
    const dir = path.dirname(this.dbPath);
    const base = path.basename(this.dbPath);
    const names = new Set([base, `${base}-wal`, `${base}-journal`]);
    try {
      this.watcher = fs.watch(dir, { persistent: false }, (_event, filename) => {
        if (filename && !names.has(filename.toString())) return;
        this.scheduleNotify();
      });
      this.watcher.on('error', () => this.stopWatching());
    } catch {
      this.watcher = undefined;
    }
  }

  private scheduleNotify(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      const sig = fileSignature(this.dbPath);
      if (this.disposed || sameSignature(this.signature, sig)) return;
      for (const l of [...this.listeners]) {
        try {
          l();
        } catch {
          // a listener's failure is not ours
        }
      }
    }, this.options.watchDebounceMs ?? 300);
    this.debounce.unref?.();
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.stopWatching();
    this.listeners.clear();
    this.db?.close();
    this.db = undefined;
  }

  // ---- reads ----

  capabilities(options?: CallOptions): Promise<StoreCapabilities> {
    return this.with(options, (db) => ({ writes: !db.engine.writeBlocker, registry: db.hasTable('registered_models'), loggedModels: loggedModels.hasLoggedModels(db) }));
  }

  searchExperiments(query: SearchExperimentsQuery, options?: CallOptions): Promise<Page<Experiment>> {
    return this.with(options, (db) => experiments.searchExperiments(db, query));
  }

  getExperiment(experimentId: string, options?: CallOptions): Promise<Experiment> {
    return this.with(options, (db) => {
      const e = experiments.getExperiment(db, experimentId);
      if (!e) throw new TrackingError('notFound', `No Experiment with id=${experimentId} exists.`, { uri: this.uri, errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
      return e;
    });
  }

  getExperimentByName(name: string, options?: CallOptions): Promise<Experiment | undefined> {
    return this.with(options, (db) => experiments.getExperimentByName(db, name));
  }

  searchRuns(query: SearchRunsQuery, options?: CallOptions): Promise<Page<Run>> {
    return this.with(options, (db) => runs.searchRuns(db, query));
  }

  getRun(runId: string, options?: CallOptions): Promise<Run> {
    return this.with(options, (db) => runs.getRun(db, runId, this.uri));
  }

  /** Sorted by (timestamp, step, value) like the SQL store; an unknown run or key gives [] (the server answers 200 {}). */
  getMetricHistory(runId: string, key: string, options?: CallOptions): Promise<Metric[]> {
    return this.with(options, (db) => runs.getMetricHistory(db, runId, key));
  }

  /** getMetricHistory's points as columns sorted by (step, timestamp, value), no object per point (for charts). */
  getMetricColumns(runId: string, key: string, options?: CallOptions): Promise<MetricColumns> {
    return this.with(options, (db) => runs.getMetricColumns(db, runId, key));
  }

  getSampledMetricHistory(runId: string, key: string, query: SampledHistoryQuery, options?: CallOptions): Promise<Metric[]> {
    return this.with(options, (db) => downsampleMetrics(runs.getMetricHistoryInSteps(db, runId, key, query.startStep, query.endStep), query.maxPoints));
  }

  private async ownerRoot(owner: ArtifactOwner, options?: CallOptions): Promise<string> {
    let rootUri = owner.rootUri;
    if (!rootUri) {
      rootUri = await this.with(options, (db) =>
        owner.type === 'run' ? runs.getRun(db, owner.id, this.uri).info.artifactUri : loggedModels.getLoggedModel(db, owner.id, this.uri).info.artifactUri,
      );
    }
    return localArtifactRoot(rootUri, this.dbPath, this.uri);
  }

  async listArtifacts(owner: ArtifactOwner, relPath?: string, options?: CallOptions): Promise<ArtifactFile[]> {
    normalizeArtifactPath(relPath); // `..` is an invalid request even when the root is unreachable
    return listLocalArtifacts(await this.ownerRoot(owner, options), relPath, options?.signal);
  }

  async readArtifact(owner: ArtifactOwner, relPath: string, options?: CallOptions): Promise<AsyncIterable<Uint8Array>> {
    normalizeArtifactPath(relPath);
    return readLocalArtifact(await this.ownerRoot(owner, options), relPath, options?.signal, this.uri);
  }

  async artifactSize(owner: ArtifactOwner, relPath: string, options?: CallOptions): Promise<number | undefined> {
    normalizeArtifactPath(relPath);
    return localArtifactSize(await this.ownerRoot(owner, options), relPath, this.uri);
  }

  searchRegisteredModels(query: SearchRegisteredModelsQuery, options?: CallOptions): Promise<Page<RegisteredModel>> {
    return this.with(options, (db) => registry.searchRegisteredModels(db, query));
  }

  getRegisteredModel(name: string, options?: CallOptions): Promise<RegisteredModel> {
    return this.with(options, (db) => registry.getRegisteredModel(db, name, this.uri));
  }

  searchModelVersions(query: SearchModelVersionsQuery, options?: CallOptions): Promise<Page<ModelVersion>> {
    return this.with(options, (db) => registry.searchModelVersions(db, query));
  }

  getModelVersion(name: string, version: string, options?: CallOptions): Promise<ModelVersion> {
    return this.with(options, (db) => registry.getModelVersion(db, name, version, this.uri));
  }

  getModelVersionByAlias(name: string, alias: string, options?: CallOptions): Promise<ModelVersion> {
    return this.with(options, (db) => registry.getModelVersionByAlias(db, name, alias, this.uri));
  }

  /** What `model-versions/get-download-uri` answers: storage_location if set, else source. */
  getModelVersionDownloadUri(name: string, version: string, options?: CallOptions): Promise<string> {
    return this.with(options, (db) => registry.getModelVersionDownloadUri(db, name, version, this.uri));
  }

  searchLoggedModels(query: SearchLoggedModelsQuery, options?: CallOptions): Promise<Page<LoggedModel>> {
    return this.with(options, (db) => loggedModels.searchLoggedModels(db, query, this.uri));
  }

  getLoggedModel(modelId: string, options?: CallOptions): Promise<LoggedModel> {
    return this.with(options, (db) => loggedModels.getLoggedModel(db, modelId, this.uri));
  }

  // ---- writes (node:sqlite only) ----

  deleteRun(runId: string, options?: CallOptions): Promise<void> {
    return this.write('Deleting a run', options, (db) => writes.deleteRun(db, runId, this.uri));
  }

  restoreRun(runId: string, options?: CallOptions): Promise<void> {
    return this.write('Restoring a run', options, (db) => writes.restoreRun(db, runId, this.uri));
  }

  async renameRun(runId: string, name: string, options?: CallOptions): Promise<void> {
    checkRunName(name, this.uri);
    return this.write('Renaming a run', options, (db) => writes.renameRun(db, runId, name, this.uri));
  }

  async setRunTag(runId: string, key: string, value: string, options?: CallOptions): Promise<void> {
    checkTag(key, value, this.uri);
    return this.write('Setting a tag', options, (db) => writes.setRunTag(db, runId, key, value, this.uri));
  }

  async deleteRunTag(runId: string, key: string, options?: CallOptions): Promise<void> {
    return this.write('Deleting a tag', options, (db) => writes.deleteRunTag(db, runId, key, this.uri));
  }

  async setRunStatus(runId: string, status: RunStatus, endTime: number, options?: CallOptions): Promise<void> {
    return this.write('Changing the status of a run', options, (db) => writes.setRunStatus(db, runId, status, endTime, this.uri));
  }
}
