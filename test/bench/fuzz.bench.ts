// Fuzzing every parser of untrusted input, 100,000 cases each (FUZZ_CASES to change):
//   fuzz-meta-yaml       meta.yaml line parser (parseFlatYaml, parseMetaYaml, parseRunMeta, setYamlKeys)
//   fuzz-metric-lines    metric files (parseMetricHistory, latestMetric vs. maxMetric of all points)
//   fuzz-sqlite-rows     SQLite row → domain functions (runInfoFromRow, metricFromRow, …)
//   fuzz-rest-json       REST bodies: parseLenientJson + wire parse* + httpError/badJsonAnswer
//   fuzz-filter          MLflow's search grammar (compileRunFilter, order_by, entity filters)
//   fuzz-python-scanner  scanPython / tokenizePython
// Seeds are the REAL files of test/fixtures/mlflow (meta.yaml and metric files of the v2/v3 stores, rows
// of their SQLite databases, transcript bodies and the filters sent in them) and the project's
// Python fixtures, mutated by byte flips, truncation, special characters, huge numbers, deep nesting,
// unicode; plus pure random input. A "crash" is any exception other than the documented ones (a
// TrackingError of the documented kind, RunMetaError, YAML/JSON syntax errors where the caller turns
// them into problems) or a broken invariant of the result. Each parser runs in a worker thread with a
// watchdog (a case that does not finish within HANG_MS is a hang); a case slower than CASE_CAP_MS
// fails the bench too. Every case is reproducible from (parser, seed, index): FUZZ_ONLY=<name>
// FUZZ_CASE=<i> prints one input.
//
// One JSON line per parser: {"bench":"fuzz-meta-yaml","cases":100000,"crashes":0,"hangs":0,
// "maxCaseMs":…,"pass":true,…}; exit status 1 on any crash, hang or over-cap case.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { scanPython, type MlflowCall, type Range } from '../../src/codelens/scanner';
import { tokenizePython } from '../../src/codelens/pythonTokens';
import { isTrackingError } from '../../src/tracking/errors';
import { latestMetric, maxMetric, parseMetricHistory, type MetricFileContext } from '../../src/tracking/file/metricFile';
import { parseFlatYaml, parseMetaYaml, setYamlKeys, yamlInt, yamlStr } from '../../src/tracking/file/metaYaml';
import { RunMetaError, parseRunMeta } from '../../src/tracking/file/runReader';
import { badJsonAnswer, httpError, looksLikeHtml } from '../../src/tracking/rest/classify';
import { parseLenientJson } from '../../src/tracking/lenientJson';
import {
  compileExperimentFilter,
  compileExperimentOrderBy,
  compileLoggedModelFilter,
  compileModelVersionFilter,
  compileModelVersionOrderBy,
  compileRegisteredModelFilter,
  compileRegisteredModelOrderBy,
  compileRunFilter,
  compileRunOrderBy,
  filterNeeds,
  validateRunFilter,
} from '../../src/tracking/search';
import { EXPERIMENT_COLS, LOGGED_MODEL_COLS, MODEL_VERSION_COLS, RUN_COLS, experimentFromRow, loggedModelFromRow, metricFromRow, modelVersionFromRow, runInfoFromRow } from '../../src/tracking/sqlite/rows';
import type { Experiment, LoggedModel, Metric, ModelVersion, RegisteredModel, Run } from '../../src/tracking/types';
import {
  modelIdFromSource,
  parseArtifactFile,
  parseExperiment,
  parseLoggedModel,
  parseMetric,
  parseModelVersion,
  parseRegisteredModel,
  parseRun,
  toWireExperiment,
  toWireLoggedModel,
  toWireMetric,
  toWireModelVersion,
  toWireRegisteredModel,
  toWireRun,
} from '../../src/tracking/wire';
import { trainingScript } from '../unit/codelens/pythonSample';
import { PROJECT_ROOT, MLFLOW_FIXTURES_DIR, transcripts, type Transcript } from '../support/fixtures';

const CASES = Number(process.env.FUZZ_CASES ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20251129);
const CASE_CAP_MS = Number(process.env.FUZZ_CASE_CAP_MS ?? 2000);
const HANG_MS = Number(process.env.FUZZ_HANG_MS ?? 20_000);

// ---------------------------------------------------------------- randomness and mutation

type Rng = () => number;

function mulberry(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The generator of case `i` of parser `name`: independent of every other case. */
function caseRng(name: string, i: number): Rng {
  return mulberry(hashString(`${SEED}:${name}`) ^ Math.imul(i + 1, 0x9e3779b1));
}

const pick = <T>(r: Rng, a: readonly T[]): T => a[Math.floor(r() * a.length)];
const int = (r: Rng, n: number): number => Math.floor(r() * n);

const HUGE_NUMBERS = [
  '1e309', '-1e309', '1e-400', '9'.repeat(400), '-9223372036854775809', '9223372036854775808', '18446744073709551616', '1.7976931348623157e308',
  '5e-324', '-0', '-0.0', '0x7fffffff', '1_000_000', '0o777', '.5', '5.', '+1', '１２３', '١٢٣', 'NaN', 'nan', 'inf', '-inf', 'Infinity', '-Infinity', '.inf', '-.inf', '.nan',
];
const SPECIAL = [
  '\u0000', '\u0001', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\ufffd', '\uffff', '\ud800', '\udc00', '\ud83d', '😀', '🚀', 'é', 'ß', 'İ', 'ﬁ', 'Ω', '中文', 'ラン',
  '\r', '\r\n', '\n', '\t', ' ', '  ', '"', "'", '`', '\\', '/', ':', ': ', '- ', '#', ' #', '{', '}', '[', ']', ',', '&a ', '*a', '!!str ', '!!binary ', '|', '>', '%', '@', '---', '...', '? ',
  'null', '~', 'true', 'yes', 'on', '<<: ', '%YAML 1.2', '\\u0000', '\\ud800', '\\"', '${x}', '<script>', '</', '&amp;', '\x80', '\xff',
];

function mutateText(src: string, r: Rng, extra: readonly string[] = []): string {
  let s = src;
  const edits = 1 + int(r, 6);
  for (let e = 0; e < edits; e++) {
    const at = int(r, s.length + 1);
    const op = int(r, 12);
    switch (op) {
      case 0: {
        // bit flip of one UTF-16 unit
        if (!s.length) break;
        const k = Math.min(at, s.length - 1);
        s = s.slice(0, k) + String.fromCharCode(s.charCodeAt(k) ^ (1 << int(r, 16))) + s.slice(k + 1);
        break;
      }
      case 1:
        s = s.slice(0, at); // truncated
        break;
      case 2:
      case 3:
        s = s.slice(0, at) + pick(r, extra.length && r() < 0.5 ? extra : SPECIAL) + s.slice(at);
        break;
      case 4:
        s = s.slice(0, at) + s.slice(at + 1 + int(r, 30));
        break;
      case 5: {
        const from = int(r, s.length + 1);
        s = s.slice(0, at) + s.slice(from, from + int(r, 80)) + s.slice(at);
        break;
      }
      case 6: {
        // a number becomes huge / special
        const m = /-?\d[\d.eE+-]*/g;
        m.lastIndex = at;
        const hit = m.exec(s) ?? /-?\d[\d.eE+-]*/.exec(s);
        if (hit) s = s.slice(0, hit.index) + pick(r, HUGE_NUMBERS) + s.slice(hit.index + hit[0].length);
        break;
      }
      case 7: {
        // deep nesting
        const open = pick(r, ['[', '{', '(', '{a: ', '- ', '  ', '{"a":', '[[', 'f"{', '((']);
        const n = 1 + int(r, r() < 0.02 ? 5000 : 100);
        s = s.slice(0, at) + open.repeat(n) + s.slice(at);
        break;
      }
      case 8:
        s = s.slice(0, at) + pick(r, ['x', 'é', '😀', ' ', '9', '%', '_']).repeat(1 + int(r, r() < 0.02 ? 20_000 : 300)) + s.slice(at);
        break;
      case 9: {
        // random code unit
        s = s.slice(0, at) + String.fromCharCode(int(r, 0x10000)) + s.slice(at);
        break;
      }
      case 10: {
        // swap two lines
        const lines = s.split('\n');
        if (lines.length > 1) {
          const a = int(r, lines.length);
          const b = int(r, lines.length);
          [lines[a], lines[b]] = [lines[b], lines[a]];
          s = lines.join(r() < 0.2 ? '\r\n' : '\n');
        }
        break;
      }
      default:
        s = s.slice(0, at) + String.fromCharCode(32 + int(r, 95)) + s.slice(at + 1);
    }
  }
  return s;
}

function randomText(r: Rng, alphabet: readonly string[], max = 200): string {
  const n = int(r, max);
  let s = '';
  for (let i = 0; i < n; i++) s += r() < 0.7 ? pick(r, alphabet) : String.fromCharCode(int(r, r() < 0.8 ? 128 : 0x10000));
  return s;
}

// ---------------------------------------------------------------- seeds from test/fixtures/mlflow

function walk(dir: string, keep: (p: string) => boolean, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, keep, out);
    else if (e.isFile() && keep(p)) out.push(p);
  }
  return out;
}

const STORES = path.join(MLFLOW_FIXTURES_DIR, 'stores');
const TRANSCRIPT_DIRS = ['v2', 'v2-auth', 'v2-filestore', 'v3', 'v3-auth', 'v3-filestore'];

let transcriptCache: Transcript[] | undefined;
function allTranscripts(): Transcript[] {
  return (transcriptCache ??= TRANSCRIPT_DIRS.flatMap((d) => transcripts(d)));
}

// ---------------------------------------------------------------- the parsers under test

class Crash extends Error {}
function invariant(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Crash(`invariant broken: ${what}`);
}

/** Allowed: a TrackingError of one of `kinds`. Anything else rethrows (a crash). */
function trackingOutcome(e: unknown, kinds: readonly string[]): string {
  if (isTrackingError(e) && kinds.includes(e.kind)) {
    invariant(typeof e.message === 'string' && e.message.length > 0, 'a TrackingError has a message');
    return `TrackingError:${e.kind}`;
  }
  throw e;
}

interface Target {
  name: string;
  /** Loads seeds (may be async: sql.js). */
  setup(): Promise<void> | void;
  gen(r: Rng, i: number): unknown;
  /** Runs the parsers on one input; returns the outcome class, throws on a crash. */
  check(input: unknown): string;
  seeds(): number;
}

// ---- meta.yaml

const metaSeeds: string[] = [];
const YAML_EXTRA = ['run_id: ', 'run_uuid: ', 'status: ', 'lifecycle_stage: deleted', 'experiment_id: ', "'", "''", 'tags:\n- a\n', 'artifact_uri: file:///x', 'start_time: ', 'end_time: null', 'key: |\n  block\n', 'a: &x 1\nb: *x\n'];
const metaYaml: Target = {
  name: 'fuzz-meta-yaml',
  setup() {
    for (const f of walk(STORES, (p) => path.basename(p) === 'meta.yaml')) metaSeeds.push(fs.readFileSync(f, 'utf8'));
    if (!metaSeeds.length) throw new Error(`no meta.yaml under ${STORES}`);
  },
  seeds: () => metaSeeds.length,
  gen(r) {
    const x = r();
    if (x < 0.08) return randomText(r, [...SPECIAL, ...YAML_EXTRA, 'a', 'b', '1'], 300);
    if (x < 0.09) return `${pick(r, ['a: ', '- ', '{a: ', '[', 'a:\n  '])}`.repeat(1 + int(r, 3000));
    return mutateText(pick(r, metaSeeds), r, YAML_EXTRA);
  },
  check(input) {
    const text = input as string;
    const flat = parseFlatYaml(text); // never throws
    invariant(flat === undefined || (typeof flat === 'object' && flat !== null), 'parseFlatYaml: object or undefined');
    if (flat) for (const v of Object.values(flat)) invariant(v === null || typeof v === 'string', 'flat values are strings or null');
    let outcome: string;
    try {
      const meta = parseRunMeta(text, '/nonexistent/mlruns/1/run', '/nonexistent/mlruns/1');
      invariant(typeof meta.runId === 'string' && meta.runId.length > 0, 'runId');
      invariant(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].includes(meta.info.status), `status ${meta.info.status}`);
      invariant(meta.info.lifecycleStage === 'active' || meta.info.lifecycleStage === 'deleted', 'lifecycle');
      for (const t of [meta.info.startTime, meta.info.endTime]) invariant(t === undefined || Number.isFinite(t), `run times are finite or absent: ${t}`);
      outcome = 'run';
    } catch (e) {
      if (!(e instanceof RunMetaError)) throw e;
      outcome = 'RunMetaError';
    }
    try {
      const m = parseMetaYaml(text);
      for (const v of Object.values(m)) {
        yamlStr(v);
        yamlInt(v);
      }
    } catch (e) {
      // documented: "Throws on YAML that is not a mapping" (js-yaml's YAMLException, or our Error; a
      // stack overflow on absurd nesting) — every caller wraps it into a problem
      if (!(e instanceof Error)) throw e;
    }
    // the writer (rename/tag edits of a run's meta.yaml) must not throw on whatever the file holds
    const edited = setYamlKeys(text, { run_name: 'renamed: it\'s "x"', lifecycle_stage: 'deleted' });
    invariant(typeof edited === 'string', 'setYamlKeys returns text');
    // (a key written twice — never by MLflow — is only replaced at its first place: see the report)
    if (flat && flat.run_id && !/[\r\u0085\u2028\u2029]/.test(text) && !hasDuplicateKeys(text)) {
      const back = parseFlatYaml(edited) ?? (() => {
        try {
          return parseMetaYaml(edited);
        } catch {
          return undefined;
        }
      })();
      if (back) invariant(back.lifecycle_stage === 'deleted', 'setYamlKeys: the edit reads back');
    }
    return outcome;
  },
};

function hasDuplicateKeys(text: string): boolean {
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([^\s:#'"-][^:]*):(\s|$)/.exec(line);
    if (!m) continue;
    if (seen.has(m[1])) return true;
    seen.add(m[1]);
  }
  return false;
}

// ---- metric files

const metricSeeds: string[][] = [];
const metric: Target = {
  name: 'fuzz-metric-lines',
  setup() {
    for (const f of walk(STORES, (p) => /[/\\]metrics[/\\]/.test(p) && !/[/\\]models[/\\]m-/.test(p))) {
      metricSeeds.push(fs.readFileSync(f, 'utf8').split('\n').filter(Boolean));
    }
    // logged-model metric files (4+ fields) too
    for (const f of walk(STORES, (p) => /[/\\]models[/\\]m-[^/\\]+[/\\]metrics[/\\]/.test(p))) metricSeeds.push(fs.readFileSync(f, 'utf8').split('\n').filter(Boolean));
    if (!metricSeeds.length) throw new Error('no metric files');
  },
  seeds: () => metricSeeds.length,
  gen(r) {
    const x = r();
    if (x < 0.08) return randomText(r, ['1', '0', ' ', '\n', '.', '-', 'e', 'nan', 'inf', '17956809', '\r', 'a'], 200);
    const lines = pick(r, metricSeeds);
    const start = int(r, lines.length);
    const text = lines.slice(start, start + 1 + int(r, 40)).join(r() < 0.1 ? '\r\n' : '\n') + (r() < 0.5 ? '\n' : '');
    return mutateText(text, r, [' ', '  ', '\t', ' nan ', ' -inf', ' 1e309 ', ' 0 ', ' m-abc ', ' ds d1', '\n']);
  },
  check(input) {
    const text = input as string;
    let worst = 'ok';
    for (const kind of ['run', 'model'] as const) {
      const ctx: MetricFileContext = { key: 'loss', kind, runId: kind === 'run' ? 'r1' : undefined, modelId: kind === 'model' ? 'm-1' : undefined };
      const all = parseMetricHistory(text, ctx);
      const lines = text.split('\n').filter((l) => l.replace(/\r$/, '') !== '').length;
      invariant(all.value.length + all.badLines === lines, `points (${all.value.length}) + bad lines (${all.badLines}) = lines (${lines})`);
      for (const m of all.value) {
        invariant(m.key === 'loss', 'key');
        invariant(typeof m.value === 'number', 'value is a number');
        invariant(Number.isFinite(m.timestamp) && Number.isFinite(m.step), 'timestamp and step are finite');
        invariant(Number.isInteger(m.timestamp) && Number.isInteger(m.step), 'timestamp and step are integers');
      }
      const latest = latestMetric(text, ctx);
      const expected = maxMetric(all.value);
      // the fast path must agree with Python's max over the readable points
      invariant(
        (latest.value === undefined) === (expected === undefined) &&
          (!expected || (latest.value!.step === expected.step && latest.value!.timestamp === expected.timestamp && Object.is(latest.value!.value, expected.value))),
        `latestMetric ${JSON.stringify(latest.value && toWireMetric(latest.value))} != max ${JSON.stringify(expected && toWireMetric(expected))}`,
      );
      if (all.badLines) worst = 'badLines';
    }
    return worst;
  },
};

// ---- SQLite rows

interface RowSeeds {
  runs: unknown[][];
  metrics: unknown[][];
  experiments: unknown[][];
  versions: unknown[][];
  logged: unknown[][];
}
const rowSeeds: RowSeeds = { runs: [], metrics: [], experiments: [], versions: [], logged: [] };
const rowTables = ['runs', 'metrics', 'experiments', 'versions', 'logged'] as const;

async function loadRows(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const init = require('sql.js') as () => Promise<{ Database: new (d: Uint8Array) => { exec(sql: string): { values: unknown[][] }[]; close(): void } }>;
  const SQL = await init();
  for (const f of walk(STORES, (p) => p.endsWith('.db'))) {
    const db = new SQL.Database(fs.readFileSync(f));
    try {
      const cols = (table: string, want: readonly string[]) => {
        const have = new Set((db.exec(`PRAGMA table_info(${table})`)[0]?.values ?? []).map((v) => String(v[1])));
        return want.map((c) => (have.has(c) ? `"${c}"` : 'NULL')).join(', ');
      };
      const rows = (sql: string) => {
        try {
          return db.exec(sql)[0]?.values ?? [];
        } catch {
          return [];
        }
      };
      rowSeeds.runs.push(...rows(`SELECT ${cols('runs', RUN_COLS)} FROM runs`));
      rowSeeds.metrics.push(...rows(`SELECT key, value, timestamp, step, is_nan FROM metrics LIMIT 2000`), ...rows('SELECT key, value, timestamp, step, is_nan FROM latest_metrics'));
      rowSeeds.experiments.push(...rows(`SELECT ${cols('experiments', EXPERIMENT_COLS)} FROM experiments`));
      rowSeeds.versions.push(...rows(`SELECT ${cols('model_versions', MODEL_VERSION_COLS)} FROM model_versions`));
      rowSeeds.logged.push(...rows(`SELECT ${cols('logged_models', LOGGED_MODEL_COLS)} FROM logged_models`));
    } finally {
      db.close();
    }
  }
  for (const t of rowTables) if (!rowSeeds[t].length) throw new Error(`no ${t} rows in the SQLite stores`);
}

function randomSqlValue(r: Rng, like: unknown): unknown {
  const x = int(r, 14);
  switch (x) {
    case 0:
      return null;
    case 1:
      return int(r, 7) - 1;
    case 2:
      return pick(r, [0, -0, 1.5, -1e308, 1.7976931348623157e308, 5e-324, 2 ** 53 + 1, -(2 ** 63), NaN, Infinity, -Infinity]);
    case 3:
      return pick(r, ['RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'SCHEDULED', 'finished', '3', '9', '', 'deleted', 'active', 'READY', 'PENDING_REGISTRATION', 'LOGGED_MODEL_READY', '2']);
    case 4:
      return new Uint8Array(int(r, 16)).map(() => int(r, 256));
    case 5:
      return pick(r, HUGE_NUMBERS);
    case 6:
      return randomText(r, SPECIAL, 40);
    case 7:
      return pick(r, ['models:/m-0123456789abcdef0123456789abcdef', 'models:/m-0123456789abcdef0123456789abcdef/', 'models:/m-XYZ', 'runs:/x/model', 'file:///tmp/x']);
    case 8:
      return 'x'.repeat(r() < 0.05 ? int(r, 100_000) : int(r, 300));
    default:
      return typeof like === 'string' ? mutateText(like, r) : typeof like === 'number' ? like * (r() < 0.5 ? -1 : 1e10) : like;
  }
}

const rows: Target = {
  name: 'fuzz-sqlite-rows',
  setup: loadRows,
  seeds: () => rowTables.reduce((n, t) => n + rowSeeds[t].length, 0),
  gen(r) {
    const table = pick(r, rowTables);
    const base = r() < 0.05 ? [] : [...pick(r, rowSeeds[table])];
    const row = base.length ? base : Array.from({ length: int(r, 14) }, () => randomSqlValue(r, null));
    const edits = int(r, 4);
    for (let e = 0; e < edits; e++) {
      const k = int(r, row.length + 1);
      row[k] = randomSqlValue(r, row[k]);
    }
    if (r() < 0.05) row.length = int(r, row.length + 1); // a short row (missing columns)
    return { table, row };
  },
  check(input) {
    const { table, row } = input as { table: (typeof rowTables)[number]; row: never[] };
    switch (table) {
      case 'runs': {
        const info = runInfoFromRow(row);
        invariant(typeof info.runId === 'string' && typeof info.experimentId === 'string' && typeof info.runName === 'string', 'run strings');
        invariant(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].includes(info.status), `status ${info.status}`);
        invariant(info.lifecycleStage === 'active' || info.lifecycleStage === 'deleted', 'lifecycle');
        invariant(info.startTime === undefined || typeof info.startTime === 'number', 'startTime');
        JSON.stringify(toWireRun({ info, data: { metrics: [], params: [], tags: [] }, inputs: { datasetInputs: [], modelInputs: [] }, outputs: { modelOutputs: [] } }));
        return 'run';
      }
      case 'metrics': {
        const m = metricFromRow(row);
        invariant(typeof m.key === 'string' && typeof m.value === 'number' && typeof m.timestamp === 'number' && typeof m.step === 'number', 'metric types');
        JSON.stringify(toWireMetric(m));
        return 'metric';
      }
      case 'experiments': {
        const e = experimentFromRow(row);
        invariant(typeof e.experimentId === 'string' && typeof e.name === 'string', 'experiment strings');
        JSON.stringify(toWireExperiment(e));
        return 'experiment';
      }
      case 'versions': {
        const v = modelVersionFromRow(row, modelIdFromSource);
        invariant(typeof v.name === 'string' && typeof v.version === 'string' && typeof v.source === 'string', 'version strings');
        invariant(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'].includes(v.status), 'version status');
        invariant(v.modelId === undefined || /^m-[0-9a-f]{32}$/.test(v.modelId), 'model id');
        JSON.stringify(toWireModelVersion(v));
        return 'version';
      }
      case 'logged': {
        const lm = checkLoggedModel(loggedModelFromRow(row));
        invariant(typeof lm.info.modelId === 'string' && typeof lm.info.experimentId === 'string', 'logged model strings');
        JSON.stringify(toWireLoggedModel(lm));
        return 'loggedModel';
      }
    }
  },
};

// ---- REST JSON

type WireKind = 'experiment' | 'run' | 'metric' | 'artifact' | 'registeredModel' | 'modelVersion' | 'loggedModel' | 'page' | 'error';
interface JsonSeed {
  kind: WireKind;
  text: string;
  status: number;
  contentType: string;
}
const jsonSeeds: JsonSeed[] = [];
const LIST_KEYS: Record<string, WireKind> = {
  experiments: 'experiment',
  runs: 'run',
  metrics: 'metric',
  files: 'artifact',
  registered_models: 'registeredModel',
  model_versions: 'modelVersion',
  models: 'loggedModel',
};
const ONE_KEYS: Record<string, WireKind> = { experiment: 'experiment', run: 'run', registered_model: 'registeredModel', model_version: 'modelVersion', model: 'loggedModel' };

const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
const LM_STATUSES = ['LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'];

function checkRun(run: Run): Run {
  invariant(RUN_STATUSES.includes(run.info.status), `run status ${String(run.info.status)}`);
  invariant(typeof run.info.runId === 'string' && typeof run.info.experimentId === 'string', 'run ids are strings');
  for (const t of [run.info.startTime, run.info.endTime]) invariant(t === undefined || Number.isFinite(t), `run times are finite or absent: ${t}`);
  for (const m of run.data.metrics) invariant(typeof m.value === 'number' && Number.isFinite(m.step) && Number.isFinite(m.timestamp), 'metric numbers');
  for (const t of [...run.data.params, ...run.data.tags]) invariant(typeof t.key === 'string' && typeof t.value === 'string', 'tag strings');
  return run;
}

function checkLoggedModel(lm: LoggedModel): LoggedModel {
  invariant(LM_STATUSES.includes(lm.info.status), `logged model status ${String(lm.info.status)}`);
  return lm;
}

const PARSERS: Record<Exclude<WireKind, 'page' | 'error'>, (v: unknown) => unknown> = {
  experiment: (v) => toWireExperiment(parseExperiment(v)),
  run: (v) => toWireRun(checkRun(parseRun(v))),
  metric: (v) => toWireMetric(parseMetric(v)),
  artifact: (v) => parseArtifactFile(v),
  registeredModel: (v) => toWireRegisteredModel(parseRegisteredModel(v)),
  modelVersion: (v) => toWireModelVersion(parseModelVersion(v)),
  loggedModel: (v) => toWireLoggedModel(checkLoggedModel(parseLoggedModel(v))),
};

function loadJsonSeeds(): void {
  for (const t of allTranscripts()) {
    const body = t.response_body;
    const ct = String(t.response_headers?.['content-type'] ?? t.response_headers?.['Content-Type'] ?? '');
    if (t.status >= 400 || typeof body === 'string') {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      if (text.length < 20_000) jsonSeeds.push({ kind: 'error', text, status: t.status ?? 500, contentType: ct });
      continue;
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
    const o = body as Record<string, unknown>;
    if ((o as { _binary?: unknown })._binary) continue;
    const text = JSON.stringify(o);
    if (text.length < 6000 && Object.keys(o).some((k) => k in LIST_KEYS || k in ONE_KEYS)) jsonSeeds.push({ kind: 'page', text, status: 200, contentType: ct });
    for (const [k, kind] of Object.entries(LIST_KEYS)) {
      if (Array.isArray(o[k])) for (const item of (o[k] as unknown[]).slice(0, 30)) if (item && !(item as { _elided?: unknown })._elided) jsonSeeds.push({ kind, text: JSON.stringify(item), status: 200, contentType: ct });
    }
    for (const [k, kind] of Object.entries(ONE_KEYS)) if (o[k] && typeof o[k] === 'object') jsonSeeds.push({ kind, text: JSON.stringify(o[k]), status: 200, contentType: ct });
  }
  if (jsonSeeds.length < 50) throw new Error(`only ${jsonSeeds.length} JSON seeds`);
}

function randomJson(r: Rng, depth: number): unknown {
  const x = int(r, depth > 3 ? 6 : 9);
  switch (x) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return pick(r, [0, -1, 1.5, 1e308, -1e308, 5e-324, 2 ** 64, -(2 ** 63), 1700000000000]);
    case 3:
      return pick(r, ['NaN', 'Infinity', '-Infinity', 'nan', 'inf', '', ' 12 ', '12', '-3', '1e5', 'FINISHED', '3', 'deleted', 'READY', 'LOGGED_MODEL_READY', 'models:/m-0123456789abcdef0123456789abcdef']);
    case 4:
      return randomText(r, SPECIAL, 30);
    case 5:
      return 'x'.repeat(r() < 0.05 ? int(r, 50_000) : int(r, 500));
    case 6:
      return Array.from({ length: int(r, 4) }, () => randomJson(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = int(r, 4); i > 0; i--) o[pick(r, ['key', 'value', 'run_id', 'info', 'data', 'tags', 'name', '__proto__', 'constructor', 'status', 'step'])] = randomJson(r, depth + 1);
      return o;
    }
  }
}

function deepNest(n: number, r: Rng): unknown {
  let v: unknown = pick(r, ['x', 1, null]);
  for (let i = 0; i < n; i++) v = r() < 0.5 ? [v] : { a: v };
  return v;
}

/** Structural mutations of a parsed JSON value (in place where possible; returns the new root). */
function mutateJson(v: unknown, r: Rng, budget: { n: number }): unknown {
  if (budget.n <= 0) return v;
  if (r() < 0.15) {
    budget.n--;
    const y = r();
    if (y < 0.01) return deepNest(500 + int(r, 8000), r);
    return randomJson(r, 2);
  }
  if (Array.isArray(v)) {
    if (v.length && r() < 0.2) v.splice(int(r, v.length), 1);
    if (r() < 0.1) v.push(randomJson(r, 1));
    for (let i = 0; i < v.length; i++) v[i] = mutateJson(v[i], r, budget);
    return v;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length && r() < 0.2) delete o[pick(r, keys)];
    if (r() < 0.05) Object.defineProperty(o, '__proto__', { value: randomJson(r, 1), enumerable: true, configurable: true, writable: true });
    for (const k of Object.keys(o)) o[k] = mutateJson(o[k], r, budget);
    return o;
  }
  if (typeof v === 'number' && r() < 0.3) {
    budget.n--;
    return pick(r, [NaN, Infinity, -Infinity, 1e308, -0, 2 ** 64, String(v), -v]);
  }
  if (typeof v === 'string' && r() < 0.2) {
    budget.n--;
    return r() < 0.5 ? mutateText(v, r) : Number(v) || null;
  }
  return v;
}

const CONTENT_TYPES = ['application/json', 'text/html; charset=utf-8', 'text/plain', '', 'application/json; charset=utf-8', 'TEXT/HTML'];
const ctx = { uri: 'http://127.0.0.1:5000', request: 'GET /api/2.0/mlflow/runs/get', timeoutMs: 1000 };

const restJson: Target = {
  name: 'fuzz-rest-json',
  setup: loadJsonSeeds,
  seeds: () => jsonSeeds.length,
  gen(r) {
    const seed = pick(r, jsonSeeds);
    const x = r();
    if (x < 0.05) return { ...seed, text: randomText(r, ['{', '}', '[', ']', '"', ':', ',', 'NaN', 'Infinity', '-', '1', 'e', 'null', 'true', '<html>', ' '], 300), structural: undefined };
    if (x < 0.5 || seed.kind === 'error') return { ...seed, text: mutateText(seed.text, r, ['NaN', '-Infinity', 'Infinity', '"\\ud800"', '\\u0000', '1e999', '{"a":', '[', 'null', '"', '<!doctype html>']), structural: undefined };
    const parsed = JSON.parse(seed.text) as unknown;
    return { ...seed, text: undefined, structural: mutateJson(parsed, r, { n: 1 + int(r, 6) }) };
  },
  check(input) {
    const { kind, text, structural, status, contentType } = input as JsonSeed & { text?: string; structural?: unknown };
    // the transport's classification of whatever text came back must never throw
    if (text !== undefined) {
      const st = 200 + (status % 400);
      const e1 = httpError(st >= 300 ? st : 500, { 'content-type': contentType }, text, ctx);
      invariant(isTrackingError(e1) && e1.message.includes(ctx.uri), 'httpError → TrackingError naming the URI');
      const e2 = badJsonAnswer(200, contentType, text, ctx);
      invariant(isTrackingError(e2) && e2.message.includes(ctx.uri), 'badJsonAnswer → TrackingError naming the URI');
      looksLikeHtml(contentType, text);
      if (kind === 'error') return 'classified';
    }
    let value: unknown;
    if (text !== undefined) {
      try {
        value = parseLenientJson(text, { nonFinite: 'string' });
      } catch (e) {
        // documented: the client answers a SyntaxError with badJsonAnswer (kind 'server')
        if (e instanceof SyntaxError) return 'SyntaxError';
        throw e;
      }
    } else value = structural;
    try {
      if (kind === 'page') {
        const o = value as Record<string, unknown>;
        if (o === null || typeof o !== 'object' || Array.isArray(o)) return 'notAnObject';
        for (const [k, itemKind] of Object.entries(LIST_KEYS)) {
          const list = o[k];
          if (list === undefined || list === null) continue;
          if (!Array.isArray(list)) return 'invalidList'; // restStore.list() → invalidData
          for (const item of list) PARSERS[itemKind as keyof typeof PARSERS](item);
        }
        for (const [k, itemKind] of Object.entries(ONE_KEYS)) if (k in o) PARSERS[itemKind as keyof typeof PARSERS](o[k]);
        return 'ok';
      }
      const out = PARSERS[kind as keyof typeof PARSERS](value);
      JSON.stringify(out);
      return 'ok';
    } catch (e) {
      return trackingOutcome(e, ['invalidData']);
    }
  },
};

// ---- filter grammar

const filterSeeds: string[] = [
  "metrics.accuracy > 0.82 and params.criterion = 'gini'",
  "attributes.run_name LIKE 'child%'",
  'metrics.`val/acc` > 0.5',
  "tags.mlflow.parentRunId = 'bcd9738284bc4b189d0945c9ac9ffce1'",
  "run_id IN ('a1', 'b2') AND status != 'FAILED'",
  "datasets.context NOT IN ('eval') and dataset.name ILIKE 'Ir_s%'",
  'params."my param" = "x y" AND created >= -1.5e3',
  "`Run name` = 'it''s' AND tags.note = 'a\\'b'",
  "name LIKE '%iris%'",
  "tags.team = 'a' AND name ILIKE 'r%'",
  "name = 'iris-model' AND version_number > 1",
  "run_id = 'x' AND source_path LIKE '%model'",
  "metrics.rmse < 1 and params.model = 'tree'",
  "attributes.start_time > 0 AND attributes.end_time < 99999999999999",
  "tags.`mlflow.user` = 'alice' OR tags.x = 'y'",
  "params.lr IS NULL",
  "metrics.loss BETWEEN 0 AND 1",
  "name RLIKE '^a'",
];
const orderSeeds: string[] = ['metrics.loss DESC', 'attributes.start_time ASC', 'params.`C` ASC', 'name ASC', 'creation_time DESC', 'last_updated_timestamp DESC', 'version_number DESC', 'tags.x', 'metrics.`val/acc`'];
const runsForFilter: Run[] = [];
const experimentsForFilter: Experiment[] = [];
const modelsForFilter: RegisteredModel[] = [];
const versionsForFilter: ModelVersion[] = [];
const loggedForFilter: LoggedModel[] = [];
const FILTER_PIECES = [' ', 'AND', 'and', 'OR', 'NOT', 'IN', 'NOT IN', 'LIKE', 'ILIKE', 'IS', 'NULL', '(', ')', ',', "'", '"', '`', '.', '=', '!=', '<>', '>=', '<', '%', '_', '\\', ';', '-', 'e', '1', '0.5', '1e309', 'metrics.', 'tags.', 'params.', 'datasets.', 'attributes.', 'run_id', 'start_time', 'name', 'run_name', 'status', '\n', 'é', '🚀', '\u0000', '%%%%%%%%', "'%a%a%a%a%a%a%b'"];

const filter: Target = {
  name: 'fuzz-filter',
  setup() {
    const collect = (v: unknown, out: string[]) => {
      if (typeof v === 'string' && v.trim()) out.push(v);
      else if (Array.isArray(v)) v.forEach((x) => collect(x, out));
    };
    for (const t of allTranscripts()) {
      const b = (t.body && typeof t.body === 'object' ? t.body : {}) as Record<string, unknown>;
      const q = (t.query ?? {}) as Record<string, unknown>;
      collect(b.filter, filterSeeds);
      collect(q.filter, filterSeeds);
      collect(b.order_by, orderSeeds);
      collect(q.order_by, orderSeeds);
      const body = t.response_body as Record<string, unknown> | null;
      if (!body || typeof body !== 'object' || t.status !== 200) continue;
      try {
        if (Array.isArray(body.runs) && runsForFilter.length < 20) runsForFilter.push(...(body.runs as unknown[]).map(parseRun));
        if (Array.isArray(body.experiments) && experimentsForFilter.length < 20) experimentsForFilter.push(...(body.experiments as unknown[]).map(parseExperiment));
        if (Array.isArray(body.registered_models) && modelsForFilter.length < 20) modelsForFilter.push(...(body.registered_models as unknown[]).map(parseRegisteredModel));
        if (Array.isArray(body.model_versions) && versionsForFilter.length < 20) versionsForFilter.push(...(body.model_versions as unknown[]).map(parseModelVersion));
        if (Array.isArray(body.models) && loggedForFilter.length < 20) loggedForFilter.push(...(body.models as unknown[]).map(parseLoggedModel));
      } catch {
        // an odd recorded body: skip it
      }
    }
    if (!runsForFilter.length) throw new Error('no runs in the transcripts');
    // a long run name and tag, for LIKE patterns with many % (quadratic worst case)
    const long = structuredClone(runsForFilter[0]);
    long.info.runName = 'a'.repeat(5000);
    long.data.tags.push({ key: 'mlflow.runName', value: 'a'.repeat(5000) }, { key: 'long', value: 'ab'.repeat(5000) });
    runsForFilter.push(long);
  },
  seeds: () => filterSeeds.length + orderSeeds.length,
  gen(r) {
    const x = r();
    if (x < 0.1) {
      let s = '';
      for (let n = int(r, 14); n > 0; n--) s += pick(r, FILTER_PIECES) + (r() < 0.5 ? ' ' : '');
      return { which: int(r, 8), s };
    }
    if (x < 0.11) return { which: int(r, 8), s: `${'('.repeat(int(r, 2000))}metrics.a > 1${')'.repeat(int(r, 2000))}` };
    if (x < 0.115) return { which: int(r, 8), s: Array.from({ length: 1 + int(r, 500) }, (_, i) => `metrics.m${i} > ${i}`).join(' AND ') };
    if (x < 0.125) return { which: 0, s: `tags.long LIKE '${Array.from({ length: 1 + int(r, 200) }, () => pick(r, ['%', '_', 'a', 'b', '%a', '_b'])).join('')}c'` };
    const which = int(r, 8);
    return { which, s: mutateText(which >= 6 ? pick(r, orderSeeds) : pick(r, filterSeeds), r, FILTER_PIECES) };
  },
  check(input) {
    const { which, s } = input as { which: number; s: string };
    // never throw, whatever the text
    const msg = which <= 1 ? validateRunFilter(s) : undefined;
    invariant(msg === undefined || typeof msg === 'string', 'validateRunFilter');
    if (which <= 1) filterNeeds(s, [s]);
    try {
      switch (which) {
        case 0:
        case 1: {
          const pred = compileRunFilter(s, { nanAsZero: which === 1 });
          for (const run of runsForFilter) invariant(typeof pred(run) === 'boolean', 'run predicate');
          invariant(msg === undefined, 'validateRunFilter agrees with compileRunFilter');
          break;
        }
        case 2: {
          const pred = compileExperimentFilter(s);
          for (const e of experimentsForFilter) pred(e);
          break;
        }
        case 3: {
          const pred = compileRegisteredModelFilter(s);
          for (const m of modelsForFilter) pred(m);
          break;
        }
        case 4: {
          const pred = compileModelVersionFilter(s);
          for (const v of versionsForFilter) pred(v);
          break;
        }
        case 5: {
          const pred = compileLoggedModelFilter(s);
          for (const m of loggedForFilter) pred(m);
          break;
        }
        case 6: {
          const cmp = compileRunOrderBy([s, 'attributes.start_time DESC']);
          [...runsForFilter].sort(cmp);
          break;
        }
        default: {
          const a = compileExperimentOrderBy([s]);
          [...experimentsForFilter].sort(a);
          const b = compileRegisteredModelOrderBy([s]);
          [...modelsForFilter].sort(b);
          const c = compileModelVersionOrderBy([s]);
          [...versionsForFilter].sort(c);
        }
      }
      return 'compiled';
    } catch (e) {
      if (which <= 1 && isTrackingError(e)) invariant(msg === e.message, `validateRunFilter says ${msg} but compile threw ${e.message}`);
      return trackingOutcome(e, ['invalidRequest']);
    }
  },
};

// ---- Python scanner

const pySeeds: string[] = [];
const PY_ALPHABET = [
  '"', "'", '"""', "'''", '(', ')', '[', ']', '{', '}', '\\', '\n', '\r\n', '\r', '#', ' ', '\t', ',', ':', '=', '.', 'f"', 'rb\'', 'mlflow', 'mlflow.log_metric(', 'with ', 'import ', 'from ', 'def ',
  ' as ', '**', '{{', '}}', '!r', '😀', 'é', '\u2028', '\0', '$', 'MlflowClient()', 'client.', 'dict(', 'f"{', '"}', 'lambda', ';', '@', 'import mlflow\n', 'mlflow.start_run(', 'run_name=', 'f"""{', '\\N{DASH}',
];

function lineLengths(src: string): number[] {
  return src.split(/\r\n|\r|\n/).map((l) => l.length);
}
function checkRange(lines: number[], range: Range, what: string): void {
  invariant(range.startLine >= 0 && range.startLine < lines.length, `${what} startLine`);
  invariant(range.endLine >= range.startLine && range.endLine < lines.length, `${what} endLine`);
  invariant(range.startCol >= 0 && range.startCol <= lines[range.startLine], `${what} startCol`);
  invariant(range.endCol >= 0 && range.endCol <= lines[range.endLine], `${what} endCol`);
  invariant(range.endLine > range.startLine || range.endCol >= range.startCol, `${what} order`);
}

const python: Target = {
  name: 'fuzz-python-scanner',
  setup() {
    const train = path.join(PROJECT_ROOT, 'test', 'fixtures', 'workspace', 'train.py');
    if (fs.existsSync(train)) pySeeds.push(fs.readFileSync(train, 'utf8'));
    pySeeds.push(
      'import mlflow\nwith mlflow.start_run(run_name="x") as run:\n    mlflow.log_metric("loss", 1.0, step=2)\n',
      'from mlflow import log_metric as lm, MlflowClient\nc = MlflowClient()\nc.log_param(rid, "k", 1)\nlm(f"a{b!r:>{w}}", 2)\n',
      'import mlflow as mf\nmf.log_metrics({\n  "a": 1,  # c\n  **rest,\n  f"{x}": 2,\n})\n"""doc mlflow.log_metric("x")"""\n',
      'import mlflow\r\nx = rb"\\x00" \\\r\n  u"é😀"\r\nmlflow.set_tag(\'t\', """\r\nmulti""")\r\n',
      'import mlflow\nprint(f"{mlflow.get_tracking_uri()} {f\'{1}\'} {{}}")\nmlflow.sklearn.log_model(m, "model", registered_model_name="r")\n',
      'import mlflow\ndef f(cl: MlflowClient):\n\tcl.log_metric(r, "k", 1)\n\tmlflow.log_params(dict(a=1, **b))\n',
      trainingScript(25, 3),
      trainingScript(40, 11),
    );
    // the run names, params and tags the real stores hold, as a script would log them
    for (const f of walk(path.join(STORES, 'v3', 'mlruns'), (p) => /[/\\]params[/\\]/.test(p)).slice(0, 40)) {
      const key = path.basename(f);
      pySeeds.push(`import mlflow\nmlflow.log_param(${JSON.stringify(key)}, ${JSON.stringify(fs.readFileSync(f, 'utf8').slice(0, 200))})\n`);
    }
  },
  seeds: () => pySeeds.length,
  gen(r) {
    const x = r();
    if (x < 0.1) {
      let s = r() < 0.5 ? 'import mlflow\n' : '';
      for (let n = int(r, 80); n > 0; n--) s += pick(r, PY_ALPHABET) + (r() < 0.3 ? 'x' : '');
      return s;
    }
    if (x < 0.11) return `import mlflow\nmlflow.log_metric(${pick(r, ['(', '[', '{', 'f"{', 'f"{f"{', '"""', '\\\n']).repeat(1 + int(r, 3000))}`;
    return mutateText(pick(r, pySeeds), r, PY_ALPHABET);
  },
  check(input) {
    const src = input as string;
    const calls: MlflowCall[] = scanPython(src, src.length % 7 === 0 ? { assumeImported: true } : {});
    tokenizePython(src, Math.floor(src.length / 3), src.length);
    const lines = lineLengths(src);
    for (const c of calls) {
      checkRange(lines, c.range, 'range');
      checkRange(lines, c.nameRange, 'nameRange');
      for (const k of c.keys) {
        checkRange(lines, k.range, 'key');
        invariant(typeof k.value === 'string', 'key value');
      }
    }
    return calls.length ? 'calls' : 'none';
  },
};

export const TARGETS: Target[] = [metaYaml, metric, rows, restJson, filter, python];
export { caseRng };

// ---------------------------------------------------------------- worker and watchdog

interface CrashSample {
  index: number;
  error: string;
  input: string;
}
interface Result {
  bench: string;
  cases: number;
  crashes: number;
  hangs: number;
  overCap: number;
  maxCaseMs: number;
  maxCaseIndex: number;
  totalMs: number;
  seeds: number;
  outcomes: Record<string, number>;
  samples: CrashSample[];
}

function shown(input: unknown): string {
  let s: string;
  try {
    s = typeof input === 'string' ? JSON.stringify(input) : JSON.stringify(input, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  } catch (e) {
    s = `<unprintable: ${(e as Error).message}>`;
  }
  return s === undefined ? String(input) : s.length > 400 ? `${s.slice(0, 400)}… (${s.length} chars)` : s;
}

async function runTarget(t: Target, progress: Int32Array | undefined): Promise<Result> {
  await t.setup();
  const res: Result = { bench: t.name, cases: 0, crashes: 0, hangs: 0, overCap: 0, maxCaseMs: 0, maxCaseIndex: -1, totalMs: 0, seeds: t.seeds(), outcomes: {}, samples: [] };
  const t0 = performance.now();
  for (let i = 0; i < CASES; i++) {
    if (progress) Atomics.store(progress, 0, i);
    const input = t.gen(caseRng(t.name, i), i);
    const c0 = performance.now();
    let outcome: string;
    try {
      outcome = t.check(input);
    } catch (e) {
      outcome = 'CRASH';
      res.crashes++;
      if (res.samples.length < 5) res.samples.push({ index: i, error: e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join(' | ') : String(e), input: shown(input) });
    }
    const ms = performance.now() - c0;
    if (ms > res.maxCaseMs) {
      res.maxCaseMs = ms;
      res.maxCaseIndex = i;
    }
    if (ms > CASE_CAP_MS) {
      res.overCap++;
      if (res.samples.length < 5) res.samples.push({ index: i, error: `took ${ms.toFixed(0)} ms (cap ${CASE_CAP_MS} ms)`, input: shown(input) });
    }
    res.outcomes[outcome] = (res.outcomes[outcome] ?? 0) + 1;
    res.cases++;
  }
  res.totalMs = performance.now() - t0;
  return res;
}

function workerMain(): void {
  const { target, progress } = workerData as { target: string; progress: SharedArrayBuffer };
  const t = TARGETS.find((x) => x.name === target)!;
  runTarget(t, new Int32Array(progress)).then(
    (r) => parentPort!.postMessage(r),
    (e: unknown) => parentPort!.postMessage({ setupError: e instanceof Error ? e.stack : String(e) }),
  );
}

function runInWorker(t: Target): Promise<Result> {
  return new Promise((resolve) => {
    const progress = new SharedArrayBuffer(4);
    const view = new Int32Array(progress);
    const worker = new Worker(__filename, { workerData: { target: t.name, progress }, execArgv: process.execArgv.filter((a) => a !== '--expose-gc'), resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    const started = performance.now();
    let last = -1;
    let lastChange = Date.now();
    let done = false;
    const finish = (r: Result) => {
      if (done) return;
      done = true;
      clearInterval(watch);
      r.totalMs = r.totalMs || performance.now() - started;
      resolve(r);
    };
    const failed = (why: string, hangIndex?: number): Result => ({
      bench: t.name,
      cases: Math.max(0, Atomics.load(view, 0)),
      crashes: hangIndex === undefined ? 1 : 0,
      hangs: hangIndex === undefined ? 0 : 1,
      overCap: 0,
      maxCaseMs: hangIndex === undefined ? 0 : HANG_MS,
      maxCaseIndex: hangIndex ?? -1,
      totalMs: performance.now() - started,
      seeds: 0,
      outcomes: {},
      samples: [{ index: hangIndex ?? -1, error: why, input: hangIndex === undefined ? '' : `FUZZ_ONLY=${t.name} FUZZ_CASE=${hangIndex}` }],
    });
    const watch = setInterval(() => {
      const cur = Atomics.load(view, 0);
      if (cur !== last) {
        last = cur;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > HANG_MS) {
        void worker.terminate();
        finish(failed(`no progress for ${HANG_MS} ms (a hang)`, cur));
      }
    }, 250);
    worker.on('message', (m: Result | { setupError: string }) => {
      if ('setupError' in m) finish(failed(`setup failed: ${m.setupError}`));
      else finish(m);
    });
    worker.on('error', (e) => finish(failed(`worker error: ${e.stack ?? e.message}`)));
    worker.on('exit', (code) => finish(failed(`worker exited with ${code} before reporting`)));
  });
}

async function main(): Promise<void> {
  const only = process.env.FUZZ_ONLY;
  if (only && process.env.FUZZ_CASE !== undefined) {
    const t = TARGETS.find((x) => x.name === only);
    if (!t) throw new Error(`no fuzz target ${only}`);
    await t.setup();
    const i = Number(process.env.FUZZ_CASE);
    const input = t.gen(caseRng(t.name, i), i);
    process.stderr.write(`${t.name} case ${i}: ${shown(input)}\n`);
    process.stderr.write(`outcome: ${t.check(input)}\n`);
    return;
  }
  const t0 = performance.now();
  let bad = 0;
  for (const t of TARGETS.filter((x) => !only || only.split(',').includes(x.name))) {
    const r = await runInWorker(t);
    const pass = r.crashes === 0 && r.hangs === 0 && r.overCap === 0 && r.cases === CASES;
    if (!pass) bad++;
    const line = {
      bench: r.bench,
      id: r.bench,
      label: `${r.cases} cases, ${r.crashes} crashes, ${r.hangs} hangs, max ${r.maxCaseMs.toFixed(1)} ms/case`,
      cases: r.cases,
      crashes: r.crashes,
      hangs: r.hangs,
      overCap: r.overCap,
      maxCaseMs: Math.round(r.maxCaseMs * 100) / 100,
      maxCaseIndex: r.maxCaseIndex,
      seconds: Math.round(r.totalMs) / 1000,
      seeds: r.seeds,
      outcomes: r.outcomes,
      target: `0 crashes, ≤${CASE_CAP_MS} ms/case`,
      pass,
    };
    console.log(JSON.stringify(line));
    for (const s of r.samples) process.stderr.write(`  ${r.bench} case ${s.index}: ${s.error}\n    input: ${s.input}\n`);
  }
  console.log(JSON.stringify({ bench: 'fuzz-total', id: 'fuzz-total', label: `all parsers, ${CASES} cases each`, seconds: Math.round(performance.now() - t0) / 1000, pass: bad === 0 }));
  if (bad) process.exitCode = 1;
}

if (isMainThread && require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
} else if (!isMainThread) {
  workerMain();
}
