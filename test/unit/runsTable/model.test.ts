// The runs table's pure model: column union, "only columns that differ", the sort comparator
// (numbers as numbers; NaN then missing last in both directions, as MLflow orders), nesting,
// grouping, store order_by, CSV, and the page encoding that keeps NaN / ±Infinity / missing apart.
import * as assert from 'node:assert/strict';
import { arrange, columnsOf, decodePage, groupBy, rowComparator, sameEverywhere, sortRows, storeOrderBy, toCsv, type TableRow } from '../../../src/runsTable/model';
import { toPage } from '../../../src/runsTable/pages';
import type { Run } from '../../../src/tracking/types';

function run(id: string, o: { start?: number; params?: Record<string, string>; metrics?: Record<string, number>; tags?: Record<string, string>; parent?: string; status?: string } = {}): Run {
  const tags = Object.entries(o.tags ?? {}).map(([key, value]) => ({ key, value }));
  if (o.parent) tags.push({ key: 'mlflow.parentRunId', value: o.parent });
  tags.push({ key: 'mlflow.source.name', value: 'train.py' });
  return {
    info: { runId: id, experimentId: '1', runName: `run-${id}`, userId: 'me', status: (o.status ?? 'FINISHED') as Run['info']['status'], startTime: o.start ?? 1000, endTime: (o.start ?? 1000) + 5000, artifactUri: '', lifecycleStage: 'active' },
    data: {
      params: Object.entries(o.params ?? {}).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(o.metrics ?? {}).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })),
      tags,
    },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

const rows = (runs: Run[]): TableRow[] => decodePage(toPage(runs));
const ids = (rs: { row: TableRow }[] | TableRow[]) => rs.map((r) => ('row' in r ? r.row.id : r.id));

describe('runs table model', () => {
  it('keeps NaN, ±Infinity and missing metrics apart through a page', () => {
    const [a, b] = rows([run('a', { metrics: { loss: NaN, acc: Infinity } }), run('b', { metrics: { loss: -Infinity } })]);
    assert.ok(Number.isNaN(a.metrics.get('loss')));
    assert.equal(a.metrics.get('acc'), Infinity);
    assert.equal(b.metrics.get('loss'), -Infinity);
    assert.equal(b.metrics.has('acc'), false);
  });

  it('columns are the union of every run’s params, metrics and user tags, grouped; system tags are attributes, not columns', () => {
    const cs = columnsOf(rows([run('a', { params: { lr: '0.1' }, metrics: { loss: 1 }, tags: { team: 'x' } }), run('b', { params: { depth: '3' }, metrics: { acc: 0.5 } })]));
    assert.deepEqual(
      cs.filter((c) => c.group !== 'Attributes').map((c) => c.id),
      ['p:depth', 'p:lr', 'm:acc', 'm:loss', 't:team'],
    );
    assert.ok(!cs.some((c) => c.key.startsWith('mlflow.')));
    assert.equal(cs.find((c) => c.id === 'p:lr')!.numeric, true);
  });

  it('a parameter column is numeric only when every value is a number', () => {
    const cs = columnsOf(rows([run('a', { params: { opt: '1' } }), run('b', { params: { opt: 'adam' } })]));
    assert.equal(cs.find((c) => c.id === 'p:opt')!.numeric, false);
  });

  it('"only columns that differ" hides params and tags equal in every run (absence counts as a value), never metrics', () => {
    const rs = rows([run('a', { params: { lr: '0.1', seed: '1', x: '1' }, metrics: { loss: 1 }, tags: { team: 't' } }), run('b', { params: { lr: '0.2', seed: '1' }, metrics: { loss: 1 }, tags: { team: 't' } })]);
    const same = sameEverywhere(rs, columnsOf(rs));
    assert.deepEqual([...same].sort(), ['p:seed', 't:team']);
  });

  it('sorts numeric params as numbers, not as strings', () => {
    const rs = rows([run('a', { params: { bs: '9' } }), run('b', { params: { bs: '10' } }), run('c', { params: { bs: '100' } })]);
    const cmp = rowComparator([{ column: 'p:bs', ascending: true }], columnsOf(rs));
    assert.deepEqual(ids([...rs].sort(cmp)), ['a', 'b', 'c']);
  });

  it('metric order: values (−∞ … +∞) in the direction asked, then NaN, then missing — in both directions', () => {
    const rs = rows([
      run('nan', { metrics: { m: NaN } }),
      run('none'),
      run('one', { metrics: { m: 1 } }),
      run('pinf', { metrics: { m: Infinity } }),
      run('ninf', { metrics: { m: -Infinity } }),
    ]);
    const cs = columnsOf(rs);
    assert.deepEqual(ids([...rs].sort(rowComparator([{ column: 'm:m', ascending: true }], cs))), ['ninf', 'one', 'pinf', 'nan', 'none']);
    assert.deepEqual(ids([...rs].sort(rowComparator([{ column: 'm:m', ascending: false }], cs))), ['pinf', 'one', 'ninf', 'nan', 'none']);
    assert.deepEqual(ids(sortRows(rs, [{ column: 'm:m', ascending: false }], cs)), ['pinf', 'one', 'ninf', 'nan', 'none'], 'sortRows orders as the comparator does');
  });

  it('multi-column sort: the second key breaks ties of the first; ties at the end fall back to newest first', () => {
    const rs = rows([run('a', { start: 1, params: { o: 'x' }, metrics: { m: 2 } }), run('b', { start: 2, params: { o: 'x' }, metrics: { m: 1 } }), run('c', { start: 3, params: { o: 'y' }, metrics: { m: 1 } })]);
    const cs = columnsOf(rs);
    assert.deepEqual(ids([...rs].sort(rowComparator([{ column: 'p:o', ascending: true }, { column: 'm:m', ascending: true }], cs))), ['b', 'a', 'c']);
    assert.deepEqual(ids([...rs].sort(rowComparator([], cs))), ['c', 'b', 'a']);
  });

  it('nests children under their parent (collapsed unless expanded), sorted among their siblings', () => {
    const rs = rows([run('p', { start: 1, metrics: { m: 5 } }), run('c1', { start: 2, parent: 'p', metrics: { m: 3 } }), run('c2', { start: 3, parent: 'p', metrics: { m: 1 } }), run('q', { start: 4, metrics: { m: 4 } }), run('orphan', { parent: 'gone', metrics: { m: 0 } })]);
    const sorted = sortRows(rs, [{ column: 'm:m', ascending: true }], columnsOf(rs));
    const collapsed = arrange(sorted, new Set());
    assert.deepEqual(ids(collapsed), ['orphan', 'q', 'p']);
    assert.equal(collapsed.find((s) => s.row.id === 'p')!.children, 2);
    const open = arrange(sorted, new Set(['p']));
    assert.deepEqual(ids(open), ['orphan', 'q', 'p', 'c2', 'c1']);
    assert.deepEqual(open.map((s) => s.depth), [0, 0, 0, 1, 1]);
  });

  it('a parent cycle (corrupt tags) does not hide or repeat runs when everything is expanded', () => {
    const rs = rows([run('a', { parent: 'b' }), run('b', { parent: 'a' }), run('c')]);
    const out = arrange(sortRows(rs, [], columnsOf(rs)), new Set(), true);
    assert.deepEqual(ids(out).sort(), ['a', 'b', 'c']);
  });

  it('groups by a value with count and the mean/min/max of a metric; non-finite values are counted, not averaged', () => {
    const rs = rows([run('a', { params: { opt: 'adam' }, metrics: { loss: 1 } }), run('b', { params: { opt: 'adam' }, metrics: { loss: 3 } }), run('c', { params: { opt: 'sgd' }, metrics: { loss: NaN } }), run('d')]);
    const by = columnsOf(rs).find((c) => c.id === 'p:opt')!;
    assert.deepEqual(groupBy(rs, by, 'loss'), [
      { value: 'adam', count: 2, nonFinite: 0, mean: 2, min: 1, max: 3 },
      { value: '(none)', count: 1, nonFinite: 0 },
      { value: 'sgd', count: 1, nonFinite: 1 },
    ]);
  });

  it('sort keys the store can order by become MLflow order_by clauses; duration cannot', () => {
    assert.deepEqual(storeOrderBy([{ column: 'm:val loss', ascending: false }, { column: 'a:start', ascending: true }]), ['metrics.`val loss` DESC', 'attributes.start_time ASC']);
    assert.equal(storeOrderBy([{ column: 'a:duration', ascending: true }]), undefined);
  });

  it('CSV keeps full precision and spells non-finite values out', () => {
    const rs = rows([run('a', { params: { note: 'a,b' }, metrics: { m: NaN, k: 0.123456789 } })]);
    const cs = columnsOf(rs).filter((c) => c.group !== 'Attributes');
    const csv = toCsv(rs, cs);
    assert.equal(csv, 'run_id,parameters.note,metrics.k,metrics.m\na,"a,b",0.123456789,NaN\n');
  });
});
