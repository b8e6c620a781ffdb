// A parsed-file cache validated by (mtime, size, inode) from one stat() call: a hit costs a single
// syscall, a miss stat + open/read/close.
import * as fs from 'node:fs';

interface Entry<T> {
  mtimeMs: number;
  size: number;
  ino: number;
  value: T;
}

export class FileCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly maxEntries = 200_000) {}

  /**
   * The parsed file, or undefined when it cannot be read. Validated with one stat() call; on a
   * miss the file is read and parsed (if it changes between stat and read, the next call re-reads:
   * never stale, at worst one extra read). `parse` may throw; nothing is cached then.
   */
  get(p: string, parse: (text: string) => T): T | undefined {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(p, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (!st || !st.isFile()) {
      this.entries.delete(p);
      return undefined;
    }
    const hit = this.entries.get(p);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.ino === st.ino) return hit.value;
    const text = readSmallFile(p);
    if (text === undefined) return undefined;
    const value = parse(text);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(p, { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, value });
    return value;
  }

  delete(p: string): void {
    this.entries.delete(p);
  }

  clear(): void {
    this.entries.clear();
  }
}

function readWhole(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

const scratch = Buffer.allocUnsafe(64 * 1024);

/** readFileSync without the extra fstat (one shared scratch buffer); undefined when missing. */
export function readSmallFile(p: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(p, 'r');
  } catch {
    return undefined;
  }
  try {
    const r = fs.readSync(fd, scratch, 0, scratch.length, 0);
    if (r < scratch.length) return scratch.toString('utf8', 0, r);
    return readWhole(p);
  } catch {
    return undefined; // EISDIR
  } finally {
    fs.closeSync(fd);
  }
}
