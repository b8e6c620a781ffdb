import * as assert from 'assert';
import { appendColumns, downsampleToWidth, sliceByStep, toColumns } from '../../../src/plots/series';
import type { Metric } from '../../../src/tracking/types';

const pt = (step: number, value: number, timestamp = 1000 + step): Metric => ({ key: 'm', step, value, timestamp });

describe('webview series: columns and downsampling to the chart width', () => {
  it('sorts by (step, timestamp), stably, and keeps NaN/±inf', () => {
    const c = toColumns([pt(2, 3), pt(1, NaN, 5), pt(1, Infinity, 4), pt(-2, -Infinity)]);
    assert.deepStrictEqual([...c.steps], [-2, 1, 1, 2]);
    assert.deepStrictEqual([...c.values], [-Infinity, Infinity, NaN, 3]);
  });

  it('returns short series whole, as copies with their own buffers', () => {
    const c = toColumns([pt(0, 1), pt(1, 2), pt(2, 3)]);
    const { columns, sampled } = downsampleToWidth(c, 10);
    assert.strictEqual(sampled, false);
    assert.deepStrictEqual([...columns.values], [1, 2, 3]);
    assert.notStrictEqual(columns.values.buffer, c.values.buffer);
    assert.strictEqual(columns.values.buffer.byteLength, 3 * 8);
  });

  it('keeps at most ~4 points per pixel column, with the first, last, spikes and non-finite values', () => {
    const n = 100_000;
    const pts: Metric[] = [];
    for (let i = 0; i < n; i++) pts.push(pt(i, Math.sin(i / 1000)));
    pts[31_337] = pt(31_337, 1e9);
    pts[50_000] = pt(50_000, -1e9);
    pts[70_001] = pt(70_001, NaN);
    pts[80_002] = pt(80_002, Infinity);
    pts[90_003] = pt(90_003, -Infinity);
    const { columns, sampled } = downsampleToWidth(toColumns(pts), 500);
    assert.ok(sampled);
    assert.ok(columns.steps.length <= 4 * 500 + 3, `${columns.steps.length}`);
    assert.ok(columns.steps.length >= 500);
    const has = (s: number) => columns.steps.includes(s);
    for (const s of [0, n - 1, 31_337, 50_000, 70_001, 80_002, 90_003]) assert.ok(has(s), `step ${s} kept`);
    for (let i = 1; i < columns.steps.length; i++) assert.ok(columns.steps[i] > columns.steps[i - 1]);
    assert.ok(Number.isNaN(columns.values[columns.steps.indexOf(70_001)]));
  });

  it('buckets by index when every step is equal (timestamp-only metrics)', () => {
    const pts = Array.from({ length: 10_000 }, (_, i) => pt(0, i % 7, 1000 + i));
    const { columns } = downsampleToWidth(toColumns(pts), 100);
    assert.ok(columns.steps.length <= 400 && columns.steps.length >= 100);
    assert.strictEqual(columns.timestamps[0], 1000);
    assert.strictEqual(columns.timestamps[columns.timestamps.length - 1], 1000 + 9999);
  });

  it('handles huge and negative steps (steps -2…2^31)', () => {
    const c = toColumns([pt(-2, 1), pt(-1, 2), pt(0, 3), pt(1, 4), pt(2, 5), pt(2 ** 31, 6)]);
    const s = sliceByStep(c, -1, 1);
    assert.deepStrictEqual([...s.steps], [-1, 0, 1]);
    assert.deepStrictEqual([...sliceByStep(c, 3, 2 ** 31).steps], [2 ** 31]);
    assert.deepStrictEqual([...sliceByStep(c, 5, 6).steps], []);
    const { columns } = downsampleToWidth(c, 1);
    assert.ok(columns.steps.includes(2 ** 31) && columns.steps.includes(-2));
  });

  it('appends live points', () => {
    const c = appendColumns(toColumns([pt(0, 1)]), toColumns([pt(1, 2), pt(2, NaN)]));
    assert.deepStrictEqual([...c.steps], [0, 1, 2]);
    assert.ok(Number.isNaN(c.values[2]));
  });
});
