import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { columnIsNumeric, csvReadPlan, CSV_PREVIEW_BYTES, decodeUtf8Head, delimiterFor, parseCsv, parseRecords, sortRows } from '../../../src/artifacts/csv';
import { storePath, VERSIONS } from '../../support/fixtures';

describe('CSV parsing for the artifact table', () => {
  it('splits plain rows and names the header', () => {
    const t = parseCsv('a,b,c\n1,2,3\n4,5,6\n');
    assert.deepEqual(t.header, ['a', 'b', 'c']);
    assert.deepEqual(t.rows, [['1', '2', '3'], ['4', '5', '6']]);
    assert.equal(t.truncated, false);
  });

  it('keeps delimiters, doubled quotes and line breaks inside quoted fields', () => {
    const t = parseCsv('name,comment\n"Smith, J.","said ""hi"""\n"multi\nline\r\ntext",x\n');
    assert.deepEqual(t.rows, [['Smith, J.', 'said "hi"'], ['multi\nline\r\ntext', 'x']]);
  });

  it('reads CRLF, CR-only line ends, a BOM and no final newline', () => {
    assert.deepEqual(parseCsv('\uFEFFa,b\r\n1,2\r\n3,4').rows, [['1', '2'], ['3', '4']]);
    assert.deepEqual(parseCsv('\uFEFFa,b\r\n1,2').header, ['a', 'b']);
    assert.deepEqual(parseRecords('a\rb\r').records, [['a'], ['b']]);
  });

  it('keeps unicode intact (accents, CJK, emoji, combining marks)', () => {
    const t = parseCsv('ville,note\nZürich,✓\n東京,"😀, ok"\ne\u0301,—\n');
    assert.deepEqual(t.rows, [['Zürich', '✓'], ['東京', '😀, ok'], ['e\u0301', '—']]);
  });

  it('TSV uses tabs; quoted tabs stay in the field', () => {
    assert.equal(delimiterFor('x.tsv'), '\t');
    assert.equal(delimiterFor('x.CSV'), ',');
    const t = parseCsv('a\tb\n"1\t2"\t3\n', { delimiter: '\t' });
    assert.deepEqual(t.rows, [['1\t2', '3']]);
  });

  it('pads ragged rows, names empty header cells and skips blank lines', () => {
    const t = parseCsv('a,,c\n1\n\n1,2,3,4\n');
    assert.deepEqual(t.header, ['a', 'column 2', 'c', 'column 4']);
    assert.deepEqual(t.rows, [['1', '', '', ''], ['1', '2', '3', '4']]);
  });

  it('an empty quoted field and an empty file', () => {
    assert.deepEqual(parseCsv('a,b\n"",x\n').rows, [['', 'x']]);
    const empty = parseCsv('');
    assert.deepEqual(empty.header, []);
    assert.deepEqual(empty.rows, []);
  });

  it('caps the rows and says so', () => {
    const text = 'n\n' + Array.from({ length: 50 }, (_, i) => String(i)).join('\n') + '\n';
    const t = parseCsv(text, { maxRows: 10 });
    assert.equal(t.rows.length, 10);
    assert.equal(t.truncated, true);
    assert.equal(parseCsv(text, { maxRows: 50 }).truncated, false);
  });

  it('a cut read drops the last (possibly partial) row, also inside a quoted field', () => {
    const t = parseCsv('a,b\n1,2\n3,4\n5,"unfinis', { partial: true });
    assert.deepEqual(t.rows, [['1', '2'], ['3', '4']]);
    assert.equal(t.truncated, true);
    const u = parseCsv('a,b\n1,2\n3,4', { partial: true });
    assert.deepEqual(u.rows, [['1', '2']]);
  });

  it('an unterminated quote in a complete file is reported as truncated, not lost', () => {
    const t = parseCsv('a\n"never closed\nmore');
    assert.equal(t.truncated, true);
    assert.deepEqual(t.rows, [['never closed\nmore']]);
  });

  it('size guard: small files are read whole, large or unknown ones only up to the limit', () => {
    assert.deepEqual(csvReadPlan(1000), { bytes: 1000, partial: false });
    assert.deepEqual(csvReadPlan(CSV_PREVIEW_BYTES + 1), { bytes: CSV_PREVIEW_BYTES, partial: true });
    assert.deepEqual(csvReadPlan(undefined, 10), { bytes: 10, partial: false });
  });

  it('decodes a head cut inside a multi-byte character without a replacement character', () => {
    const bytes = new TextEncoder().encode('ab✓😀');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const s = decodeUtf8Head(bytes.subarray(0, cut), true);
      assert.ok(!s.includes('\uFFFD'), `cut at ${cut}: ${JSON.stringify(s)}`);
      assert.ok('ab✓😀'.startsWith(s));
    }
  });

  it('sorts numbers numerically (inf/nan too), text naturally, empty cells last, stably', () => {
    const rows = [['10'], ['9'], [''], ['-inf'], ['1e3'], ['nan'], ['2.5']];
    assert.equal(columnIsNumeric(rows, 0), true);
    assert.deepEqual(sortRows(rows, 0, false).map((i) => rows[i][0]), ['-inf', '2.5', '9', '10', '1e3', 'nan', '']);
    assert.deepEqual(sortRows(rows, 0, true).map((i) => rows[i][0]).slice(0, 4), ['1e3', '10', '9', '2.5']);
    const text = [['b'], ['a10'], ['a9'], ['B']];
    assert.equal(columnIsNumeric(text, 0), false);
    assert.deepEqual(sortRows(text, 0, false).map((i) => text[i][0]), ['a9', 'a10', 'b', 'B']);
  });

  describe('on the real predictions.csv', () => {
    for (const ver of VERSIONS) {
      it(`${ver}: header and every row of baseline-logreg's predictions.csv`, () => {
        const summary = JSON.parse(fs.readFileSync(storePath(ver, 'summary-file.json'), 'utf8'));
        const run = summary.runs['baseline-logreg'];
        const text = fs.readFileSync(storePath(ver, 'mlruns', run.experiment_id, run.run_id, 'artifacts', 'predictions.csv'), 'utf8');
        const t = parseCsv(text);
        assert.deepEqual(t.header, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'label', 'prediction']);
        assert.equal(t.rows.length, text.trim().split('\n').length - 1);
        assert.ok(t.rows.every((r) => r.length === 6));
        assert.equal(columnIsNumeric(t.rows, 0), true);
      });
    }
  });
});
