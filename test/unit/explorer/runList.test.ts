import * as assert from 'node:assert/strict';
import type { Run, RunStatus } from '../../../src/tracking/types';
import { RunList } from '../../../src/explorer/runList';

function run(id: string, status: RunStatus = 'FINISHED'): Run {
  return {
    info: { runId: id, experimentId: '1', runName: id, userId: '', status, artifactUri: '', lifecycleStage: 'active' },
    data: { metrics: [], params: [], tags: [] },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

describe('RunList.mergeFirstPage (auto-refresh of a live experiment)', () => {
  it('puts runs started since first, updates known runs in place, lists none twice', () => {
    const l = new RunList();
    l.addPage([run('p', 'RUNNING'), run('old')], 'tok', true);
    l.mergeFirstPage([run('t2', 'RUNNING'), run('t1'), run('p', 'RUNNING')]);
    assert.deepEqual(l.runs.map((r) => r.info.runId), ['t2', 't1', 'p', 'old']);
    l.mergeFirstPage([run('t2'), run('t1'), run('p')]);
    assert.deepEqual(l.runs.map((r) => `${r.info.runId}:${r.info.status}`), ['t2:FINISHED', 't1:FINISHED', 'p:FINISHED', 'old:FINISHED']);
    assert.equal(l.hasMore, true, 'the next page token is kept');
    assert.equal(l.hasRunning(), false);
  });
});
