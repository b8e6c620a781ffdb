// The extension's SQLite store (node:sqlite in the extension host) next to MLflow's own client on a
// copy of a real MLflow SQLite store: the same run edits leave the same rows, and a training loop
// logging through MLflow's client while the store renames, tags and reads the same run loses nothing
// on either side. The store copied is the one the MLflow under test wrote (MLflow 2.x cannot open a
// database migrated by 3.x): stores/v3/server for 3.x, stores/v2/server for 2.x.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { SqliteStore } from '../../src/tracking/sqlite';
import { copyStore, storePath, type Ver } from '../support/fixtures';
import { runState, sqliteRows } from '../support/sqliteRows';
import { waitFor } from '../vscode/helpers';
import { py, real } from './support/real';

const NOTE = 'mlflow.note.content';

type Op = ['set_tag', string, string] | ['delete_tag', string] | ['rename', string] | ['delete'] | ['restore'];

/** Made by the store here and by MLflow's client in test/e2e/python/run_edits.py. */
const EDITS: Op[] = [
  ['set_tag', 'team', 'a'],
  ['set_tag', 'team', 'b'],
  ['set_tag', NOTE, 'note'],
  ['rename', 'renamed ✓'],
  ['set_tag', 'gone', '1'],
  ['delete_tag', 'gone'],
  ['delete'],
  ['restore'],
  ['delete'],
];

async function apply(store: SqliteStore, runId: string, [op, ...args]: Op): Promise<void> {
  if (op === 'set_tag') await store.setRunTag(runId, args[0]!, args[1]!);
  else if (op === 'delete_tag') await store.deleteRunTag(runId, args[0]!);
  else if (op === 'rename') await store.renameRun(runId, args[0]!);
  else if (op === 'delete') await store.deleteRun(runId);
  else await store.restoreRun(runId);
}

describe('e2e: the SQLite store next to MLflow’s client on the same database', function () {
  this.timeout(300_000);
  const ver: Ver = real.major() >= 3 ? 'v3' : 'v2';
  const RUN = (JSON.parse(fs.readFileSync(storePath(ver, 'summary-server.json'), 'utf8')) as { runs: Record<string, { run_id: string }> }).runs['baseline-logreg'].run_id;
  const copies: { cleanup(): void }[] = [];
  const stores: SqliteStore[] = [];
  /** A fresh copy of stores/<ver>/server: its mlflow.db. */
  const fresh = (): string => {
    const c = copyStore(ver, 'server');
    copies.push(c);
    return path.join(c.dir, 'mlflow.db');
  };
  const open = async (file: string): Promise<SqliteStore> => {
    const s = await SqliteStore.open(file, { engine: 'node:sqlite' });
    stores.push(s);
    return s;
  };

  afterEach(() => {
    stores.splice(0).forEach((s) => s.dispose());
    copies.splice(0).forEach((c) => c.cleanup());
  });

  it(`the same run edits leave the same rows as MLflow's client (stores/${ver}/server)`, async () => {
    const ours = fresh();
    const theirs = fresh();
    const store = await open(ours);
    for (const e of EDITS) await apply(store, RUN, e);
    await py('run_edits.py', [`sqlite:///${theirs}`, RUN, JSON.stringify(EDITS)]);
    const state = runState(ours, RUN);
    assert.equal(state.name, 'renamed ✓');
    assert.equal(state.stage, 'deleted');
    assert.deepStrictEqual(state, runState(theirs, RUN));
    assert.deepStrictEqual(sqliteRows(ours, 'PRAGMA integrity_check'), [['ok']]);
  });

  it(`rollback journal: MLflow's client logs 500 steps while the store renames, tags and reads the run 500 times; nothing lost`, async () => {
    const N = 500;
    const file = fresh();
    assert.deepStrictEqual(sqliteRows(file, 'PRAGMA journal_mode'), [['delete']]);
    const store = await open(file);
    const steps = () => Number(sqliteRows(file, "SELECT count(*) FROM metrics WHERE run_uuid = ? AND key = 'conc'", [RUN])[0][0]);
    let writerDone = false;
    const writer = py('log_steps.py', [`sqlite:///${file}`, RUN, String(N)], {}, 240_000).finally(() => (writerDone = true));
    // start once the client writes (MLflow's import may still be under way), so both sides overlap
    await Promise.race([waitFor("the client's first step", () => steps() > 0, 120_000), writer]);
    assert.ok(!writerDone, 'the client was still writing when the store started');
    const seenSteps = new Set<number>();
    for (let i = 0; i < N; i++) {
      if (i % 2 === 0) await store.renameRun(RUN, `ext-name-${i}`);
      else await store.setRunTag(RUN, `ext.${i}`, String(i));
      const latest = (await store.getRun(RUN)).data.metrics.find((m) => m.key === 'conc');
      if (latest) seenSteps.add(latest.step);
    }
    await writer;
    assert.ok(seenSteps.size > 1, "the store's reads saw the client's commits while it wrote");
    const points = sqliteRows(file, "SELECT step FROM metrics WHERE run_uuid = ? AND key = 'conc' ORDER BY step", [RUN]).map((r) => Number(r[0]));
    assert.deepStrictEqual(points, Array.from({ length: N }, (_, i) => i));
    const tags = new Map(sqliteRows(file, 'SELECT key, value FROM tags WHERE run_uuid = ?', [RUN]).map((r) => [String(r[0]), String(r[1])]));
    for (let i = 0; i < N; i++) {
      assert.equal(tags.get(`writer.${i}`), String(i), `client tag ${i}`);
      if (i % 2 === 1) assert.equal(tags.get(`ext.${i}`), String(i), `store tag ${i}`);
    }
    const last = `ext-name-${N - 2}`;
    assert.equal(tags.get('mlflow.runName'), last);
    assert.deepStrictEqual(sqliteRows(file, 'SELECT name FROM runs WHERE run_uuid = ?', [RUN]), [[last]]);
    assert.equal((await store.getRun(RUN)).data.metrics.find((m) => m.key === 'conc')?.step, N - 1);
    assert.deepStrictEqual(sqliteRows(file, 'PRAGMA integrity_check'), [['ok']]);
  });
});
