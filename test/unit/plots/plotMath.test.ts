import * as assert from 'assert';
import { alignSeries, countOutside, ema, exactValue, nearestIndex, robustRange, runStyle, sortByX, xValues } from '../../../src/plots/plotMath';

describe('webview plot math', () => {
  it('EMA: weight 0 is identity, debiased start, non-finite passed through without disturbing', () => {
    assert.deepStrictEqual(ema([1, 2, 3], 0), [1, 2, 3]);
    const s = ema([10, 10, 10], 0.9);
    for (const v of s) assert.ok(Math.abs(v - 10) < 1e-9, 'a constant stays constant (debiased)');
    const t = ema([0, NaN, Infinity, 10, -Infinity, 10], 0.5);
    assert.ok(Number.isNaN(t[1]));
    assert.strictEqual(t[2], Infinity);
    assert.strictEqual(t[4], -Infinity);
    assert.ok(t[3] > 0 && t[3] < 10 && t[5] > t[3] && t[5] < 10);
    assert.deepStrictEqual(ema([0, 10], 0.5), [0, 10 * 0.5 / 0.75]);
  });

  it('hides outliers with Tukey fences and reports how many are off-chart', () => {
    const vals = [...Array.from({ length: 100 }, (_, i) => 1 + (i % 10) / 10), 1e6, -5e5, NaN, Infinity];
    const r = robustRange(vals)!;
    assert.ok(r[0] > 0.8 && r[0] < 1 && r[1] > 1.9 && r[1] < 2.1, JSON.stringify(r));
    assert.strictEqual(countOutside(vals, r), 2);
    assert.strictEqual(robustRange([NaN, Infinity]), undefined);
    const flat = robustRange([3, 3, 3])!;
    assert.ok(flat[0] < 3 && flat[1] > 3);
  });

  it('aligns runs with different x values; duplicates get their own slots', () => {
    const [x, a, b] = alignSeries([
      { x: [0, 1, 1, 3], y: [10, 11, 12, null] },
      { x: [1, 2], y: [20, 21] },
    ]);
    assert.deepStrictEqual(x, [0, 1, 1, 2, 3]);
    assert.deepStrictEqual(a, [10, 11, 12, undefined, null]);
    assert.deepStrictEqual(b, [undefined, 20, undefined, 21, undefined]);
  });

  it('nearestIndex, exactValue, xValues, sortByX', () => {
    assert.strictEqual(nearestIndex([0, 10, 20], 14), 1);
    assert.strictEqual(nearestIndex([0, 10, 20], 16), 2);
    assert.strictEqual(nearestIndex([], 1), -1);
    assert.deepStrictEqual([NaN, Infinity, -Infinity, 0.1 + 0.2, null].map(exactValue), ['NaN', '+inf', '-inf', '0.30000000000000004', '—']);
    const steps = Float64Array.from([0, 1]);
    const ts = Float64Array.from([5000, 7000]);
    assert.strictEqual(xValues(steps, ts, 'step', 0), steps);
    assert.deepStrictEqual([...xValues(steps, ts, 'wall', 0)], [5, 7]);
    assert.deepStrictEqual([...xValues(steps, ts, 'relative', 4000)], [1, 3]);
    const s = sortByX(Float64Array.from([3, 1, 2]), [30, 10, 20]);
    assert.deepStrictEqual([...s.x], [1, 2, 3]);
    assert.deepStrictEqual(s.y, [10, 20, 30]);
  });

  it('gives runs stable colours, then dash patterns beyond six', () => {
    assert.deepStrictEqual(runStyle(0), { cssVar: '--vscode-charts-blue', dash: [] });
    assert.strictEqual(runStyle(6).cssVar, '--vscode-charts-blue');
    assert.notDeepStrictEqual(runStyle(6).dash, []);
    const seen = new Set(Array.from({ length: 12 }, (_, i) => JSON.stringify(runStyle(i))));
    assert.strictEqual(seen.size, 12);
  });
});

describe('webview plot math: tick labels', () => {
  it('keeps enough digits for small increments and uses exponents for tiny or huge values', () => {
    const { tickLabels } = require('../../../src/plots/plotMath') as typeof import('../../../src/plots/plotMath');
    assert.deepStrictEqual(tickLabels([0, 0.5, 1, 1.5], 0.5), ['0.0', '0.5', '1.0', '1.5']);
    assert.deepStrictEqual(tickLabels([0, 2000, 4000], 2000), ['0', '2,000', '4,000']);
    const small = tickLabels([0.0002, 0.0004, 0.0006, 0.0008, 0.001], 0.0002);
    assert.strictEqual(new Set(small).size, 5, small.join(' '));
    const huge = tickLabels([1e12, 2e12], 1e12);
    assert.deepStrictEqual(huge, ['1e+12', '2e+12']);
  });
});
