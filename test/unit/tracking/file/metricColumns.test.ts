// The columnar read of run metric files (parseMetricColumns) and the object read from bytes
// (parseRunMetricHistory) against the object read of the text (parseMetricHistory): the same points, bit for bit, and the same bad-line count, on hand-picked
// lines, random junk, random doubles and every metric file of the real stores.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseMetricColumns, parseMetricHistory, parseRunMetricHistory } from '../../../../src/tracking/file/metricFile';
import { storePath, VERSIONS } from '../../../support/fixtures';

function same(bytes: Buffer, label: string): void {
  const h = parseMetricHistory(bytes.toString('utf8'), { key: 'k', kind: 'run' });
  const c = parseMetricColumns(bytes);
  assert.equal(c.badLines, h.badLines, `${label}: bad lines`);
  assert.equal(c.value.steps.length, h.value.length, `${label}: points`);
  for (const col of [c.value.steps, c.value.values, c.value.timestamps]) assert.equal(col.buffer.byteLength, h.value.length * 8, `${label}: exact-size buffers`);
  h.value.forEach((m, i) => {
    const got = [c.value.timestamps[i], c.value.values[i], c.value.steps[i]];
    const want = [m.timestamp, m.value, m.step];
    assert.ok(
      got.every((x, j) => Object.is(x, want[j])),
      `${label}: point ${i}: ${got.map(String).join(' ')} ≠ ${want.map(String).join(' ')}`,
    );
  });
  // the object read from bytes (getMetricHistory's) gives the very same Metric objects
  for (const runId of [undefined, 'r1']) {
    const ctx = { key: 'k', kind: 'run' as const, runId };
    assert.deepEqual(parseRunMetricHistory(bytes, ctx), parseMetricHistory(bytes.toString('utf8'), ctx), `${label}: objects (runId ${runId})`);
  }
}

const text = (s: string) => Buffer.from(s, 'utf8');

describe('file store metric files as columns', () => {
  it('reads 2-, 3- and 5-field lines with nan/inf/-inf, -0.0, 5e-324, big steps and long mantissas', () => {
    const t = '100 0.5\n200 nan 1\n300 inf 2\n400 -inf 3\n500 -0.0 4\n600 5e-324 2147483648 train abc123\n700 2.0303097664684864 -5\n800 1.7976931348623157e+308 6\n900 1e-05 -0\n';
    same(text(t), 'mixed');
    const c = parseMetricColumns(text(t)).value;
    assert.deepEqual([...c.steps], [0, 1, 2, 3, 4, 2147483648, -5, 6, -0]);
    assert.ok(Object.is(c.values[4], -0) && Number.isNaN(c.values[1]) && c.values[3] === -Infinity);
    assert.equal(c.values[6], 2.0303097664684864);
  });

  it('skips malformed lines and counts them like the object read', () => {
    same(text('1 2 3\ngarbage\n4 x 5\n6 7 8 9\n\n10 11 12\r\n13 14 15\r\r\n16 17  \n 18 19\n20 .\n21 1e\n22 0x10 1\n23 5\t 1\n+24 1 +2\n'), 'malformed');
    const r = parseMetricColumns(text('1 2 3\ngarbage\n4 x 5\n6 7 8 9\n\n10 11 12\r\n'));
    assert.deepEqual([...r.value.values], [2, 11]);
    assert.equal(r.badLines, 3);
  });

  it('agrees on non-ASCII, a BOM and invalid UTF-8', () => {
    same(text('1 2 3 é ü\n2 3\u00a0 4\n\ufeff3 4 5\n4 ５ 6\n'), 'unicode');
    same(Buffer.from([0x31, 0x20, 0x32, 0xff, 0x0a, 0x31, 0x20, 0x35, 0x0a, 0xe2, 0x0a, 0x32, 0x20, 0x36, 0x20, 0x33, 0x0a]), 'invalid utf-8');
  });

  it('agrees on random junk lines and on random doubles in every notation', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pieces = ['0', '1', '9', '-', '+', '.', 'e', 'E', ' ', '  ', '\r', '\n', 'nan', 'inf', 'x', 'é', '\t', '00', '1234567890123456', '17'];
    let junk = '';
    for (let k = 0; k < 3000; k++) {
      const n = Math.floor(rnd() * 30);
      for (let j = 0; j < n; j++) junk += pieces[Math.floor(rnd() * pieces.length)];
      junk += '\n';
    }
    same(text(junk), 'junk');
    let doubles = '';
    for (let i = 0; i < 30000; i++) {
      const v = (rnd() - 0.5) * Math.pow(10, Math.floor(rnd() * 60 - 30));
      const s = i % 3 === 0 ? v.toExponential() : i % 3 === 1 ? String(v) : v.toPrecision(1 + Math.floor(rnd() * 21));
      doubles += `${1700000000000 + i} ${s} ${i - 1000}\n`;
    }
    same(text(doubles), 'doubles');
  });

  it('grows past its first size estimate (short lines after long ones)', () => {
    let t = '';
    for (let i = 0; i < 2000; i++) t += `${1700000000000 + i} 0.123456789012345 ${i} train ${'d'.repeat(40)}\n`;
    for (let i = 0; i < 50000; i++) t += `${i} ${i % 10}\n`;
    same(text(t), 'growth');
  });

  it('an empty file has no points', () => {
    const r = parseMetricColumns(Buffer.alloc(0));
    assert.equal(r.value.steps.length, 0);
    assert.equal(r.badLines, 0);
  });

  for (const ver of VERSIONS) {
    it(`agrees with the object read on every run metric file of the real ${ver} store`, function () {
      const root = storePath(ver, 'mlruns');
      let files = 0;
      const walk = (dir: string, inMetrics: boolean): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) {
            if (e.name !== 'models') walk(p, inMetrics || e.name === 'metrics');
          } else if (inMetrics && e.isFile()) {
            same(fs.readFileSync(p), path.relative(root, p));
            files++;
          }
        }
      };
      walk(root, false);
      assert.ok(files > 5, `${files} metric files`);
    });
  }
});
