// Quick filters from a runs table cell: the clause the one filter printer writes, AND-ed to the
// table's filter, selects exactly the runs with (or without, or above/below) that cell's value — also
// for keys and values with spaces, quotes, backticks and dots — and what has no spelling is refused.
import * as assert from 'node:assert/strict';
import { columnsOf, decodePage, type Column, type TableRow } from '../../../src/runsTable/model';
import { toPage } from '../../../src/runsTable/pages';
import { quickFilters } from '../../../src/runsTable/quickFilters';
import { compileRunFilter, validateRunFilter } from '../../../src/tracking/search';
import { andClause, filterClause, filterKey, filterString } from '../../../src/tracking/search/print';
import type { Run } from '../../../src/tracking/types';

function run(id: string, params: Record<string, string>, metrics: Record<string, number> = {}, tags: Record<string, string> = {}): Run {
  return {
    info: { runId: id, experimentId: '1', runName: `run-${id}`, userId: 'me', status: id === 'c' ? 'FAILED' : 'FINISHED', startTime: 1000, endTime: 2000, artifactUri: '', lifecycleStage: 'active' },
    data: {
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

const RUNS = [
  run('a', { lr: '0.01', 'my key': "it's", 'a.b': 'x' }, { val_loss: 0.5, acc: NaN }, { team: 'ml "core"' }),
  run('b', { lr: '0.1', 'my key': 'plain', 'a.b': 'y' }, { val_loss: 0.25 }, { team: 'other' }),
  run('c', { lr: '0.01', 'weird`key': 'v' }, { val_loss: 1e-7 }),
];
const ROWS: TableRow[] = decodePage(toPage(RUNS));
const COLS = columnsOf(ROWS);
const col = (id: string): Column => COLS.find((c) => c.id === id)!;
const matching = (filter: string) => RUNS.filter(compileRunFilter(filter)).map((r) => r.info.runId);
const clauses = (row: number, id: string) => quickFilters(ROWS[row], col(id));

describe('runs table quick filters', () => {
  it('"Only runs with lr = 0.01" and "Exclude" select the runs with and without that value', () => {
    const [only, exclude] = clauses(0, 'p:lr');
    assert.equal(only.label, 'Only runs with lr = 0.01');
    assert.equal(only.clause, "params.lr = '0.01'");
    assert.deepEqual(matching(only.clause), ['a', 'c']);
    assert.equal(exclude.clause, "params.lr != '0.01'");
    assert.deepEqual(matching(exclude.clause), ['b']);
  });

  it('keys with spaces, dots and backticks and values with quotes are quoted so they read back exactly', () => {
    for (const [row, id, want] of [
      [0, 'p:my key', ['a']],
      [0, 'p:a.b', ['a']],
      [2, 'p:weird`key', ['c']],
      [0, 't:team', ['a']],
    ] as const) {
      const clause = clauses(row, id)[0].clause;
      assert.ok(clause, id);
      assert.equal(validateRunFilter(clause), undefined, clause);
      assert.deepEqual(matching(clause), want, clause);
    }
    assert.equal(clauses(0, 'p:my key')[0].clause, "params.`my key` = \"it's\"");
  });

  it('metrics: "< this" and "> this" compare with the cell’s exact value (the run itself is in neither)', () => {
    const [lt, gt] = clauses(1, 'm:val_loss');
    assert.equal(lt.clause, 'metrics.val_loss < 0.25');
    assert.deepEqual(matching(lt.clause), ['c']);
    assert.deepEqual(matching(gt.clause!), ['a']);
    assert.equal(clauses(2, 'm:val_loss')[1].clause, 'metrics.val_loss > 1e-7');
    assert.deepEqual(matching(clauses(2, 'm:val_loss')[1].clause!), ['a', 'b']);
  });

  it('a NaN metric or a missing value offers no clause, and says why when it shows the item', () => {
    const nan = clauses(0, 'm:acc');
    assert.equal(nan.length, 1);
    assert.equal(nan[0].clause, undefined);
    assert.match(nan[0].why!, /NaN/);
    assert.deepEqual(clauses(1, 'm:acc'), []);
    assert.deepEqual(clauses(2, 'p:my key'), []);
  });

  it('attributes: status and run name filter as MLflow attributes', () => {
    const [only] = clauses(2, 'a:status');
    assert.equal(only.clause, "attributes.status = 'FAILED'");
    assert.deepEqual(matching(only.clause), ['c']);
    assert.deepEqual(matching(clauses(1, 'a:name')[0].clause!), ['b']);
  });

  it('clauses are AND-ed to the filter once; the combined filter stays valid', () => {
    const f = andClause("params.lr = '0.01'", 'metrics.val_loss < 0.25');
    assert.equal(f, "params.lr = '0.01' and metrics.val_loss < 0.25");
    assert.equal(andClause(f, 'metrics.val_loss < 0.25'), f);
    assert.equal(andClause('  ', 'x.y = 1'), 'x.y = 1');
    assert.deepEqual(matching(f), ['c']);
  });

  it('the printer refuses what has no verbatim spelling instead of writing a filter that means something else', () => {
    assert.equal(filterKey('lr'), 'lr');
    assert.equal(filterKey('and'), '`and`');
    assert.equal(filterKey('a`"b'), undefined);
    assert.equal(filterString('a\'b"c'), undefined);
    assert.equal(filterString('ends\\'), undefined);
    assert.equal(filterClause('metrics', 'x', '<', Infinity), undefined);
  });
});
