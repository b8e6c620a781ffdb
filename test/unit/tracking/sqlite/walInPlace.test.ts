// applyWal(…, inPlace): the committed pages written into the caller's own buffer (what
// readSnapshot does with the bytes it just read), the same image as the copying fold.
import * as assert from 'node:assert/strict';
import { applyWal, loadSqlJs } from '../../../../src/tracking/sqlite/database';

/** A WAL holding every page of `image`, the last frame committing. */
function walOf(image: Uint8Array, pageSize: number): Uint8Array {
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

describe('SQLite WAL fold in place', () => {
  it('writes committed pages into the given buffer when the database does not grow, and copies when it does', async () => {
    const SQL = await loadSqlJs();
    const src = new SQL.Database();
    src.run("PRAGMA page_size = 512; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);");
    const base = src.export();
    src.run('UPDATE t SET x = x * 10');
    const changed = src.export();
    src.run("INSERT INTO t SELECT hex(randomblob(200)) FROM t, t AS u");
    const grown = src.export();
    src.close();
    assert.ok(grown.length > base.length && changed.length <= base.length);

    const copy = applyWal(base, walOf(changed, 512));
    const own = base.slice();
    const inPlace = applyWal(own, walOf(changed, 512), true);
    assert.equal(inPlace.buffer, own.buffer, 'no new buffer');
    assert.deepEqual(inPlace, copy);
    const db = new SQL.Database(inPlace);
    assert.deepEqual(db.exec('SELECT x FROM t ORDER BY x')[0].values, [[10], [20], [30]]);
    db.close();

    const own2 = base.slice();
    const bigger = applyWal(own2, walOf(grown, 512), true);
    assert.notEqual(bigger.buffer, own2.buffer);
    assert.deepEqual(bigger, applyWal(base, walOf(grown, 512)));
    assert.deepEqual(own2, base, 'a database that grows is copied, the input left alone');
  });
});
