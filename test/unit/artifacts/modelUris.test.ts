import * as assert from 'node:assert/strict';
import { folderOf, modelUriForFolder, registeredModelUris, versionArtifactSource, versionUris } from '../../../src/artifacts/modelUris';
import { validateRegisteredModelFilter } from '../../../src/tracking/search';
import { artifactContextValue, artifactKind } from '../../../src/artifacts/kinds';

const RUN = '05cc1a58754648fe9e33112e3e65be23';
const M = 'm-f587a0693d444a3c8b56cdbe6a80fadf';

describe('model URIs', () => {
  it('a 2.x version: version, aliases and the runs:/ URI of its source folder', () => {
    const v = { name: 'iris-classifier', version: '1', aliases: ['baseline'], source: `file:///srv/x/mlruns/1/${RUN}/artifacts/model`, runId: RUN };
    assert.deepEqual(versionUris(v).map((c) => c.uri), ['models:/iris-classifier/1', 'models:/iris-classifier@baseline', `runs:/${RUN}/model`]);
    assert.deepEqual(versionArtifactSource(v), { type: 'run', id: RUN, path: 'model' });
  });

  it('proxied and runs:/ sources of 2.x servers', () => {
    assert.deepEqual(versionArtifactSource({ source: `mlflow-artifacts:/1/${RUN}/artifacts/model`, runId: RUN }), { type: 'run', id: RUN, path: 'model' });
    assert.deepEqual(versionArtifactSource({ source: `runs:/${RUN}/sub/model/`, runId: RUN }), { type: 'run', id: RUN, path: 'sub/model' });
    assert.equal(versionArtifactSource({ source: 's3://bucket/elsewhere' }), undefined);
  });

  it('a 3.x version: the logged model, from model_id or from a models:/m-… source', () => {
    const v = { name: 'iris-classifier', version: '2', aliases: ['champion'], source: `models:/${M}`, runId: RUN };
    assert.deepEqual(versionUris(v).map((c) => c.uri), ['models:/iris-classifier/2', 'models:/iris-classifier@champion', `models:/${M}`]);
    assert.deepEqual(versionArtifactSource({ source: 'whatever', modelId: M }), { type: 'loggedModel', id: M, path: '' });
  });

  it('a registered model: latest, aliases, then versions newest first', () => {
    const m = { name: 'iris-classifier', aliases: [{ alias: 'champion', version: '2' }, { alias: 'baseline', version: '1' }], latestVersions: [{ version: '2' }] as never[] };
    assert.deepEqual(registeredModelUris(m, ['1', '2', '10']).map((c) => c.uri), [
      'models:/iris-classifier/latest',
      'models:/iris-classifier@champion',
      'models:/iris-classifier@baseline',
      'models:/iris-classifier/10',
      'models:/iris-classifier/2',
      'models:/iris-classifier/1',
    ]);
  });

  it('folders: runs:/<id>/<path> for runs, models:/<m-id> for a logged model root', () => {
    assert.equal(modelUriForFolder({ type: 'run', id: RUN }, 'model'), `runs:/${RUN}/model`);
    assert.equal(modelUriForFolder({ type: 'run', id: RUN }, '/a/b/'), `runs:/${RUN}/a/b`);
    assert.equal(modelUriForFolder({ type: 'loggedModel', id: M }, ''), `models:/${M}`);
    assert.equal(modelUriForFolder({ type: 'loggedModel', id: M }, 'sub'), undefined);
    assert.equal(folderOf('model/MLmodel'), 'model');
    assert.equal(folderOf('MLmodel'), '');
  });
});

describe('artifact kinds', () => {
  it('picks the viewer by name', () => {
    const cases: [string, string][] = [
      ['plots/training/loss_curve.png', 'image'],
      ['a.JPG', 'image'],
      ['x.svg', 'image'],
      ['predictions.csv', 'table'],
      ['t.tsv', 'table'],
      ['index.html', 'html'],
      ['README.md', 'markdown'],
      ['model/MLmodel', 'mlmodel'],
      ['config.yaml', 'text'],
      ['metrics.json', 'text'],
      ['reports/my report ✓.txt', 'text'],
      ['model.pkl', 'text'],
    ];
    for (const [p, k] of cases) assert.equal(artifactKind(p), k, p);
    assert.equal(artifactContextValue('model/MLmodel', false), 'artifactFileMlmodel');
    assert.equal(artifactContextValue('model', true), 'artifactDir');
  });
});

describe('registered-model filter check', () => {
  it('accepts MLflow registered-model filters', () => {
    for (const f of ["name = 'iris-classifier'", "name LIKE '%iris%'", "name ILIKE 'IRIS%' AND tags.team = 'ml'", 'tags.`my key` != "x"', '']) {
      assert.equal(validateRegisteredModelFilter(f), undefined, f);
    }
  });
  it('rejects what the server would reject', () => {
    for (const f of ['name = iris', "version = '1'", "name = 'a' OR name = 'b'", 'metrics.x > 1']) assert.ok(validateRegisteredModelFilter(f), f);
  });
});
