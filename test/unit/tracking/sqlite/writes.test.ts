// Run edits on a copy of the real MLflow 3.6 SQLite store through node:sqlite: the rows they leave
// are the ones MLflow's SQLAlchemy store leaves (the same edits by the real MLflow client are compared
// row for row in test/e2e/sqliteStore.test.ts). Needs node:sqlite (Node 22.13+; `npm test` runs this
// file under code-server's Node 24 too).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { isTrackingError } from '../../../../src/tracking/errors';
import { SqliteStore } from '../../../../src/tracking/sqlite';
import { nodeSqlite } from '../../../../src/tracking/sqlite/nodeSqliteEngine';
import { copyStore } from '../../../support/fixtures';
import { runState, sqliteRows } from '../../../support/sqliteRows';

const RUN = '96c4b9c30fed4b0f8eb24a6fbbb4f592'; // baseline-logreg, experiment 1
const NOTE = 'mlflow.note.content';

// Registered only where node:sqlite exists: `npm test`'s node24 suite runs it under Node 24.
if (nodeSqlite()) describe('SqliteStore writes through node:sqlite (v3 store copy)', function () {
  let copy: { root: string; dir: string; cleanup(): void };
  let file: string;
  let store: SqliteStore;
  beforeEach(async () => {
    copy = copyStore('v3', 'server');
    file = path.join(copy.dir, 'mlflow.db');
    store = await SqliteStore.open(file, { engine: 'node:sqlite' });
  });
  afterEach(() => {
    store?.dispose();
    copy?.cleanup();
  });

  it('delete sets lifecycle_stage and deleted_time; restore clears both; listings follow', async () => {
    const before = Date.now();
    await store.deleteRun(RUN);
    const [d] = sqliteRows(file, 'SELECT lifecycle_stage, deleted_time FROM runs WHERE run_uuid = ?', [RUN]);
    assert.equal(d[0], 'deleted');
    assert.ok(Number(d[1]) >= before && Number(d[1]) <= Date.now());
    assert.ok(!(await store.searchRuns({ experimentIds: ['1'] })).items.some((r) => r.info.runId === RUN));
    assert.equal((await store.getRun(RUN)).info.lifecycleStage, 'deleted');
    await store.restoreRun(RUN);
    assert.deepEqual(sqliteRows(file, 'SELECT lifecycle_stage, deleted_time FROM runs WHERE run_uuid = ?', [RUN]), [['active', null]]);
    assert.ok((await store.searchRuns({ experimentIds: ['1'] })).items.some((r) => r.info.runId === RUN));
  });

  it('rename updates runs.name and the mlflow.runName tag in place', async () => {
    const tagsBefore = runState(file, RUN).tags;
    await store.renameRun(RUN, 'renamed ✓');
    const s = runState(file, RUN);
    assert.equal(s.name, 'renamed ✓');
    assert.deepEqual(s.tags, tagsBefore.map((t) => (t.startsWith('mlflow.runName=') ? 'mlflow.runName=renamed ✓' : t)));
    assert.equal((await store.getRun(RUN)).info.runName, 'renamed ✓');
  });

  it('set tag adds or replaces, the note is a tag, delete tag removes; mlflow.runName as a tag renames', async () => {
    await store.setRunTag(RUN, 'team', 'a');
    await store.setRunTag(RUN, 'team', 'b');
    await store.setRunTag(RUN, NOTE, '# Note\nwith *markdown*');
    await store.setRunTag(RUN, 'mlflow.runName', 'via-tag');
    let run = await store.getRun(RUN);
    const tag = (k: string) => run.data.tags.find((t) => t.key === k)?.value;
    assert.equal(tag('team'), 'b');
    assert.equal(tag(NOTE), '# Note\nwith *markdown*');
    assert.equal(run.info.runName, 'via-tag');
    await store.deleteRunTag(RUN, 'team');
    run = await store.getRun(RUN);
    assert.equal(tag('team'), undefined);
    await assert.rejects(store.deleteRunTag(RUN, 'team'), (e: unknown) => isTrackingError(e, 'notFound') && /No tag with name: team/.test(e.message));
  });

  it('refuses what MLflow refuses: unknown run, edits of a deleted run, bad keys, long values', async () => {
    await assert.rejects(store.deleteRun('0'.repeat(32)), (e: unknown) => isTrackingError(e, 'notFound'));
    await store.deleteRun(RUN);
    await assert.rejects(store.setRunTag(RUN, 'k', 'v'), (e: unknown) => isTrackingError(e, 'invalidRequest') && /must be in the 'active' state/.test(e.message));
    await assert.rejects(store.renameRun(RUN, 'x'), (e: unknown) => isTrackingError(e, 'invalidRequest'));
    await store.restoreRun(RUN);
    await assert.rejects(store.setRunTag(RUN, '../x', 'v'), (e: unknown) => isTrackingError(e, 'invalidRequest'));
    await assert.rejects(store.setRunTag(RUN, 'k', 'v'.repeat(8001)), (e: unknown) => isTrackingError(e, 'invalidRequest'));
    await assert.rejects(store.renameRun(RUN, '  '), (e: unknown) => isTrackingError(e, 'invalidRequest'));
    assert.deepEqual(sqliteRows(file, 'PRAGMA integrity_check'), [['ok']]);
  });

  it('capabilities say writes are possible', async () => {
    assert.equal((await store.capabilities()).writes, true);
  });
});
