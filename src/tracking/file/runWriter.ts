// Writes to runs, the way MLflow's FileStore leaves the files (but atomically: temp file + rename).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setYamlKeys } from './metaYaml';
import { writeFileAtomic } from './fsUtil';

/** Sets top-level keys of `<runDir>/meta.yaml`, leaving every other line as it is. */
export function updateRunMeta(runDir: string, updates: Record<string, string | number | null>, onlyIfPresent: Record<string, string | number | null> = {}): void {
  const p = path.join(runDir, 'meta.yaml');
  const text = fs.readFileSync(p, 'utf8');
  const all = { ...updates };
  for (const [k, v] of Object.entries(onlyIfPresent)) if (new RegExp(`^${k}:`, 'm').test(text)) all[k] = v;
  const next = setYamlKeys(text, all);
  if (next !== text) writeFileAtomic(p, next);
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
