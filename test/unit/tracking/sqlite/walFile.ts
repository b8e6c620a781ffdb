// Builds SQLite write-ahead-log files for tests (sql.js cannot make a WAL-mode database).

/** A WAL holding every page of `image`, the last frame committing. */
export function walOf(image: Uint8Array, pageSize: number): Uint8Array {
  const pages = image.length / pageSize;
  const wal = new Uint8Array(32 + pages * (24 + pageSize));
  const dv = new DataView(wal.buffer);
  dv.setUint32(0, 0x377f0682);
  dv.setUint32(4, 3007000);
  dv.setUint32(8, pageSize);
  dv.setUint32(16, 0x1234);
  dv.setUint32(20, 0x5678);
  const cks = (start: number, end: number, s: [number, number]): [number, number] => {
    let [a, b] = s;
    for (let i = start; i < end; i += 8) {
      a = (a + dv.getUint32(i, true) + b) >>> 0;
      b = (b + dv.getUint32(i + 4, true) + a) >>> 0;
    }
    return [a, b];
  };
  let ck = cks(0, 24, [0, 0]);
  dv.setUint32(24, ck[0]);
  dv.setUint32(28, ck[1]);
  for (let p = 0; p < pages; p++) {
    const off = 32 + p * (24 + pageSize);
    dv.setUint32(off, p + 1);
    dv.setUint32(off + 4, p === pages - 1 ? pages : 0);
    dv.setUint32(off + 8, 0x1234);
    dv.setUint32(off + 12, 0x5678);
    wal.set(image.subarray(p * pageSize, (p + 1) * pageSize), off + 24);
    ck = cks(off, off + 8, ck);
    ck = cks(off + 24, off + 24 + pageSize, ck);
    dv.setUint32(off + 16, ck[0]);
    dv.setUint32(off + 20, ck[1]);
  }
  return wal;
}
