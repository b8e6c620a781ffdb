// SQLite's write-ahead log read without SQLite: which frames hold the committed version of each page.
// The WAL's checksums chain over every frame, so the whole log is read once (in slices), but only the
// page → frame-offset map is kept.

/** Committed pages of a WAL: where each page's latest committed image starts in the WAL file. */
export interface WalIndex {
  pageSize: number;
  /** Page number (1-based) → byte offset of its image in the WAL file. */
  frames: Map<number, number>;
  /** Database size in pages after the last committed transaction. */
  dbPages: number;
  /** The header's salts: a checkpoint that restarts the log changes them. */
  salt1: number;
  salt2: number;
}

const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;

function checksum(dv: DataView, start: number, end: number, bigEndian: boolean, s: [number, number]): [number, number] {
  let s1 = s[0];
  let s2 = s[1];
  for (let i = start; i < end; i += 8) {
    s1 = (s1 + dv.getUint32(i, !bigEndian) + s2) >>> 0;
    s2 = (s2 + dv.getUint32(i + 4, !bigEndian) + s1) >>> 0;
  }
  return [s1, s2];
}

/**
 * Indexes the committed frames of a WAL of `size` bytes, read through `read(position, length)` (which
 * may return fewer bytes at the end). Undefined when there is no valid header or no committed frame.
 */
export function indexWal(read: (position: number, length: number) => Uint8Array, size: number): WalIndex | undefined {
  if (size < 32) return undefined;
  const head = read(0, 32);
  if (head.length < 32) return undefined;
  const hv = new DataView(head.buffer, head.byteOffset, 32);
  const magic = hv.getUint32(0);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return undefined;
  const bigEndian = magic === WAL_MAGIC_BE;
  const pageSize = hv.getUint32(8) === 1 ? 65536 : hv.getUint32(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  const salt1 = hv.getUint32(16);
  const salt2 = hv.getUint32(20);
  let ck = checksum(hv, 0, 24, bigEndian, [0, 0]);
  if (ck[0] !== hv.getUint32(24) || ck[1] !== hv.getUint32(28)) return undefined;
  const frameSize = 24 + pageSize;
  const perSlice = Math.max(1, Math.floor((1 << 20) / frameSize));
  const frames = new Map<number, number>();
  let pending = new Map<number, number>();
  let dbPages = 0;
  let off = 32;
  scan: while (off + frameSize <= size) {
    const n = Math.min(perSlice, Math.floor((size - off) / frameSize));
    const slice = read(off, n * frameSize);
    const dv = new DataView(slice.buffer, slice.byteOffset, slice.byteLength);
    for (let f = 0; f < n; f++, off += frameSize) {
      const at = f * frameSize;
      if (at + frameSize > slice.length) break scan;
      if (dv.getUint32(at + 8) !== salt1 || dv.getUint32(at + 12) !== salt2) break scan;
      ck = checksum(dv, at, at + 8, bigEndian, ck);
      ck = checksum(dv, at + 24, at + frameSize, bigEndian, ck);
      if (ck[0] !== dv.getUint32(at + 16) || ck[1] !== dv.getUint32(at + 20)) break scan;
      pending.set(dv.getUint32(at), off + 24);
      const commitSize = dv.getUint32(at + 4);
      if (commitSize !== 0) {
        for (const [pg, o] of pending) frames.set(pg, o);
        pending = new Map();
        dbPages = commitSize;
      }
    }
  }
  return frames.size === 0 ? undefined : { pageSize, frames, dbPages, salt1, salt2 };
}

/**
 * The database image a reader would see: `db` plus every committed transaction in `wal` (tests build
 * images this way to compare with what the page-level reader serves).
 */
export function applyWal(db: Uint8Array, wal: Uint8Array): Uint8Array {
  const index = indexWal((p, l) => wal.subarray(p, p + l), wal.length);
  if (!index) return db;
  const { pageSize, dbPages } = index;
  const out = new Uint8Array(dbPages * pageSize);
  out.set(db.subarray(0, Math.min(db.length, out.length)));
  for (const [pg, o] of index.frames) if (pg <= dbPages) out.set(wal.subarray(o, o + pageSize), (pg - 1) * pageSize);
  return out;
}
