// Pure: what a download of an artifact file or folder writes where, and whether to ask first.
// Listing is injected, so this runs on any store and in unit tests. No `vscode` import.
import * as path from 'node:path';
import type { ArtifactFile } from '../tracking/types';

/** Ask before downloading more than this. */
export const CONFIRM_DOWNLOAD_BYTES = 50 * 1024 * 1024;
const MAX_FILES = 10_000;

export interface PlannedFile {
  /** Artifact path, relative to the owner's root. */
  path: string;
  /** Local destination. */
  dest: string;
  size?: number;
}

export interface DownloadPlan {
  files: PlannedFile[];
  /** Local folders to create (the copied folder and every non-empty or empty sub-folder). */
  dirs: string[];
  totalBytes: number;
  /** Files whose size the listing did not give. */
  unknownSizes: number;
}

/** Joins artifact path segments below `destDir`, refusing anything that would leave it. */
export function safeDest(destDir: string, relSegments: string[]): string {
  for (const s of relSegments) {
    if (s === '' || s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0') || /^[A-Za-z]:/.test(s)) {
      throw new Error(`Refusing to write the artifact path segment "${s}".`);
    }
  }
  const dest = path.resolve(destDir, ...relSegments);
  const root = path.resolve(destDir);
  if (dest !== root && !dest.startsWith(root + path.sep)) throw new Error(`"${relSegments.join('/')}" would leave ${destDir}.`);
  return dest;
}

/**
 * Walks `root` (a file or a folder of the owner) with `list` and maps every file to a path below
 * `destDir`: the file (or folder) keeps its own name, sub-folders keep their layout.
 */
export async function planDownload(
  list: (dir: string) => Promise<ArtifactFile[]>,
  root: ArtifactFile,
  destDir: string,
  signal?: AbortSignal,
): Promise<DownloadPlan> {
  const plan: DownloadPlan = { files: [], dirs: [], totalBytes: 0, unknownSizes: 0 };
  const segs = (p: string) => p.split('/').filter(Boolean);
  const base = segs(root.path);
  const rootName = base[base.length - 1] ?? 'artifacts';
  const add = (f: ArtifactFile) => {
    const rel = segs(f.path).slice(base.length);
    plan.files.push({ path: f.path, dest: safeDest(destDir, [rootName, ...rel]), size: f.fileSize });
    if (f.fileSize === undefined) plan.unknownSizes++;
    else plan.totalBytes += f.fileSize;
  };
  if (!root.isDir) {
    plan.files.push({ path: root.path, dest: safeDest(destDir, [rootName]), size: root.fileSize });
    if (root.fileSize === undefined) plan.unknownSizes++;
    else plan.totalBytes += root.fileSize;
    return plan;
  }
  const queue = [root.path];
  plan.dirs.push(safeDest(destDir, [rootName]));
  while (queue.length) {
    if (signal?.aborted) throw new Error('cancelled');
    const dir = queue.shift()!;
    for (const f of await list(dir)) {
      if (f.path === dir) continue; // a listing that echoes the folder itself
      if (f.isDir) {
        queue.push(f.path);
        plan.dirs.push(safeDest(destDir, [rootName, ...segs(f.path).slice(base.length)]));
      } else add(f);
      if (plan.files.length > MAX_FILES) throw new Error(`More than ${MAX_FILES} files: download this folder with "mlflow artifacts download" instead.`);
    }
  }
  return plan;
}

/** Empty files are listed without a size by MLflow; a listing's missing size means "0 or unknown". */
export function needsConfirmation(plan: DownloadPlan, limit = CONFIRM_DOWNLOAD_BYTES): boolean {
  return plan.totalBytes > limit;
}

export function describePlan(plan: DownloadPlan, formatBytes: (n: number) => string): string {
  const n = plan.files.length;
  return `${n} ${n === 1 ? 'file' : 'files'}, ${formatBytes(plan.totalBytes)}`;
}
