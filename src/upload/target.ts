// Where uploaded files go (the store's artifactDestination), and sending them: into the local folder behind a
// file store's or SQLite store's artifact root (copied atomically, never replacing a file that was not meant to
// be replaced), or through the tracking server's proxied artifact service. Node only, no VS Code.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TrackingError } from '../tracking/errors';
import type { ArtifactDestination, ArtifactOwner, Run, TrackingStore } from '../tracking/types';
import { guessContentType, uploadRoute, type PlannedFile } from './plan';

export type UploadTarget = ArtifactDestination & { owner: ArtifactOwner };

/** Where (and how) files for this run go, or a TrackingError ('unsupported', 'notFound') saying why they cannot. */
export function uploadTarget(store: TrackingStore, run: Run): UploadTarget {
  const owner: ArtifactOwner = { type: 'run', id: run.info.runId, rootUri: run.info.artifactUri };
  const route = uploadRoute(store.kind, run.info.artifactUri, run.info.lifecycleStage, store.uri);
  if (route.kind === 'refuse') throw new TrackingError(run.info.lifecycleStage === 'deleted' ? 'invalidRequest' : 'unsupported', route.reason, { uri: store.uri, hint: route.hint });
  const dest = store.artifactDestination?.(run);
  if (!dest || dest.kind !== route.kind) throw new TrackingError('unsupported', `${store.uri} cannot ${route.kind === 'proxy' ? 'upload' : 'take'} artifacts.`, { uri: store.uri });
  return { ...dest, owner };
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Destinations that may replace an existing file (the user said "Overwrite"). Others never do. */
  overwrite?: ReadonlySet<string>;
  /** Called before each file (index in `files`). */
  onFile?: (index: number, file: PlannedFile) => void;
  /** Bytes of one proxied PUT sent from memory; larger files are streamed (chunked). */
  maxInMemoryBytes?: number;
}

export interface SendResult {
  done: PlannedFile[];
  /** Set when the signal stopped the upload; `done` holds what was completely written before. */
  cancelled: boolean;
}

function cancelled(signal?: AbortSignal): boolean {
  return !!signal?.aborted;
}

/** Sends the planned files in order. A failure stops at that file and rejects (files before it stay). */
export async function sendFiles(target: UploadTarget, files: readonly PlannedFile[], opts: SendOptions = {}): Promise<SendResult> {
  const done: PlannedFile[] = [];
  for (let i = 0; i < files.length; i++) {
    if (cancelled(opts.signal)) return { done, cancelled: true };
    const f = files[i];
    opts.onFile?.(i, f);
    try {
      if (target.kind === 'copy') await copyAtomically(f.local, target.dir, f.dest, !!opts.overwrite?.has(f.dest), opts.signal);
      else await putProxied(target, f, opts);
    } catch (e) {
      if (cancelled(opts.signal)) return { done, cancelled: true };
      throw e;
    }
    done.push(f);
  }
  return { done, cancelled: false };
}

async function putProxied(target: Extract<UploadTarget, { kind: 'proxy' }>, f: PlannedFile, opts: SendOptions): Promise<void> {
  const max = opts.maxInMemoryBytes ?? 64 * 1024 * 1024;
  const size = (await fs.promises.stat(f.local)).size;
  const body = size <= max ? await fs.promises.readFile(f.local) : (fs.createReadStream(f.local, opts.signal ? { signal: opts.signal } : {}) as AsyncIterable<Uint8Array>);
  await target.uploader.uploadArtifact(target.owner, f.dest, body, guessContentType(f.dest), { signal: opts.signal });
}

/**
 * Copies `local` to `<dir>/<dest>`: into a temporary file beside the destination first, then into
 * place in one step — rename when replacing is allowed; otherwise a hard link, which fails if the
 * name appeared meanwhile (falling back to an existence check where links are not supported).
 * An interrupted copy leaves no partial file under the artifact name.
 */
export async function copyAtomically(local: string, dir: string, dest: string, overwrite: boolean, signal?: AbortSignal): Promise<void> {
  const target = path.join(dir, ...dest.split('/'));
  const parent = path.dirname(target);
  if (path.relative(dir, target).startsWith('..')) throw new TrackingError('invalidRequest', `Invalid artifact path ${dest}.`);
  await fs.promises.mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}.mlflow-upload`);
  try {
    await pipeline(fs.createReadStream(local), fs.createWriteStream(tmp, { flags: 'wx' }), { signal });
    if (overwrite) {
      await fs.promises.rename(tmp, target);
      return;
    }
    try {
      await fs.promises.link(tmp, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new TrackingError('invalidRequest', `${dest} already exists in the run; it was not replaced.`);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'ENOSYS') throw e;
      if (fs.existsSync(target)) throw new TrackingError('invalidRequest', `${dest} already exists in the run; it was not replaced.`);
      await fs.promises.rename(tmp, target);
      return;
    }
    await fs.promises.unlink(tmp).catch(() => undefined);
  } finally {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
  }
}

/** Walks a local folder: every regular file, relative '/'-separated paths, sorted; symlinked folders are not followed. */
export async function walkFolder(dir: string, signal?: AbortSignal): Promise<{ rel: string; size: number }[]> {
  const out: { rel: string; size: number }[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    if (signal?.aborted) throw new TrackingError('cancelled', 'The operation was cancelled.');
    const entries = await fs.promises.readdir(abs, { withFileTypes: true });
    for (const e of entries) {
      const a = path.join(abs, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(a, r);
      else if (e.isFile()) out.push({ rel: r, size: (await fs.promises.stat(a)).size });
      else if (e.isSymbolicLink()) {
        const st = await fs.promises.stat(a).catch(() => undefined);
        if (st?.isFile()) out.push({ rel: r, size: st.size });
      }
    }
  };
  await walk(dir, '');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** The run's existing entries in the folders the plan writes to (for clash detection). */
export async function existingEntries(store: TrackingStore, owner: ArtifactOwner, dirs: readonly string[], signal?: AbortSignal): Promise<Map<string, 'file' | 'dir'>> {
  const out = new Map<string, 'file' | 'dir'>();
  const known = new Set<string>(['']);
  for (const d of dirs) {
    // Only list folders that exist (the parent listed them as a folder): saves calls for new trees.
    if (!known.has(d)) continue;
    const files = await store.listArtifacts(owner, d || undefined, { signal });
    for (const f of files) {
      out.set(f.path, f.isDir ? 'dir' : 'file');
      if (f.isDir) known.add(f.path);
    }
  }
  return out;
}
