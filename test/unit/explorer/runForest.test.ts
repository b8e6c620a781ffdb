import * as assert from 'node:assert/strict';
import { buildRunForest } from '../../../src/explorer/runForest';
import type { Run } from '../../../src/tracking/types';

function run(id: string, parent?: string): Run {
  return {
    info: { runId: id, experimentId: '1', runName: id, userId: '', status: 'FINISHED', artifactUri: '', lifecycleStage: 'active' },
    data: { metrics: [], params: [], tags: parent ? [{ key: 'mlflow.parentRunId', value: parent }] : [] },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

describe('buildRunForest', () => {
  it('nests runs to any depth and keeps page order', () => {
    const f = buildRunForest([run('c1', 'p'), run('p'), run('g', 'c1'), run('c2', 'p'), run('solo')]);
    assert.deepEqual(f.roots.map((r) => r.info.runId), ['p', 'solo']);
    assert.deepEqual(f.children.get('p')?.map((r) => r.info.runId), ['c1', 'c2']);
    assert.deepEqual(f.children.get('c1')?.map((r) => r.info.runId), ['g']);
  });

  it('reports parents that are not loaded so the child can find its place', () => {
    const f = buildRunForest([run('c', 'elsewhere')]);
    assert.deepEqual([...f.missingParents], ['elsewhere']);
    assert.equal(f.roots[0].info.runId, 'c');
  });

  it('survives a parent cycle without hiding the runs', () => {
    const f = buildRunForest([run('a', 'b'), run('b', 'a')]);
    const all = new Set<string>();
    const walk = (rs: Run[]) => rs.forEach((r) => { all.add(r.info.runId); walk(f.children.get(r.info.runId) ?? []); });
    walk(f.roots);
    assert.deepEqual([...all].sort(), ['a', 'b']);
  });
});
