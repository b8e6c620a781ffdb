// Finds MLflow calls in Python source (a file or a notebook cell) for code lenses and hovers.
// Pure: no VS Code API. One linear tokenizer pass (pythonTokens.ts), then a few linear walks over
// the tokens: imports → MlflowClient variables → calls. Text without "mlflow" returns at once.

import * as py from './pythonTokens';
import { type Tokens, stringTokenValue, tokenizePython } from './pythonTokens';

// Local copies: a transpiled `import { X }` reads X through a getter at every use, which hot loops notice.
const T_NAME = py.T_NAME;
const T_NEWLINE = py.T_NEWLINE;
const T_NUMBER = py.T_NUMBER;
const T_OP = py.T_OP;
const T_STRING = py.T_STRING;
const OP_POW = py.OP_POW;
const OP_ELLIPSIS = py.OP_ELLIPSIS;
const OP_WALRUS = py.OP_WALRUS;
const S_BYTES = py.S_BYTES;
const S_PLACEHOLDER = py.S_PLACEHOLDER;

/** 0-based; columns in UTF-16 code units, as VS Code counts them. End is exclusive. */
export interface Range {
  startLine: number;
  startCol: number;
  endLine: number;
  endCol: number;
}

export type MlflowCallKind =
  | 'setExperiment' | 'createExperiment' | 'startRun' | 'endRun' | 'logMetric' | 'logMetrics'
  | 'logParam' | 'logParams' | 'logModel' | 'registerModel' | 'setTrackingUri' | 'getTrackingUri'
  | 'autolog' | 'logArtifact' | 'logArtifacts' | 'getArtifactUri' | 'setTag' | 'setTags'
  | 'logInput' | 'clientCall';

export interface MlflowKey {
  /** The key's value (escapes decoded, implicit concatenation joined). */
  value: string;
  /** The literal as written (quotes and prefix included; all parts of an implicit concatenation). */
  range: Range;
}

export interface MlflowCall {
  kind: MlflowCallKind;
  /**
   * The callee as written, without spaces: 'mlflow.sklearn.log_model', 'mf.log_metric', 'lp',
   * 'self.client.log_metric', 'MlflowClient().get_run'.
   */
  callee: string;
  /** The function or method called: 'log_metric', 'log_model', 'search_runs'; 'MlflowClient' for the constructor. */
  method: string;
  /** Flavor of `mlflow.<flavor>.log_model` / `mlflow.<flavor>.autolog` ('sklearn', 'pytorch', …). */
  flavor?: string;
  /** True for a method of an `MlflowClient` (`client.log_metric(run_id, "k", v)`) and for the constructor. */
  viaClient: boolean;
  /**
   * Literal keys: the metric/param/tag key of log_metric / log_param / set_tag (and of the client's
   * log_metric, log_param, set_tag, get_metric_history), the literal keys of the dict given to
   * log_metrics / log_params / set_tags (`{"a": …}` or `dict(a=…)`).
   */
  keys: MlflowKey[];
  /** Some key is not a literal: a variable, an f-string with placeholders, `**kwargs`, a dict comprehension… */
  dynamicKeys: boolean;
  /**
   * Every argument written as a plain literal str (integers too, for `*_id` and `version`), by MLflow's
   * parameter name; positional arguments are named through the function's signature. E.g.
   * set_experiment → experiment_name / experiment_id; create_experiment → name; set_tracking_uri → uri;
   * start_run → run_name, run_id, experiment_id…; end_run → status; register_model → model_uri, name;
   * log_model → artifact_path (keyword, or 2nd positional — 1st for pyfunc), name (3.x),
   * registered_model_name; log_artifact → local_path, artifact_path; log_artifacts → local_dir,
   * artifact_path; get_artifact_uri → artifact_path; set_tag / log_param → key, value;
   * MlflowClient(...) → tracking_uri, registry_uri; client methods → name, run_id, key, filter_string….
   */
  stringArgs: Record<string, string>;
  /** Arguments written as one f-string with placeholders: the text before its first `{` (`run_name=f"lr-{lr}"` → `lr-`). */
  fstringPrefixes?: Record<string, string>;
  /** From the start of the callee to the closing parenthesis (or the last token, if the call is unterminated). */
  range: Range;
  /** The callee (`mlflow.log_metric`). */
  nameRange: Range;
  /** Line of the callee: where a lens goes. */
  line: number;
  /** The call is an item of a `with` statement: `with mlflow.start_run() as run:`. */
  inWith: boolean;
  /** The name after `as` (`run` in `with mlflow.start_run() as run:`). */
  asName?: string;
  /** The closing parenthesis is missing (the user is still typing). */
  unterminated: boolean;
}

export interface ScanOptions {
  /** Treat `mlflow` as imported even without an import statement. */
  assumeImported?: boolean;
  /**
   * Text whose imports and `client = MlflowClient()` assignments also apply — e.g. the preceding cells of a
   * notebook. Calls in it are not reported.
   */
  preamble?: string;
}

/** Cheap pre-check: false means scanPython() would find nothing (without a preamble). */
export function mayContainMlflow(text: string): boolean {
  return text.indexOf('mlflow') >= 0;
}

// ---------------------------------------------------------------------------------------------
// What each function is

interface CallSpec {
  kind: MlflowCallKind;
  method: string;
  /** Parameter names of positional arguments, in order. */
  params: readonly string[];
  /** The parameter holding one key. */
  key?: string;
  /** The parameter holding a dict of keys. */
  dict?: string;
  flavor?: string;
  client: boolean;
  ctor?: boolean;
}

const fluent = (kind: MlflowCallKind, method: string, params: string[], extra: Partial<CallSpec> = {}): CallSpec =>
  ({ kind, method, params, client: false, ...extra });

const CLIENT_CTOR: CallSpec = { kind: 'clientCall', method: 'MlflowClient', params: ['tracking_uri', 'registry_uri'], client: true, ctor: true };

const FLUENT = new Map<string, CallSpec>([
  ['set_experiment', fluent('setExperiment', 'set_experiment', ['experiment_name', 'experiment_id'])],
  ['create_experiment', fluent('createExperiment', 'create_experiment', ['name', 'artifact_location', 'tags'])],
  ['start_run', fluent('startRun', 'start_run', ['run_id', 'experiment_id', 'run_name', 'nested', 'parent_run_id', 'tags', 'description', 'log_system_metrics'])],
  ['end_run', fluent('endRun', 'end_run', ['status'])],
  ['log_metric', fluent('logMetric', 'log_metric', ['key', 'value', 'step', 'synchronous', 'timestamp', 'run_id'], { key: 'key' })],
  ['log_metrics', fluent('logMetrics', 'log_metrics', ['metrics', 'step', 'synchronous', 'run_id', 'timestamp'], { dict: 'metrics' })],
  ['log_param', fluent('logParam', 'log_param', ['key', 'value', 'synchronous'], { key: 'key' })],
  ['log_params', fluent('logParams', 'log_params', ['params', 'synchronous', 'run_id'], { dict: 'params' })],
  ['set_tag', fluent('setTag', 'set_tag', ['key', 'value', 'synchronous'], { key: 'key' })],
  ['set_tags', fluent('setTags', 'set_tags', ['tags', 'synchronous'], { dict: 'tags' })],
  ['register_model', fluent('registerModel', 'register_model', ['model_uri', 'name', 'await_registration_for'])],
  ['set_tracking_uri', fluent('setTrackingUri', 'set_tracking_uri', ['uri'])],
  ['get_tracking_uri', fluent('getTrackingUri', 'get_tracking_uri', [])],
  ['autolog', fluent('autolog', 'autolog', [])],
  ['log_artifact', fluent('logArtifact', 'log_artifact', ['local_path', 'artifact_path', 'run_id'])],
  ['log_artifacts', fluent('logArtifacts', 'log_artifacts', ['local_dir', 'artifact_path', 'run_id'])],
  ['get_artifact_uri', fluent('getArtifactUri', 'get_artifact_uri', ['artifact_path'])],
  ['log_input', fluent('logInput', 'log_input', ['dataset', 'context', 'tags', 'model'])],
  ['MlflowClient', CLIENT_CTOR],
]);

const TRACKING_MODULE = new Map<string, CallSpec>([
  ['MlflowClient', CLIENT_CTOR],
  ['set_tracking_uri', FLUENT.get('set_tracking_uri')!],
  ['get_tracking_uri', FLUENT.get('get_tracking_uri')!],
]);

/** Submodules of mlflow that are not model flavors. */
const NOT_FLAVORS = new Set([
  'tracking', 'client', 'entities', 'models', 'artifacts', 'utils', 'store', 'data', 'exceptions', 'protos',
  'projects', 'deployments', 'environment_variables', 'config', 'metrics', 'server', 'types', 'system_metrics',
]);

/** Positional parameters of `mlflow.<flavor>.log_model` where they differ from (model, artifact_path). */
const LOG_MODEL_PARAMS: Record<string, string[]> = {
  pyfunc: ['artifact_path', 'loader_module', 'data_path', 'code_path', 'conda_env', 'python_model', 'artifacts', 'registered_model_name'],
  openai: ['model', 'task', 'artifact_path'],
  mleap: ['model', 'sample_input', 'artifact_path'],
};
const DEFAULT_LOG_MODEL_PARAMS = ['model', 'artifact_path'];

const flavorSpecs = new Map<string, { log_model: CallSpec; autolog: CallSpec }>();
function flavorSpec(flavor: string, fn: 'log_model' | 'autolog'): CallSpec {
  let specs = flavorSpecs.get(flavor);
  if (!specs) {
    const params = Object.prototype.hasOwnProperty.call(LOG_MODEL_PARAMS, flavor) ? LOG_MODEL_PARAMS[flavor] : DEFAULT_LOG_MODEL_PARAMS;
    specs = { log_model: fluent('logModel', 'log_model', params, { flavor }), autolog: fluent('autolog', 'autolog', [], { flavor }) };
    if (flavorSpecs.size < 200) flavorSpecs.set(flavor, specs);
  }
  return specs[fn];
}

const client = (kind: MlflowCallKind, method: string, params: string[], extra: Partial<CallSpec> = {}): CallSpec =>
  ({ kind, method, params, client: true, ...extra });

const CLIENT_METHODS = new Map<string, CallSpec>([
  ['log_metric', client('logMetric', 'log_metric', ['run_id', 'key', 'value', 'timestamp', 'step'], { key: 'key' })],
  ['log_param', client('logParam', 'log_param', ['run_id', 'key', 'value'], { key: 'key' })],
  ['set_tag', client('setTag', 'set_tag', ['run_id', 'key', 'value'], { key: 'key' })],
  ['create_experiment', client('createExperiment', 'create_experiment', ['name', 'artifact_location', 'tags'])],
  ['log_artifact', client('logArtifact', 'log_artifact', ['run_id', 'local_path', 'artifact_path'])],
  ['log_artifacts', client('logArtifacts', 'log_artifacts', ['run_id', 'local_dir', 'artifact_path'])],
  ['create_registered_model', client('registerModel', 'create_registered_model', ['name', 'tags', 'description'])],
  ['create_model_version', client('registerModel', 'create_model_version', ['name', 'source', 'run_id'])],
  ['get_metric_history', client('clientCall', 'get_metric_history', ['run_id', 'key'], { key: 'key' })],
  ['get_experiment_by_name', client('clientCall', 'get_experiment_by_name', ['name'])],
  ['get_experiment', client('clientCall', 'get_experiment', ['experiment_id'])],
  ['get_run', client('clientCall', 'get_run', ['run_id'])],
  ['create_run', client('clientCall', 'create_run', ['experiment_id', 'start_time', 'tags', 'run_name'])],
  ['set_terminated', client('clientCall', 'set_terminated', ['run_id', 'status', 'end_time'])],
  ['delete_run', client('clientCall', 'delete_run', ['run_id'])],
  ['set_experiment_tag', client('clientCall', 'set_experiment_tag', ['experiment_id', 'key', 'value'])],
  ['get_registered_model', client('clientCall', 'get_registered_model', ['name'])],
  ['get_latest_versions', client('clientCall', 'get_latest_versions', ['name', 'stages'])],
  ['get_model_version', client('clientCall', 'get_model_version', ['name', 'version'])],
  ['get_model_version_by_alias', client('clientCall', 'get_model_version_by_alias', ['name', 'alias'])],
  ['set_registered_model_alias', client('clientCall', 'set_registered_model_alias', ['name', 'alias', 'version'])],
  ['transition_model_version_stage', client('clientCall', 'transition_model_version_stage', ['name', 'version', 'stage'])],
  ['download_artifacts', client('clientCall', 'download_artifacts', ['run_id', 'path', 'dst_path'])],
  ['list_artifacts', client('clientCall', 'list_artifacts', ['run_id', 'path'])],
  ['search_runs', client('clientCall', 'search_runs', ['experiment_ids', 'filter_string'])],
]);

function clientMethodSpec(method: string): CallSpec {
  return CLIENT_METHODS.get(method) ?? { kind: 'clientCall', method, params: [], client: true };
}

/**
 * What a full dotted path is, if it is one of ours: the path is `prefix` (an import's target, e.g.
 * ['mlflow', 'sklearn']) followed by names[from…] (the rest of the callee as written).
 */
function classifyPath(prefix: readonly string[], names: readonly string[], from: number): CallSpec | undefined {
  const pl = prefix.length;
  const len = pl + names.length - from;
  if (len < 2 || len > 4) return undefined;
  if ((pl > 0 ? prefix[0] : names[from]) !== 'mlflow') return undefined;
  const mod = pl > 1 ? prefix[1] : names[from + 1 - pl];
  if (len === 2) return FLUENT.get(mod);
  const fn = pl > 2 ? prefix[2] : names[from + 2 - pl];
  if (len === 4) {
    // mlflow.tracking.client.MlflowClient
    const last = pl > 3 ? prefix[3] : names[from + 3 - pl];
    return mod === 'tracking' && fn === 'client' && last === 'MlflowClient' ? CLIENT_CTOR : undefined;
  }
  if (mod === 'tracking') return TRACKING_MODULE.get(fn);
  if (mod === 'client') return fn === 'MlflowClient' ? CLIENT_CTOR : undefined;
  if ((fn === 'log_model' || fn === 'autolog') && !NOT_FLAVORS.has(mod) && mod !== '') return flavorSpec(mod, fn);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Context: what names mean

interface Context {
  /** Local name → full dotted path ('mf' → mlflow, 'lp' → mlflow.log_param). */
  aliases: Map<string, string[]>;
  /** Modules star-imported (mlflow). */
  star: string[][];
  /** Dotted names holding an MlflowClient ('client', 'self.client'). */
  clientVars: Set<string>;
  /** Their first names ('client', 'self'). */
  clientHeads: Set<string>;
}

const nameAt = (t: Tokens, i: number): string => t.text.slice(t.start[i], t.end[i]);
const isName = (t: Tokens, i: number, s: string): boolean =>
  i < t.count && t.kind[i] === T_NAME && t.end[i] - t.start[i] === s.length && t.text.startsWith(s, t.start[i]);
const isOp = (t: Tokens, i: number, code: number): boolean => i >= 0 && i < t.count && t.kind[i] === T_OP && t.aux[i] === code;

const DOT = 46;
const COMMA = 44;
const LPAREN = 40;
const LBRACE = 123;
const COLON = 58;
const SEMI = 59;
const EQUAL = 61;
const STAR = 42;
/** Parameters whose integer literals are reported in stringArgs too. */
const ID_PARAM = /(?:_id|^version)$/;

/** The index just after `NAME(.NAME)*` starting at i (i itself if there is no name there). */
function dottedEnd(t: Tokens, i: number): number {
  if (i >= t.count || t.kind[i] !== T_NAME) return i;
  i++;
  while (isOp(t, i, DOT) && i + 1 < t.count && t.kind[i + 1] === T_NAME) i += 2;
  return i;
}

/** The names of the dotted name in tokens [i, end). */
function dottedNames(t: Tokens, i: number, end: number): string[] {
  const out: string[] = [];
  for (; i < end; i += 2) out.push(nameAt(t, i));
  return out;
}

/** Applies the import statements of `t` to the context. */
function collectImports(t: Tokens, ctx: Context): void {
  const kind = t.kind;
  let parts: string[];
  let fromsImport = -1; // the `import` of the last `from … import`
  for (const i of t.importKeywords) {
    if (i === fromsImport) continue;
    if (isName(t, i, 'from')) {
      // from [.]*dotted import (names | (names) | *)
      let j = i + 1;
      let relative = false;
      while (isOp(t, j, DOT) || isOp(t, j, OP_ELLIPSIS)) {
        relative = true;
        j++;
      }
      const e = isName(t, j, 'import') ? j : dottedEnd(t, j); // `from . import x` has no module name
      parts = dottedNames(t, j, e);
      j = e;
      if (!isName(t, j, 'import')) continue;
      fromsImport = j;
      const ours = !relative && parts[0] === 'mlflow';
      const mod = parts;
      j++;
      if (isOp(t, j, STAR)) {
        if (ours && ctx.star.length < 8 && !ctx.star.some((m) => m.join('.') === mod.join('.'))) ctx.star.push(mod);
        continue;
      }
      if (isOp(t, j, LPAREN)) j++;
      while (j < t.count && kind[j] === T_NAME) {
        const name = nameAt(t, j);
        let local = name;
        j++;
        if (isName(t, j, 'as') && j + 1 < t.count && kind[j + 1] === T_NAME) {
          local = nameAt(t, j + 1);
          j += 2;
        }
        if (ours) ctx.aliases.set(local, [...mod, name]);
        else ctx.aliases.delete(local);
        if (!isOp(t, j, COMMA)) break;
        j++;
      }
    } else {
      // import dotted [as name], ...
      let j = i + 1;
      for (;;) {
        const e = dottedEnd(t, j);
        if (e === j) break;
        parts = dottedNames(t, j, e);
        j = e;
        const ours = parts[0] === 'mlflow';
        if (isName(t, j, 'as') && j + 1 < t.count && kind[j + 1] === T_NAME) {
          const local = nameAt(t, j + 1);
          if (ours) ctx.aliases.set(local, parts);
          else ctx.aliases.delete(local);
          j += 2;
        } else if (ours) ctx.aliases.set('mlflow', MLFLOW);
        else ctx.aliases.delete(parts[0]);
        if (!isOp(t, j, COMMA)) break;
        j++;
      }
    }
  }
}

const MLFLOW = ['mlflow'];

/** Resolves a dotted callee to what it calls. */
function resolve(ctx: Context, names: string[]): CallSpec | undefined {
  const n = names.length;
  if (n >= 2 && ctx.clientHeads.has(names[0]) && ctx.clientVars.has(n === 2 ? names[0] : names.slice(0, n - 1).join('.'))) {
    return clientMethodSpec(names[n - 1]);
  }
  const alias = ctx.aliases.get(names[0]);
  if (alias !== undefined) return classifyPath(alias, names, 1);
  if (n === 1 && ctx.star.length) {
    for (const mod of ctx.star) {
      const spec = classifyPath(mod, names, 0);
      if (spec) return spec;
    }
  }
  return undefined;
}

function addClientVar(ctx: Context, names: string[]): void {
  ctx.clientVars.add(names.join('.'));
  ctx.clientHeads.add(names[0]);
}

/** Token j begins a statement (follows a NEWLINE or `;`, or starts the text). */
function atStatementStart(t: Tokens, j: number): boolean {
  return j < 0 || t.kind[j] === T_NEWLINE || isOp(t, j, SEMI);
}

/** The first index of the dotted name that ends at token `last`. */
function dottedStart(t: Tokens, last: number): number {
  let j = last;
  while (j >= 2 && isOp(t, j - 1, DOT) && t.kind[j - 2] === T_NAME) j -= 2;
  return j;
}

/**
 * Finds the names holding an MlflowClient: `x = MlflowClient(...)`, `self.client: MlflowClient = ...`,
 * `(c := MlflowClient())` and annotated parameters `client: MlflowClient`. Looks only around the names
 * that can mean the class (`MlflowClient`, or what it was imported as).
 */
function collectClientVars(t: Tokens, ctx: Context): void {
  const kind = t.kind;
  const others: string[] = []; // other local names of the class (`from mlflow import MlflowClient as C`)
  for (const [local, path] of ctx.aliases) {
    if (local !== 'MlflowClient' && path[path.length - 1] === 'MlflowClient' && classifyPath(path, [], 0) === CLIENT_CTOR) others.push(local);
  }
  const candidates = t.clientClassNames;
  if (others.length) {
    for (let i = 0; i < t.count; i++) {
      if (kind[i] === T_NAME && others.includes(nameAt(t, i))) candidates.push(i);
    }
  }
  for (const k of candidates) {
    if (isOp(t, k + 1, DOT)) continue;
    const s = dottedStart(t, k);
    if (resolve(ctx, dottedNames(t, s, k + 1)) !== CLIENT_CTOR) continue;
    const i = s - 1;
    if (i < 1 || kind[i] !== T_OP) continue;
    const op = t.aux[i];
    const call = isOp(t, k + 1, LPAREN);
    if (op === EQUAL && call) {
      // target = MlflowClient(...)   or   target: Annotation = MlflowClient(...)
      if (kind[i - 1] !== T_NAME) continue;
      const ts = dottedStart(t, i - 1);
      if (isOp(t, ts - 1, COLON) && ts >= 2 && kind[ts - 2] === T_NAME && atStatementStart(t, dottedStart(t, ts - 2) - 1)) {
        const as = dottedStart(t, ts - 2);
        addClientVar(ctx, dottedNames(t, as, ts - 1));
      } else if (atStatementStart(t, ts - 1) || isOp(t, ts - 1, COLON)) {
        // (`f(x=MlflowClient())` is a keyword argument, not an assignment; `if a: c = MlflowClient()` is one)
        addClientVar(ctx, dottedNames(t, ts, i));
      }
    } else if ((op === OP_WALRUS && call) || (op === COLON && !call)) {
      // (c := MlflowClient())   or   def f(client: MlflowClient)
      if (kind[i - 1] === T_NAME && !isOp(t, i - 2, DOT)) addClientVar(ctx, [nameAt(t, i - 1)]);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Positions

class Positions {
  private starts: number[] | undefined;
  private last = 0;
  constructor(private readonly text: string) {}

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const text = this.text;
    const starts = [0];
    if (text.indexOf('\r') < 0) {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    return (this.starts = starts);
  }

  line(offset: number): number {
    const starts = this.lineStarts();
    // Offsets mostly come in order: try the last line and the next one first.
    const last = this.last;
    if (starts[last] <= offset) {
      if (last + 1 >= starts.length || starts[last + 1] > offset) return last;
      if (last + 2 >= starts.length || starts[last + 2] > offset) return (this.last = last + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return (this.last = lo);
  }

  range(s: number, e: number): Range {
    const sl = this.line(s);
    const el = e === s ? sl : this.line(e);
    const starts = this.starts!;
    return { startLine: sl, startCol: s - starts[sl], endLine: el, endCol: e - starts[el] };
  }
}

// ---------------------------------------------------------------------------------------------
// Arguments

interface Arg {
  /** Keyword name, or undefined for positional / starred. */
  kw?: string;
  /** 0 plain, 1 `*x`, 2 `**x`. */
  star: number;
  /** Value tokens [a, b). */
  a: number;
  b: number;
}

// (No closures on hot paths: tsx/esbuild `keepNames` makes creating one costly.)

/** Splits tokens [from, to) into top-level comma-separated pieces: [start, end) pairs, empty ones left out. */
function splitTopLevel(t: Tokens, from: number, to: number): number[] {
  const pieces: number[] = [];
  let pieceStart = from;
  let j = from;
  while (j < to) {
    if (t.kind[j] === T_OP) {
      const a = t.aux[j];
      if (a === 40 || a === 91 || a === 123) {
        const m = t.match[j];
        j = m > j ? m : j;
      } else if (a === COMMA) {
        if (j > pieceStart) pieces.push(pieceStart, j);
        pieceStart = j + 1;
      }
    }
    j++;
  }
  if (pieceStart < to) pieces.push(pieceStart, to);
  return pieces;
}

function parseArgs(t: Tokens, open: number, close: number): Arg[] {
  const args: Arg[] = [];
  const pieces = splitTopLevel(t, open + 1, close);
  for (let p = 0; p < pieces.length; p += 2) {
    const a = pieces[p];
    const b = pieces[p + 1];
    if (isOp(t, a, STAR)) args.push({ star: 1, a: a + 1, b });
    else if (isOp(t, a, OP_POW)) args.push({ star: 2, a: a + 1, b });
    else if (t.kind[a] === T_NAME && isOp(t, a + 1, EQUAL)) args.push({ kw: nameAt(t, a), star: 0, a: a + 2, b });
    else args.push({ kw: undefined, star: 0, a, b });
  }
  return args;
}

interface Literal {
  value: string;
  s: number;
  e: number;
}

/** The value of tokens [a, b) if they are one str literal (implicit concatenation and parentheses allowed). */
function literalString(t: Tokens, a: number, b: number): Literal | undefined {
  while (b - a > 2 && isOp(t, a, LPAREN) && t.match[a] === b - 1) {
    a++;
    b--;
  }
  if (a >= b) return undefined;
  let value = '';
  for (let j = a; j < b; j++) {
    if (t.kind[j] !== T_STRING || (t.aux[j] & (S_BYTES | S_PLACEHOLDER))) return undefined;
    value += stringTokenValue(t, j) ?? '';
  }
  return { value, s: t.start[a], e: t.end[b - 1] };
}

// ---------------------------------------------------------------------------------------------
// The scan

class Scan {
  readonly calls: MlflowCall[] = [];
  private readonly pos: Positions;
  /** Names that may start a callee, by length and first character. */
  private readonly heads = new Set<string>();
  private readonly headsByShape = new Map<number, string[]>();
  /** 1 at [min(length, 31) * 128 + min(first char, 127)] for every head. */
  private readonly shapes = new Uint8Array(32 * 128);
  /** Calls found inside f-string replacement fields (merged into `calls` at the end). */
  readonly fieldCalls: MlflowCall[] = [];
  private inField = false;

  constructor(private readonly text: string, private readonly ctx: Context) {
    this.pos = new Positions(text);
    for (const h of ctx.aliases.keys()) this.addHead(h);
    for (const h of ctx.clientHeads) this.addHead(h);
    if (ctx.star.length) {
      for (const name of FLUENT.keys()) this.addHead(name);
      for (const name of TRACKING_MODULE.keys()) this.addHead(name);
    }
  }

  get empty(): boolean {
    return this.heads.size === 0;
  }

  private addHead(h: string): void {
    if (!h || this.heads.has(h)) return;
    this.heads.add(h);
    const shape = h.length * 65536 + h.charCodeAt(0);
    const list = this.headsByShape.get(shape);
    if (list) list.push(h);
    else this.headsByShape.set(shape, [h]);
    this.shapes[Math.min(h.length, 31) * 128 + Math.min(h.charCodeAt(0), 127)] = 1;
  }

  private isHead(t: Tokens, i: number): boolean {
    const s = t.start[i];
    const len = t.end[i] - s;
    const c = this.text.charCodeAt(s);
    if (this.shapes[(len < 31 ? len : 31) * 128 + (c < 127 ? c : 127)] === 0) return false;
    const list = this.headsByShape.get(len * 65536 + this.text.charCodeAt(s));
    if (list === undefined) return false;
    if (list.length > 4) return this.heads.has(this.text.slice(s, s + len));
    for (let k = 0; k < list.length; k++) if (this.text.startsWith(list[k], s)) return true;
    return false;
  }

  /** Finds the calls among tokens `t`; `fieldDepth` counts f-string replacement fields we are inside. */
  run(t: Tokens, fieldDepth = 0): void {
    this.inField = fieldDepth > 0;
    const kind = t.kind;
    const aux = t.aux;
    let depth = 0;
    let withActive = false;
    let withDepth = 0;
    let withParen = false;
    for (let i = 0; i < t.count; i++) {
      const k = kind[i];
      if (k === T_NEWLINE) {
        depth = 0;
        withActive = false;
        continue;
      }
      if (k === T_OP) {
        const a = aux[i];
        if (a === 40 || a === 91 || a === 123) depth++;
        else if (a === 41 || a === 93 || a === 125) { if (depth > 0) depth--; }
        else if ((a === COLON || a === SEMI) && depth === 0) withActive = false;
        continue;
      }
      if (k !== T_NAME) continue;
      if (t.end[i] - t.start[i] === 4 && this.text.charCodeAt(t.start[i]) === 119 && this.text.startsWith('with', t.start[i])) {
        withActive = true;
        withDepth = depth;
        withParen = isOp(t, i + 1, LPAREN);
        continue;
      }
      if (!this.isHead(t, i)) continue;
      if (i > 0 && (isOp(t, i - 1, DOT) || isName(t, i - 1, 'def') || isName(t, i - 1, 'class'))) continue;
      const after = dottedEnd(t, i);
      if (!isOp(t, after, LPAREN)) continue;
      const names = dottedNames(t, i, after);
      const spec = resolve(this.ctx, names);
      if (!spec) continue;
      const inWith = withActive && (depth === withDepth || (withParen && depth === withDepth + 1));
      const callee = names.length === 1 ? names[0] : names.join('.');
      const close = this.emit(t, spec, callee, i, after - 1, after, inWith);
      // MlflowClient(...).method(...)
      if (spec.ctor && isOp(t, close, 41) && isOp(t, close + 1, DOT) && t.kind[close + 2] === T_NAME && isOp(t, close + 3, LPAREN)) {
        const m = nameAt(t, close + 2);
        this.emit(t, clientMethodSpec(m), callee + '().' + m, i, close + 2, close + 3, false);
      }
    }
    // Calls inside f-string replacement fields: print(f"tracking at {mlflow.get_tracking_uri()}")
    const fields = t.fstringFields;
    if (fields.length && fieldDepth < 4) {
      for (let f = 0; f < fields.length; f += 2) {
        const a = fields[f];
        const b = fields[f + 1];
        if (b - a < 3) continue;
        const sub = this.text.slice(a, b);
        if (sub.indexOf('(') < 0) continue;
        let any = this.heads.size > 16; // with many heads, skip the pre-check
        if (!any) for (const h of this.heads) if (sub.indexOf(h) >= 0) { any = true; break; }
        // Our tokens are no longer read, so the field may reuse the token buffers.
        if (any) this.run(tokenizePython(this.text, a, b, true), fieldDepth + 1);
      }
    }
  }

  /** Emits one call: callee tokens [first, last], '(' at `open`. Returns the index of the closing token. */
  private emit(t: Tokens, spec: CallSpec, callee: string, first: number, last: number, open: number, inWith: boolean): number {
    const close = t.match[open];
    const closed = isOp(t, close, 41);
    const endOffset = closed ? t.end[close] : close - 1 > open ? t.end[close - 1] : t.end[open];
    const call: MlflowCall = {
      kind: spec.kind,
      callee,
      method: spec.method,
      viaClient: spec.client,
      keys: [],
      dynamicKeys: false,
      stringArgs: {},
      range: this.pos.range(t.start[first], endOffset),
      nameRange: this.pos.range(t.start[first], t.end[last]),
      line: 0,
      inWith,
      unterminated: !closed,
    };
    call.line = call.nameRange.startLine;
    if (spec.flavor !== undefined) call.flavor = spec.flavor;
    if (closed && isName(t, close + 1, 'as') && t.kind[close + 2] === T_NAME) call.asName = nameAt(t, close + 2);

    const args = parseArgs(t, open, close);
    let positional = 0;
    let starred = false;
    let sawKey = false;
    for (const arg of args) {
      let name: string | undefined;
      if (arg.star) {
        starred = true;
        continue;
      }
      if (arg.kw !== undefined) name = arg.kw;
      else name = spec.params[positional++];
      if (name === undefined || arg.a >= arg.b) continue;
      if (name === spec.key) {
        sawKey = true;
        const lit = literalString(t, arg.a, arg.b);
        if (lit) call.keys.push({ value: lit.value, range: this.pos.range(lit.s, lit.e) });
        else call.dynamicKeys = true;
      } else if (name === spec.dict) {
        sawKey = true;
        this.dictKeys(t, arg.a, arg.b, call, 0);
      }
      if (name === '__proto__') continue;
      const lit = literalString(t, arg.a, arg.b);
      if (lit) call.stringArgs[name] = lit.value;
      else if (arg.b === arg.a + 1 && t.kind[arg.a] === T_STRING && (t.aux[arg.a] & py.S_PLACEHOLDER)) {
        (call.fstringPrefixes ??= {})[name] = py.fstringPrefix(t, arg.a) ?? '';
      }
      else if (arg.b === arg.a + 1 && t.kind[arg.a] === T_NUMBER && ID_PARAM.test(name) && /^\d+$/.test(nameAt(t, arg.a))) {
        call.stringArgs[name] = nameAt(t, arg.a); // experiment_id=3, version=2
      }
    }
    if (!sawKey && starred && (spec.key || spec.dict)) call.dynamicKeys = true;
    (this.inField ? this.fieldCalls : this.calls).push(call);
    return close;
  }

  /** Literal keys of a dict expression: `{"a": 1, **rest}` or `dict(a=1)`; anything else is dynamic. */
  private dictKeys(t: Tokens, a: number, b: number, call: MlflowCall, nest: number): void {
    while (b - a > 2 && isOp(t, a, LPAREN) && t.match[a] === b - 1) {
      a++;
      b--;
    }
    if (isOp(t, a, LBRACE) && t.match[a] === b - 1) {
      // A comprehension has `for` at the top level.
      for (let j = a + 1; j < b - 1; j++) {
        if (t.kind[j] === T_OP && (t.aux[j] === 40 || t.aux[j] === 91 || t.aux[j] === 123) && t.match[j] > j) j = t.match[j];
        else if (isName(t, j, 'for')) {
          call.dynamicKeys = true;
          return;
        }
      }
      const pieces = splitTopLevel(t, a + 1, b - 1);
      for (let p = 0; p < pieces.length; p += 2) {
        const s = pieces[p];
        const e = pieces[p + 1];
        if (isOp(t, s, OP_POW)) {
          call.dynamicKeys = true;
          continue;
        }
        let colon = -1;
        for (let j = s; j < e; j++) {
          if (t.kind[j] !== T_OP) continue;
          const o = t.aux[j];
          if (o === COLON) { colon = j; break; }
          if ((o === 40 || o === 91 || o === 123) && t.match[j] > j) j = t.match[j];
        }
        const lit = colon > s ? literalString(t, s, colon) : undefined;
        if (lit) call.keys.push({ value: lit.value, range: this.pos.range(lit.s, lit.e) });
        else call.dynamicKeys = true;
      }
      return;
    }
    if (isName(t, a, 'dict') && isOp(t, a + 1, LPAREN) && t.match[a + 1] === b - 1) {
      for (const arg of parseArgs(t, a + 1, b - 1)) {
        if (arg.kw !== undefined) {
          const k = arg.a - 2;
          call.keys.push({ value: arg.kw, range: this.pos.range(t.start[k], t.end[k]) });
        } else if (arg.star === 0 && nest < 8) this.dictKeys(t, arg.a, arg.b, call, nest + 1);
        else call.dynamicKeys = true;
      }
      return;
    }
    call.dynamicKeys = true;
  }
}

function newContext(assumeImported: boolean): Context {
  const ctx: Context = { aliases: new Map(), star: [], clientVars: new Set(), clientHeads: new Set() };
  if (assumeImported) ctx.aliases.set('mlflow', MLFLOW);
  return ctx;
}

/**
 * Finds the MLflow calls in Python source (or a notebook cell). Never throws; linear time.
 * Calls are in source order (of their start).
 */
export function scanPython(text: string, options: ScanOptions = {}): MlflowCall[] {
  const preamble = options.preamble && mayContainMlflow(options.preamble) ? options.preamble : '';
  if (!preamble && !mayContainMlflow(text)) return [];
  const ctx = newContext(!!options.assumeImported);
  let pre: Tokens | undefined;
  if (preamble) {
    pre = tokenizePython(preamble);
    collectImports(pre, ctx);
  }
  const toks = tokenizePython(text, 0, text.length, true);
  collectImports(toks, ctx);
  if (ctx.aliases.size === 0 && ctx.star.length === 0) return [];
  if (pre) collectClientVars(pre, ctx);
  collectClientVars(toks, ctx);
  const scan = new Scan(text, ctx);
  if (scan.empty) return [];
  scan.run(toks);
  return scan.fieldCalls.length ? mergeByStart(scan.calls, scan.fieldCalls) : scan.calls;
}

const startsBefore = (x: MlflowCall, y: MlflowCall): boolean =>
  x.range.startLine < y.range.startLine || (x.range.startLine === y.range.startLine && x.range.startCol <= y.range.startCol);

/** Merges the calls found in f-string fields into the (sorted) others. */
function mergeByStart(calls: MlflowCall[], inFields: MlflowCall[]): MlflowCall[] {
  inFields.sort((x, y) => x.range.startLine - y.range.startLine || x.range.startCol - y.range.startCol);
  const out: MlflowCall[] = [];
  let i = 0;
  let j = 0;
  while (i < calls.length && j < inFields.length) out.push(startsBefore(calls[i], inFields[j]) ? calls[i++] : inFields[j++]);
  while (i < calls.length) out.push(calls[i++]);
  while (j < inFields.length) out.push(inFields[j++]);
  return out;
}
