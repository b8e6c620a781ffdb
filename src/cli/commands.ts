// Builders for the MLflow CLI commands the extension runs (as a VS Code task with ProcessExecution, or in a
// terminal through quote.ts). Pure: no `vscode`, no process spawning. Every builder validates its input and
// returns either a command or user-facing errors, plus warnings the UI must show before running.
//
// Tracking/registry URIs and credentials always travel in the environment, never in argv (argv is visible to
// every user of the machine and ends up in terminal history).

import * as path from 'node:path';
import {
  COMMAND_OPTIONS,
  COMMAND_TITLES,
  COMMAND_WORDS,
  CommandId,
  GLOBAL_OPTIONS,
  OptionSpec,
  OptionValue,
  checkOptionValue,
  isUnset,
  optionArgs,
  optionAvailable,
  resolveSpec,
} from './options';
import { MlflowMajor, MlflowVersion, majorOf, parseVersionString } from './version';

export type MlflowInvocation =
  /** An `mlflow` executable (console script). */
  | { kind: 'mlflow'; path: string }
  /** A Python interpreter with MLflow installed: run as `python -m mlflow`. */
  | { kind: 'python'; path: string };

export interface CliCommand {
  executable: string;
  args: string[];
  /** Variables to add to the inherited environment. */
  env: Record<string, string>;
  cwd?: string;
  /** What it does, for messages that add their own "MLflow: " (e.g. "serve models:/m@prod on 127.0.0.1:5001"). */
  title: string;
}

export type IssueSeverity = 'error' | 'warning' | 'info';

export interface CliIssue {
  severity: IssueSeverity;
  /** Stable id for tests and telemetry-free logging, e.g. 'gc-http-backend'. */
  code: string;
  message: string;
  /** The option the issue is about (builder option key). */
  option?: string;
}

export type BuildResult =
  | { ok: true; command: CliCommand; warnings: CliIssue[] }
  | { ok: false; errors: CliIssue[]; warnings: CliIssue[] };

/** Where the spawned process should find runs and models (from the active connection). */
export interface TrackingContext {
  trackingUri?: string;
  registryUri?: string;
  username?: string;
  password?: string;
  token?: string;
  /** MLFLOW_TRACKING_INSECURE_TLS */
  insecureTls?: boolean;
  /** MLFLOW_TRACKING_SERVER_CERT_PATH (CA bundle) */
  serverCertPath?: string;
  /** MLFLOW_TRACKING_CLIENT_CERT_PATH (PEM with certificate and key) */
  clientCertPath?: string;
}

export interface BuildContext {
  invocation: MlflowInvocation;
  /** Detected MLflow version ("3.6.0" or parsed). Unknown: MLflow 3 is assumed and minor-version checks are skipped. */
  version?: MlflowVersion | string;
  tracking?: TrackingContext;
  cwd?: string;
  /** More variables for the process (not validated; never put secrets in argv instead). */
  extraEnv?: Record<string, string>;
  /** `mlflow --env-file <path>` (MLflow 3.4+). */
  envFile?: string;
  /** Platform the command will run on (default: this process's). */
  platform?: NodeJS.Platform;
}

export interface ServeOptions {
  modelUri: string;
  port?: number | string;
  host?: string;
  timeout?: number | string;
  workers?: number | string;
  envManager?: string;
  noConda?: boolean;
  installMlflow?: boolean;
  enableMlserver?: boolean;
}

export interface PredictOptions {
  modelUri: string;
  inputPath?: string;
  outputPath?: string;
  /** json | csv. Inferred from the input file's extension when not given. */
  contentType?: string;
  envManager?: string;
  installMlflow?: boolean;
  /** "a==1,b==2" or ['a==1', 'b==2'] */
  pipRequirementsOverride?: string | readonly string[];
  /** `--env KEY=VALUE` for the model process: a map or ['KEY=VALUE', …]. */
  env?: Readonly<Record<string, string>> | readonly string[];
}

export interface BuildDockerOptions {
  modelUri?: string;
  name?: string;
  envManager?: string;
  mlflowHome?: string;
  /** undefined: MLflow decides (3.x); 2.x only knows on/off. */
  installJava?: boolean;
  installMlflow?: boolean;
  enableMlserver?: boolean;
}

export interface GenerateDockerfileOptions {
  modelUri?: string;
  outputDirectory?: string;
  envManager?: string;
  mlflowHome?: string;
  installJava?: boolean;
  installMlflow?: boolean;
  enableMlserver?: boolean;
}

export interface GcOptions {
  olderThan?: string;
  /** Default: the connection's tracking URI when it is a file or SQL store. */
  backendStoreUri?: string;
  artifactsDestination?: string;
  runIds?: string | readonly string[];
  experimentIds?: string | readonly string[];
  /** MLflow 3 `--tracking-uri`; passed as MLFLOW_TRACKING_URI (same effect, keeps it out of argv). */
  trackingUri?: string;
}

export interface GcContext extends BuildContext {
  /**
   * Ids of the experiments currently in the `deleted` state, when the caller knows them. Used to make the
   * `--run-ids` pitfall warning precise (no warning when there are none).
   */
  deletedExperimentIds?: readonly string[];
  /** Local stores the caller found (workspace mlruns / mlflow.db), suggested when the backend is http. */
  suggestedStores?: readonly string[];
}

export interface ServerOptions {
  backendStoreUri?: string;
  registryStoreUri?: string;
  defaultArtifactRoot?: string;
  serveArtifacts?: boolean;
  artifactsOnly?: boolean;
  artifactsDestination?: string;
  host?: string;
  port?: number | string;
  workers?: number | string;
  allowedHosts?: string | readonly string[];
  corsAllowedOrigins?: string | readonly string[];
  disableSecurityMiddleware?: boolean;
  xFrameOptions?: string;
  staticPrefix?: string;
  gunicornOpts?: string;
  waitressOpts?: string;
  uvicornOpts?: string;
  exposePrometheus?: string;
  appName?: string;
  dev?: boolean;
}

export interface ServerContext extends BuildContext {
  /** `mlflow ui` is the same command under another name. Default 'server'. */
  subcommand?: 'server' | 'ui';
}

// ---- environment -----------------------------------------------------------------------------------------

export const SECRET_ENV_KEYS: readonly string[] = ['MLFLOW_TRACKING_PASSWORD', 'MLFLOW_TRACKING_TOKEN'];

/** True when a variable name looks like it holds a secret (for masking in logs and warnings). */
export function looksSecret(name: string): boolean {
  return SECRET_ENV_KEYS.includes(name) || /(PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|ACCESS_?KEY|CREDENTIAL)/i.test(name);
}

function hasUserInfo(uri: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(uri);
}

/** Env for a process that talks to the tracking store / registry. Returns issues for contradictory TLS settings. */
export function trackingEnv(t: TrackingContext | undefined, issues: CliIssue[]): Record<string, string> {
  const env: Record<string, string> = {};
  if (!t) return env;
  if (t.trackingUri) env.MLFLOW_TRACKING_URI = t.trackingUri;
  if (t.registryUri) env.MLFLOW_REGISTRY_URI = t.registryUri;
  if (t.username !== undefined && t.username !== '') env.MLFLOW_TRACKING_USERNAME = t.username;
  if (t.password !== undefined && t.password !== '') env.MLFLOW_TRACKING_PASSWORD = t.password;
  if (t.token) env.MLFLOW_TRACKING_TOKEN = t.token;
  if (t.insecureTls && t.serverCertPath) {
    issues.push({
      severity: 'error',
      code: 'tls-conflict',
      message: 'MLflow refuses to skip TLS verification and use a CA file at the same time: turn off mlflow.tls.insecure or clear mlflow.tls.caFile.',
    });
  }
  if (t.insecureTls) env.MLFLOW_TRACKING_INSECURE_TLS = 'true';
  if (t.serverCertPath) env.MLFLOW_TRACKING_SERVER_CERT_PATH = t.serverCertPath;
  if (t.clientCertPath) env.MLFLOW_TRACKING_CLIENT_CERT_PATH = t.clientCertPath;
  return env;
}

// ---- store URIs ------------------------------------------------------------------------------------------

export type StoreUriKind = 'file' | 'sql' | 'http' | 'databricks' | 'artifacts' | 'other';

/** Classifies a tracking / backend store URI the way MLflow picks a store (scheme; no scheme = file store). */
export function classifyStoreUri(uri: string): StoreUriKind {
  const u = uri.trim();
  if (/^(databricks|databricks-uc|uc)$/i.test(u)) return 'databricks'; // looked up as-is by MLflow
  if (/^[a-zA-Z]:[\\/]/.test(u) || /^\\\\/.test(u)) return 'file'; // Windows drive or UNC path
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(u);
  if (!m) return 'file';
  const scheme = m[1].toLowerCase();
  if (scheme === 'file') return 'file';
  if (/^(sqlite|postgresql|mysql|mssql)/.test(scheme)) return 'sql';
  if (scheme === 'http' || scheme === 'https') return 'http';
  if (scheme === 'databricks' || scheme === 'databricks-uc' || scheme === 'uc') return 'databricks';
  if (scheme === 'mlflow-artifacts') return 'artifacts';
  return 'other';
}

/**
 * A local path as a URI MLflow parses correctly everywhere: Windows drive paths become `file:///C:/…`
 * (a bare `C:\x` would be read as scheme "c"); anything else is returned unchanged.
 */
export function toStoreUri(p: string): string {
  if (/^[a-zA-Z]:[\\/]/.test(p)) {
    return 'file:///' + p.replace(/\\/g, '/').split('/').map((seg, i) => (i === 0 ? seg : encodeURIComponent(seg))).join('/');
  }
  return p;
}

// ---- generic builder --------------------------------------------------------------------------------------

interface Resolved {
  version?: MlflowVersion;
  major: MlflowMajor;
}

function resolveVersion(v: MlflowVersion | string | undefined, issues: CliIssue[]): Resolved {
  if (v === undefined) return { major: 'v3' };
  const parsed = typeof v === 'string' ? parseVersionString(v) : v;
  if (!parsed) {
    issues.push({ severity: 'warning', code: 'version-unknown', message: `Could not read the MLflow version "${String(v)}"; assuming MLflow 3.` });
    return { major: 'v3' };
  }
  if (parsed.major < 2) {
    issues.push({ severity: 'error', code: 'version-too-old', message: `MLflow ${parsed.raw} is too old: the extension needs MLflow 2.0 or later.` });
  }
  return { version: parsed, major: majorOf(parsed) };
}

function versionName(r: Resolved): string {
  return r.version ? `MLflow ${r.version.raw}` : `MLflow ${r.major === 'v2' ? '2' : '3'}`;
}

function unavailableMessage(spec: OptionSpec, r: Resolved): string {
  if (!spec.versions.includes(r.major)) {
    if (spec.versions.includes('v3')) return `${spec.long} needs MLflow ${spec.since ?? '3.0'} or later; this is ${versionName(r)}.`;
    return `${spec.long} only exists in MLflow 2; this is ${versionName(r)}.`;
  }
  if (spec.since) return `${spec.long} needs MLflow ${spec.since} or later; this is ${versionName(r)}.`;
  return `${spec.long} is not available in ${versionName(r)}.`;
}

/** Options whose value the builder passes through their env var instead of argv. */
const VIA_ENV: ReadonlySet<string> = new Set(['gc.trackingUri']);

interface Assembled {
  args: string[];
  env: Record<string, string>;
  /** Normalised values by key. */
  values: Record<string, OptionValue>;
}

function assemble(command: CommandId, values: object, ctx: BuildContext, r: Resolved, issues: CliIssue[]): Assembled {
  const specs = COMMAND_OPTIONS[command];
  const known = new Set(specs.map((s) => s.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key) && (values as Record<string, unknown>)[key] !== undefined) {
      issues.push({ severity: 'error', code: 'unknown-option', option: key, message: `mlflow ${COMMAND_WORDS[command].join(' ')} has no option "${key}".` });
    }
  }
  const args: string[] = [];
  const env: Record<string, string> = {};
  const normalised: Record<string, OptionValue> = {};
  const availability = r.version ?? r.major;
  for (const base of specs) {
    const raw = (values as Record<string, unknown>)[base.key];
    if (isUnset(raw)) {
      if (base.required) issues.push({ severity: 'error', code: 'required', option: base.key, message: `${base.long} is required.` });
      continue;
    }
    if (!optionAvailable(base, availability)) {
      issues.push({ severity: 'error', code: 'not-in-version', option: base.key, message: unavailableMessage(base, r) });
      continue;
    }
    const spec = resolveSpec(base, r.major);
    const checked = checkOptionValue(spec, raw, r.version);
    if (checked.error) {
      issues.push({ severity: 'error', code: 'invalid-value', option: spec.key, message: checked.error });
      continue;
    }
    if (checked.value === undefined) continue;
    normalised[spec.key] = checked.value;
    if (VIA_ENV.has(`${command === 'ui' ? 'server' : command}.${spec.key}`) && spec.envVar) {
      env[spec.envVar] = String(checked.value);
      continue;
    }
    args.push(...optionArgs(spec, checked.value));
  }
  return { args, env, values: normalised };
}

function finish(
  command: CommandId,
  ctx: BuildContext,
  r: Resolved,
  a: Assembled,
  env: Record<string, string>,
  title: string,
  issues: CliIssue[],
): BuildResult {
  const global: string[] = [];
  if (ctx.envFile !== undefined && ctx.envFile !== '') {
    const spec = GLOBAL_OPTIONS[0];
    if (!optionAvailable(spec, r.version ?? r.major)) {
      issues.push({ severity: 'error', code: 'not-in-version', option: 'envFile', message: unavailableMessage(spec, r) });
    } else {
      const c = checkOptionValue(spec, ctx.envFile, r.version);
      if (c.error) issues.push({ severity: 'error', code: 'invalid-value', option: 'envFile', message: c.error });
      else global.push(...optionArgs(spec, c.value));
    }
  }
  const inv = ctx.invocation;
  if (!inv || !inv.path) {
    issues.push({ severity: 'error', code: 'no-mlflow', message: 'No MLflow command line was found: select a Python interpreter with MLflow installed or set mlflow.cliPath.' });
  }
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity !== 'error');
  if (errors.length > 0) return { ok: false, errors, warnings };
  const args = [...(inv.kind === 'python' ? ['-m', 'mlflow'] : []), ...global, ...COMMAND_WORDS[command], ...a.args];
  const fullEnv = { ...env, ...a.env, ...(ctx.extraEnv ?? {}) };
  const cmd: CliCommand = { executable: inv.path, args, env: fullEnv, title };
  if (ctx.cwd) cmd.cwd = ctx.cwd;
  return { ok: true, command: cmd, warnings };
}

function shortModel(uri: string | undefined): string {
  if (!uri) return '(no model)';
  if (uri.length <= 60) return uri;
  return `…${uri.slice(-57)}`;
}

function checkHost(host: unknown, issues: CliIssue[], what: string): void {
  if (typeof host !== 'string' || host === '') return;
  if (!/^[A-Za-z0-9.:[\]%_-]+$/.test(host)) {
    issues.push({ severity: 'error', code: 'invalid-host', option: 'host', message: `--host must be a host name or IP address (got "${host}").` });
    return;
  }
  if (host === '0.0.0.0' || host === '::' || host === '[::]') {
    issues.push({
      severity: 'warning',
      code: 'host-exposed',
      option: 'host',
      message: `The ${what} will accept connections from other machines on your network, without any login. Use 127.0.0.1 to keep it on this machine.`,
    });
  }
}

function envManagerNotes(o: { envManager?: string; noConda?: boolean }, issues: CliIssue[], defaultIsVirtualenv: boolean): void {
  if ((o.envManager === undefined || o.envManager === '') && !o.noConda && defaultIsVirtualenv) {
    issues.push({
      severity: 'info',
      code: 'env-manager-default',
      option: 'envManager',
      message: 'MLflow will build a virtualenv for the model with pyenv (needs pyenv and internet access, and can take minutes the first time). Choose "local" to use the current Python environment.',
    });
  }
  if (o.envManager === 'conda') {
    issues.push({ severity: 'info', code: 'env-manager-conda', option: 'envManager', message: 'Conda environments are built from the model\'s conda.yaml; mind the Anaconda repository license terms.' });
  }
}

// ---- serve -----------------------------------------------------------------------------------------------

/** `mlflow models serve`: runs in the foreground until stopped; ready when GET /ping answers 200. */
export function buildServeCommand(opts: ServeOptions & BuildContext): BuildResult {
  const { invocation, version, tracking, cwd, extraEnv, envFile, platform, ...values } = opts;
  const issues: CliIssue[] = [];
  const r = resolveVersion(version, issues);
  if (values.noConda && values.envManager) {
    issues.push({ severity: 'error', code: 'no-conda-and-env-manager', option: 'noConda', message: 'Use either --no-conda or --env-manager, not both (--no-conda means --env-manager local).' });
  }
  checkHost(values.host, issues, 'model server');
  envManagerNotes(values, issues, true);
  const a = assemble('serve', values, opts, r, issues);
  const env = trackingEnv(tracking, issues);
  const port = a.values.port ?? 5000;
  const host = (a.values.host as string | undefined) ?? '127.0.0.1';
  return finish('serve', opts, r, a, env, `serve ${shortModel(values.modelUri)} on ${host}:${port}`, issues);
}

// ---- predict ---------------------------------------------------------------------------------------------

/** The predict content type for an input file: 'csv' for .csv, 'json' for .json, undefined otherwise. */
export function contentTypeForFile(file: string): 'csv' | 'json' | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return undefined;
}

/** `mlflow models predict`: one-shot; prints `{"predictions": …}` or writes it to --output-path. */
export function buildPredictCommand(opts: PredictOptions & BuildContext): BuildResult {
  const { invocation, version, tracking, cwd, extraEnv, envFile, platform, ...given } = opts;
  const issues: CliIssue[] = [];
  const r = resolveVersion(version, issues);
  const values: PredictOptions = { ...given };
  if (values.inputPath) {
    const inferred = contentTypeForFile(values.inputPath);
    if (isUnset(values.contentType)) {
      if (inferred) values.contentType = inferred;
      else {
        issues.push({
          severity: 'warning',
          code: 'content-type-unknown',
          option: 'contentType',
          message: `Cannot tell the format of "${path.basename(values.inputPath)}" from its extension; it will be read as JSON. Choose CSV if it is a CSV file.`,
        });
      }
    } else if (inferred && typeof values.contentType === 'string' && values.contentType.toLowerCase() !== inferred) {
      issues.push({
        severity: 'warning',
        code: 'content-type-mismatch',
        option: 'contentType',
        message: `The input file looks like ${inferred.toUpperCase()} but --content-type is ${values.contentType}.`,
      });
    }
  } else {
    issues.push({ severity: 'warning', code: 'stdin-input', option: 'inputPath', message: 'No input file: mlflow models predict will wait for input on the terminal (end it with Ctrl+D).' });
  }
  const envPairs = values.env;
  if (envPairs) {
    const keys = Array.isArray(envPairs) ? (envPairs as string[]).map((s) => s.split('=')[0]) : Object.keys(envPairs);
    const secret = keys.filter((k) => looksSecret(k));
    if (secret.length > 0) {
      issues.push({
        severity: 'warning',
        code: 'secret-in-argv',
        option: 'env',
        message: `${secret.join(', ')} would be visible in the process list and terminal history as --env arguments; set ${secret.length > 1 ? 'them' : 'it'} in the environment instead.`,
      });
    }
  }
  envManagerNotes(values, issues, true);
  const a = assemble('predict', values, opts, r, issues);
  const env = trackingEnv(tracking, issues);
  return finish('predict', opts, r, a, env, `predict with ${shortModel(values.modelUri)}`, issues);
}

// ---- docker ----------------------------------------------------------------------------------------------

// Docker image reference: [host[:port]/]path[:tag], path components lowercase.
const IMAGE_RE = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;

/** `mlflow models build-docker`: needs a running Docker daemon; the image serves on port 8080. */
export function buildBuildDockerCommand(opts: BuildDockerOptions & BuildContext): BuildResult {
  const { invocation, version, tracking, cwd, extraEnv, envFile, platform, ...values } = opts;
  const issues: CliIssue[] = [];
  const r = resolveVersion(version, issues);
  if (typeof values.name === 'string' && values.name !== '' && !IMAGE_RE.test(values.name)) {
    issues.push({
      severity: 'error',
      code: 'invalid-image-name',
      option: 'name',
      message: `"${values.name}" is not a valid Docker image name: use lowercase letters, digits, '.', '_' and '-', optionally with a registry/ prefix and a :tag.`,
    });
  }
  if (isUnset(values.modelUri)) {
    issues.push({ severity: 'info', code: 'image-without-model', option: 'modelUri', message: 'The image will contain no model; mount one at /opt/ml/model when running it.' });
  }
  envManagerNotes(values, issues, false);
  const a = assemble('build-docker', values, opts, r, issues);
  const env = trackingEnv(tracking, issues);
  const name = (a.values.name as string | undefined) ?? 'mlflow-pyfunc-servable';
  return finish('build-docker', opts, r, a, env, `build Docker image ${name}`, issues);
}

/** `mlflow models generate-dockerfile`: writes a Dockerfile and build context; no Docker needed. */
export function buildGenerateDockerfileCommand(opts: GenerateDockerfileOptions & BuildContext): BuildResult {
  const { invocation, version, tracking, cwd, extraEnv, envFile, platform, ...values } = opts;
  const issues: CliIssue[] = [];
  const r = resolveVersion(version, issues);
  envManagerNotes(values, issues, false);
  const a = assemble('generate-dockerfile', values, opts, r, issues);
  const env = trackingEnv(tracking, issues);
  const dir = (a.values.outputDirectory as string | undefined) ?? 'mlflow-dockerfile';
  return finish('generate-dockerfile', opts, r, a, env, `generate Dockerfile in ${dir}`, issues);
}

// ---- gc --------------------------------------------------------------------------------------------------

function listOf(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return [...v];
}

/** Checks the --backend-store-uri given to `mlflow gc` (a file store or SQL database, not a server), converting a path to a URI. */
function checkGivenGcStore(store: string, values: GcOptions, suggestText: string, cwd: string | undefined, issues: CliIssue[]): void {
  const kind = classifyStoreUri(store);
  if (kind === 'http') {
    issues.push({
      severity: 'error',
      code: 'gc-http-backend',
      option: 'backendStoreUri',
      message: `mlflow gc cannot purge through a tracking server (${store}): it needs the server's backend store itself, a file store (mlruns folder or file: URI) or a SQL database URI.${suggestText}`,
    });
  } else if (kind === 'databricks' || kind === 'artifacts' || kind === 'other') {
    issues.push({
      severity: 'error',
      code: 'gc-unsupported-backend',
      option: 'backendStoreUri',
      message: `"${store}" is not a backend store mlflow gc can purge: use an mlruns folder / file: URI or a SQL database URI (sqlite:, postgresql:, mysql:, mssql:).${suggestText}`,
    });
  } else {
    const converted = toStoreUri(store);
    if (converted !== store) values.backendStoreUri = converted;
    if (hasUserInfo(store)) {
      issues.push({
        severity: 'warning',
        code: 'password-in-argv',
        option: 'backendStoreUri',
        message: 'The database URI contains a user name/password; it will be visible in the process list and terminal history.',
      });
    }
    const relative = (kind === 'sql' && /^sqlite:\/\/\/(?!\/)/i.test(store)) || (kind === 'file' && !/^file:/i.test(store) && !path.isAbsolute(store) && !/^[a-zA-Z]:[\\/]/.test(store));
    if (relative) {
      issues.push({ severity: 'info', code: 'gc-relative-store', option: 'backendStoreUri', message: `"${store}" is relative to the working folder${cwd ? ` ${cwd}` : ''}.` });
    }
  }
}

/** Fills in or checks --backend-store-uri of `mlflow gc`: the store itself, never a tracking server. */
function checkGcStore(values: GcOptions, trackingUri: string | undefined, suggestedStores: readonly string[] | undefined, cwd: string | undefined, issues: CliIssue[]): void {
  const suggestion = (suggestedStores ?? []).map((s) => toStoreUri(s));
  const suggestText = suggestion.length > 0
    ? ` For example: --backend-store-uri ${suggestion[0]}`
    : ' For a server you started yourself, that is the --backend-store-uri it was given (e.g. sqlite:////path/to/mlflow.db or file:///path/to/mlruns).';

  if (isUnset(values.backendStoreUri)) {
    if (trackingUri && (classifyStoreUri(trackingUri) === 'file' || classifyStoreUri(trackingUri) === 'sql')) {
      values.backendStoreUri = toStoreUri(trackingUri);
    } else if (trackingUri) {
      issues.push({
        severity: 'error',
        code: 'gc-needs-backend-store',
        option: 'backendStoreUri',
        message: `mlflow gc deletes data directly in the backend store (an mlruns folder or a SQL database) and cannot work through the tracking server ${trackingUri}. Give the store the server uses.${suggestText}`,
      });
    } else {
      issues.push({
        severity: 'warning',
        code: 'gc-default-store',
        option: 'backendStoreUri',
        message: `No backend store given: mlflow gc will purge ./mlruns in ${cwd ?? 'the working folder'}.`,
      });
    }
  }
  const store = values.backendStoreUri;
  if (typeof store === 'string' && store !== '') checkGivenGcStore(store, values, suggestText, cwd, issues);
}

/** Warnings about the ids `mlflow gc` is given (and what --run-ids alone also purges). */
function checkGcIds(runIds: string[], experimentIds: string[], deletedExperimentIds: readonly string[] | undefined, issues: CliIssue[]): void {
  if (runIds.length > 0 && experimentIds.length === 0) {
    const known = deletedExperimentIds;
    if (known === undefined || known.length > 0) {
      issues.push({
        severity: 'warning',
        code: 'gc-run-ids-purges-experiments',
        option: 'runIds',
        message:
          'Careful: when only --run-ids is given, mlflow gc ALSO permanently deletes every experiment in the deleted state, with all of its runs' +
          (known && known.length > 0 ? ` (here: experiment${known.length > 1 ? 's' : ''} ${known.join(', ')})` : '') +
          '. To keep them, restore those experiments before running gc, or purge them deliberately with --experiment-ids.',
      });
    }
  }
  for (const id of runIds) {
    if (!/^[0-9a-fA-F]{32}$/.test(id)) {
      issues.push({ severity: 'warning', code: 'gc-odd-run-id', option: 'runIds', message: `"${id}" does not look like an MLflow run id (32 hexadecimal characters).` });
    }
  }
  for (const id of experimentIds) {
    if (!/^\d+$/.test(id)) {
      issues.push({ severity: 'warning', code: 'gc-odd-experiment-id', option: 'experimentIds', message: `"${id}" does not look like an experiment id (digits).` });
    }
  }
  if (runIds.length > 0 || experimentIds.length > 0) {
    issues.push({ severity: 'info', code: 'gc-deleted-only', message: 'Only runs and experiments already in the deleted state can be purged; mlflow gc stops with an error at any other id.' });
  }

}

/**
 * `mlflow gc`: permanently deletes runs/experiments that are in the `deleted` state, straight in the backend
 * store (file or SQL). Cannot run through a tracking server.
 */
export function buildGcCommand(opts: GcOptions & GcContext): BuildResult {
  const { invocation, version, tracking, cwd, extraEnv, envFile, platform, deletedExperimentIds, suggestedStores, ...given } = opts;
  const issues: CliIssue[] = [];
  const r = resolveVersion(version, issues);
  const values: GcOptions = { ...given };
  checkGcStore(values, tracking?.trackingUri, suggestedStores, cwd, issues);
  const runIds = listOf(values.runIds);
  const experimentIds = listOf(values.experimentIds);
  checkGcIds(runIds, experimentIds, deletedExperimentIds, issues);

  const a = assemble('gc', values, opts, r, issues);
  const env = trackingEnv(tracking, issues);
  // MLflow 3 refuses to run gc without a tracking URI; it resolves mlflow-artifacts: roots through it.
  if (!a.env.MLFLOW_TRACKING_URI && !env.MLFLOW_TRACKING_URI && typeof values.backendStoreUri === 'string') {
    env.MLFLOW_TRACKING_URI = values.backendStoreUri;
  }
  const what = runIds.length > 0 ? `${runIds.length} run${runIds.length > 1 ? 's' : ''}` : experimentIds.length > 0 ? `${experimentIds.length} experiment${experimentIds.length > 1 ? 's' : ''}` : 'deleted runs';
  return finish('gc', opts, r, a, env, `purge ${what}${a.values.olderThan ? ` older than ${String(a.values.olderThan)}` : ''}`, issues);
}

// ---- server / ui ----------------------------------------------------------------------------------------

/** `mlflow server` / `mlflow ui` (same options): the tracking server and web UI, in the foreground. */
export function buildServerCommand(opts: ServerOptions & ServerContext): BuildResult {
  const { invocation, version, tracking, cwd, extraEnv, envFile, platform, subcommand, ...values } = opts;
  const issues: CliIssue[] = [];
  const r = resolveVersion(version, issues);
  const command: CommandId = subcommand === 'ui' ? 'ui' : 'server';
  const plat = platform ?? process.platform;

  for (const key of ['backendStoreUri', 'registryStoreUri'] as const) {
    const v = values[key];
    if (typeof v !== 'string' || v === '') continue;
    const kind = classifyStoreUri(v);
    if (kind !== 'file' && kind !== 'sql') {
      issues.push({
        severity: 'error',
        code: 'server-store',
        option: key,
        message: `${key === 'backendStoreUri' ? '--backend-store-uri' : '--registry-store-uri'} must be a SQL database URI (e.g. sqlite:///mlflow.db) or a local folder / file: URI, not "${v}".`,
      });
    } else if (toStoreUri(v) !== v) {
      values[key] = toStoreUri(v);
    }
  }
  const sp = values.staticPrefix;
  if (typeof sp === 'string' && sp !== '' && (!sp.startsWith('/') || sp.endsWith('/'))) {
    issues.push({ severity: 'error', code: 'static-prefix', option: 'staticPrefix', message: `--static-prefix must start with "/" and must not end with "/" (e.g. /mlflow; got "${sp}").` });
  }
  const servers = (['gunicornOpts', 'waitressOpts', 'uvicornOpts'] as const).filter((k) => !isUnset(values[k]));
  if (servers.length > 1) {
    issues.push({ severity: 'error', code: 'server-opts-conflict', option: servers[1], message: 'Give only one of --gunicorn-opts, --waitress-opts and --uvicorn-opts.' });
  }
  if (values.dev) {
    if (plat === 'win32') issues.push({ severity: 'error', code: 'dev-windows', option: 'dev', message: '--dev is not supported on Windows.' });
    const with_ = (['gunicornOpts', 'uvicornOpts'] as const).find((k) => !isUnset(values[k]));
    if (with_) issues.push({ severity: 'error', code: 'dev-conflict', option: 'dev', message: `--dev cannot be combined with ${with_ === 'gunicornOpts' ? '--gunicorn-opts' : '--uvicorn-opts'}.` });
  }
  const security = (['allowedHosts', 'corsAllowedOrigins', 'xFrameOptions', 'disableSecurityMiddleware'] as const).filter((k) => !isUnset(values[k]) && values[k] !== false);
  if (security.length > 0 && (!isUnset(values.gunicornOpts) || !isUnset(values.waitressOpts))) {
    issues.push({ severity: 'error', code: 'security-needs-uvicorn', option: security[0], message: 'The security options (--allowed-hosts, --cors-allowed-origins, --x-frame-options, --disable-security-middleware) only work with the default uvicorn server, not with gunicorn or waitress.' });
  }
  if (values.disableSecurityMiddleware) {
    issues.push({ severity: 'warning', code: 'security-disabled', option: 'disableSecurityMiddleware', message: 'The server will run without host checks, CORS protection and clickjacking protection. Use this for testing only.' });
    if (!isUnset(values.allowedHosts) || !isUnset(values.corsAllowedOrigins)) {
      issues.push({ severity: 'warning', code: 'security-options-ignored', option: 'disableSecurityMiddleware', message: '--allowed-hosts and --cors-allowed-origins have no effect when the security middleware is disabled.' });
    }
  }
  if (values.artifactsOnly && values.serveArtifacts === false) {
    issues.push({ severity: 'error', code: 'artifacts-only-needs-serving', option: 'artifactsOnly', message: '--artifacts-only needs artifact serving; do not combine it with --no-serve-artifacts.' });
  }
  checkHost(values.host, issues, 'MLflow server');
  if (r.major === 'v3' && typeof values.host === 'string' && !/^(127\.0\.0\.1|localhost|::1|\[::1\])$/.test(values.host) && isUnset(values.allowedHosts) && !values.disableSecurityMiddleware) {
    issues.push({ severity: 'info', code: 'allowed-hosts-hint', option: 'allowedHosts', message: 'Other machines must reach the server by a localhost or private-IP address, or be listed in --allowed-hosts.' });
  }
  if (values.appName === 'basic-auth' && r.major === 'v3' && !extraEnv?.MLFLOW_FLASK_SERVER_SECRET_KEY) {
    issues.push({ severity: 'warning', code: 'basic-auth-secret', option: 'appName', message: 'MLflow 3 with basic-auth needs MLFLOW_FLASK_SERVER_SECRET_KEY in the environment (a long random string).' });
  }
  const a = assemble(command, values, opts, r, issues);
  const port = a.values.port ?? 5000;
  const host = (a.values.host as string | undefined) ?? '127.0.0.1';
  const store = (a.values.backendStoreUri as string | undefined) ?? 'default store';
  return finish(command, opts, r, a, {}, `start the ${command === 'ui' ? 'UI' : 'server'} for ${store} on ${host}:${port}`, issues);
}

// ---- helpers for the UI ---------------------------------------------------------------------------------

/** The URL a browser/HTTP client should use for a server bound to `host`. */
export function localUrlFor(host: string | undefined, port: number | string | undefined): string {
  let h = host && host !== '' ? host : '127.0.0.1';
  if (h === '0.0.0.0') h = '127.0.0.1';
  if (h === '::' || h === '[::]') h = '[::1]';
  if (h.includes(':') && !h.startsWith('[')) h = `[${h}]`;
  return `http://${h}:${port ?? 5000}`;
}

/** The env a log line may show: secret-looking values masked. */
export function redactEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (looksSecret(k)) out[k] = '***';
    else if (/^(MLFLOW_TRACKING_URI|MLFLOW_REGISTRY_URI)$/.test(k)) out[k] = v.replace(/(\/\/)[^/@]*@/, '$1***@');
    else out[k] = v;
  }
  return out;
}

/** All the option specs a builder accepts (for the "More options…" UI). */
export function specsFor(command: CommandId): readonly OptionSpec[] {
  return COMMAND_OPTIONS[command];
}

export { COMMAND_TITLES };
