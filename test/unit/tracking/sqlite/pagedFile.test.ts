// The page-level reader under the WASM engine (hosts without node:sqlite): what it serves is the image a
// SQLite reader would see (main file + committed WAL frames), a query reads only the pages it needs,
// and a write by another process during a read is noticed, never served as a torn answer.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteStore } from '../../../../src/tracking/sqlite';
import { applyWal, loadSqlJs } from '../../../../src/tracking/sqlite/database';
import { FileChanged, PagedFile } from '../../../../src/tracking/sqlite/pagedFile';
import { SqlJsEngine } from '../../../../src/tracking/sqlite/sqlJsEngine';
import { storePath } from '../../../support/fixtures';
import { walOf } from './walFile';

describe('SQLite page-level reader (WASM engine)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-paged-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function images(pageSize: number): Promise<{ base: Uint8Array; grown: Uint8Array }> {
    const SQL = await loadSqlJs();
    const src = new SQL.Database();
    src.run(`PRAGMA page_size = ${pageSize}; CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);`);
    const base = src.export();
    src.run('UPDATE t SET x = x * 10; INSERT INTO t SELECT hex(randomblob(200)) FROM t, t AS u');
    const grown = src.export();
    src.close();
    return { base, grown };
  }

  /** x.db (the base image) with a -wal of the grown one; what a reader must see. */
  async function walDatabase(pageSize: number): Promise<{ db: string; expected: Uint8Array }> {
    const { base, grown } = await images(pageSize);
    const db = path.join(tmp, 'x.db');
    fs.writeFileSync(db, base);
    const wal = walOf(grown, pageSize);
    fs.writeFileSync(db + '-wal', wal);
    return { db, expected: applyWal(base, wal) };
  }

  it('serves the main file plus the committed WAL frames, the same bytes as folding the WAL', async () => {
    const { db, expected } = await walDatabase(512);
    const file = PagedFile.open(db);
    try {
      assert.equal(file.size, expected.length);
      assert.deepEqual(Array.from(file.read(0, expected.length)), Array.from(expected));
      assert.deepEqual(Array.from(file.read(700, 1000)), Array.from(expected.subarray(700, 1700)), 'reads across page boundaries');
      assert.deepEqual(Array.from(file.read(expected.length - 10, 20)), [...expected.subarray(expected.length - 10), ...new Array(10).fill(0)]);
      // page by page, as SQLite reads: pages in the WAL and pages from the main file's cached blocks
      for (let at = 0; at < expected.length; at += 512) {
        assert.deepEqual(Array.from(file.read(at, 512)), Array.from(expected.subarray(at, at + 512)), `page at ${at}`);
      }
    } finally {
      file.close();
    }
    const engine = await SqlJsEngine.open(db, 'sqlite:///x.db');
    try {
      assert.deepEqual(engine.read(() => engine.all('SELECT x FROM t WHERE typeof(x) = ? ORDER BY x', ['integer'])), [[10], [20], [30]]);
    } finally {
      engine.close();
    }
  });

  it('pages larger than the reader\'s blocks (16 KB) are served whole, from the WAL and from the main file', async () => {
    const { db, expected } = await walDatabase(65536);
    const file = PagedFile.open(db);
    try {
      for (let at = 0; at < expected.length; at += 65536) {
        assert.deepEqual(Array.from(file.read(at, 65536)), Array.from(expected.subarray(at, at + 65536)), `page at ${at}`);
      }
      assert.deepEqual(Array.from(file.read(60000, 20000)), Array.from(expected.subarray(60000, 80000)), 'across a page boundary');
    } finally {
      file.close();
    }
  });

  it('a run looked up on a database of many pages reads a handful of them, not the file', async () => {
    const SQL = await loadSqlJs();
    const src = new SQL.Database();
    src.run('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO t SELECT i, hex(randomblob(100)) FROM n;');
    const db = path.join(tmp, 'big.db');
    fs.writeFileSync(db, src.export());
    src.close();
    const pages = fs.statSync(db).size / 4096;
    assert.ok(pages > 1000);
    const engine = await SqlJsEngine.open(db, 'sqlite:///big.db');
    try {
      const before = engine.file.reads;
      assert.equal(engine.read(() => engine.all('SELECT length(v) FROM t WHERE id = ?', [12345]))[0][0], 200);
      assert.ok(engine.file.reads - before < 10, `${engine.file.reads - before} reads`);
      assert.ok(engine.file.reads < 20, `${engine.file.reads} reads in all of ${pages} pages`);
      // a scan reads adjacent pages: the file is read in blocks of many pages, not a read(2) per page
      const [pagesBefore, fileReadsBefore] = [engine.file.reads, engine.file.fileReads];
      assert.equal(engine.read(() => engine.all('SELECT count(*), sum(length(v)) FROM t', []))[0][1], 20000 * 200);
      const served = engine.file.reads - pagesBefore;
      assert.ok(served > 1000, `${served} pages served`);
      assert.ok(engine.file.fileReads - fileReadsBefore < served / 3, `${engine.file.fileReads - fileReadsBefore} reads of the file for ${served} pages`);
    } finally {
      engine.close();
    }
  });

  it('notices a write by another process after open, and a rollback journal mid-commit', async () => {
    const db = path.join(tmp, 'mlflow.db');
    fs.copyFileSync(storePath('v3', 'server', 'mlflow.db'), db);
    const file = PagedFile.open(db);
    try {
      file.verify();
      const bytes = fs.readFileSync(db);
      bytes.writeUInt32BE(bytes.readUInt32BE(24) + 1, 24);
      fs.writeFileSync(db, bytes);
      assert.throws(() => file.verify(), FileChanged);
    } finally {
      file.close();
    }
    fs.writeFileSync(db + '-journal', Buffer.from('d9d505f920a163d7', 'hex'));
    assert.throws(() => PagedFile.open(db), FileChanged);
    fs.writeFileSync(db + '-journal', Buffer.alloc(28)); // PERSIST mode's committed journal: zeroed header
    PagedFile.open(db).close();
  });

  it('the store reopens and reads again when the file changed under a read', async () => {
    const db = path.join(tmp, 'mlflow.db');
    fs.copyFileSync(storePath('v3', 'server', 'mlflow.db'), db);
    const store = await SqliteStore.open(db, { engine: 'sql.js' });
    try {
      assert.equal((await store.getExperiment('2')).name, 'team-a/rf-sweep');
      const SQL = await loadSqlJs();
      const edit = new SQL.Database(fs.readFileSync(db));
      edit.run("UPDATE experiments SET name = 'renamed-outside' WHERE experiment_id = 2");
      const bytes = edit.export();
      edit.close();
      // same size, same mtime as the store last saw: only the header's change counter tells
      const st = fs.statSync(db);
      fs.writeFileSync(db, bytes);
      fs.utimesSync(db, st.atime, st.mtime);
      assert.equal(fs.statSync(db).size, st.size);
      assert.equal((await store.getExperiment('2')).name, 'renamed-outside');
    } finally {
      store.dispose();
    }
  });
});
