// Writes to runs, the way MLflow's FileStore leaves the files (but atomically: temp file + rename).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setYamlKeys } from './metaYaml';
import { writeFileAtomic } from './fsUtil';

/** Sets top-level keys of `<runDir>/meta.yaml`, leaving every other line as it is. */
export function updateRunMeta(runDir: string, updates: Record<string, string | number | null | undefined>): void {
  const p = path.join(runDir, 'meta.yaml');
  withLock(`${p}.lock`, () => {
    const text = fs.readFileSync(p, 'utf8');
    const next = setYamlKeys(text, updates);
    if (next !== text) writeFileAtomic(p, next);
  });
}

/**
 * Read-modify-write of meta.yaml under an exclusive lock file (O_EXCL), so two writers (two windows,
 * two processes) do not undo each other's edits with a stale read. A lock older than 10 s is stale
 * (a crashed writer); after 2 s of waiting the write goes ahead unlocked rather than failing.
 */
function withLock(lock: string, fn: () => void): void {
  const deadline = Date.now() + 2000;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') break;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 10_000) fs.rmSync(lock, { force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) break;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
  try {
    fn();
  } finally {
    if (fd !== undefined) {
      fs.closeSync(fd);
      fs.rmSync(lock, { force: true });
    }
  }
}

export function tagPath(runDir: string, key: string): string {
  return path.join(runDir, 'tags', ...key.split('/'));
}

/** Writes a tag file (value as-is, no trailing newline), creating sub-folders for keys with `/`. */
export function writeRunTag(runDir: string, key: string, value: string): void {
  writeFileAtomic(tagPath(runDir, key), value);
}

/** Removes a tag file; false when there was none. Empty sub-folders left by `/` keys are removed too. */
export function removeRunTag(runDir: string, key: string): boolean {
  const p = tagPath(runDir, key);
  try {
    if (!fs.statSync(p).isFile()) return false;
  } catch {
    return false;
  }
  fs.rmSync(p);
  const tagsDir = path.join(runDir, 'tags');
  for (let d = path.dirname(p); d.startsWith(tagsDir + path.sep); d = path.dirname(d)) {
    try {
      fs.rmdirSync(d);
    } catch {
      break; // not empty
    }
  }
  return true;
}
