// A data-driven description of every option of the MLflow CLI commands the extension wraps:
// `mlflow models serve|predict|build-docker|generate-dockerfile`, `mlflow gc`, `mlflow server` and
// `mlflow ui` (an alias of `server`), plus the global `mlflow --env-file`.
//
// Derived from the real `--help` of MLflow 2.17.3.dev0 ("v2") and 3.6.1.dev0 ("v3") and from MLflow's
// mlflow/models/cli.py, mlflow/utils/cli_args.py and mlflow/cli/__init__.py; a unit test parses the recorded help
// files and fails when an option there is missing here (or described here for a version whose help does not list it).
// Help texts are one line, in our own words.

import { type MlflowMajor, type MlflowVersion, compareVersions, majorOf } from './version';

export type CommandId = 'serve' | 'predict' | 'build-docker' | 'generate-dockerfile' | 'gc' | 'server' | 'ui';

export const COMMAND_IDS: readonly CommandId[] = ['serve', 'predict', 'build-docker', 'generate-dockerfile', 'gc', 'server', 'ui'];

/** The sub-command words after `mlflow`. */
export const COMMAND_WORDS: Readonly<Record<CommandId, readonly string[]>> = {
  serve: ['models', 'serve'],
  predict: ['models', 'predict'],
  'build-docker': ['models', 'build-docker'],
  'generate-dockerfile': ['models', 'generate-dockerfile'],
  gc: ['gc'],
  server: ['server'],
  ui: ['ui'],
};

/**
 * - string/uri/path: free text (uri: a URI or path MLflow resolves; path: a local file or folder, worth a file picker)
 * - int/float: numbers (MLflow may declare them TEXT; we type them by meaning)
 * - flag: present or absent
 * - tri-state: true / false / undefined (= MLflow decides). Written as `--x`/`--no-x` when `negative` is set,
 *   else as `--x=true|false`.
 * - choice: one of `choices`
 * - list: several values joined with commas into one argument (`--run-ids a,b`)
 * - key-value: repeatable `--opt KEY=VALUE`
 * - duration: MLflow's `#d#h#m#s` (floats allowed)
 */
export type OptionKind =
  | 'string'
  | 'uri'
  | 'path'
  | 'int'
  | 'float'
  | 'flag'
  | 'tri-state'
  | 'choice'
  | 'list'
  | 'key-value'
  | 'duration';

export interface OptionSpec {
  /** Property name in the builders' option objects. */
  key: string;
  /** Long flag, e.g. `--model-uri`. The builders always emit the long form. */
  long: string;
  short?: string;
  /** Negative flag of a `--x / --no-x` pair. */
  negative?: string;
  kind: OptionKind;
  choices?: readonly string[];
  /** Choices that need a newer MLflow than the option itself, e.g. `{ uv: '2.20.0' }`. */
  choiceSince?: Readonly<Record<string, string>>;
  /** Accept any casing of a choice and emit the canonical spelling. */
  choiceCaseInsensitive?: boolean;
  min?: number;
  max?: number;
  /** MLflow's default, for display (undefined: none / decided by MLflow, see defaultText). */
  default?: string | number | boolean;
  defaultText?: string;
  /** Environment variable MLflow reads when the option is not given. */
  envVar?: string;
  help: string;
  /** Major versions whose CLI has the option (subject to since/until). */
  versions: readonly MlflowMajor[];
  /** First version that has it (inclusive). */
  since?: string;
  /** First version that no longer has it. */
  until?: string;
  /** Asked for in the main flow; the rest sit behind "More options…". */
  common: boolean;
  required?: boolean;
  /** Value goes in the same argument (`--x=value`), needed for options whose value is optional. */
  joinValue?: boolean;
  placeholder?: string;
  /** Shown next to the option when it is set (risky or legacy options). */
  caution?: string;
  /** Per-major overrides (help, default, env var, kind…). */
  byVersion?: Partial<Record<MlflowMajor, Partial<Omit<OptionSpec, 'key' | 'byVersion' | 'versions'>>>>;
}

export type OptionValue = string | number | boolean | readonly string[] | Readonly<Record<string, string>>;

const V23: readonly MlflowMajor[] = ['v2', 'v3'];

// ---- shared option definitions ------------------------------------------------------------------------

const modelUri = (required: boolean): OptionSpec => ({
  key: 'modelUri',
  long: '--model-uri',
  short: '-m',
  kind: 'uri',
  required,
  common: true,
  versions: V23,
  placeholder: 'runs:/<run_id>/model, models:/<name>@<alias>, models:/m-<id> or a folder',
  help: required
    ? 'Model to use: a local folder, runs:/, models:/ or a remote storage URI.'
    : 'Model to put in the image: a local folder, runs:/, models:/ or a remote URI (none: mount one at /opt/ml/model).',
});

const envManager = (defaultText: string): OptionSpec => ({
  key: 'envManager',
  long: '--env-manager',
  kind: 'choice',
  choices: ['local', 'virtualenv', 'uv', 'conda'],
  choiceSince: { uv: '2.20.0' },
  common: true,
  versions: V23,
  default: defaultText === 'virtualenv' ? 'virtualenv' : undefined,
  defaultText,
  help: 'How to build the Python environment the model runs in: local (current env), virtualenv (pyenv), uv or conda.',
});

const installMlflow: OptionSpec = {
  key: 'installMlflow',
  long: '--install-mlflow',
  kind: 'flag',
  common: false,
  versions: V23,
  default: false,
  help: 'Install this MLflow version into the created conda/virtualenv environment.',
};

const enableMlserver: OptionSpec = {
  key: 'enableMlserver',
  long: '--enable-mlserver',
  kind: 'flag',
  common: false,
  versions: V23,
  default: false,
  help: 'Serve through MLServer (V2 inference protocol) instead of the MLflow scoring server.',
};

const mlflowHome: OptionSpec = {
  key: 'mlflowHome',
  long: '--mlflow-home',
  kind: 'path',
  common: false,
  versions: V23,
  caution: 'For MLflow development only.',
  help: 'Local clone of the MLflow source to install in the image (MLflow development only).',
};

const installJava: OptionSpec = {
  key: 'installJava',
  long: '--install-java',
  kind: 'tri-state',
  joinValue: true,
  common: false,
  versions: V23,
  defaultText: 'decided by MLflow (on for flavors that need Java, e.g. Spark)',
  help: 'Install Java in the image (unset: only when the flavor needs it; Ubuntu base image only).',
  byVersion: {
    v2: {
      kind: 'flag',
      joinValue: false,
      default: false,
      defaultText: undefined,
      help: 'Install Java in the image (flavors that need it, e.g. Spark, turn it on anyway).',
    },
  },
};

const host = (what: string): OptionSpec => ({
  key: 'host',
  long: '--host',
  short: '-h',
  kind: 'string',
  common: true,
  versions: V23,
  default: '127.0.0.1',
  envVar: 'MLFLOW_HOST',
  help: `Network interface the ${what} listens on (127.0.0.1: this machine only; 0.0.0.0: all).`,
});

const port = (what: string): OptionSpec => ({
  key: 'port',
  long: '--port',
  short: '-p',
  kind: 'int',
  min: 1,
  max: 65535,
  common: true,
  versions: V23,
  default: 5000,
  envVar: 'MLFLOW_PORT',
  help: `TCP port the ${what} listens on.`,
});

// ---- per command ---------------------------------------------------------------------------------------

const SERVE: readonly OptionSpec[] = [
  modelUri(true),
  port('scoring server'),
  host('scoring server'),
  {
    key: 'timeout',
    long: '--timeout',
    short: '-t',
    kind: 'int',
    min: 1,
    common: false,
    versions: V23,
    default: 60,
    envVar: 'MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT',
    help: 'Seconds one scoring request may take before the server gives up on it.',
  },
  {
    key: 'workers',
    long: '--workers',
    short: '-w',
    kind: 'int',
    min: 1,
    common: false,
    versions: V23,
    default: 1,
    help: 'Number of worker processes answering requests.',
    byVersion: {
      v2: { envVar: 'MLFLOW_WORKERS', help: 'Number of gunicorn (2.21+: uvicorn) worker processes answering requests.' },
      v3: { envVar: 'MLFLOW_MODELS_WORKERS', help: 'Number of uvicorn worker processes answering requests.' },
    },
  },
  envManager('virtualenv'),
  {
    key: 'noConda',
    long: '--no-conda',
    kind: 'flag',
    common: false,
    versions: V23,
    default: false,
    caution: 'Legacy spelling of --env-manager local.',
    help: 'Use the current Python environment (old spelling of --env-manager local).',
  },
  installMlflow,
  enableMlserver,
];

const PREDICT: readonly OptionSpec[] = [
  modelUri(true),
  {
    key: 'inputPath',
    long: '--input-path',
    short: '-i',
    kind: 'path',
    common: true,
    versions: V23,
    defaultText: 'standard input',
    help: 'File with the input data (CSV or JSON in a scoring-server format).',
  },
  {
    key: 'outputPath',
    long: '--output-path',
    short: '-o',
    kind: 'path',
    common: true,
    versions: V23,
    defaultText: 'standard output',
    help: 'File to write the JSON predictions to.',
  },
  {
    key: 'contentType',
    long: '--content-type',
    short: '-t',
    kind: 'choice',
    choices: ['json', 'csv'],
    choiceCaseInsensitive: true,
    common: true,
    versions: V23,
    default: 'json',
    help: 'Format of the input file: json or csv (taken from the file extension when not given).',
  },
  envManager('virtualenv'),
  installMlflow,
  {
    key: 'pipRequirementsOverride',
    long: '--pip-requirements-override',
    short: '-r',
    kind: 'list',
    common: false,
    versions: V23,
    placeholder: 'scikit-learn==1.5.2,pandas==2.2.3',
    help: 'Packages (pip specifiers) that replace the versions the model pins.',
  },
  {
    key: 'env',
    long: '--env',
    kind: 'key-value',
    common: false,
    versions: V23,
    since: '2.18.0',
    placeholder: 'KEY=VALUE',
    help: 'Extra environment variables for the model process (repeatable KEY=VALUE).',
  },
];

const BUILD_DOCKER: readonly OptionSpec[] = [
  modelUri(false),
  {
    key: 'name',
    long: '--name',
    short: '-n',
    kind: 'string',
    common: true,
    versions: V23,
    default: 'mlflow-pyfunc-servable',
    help: 'Name (and optional :tag) of the Docker image to build.',
  },
  envManager('virtualenv'),
  mlflowHome,
  installJava,
  installMlflow,
  enableMlserver,
];

const GENERATE_DOCKERFILE: readonly OptionSpec[] = [
  modelUri(false),
  {
    key: 'outputDirectory',
    long: '--output-directory',
    short: '-d',
    kind: 'path',
    common: true,
    versions: V23,
    default: 'mlflow-dockerfile',
    help: 'Folder to write the Dockerfile and build context into.',
  },
  { ...envManager('chosen by MLflow: local when the model pins its Python version and needs no Java, else virtualenv') },
  mlflowHome,
  installJava,
  installMlflow,
  enableMlserver,
];

const GC: readonly OptionSpec[] = [
  {
    key: 'olderThan',
    long: '--older-than',
    kind: 'duration',
    common: true,
    versions: V23,
    placeholder: '30d, 1d2h3m4s, 1.5d',
    defaultText: 'any age',
    help: 'Only purge runs deleted longer ago than this (#d#h#m#s, decimals allowed).',
  },
  {
    key: 'backendStoreUri',
    long: '--backend-store-uri',
    kind: 'uri',
    common: true,
    versions: V23,
    defaultText: './mlruns of the working folder',
    placeholder: 'sqlite:////abs/mlflow.db or file:///abs/mlruns',
    help: 'Store to purge from: a file store (mlruns folder / file: URI) or a SQL database URI, never http.',
  },
  {
    key: 'artifactsDestination',
    long: '--artifacts-destination',
    kind: 'uri',
    common: false,
    versions: V23,
    help: 'Where a proxying tracking server keeps artifacts, to delete artifacts under mlflow-artifacts:/ roots.',
  },
  {
    key: 'runIds',
    long: '--run-ids',
    kind: 'list',
    common: true,
    versions: V23,
    defaultText: 'every deleted run',
    help: 'Deleted runs to purge (none: all deleted runs).',
  },
  {
    key: 'experimentIds',
    long: '--experiment-ids',
    kind: 'list',
    common: true,
    versions: V23,
    defaultText: 'every deleted experiment',
    help: 'Deleted experiments to purge with all their runs (none: all deleted experiments).',
  },
  {
    key: 'trackingUri',
    long: '--tracking-uri',
    kind: 'uri',
    common: false,
    versions: ['v3'],
    envVar: 'MLFLOW_TRACKING_URI',
    help: 'Tracking URI used to resolve artifact locations (MLflow 3 needs one; default $MLFLOW_TRACKING_URI).',
  },
];

const SECURITY_SINCE = '3.5.0';

const SERVER: readonly OptionSpec[] = [
  {
    key: 'backendStoreUri',
    long: '--backend-store-uri',
    kind: 'uri',
    common: true,
    versions: V23,
    envVar: 'MLFLOW_BACKEND_STORE_URI',
    defaultText: './mlruns (3.7+: sqlite:///mlflow.db unless ./mlruns has data)',
    placeholder: 'sqlite:///mlflow.db or ./mlruns',
    help: 'Where runs and experiments are stored: a SQL database URI or a local folder / file: URI.',
  },
  {
    key: 'registryStoreUri',
    long: '--registry-store-uri',
    kind: 'uri',
    common: false,
    versions: V23,
    envVar: 'MLFLOW_REGISTRY_STORE_URI',
    defaultText: 'the backend store',
    help: 'Separate store for registered models.',
  },
  {
    key: 'defaultArtifactRoot',
    long: '--default-artifact-root',
    kind: 'uri',
    common: false,
    versions: V23,
    envVar: 'MLFLOW_DEFAULT_ARTIFACT_ROOT',
    defaultText: 'mlflow-artifacts:/ when serving artifacts, else ./mlruns',
    help: 'Artifact location given to experiments created from now on.',
  },
  {
    key: 'serveArtifacts',
    long: '--serve-artifacts',
    negative: '--no-serve-artifacts',
    kind: 'tri-state',
    common: false,
    versions: V23,
    envVar: 'MLFLOW_SERVE_ARTIFACTS',
    default: true,
    help: 'Proxy artifact uploads and downloads through the server (to --artifacts-destination).',
  },
  {
    key: 'artifactsOnly',
    long: '--artifacts-only',
    kind: 'flag',
    common: false,
    versions: V23,
    envVar: 'MLFLOW_ARTIFACTS_ONLY',
    default: false,
    help: 'Run only the artifact proxy, without the tracking API.',
  },
  {
    key: 'artifactsDestination',
    long: '--artifacts-destination',
    kind: 'uri',
    common: false,
    versions: V23,
    envVar: 'MLFLOW_ARTIFACTS_DESTINATION',
    default: './mlartifacts',
    help: 'Storage the artifact proxy reads and writes (folder, s3://, gs://…).',
  },
  host('server'),
  port('server'),
  {
    key: 'workers',
    long: '--workers',
    short: '-w',
    kind: 'int',
    min: 1,
    common: false,
    versions: V23,
    envVar: 'MLFLOW_WORKERS',
    help: 'Number of server worker processes.',
    byVersion: { v2: { default: 1 }, v3: { default: 4 } },
  },
  {
    key: 'allowedHosts',
    long: '--allowed-hosts',
    kind: 'list',
    common: false,
    versions: ['v3'],
    since: SECURITY_SINCE,
    envVar: 'MLFLOW_SERVER_ALLOWED_HOSTS',
    defaultText: 'localhost and private IP addresses',
    placeholder: 'mlflow.example.com,10.0.0.5:5000',
    help: 'Host header values the server accepts (wildcards allowed; guards against DNS rebinding).',
  },
  {
    key: 'corsAllowedOrigins',
    long: '--cors-allowed-origins',
    kind: 'list',
    common: false,
    versions: ['v3'],
    since: SECURITY_SINCE,
    envVar: 'MLFLOW_SERVER_CORS_ALLOWED_ORIGINS',
    defaultText: 'localhost origins on any port',
    help: 'Browser origins allowed to call the server cross-site.',
  },
  {
    key: 'disableSecurityMiddleware',
    long: '--disable-security-middleware',
    kind: 'flag',
    common: false,
    versions: ['v3'],
    since: SECURITY_SINCE,
    envVar: 'MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE',
    default: false,
    caution: 'Turns off host, CORS and clickjacking protection: testing only.',
    help: 'Turn off host checks, CORS protection and X-Frame-Options (unsafe; testing only).',
  },
  {
    key: 'xFrameOptions',
    long: '--x-frame-options',
    kind: 'choice',
    choices: ['SAMEORIGIN', 'DENY', 'NONE'],
    choiceCaseInsensitive: true,
    common: false,
    versions: ['v3'],
    since: SECURITY_SINCE,
    envVar: 'MLFLOW_SERVER_X_FRAME_OPTIONS',
    default: 'SAMEORIGIN',
    help: 'X-Frame-Options header: SAMEORIGIN, DENY, or NONE to allow embedding anywhere.',
  },
  {
    key: 'staticPrefix',
    long: '--static-prefix',
    kind: 'string',
    common: false,
    versions: V23,
    envVar: 'MLFLOW_STATIC_PREFIX',
    placeholder: '/mlflow',
    help: 'Path prefix for every page and asset, for running behind a reverse proxy (starts with /).',
  },
  {
    key: 'gunicornOpts',
    long: '--gunicorn-opts',
    kind: 'string',
    common: false,
    versions: V23,
    envVar: 'MLFLOW_GUNICORN_OPTS',
    help: 'Extra command-line options for gunicorn (switches a 3.x server to gunicorn).',
  },
  {
    key: 'waitressOpts',
    long: '--waitress-opts',
    kind: 'string',
    common: false,
    versions: V23,
    help: 'Extra command-line options for waitress-serve (Windows).',
  },
  {
    key: 'uvicornOpts',
    long: '--uvicorn-opts',
    kind: 'string',
    common: false,
    versions: ['v3'],
    since: '3.3.0',
    envVar: 'MLFLOW_UVICORN_OPTS',
    help: 'Extra command-line options for uvicorn (the default server since 3.3).',
  },
  {
    key: 'exposePrometheus',
    long: '--expose-prometheus',
    kind: 'path',
    common: false,
    versions: V23,
    envVar: 'MLFLOW_EXPOSE_PROMETHEUS',
    help: 'Folder for Prometheus metrics; turns on the /metrics endpoint.',
  },
  {
    key: 'appName',
    long: '--app-name',
    kind: 'choice',
    choices: ['basic-auth'],
    common: false,
    versions: V23,
    defaultText: 'mlflow.server:app (no authentication)',
    help: 'Server application to run; basic-auth adds user login and permissions.',
  },
  {
    key: 'dev',
    long: '--dev',
    kind: 'flag',
    common: false,
    versions: V23,
    default: false,
    caution: 'Development only; not supported on Windows.',
    help: 'Debug logging and auto-reload (MLflow development; not on Windows).',
  },
];

/** Options of `mlflow` itself, written before the sub-command. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'envFile',
    long: '--env-file',
    kind: 'path',
    common: false,
    versions: ['v3'],
    since: '3.4.0',
    help: 'Dotenv file whose variables are loaded first (variables already set win).',
  },
];

export const COMMAND_OPTIONS: Readonly<Record<CommandId, readonly OptionSpec[]>> = {
  serve: SERVE,
  predict: PREDICT,
  'build-docker': BUILD_DOCKER,
  'generate-dockerfile': GENERATE_DOCKERFILE,
  gc: GC,
  server: SERVER,
  ui: SERVER,
};

export const COMMAND_TITLES: Readonly<Record<CommandId, string>> = {
  serve: 'Serve Model',
  predict: 'Predict',
  'build-docker': 'Build Docker Image',
  'generate-dockerfile': 'Generate Dockerfile',
  gc: 'Garbage-Collect Deleted Runs',
  server: 'Start MLflow Server',
  ui: 'Start MLflow UI',
};

// ---- resolving for a version ------------------------------------------------------------------------------

/** The spec as it applies to one major version (per-version overrides merged in). */
export function resolveSpec(spec: OptionSpec, major: MlflowMajor): OptionSpec {
  const o = spec.byVersion?.[major];
  if (!o) return spec;
  const merged: OptionSpec = { ...spec, ...o };
  delete merged.byVersion;
  return merged;
}

/** Whether `version` (a major, or an exact version) has the option. */
export function optionAvailable(spec: OptionSpec, version: MlflowMajor | MlflowVersion): boolean {
  if (typeof version === 'string') return spec.versions.includes(version);
  if (!spec.versions.includes(majorOf(version))) return false;
  if (spec.since && compareVersions(version, spec.since) < 0) return false;
  if (spec.until && compareVersions(version, spec.until) >= 0) return false;
  return true;
}

/** Options of a command for a version (overrides applied). With an exact version, since/until apply too. */
export function optionsFor(command: CommandId, version: MlflowMajor | MlflowVersion): OptionSpec[] {
  const major = typeof version === 'string' ? version : majorOf(version);
  return COMMAND_OPTIONS[command].filter((s) => optionAvailable(s, version)).map((s) => resolveSpec(s, major));
}

export function findOption(command: CommandId, key: string): OptionSpec | undefined {
  return COMMAND_OPTIONS[command].find((s) => s.key === key);
}

/** Choices of a choice option valid for a version (e.g. no `uv` before 2.20). */
export function choicesFor(spec: OptionSpec, version?: MlflowVersion): readonly string[] {
  const all = spec.choices ?? [];
  if (!version || !spec.choiceSince) return all;
  return all.filter((c) => !spec.choiceSince?.[c] || compareVersions(version, spec.choiceSince[c]) >= 0);
}

// ---- validating and writing one option ------------------------------------------------------------------

/** `#d#h#m#s`, each part optional but in this order, at least one; decimals allowed ("1.5d2h"). */
export const DURATION_RE = /^(?:(\d+(?:\.\d+)?|\.\d+)d)?(?:(\d+(?:\.\d+)?|\.\d+)h)?(?:(\d+(?:\.\d+)?|\.\d+)m)?(?:(\d+(?:\.\d+)?|\.\d+)s)?$/;

/** Seconds of a `--older-than` value, or undefined when the text is not in MLflow's format. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_RE.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  const [d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  return d * 86400 + h * 3600 + mi * 60 + s;
}

export const ENV_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Control characters other than tab; NUL can never be passed in argv.
const CONTROL_RE = /[\u0000-\u0008\u000a-\u001f\u007f]/;

export interface ValueCheck {
  /** Normalised value when valid (numbers as numbers, lists as arrays, choices canonical). */
  value?: OptionValue;
  error?: string;
}

function label(spec: OptionSpec): string {
  return spec.long;
}

/** `true` when the value means "not given" (empty text, empty list/map, undefined/null). */
export function isUnset(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function toList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.map((s: string) => s.trim());
  return undefined;
}

function toKeyValues(value: unknown): [string, string][] | undefined {
  if (Array.isArray(value)) {
    const out: [string, string][] = [];
    for (const item of value) {
      if (typeof item !== 'string') return undefined;
      const i = item.indexOf('=');
      out.push(i < 0 ? [item, '\u0000missing'] : [item.slice(0, i), item.slice(i + 1)]);
    }
    return out;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.every(([, v]) => typeof v === 'string')) return undefined;
    return entries as [string, string][];
  }
  if (typeof value === 'string') return toKeyValues([value]);
  return undefined;
}

/**
 * Checks one value against its spec (and the version's choices). Unset values are valid (= not given).
 * Messages are user-facing and name the flag.
 */
export function checkOptionValue(spec: OptionSpec, value: unknown, version?: MlflowVersion): ValueCheck {
  if (isUnset(value)) return {};
  const name = label(spec);
  switch (spec.kind) {
    case 'flag':
    case 'tri-state': {
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return { error: `${name} must be on or off.` };
    }
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (!Number.isInteger(n)) return { error: `${name} must be a whole number (got "${String(value)}").` };
      if (spec.min !== undefined && n < spec.min) {
        return { error: spec.max !== undefined ? `${name} must be between ${spec.min} and ${spec.max} (got ${n}).` : `${name} must be at least ${spec.min} (got ${n}).` };
      }
      if (spec.max !== undefined && n > spec.max) return { error: `${name} must be between ${spec.min ?? 0} and ${spec.max} (got ${n}).` };
      return { value: n };
    }
    case 'float': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) return { error: `${name} must be a number (got "${String(value)}").` };
      if (spec.min !== undefined && n < spec.min) return { error: `${name} must be at least ${spec.min}.` };
      if (spec.max !== undefined && n > spec.max) return { error: `${name} must be at most ${spec.max}.` };
      return { value: n };
    }
    case 'choice': {
      if (typeof value !== 'string') return { error: `${name} must be one of ${(spec.choices ?? []).join(', ')}.` };
      const all = spec.choices ?? [];
      const hit = all.find((c) => c === value || (spec.choiceCaseInsensitive && c.toLowerCase() === value.toLowerCase()));
      if (!hit) return { error: `${name} must be one of ${all.join(', ')} (got "${value}").` };
      const allowed = choicesFor(spec, version);
      if (!allowed.includes(hit)) {
        return { error: `${name} ${hit} needs MLflow ${spec.choiceSince?.[hit]} or later (this is MLflow ${version?.raw}).` };
      }
      return { value: hit };
    }
    case 'list': {
      const items = toList(value);
      if (!items) return { error: `${name} must be a list of values.` };
      for (const item of items) {
        if (item === '') return { error: `${name} has an empty entry.` };
        if (item.includes(',')) return { error: `${name}: "${item}" may not contain a comma (commas separate the values).` };
        if (CONTROL_RE.test(item) || /\s/.test(item)) return { error: `${name}: "${item}" may not contain spaces or line breaks.` };
      }
      return items.length === 0 ? {} : { value: items };
    }
    case 'key-value': {
      const pairs = toKeyValues(value);
      if (!pairs) return { error: `${name} must be KEY=VALUE pairs.` };
      const out: Record<string, string> = {};
      for (const [k, v] of pairs) {
        if (v === '\u0000missing') return { error: `${name} "${k}" must have the form KEY=VALUE.` };
        if (!ENV_KEY_RE.test(k)) return { error: `${name}: "${k}" is not a valid variable name (letters, digits and _, not starting with a digit).` };
        if (v.includes('\u0000')) return { error: `${name} ${k}: the value may not contain a NUL character.` };
        if (k in out) return { error: `${name}: ${k} is given twice.` };
        out[k] = v;
      }
      return { value: out };
    }
    case 'duration': {
      if (typeof value !== 'string' || parseDuration(value) === undefined) {
        return { error: `${name} must look like 30d, 12h, 1d2h3m4s or 1.5d (days, hours, minutes, seconds in that order; got "${String(value)}").` };
      }
      return { value: value.trim() };
    }
    case 'string':
    case 'uri':
    case 'path': {
      if (typeof value === 'number' && spec.kind === 'string') return { value: String(value) };
      if (typeof value !== 'string') return { error: `${name} must be text.` };
      if (value.includes('\u0000')) return { error: `${name} may not contain a NUL character.` };
      if (spec.kind !== 'string' && CONTROL_RE.test(value)) return { error: `${name} may not contain line breaks or control characters.` };
      if (spec.kind !== 'string' && value.trim() !== value) return { error: `${name} has spaces at its start or end; remove them.` };
      return { value };
    }
  }
}

/** argv tokens for one (already checked) value. Uses the long flag; `--x=value` when the value starts with '-'. */
export function optionArgs(spec: OptionSpec, value: OptionValue | undefined): string[] {
  if (value === undefined) return [];
  const withValue = (v: string): string[] => (spec.joinValue || v.startsWith('-') ? [`${spec.long}=${v}`] : [spec.long, v]);
  switch (spec.kind) {
    case 'flag':
      return value === true ? [spec.long] : [];
    case 'tri-state':
      if (spec.negative) return [value ? spec.long : spec.negative];
      return withValue(value ? 'true' : 'false');
    case 'list':
      return withValue((value as readonly string[]).join(','));
    case 'key-value':
      return Object.entries(value as Record<string, string>).flatMap(([k, v]) => [spec.long, `${k}=${v}`]);
    default:
      return withValue(scalarText(value));
  }
}

/** A scalar value (any kind but list and key-value) as command-line text. */
export function scalarText(value: OptionValue): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
