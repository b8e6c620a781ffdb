// Benchmark data: a 5,000-run experiment (10 params, 5 metrics of a few steps, 3 user tags and the usual
// mlflow.* tags per run, some nested runs) plus one run with a 100,000-point metric, written in BOTH
// forms MLflow 3.x uses locally:
//   <dir>/file/mlruns/…          the file store, laid out exactly as MLflow 3.6's FileStore writes it
//   <dir>/sqlite/mlflow.db       a SQLite store with MLflow 3.6's real schema (test/bench/mlflow-v3-schema.sql)
//   <dir>/manifest.json          what was generated (ids, counts, generator version)
// The same seed gives the same runs in both forms (ids, names, values), so results can be compared.
// Regeneration is skipped when the manifest matches. Needs nothing outside the project at run time.
//
//   npx tsx test/bench/generateStore.ts [--dir .bench/store-5000x100000] [--runs 5000] [--points 100000] [--force]

import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';

/** Bump when the output changes, so cached stores are rebuilt. */
export const GENERATOR_VERSION = 1;

export const SCHEMA_FILE = path.join(__dirname, 'mlflow-v3-schema.sql');
/** Where stores go by default: .bench/ in the project (git-ignored), one folder per size. */
export const BENCH_DIR = path.resolve(__dirname, '..', '..', '.bench');

export interface GenerateOptions {
  /** Output folder (default .bench/store-<runs>x<points> in the project). */
  dir?: string;
  /** Runs in the main experiment (default 5000). */
  runs?: number;
  /** Points of the long metric (default 100,000). */
  historyPoints?: number;
  seed?: number;
  /** Regenerate even when the manifest matches. */
  force?: boolean;
  /** sql.js wasm file (default: sql.js's own). */
  wasmPath?: string;
  /** Progress lines (default: none). */
  log?: (msg: string) => void;
}

export interface GeneratedStore {
  generatorVersion: number;
  dir: string;
  runs: number;
  historyPoints: number;
  seed: number;
  /** Root of the file store (`file:` tracking URI). */
  mlrunsDir: string;
  /** The SQLite database (`sqlite:///` tracking URI). */
  dbPath: string;
  /** Artifact root of the SQLite store's experiments. */
  sqliteArtifactRoot: string;
  file: { experimentId: string; historyExperimentId: string };
  sqlite: { experimentId: string; historyExperimentId: string };
  historyRunId: string;
  historyKey: string;
  /** The main experiment's metric keys, param keys, user tag keys. */
  metricKeys: string[];
  paramKeys: string[];
  tagKeys: string[];
  /** Number of runs that have a parent (mlflow.parentRunId). */
  nestedRuns: number;
  /** A few run ids of the main experiment, for spot checks. */
  sampleRunIds: string[];
  /** How long generation took (ms); 0 when the cached store was reused. */
  generatedInMs: number;
}

// ---------------------------------------------------------------------------------------------
// deterministic data

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A slice of MLflow's own run-name vocabulary (mlflow/utils/name_utils.py): "<predicate>-<noun>-<0..999>".
const PREDICATES = ['able', 'adaptable', 'agreeable', 'amazing', 'bemused', 'blushing', 'bold', 'brawny', 'bright', 'calm', 'capable', 'carefree', 'casual', 'charming', 'clean', 'clever', 'colorful', 'dapper', 'debonair', 'delicate', 'efficient', 'enchanting', 'fearless', 'flawless', 'funny', 'gentle', 'gifted', 'glamorous', 'grandiose', 'handsome', 'honorable', 'illustrious', 'inquisitive', 'judicious', 'legendary', 'loud', 'luminous', 'magnificent', 'merciful', 'nebulous', 'omniscient', 'orderly', 'painted', 'placid', 'polite', 'receptive', 'redolent', 'resilient', 'righteous', 'rogue', 'rumbling', 'salty', 'secretive', 'selective', 'sedate', 'serious', 'shivering', 'skillful', 'smiling', 'stately', 'suave', 'sincere', 'thoughtful', 'trusting', 'unequaled', 'unique', 'upbeat', 'useful', 'valuable', 'victorious', 'vaunted', 'welcoming', 'wise', 'worried', 'youthful', 'zealous'];
const NOUNS = ['ant', 'ape', 'asp', 'auk', 'bass', 'bat', 'bear', 'bee', 'bird', 'boar', 'bug', 'calf', 'carp', 'cat', 'chimp', 'cod', 'colt', 'conch', 'cow', 'crab', 'crane', 'croc', 'crow', 'cub', 'deer', 'doe', 'dog', 'dolphin', 'donkey', 'dove', 'duck', 'eel', 'elk', 'fawn', 'finch', 'fish', 'flea', 'fly', 'foal', 'fowl', 'fox', 'frog', 'gnat', 'gnu', 'goat', 'goose', 'grouse', 'grub', 'gull', 'hare', 'hawk', 'hen', 'hog', 'horse', 'hound', 'jay', 'kit', 'kite', 'koi', 'lamb', 'lark', 'loon', 'lynx', 'mare', 'midge', 'mink', 'mole', 'moose', 'moth', 'mouse', 'mule', 'newt', 'owl', 'ox', 'panda', 'penguin', 'perch', 'pig', 'pug', 'quail', 'ram', 'rat', 'ray', 'robin', 'roo', 'rook', 'seal', 'shad', 'shark', 'sheep', 'shoat', 'shrew', 'shrike', 'shrimp', 'skink', 'skunk', 'sloth', 'slug', 'smelt', 'snail', 'snake', 'snipe', 'sow', 'sponge', 'squid', 'squirrel', 'stag', 'steed', 'stoat', 'stork', 'swan', 'tern', 'toad', 'trout', 'turtle', 'vole', 'wasp', 'whale', 'wolf', 'worm', 'wren', 'yak', 'zebra'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const TEAMS = ['vision', 'nlp', 'ranking', 'forecasting'];
const MODEL_TYPES = ['resnet50', 'vit-b16', 'xgboost', 'lightgbm', 'bert-base', 'mlp'];
const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'rmsprop'];
const DATASETS = ['imagenet-1k-v2', 'cifar10', 'criteo-7d', 'm5-sales', 'sst2'];

export const PARAM_KEYS = ['learning_rate', 'batch_size', 'epochs', 'optimizer', 'dropout', 'weight_decay', 'model', 'hidden_size', 'num_layers', 'seed'];
export const METRIC_KEYS = ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'f1'];
export const TAG_KEYS = ['team', 'model_type', 'dataset'];
const HISTORY_KEY = 'train/loss';
/** Steps logged per metric of an ordinary run. */
const STEPS = 5;
const BASE_TIME = 1_760_000_000_000; // 2025-10-09

// Status mix of a busy experiment; file store ints: 1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED.
const STATUSES: { name: string; code: number; weight: number }[] = [
  { name: 'FINISHED', code: 3, weight: 0.86 },
  { name: 'FAILED', code: 4, weight: 0.08 },
  { name: 'KILLED', code: 5, weight: 0.04 },
  { name: 'RUNNING', code: 1, weight: 0.02 },
];

interface GenMetric {
  key: string;
  points: { timestamp: number; value: number; step: number }[];
}

interface GenRun {
  runId: string;
  name: string;
  user: string;
  statusName: string;
  statusCode: number;
  startTime: number;
  endTime: number | null;
  params: [string, string][];
  /** Tags in the order MLflow's client sets them (system tags first). */
  tags: [string, string][];
  metrics: GenMetric[];
  /** Writes a small artifact file. */
  artifact: boolean;
}

function hexDigits(rand: () => number, n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, n);
}

/** uuid.uuid4().hex, as MLflow makes run ids (version nibble 4, variant 8–b). */
function hex32(rand: () => number): string {
  const h = hexDigits(rand, 32);
  return h.slice(0, 12) + '4' + h.slice(13, 16) + '89ab'[Math.floor(rand() * 4)] + h.slice(17);
}

function experimentId18(rand: () => number): string {
  let s = String(1 + Math.floor(rand() * 9));
  for (let i = 0; i < 17; i++) s += String(Math.floor(rand() * 10));
  return s;
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}


function makeRuns(n: number, rand: () => number): GenRun[] {
  const runs: GenRun[] = [];
  let t = BASE_TIME;
  let currentParent: GenRun | undefined;
  let childrenLeft = 0;
  for (let i = 0; i < n; i++) {
    t += 30_000 + Math.floor(rand() * 600_000); // a run every 0.5–10.5 minutes
    const runId = hex32(rand);
    const name = `${pick(rand, PREDICATES)}-${pick(rand, NOUNS)}-${Math.floor(rand() * 1000)}`;
    const user = pick(rand, USERS);
    let r = rand();
    let st = STATUSES[0];
    for (const s of STATUSES) {
      if (r < s.weight) {
        st = s;
        break;
      }
      r -= s.weight;
    }
    // Most recent runs are the ones still running.
    if (i >= n - 3) st = STATUSES[3];
    const duration = 60_000 + Math.floor(rand() * 3_600_000);
    const startTime = t;
    const endTime = st.name === 'RUNNING' ? null : startTime + duration;

    const model = pick(rand, MODEL_TYPES);
    const lr = pick(rand, [0.1, 0.03, 0.01, 0.003, 0.001, 0.0003, 0.0001, 1e-5]);
    const params: [string, string][] = [
      // log_param stores str(value): Python's float formatting.
      ['learning_rate', pyFloat(lr)],
      ['batch_size', String(pick(rand, [16, 32, 64, 128, 256]))],
      ['epochs', String(pick(rand, [5, 10, 20, 50]))],
      ['optimizer', pick(rand, OPTIMIZERS)],
      ['dropout', pyFloat(pick(rand, [0.0, 0.1, 0.2, 0.3, 0.5]))],
      ['weight_decay', pick(rand, ['0', '0.0001', '0.001', '0.01'])],
      ['model', model],
      ['hidden_size', String(pick(rand, [128, 256, 512, 768, 1024]))],
      ['num_layers', String(1 + Math.floor(rand() * 12))],
      ['seed', String(Math.floor(rand() * 100000))],
    ];

    // Nesting: every so often a parent (sweep) run whose next 2–4 runs are its children.
    let parentId: string | undefined;
    if (childrenLeft > 0 && currentParent) {
      parentId = currentParent.runId;
      childrenLeft--;
    }
    const tags: [string, string][] = [
      ['mlflow.user', user],
      ['mlflow.source.name', pick(rand, ['train.py', 'sweep.py', 'notebooks/explore.ipynb'])],
      ['mlflow.source.type', 'LOCAL'],
      ['mlflow.source.git.commit', hexDigits(rand, 40)],
    ];
    if (parentId) tags.push(['mlflow.parentRunId', parentId]);
    tags.push(['team', pick(rand, TEAMS)], ['model_type', model], ['dataset', pick(rand, DATASETS)]);
    tags.push(['mlflow.runName', name]);

    const metrics: GenMetric[] = [];
    const quality = rand();
    const failedEarly = st.name === 'FAILED' || st.name === 'KILLED';
    const steps = failedEarly ? 1 + Math.floor(rand() * (STEPS - 1)) : STEPS;
    for (const key of METRIC_KEYS) {
      const points: GenMetric['points'] = [];
      for (let s = 0; s < steps; s++) {
        const progress = (s + 1) / STEPS;
        let v: number;
        if (key === 'loss') v = 2.3 * Math.exp(-2.5 * progress * (0.5 + quality)) + 0.05 * rand();
        else if (key === 'val_loss') v = 2.4 * Math.exp(-2.2 * progress * (0.5 + quality)) + 0.08 * rand();
        else if (key === 'accuracy') v = Math.min(0.999, 0.3 + 0.65 * progress * (0.6 + 0.4 * quality) + 0.02 * rand());
        else if (key === 'val_accuracy') v = Math.min(0.999, 0.28 + 0.62 * progress * (0.6 + 0.4 * quality) + 0.03 * rand());
        else v = Math.min(0.999, 0.25 + 0.6 * progress * (0.55 + 0.45 * quality) + 0.03 * rand());
        points.push({ timestamp: startTime + 1000 + s * 20_000 + Math.floor(rand() * 1000), value: v, step: s });
      }
      metrics.push({ key, points });
    }
    const run: GenRun = { runId, name, user, statusName: st.name, statusCode: st.code, startTime, endTime, params, tags, metrics, artifact: i % 10 === 0 };
    runs.push(run);
    if (!parentId && childrenLeft === 0 && rand() < 0.04) {
      currentParent = run;
      childrenLeft = 2 + Math.floor(rand() * 3);
    } else if (!parentId) {
      currentParent = undefined;
      childrenLeft = 0;
    }
  }
  return runs;
}

function makeHistoryRun(points: number, rand: () => number): GenRun {
  const startTime = BASE_TIME - 86_400_000;
  const runId = hex32(rand);
  const pts: GenMetric['points'] = new Array(points);
  for (let s = 0; s < points; s++) {
    const v = 2.5 * Math.exp(-s / (points / 6)) + 0.1 + 0.05 * Math.sin(s / 50) + 0.04 * (rand() - 0.5);
    pts[s] = { timestamp: startTime + 1000 + s * 50, value: v, step: s };
  }
  const lr: GenMetric = { key: 'learning_rate', points: [0, 1, 2, 3].map((k) => ({ timestamp: startTime + 1000 + k * 1_250_000, value: 0.001 / 10 ** k, step: Math.floor((k * points) / 4) })) };
  return {
    runId,
    name: 'long-training-100k',
    user: 'alice',
    statusName: 'FINISHED',
    statusCode: 3,
    startTime,
    endTime: startTime + 1000 + points * 50 + 5000,
    params: [
      ['learning_rate', '0.001'],
      ['epochs', '100'],
    ],
    tags: [
      ['mlflow.user', 'alice'],
      ['mlflow.source.name', 'train.py'],
      ['mlflow.source.type', 'LOCAL'],
      ['mlflow.runName', 'long-training-100k'],
    ],
    metrics: [{ key: HISTORY_KEY, points: pts }, lr],
    artifact: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Python-compatible formatting

/** Python's repr(float), as MLflow writes metric values in the file store. */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = v.toExponential().split('e'); // shortest round-trip digits
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let s: string;
  if (exp >= 0) {
    s = digits.length <= exp + 1 ? digits + '0'.repeat(exp + 1 - digits.length) + '.0' : digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  } else {
    s = '0.' + '0'.repeat(-exp - 1) + digits;
  }
  return (neg ? '-' : '') + s;
}

// PyYAML's implicit resolvers: strings matching these must be quoted to stay strings.
const YAML_IMPLICIT = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:~|null|Null|NULL|)$/,
  /^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?/,
];

/** A string as PyYAML's safe_dump (allow_unicode) writes it, for the simple values this generator emits. */
export function yamlStr(s: string): string {
  const needsQuote =
    YAML_IMPLICIT.some((re) => re.test(s)) ||
    /^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(s) ||
    /\s$/.test(s) ||
    /: |:$| #|[\n\t\r]/.test(s);
  return needsQuote ? `'${s.replace(/'/g, "''")}'` : s;
}

type YamlValue = string | number | null | [];

/** Keys sorted, `key: value` lines, as mlflow.utils.yaml_utils.write_yaml (PyYAML, default_flow_style=False). */
export function dumpYaml(o: Record<string, YamlValue>): string {
  return (
    Object.keys(o)
      .sort()
      .map((k) => {
        const v = o[k];
        const shown = v === null ? 'null' : Array.isArray(v) ? '[]' : typeof v === 'number' ? String(v) : yamlStr(v);
        return `${k}: ${shown}`;
      })
      .join('\n') + '\n'
  );
}

// ---------------------------------------------------------------------------------------------
// writers

function toFileUri(p: string): string {
  const slashed = p.replace(/\\/g, '/');
  return 'file://' + (slashed.startsWith('/') ? '' : '/') + slashed.split('/').map(encodeURIComponent).join('/').replace(/%3A/gi, ':');
}

function writeKeyFile(base: string, key: string, content: string): void {
  const p = path.join(base, ...key.split('/'));
  if (key.includes('/')) fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

/**
 * Writes into `mlruns` (a temp folder) but records the absolute paths of `finalMlruns`, where the store
 * ends up. Returns the experiment's folder in `mlruns`.
 */
function writeFileExperiment(mlruns: string, finalMlruns: string, id: string, name: string, time: number, tags: [string, string][]): string {
  const dir = path.join(mlruns, id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'meta.yaml'),
    dumpYaml({ artifact_location: toFileUri(path.join(finalMlruns, id)), creation_time: time, experiment_id: id, last_update_time: time, lifecycle_stage: 'active', name }),
  );
  if (tags.length) {
    fs.mkdirSync(path.join(dir, 'tags'));
    for (const [k, v] of tags) writeKeyFile(path.join(dir, 'tags'), k, v);
  }
  return dir;
}

function writeFileRun(expDir: string, finalMlruns: string, experimentId: string, r: GenRun): void {
  const dir = path.join(expDir, r.runId);
  fs.mkdirSync(dir);
  fs.writeFileSync(
    path.join(dir, 'meta.yaml'),
    dumpYaml({
      artifact_uri: toFileUri(path.join(finalMlruns, experimentId, r.runId, 'artifacts')),
      end_time: r.endTime,
      entry_point_name: '',
      experiment_id: experimentId,
      lifecycle_stage: 'active',
      run_id: r.runId,
      run_name: r.name,
      source_name: '',
      source_type: 4,
      source_version: '',
      start_time: r.startTime,
      status: r.statusCode,
      tags: [],
      user_id: r.user,
    }),
  );
  const metrics = path.join(dir, 'metrics');
  const params = path.join(dir, 'params');
  const tags = path.join(dir, 'tags');
  const artifacts = path.join(dir, 'artifacts');
  fs.mkdirSync(metrics);
  fs.mkdirSync(params);
  fs.mkdirSync(tags);
  fs.mkdirSync(artifacts);
  for (const [k, v] of r.params) writeKeyFile(params, k, v);
  for (const [k, v] of r.tags) writeKeyFile(tags, k, v);
  for (const m of r.metrics) {
    const lines = new Array<string>(m.points.length);
    for (let i = 0; i < m.points.length; i++) {
      const p = m.points[i];
      lines[i] = `${p.timestamp} ${pyFloat(p.value)} ${p.step}\n`;
    }
    writeKeyFile(metrics, m.key, lines.join(''));
  }
  if (r.artifact) {
    fs.writeFileSync(
      path.join(artifacts, 'summary.json'),
      JSON.stringify({ run: r.name, params: Object.fromEntries(r.params), status: r.statusName }, null, 2),
    );
  }
}

/** The MLflow 3.6 schema (DDL from a real store plus its alembic_version row). */
export function readSchemaSql(): string {
  return fs.readFileSync(SCHEMA_FILE, 'utf8');
}

/** sqlite stores ±inf as ±DBL_MAX and NaN as 0 with is_nan=1, as MLflow's SqlAlchemyStore does. */
function sqlValue(v: number): [number, number] {
  if (Number.isNaN(v)) return [0, 1];
  if (v === Infinity) return [1.7976931348623157e308, 0];
  if (v === -Infinity) return [-1.7976931348623157e308, 0];
  return [v, 0];
}

async function writeSqlite(
  dbPath: string,
  artifactRoot: string,
  experiments: { id: number; name: string; time: number; tags: [string, string][]; runs: GenRun[] }[],
  wasmPath: string | undefined,
): Promise<void> {
  const SQL = await initSqlJs(wasmPath ? { locateFile: () => wasmPath } : undefined);
  const db = new SQL.Database();
  try {
    db.exec(readSchemaSql());
    db.exec('BEGIN');
    const insExp = db.prepare('INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES (?, ?, ?, ?, ?, ?)');
    const insExpTag = db.prepare('INSERT INTO experiment_tags ("key", value, experiment_id) VALUES (?, ?, ?)');
    const insRun = db.prepare(
      'INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id, deleted_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insParam = db.prepare('INSERT INTO params ("key", value, run_uuid) VALUES (?, ?, ?)');
    const insTag = db.prepare('INSERT INTO tags ("key", value, run_uuid) VALUES (?, ?, ?)');
    const insMetric = db.prepare('INSERT INTO metrics ("key", value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)');
    const insLatest = db.prepare('INSERT INTO latest_metrics ("key", value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?)');
    for (const e of experiments) {
      const expRoot = path.join(artifactRoot, String(e.id));
      insExp.run([e.id, e.name, expRoot, 'active', e.time, e.time]);
      for (const [k, v] of e.tags) insExpTag.run([k, v, e.id]);
      for (const r of e.runs) {
        insRun.run([r.runId, r.name, 'UNKNOWN', '', '', r.user, r.statusName, r.startTime, r.endTime, '', 'active', path.join(expRoot, r.runId, 'artifacts'), e.id, null]);
        for (const [k, v] of r.params) insParam.run([k, v, r.runId]);
        for (const [k, v] of r.tags) insTag.run([k, v, r.runId]);
        for (const m of r.metrics) {
          // latest = max by (step, timestamp, value), as SqlAlchemyStore._update_latest_metrics_if_necessary
          let latest = m.points[0];
          for (const p of m.points) {
            const [v, nan] = sqlValue(p.value);
            insMetric.run([m.key, v, p.timestamp, r.runId, p.step, nan]);
            if (p.step > latest.step || (p.step === latest.step && (p.timestamp > latest.timestamp || (p.timestamp === latest.timestamp && p.value > latest.value)))) latest = p;
          }
          const [lv, lnan] = sqlValue(latest.value);
          insLatest.run([m.key, lv, latest.timestamp, latest.step, lnan, r.runId]);
        }
      }
    }
    for (const s of [insExp, insExpTag, insRun, insParam, insTag, insMetric, insLatest]) s.free();
    db.exec('COMMIT');
    fs.writeFileSync(dbPath, db.export());
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------

function manifestPath(dir: string): string {
  return path.join(dir, 'manifest.json');
}

/** The cached store at `dir` when it was made by this generator version with these options. */
export function readManifest(dir: string): GeneratedStore | undefined {
  try {
    return JSON.parse(fs.readFileSync(manifestPath(dir), 'utf8')) as GeneratedStore;
  } catch {
    return undefined;
  }
}

export async function generateStore(opts: GenerateOptions = {}): Promise<GeneratedStore> {
  const runs = opts.runs ?? 5000;
  const historyPoints = opts.historyPoints ?? 100_000;
  const dir = path.resolve(opts.dir ?? path.join(BENCH_DIR, `store-${runs}x${historyPoints}`));
  const seed = opts.seed ?? 20251129;
  const log = opts.log ?? (() => undefined);

  const cached = readManifest(dir);
  if (
    !opts.force &&
    cached &&
    cached.generatorVersion === GENERATOR_VERSION &&
    cached.runs === runs &&
    cached.historyPoints === historyPoints &&
    cached.seed === seed &&
    cached.dir === dir &&
    fs.existsSync(cached.dbPath) &&
    fs.existsSync(cached.mlrunsDir)
  ) {
    return { ...cached, generatedInMs: 0 };
  }

  const t0 = Date.now();
  // Build beside the target and swap in at the end, so an interrupted run never leaves a half store.
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });

  const rand = mulberry32(seed);
  const mainRuns = makeRuns(runs, rand);
  const historyRun = makeHistoryRun(historyPoints, rand);
  const fileExpId = experimentId18(rand);
  const fileHistExpId = experimentId18(rand);
  const created = BASE_TIME - 2 * 86_400_000;
  const mainName = `bench-${runs}-runs`;
  const histName = 'bench-long-history';
  const expTags: [string, string][] = [
    ['mlflow.note.content', `Benchmark experiment: ${runs} generated runs.`],
    ['project', 'mlflow-vscode-bench'],
  ];

  // File store. Paths inside meta.yaml name the final location (`dir`), not the temp folder.
  log(`writing file store (${runs} runs)…`);
  const mlrunsTmp = path.join(tmp, 'file', 'mlruns');
  const mlrunsFinal = path.join(dir, 'file', 'mlruns');
  fs.mkdirSync(mlrunsTmp, { recursive: true });
  writeFileExperiment(mlrunsTmp, mlrunsFinal, '0', 'Default', created, []);
  const mainDir = writeFileExperiment(mlrunsTmp, mlrunsFinal, fileExpId, mainName, created + 1000, expTags);
  for (const r of mainRuns) writeFileRun(mainDir, mlrunsFinal, fileExpId, r);
  const histDir = writeFileExperiment(mlrunsTmp, mlrunsFinal, fileHistExpId, histName, created + 2000, []);
  writeFileRun(histDir, mlrunsFinal, fileHistExpId, historyRun);
  const tFile = Date.now();
  log(`file store written in ${((tFile - t0) / 1000).toFixed(1)} s; writing SQLite store…`);

  // SQLite store: experiments 0 (Default), 1 (main), 2 (history); artifact root <dir>/sqlite/mlruns.
  const sqliteTmp = path.join(tmp, 'sqlite');
  fs.mkdirSync(path.join(sqliteTmp, 'mlruns'), { recursive: true });
  const artifactRoot = path.join(dir, 'sqlite', 'mlruns');
  await writeSqlite(
    path.join(sqliteTmp, 'mlflow.db'),
    artifactRoot,
    [
      { id: 0, name: 'Default', time: created, tags: [], runs: [] },
      { id: 1, name: mainName, time: created + 1000, tags: expTags, runs: mainRuns },
      { id: 2, name: histName, time: created + 2000, tags: [], runs: [historyRun] },
    ],
    opts.wasmPath,
  );
  log(`SQLite store written in ${((Date.now() - tFile) / 1000).toFixed(1)} s`);

  const result: GeneratedStore = {
    generatorVersion: GENERATOR_VERSION,
    dir,
    runs,
    historyPoints,
    seed,
    mlrunsDir: mlrunsFinal,
    dbPath: path.join(dir, 'sqlite', 'mlflow.db'),
    sqliteArtifactRoot: artifactRoot,
    file: { experimentId: fileExpId, historyExperimentId: fileHistExpId },
    sqlite: { experimentId: '1', historyExperimentId: '2' },
    historyRunId: historyRun.runId,
    historyKey: HISTORY_KEY,
    metricKeys: METRIC_KEYS,
    paramKeys: PARAM_KEYS,
    tagKeys: TAG_KEYS,
    nestedRuns: mainRuns.filter((r) => r.tags.some(([k]) => k === 'mlflow.parentRunId')).length,
    sampleRunIds: [mainRuns[0].runId, mainRuns[Math.floor(runs / 2)].runId, mainRuns[runs - 1].runId],
    generatedInMs: 0,
  };
  fs.writeFileSync(manifestPath(tmp), JSON.stringify(result, null, 2) + '\n');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.renameSync(tmp, dir);
  return { ...result, generatedInMs: Date.now() - t0 };
}

// ---------------------------------------------------------------------------------------------

// (the file name check: bundled into another entry point, this module is not the CLI)
if (require.main === module && /generateStore\.[cm]?[jt]s$/.test(require.main.filename)) {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  generateStore({
    dir: opt('--dir'),
    runs: opt('--runs') ? Number(opt('--runs')) : undefined,
    historyPoints: opt('--points') ? Number(opt('--points')) : undefined,
    force: args.includes('--force'),
    log: (m) => process.stderr.write(m + '\n'),
  }).then(
    (s) => process.stdout.write(JSON.stringify(s, null, 2) + '\n'),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
