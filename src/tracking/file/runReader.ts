// Runs in a file store: `<exp>/<run_id>/{meta.yaml, params/, metrics/, tags/, inputs/, outputs/, artifacts/}`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dataset, DatasetInput, Metric, Run, RunInfo, Tag } from '../types';
import { RUN_NAME_TAG } from '../types';
import { parseLifecycle, parseRunStatus } from '../wire';
import { FileCache, readSmallFile } from './fileCache';
import { child, direntIsDir, listDir, unreadableCode } from './fsUtil';
import { KeyListingCache, type KeyListing } from './keyListing';
import { latestMetric } from './metricFile';
import { parseMetaYaml, yamlInt, yamlStr, type YamlMap } from './metaYaml';

/** Folders inside an experiment folder that are not runs. */
export const RESERVED_EXPERIMENT_FOLDERS = new Set(['tags', 'datasets', 'traces', 'models']);

export interface RunMeta {
  runId: string;
  /** The experiment folder (in the root or in .trash). */
  expDir: string;
  /** The run folder. */
  dir: string;
  info: RunInfo;
  /** Written by MLflow 3 (no run_uuid): a 3.x server puts run_id on every metric it returns. */
  metricsCarryRunId: boolean;
}

export class RunMetaError extends Error {}

/** Parses a run's meta.yaml text. Throws RunMetaError when it is not a run meta file. */
export function parseRunMeta(text: string, dir: string, expDir: string): RunMeta {
  let meta: YamlMap;
  try {
    meta = parseMetaYaml(text);
  } catch (e) {
    throw new RunMetaError(`meta.yaml is not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
  const runId = yamlStr(meta.run_id) ?? yamlStr(meta.run_uuid);
  if (!runId) throw new RunMetaError('meta.yaml has no run_id');
  let status: RunInfo['status'] = 'RUNNING';
  if (meta.status !== null && meta.status !== undefined) {
    try {
      status = parseRunStatus(meta.status);
    } catch {
      throw new RunMetaError(`meta.yaml has an unknown status ${JSON.stringify(meta.status)}`);
    }
  }
  let runName = yamlStr(meta.run_name);
  if (runName === undefined || runName === '') {
    // old runs: the name only lives in the mlflow.runName tag
    runName = readSmallFile(path.join(dir, 'tags', RUN_NAME_TAG)) ?? '';
  }
  const info: RunInfo = {
    runId,
    experimentId: yamlStr(meta.experiment_id) ?? path.basename(expDir),
    runName,
    userId: yamlStr(meta.user_id) ?? '',
    status,
    startTime: yamlInt(meta.start_time),
    endTime: yamlInt(meta.end_time),
    artifactUri: yamlStr(meta.artifact_uri) ?? '',
    lifecycleStage: parseLifecycle(meta.lifecycle_stage),
  };
  return { runId, expDir, dir, info, metricsCarryRunId: !('run_uuid' in meta) };
}

export interface Problem {
  path: string;
  message: string;
  /** The run folder (run id) the problem belongs to, when it is about a run. */
  runId?: string;
  /** The experiment folder (experiment id) of that run. */
  experimentId?: string;
  /** 'skipped': the run is not listed at all; 'partial': it is listed without what could not be read. */
  effect?: 'skipped' | 'partial';
}

export type RunPart = 'params' | 'metrics' | 'tags';

export interface RunParts {
  params?: Tag[];
  tags?: Tag[];
  metrics?: Metric[];
  inputs?: Run['inputs'];
  outputs?: Run['outputs'];
}

/** What reading a run's key files needs: its folder, and for messages its id and experiment folder. */
export type KeyOwner = Pick<RunMeta, 'runId' | 'expDir' | 'dir' | 'metricsCarryRunId'>;

/** Keys to read directly, with their path segments (directKeySegments). */
export interface DirectKeys {
  params: [string, string[]][];
  metrics: [string, string[]][];
  tags: [string, string[]][];
}

function keyFile(runDir: string, part: RunPart, segs: readonly string[]): string {
  let p = child(runDir, part);
  for (const s of segs) p = child(p, s);
  return p;
}

interface Dirs {
  params: boolean;
  metrics: boolean;
  tags: boolean;
  inputs: boolean;
  outputs: boolean;
}

/** Reads runs; owns the caches for meta files, latest metric values, inputs and datasets. */
/** A dataset tag's YAML value as text: scalars as written, anything structured as JSON (never "[object Object]"). */
function tagText(value: unknown): string {
  if (value === null || value === undefined) return value === null ? '' : 'undefined';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export class RunReader {
  private readonly metaCache = new FileCache<RunMeta | RunMetaError>();
  private readonly latestCache = new FileCache<Metric | undefined>();
  private readonly yamlCache = new FileCache<YamlMap>(20_000);
  private readonly listings = new KeyListingCache();
  private readonly tagValues = new FileCache<string>(400_000);
  private readonly paramValues = new Map<string, { listing: KeyListing; values: Tag[] }>();
  /** Per key folder (params/, metrics/, tags/ of a run): the problem paths its last read reported. */
  private readonly partProblems = new Map<string, { runDir: string; paths: Set<string> }>();
  /** Per experiment folder: the meta.yaml paths of the run folders its last listing skipped. */
  private readonly skipped = new Map<string, Set<string>>();

  constructor(private readonly report: (p: Problem) => void, private readonly clearProblem: (path: string) => void) {}

  /** The run in `runDir`, or undefined (reported when meta.yaml exists but is unusable). */
  readMeta(runDir: string, expDir: string): RunMeta | undefined {
    const r = this.readMetaChecked(runDir, expDir);
    return r === undefined || 'message' in r ? undefined : r;
  }

  /** readMeta, but says which problem (already reported) made it skip the folder. */
  private readMetaChecked(runDir: string, expDir: string): RunMeta | Problem | undefined {
    const metaPath = child(runDir, 'meta.yaml');
    const skip = (why: string): Problem => {
      const p: Problem = { path: metaPath, message: `Skipped run folder ${path.basename(runDir)}: ${why}.`, runId: path.basename(runDir), experimentId: path.basename(expDir), effect: 'skipped' };
      this.report(p);
      return p;
    };
    const r = this.metaCache.get(metaPath, (text) => {
      try {
        return parseRunMeta(text, runDir, expDir);
      } catch (e) {
        if (e instanceof RunMetaError) return e;
        throw e;
      }
    });
    if (r === undefined) {
      // no meta.yaml: not a run folder (MLflow skips these silently); one that is there but cannot be read is reported
      const code = unreadableCode(metaPath);
      if (code) return skip(`meta.yaml could not be read: ${code}`);
      this.clearProblem(metaPath);
      return undefined;
    }
    if (r instanceof RunMetaError) return skip(r.message);
    this.clearProblem(metaPath);
    // the cached value knows its folder; a moved experiment (restore from .trash) is a new path anyway
    return r;
  }

  /** The run folders of an experiment folder, not read (listRuns reads them). */
  runDirs(expDir: string): string[] {
    const out: string[] = [];
    for (const e of listDir(expDir)) {
      if (RESERVED_EXPERIMENT_FOLDERS.has(e.name) || e.name.startsWith('.')) continue;
      if (direntIsDir(expDir, e)) out.push(child(expDir, e.name));
    }
    return out;
  }

  /** Every run folder of one experiment folder. */
  listRuns(expDir: string): RunMeta[] {
    const out: RunMeta[] = [];
    const skipped = new Set<string>();
    const seen = new Set<string>();
    for (const e of listDir(expDir)) {
      if (RESERVED_EXPERIMENT_FOLDERS.has(e.name) || e.name.startsWith('.')) continue;
      if (!direntIsDir(expDir, e)) continue;
      const dir = child(expDir, e.name);
      seen.add(dir);
      const m = this.readMetaChecked(dir, expDir);
      if (m === undefined) continue;
      if ('message' in m) skipped.add(m.path);
      else out.push(m);
    }
    // problems of run folders that are gone (deleted, moved to another experiment) go with them
    for (const p of this.skipped.get(expDir) ?? []) if (!skipped.has(p)) this.clearProblem(p);
    if (skipped.size) this.skipped.set(expDir, skipped);
    else this.skipped.delete(expDir);
    for (const [folder, x] of this.partProblems) {
      if (path.dirname(x.runDir) === expDir && !seen.has(x.runDir)) {
        for (const p of x.paths) this.clearProblem(p);
        this.partProblems.delete(folder);
      }
    }
    return out;
  }

  /**
   * Reports what of a run's key folder could not be read (the folder or sub-folders, files), and
   * clears what an earlier read reported and is readable now. `unreadable`: files that failed.
   */
  private notePart(run: RunMeta, part: RunPart, folder: string, listing: KeyListing, unreadable: [string, string][]): void {
    const prev = this.partProblems.get(folder);
    if (!listing.errors && unreadable.length === 0) {
      if (prev) {
        for (const p of prev.paths) this.clearProblem(p);
        this.partProblems.delete(folder);
      }
      return;
    }
    const paths = new Set<string>();
    const base = { runId: run.runId, experimentId: path.basename(run.expDir), effect: 'partial' as const };
    for (const [dir, code] of listing.errors ?? []) {
      const sub = dir === folder ? part : `${part} in ${path.relative(folder, dir)}`;
      this.report({ ...base, path: dir, message: `The ${sub} of run ${run.runId} could not be read: ${code}. The run is shown without them.` });
      paths.add(dir);
    }
    for (const [file, code] of unreadable) {
      const what = part === 'params' ? 'Parameter' : part === 'tags' ? 'Tag' : 'Metric';
      this.report({ ...base, path: file, message: `${what} '${path.relative(folder, file).split(path.sep).join('/')}' of run ${run.runId} could not be read: ${code}. The run is shown without it.` });
      paths.add(file);
    }
    for (const p of prev?.paths ?? []) if (!paths.has(p)) this.clearProblem(p);
    this.partProblems.set(folder, { runDir: run.dir, paths });
  }

  /**
   * Which optional folders exist. params/metrics/tags are always created by MLflow and just listed
   * (a missing one lists as empty); inputs/outputs are rare, so existsSync (one access() call, no
   * exception) beats listing the run folder.
   */
  private dirs(run: RunMeta): Dirs {
    return {
      params: true,
      metrics: true,
      tags: true,
      inputs: fs.existsSync(child(run.dir, 'inputs')),
      outputs: fs.existsSync(child(run.dir, 'outputs')),
    };
  }

  /** Params are immutable in MLflow (re-logging a different value is refused), so their values are cached per folder listing. */
  params(run: RunMeta, dirs?: Dirs): Tag[] {
    if (dirs && !dirs.params) return [];
    const dir = child(run.dir, 'params');
    const listing = this.listings.get(dir);
    const hit = this.paramValues.get(dir);
    if (hit && hit.listing === listing) return hit.values;
    const values: Tag[] = [];
    const unreadable: [string, string][] = [];
    for (const [key, abs] of listing.files) {
      const v = readSmallFile(abs);
      if (v !== undefined) values.push({ key, value: v });
      else {
        const code = unreadableCode(abs);
        if (code) unreadable.push([abs, code]);
      }
    }
    this.notePart(run, 'params', dir, listing, unreadable);
    if (this.paramValues.size > 100_000) this.paramValues.clear();
    // not cached when something could not be read: a chmod that fixes it changes no mtime
    if (unreadable.length === 0 && !listing.errors) this.paramValues.set(dir, { listing, values });
    else this.paramValues.delete(dir);
    return values;
  }

  /** Tags are rewritten in place (MLflow opens them with 'w'), so each value is validated by its own stat. */
  tags(run: RunMeta, dirs?: Dirs): Tag[] {
    if (dirs && !dirs.tags) return [];
    const out: Tag[] = [];
    const dir = child(run.dir, 'tags');
    const listing = this.listings.get(dir);
    const unreadable: [string, string][] = [];
    for (const [key, abs] of listing.files) {
      const v = this.tagValues.get(abs, (t) => t);
      if (v !== undefined) out.push({ key, value: v });
      else {
        const code = unreadableCode(abs);
        if (code) unreadable.push([abs, code]);
      }
    }
    this.notePart(run, 'tags', dir, listing, unreadable);
    return out;
  }

  /** Latest value of every metric (MLflow's max of (step, timestamp, value) per key). */
  metrics(run: RunMeta, dirs?: Dirs): Metric[] {
    if (dirs && !dirs.metrics) return [];
    const out: Metric[] = [];
    const runId = run.metricsCarryRunId ? run.runId : undefined;
    const dir = child(run.dir, 'metrics');
    const listing = this.listings.get(dir);
    const unreadable: [string, string][] = [];
    for (const [key, abs] of listing.files) {
      const m = this.latest(run, key, abs, runId);
      if (m) out.push(m);
      else if (m === null) {
        const code = unreadableCode(abs);
        if (code) unreadable.push([abs, code]);
      }
    }
    this.notePart(run, 'metrics', dir, listing, unreadable);
    return out;
  }

  /** The latest point of one metric file (cached); null when the file could not be opened, undefined when it has no point. */
  private latest(run: KeyOwner, key: string, abs: string, runId: string | undefined): Metric | undefined | null {
    let read = false;
    const m = this.latestCache.get(abs, (text) => {
      read = true;
      const r = latestMetric(text, { key, kind: 'run', runId });
      if (r.badLines) this.report({ path: abs, message: `Metric file has ${r.badLines} unreadable line(s); they were skipped.`, runId: run.runId, experimentId: path.basename(run.expDir), effect: 'partial' });
      else this.clearProblem(abs);
      return r.value;
    });
    if (m) return m.key === key && m.runId === runId ? m : { ...m, key, runId };
    // not a cache hit and not parsed: the file could not be opened (an empty file parses to undefined)
    return read ? undefined : null;
  }

  /**
   * Only `keys` of a run's params, metrics and tags, each read from its own file without listing
   * the folders: what filtering and sorting need. The caller has checked (directKeySegments,
   * namesAreCaseSensitive) that the file found is the key a listing would find; what cannot be read
   * is left out, as a listing leaves it out (and reports it when the run is loaded in full).
   */
  loadKeys(run: KeyOwner, keys: DirectKeys): RunParts {
    const parts: RunParts = { params: [], metrics: [], tags: [] };
    for (const part of ['params', 'metrics', 'tags'] as const) for (const [key, segs] of keys[part]) this.loadKey(run, part, key, segs, parts);
    return parts;
  }

  /** Adds one key of a run to `into` (whose params, metrics, tags are set) when the run has it; see loadKeys. */
  loadKey(run: KeyOwner, part: RunPart, key: string, segs: readonly string[], into: RunParts): void {
    const file = keyFile(run.dir, part, segs);
    if (part === 'metrics') {
      const m = this.latest(run, key, file, run.metricsCarryRunId ? run.runId : undefined);
      if (m) into.metrics!.push(m);
      return;
    }
    const v = part === 'params' ? readSmallFile(file) : this.tagValues.get(file, (t) => t);
    if (v !== undefined) (part === 'params' ? into.params! : into.tags!).push({ key, value: v });
  }

  private yaml(p: string): YamlMap | undefined {
    try {
      return this.yamlCache.get(p, (t) => parseMetaYaml(t));
    } catch (e) {
      this.report({ path: p, message: `Unreadable YAML: ${(e as Error).message.split('\n')[0]}` });
      return undefined;
    }
  }

  inputs(run: RunMeta, dirs?: Dirs): Run['inputs'] {
    const res: Run['inputs'] = { datasetInputs: [], modelInputs: [] };
    if (dirs && !dirs.inputs) return res;
    const inputsDir = path.join(run.dir, 'inputs');
    for (const e of listDir(inputsDir)) {
      if (!direntIsDir(inputsDir, e)) continue;
      const meta = this.yaml(path.join(inputsDir, e.name, 'meta.yaml'));
      if (!meta) continue;
      const sourceType = yamlStr(meta.source_type);
      const sourceId = yamlStr(meta.source_id);
      if (!sourceId) continue;
      if (sourceType === 'MODEL') {
        res.modelInputs.push({ modelId: sourceId });
      } else if (sourceType === 'DATASET') {
        const ds = this.yaml(path.join(run.expDir, 'datasets', sourceId, 'meta.yaml'));
        if (!ds) continue;
        const dataset: Dataset = {
          name: yamlStr(ds.name) ?? '',
          digest: yamlStr(ds.digest) ?? '',
          sourceType: yamlStr(ds.source_type) ?? '',
          source: yamlStr(ds.source) ?? '',
        };
        const schema = yamlStr(ds.schema);
        if (schema !== undefined) dataset.schema = schema;
        const profile = yamlStr(ds.profile);
        if (profile !== undefined) dataset.profile = profile;
        const tags: Tag[] = [];
        if (meta.tags && typeof meta.tags === 'object' && !Array.isArray(meta.tags)) {
          for (const [key, value] of Object.entries(meta.tags as Record<string, unknown>)) tags.push({ key, value: tagText(value) });
        }
        const di: DatasetInput = { tags, dataset };
        res.datasetInputs.push(di);
      }
    }
    return res;
  }

  outputs(run: RunMeta, dirs?: Dirs): Run['outputs'] {
    const res: Run['outputs'] = { modelOutputs: [] };
    if (dirs && !dirs.outputs) return res;
    const outDir = path.join(run.dir, 'outputs');
    for (const e of listDir(outDir)) {
      if (!direntIsDir(outDir, e)) continue;
      const meta = this.yaml(path.join(outDir, e.name, 'meta.yaml'));
      if (!meta) continue;
      const id = yamlStr(meta.source_id) ?? e.name;
      res.modelOutputs.push({ modelId: id, step: yamlInt(meta.step) ?? 0 });
    }
    return res;
  }

  /** Loads the parts of a run not yet in `parts`; `want` limits which ones (all by default). */
  load(run: RunMeta, parts: RunParts, want: { params?: boolean; metrics?: boolean; tags?: boolean; inputs?: boolean } = { params: true, metrics: true, tags: true, inputs: true }): RunParts {
    const need =
      (want.params && !parts.params) || (want.metrics && !parts.metrics) || (want.tags && !parts.tags) || (want.inputs && (!parts.inputs || !parts.outputs));
    if (!need) return parts;
    const dirs = this.dirs(run);
    if (want.params && !parts.params) parts.params = this.params(run, dirs);
    if (want.metrics && !parts.metrics) parts.metrics = this.metrics(run, dirs);
    if (want.tags && !parts.tags) parts.tags = this.tags(run, dirs);
    if (want.inputs && !parts.inputs) parts.inputs = this.inputs(run, dirs);
    if (want.inputs && !parts.outputs) parts.outputs = this.outputs(run, dirs);
    return parts;
  }

  /** A Run object from meta + loaded parts (missing parts are empty). */
  static toRun(run: RunMeta, parts: RunParts): Run {
    let info = run.info;
    if (!info.runName && parts.tags) {
      const t = parts.tags.find((x) => x.key === RUN_NAME_TAG);
      if (t) info = { ...info, runName: t.value };
    }
    return {
      info,
      data: { metrics: parts.metrics ?? [], params: parts.params ?? [], tags: parts.tags ?? [] },
      inputs: parts.inputs ?? { datasetInputs: [], modelInputs: [] },
      outputs: parts.outputs ?? { modelOutputs: [] },
    };
  }

  forget(runDir: string): void {
    this.metaCache.delete(child(runDir, 'meta.yaml'));
  }
}
