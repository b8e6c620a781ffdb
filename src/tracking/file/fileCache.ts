// A parsed-file cache validated by (mtime, size, inode) from an fstat on the already open file, so
// a hit costs open+fstat+close and a miss costs no more than readFileSync.
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

  /** The parsed file, or undefined when it cannot be opened. `parse` may throw; nothing is cached then. */
  get(p: string, parse: (text: string) => T): T | undefined {
    let fd: number;
    try {
      fd = fs.openSync(p, 'r');
    } catch {
      this.entries.delete(p);
      return undefined;
    }
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return undefined;
      const hit = this.entries.get(p);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.ino === st.ino) return hit.value;
      const text = readAll(fd, st.size);
      const value = parse(text);
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(p, { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino, value });
      return value;
    } finally {
      fs.closeSync(fd);
    }
  }

  delete(p: string): void {
    this.entries.delete(p);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Reads an open file to its end (it may have grown since fstat). */
function readWhole(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

export function readAll(fd: number, sizeHint: number): string {
  let buf = Buffer.allocUnsafe(Math.max(sizeHint, 64) + 1);
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
    const r = fs.readSync(fd, buf, n, buf.length - n, null);
    if (r === 0) break;
    n += r;
  }
  return buf.toString('utf8', 0, n);
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
