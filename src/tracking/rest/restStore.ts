// TrackingStore over MLflow's REST API (`mlflow server`, 2.x and 3.x). No `vscode` import.
//
// Decisions worth knowing:
//  * every search sends max_results (experiments/search 400s without it; get-history on 3.2+
//    returns an empty page and an endless token without it) — defaults below;
//  * getMetricHistory follows next_page_token and stops on a repeated token or on an empty page
//    that still carries a token (the 3.x omitted-max_results bug), logging a warning;
//  * getSampledMetricHistory uses GET /api/2.0/mlflow/metrics/get-history-bulk-interval (2.11+);
//    after a non-JSON 404/405/501 the store remembers that the server lacks it and samples on the
//    client (full history + downsampleMetrics). NEGATIVE STEPS: without a step range MLflow's
//    sampling covers [0, max step], i.e. it drops negative steps (as the MLflow UI charts do). We
//    keep that behaviour on both paths so a chart looks the same whichever path served it; pass
//    startStep explicitly (e.g. a negative number) to include negative steps. getMetricHistory
//    always returns every point;
//  * artifacts of `mlflow-artifacts:` roots (and http(s) …/api/2.0/mlflow-artifacts/artifacts/…
//    roots) stream from the proxied artifact service; names with non-ASCII characters make real
//    servers fail (3.x: 500, 2.x: dropped connection), so for runs those go to /get-artifact
//    directly; other roots use /get-artifact (runs) or the logged-model files route;
//  * credentials go only to the tracking server's origin, never to another host named by an
//    artifact root, and never into a log line or an error message.

import { TrackingError, isTrackingError } from '../errors';
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
import {
  parseArtifactFile,
  parseExperiment,
  parseLoggedModel,
  parseMetric,
  parseModelVersion,
  parseRegisteredModel,
  parseRun,
} from '../wire';
import { authFromUserinfo, redactUri, type RestAuth } from './auth';
import { isAscii, proxiedFileUrl, proxiedRoot } from './artifactsProxy';
import { HTML_HINT, looksLikeHtml } from './classify';
import { HttpClient, type LogFn, type QueryValue } from './httpClient';

export interface RestOptions {
  /** http(s)://host[:port][/prefix] */
  uri: string;
  auth?: RestAuth;
  headers?: Record<string, string>;
  /** PEM file of the CA that signed the server's certificate. */
  caFile?: string;
  /** Skip TLS verification (test servers only). */
  insecure?: boolean;
  /** http(s) proxy URL (VS Code's http.proxy). Without it, HTTPS_PROXY/HTTP_PROXY/ALL_PROXY of `env` apply; NO_PROXY of `env` always applies. */
  proxy?: string;
  /** Environment for the proxy fallback (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Per-request deadline (default 30000). */
  timeoutMs?: number;
  /** Largest JSON answer read into memory (default 64 MiB). */
  maxResponseBytes?: number;
  /** Extra attempts for idempotent calls (default 3). */
  retries?: number;
  /** First backoff delay (default 300 ms). */
  retryBaseDelayMs?: number;
  /** Total time spent waiting between attempts of one call (default 15000 ms). */
  maxRetryTimeMs?: number;
  /** Page size of metrics/get-history (default 25000, as the Python client). */
  historyPageSize?: number;
  log?: LogFn;
}

export interface ProbeResult {
  ok: boolean;
  /** Server version from GET /version, when it answered. */
  version?: string;
  error?: TrackingError;
}

const API = '/api/2.0/mlflow';
const DEFAULT_EXPERIMENTS_PAGE = 1000;
const DEFAULT_RUNS_PAGE = 1000;
const DEFAULT_REGISTERED_MODELS_PAGE = 100;
const DEFAULT_MODEL_VERSIONS_PAGE = 1000;
const DEFAULT_LOGGED_MODELS_PAGE = 100;
const HISTORY_PAGE = 25_000;
const BULK_INTERVAL_MAX = 2500;
const INT64_MAX = '9223372036854775807';

type Json = Record<string, unknown>;

function list(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new TrackingError('invalidData', `The server sent an unexpected ${what}.`);
  return v;
}

function token(body: Json): string | undefined {
  const t = body.next_page_token;
  return typeof t === 'string' && t !== '' ? t : undefined;
}

function page<T>(items: T[], body: Json): Page<T> {
  const next = token(body);
  return next === undefined ? { items } : { items, nextPageToken: next };
}

function nonEmpty<T>(a: readonly T[] | undefined): readonly T[] | undefined {
  return a && a.length ? a : undefined;
}

function cleanRel(path: string | undefined): string {
  return (path ?? '').replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
}

export class RestStore implements TrackingStore {
  readonly kind = 'rest' as const;
  readonly uri: string;
  private readonly http: HttpClient;
  private readonly historyPageSize: number;
  /** The server lacks get-history-bulk-interval (answered 404/405/501 without MLflow JSON). */
  private noBulkInterval = false;
  private versionPromise?: Promise<string | undefined>;

  constructor(private readonly options: RestOptions) {
    let url: URL | undefined;
    try {
      url = new URL(options.uri);
    } catch {
      url = undefined;
    }
    this.uri = redactUri(options.uri);
    const auth = options.auth ?? (url ? authFromUserinfo(url) : undefined);
    this.http = new HttpClient({
      baseUrl: options.uri,
      auth,
      headers: options.headers,
      caFile: options.caFile,
      insecure: options.insecure,
      proxy: options.proxy,
      proxyEnv: options.env ?? process.env,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      retries: options.retries,
      retryBaseDelayMs: options.retryBaseDelayMs,
      maxRetryTimeMs: options.maxRetryTimeMs,
      log: options.log,
    });
    this.uri = this.http.displayUri;
    this.historyPageSize = options.historyPageSize ?? HISTORY_PAGE;
  }

  // ---- plumbing ----

  private get(path: string, query: Record<string, QueryValue> | undefined, options?: CallOptions): Promise<Json> {
    return this.http.json({ method: 'GET', path, query, signal: options?.signal });
  }

  /** POST for reads (searches): retried like GETs. */
  private postRead(path: string, json: Json, options?: CallOptions): Promise<Json> {
    return this.http.json({ method: 'POST', path, json, idempotent: true, signal: options?.signal });
  }

  /** POST for writes: never retried. */
  private async write(path: string, json: Json, options?: CallOptions): Promise<Json> {
    return this.http.json({ method: 'POST', path, json, idempotent: false, signal: options?.signal });
  }

  /** GET /version (plain text). Cached. */
  serverVersion(options?: CallOptions): Promise<string | undefined> {
    if (!this.versionPromise) {
      const p = this.http.text({ method: 'GET', path: '/version', signal: options?.signal }).then(({ text, contentType, status }) => {
        const v = text.trim();
        if (looksLikeHtml(contentType, text) || !/^\d+\.\d+/.test(v)) {
          throw new TrackingError('server', `The server at ${this.uri} answered GET /version with ${looksLikeHtml(contentType, text) ? 'an HTML page' : 'something that is not a version'} (HTTP ${status}), not the MLflow API.`, {
            uri: this.uri,
            status,
            hint: HTML_HINT,
          });
        }
        return v;
      });
      this.versionPromise = p;
      p.catch(() => {
        if (this.versionPromise === p) this.versionPromise = undefined;
      });
    }
    return this.versionPromise;
  }

  /** Checks the server for the "Set Tracking URI" flow: GET /version, then experiments/search max_results=1. */
  async probe(options?: CallOptions): Promise<ProbeResult> {
    let version: string | undefined;
    try {
      version = await this.serverVersion(options);
    } catch (e) {
      const err = toError(e, this.uri);
      // /version may be hidden by a proxy; only a failure that the search would repeat ends the probe
      if (['auth', 'unreachable', 'timeout', 'cancelled'].includes(err.kind)) return { ok: false, error: err };
      this.http.log('info', `GET /version failed (${err.message}); trying experiments/search`);
    }
    try {
      await this.searchExperiments({ maxResults: 1 }, options);
      return version === undefined ? { ok: true } : { ok: true, version };
    } catch (e) {
      const err = toError(e, this.uri);
      return version === undefined ? { ok: false, error: err } : { ok: false, version, error: err };
    }
  }

  async capabilities(options?: CallOptions): Promise<StoreCapabilities> {
    let loggedModels = true;
    try {
      const v = await this.serverVersion(options);
      const major = v ? Number(/^(\d+)/.exec(v)?.[1]) : NaN;
      if (Number.isFinite(major)) loggedModels = major >= 3;
    } catch (e) {
      if (isTrackingError(e, 'cancelled')) throw e;
      // unknown version: assume a current server; logged-model calls report "unsupported" on a 2.x one
    }
    return { writes: true, registry: true, loggedModels };
  }

  // ---- experiments ----

  async searchExperiments(query: SearchExperimentsQuery, options?: CallOptions): Promise<Page<Experiment>> {
    const body: Json = { max_results: query.maxResults ?? DEFAULT_EXPERIMENTS_PAGE };
    if (query.filter) body.filter = query.filter;
    if (nonEmpty(query.orderBy)) body.order_by = query.orderBy;
    if (query.viewType) body.view_type = query.viewType;
    if (query.pageToken) body.page_token = query.pageToken;
    const res = await this.postRead(`${API}/experiments/search`, body, options);
    return page(list(res.experiments, 'experiment list').map(parseExperiment), res);
  }

  async getExperiment(experimentId: string, options?: CallOptions): Promise<Experiment> {
    const res = await this.get(`${API}/experiments/get`, { experiment_id: experimentId }, options);
    return parseExperiment(res.experiment);
  }

  async getExperimentByName(name: string, options?: CallOptions): Promise<Experiment | undefined> {
    try {
      const res = await this.get(`${API}/experiments/get-by-name`, { experiment_name: name }, options);
      return parseExperiment(res.experiment);
    } catch (e) {
      if (isTrackingError(e, 'notFound') && e.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw e;
    }
  }

  // ---- runs ----

  async searchRuns(query: SearchRunsQuery, options?: CallOptions): Promise<Page<Run>> {
    const body: Json = { experiment_ids: query.experimentIds, max_results: query.maxResults ?? DEFAULT_RUNS_PAGE };
    if (query.filter) body.filter = query.filter;
    if (query.runViewType) body.run_view_type = query.runViewType;
    if (nonEmpty(query.orderBy)) body.order_by = query.orderBy;
    if (query.pageToken) body.page_token = query.pageToken;
    const res = await this.postRead(`${API}/runs/search`, body, options);
    return page(list(res.runs, 'run list').map(parseRun), res);
  }

  async getRun(runId: string, options?: CallOptions): Promise<Run> {
    const res = await this.get(`${API}/runs/get`, { run_id: runId }, options);
    return parseRun(res.run);
  }

  // ---- metrics ----

  async getMetricHistory(runId: string, key: string, options?: CallOptions): Promise<Metric[]> {
    const out: Metric[] = [];
    const sent = new Set<string>();
    let pageToken: string | undefined;
    for (;;) {
      const res = await this.get(
        `${API}/metrics/get-history`,
        { run_id: runId, metric_key: key, max_results: this.historyPageSize, page_token: pageToken },
        options,
      );
      const points = list(res.metrics, 'metric history').map(parseMetric);
      for (const p of points) out.push(p);
      const next = token(res);
      if (next === undefined) break;
      if (sent.has(next) || next === pageToken) {
        this.http.log('warn', `metrics/get-history for ${key} returned page token ${next} again; stopping after ${out.length} points`);
        break;
      }
      if (points.length === 0) {
        this.http.log('warn', `metrics/get-history for ${key} returned an empty page with a page token; stopping after ${out.length} points`);
        break;
      }
      if (pageToken !== undefined) sent.add(pageToken);
      sent.add(next);
      pageToken = next;
    }
    return out;
  }

  async getSampledMetricHistory(runId: string, key: string, query: SampledHistoryQuery, options?: CallOptions): Promise<Metric[]> {
    const maxPoints = Math.max(1, Math.floor(query.maxPoints));
    if (!this.noBulkInterval) {
      const q: Record<string, QueryValue> = { run_ids: [runId], metric_key: key, max_results: Math.min(BULK_INTERVAL_MAX, maxPoints) };
      if (query.startStep !== undefined || query.endStep !== undefined) {
        // the server wants both or neither; the missing one defaults like the server's own range
        q.start_step = query.startStep ?? 0;
        q.end_step = query.endStep ?? INT64_MAX;
      }
      try {
        const res = await this.get(`${API}/metrics/get-history-bulk-interval`, q, options);
        return list(res.metrics, 'sampled metric history').map(parseMetric);
      } catch (e) {
        if (!(isTrackingError(e) && e.errorCode === undefined && (e.status === 404 || e.status === 405 || e.status === 501))) throw e;
        this.noBulkInterval = true;
        this.http.log('info', `${this.uri} has no metrics/get-history-bulk-interval (HTTP ${e.status}); sampling metric histories in the extension`);
      }
    }
    const all = await this.getMetricHistory(runId, key, options);
    const ranged = inStepRange(all, query.startStep ?? 0, query.endStep);
    return downsampleMetrics(ranged, maxPoints).map((m) => (m.runId === undefined ? { ...m, runId } : m));
  }

  // ---- artifacts ----

  private checkRel(rel: string, raw: string | undefined): void {
    if (rel.split('/').some((s) => s === '..' || s === '.')) {
      throw new TrackingError('invalidRequest', `Invalid artifact path "${raw}" for ${this.uri}: it must stay inside the artifact root.`, { uri: this.uri, status: 400 });
    }
  }

  async listArtifacts(owner: ArtifactOwner, path?: string, options?: CallOptions): Promise<ArtifactFile[]> {
    const rel = cleanRel(path);
    this.checkRel(rel, path);
    const out: ArtifactFile[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    for (;;) {
      const res =
        owner.type === 'run'
          ? await this.get(`${API}/artifacts/list`, { run_id: owner.id, path: rel || undefined, page_token: pageToken }, options)
          : await this.get(
              `${API}/logged-models/${encodeURIComponent(owner.id)}/artifacts/directories`,
              { artifact_directory_path: rel || undefined, page_token: pageToken },
              options,
            );
      for (const f of list(res.files, 'artifact list').map(parseArtifactFile)) {
        // paths are root-relative; tolerate servers that answer with names relative to `path`
        out.push(rel && !f.path.startsWith(`${rel}/`) && f.path !== rel ? { ...f, path: `${rel}/${f.path.replace(/^\/+/, '')}` } : f);
      }
      const next = token(res);
      if (next === undefined || seen.has(next)) break;
      seen.add(next);
      pageToken = next;
    }
    return out;
  }

  async artifactSize(owner: ArtifactOwner, path: string, options?: CallOptions): Promise<number | undefined> {
    const rel = cleanRel(path);
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    const files = await this.listArtifacts(owner, parent, options);
    const f = files.find((x) => x.path === rel);
    if (!f || f.isDir) return undefined;
    return f.fileSize ?? 0; // MLflow omits file_size for empty files
  }

  async readArtifact(owner: ArtifactOwner, path: string, options?: CallOptions): Promise<AsyncIterable<Uint8Array>> {
    const rel = cleanRel(path);
    this.checkRel(rel, path);
    const who = owner.type === 'run' ? `run ${owner.id}` : `logged model ${owner.id}`;
    const root = proxiedRoot(owner.rootUri);
    if (root && (isAscii(rel) || owner.type === 'loggedModel')) {
      const { url, sameOrigin } = proxiedFileUrl(root, rel, this.http.base);
      try {
        const { body } = await this.http.stream({ method: 'GET', path: url, withAuth: sameOrigin, signal: options?.signal });
        return body;
      } catch (e) {
        throw this.artifactError(e, rel, who, !isAscii(rel));
      }
    }
    try {
      const req =
        owner.type === 'run'
          ? { path: '/get-artifact', query: { path: rel, run_uuid: owner.id } }
          : { path: `/ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(owner.id)}/artifacts/files`, query: { artifact_file_path: rel } };
      const { body } = await this.http.stream({ method: 'GET', ...req, signal: options?.signal });
      return body;
    } catch (e) {
      throw this.artifactError(e, rel, who, false);
    }
  }

  /** Streams a file of a registered model version (GET /model-versions/get-artifact, any artifact root). */
  async readModelVersionArtifact(name: string, version: string, path: string, options?: CallOptions): Promise<AsyncIterable<Uint8Array>> {
    const { body } = await this.http.stream({
      method: 'GET',
      path: '/model-versions/get-artifact',
      query: { path: cleanRel(path), name, version },
      signal: options?.signal,
    });
    return body;
  }

  private artifactError(e: unknown, rel: string, who: string, nonAscii: boolean): TrackingError {
    const err = toError(e, this.uri);
    if (nonAscii && (err.kind === 'server' || err.kind === 'unreachable')) {
      return new TrackingError('server', `The server at ${this.uri} cannot send "${rel}" of ${who}: MLflow's artifact download fails for file names with non-ASCII characters.`, {
        uri: this.uri,
        status: err.status,
        hint: 'Download it with the MLflow CLI (`mlflow artifacts download`) or rename the file.',
        cause: err,
      });
    }
    if (err.kind === 'server' && err.errorCode === 'INTERNAL_ERROR' && /No such file or directory|does not exist/i.test(err.message)) {
      return new TrackingError('notFound', `Artifact "${rel}" of ${who} does not exist on ${this.uri}.`, {
        uri: this.uri,
        status: err.status,
        errorCode: err.errorCode,
        cause: err,
      });
    }
    return err;
  }

  /**
   * Uploads one file through the proxied artifact service (PUT /api/2.0/mlflow-artifacts/artifacts/<root>/<path>).
   * Only for `mlflow-artifacts:` (or proxied http) roots. Never retried.
   */
  async uploadArtifact(
    owner: ArtifactOwner,
    path: string,
    body: AsyncIterable<Uint8Array> | Uint8Array,
    contentType?: string,
    options?: CallOptions,
  ): Promise<void> {
    const rel = cleanRel(path);
    this.checkRel(rel, path);
    if (!rel) throw new TrackingError('invalidRequest', `Uploading to ${this.uri} needs a file path.`, { uri: this.uri, status: 400 });
    const root = proxiedRoot(owner.rootUri);
    if (!root) {
      throw new TrackingError('unsupported', `Uploading artifacts to ${owner.rootUri} is not possible through ${this.uri}: only proxied (mlflow-artifacts:) roots can be written over HTTP.`, {
        uri: this.uri,
        hint: 'Start the server with --serve-artifacts so runs get mlflow-artifacts: roots, or log the file with the MLflow Python client.',
      });
    }
    const { url, sameOrigin } = proxiedFileUrl(root, rel, this.http.base);
    await this.http.json({
      method: 'PUT',
      path: url,
      body,
      contentType: contentType ?? 'application/octet-stream',
      idempotent: false,
      withAuth: sameOrigin,
      signal: options?.signal,
    });
  }

  /** Runs whose root is proxied (mlflow-artifacts:) take uploads; uploadArtifact refuses the others. */
  artifactDestination(): ArtifactDestination {
    return { kind: 'proxy', uploader: this };
  }

  // ---- model registry ----

  async searchRegisteredModels(query: SearchRegisteredModelsQuery, options?: CallOptions): Promise<Page<RegisteredModel>> {
    const res = await this.get(
      `${API}/registered-models/search`,
      {
        filter: query.filter || undefined,
        max_results: query.maxResults ?? DEFAULT_REGISTERED_MODELS_PAGE,
        order_by: nonEmpty(query.orderBy),
        page_token: query.pageToken || undefined,
      },
      options,
    );
    return page(list(res.registered_models, 'registered model list').map(parseRegisteredModel), res);
  }

  async getRegisteredModel(name: string, options?: CallOptions): Promise<RegisteredModel> {
    const res = await this.get(`${API}/registered-models/get`, { name }, options);
    return parseRegisteredModel(res.registered_model);
  }

  async searchModelVersions(query: SearchModelVersionsQuery, options?: CallOptions): Promise<Page<ModelVersion>> {
    const res = await this.get(
      `${API}/model-versions/search`,
      {
        filter: query.filter || undefined,
        max_results: query.maxResults ?? DEFAULT_MODEL_VERSIONS_PAGE,
        order_by: nonEmpty(query.orderBy),
        page_token: query.pageToken || undefined,
      },
      options,
    );
    return page(list(res.model_versions, 'model version list').map(parseModelVersion), res);
  }

  async getModelVersion(name: string, version: string, options?: CallOptions): Promise<ModelVersion> {
    const res = await this.get(`${API}/model-versions/get`, { name, version }, options);
    return parseModelVersion(res.model_version);
  }

  async getModelVersionByAlias(name: string, alias: string, options?: CallOptions): Promise<ModelVersion> {
    try {
      const res = await this.get(`${API}/registered-models/alias`, { name, alias }, options);
      return parseModelVersion(res.model_version);
    } catch (e) {
      // MLflow answers 400 INVALID_PARAMETER_VALUE "Registered model alias X not found."
      if (isTrackingError(e, 'invalidRequest') && /alias .* not found/i.test(e.message)) {
        throw new TrackingError('notFound', `Model "${name}" has no alias "${alias}" on ${this.uri}.`, {
          uri: this.uri,
          status: e.status,
          errorCode: e.errorCode,
          cause: e,
        });
      }
      throw e;
    }
  }

  // ---- logged models (MLflow 3) ----

  private loggedModelsUnsupported(e: unknown): unknown {
    if (isTrackingError(e) && e.errorCode === undefined && (e.status === 404 || e.status === 405)) {
      return new TrackingError('unsupported', `The MLflow server at ${this.uri} does not know logged models (HTTP ${e.status}); they need MLflow 3.0 or later on the server.`, {
        uri: this.uri,
        status: e.status,
        cause: e,
      });
    }
    return e;
  }

  async searchLoggedModels(query: SearchLoggedModelsQuery, options?: CallOptions): Promise<Page<LoggedModel>> {
    const body: Json = { experiment_ids: query.experimentIds, max_results: query.maxResults ?? DEFAULT_LOGGED_MODELS_PAGE };
    if (query.filter) body.filter = query.filter;
    if (nonEmpty(query.orderBy)) {
      body.order_by = query.orderBy!.map((o) => (o.ascending === undefined ? { field_name: o.fieldName } : { field_name: o.fieldName, ascending: o.ascending }));
    }
    if (query.pageToken) body.page_token = query.pageToken;
    try {
      const res = await this.postRead(`${API}/logged-models/search`, body, options);
      return page(list(res.models, 'logged model list').map(parseLoggedModel), res);
    } catch (e) {
      throw this.loggedModelsUnsupported(e);
    }
  }

  async getLoggedModel(modelId: string, options?: CallOptions): Promise<LoggedModel> {
    try {
      const res = await this.get(`${API}/logged-models/${encodeURIComponent(modelId)}`, undefined, options);
      return parseLoggedModel(res.model);
    } catch (e) {
      throw this.loggedModelsUnsupported(e);
    }
  }

  // ---- writes (never retried) ----

  async deleteRun(runId: string, options?: CallOptions): Promise<void> {
    await this.write(`${API}/runs/delete`, { run_id: runId }, options);
  }

  async restoreRun(runId: string, options?: CallOptions): Promise<void> {
    await this.write(`${API}/runs/restore`, { run_id: runId }, options);
  }

  async renameRun(runId: string, name: string, options?: CallOptions): Promise<void> {
    await this.write(`${API}/runs/update`, { run_id: runId, run_name: name }, options);
  }

  async setRunTag(runId: string, key: string, value: string, options?: CallOptions): Promise<void> {
    await this.write(`${API}/runs/set-tag`, { run_id: runId, key, value }, options);
  }

  async deleteRunTag(runId: string, key: string, options?: CallOptions): Promise<void> {
    await this.write(`${API}/runs/delete-tag`, { run_id: runId, key }, options);
  }

  async setRunStatus(runId: string, status: RunStatus, endTime: number, options?: CallOptions): Promise<void> {
    await this.write(`${API}/runs/update`, { run_id: runId, status, end_time: endTime }, options);
  }

  dispose(): void {
    void this.http.close();
  }

  /** For tests and diagnostics: the low-level client (same auth, TLS, proxy and retry settings). */
  get client(): HttpClient {
    return this.http;
  }
}

function toError(e: unknown, uri: string): TrackingError {
  if (isTrackingError(e)) return e;
  return new TrackingError('server', `Unexpected failure talking to ${uri}: ${e instanceof Error ? e.message : String(e)}`, { uri, cause: e });
}

/** Probes a tracking server without keeping a store: for the "Set Tracking URI" flow. */
export async function testConnection(options: RestOptions, callOptions?: CallOptions): Promise<ProbeResult> {
  let store: RestStore;
  try {
    store = new RestStore(options);
  } catch (e) {
    return { ok: false, error: toError(e, redactUri(options.uri)) };
  }
  try {
    return await store.probe(callOptions);
  } finally {
    store.dispose();
  }
}

