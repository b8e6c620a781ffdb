// applyWal(…, inPlace): the committed pages written into the caller's own buffer (what
// readSnapshot does with the bytes it just read), the same image as the copying fold.
import * as assert from 'node:assert/strict';
import { applyWal, loadSqlJs } from '../../../../src/tracking/sqlite/database';
import { walOf } from './walFile';


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
