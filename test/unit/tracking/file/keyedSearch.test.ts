// Filters on metrics, params and tags read only those keys' files, key first (see
// FileStore.searchKeyFirst): the runs found must be exactly those a full read of every run, then
// the filter and the order, finds — on a store with the awkward cases: a key that is a folder of
// keys, nested keys, latest values out of file order, missing and empty files, deleted runs, a
// run folder without a usable meta.yaml, NaN and ±inf values.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileStore } from '../../../../src/tracking/file';
import { compileRunFilter, compileRunOrderBy } from '../../../../src/tracking/search';
import type { Run } from '../../../../src/tracking/types';

const EXP = '42';

interface RunSpec {
  id: string;
  stage?: 'active' | 'deleted';
  start: number;
  metrics?: Record<string, string>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  meta?: string;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function makeStore(root: string, runs: RunSpec[]): void {
  write(path.join(root, '0', 'meta.yaml'), `artifact_location: file://${root}/0\ncreation_time: 1\nexperiment_id: '0'\nlast_update_time: 1\nlifecycle_stage: active\nname: Default\n`);
  write(path.join(root, EXP, 'meta.yaml'), `artifact_location: file://${root}/${EXP}\ncreation_time: 1\nexperiment_id: '${EXP}'\nlast_update_time: 1\nlifecycle_stage: active\nname: keyed\n`);
  for (const r of runs) {
    const dir = path.join(root, EXP, r.id);
    for (const d of ['metrics', 'params', 'tags', 'artifacts']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    write(
      path.join(dir, 'meta.yaml'),
      r.meta ??
        `artifact_uri: file://${dir}/artifacts\nend_time: null\nentry_point_name: ''\nexperiment_id: '${EXP}'\nlifecycle_stage: ${r.stage ?? 'active'}\nrun_id: ${r.id}\nrun_name: run-${r.id.slice(0, 4)}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: ${r.start}\nstatus: 3\ntags: []\nuser_id: u\n`,
    );
    for (const [part, kv] of [['metrics', r.metrics], ['params', r.params], ['tags', r.tags]] as const) {
      for (const [k, v] of Object.entries(kv ?? {})) write(path.join(dir, part, ...k.split('/')), v);
    }
  }
}

const id = (n: number) => n.toString(16).padStart(32, 'a');

const RUNS: RunSpec[] = [
  { id: id(1), start: 10, metrics: { val_loss: '1 0.3 0\n' }, params: { optimizer: 'adam' }, tags: { team: 'nlp' } },
  { id: id(2), start: 20, metrics: { val_loss: '1 0.2 0\n' }, params: { optimizer: 'sgd' } },
  // latest by step, not by line: 0.9 at step 5 wins over 0.1 at step 1
  { id: id(3), start: 30, metrics: { val_loss: '5 0.9 5\n9 0.1 1\n' }, params: { optimizer: 'adam' } },
  // val_loss is a folder of keys here: no `val_loss` key
  { id: id(4), start: 40, metrics: { 'val_loss/x': '1 0.1 0\n', 'a/b': '1 2 0\n' }, params: { optimizer: 'adam' } },
  { id: id(5), start: 50, stage: 'deleted', metrics: { val_loss: '1 0.1 0\n' }, params: { optimizer: 'adam' } },
  { id: id(6), start: 60, metrics: { val_loss: '1 0.4 0\n' }, params: { optimizer: 'adam' }, meta: 'start_time: 1\n' },
  { id: id(7), start: 70, params: { optimizer: 'adam' } },
  { id: id(8), start: 80, metrics: { val_loss: '' }, params: { optimizer: 'adam' } },
  { id: id(9), start: 90, metrics: { val_loss: '1 nan 0\n' }, params: { optimizer: 'adam' }, tags: { team: 'nlp' } },
  { id: id(10), start: 100, metrics: { val_loss: '1 -inf 0\n', 'a/b': '1 -1 0\n' }, params: { optimizer: 'adam ' }, tags: { team: 'vision' } },
  { id: id(11), start: 110, metrics: { val_loss: '1 0.3 0\nbad line\n' }, params: { optimizer: 'adam' }, tags: { 'mlflow.runName': 'tagged' } },
];

const QUERIES: [string, string[]][] = [
  ["metrics.val_loss < 0.5 and params.optimizer = 'adam'", ['metrics.val_loss ASC']],
  ["params.optimizer = 'adam' and metrics.val_loss < 0.5", ['metrics.val_loss DESC']],
  ['metrics.val_loss != 0.3', []],
  ['metrics.`a/b` > 0', []],
  ['metrics.`val_loss/x` < 1', ['params.optimizer']],
  ["tags.team LIKE 'n%' and metrics.val_loss <= 0.3", ['tags.team DESC', 'metrics.val_loss']],
  ["params.optimizer ILIKE 'ADAM%'", ['metrics.`a/b` ASC']],
  ["metrics.val_loss < 1 and metrics.val_loss > 0.15", ['metrics.val_loss']],
  ["tags.`mlflow.runName` = 'tagged'", []],
];

describe('file store: filters read only the filtered keys', () => {
  let root: string;
  let store: FileStore;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'keyed-search-'));
    makeStore(root, RUNS);
    store = new FileStore(root);
  });
  after(() => {
    store.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function everything(view: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'): Promise<Run[]> {
    return (await new FileStore(root).searchRuns({ experimentIds: [EXP], maxResults: 1000, runViewType: view })).items;
  }

  for (const view of ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const) {
    for (const [filter, orderBy] of QUERIES) {
      it(`${view}: ${filter} ${orderBy.join(', ')}`, async () => {
        const pred = compileRunFilter(filter);
        const cmp = compileRunOrderBy(orderBy);
        const want = (await everything(view)).filter(pred).sort(cmp);
        const got = (await new FileStore(root).searchRuns({ experimentIds: [EXP], filter, orderBy, maxResults: 1000, runViewType: view })).items;
        assert.deepEqual(
          got.map((r) => r.info.runId),
          want.map((r) => r.info.runId),
        );
        // the returned runs are complete, not the keys the filter read
        assert.deepEqual(got, want);
      });
    }
  }

  it('finds the expected runs (not just the same as the full read)', async () => {
    const got = await store.searchRuns({ experimentIds: [EXP], filter: "metrics.val_loss < 0.5 and params.optimizer = 'adam'", orderBy: ['metrics.val_loss ASC'] });
    assert.deepEqual(
      got.items.map((r) => r.info.runId),
      [id(11), id(1)],
    );
    assert.equal(got.items[0].data.tags.find((t) => t.key === 'mlflow.runName')?.value, 'tagged');
    assert.equal(got.items[1].data.tags.find((t) => t.key === 'team')?.value, 'nlp');
  });
});
