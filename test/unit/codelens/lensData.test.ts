import * as assert from 'node:assert/strict';
import { metricLensTitle, paramLensTitle, paramValues, runsFromFile, sourceMatches, sparkline, summarizeMetric } from '../../../src/codelens/lensData';
import type { Metric, Run } from '../../../src/tracking/types';

function run(id: string, start: number, source: string, metrics: Record<string, number> = {}, params: Record<string, string> = {}): Run {
  return {
    info: { runId: id, experimentId: '1', runName: id, userId: '', status: 'FINISHED', startTime: start, artifactUri: '', lifecycleStage: 'active' },
    data: {
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: start })),
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      tags: [{ key: 'mlflow.source.name', value: source }],
    },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

const file = { absPath: '/home/me/proj/src/train.py', relPath: 'src/train.py' };

describe('code lens data', () => {
  it('matches runs by the script MLflow recorded, also after the workspace moved', () => {
    assert.ok(sourceMatches('/home/me/proj/src/train.py', file));
    assert.ok(sourceMatches('src/train.py', file));
    assert.ok(sourceMatches('/old/place/proj/src/train.py', file), 'moved workspace');
    assert.ok(sourceMatches('train.py', file), 'launched from the script folder');
    assert.ok(!sourceMatches('/home/me/proj/other/train2.py', file));
    assert.ok(!sourceMatches('/home/me/proj/tools/train.py', file), 'same name in another folder');
    assert.ok(!sourceMatches(undefined, file));
  });

  it('summarizes a metric: last value from the newest run, best by direction', () => {
    const runs = [run('a', 1, 'src/train.py', { val_loss: 0.3, acc: 0.8 }), run('b', 2, 'src/train.py', { val_loss: 0.5, acc: 0.9 }), run('c', 3, 'x.py', { val_loss: 0.01 })];
    const mine = runsFromFile(runs, file);
    assert.equal(mine.length, 2);
    assert.equal(metricLensTitle(summarizeMetric(mine, 'val_loss')), 'val_loss: last 0.5 · best 0.3 · 2 runs');
    assert.equal(summarizeMetric(mine, 'acc').best?.metric.value, 0.9);
    assert.equal(metricLensTitle(summarizeMetric(mine, 'nope')), 'nope: not logged yet');
  });

  it('never calls NaN the best value', () => {
    const s = summarizeMetric([run('a', 2, 'x', { loss: NaN }), run('b', 1, 'x', { loss: 2 })], 'loss');
    assert.equal(s.best?.metric.value, 2);
    assert.ok(metricLensTitle(s).startsWith('loss: last NaN'));
  });

  it('lists parameter values across runs, newest first', () => {
    const v = paramValues([run('a', 1, 'x', {}, { lr: '0.1' }), run('b', 2, 'x', {}, { lr: '0.01' }), run('c', 3, 'x', {}, { lr: '0.1' })], 'lr');
    assert.deepEqual(v, { values: ['0.1', '0.01'], runCount: 3 });
    assert.equal(paramLensTitle('lr', v), 'lr: 0.1, 0.01 · 3 runs');
  });

  it('draws a sparkline that survives NaN', () => {
    const pts: Metric[] = [3, 2, NaN, 1].map((value, step) => ({ key: 'k', value, step, timestamp: step }));
    assert.equal(sparkline(pts, 4), '█▅·▁');
  });
});
