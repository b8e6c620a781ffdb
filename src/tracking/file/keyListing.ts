// Listings of key folders (params/, tags/, metrics/; keys with `/` are sub-folders), cached and
// validated by the folder's and sub-folders' mtime + inode: adding or removing a key changes the
// mtime of the folder that holds it. A hit costs one stat() per folder instead of a readdir.
import * as fs from 'node:fs';
import { child, direntIsDir, listDirChecked } from './fsUtil';

export interface KeyListing {
  /** [key, absolute path] in directory order. */
  readonly files: readonly [string, string][];
  /** Folders (the root or sub-folders) that exist but could not be listed: [absolute path, error code]. */
  readonly errors?: readonly [string, string][];
}

interface Entry extends KeyListing {
  errors?: [string, string][];
  /** Every folder walked (the root first) with the mtime/inode seen when it was listed. */
  folders: [string, number, number][];
}

const EMPTY: KeyListing = { files: [] };

function stamp(p: string): [number, number] | undefined {
  try {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    return st && st.isDirectory() ? [st.mtimeMs, st.ino] : undefined;
  } catch {
    return undefined;
  }
}

export class KeyListingCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 100_000) {}

  /** The same object is returned while nothing changed (callers may cache derived values by identity). */
  get(dir: string): KeyListing {
    const hit = this.entries.get(dir);
    if (hit) {
      let ok = true;
      for (const [p, m, i] of hit.folders) {
        const s = stamp(p);
        if (!s || s[0] !== m || s[1] !== i) {
          ok = false;
          break;
        }
      }
      if (ok) return hit;
    }
    const root = stamp(dir);
    if (!root) {
      this.entries.delete(dir);
      return EMPTY;
    }
    const entry: Entry = { files: [], folders: [[dir, root[0], root[1]]] };
    this.walk(dir, '', entry);
    if (entry.errors) {
      // not cached: a chmod that makes the folder readable again does not change its mtime
      this.entries.delete(dir);
      return entry;
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(dir, entry);
    return entry;
  }

  private walk(dir: string, prefix: string, entry: Entry): void {
    const { entries, error } = listDirChecked(dir);
    if (error) (entry.errors ??= []).push([dir, error]);
    for (const e of entries) {
      const abs = child(dir, e.name);
      if (direntIsDir(dir, e)) {
        const s = stamp(abs);
        if (s) entry.folders.push([abs, s[0], s[1]]);
        this.walk(abs, `${prefix}${e.name}/`, entry);
      } else {
        (entry.files as [string, string][]).push([prefix + e.name, abs]);
      }
    }
  }
}
