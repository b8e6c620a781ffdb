// Sweep chart geometry: parallel-coordinate axes (numeric and categorical, with bands for NaN, ±∞
// and missing values), brushing = the runs inside every brushed range, and scatter points with
// non-finite values pinned to the edges (shown, never dropped).
import * as assert from 'node:assert/strict';
import { columnsOf, decodePage, type TableRow } from '../../../src/runsTable/model';
import { toPage } from '../../../src/runsTable/pages';
import { axisPosition, bandPosition, brushed, buildAxis, scatterPoints, SCALE_BOTTOM, SCALE_TOP } from '../../../src/runsTable/sweep';
import type { Run } from '../../../src/tracking/types';

function run(id: string, params: Record<string, string>, metrics: Record<string, number>): Run {
  return {
    info: { runId: id, experimentId: '1', runName: id, userId: '', status: 'FINISHED', startTime: 1, artifactUri: '', lifecycleStage: 'active' },
    data: { params: Object.entries(params).map(([key, value]) => ({ key, value })), metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })), tags: [] },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

describe('sweep charts geometry', () => {
  const rs: TableRow[] = decodePage(
    toPage([
      run('a', { lr: '0.1', opt: 'adam' }, { loss: 1 }),
      run('b', { lr: '0.2', opt: 'sgd' }, { loss: 3 }),
      run('c', { lr: '0.3', opt: 'adam' }, { loss: NaN }),
      run('d', { lr: '0.4' }, { loss: Infinity }),
      run('e', { opt: 'sgd' }, {}),
    ]),
  );
  const cols = columnsOf(rs);
  const col = (id: string) => cols.find((c) => c.id === id)!;

  it('a numeric axis spans the finite values (max on top) and gives NaN, ±∞ and missing their own bands', () => {
    const a = buildAxis(rs, col('m:loss'));
    assert.equal(a.kind, 'numeric');
    assert.deepEqual([a.min, a.max], [1, 3]);
    assert.deepEqual(a.bands, ['+∞', 'NaN', 'missing']);
    assert.equal(axisPosition(a, rs[1]), SCALE_TOP);
    assert.equal(axisPosition(a, rs[0]), SCALE_BOTTOM);
    assert.equal(axisPosition(a, rs[2]), bandPosition('NaN'));
    assert.equal(axisPosition(a, rs[3]), bandPosition('+∞'));
    assert.equal(axisPosition(a, rs[4]), bandPosition('missing'));
  });

  it('a categorical axis spaces its categories evenly', () => {
    const a = buildAxis(rs, col('p:opt'));
    assert.equal(a.kind, 'categorical');
    assert.deepEqual(a.categories, ['adam', 'sgd']);
    assert.equal(axisPosition(a, rs[0]), SCALE_TOP);
    assert.equal(axisPosition(a, rs[1]), SCALE_BOTTOM);
    assert.equal(axisPosition(a, rs[3]), bandPosition('missing'));
  });

  it('brushing selects exactly the runs inside every brushed range', () => {
    const axes = [buildAxis(rs, col('p:lr')), buildAxis(rs, col('p:opt'))];
    const lr = axes[0];
    // the upper half of lr: 0.25 … 0.4
    const mid = (SCALE_TOP + SCALE_BOTTOM) / 2;
    assert.deepEqual(brushed(rs, axes, [{ column: 'p:lr', from: SCALE_TOP, to: mid }]), ['c', 'd']);
    assert.deepEqual(brushed(rs, axes, [{ column: 'p:lr', from: SCALE_TOP, to: mid }, { column: 'p:opt', from: SCALE_TOP - 0.01, to: SCALE_TOP + 0.01 }]), ['c']);
    assert.ok(axisPosition(lr, rs[4]) > SCALE_BOTTOM);
    assert.deepEqual(brushed(rs, axes, []), []);
  });

  it('scatter: non-finite values are pinned to the edges and counted; runs without x or y are counted as missing', () => {
    const { points, missing, nonFinite } = scatterPoints(rs, col('p:lr'), col('m:loss'));
    assert.equal(missing, 1);
    assert.equal(nonFinite, 2);
    const byId = new Map(points.map((p) => [p.id, p]));
    assert.equal(byId.get('c')!.nonFinite, 'y: NaN');
    assert.ok(byId.get('d')!.y > 3);
    assert.ok(byId.get('c')!.y < 1);
    assert.deepEqual(points.map((p) => p.id), ['a', 'b', 'c', 'd']);
  });
});
