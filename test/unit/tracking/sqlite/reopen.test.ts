// Opening a store again on the same file (an idle engine is reused when the file is unchanged: see
// enginePool.ts) always reads what is in the file now, and a first page ordered by a time column
// (only the runs that can be on it are sorted) is the page the full sort gives, ties and runs
// without a time included.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SqliteStore } from '../../../../src/tracking/sqlite';
import { availableEngines, loadSqlJs } from '../../../../src/tracking/sqlite/database';
import { storePath } from '../../../support/fixtures';
import { walOf } from './walFile';

async function edited(db: string, sql: string): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const edit = new SQL.Database(fs.readFileSync(db));
  edit.run(sql);
  const bytes = edit.export();
  edit.close();
  return bytes;
}

async function experimentName(db: string, engine: 'node:sqlite' | 'sql.js'): Promise<string> {
  const store = await SqliteStore.open(db, { engine });
  try {
    return (await store.getExperiment('2')).name;
  } finally {
    store.dispose();
  }
}

describe('SqliteStore opened again on the same file', () => {
  let tmp: string;
  let db: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-reopen-'));
    db = path.join(tmp, 'mlflow.db');
    fs.copyFileSync(storePath('v3', 'server', 'mlflow.db'), db);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const engine of availableEngines()) {
    it(`${engine}: sees a commit made between two stores, even one that kept the file's size and mtime`, async () => {
      assert.equal(await experimentName(db, engine), 'team-a/rf-sweep');
      const st = fs.statSync(db);
      fs.writeFileSync(db, await edited(db, "UPDATE experiments SET name = 'renamed-outside' WHERE experiment_id = 2"));
      fs.utimesSync(db, st.atime, st.mtime);
      assert.equal(fs.statSync(db).size, st.size);
      assert.equal(await experimentName(db, engine), 'renamed-outside');
    });

    it(`${engine}: reads a file that replaced the one a closed store had open`, async () => {
      assert.equal(await experimentName(db, engine), 'team-a/rf-sweep');
      const next = path.join(tmp, 'next.db');
      fs.writeFileSync(next, await edited(db, "UPDATE experiments SET name = 'the-new-file' WHERE experiment_id = 2"));
      fs.renameSync(next, db);
      assert.equal(await experimentName(db, engine), 'the-new-file');
    });
  }

  it('sql.js: sees commits appended to the -wal between two stores (the main file untouched)', async () => {
    const SQL = await loadSqlJs();
    const image = (sql: string) => {
      const d = new SQL.Database(fs.readFileSync(storePath('v3', 'server', 'mlflow.db')));
      d.run(sql);
      const bytes = d.export();
      d.close();
      return bytes;
    };
    const pageSize = fs.readFileSync(db).readUInt16BE(16);
    fs.writeFileSync(db + '-wal', walOf(image("UPDATE experiments SET name = 'first-commit' WHERE experiment_id = 2"), pageSize));
    assert.equal(await experimentName(db, 'sql.js'), 'first-commit');
    // a longer log with the same salts: what a writer appending a commit (that grew the database) leaves
    const second = image("UPDATE experiments SET name = 'second-commit' WHERE experiment_id = 2; CREATE TABLE pad(x); INSERT INTO pad VALUES (randomblob(20000));");
    fs.writeFileSync(db + '-wal', walOf(second, pageSize));
    assert.equal(await experimentName(db, 'sql.js'), 'second-commit');
  });

  for (const engine of availableEngines()) {
    it(`${engine}: pages ordered by start or end time match the full sort (ties, runs without a time, both directions)`, async () => {
      // 14 more runs in experiment 2: equal start times, missing ones, and end times alike
      const starts = [5, 5, 5, 3, 3, null, null, 9, 1, 1, 7, 5, null, 9];
      const values = starts
        .map((s, i) => {
          const id = `feed${String(i).padStart(28, '0')}`;
          const end = i % 3 === 0 ? 'NULL' : String(100 + (i % 4));
          return `('${id}', 'r${i}', 'LOCAL', '', '', 'u', 'FINISHED', ${s ?? 'NULL'}, ${end}, '', 'active', '/a', 2)`;
        })
        .join(', ');
      fs.writeFileSync(
        db,
        await edited(db, `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time, end_time, source_version, lifecycle_stage, artifact_uri, experiment_id) VALUES ${values}`),
      );
      const store = await SqliteStore.open(db, { engine });
      try {
        for (const orderBy of [[], ['attributes.start_time DESC'], ['attributes.start_time ASC'], ['attributes.end_time DESC', 'attributes.run_name ASC'], ['end_time ASC']]) {
          const all = (await store.searchRuns({ experimentIds: ['2'], orderBy, maxResults: 50000 })).items.map((r) => r.info.runId);
          assert.ok(all.length >= 14);
          for (const size of [1, 2, 5]) {
            const paged: string[] = [];
            let pageToken: string | undefined;
            do {
              const p = await store.searchRuns({ experimentIds: ['2'], orderBy, maxResults: size, pageToken });
              paged.push(...p.items.map((r) => r.info.runId));
              pageToken = p.nextPageToken;
            } while (pageToken);
            assert.deepEqual(paged, all, `${orderBy.join(', ') || 'default order'}, pages of ${size}`);
          }
        }
      } finally {
        store.dispose();
      }
      // a start time that is no number at all (a blob): SQLite's own sort decides
      fs.writeFileSync(db, await edited(db, "UPDATE runs SET start_time = x'01' WHERE run_uuid = 'feed0000000000000000000000000003'"));
      const again = await SqliteStore.open(db, { engine });
      try {
        const all = (await again.searchRuns({ experimentIds: ['2'], orderBy: ['start_time ASC'], maxResults: 50000 })).items.map((r) => r.info.runId);
        const first = (await again.searchRuns({ experimentIds: ['2'], orderBy: ['start_time ASC'], maxResults: 3 })).items.map((r) => r.info.runId);
        assert.deepEqual(first, all.slice(0, 3));
        assert.ok(all.includes('feed0000000000000000000000000003'));
      } finally {
        again.dispose();
      }
    });
  }
});
