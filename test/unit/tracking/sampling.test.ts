import * as assert from 'node:assert/strict';
import { downsampleMetrics } from '../../../src/tracking/sampling';
import type { Metric } from '../../../src/tracking/types';

const pt = (step: number, value: number): Metric => ({ key: 'k', value, step, timestamp: step });

describe('downsampleMetrics', () => {
  it('keeps a one-point spike and the ends of a long curve', () => {
    const pts = Array.from({ length: 100_000 }, (_, i) => pt(i, Math.sin(i / 1000)));
    pts[54_321] = pt(54_321, 50);
    const out = downsampleMetrics(pts, 1000);
    assert.ok(out.length <= 1000, `${out.length}`);
    assert.equal(out[0].step, 0);
    assert.equal(out[out.length - 1].step, 99_999);
    assert.ok(out.some((p) => p.value === 50));
  });

  it('keeps NaN and infinities so the chart can mark them', () => {
    const pts = Array.from({ length: 10_000 }, (_, i) => pt(i, i));
    pts[10] = pt(10, NaN);
    pts[20] = pt(20, Infinity);
    const out = downsampleMetrics(pts, 100);
    assert.ok(out.some((p) => Number.isNaN(p.value)));
    assert.ok(out.some((p) => p.value === Infinity));
  });

  it('returns short histories whole, sorted by step', () => {
    const out = downsampleMetrics([pt(2, 1), pt(1, 2)], 10);
    assert.deepEqual(out.map((p) => p.step), [1, 2]);
  });
});

import { collectPages } from '../../../src/tracking/paging';

describe('collectPages', () => {
  it('stops on a page token that repeats and drops repeated items', async () => {
    let calls = 0;
    const items = await collectPages(async () => {
      calls++;
      return { items: [{ id: 'a' }, { id: String(calls) }], nextPageToken: 'same' };
    }, (x) => x.id);
    assert.equal(calls, 2);
    assert.deepEqual(items.map((x) => x.id), ['a', '1', '2']);
  });

  it('stops on an empty page that still names a next page', async () => {
    let calls = 0;
    const items = await collectPages(async (t) => {
      calls++;
      return t ? { items: [], nextPageToken: `t${calls}` } : { items: [{ id: 'x' }], nextPageToken: 't0' };
    }, (x) => x.id);
    assert.deepEqual(items.map((x) => x.id), ['x']);
    assert.equal(calls, 2);
  });
});
