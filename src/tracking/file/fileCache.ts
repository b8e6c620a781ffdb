// A parsed-file cache validated by (mtime, size, inode) from one stat() call: a hit costs a single
// syscall, a first read open/fstat/read/close.
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
    const hit = this.entries.get(p);
    if (hit) {
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
      if (hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.ino === st.ino) return hit.value;
    }
    // a miss: open, fstat, read, close (the stamp comes from the descriptor that is read, which
    // saves the path walk of a separate stat on a cold store's thousands of files)
    const r = readStamped(p);
    if (r === undefined) {
      this.entries.delete(p);
      return undefined;
    }
    const value = parse(r.text);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(p, { mtimeMs: r.st.mtimeMs, size: r.st.size, ino: r.st.ino, value });
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

/** Never blocks on a FIFO or device put where a file was expected (no effect on regular files). */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** A regular file's text and the fstat of the descriptor it was read from; undefined when missing or not a file. */
function readStamped(p: string): { text: string; st: fs.Stats } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(p, OPEN_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return undefined;
    const r = fs.readSync(fd, scratch, 0, scratch.length, 0);
    if (r < scratch.length) return { text: scratch.toString('utf8', 0, r), st };
    // positional reads leave the descriptor at 0: read the whole file from it
    return { text: fs.readFileSync(fd, 'utf8'), st };
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

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
