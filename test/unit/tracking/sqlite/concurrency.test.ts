// A training process writes metrics and tags to a run (its own SQLite connection and locks, like
// MLflow's) while the extension's store reads the run and writes to it (rename, set tag) 500 times:
// no lost write on either side, never a torn read, no error, and PRAGMA integrity_check = ok after, in
// both journal modes MLflow databases use (rollback journal, WAL). The same with the real MLflow client
// as the writer: test/e2e/sqliteStore.test.ts. Needs node:sqlite.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { SqliteStore } from '../../../../src/tracking/sqlite';
import { nodeSqlite } from '../../../../src/tracking/sqlite/nodeSqliteEngine';
import { copyStore } from '../../../support/fixtures';
import { sqliteRows } from '../../../support/sqliteRows';

const RUN = '96c4b9c30fed4b0f8eb24a6fbbb4f592';
const N = 500;

// One transaction per step: the metric point, its latest_metrics row and the progress tag together
// (so a reader that sees one without the others has read a torn state).
const NODE_WRITER = `
const { DatabaseSync } = require('node:sqlite');
const [file, run, n] = process.argv.slice(1);
const db = new DatabaseSync(file);
db.exec('PRAGMA busy_timeout = 5000');
const put = (k, v) => { if (db.prepare('UPDATE tags SET value = ? WHERE run_uuid = ? AND key = ?').run(v, run, k).changes === 0) db.prepare('INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)').run(k, v, run); };
const pause = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; i < Number(n); i++) {
  db.exec('BEGIN IMMEDIATE');
  const t = Date.now();
  db.prepare('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)').run('conc', i / 10, t, run, i);
  db.prepare('INSERT OR REPLACE INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, 0, ?)').run('conc', i / 10, t, i, run);
  put('writer.' + i, String(i));
  put('writer.progress', String(i));
  db.exec('COMMIT');
  Atomics.wait(pause, 0, 0, 1);
}
db.close();
`;

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

// Registered only where node:sqlite exists: `npm test`'s node24 suite runs it under Node 24.
if (nodeSqlite()) describe('SqliteStore with a concurrent writer process', function () {
  this.timeout(180_000);

  const cases: { name: string; wal: boolean }[] = [
    { name: 'rollback journal, node:sqlite writer', wal: false },
    { name: 'WAL, node:sqlite writer', wal: true },
  ];
  for (const c of cases) {
    it(`${c.name}: ${N} reads and writes each side, nothing lost, nothing torn`, async () => {
      const copy = copyStore('v3', 'server');
      const file = path.join(copy.dir, 'mlflow.db');
      let store: SqliteStore | undefined;
      try {
        if (c.wal) sqliteRows(file, 'PRAGMA journal_mode = WAL');
        store = await SqliteStore.open(file, { engine: 'node:sqlite' });
        const child = spawn(process.execPath, ['-e', NODE_WRITER, file, RUN, String(N)], { stdio: ['ignore', 'ignore', 'pipe'] });
        const done = exited(child);
        let torn = 0;
        let seenWrites = 0;
        for (let i = 0; i < N; i++) {
          if (i % 2 === 0) await store.renameRun(RUN, `ext-name-${i}`);
          else await store.setRunTag(RUN, `ext.${i}`, String(i));
          const run = await store.getRun(RUN);
          const progress = run.data.tags.find((t) => t.key === 'writer.progress')?.value;
          const latest = run.data.metrics.find((m) => m.key === 'conc');
          if ((progress === undefined) !== (latest === undefined)) torn++;
          if (latest && progress !== undefined && String(latest.step) !== progress) torn++;
          if (latest) seenWrites++;
        }
        const { code, stderr } = await done;
        assert.equal(code, 0, `writer failed: ${stderr}`);
        assert.equal(torn, 0, 'reads saw half of a writer transaction');
        assert.ok(seenWrites > 0, "the store's reads saw the writer's commits while it ran");
        // nothing lost on either side
        const points = sqliteRows(file, "SELECT step FROM metrics WHERE run_uuid = ? AND key = 'conc' ORDER BY step", [RUN]).map((r) => Number(r[0]));
        assert.deepEqual(points, Array.from({ length: N }, (_, i) => i));
        const tags = new Map(sqliteRows(file, 'SELECT key, value FROM tags WHERE run_uuid = ?', [RUN]).map((r) => [String(r[0]), String(r[1])]));
        for (let i = 0; i < N; i++) {
          assert.equal(tags.get(`writer.${i}`), String(i), `writer tag ${i}`);
          if (i % 2 === 1) assert.equal(tags.get(`ext.${i}`), String(i), `extension tag ${i}`);
        }
        const last = `ext-name-${N - 2}`;
        assert.equal(tags.get('mlflow.runName'), last);
        assert.deepEqual(sqliteRows(file, 'SELECT name FROM runs WHERE run_uuid = ?', [RUN]), [[last]]);
        assert.equal((await store.getRun(RUN)).data.metrics.find((m) => m.key === 'conc')?.step, N - 1);
        assert.deepEqual(sqliteRows(file, 'PRAGMA integrity_check'), [['ok']]);
      } finally {
        store?.dispose();
        copy.cleanup();
      }
    });
  }
});

// The WASM engine (hosts without node:sqlite) takes no locks: it must notice each commit that lands
// during one of its reads and read again, never hand out half a transaction or an error. Its code is
// the same on every Node; the writer needs node:sqlite, so this runs where the one above does.
if (nodeSqlite()) describe('SqliteStore through sql.js (no file locks) with a concurrent writer process', function () {
  this.timeout(180_000);
  for (const wal of [false, true]) {
    it(`${wal ? 'WAL' : 'rollback journal'}: ${N} reads while the writer commits, none torn, no error, the last commit seen`, async () => {
      const copy = copyStore('v3', 'server');
      const file = path.join(copy.dir, 'mlflow.db');
      let store: SqliteStore | undefined;
      try {
        if (wal) sqliteRows(file, 'PRAGMA journal_mode = WAL');
        store = await SqliteStore.open(file, { engine: 'sql.js' });
        assert.equal(store.engine, 'sql.js');
        const child = spawn(process.execPath, ['-e', NODE_WRITER, file, RUN, String(N)], { stdio: ['ignore', 'ignore', 'pipe'] });
        const done = exited(child);
        let torn = 0;
        let seen = 0;
        for (let i = 0; i < N; i++) {
          const run = await store.getRun(RUN);
          const progress = run.data.tags.find((t) => t.key === 'writer.progress')?.value;
          const latest = run.data.metrics.find((m) => m.key === 'conc');
          if ((progress === undefined) !== (latest === undefined)) torn++;
          if (latest && progress !== undefined && String(latest.step) !== progress) torn++;
          if (latest) seen++;
        }
        const { code, stderr } = await done;
        assert.equal(code, 0, `writer failed: ${stderr}`);
        assert.equal(torn, 0, 'reads saw half of a writer transaction');
        assert.ok(seen > 0, "the store's reads saw the writer's commits while it ran");
        assert.equal((await store.getRun(RUN)).data.metrics.find((m) => m.key === 'conc')?.step, N - 1);
        assert.deepEqual(sqliteRows(file, 'PRAGMA integrity_check'), [['ok']]);
      } finally {
        store?.dispose();
        copy.cleanup();
      }
    });
  }
});
