// A SQLite database file read page by page, as a reader in another process would see it at one moment:
// the main file plus the committed frames of its `-wal`, never written. It takes no file locks (the WASM
// engine cannot take POSIX locks), so instead of a lock it checks after each read that nothing wrote
// to the file meanwhile (verify()): a writer mid-commit (an active rollback journal), a new commit (the
// header's change counter), a checkpoint or a replaced file (the file's stat), a restarted WAL (its
// salts). A changed file makes verify() throw a SQLITE_BUSY-like error: the caller reopens and retries.
import * as fs from 'node:fs';
import { indexWal, type WalIndex } from './walFrames';

/** SQLITE_BUSY-like (errcode 5, so isBusy() retries): the file changed under a read or a writer is mid-commit. */
export class FileChanged extends Error {
  readonly errcode = 5;
  constructor(what: string) {
    super(`${what} (SQLITE_BUSY: read again)`);
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/** True while a rollback journal holds a transaction in progress (SQLite's own hot-journal test, minus the lock). */
export function journalActive(dbPath: string): boolean {
  const st = statOrUndefined(dbPath + '-journal');
  if (!st || st.size === 0) return false;
  let fd: number | undefined;
  try {
    fd = fs.openSync(dbPath + '-journal', 'r');
    const head = Buffer.alloc(8);
    const n = fs.readSync(fd, head, 0, 8, 0);
    // PERSIST mode leaves a journal whose header is zeroed once committed
    return n > 0 && head.subarray(0, n).some((b) => b !== 0);
  } catch {
    return false; // deleted between stat and open: committed
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function stamp(st: fs.Stats): string {
  return `${st.mtimeMs}:${st.size}:${st.ino}`;
}

/**
 * A read near a recent one (in the same aligned block or the one before: a scan of pages written
 * together) reads the whole block this large: one read(2) serves the pages around it. Other reads (a
 * B-tree descent, a lookup in a large file) read just their page.
 */
const BLOCK = 16 * 1024;
/** Blocks kept (SQLite keeps the pages it uses in its own cache; these only batch the reads). */
const MAX_BLOCKS = 64;
/** How many recent reads are remembered to recognise a scan (a join scans two or three parts of the file at once). */
const STREAMS = 8;

export class PagedFile {
  /** Reads served since open (SQLite's page reads), for benches and tests. */
  reads = 0;
  /** Reads of the files themselves (read(2) calls) since open. */
  fileReads = 0;
  private scratch = Buffer.alloc(65536 + 100);
  private readonly blocks = new Map<number, Buffer>();
  private readonly recentBlocks: number[] = [];
  private nextRecent = 0;
  private closed = false;

  private constructor(
    private readonly dbPath: string,
    private readonly fd: number,
    private readonly dbStamp: string,
    private readonly changeCounter: number,
    private readonly pageSize: number,
    private readonly fileSize: number,
    /** What a reader sees: the WAL's committed size, or the file's. */
    readonly size: number,
    private readonly walFd: number | undefined,
    private readonly wal: WalIndex | undefined,
    /** The -wal's stat when it was indexed ('-' when there was none). */
    private readonly walStamp: string,
  ) {}

  /** Opens the file as it is now; throws FileChanged while a writer is mid-commit, fs errors as they come. */
  static open(dbPath: string): PagedFile {
    if (journalActive(dbPath)) throw new FileChanged(`another process is writing ${dbPath}`);
    const fd = fs.openSync(dbPath, 'r');
    let walFd: number | undefined;
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw Object.assign(new Error(`${dbPath} is not a file`), { code: 'EISDIR' });
      const head = Buffer.alloc(100);
      const n = fs.readSync(fd, head, 0, 100, 0);
      const pageSizeField = n >= 18 ? head.readUInt16BE(16) : 0;
      let pageSize = pageSizeField === 1 ? 65536 : pageSizeField;
      const changeCounter = n >= 28 ? head.readUInt32BE(24) : 0;
      let wal: WalIndex | undefined;
      const walPath = dbPath + '-wal';
      const walSt = statOrUndefined(walPath);
      let walStamp = walSt ? stamp(walSt) : '-';
      if (walSt && walSt.size >= 32) {
        walFd = fs.openSync(walPath, 'r');
        const fdw = walFd;
        const indexed = fs.fstatSync(walFd);
        walStamp = stamp(indexed);
        wal = indexWal((p, l) => {
          const b = Buffer.allocUnsafe(l);
          return b.subarray(0, fs.readSync(fdw, b, 0, l, p));
        }, indexed.size);
        if (wal) pageSize = wal.pageSize;
        else {
          fs.closeSync(walFd);
          walFd = undefined;
        }
      }
      const size = wal ? wal.dbPages * pageSize : st.size;
      return new PagedFile(dbPath, fd, stamp(st), changeCounter, pageSize, st.size, size, walFd, wal, walStamp);
    } catch (e) {
      fs.closeSync(fd);
      if (walFd !== undefined) fs.closeSync(walFd);
      throw e;
    }
  }

  private buffer(length: number): Buffer {
    if (this.scratch.length < length) this.scratch = Buffer.alloc(Math.max(length, this.scratch.length * 2));
    return this.scratch;
  }

  /** Block `i` of the main file as it was at open (zeros past its end); the least recently used block is dropped. */
  private block(i: number): Buffer {
    let b = this.blocks.get(i);
    if (b) {
      this.blocks.delete(i);
      this.blocks.set(i, b);
      return b;
    }
    if (this.blocks.size >= MAX_BLOCKS) {
      const [oldest, reuse] = this.blocks.entries().next().value as [number, Buffer];
      this.blocks.delete(oldest);
      b = reuse;
    } else b = Buffer.allocUnsafe(BLOCK);
    const start = i * BLOCK;
    const want = Math.max(0, Math.min(BLOCK, this.fileSize - start));
    let n = 0;
    while (n < want) {
      this.fileReads++;
      const got = fs.readSync(this.fd, b, n, want - n, start + n);
      if (got === 0) break;
      n += got;
    }
    b.fill(0, n);
    this.blocks.set(i, b);
    return b;
  }

  /** True when the committed WAL holds an image of a page in [position, end). */
  private walHolds(position: number, end: number): boolean {
    if (!this.wal) return false;
    const ps = this.pageSize;
    for (let pg = Math.floor(position / ps) + 1; (pg - 1) * ps < end; pg++) if (this.wal.frames.has(pg)) return true;
    return false;
  }

  /**
   * `length` bytes from `position` as a reader sees them. The array is reused by later calls (the
   * caller copies it at once). Bytes past the end read as zeros.
   */
  read(position: number, length: number): Uint8Array {
    if (this.closed) throw new Error(`${this.dbPath} was closed`);
    this.reads++;
    const end = position + length;
    const first = Math.floor(position / BLOCK);
    const near = this.recentBlocks.includes(first) || this.recentBlocks.includes(first - 1);
    this.recentBlocks[this.nextRecent] = first;
    this.nextRecent = (this.nextRecent + 1) % STREAMS;
    // the usual read: one page, inside one block, not in the WAL, not the header's journal-mode bytes,
    // from a block read before or near a recent read
    if (Math.floor((end - 1) / BLOCK) === first && (position > 19 || end <= 18) && !this.walHolds(position, end) && (near || this.blocks.has(first))) {
      return this.block(first).subarray(position - first * BLOCK, end - first * BLOCK);
    }
    const out = this.buffer(length).subarray(0, length);
    const ps = this.wal ? this.pageSize : BLOCK;
    for (let at = position; at < end; ) {
      // within one page (one WAL frame or none) and one block
      const pieceEnd = Math.min(end, (Math.floor(at / ps) + 1) * ps, (Math.floor(at / BLOCK) + 1) * BLOCK);
      const frame = this.wal?.frames.get(Math.floor(at / ps) + 1);
      const dst = at - position;
      if (frame !== undefined) {
        this.fileReads++;
        const n = fs.readSync(this.walFd!, out, dst, pieceEnd - at, frame + (at % ps));
        if (n < pieceEnd - at) out.fill(0, dst + n, dst + pieceEnd - at);
      } else if (this.blocks.has(Math.floor(at / BLOCK))) {
        const bi = Math.floor(at / BLOCK);
        out.set(this.block(bi).subarray(at - bi * BLOCK, pieceEnd - bi * BLOCK), dst);
      } else {
        const want = Math.max(0, Math.min(pieceEnd, this.fileSize) - at);
        let n = 0;
        while (n < want) {
          this.fileReads++;
          const got = fs.readSync(this.fd, out, dst + n, want - n, at + n);
          if (got === 0) break;
          n += got;
        }
        out.fill(0, dst + n, dst + pieceEnd - at);
      }
      at = pieceEnd;
    }
    // the copy handed to SQLite says "rollback journal": it must not look for a -wal of its own, the
    // committed WAL frames are already in what it reads
    for (const i of [18, 19]) if (position <= i && i < end && out[i - position] === 2) out[i - position] = 1;
    return out;
  }

  /** Throws FileChanged when anything wrote to the database since open (see the file's comment). */
  verify(): void {
    const now = statOrUndefined(this.dbPath);
    if (!now || stamp(now) !== this.dbStamp || stamp(fs.fstatSync(this.fd)) !== this.dbStamp) throw new FileChanged(`${this.dbPath} changed while it was read`);
    if (journalActive(this.dbPath)) throw new FileChanged(`another process is writing ${this.dbPath}`);
    const head = Buffer.alloc(8);
    if (fs.readSync(this.fd, head, 0, 4, 24) === 4 && head.readUInt32BE(0) !== this.changeCounter) throw new FileChanged(`${this.dbPath} changed while it was read`);
    if (this.wal) {
      const n = fs.readSync(this.walFd!, head, 0, 8, 16);
      if (n < 8 || head.readUInt32BE(0) !== this.wal.salt1 || head.readUInt32BE(4) !== this.wal.salt2) throw new FileChanged(`${this.dbPath}-wal was checkpointed while it was read`);
    }
  }

  /**
   * True when a reader opening the file now would see exactly what this one serves, checked the way
   * SQLite checks its page cache before reusing it: the main file's change counter (and its stat), no
   * writer mid-commit, and the same WAL: the same salts and not one frame more or less (its stat: a
   * WAL only grows until a checkpoint restarts it with new salts). Stricter than verify(), which lets
   * a snapshot stay valid while a writer appends to the WAL.
   */
  unchanged(): boolean {
    if (this.closed) return false;
    try {
      this.verify();
    } catch {
      return false;
    }
    const walSt = statOrUndefined(this.dbPath + '-wal');
    if ((walSt ? stamp(walSt) : '-') !== this.walStamp) return false;
    return this.walFd === undefined || stamp(fs.fstatSync(this.walFd)) === this.walStamp;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.blocks.clear();
    fs.closeSync(this.fd);
    if (this.walFd !== undefined) fs.closeSync(this.walFd);
  }
}
