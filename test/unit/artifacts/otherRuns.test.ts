import * as assert from 'node:assert/strict';
import { runsHoldingArtifact } from '../../../src/artifacts/otherRuns';
import { FileStore } from '../../../src/tracking/file';
import { storePath } from '../../support/fixtures';

describe('Compare with…: the other runs that hold the file (issue 16 #3)', function () {
  before(function () {
  });

  it('offers only runs whose artifacts contain that path', async () => {
    const store = new FileStore(storePath('v3', 'mlruns'));
    const runs = (await store.searchRuns({ experimentIds: ['358387156804898222'], maxResults: 100 })).items;
    const name = (r: { info: { runName: string } }) => r.info.runName;
    const top = await runsHoldingArtifact(store, runs, 'metrics.json');
    assert.deepEqual(top.holding.map(name).sort(), ['baseline-logreg', 'tuned-logreg']);
    assert.ok(top.lacking.map(name).includes('failed-run'));
    const nested = await runsHoldingArtifact(store, runs, 'plots/nope.png');
    const deep = await runsHoldingArtifact(store, runs, 'plots/training/loss_curve.png');
    assert.deepEqual(deep.holding.map(name), ['baseline-logreg'], 'a file in a sub-folder');
    assert.deepEqual(nested.holding, []);
  });
});
