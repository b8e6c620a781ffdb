import * as assert from 'node:assert/strict';
import { locateModel, parseModelUri } from '../../../src/models/modelLocation';
import { compileModelVersionFilter } from '../../../src/tracking/search';
import type { LoggedModel, ModelVersion, Run, TrackingStore } from '../../../src/tracking/types';

const MID = 'm-e63fa0d1605b40e0a469868bb3b015ca';
const RUN_ID = '85c2cd0244ac4908817c29c853d5c0eb';

function version(v: Partial<ModelVersion>): ModelVersion {
  return { name: 'iris', version: '1', currentStage: 'None', source: '', status: 'READY', tags: [], aliases: [], ...v };
}
function loggedModel(id: string, name: string): LoggedModel {
  return { info: { modelId: id, experimentId: '1', name, artifactUri: `file:///s/1/models/${id}/artifacts`, status: 'LOGGED_MODEL_READY', tags: [], sourceRunId: RUN_ID }, data: { params: [], metrics: [] } };
}
function run(over: Partial<Run['outputs']> = {}): Run {
  return {
    info: { runId: RUN_ID, experimentId: '1', runName: 'r', userId: 'u', status: 'FINISHED', artifactUri: `file:///s/1/${RUN_ID}/artifacts`, lifecycleStage: 'active' },
    data: { metrics: [], params: [], tags: [] },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [], ...over },
  };
}

const store = {
  getLoggedModel: async (id: string) => loggedModel(id, 'model'),
  getModelVersion: async (name: string, v: string) => version({ name, version: v, source: `models:/${MID}`, modelId: MID }),
  getModelVersionByAlias: async (name: string) => version({ name, version: '2', source: `runs:/${RUN_ID}/model`, runId: RUN_ID }),
  searchModelVersions: async () => ({ items: [version({ version: '1', source: `models:/${MID}` }), version({ version: '3', currentStage: 'Production', source: `runs:/${RUN_ID}/sk`, runId: RUN_ID })] }),
  getRun: async () => run({ modelOutputs: [{ modelId: MID, step: 0 }] }),
  listArtifacts: async (_o: unknown, p?: string) => (p === 'old' ? [{ path: 'old/MLmodel', isDir: false }] : []),
  searchLoggedModels: async () => ({ items: [] }),
} as unknown as TrackingStore;

describe('models/modelLocation', () => {
  it('parses every model URI scheme (runs:/, models:/ by version, stage, latest, alias and model id, local paths)', () => {
    assert.deepEqual(parseModelUri(`models:/${MID}`), { kind: 'loggedModel', modelId: MID });
    assert.deepEqual(parseModelUri('models:/iris-classifier/2'), { kind: 'version', name: 'iris-classifier', version: '2' });
    assert.deepEqual(parseModelUri('models:/iris-classifier@champion'), { kind: 'alias', name: 'iris-classifier', alias: 'champion' });
    assert.deepEqual(parseModelUri('models:/iris/latest'), { kind: 'latest', name: 'iris' });
    assert.deepEqual(parseModelUri('models:/iris/Production'), { kind: 'latest', name: 'iris', stage: 'Production' });
    assert.deepEqual(parseModelUri(`runs:/${RUN_ID}/model/`), { kind: 'run', runId: RUN_ID, path: 'model' });
    assert.deepEqual(parseModelUri('/w/model'), { kind: 'local', path: '/w/model' });
    assert.deepEqual(parseModelUri('file:///w/my%20model'), { kind: 'local', path: '/w/my model' });
    assert.deepEqual(parseModelUri('s3://bucket/model'), { kind: 'other', uri: 's3://bucket/model' });
  });

  it('finds the files through the store', async () => {
    assert.deepEqual(await locateModel(`models:/${MID}`, store), { kind: 'artifacts', owner: { type: 'loggedModel', id: MID, rootUri: `file:///s/1/models/${MID}/artifacts` }, path: '' });
    assert.equal(((await locateModel('models:/iris/1', store)) as { owner: { type: string } }).owner.type, 'loggedModel');
    assert.deepEqual(await locateModel('models:/iris@champion', store), { kind: 'artifacts', owner: { type: 'run', id: RUN_ID, rootUri: `file:///s/1/${RUN_ID}/artifacts` }, path: 'model' });
    assert.deepEqual(((await locateModel('models:/iris/Production', store)) as { path: string }).path, 'sk');
    assert.deepEqual(await locateModel('model', store, '/w'), { kind: 'local', dir: '/w/model' });
    assert.equal(await locateModel('s3://b/m', store), undefined);
  });

  it("models:/<name>/latest asks the store for that name's versions, quotes and all", async () => {
    const asked: (string | undefined)[] = [];
    const registry = (...names: string[]): TrackingStore => ({
      ...store,
      searchModelVersions: async (o: { filter?: string }) => {
        asked.push(o.filter);
        return { items: names.map((name) => version({ name, version: '4', source: `models:/${MID}`, modelId: MID })).filter(compileModelVersionFilter(o.filter)) };
      },
    });
    assert.equal(((await locateModel('models:/iris/latest', registry('iris'))) as { owner: { id: string } }).owner.id, MID);
    const s = registry("o'brien", "o\\'brien", 'say "hi"');
    assert.equal(((await locateModel("models:/o'brien/latest", s)) as { owner: { id: string } }).owner.id, MID);
    assert.equal(((await locateModel('models:/say "hi"/latest', s)) as { owner: { id: string } }).owner.id, MID);
    assert.deepEqual(asked, ["name='iris'", `name="o'brien"`, `name='say "hi"'`]);
  });

  it('runs:/<id>/<name> is a run folder with MLmodel, else the run\'s logged model of that name (MLflow 3)', async () => {
    assert.deepEqual(await locateModel(`runs:/${RUN_ID}/old`, store), { kind: 'artifacts', owner: { type: 'run', id: RUN_ID, rootUri: `file:///s/1/${RUN_ID}/artifacts` }, path: 'old' });
    assert.deepEqual(await locateModel(`runs:/${RUN_ID}/model`, store), { kind: 'artifacts', owner: { type: 'loggedModel', id: MID, rootUri: `file:///s/1/models/${MID}/artifacts` }, path: '' });
  });
});
