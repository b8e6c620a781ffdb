// Pure: what "Log Artifact…" does before touching anything — where each picked file goes in the run,
// which names clash (inside the selection, with what the run already holds, file against folder),
// and whether the run's artifact root can be written from here at all. No VS Code, no file system.
import { proxiedRoot } from '../tracking/rest/artifactsProxy';
import type { LifecycleStage, StoreKind } from '../tracking/types';

/** One picked file or folder. Folders carry their files (walked by the caller), '/'-separated and relative to the folder. */
export interface LocalSource {
  /** Absolute local path. */
  fsPath: string;
  isDir: boolean;
  /** File size (files). */
  size?: number;
  /** Folders: every file inside, relative to the folder. */
  files?: { rel: string; size: number }[];
}

export interface PlannedFile {
  /** Absolute local path of the file to send. */
  local: string;
  /** Destination, relative to the run's artifact root, '/'-separated. */
  dest: string;
  size: number;
}

export type Clash =
  /** Two picked files would land on the same artifact path. */
  | { kind: 'selection'; dest: string; locals: string[] }
  /** The run already holds a file at that path (may be overwritten, when the user says so). */
  | { kind: 'exists'; dest: string; local: string }
  /** A file would replace a folder of the run, or needs a folder where the run holds a file. */
  | { kind: 'type'; dest: string; local: string; existing: string };

export interface UploadPlan {
  files: PlannedFile[];
  clashes: Clash[];
  totalBytes: number;
}

export interface PlanOptions {
  /** Sub-folder of the artifact root ('' = the root). Already normalized (normalizeArtifactDir). */
  artifactPath: string;
  /**
   * Folders: put their contents directly under artifactPath (like `mlflow.log_artifacts(dir, artifact_path)`).
   * Default false: the folder keeps its name (`<artifactPath>/<folder>/…`), as when dropping a folder.
   */
  folderContents?: boolean;
}

export function baseName(p: string): string {
  const parts = p.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

export function joinArtifact(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/**
 * A user-typed artifact sub-folder: trims, turns `\` into `/`, drops leading, trailing and doubled
 * slashes and `.` segments. Rejects `..`, absolute Windows paths, control characters — MLflow
 * refuses them too ("Invalid path").
 */
export function normalizeArtifactDir(input: string | undefined): { value: string } | { error: string } {
  const raw = (input ?? '').trim();
  if (!raw) return { value: '' };
  if (/[\x00-\x1f]/.test(raw)) return { error: 'The artifact path cannot contain control characters.' };
  if (/^[A-Za-z]:/.test(raw) || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw)) return { error: 'Give a folder inside the run (e.g. plots/eval), not an absolute path or URI.' };
  const segs = raw.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  if (segs.some((s) => s === '..')) return { error: '".." is not allowed: the artifact must stay inside the run.' };
  return { value: segs.join('/') };
}

/** Where every picked file goes, in a stable order (the picked order, folder contents sorted). */
export function planDestinations(sources: readonly LocalSource[], opts: PlanOptions): PlannedFile[] {
  const out: PlannedFile[] = [];
  for (const s of sources) {
    if (!s.isDir) {
      out.push({ local: s.fsPath, dest: joinArtifact(opts.artifactPath, baseName(s.fsPath)), size: s.size ?? 0 });
      continue;
    }
    const under = opts.folderContents ? opts.artifactPath : joinArtifact(opts.artifactPath, baseName(s.fsPath));
    const files = [...(s.files ?? [])].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    for (const f of files) {
      const rel = f.rel.replace(/\\/g, '/');
      out.push({ local: joinLocal(s.fsPath, rel), dest: joinArtifact(under, rel), size: f.size });
    }
  }
  return out;
}

function joinLocal(dir: string, rel: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.replace(/[\\/]+$/, '') + sep + rel.split('/').join(sep);
}

/** Every folder (and the folder chain above it) the planned files go into: what to list to find clashes. */
export function parentDirs(files: readonly PlannedFile[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const segs = f.dest.split('/');
    for (let i = 0; i < segs.length; i++) dirs.add(segs.slice(0, i).join('/'));
  }
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The plan, with its clashes. `existing` maps the run's artifact paths (of the listed folders) to
 * 'file' or 'dir'. A selection clash keeps neither file in `files`; 'exists' clashes stay in `files`
 * (the caller asks, then drops them or overwrites); 'type' clashes are dropped.
 */
export function planUpload(sources: readonly LocalSource[], opts: PlanOptions, existing: ReadonlyMap<string, 'file' | 'dir'>): UploadPlan {
  const all = planDestinations(sources, opts);
  const byDest = new Map<string, PlannedFile[]>();
  for (const f of all) {
    const list = byDest.get(f.dest) ?? [];
    list.push(f);
    byDest.set(f.dest, list);
  }
  const clashes: Clash[] = [];
  const files: PlannedFile[] = [];
  const plannedDirs = new Set<string>();
  for (const f of all) {
    const segs = f.dest.split('/');
    for (let i = 1; i < segs.length; i++) plannedDirs.add(segs.slice(0, i).join('/'));
  }
  const reported = new Set<string>();
  for (const f of all) {
    const same = byDest.get(f.dest)!;
    if (same.length > 1) {
      if (!reported.has(f.dest)) clashes.push({ kind: 'selection', dest: f.dest, locals: same.map((x) => x.local) });
      reported.add(f.dest);
      continue;
    }
    if (plannedDirs.has(f.dest)) {
      // a picked file "a" and a picked folder holding "a/…"
      clashes.push({ kind: 'selection', dest: f.dest, locals: [f.local, ...all.filter((x) => x.dest.startsWith(f.dest + '/')).map((x) => x.local).slice(0, 1)] });
      continue;
    }
    const here = existing.get(f.dest);
    if (here === 'dir') {
      clashes.push({ kind: 'type', dest: f.dest, local: f.local, existing: f.dest });
      continue;
    }
    const segs = f.dest.split('/');
    const fileAbove = segs.slice(1).map((_, i) => segs.slice(0, i + 1).join('/')).find((p) => existing.get(p) === 'file');
    if (fileAbove) {
      clashes.push({ kind: 'type', dest: f.dest, local: f.local, existing: fileAbove });
      continue;
    }
    if (here === 'file') clashes.push({ kind: 'exists', dest: f.dest, local: f.local });
    files.push(f);
  }
  return { files, clashes, totalBytes: files.reduce((n, f) => n + f.size, 0) };
}

/** Drops the files whose destination already exists (the "Skip existing" answer). */
export function withoutExisting(plan: UploadPlan): UploadPlan {
  const exists = new Set(plan.clashes.filter((c) => c.kind === 'exists').map((c) => c.dest));
  const files = plan.files.filter((f) => !exists.has(f.dest));
  return { files, clashes: plan.clashes.filter((c) => c.kind !== 'exists'), totalBytes: files.reduce((n, f) => n + f.size, 0) };
}

export function describeClash(c: Clash): string {
  switch (c.kind) {
    case 'selection':
      return `${c.dest}: ${c.locals.length} picked items would land here (${c.locals.map(baseName).join(', ')})`;
    case 'exists':
      return `${c.dest} already exists in the run`;
    case 'type':
      return c.existing === c.dest ? `${c.dest} is a folder in the run` : `${c.existing} is a file in the run, so ${c.dest} cannot be created`;
  }
}

// ---------------------------------------------------------------------------------------------
// Can this store write this run's artifact root?

export type UploadRoute =
  /** PUT each file to the tracking server's proxied artifact service. */
  | { kind: 'proxy' }
  /** Copy into the local folder behind the root (file store, or a SQLite store's local root). */
  | { kind: 'copy' }
  | { kind: 'refuse'; reason: string; hint?: string };

function schemeOf(uri: string): string | undefined {
  if (/^[A-Za-z]:[\\/]/.test(uri)) return undefined; // C:\… is a path
  return /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1].toLowerCase();
}

/**
 * How (and whether) a run's artifacts can be written:
 *  - a deleted run: never (restore it first);
 *  - a tracking server: only roots its proxied artifact service serves (`mlflow-artifacts:`, or an
 *    http(s) URL of `/api/2.0/mlflow-artifacts/artifacts`); cloud or server-local roots the server
 *    would have to reach itself are refused — the REST API has no other upload;
 *  - a file store or SQLite store: local roots (`file:` URIs, plain paths) are copied into. The
 *    SQLite store stays read-only — its database is never written — but `mlflow.log_artifact`
 *    itself only copies the file into the root folder (no database row records an artifact), so
 *    copying there is exactly what MLflow would do. `mlflow-artifacts:` roots belong to the server
 *    that wrote the store, cloud roots (s3:, gs:, wasbs:, dbfs:, hdfs:, …) to their storage: refused.
 */
export function uploadRoute(storeKind: StoreKind, rootUri: string, lifecycle: LifecycleStage, storeUri = 'this store'): UploadRoute {
  if (lifecycle === 'deleted') {
    return { kind: 'refuse', reason: 'The run is deleted; MLflow does not log to deleted runs.', hint: 'Restore the run first (MLflow: Restore Run), then log the artifact.' };
  }
  if (!rootUri) return { kind: 'refuse', reason: 'The run has no artifact location.' };
  const scheme = schemeOf(rootUri);
  if (storeKind === 'rest') {
    if (proxiedRoot(rootUri)) return { kind: 'proxy' };
    if (scheme === 'file' || scheme === undefined) {
      return {
        kind: 'refuse',
        reason: `The run's artifacts live in a folder of the server's machine (${rootUri}), which ${storeUri} does not serve.`,
        hint: 'Start the server with --serve-artifacts (the default since MLflow 2.0) so new runs get mlflow-artifacts: roots, or log the file with the MLflow Python client on that machine.',
      };
    }
    return {
      kind: 'refuse',
      reason: `The run's artifacts are stored at ${scheme}: (${shortRoot(rootUri)}), and ${storeUri} does not proxy that storage.`,
      hint: 'Log the file with the MLflow Python client (with credentials for that storage), or use a server started with --serve-artifacts.',
    };
  }
  if (scheme === undefined || scheme === 'file') return { kind: 'copy' };
  if (scheme === 'mlflow-artifacts') {
    return {
      kind: 'refuse',
      reason: `The run's artifacts (${rootUri}) are kept by the MLflow server that wrote this store.`,
      hint: 'Connect to that tracking server (http://…) and log the artifact through it.',
    };
  }
  return {
    kind: 'refuse',
    reason: `The run's artifacts are stored at ${scheme}: (${shortRoot(rootUri)}), which the extension cannot write.`,
    hint: 'Log the file with the MLflow Python client (with credentials for that storage), or connect to a tracking server started with --serve-artifacts.',
  };
}

function shortRoot(uri: string): string {
  return uri.split('/').slice(0, 3).join('/') + (uri.split('/').length > 3 ? '/…' : '');
}

/** A guessed Content-Type, as MLflow's client sends one (mimetypes.guess_type). */
export function guessContentType(name: string): string {
  const ext = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  const map: Record<string, string> = {
    txt: 'text/plain', log: 'text/plain', md: 'text/markdown', csv: 'text/csv', tsv: 'text/tab-separated-values',
    json: 'application/json', yaml: 'application/x-yaml', yml: 'application/x-yaml', html: 'text/html', htm: 'text/html',
    xml: 'application/xml', py: 'text/x-python', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif',
    svg: 'image/svg+xml', pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip',
  };
  return map[ext] ?? 'application/octet-stream';
}
