// Artifacts in a local directory, with the semantics of MLflow's `artifacts/list`: paths relative to
// the artifact root, directories without size, files with their size (0 for an empty one, as MLflow's client says), a file path or a
// missing directory lists as [], and `..` is rejected. Shared by the local stores.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { invalidRequest, notFound, TrackingError } from './errors';
import { compareCodePoints } from './file/fsUtil';
import type { ArtifactFile } from './types';

/** Normalizes a run-relative artifact path ('' for the root); rejects `..`, absolute and drive paths (MLflow answers 400 "Invalid path"). */
export function normalizeArtifactPath(rel: string | undefined, uri?: string): string {
  if (rel === undefined) return '';
  const parts = rel.replace(/\\/g, '/').split('/');
  if (rel.startsWith('/') || rel.startsWith('\\') || /^[A-Za-z]:/.test(rel) || rel.includes('\0') || parts.some((p) => p === '..')) {
    throw invalidRequest('Invalid path', uri);
  }
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}

function checkSignal(signal?: AbortSignal): void {
  if (signal?.aborted) throw new TrackingError('cancelled', 'The operation was cancelled.');
}

export async function listLocalArtifacts(rootDir: string, rel?: string, signal?: AbortSignal, uri?: string): Promise<ArtifactFile[]> {
  const relPath = normalizeArtifactPath(rel, uri);
  const dir = relPath ? path.join(rootDir, ...relPath.split('/')) : rootDir;
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return []; // missing directory, or a file path
  }
  checkSignal(signal);
  const names = entries.map((e) => e.name).sort(compareCodePoints);
  const out: ArtifactFile[] = [];
  for (const name of names) {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(path.join(dir, name));
    } catch {
      continue; // dangling symlink
    }
    const p = relPath ? `${relPath}/${name}` : name;
    if (st.isDirectory()) out.push({ path: p, isDir: true });
    else out.push({ path: p, isDir: false, fileSize: st.size }); // 0 for an empty file, as MLflow's client reports it
  }
  return out;
}

async function statFile(rootDir: string, rel: string, uri?: string): Promise<{ file: string; st: fs.Stats }> {
  const relPath = normalizeArtifactPath(rel, uri);
  if (!relPath) throw invalidRequest('An artifact path is required.', uri);
  const file = path.join(rootDir, ...relPath.split('/'));
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch {
    throw notFound(`Artifact '${relPath}'`, uri);
  }
  if (st.isDirectory()) throw invalidRequest(`Artifact '${relPath}' is a directory.`, uri);
  return { file, st };
}

export async function localArtifactSize(rootDir: string, rel: string, uri?: string): Promise<number> {
  return (await statFile(rootDir, rel, uri)).st.size;
}

export async function readLocalArtifact(rootDir: string, rel: string, signal?: AbortSignal, uri?: string): Promise<AsyncIterable<Uint8Array>> {
  const { file } = await statFile(rootDir, rel, uri);
  checkSignal(signal);
  return fs.createReadStream(file, signal ? { signal } : {}) as AsyncIterable<Uint8Array>;
}
