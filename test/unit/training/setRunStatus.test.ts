// Mark as FAILED: the store write behind it, on copies of the real MLflow stores (file store in both
// versions; SQLite where node:sqlite exists). The rows match what MLflow's update_run_info writes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileStore } from '../../../src/tracking/file/fileStore';
import { SqliteStore } from '../../../src/tracking/sqlite';
import { nodeSqlite } from '../../../src/tracking/sqlite/nodeSqliteEngine';
import { copyStore, VERSIONS } from '../../support/fixtures';
import { sqliteRows } from '../../support/sqliteRows';

describe('training: setRunStatus (Mark as FAILED)', () => {
  for (const ver of VERSIONS) {
    it(`${ver} file store: meta.yaml status 4 and end_time, read back as FAILED`, async () => {
      const copy = copyStore(ver, 'mlruns');
      const store = new FileStore(copy.dir);
      try {
        const exps = (await store.searchExperiments({ maxResults: 100 })).items.map((e) => e.experimentId);
        const run = (await store.searchRuns({ experimentIds: exps, maxResults: 1000 })).items.find((r) => r.info.lifecycleStage === 'active');
        assert.ok(run);
        const end = Date.now();
        await store.setRunStatus(run.info.runId, 'FAILED', end);
        const again = await store.getRun(run.info.runId);
        assert.equal(again.info.status, 'FAILED');
        assert.equal(again.info.endTime, end);
        const meta = fs.readFileSync(path.join(copy.dir, run.info.experimentId, run.info.runId, 'meta.yaml'), 'utf8');
        assert.match(meta, /^status: 4$/m);
        assert.match(meta, new RegExp(`^end_time: ${end}$`, 'm'));
      } finally {
        store.dispose();
        copy.cleanup();
      }
    });
  }

  if (nodeSqlite())
    it('v3 SQLite store: runs.status FAILED and end_time', async () => {
      const copy = copyStore('v3', 'server');
      const file = path.join(copy.dir, 'mlflow.db');
      const store = await SqliteStore.open(file, { engine: 'node:sqlite' });
      try {
        const RUN = '96c4b9c30fed4b0f8eb24a6fbbb4f592';
        await store.setRunStatus(RUN, 'FAILED', 1234);
        assert.deepEqual(sqliteRows(file, 'SELECT status, end_time FROM runs WHERE run_uuid = ?', [RUN]), [['FAILED', 1234]]);
        assert.equal((await store.getRun(RUN)).info.status, 'FAILED');
      } finally {
        store.dispose();
        copy.cleanup();
      }
    });
});
