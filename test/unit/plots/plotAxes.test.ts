import * as assert from 'node:assert/strict';
import { STEP_INCRS, WALL_INCRS, nonFiniteLegend, pointAtCursor, wallTickLabel, xAxisTitle } from '../../../src/plots/plotMath';

describe('plot axes, legend and hover (issue 16 #8)', () => {
  it('steps tick in whole numbers only', () => {
    assert.ok(STEP_INCRS.every((i) => Number.isInteger(i) && i >= 1));
    assert.deepEqual(STEP_INCRS.slice(0, 6), [1, 2, 5, 10, 20, 50]);
  });

  it('wall-time ticks are whole seconds and read as clock times, never ":14.500"', () => {
    assert.ok(WALL_INCRS.every((i) => i >= 1));
    const t = new Date(2026, 2, 5, 14, 3, 20, 500).getTime() / 1000;
    assert.equal(wallTickLabel(t, 5), '14:03:20');
    assert.equal(wallTickLabel(t, 300), '14:03');
    assert.equal(wallTickLabel(t, 2 * 86400), 'Mar 5');
  });

  it('axes have titles', () => {
    assert.equal(xAxisTitle('step'), 'Step');
    assert.equal(xAxisTitle('wall'), 'Wall time');
    assert.match(xAxisTitle('relative'), /since the run started/);
  });

  it('the legend names the non-finite markers a chart has', () => {
    assert.deepEqual(nonFiniteLegend([1, NaN, 2, Infinity]), ['NaN', '+∞']);
    assert.deepEqual(nonFiniteLegend([-Infinity]), ['−∞']);
    assert.deepEqual(nonFiniteLegend([1, 2]), []);
  });

  it('the hover shows the point at the cursor, or none beyond the end of a series', () => {
    const diverged = Float64Array.from([0, 1, 2, 3, 4, 5, 6]);
    assert.equal(pointAtCursor(diverged, 52), -1, 'no "NaN @ step 6" at step 52');
    assert.equal(pointAtCursor(diverged, 6.2), 6);
    assert.equal(pointAtCursor(diverged, 2.9), 3);
    assert.equal(pointAtCursor(new Float64Array(0), 1), -1);
  });
});
