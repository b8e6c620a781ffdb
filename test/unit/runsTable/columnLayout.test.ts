// The runs table's column order and pins, and the remembered column set read back from workspace
// state (each field checked; a bad one is dropped without losing the rest).
import * as assert from 'node:assert/strict';
import { arrangeColumns, moveColumn, neighbour } from '../../../src/runsTable/columnLayout';
import { columnFromId, type Column } from '../../../src/runsTable/model';
import { parseColumnMemory, parseTableMessage, parseTableState } from '../../../src/runsTable/protocol';

const cols = (...ids: string[]): Column[] => ids.map((id) => columnFromId(id)!);
const ids = (cs: Column[]) => cs.map((c) => c.id);
const NATURAL = cols('a:status', 'a:name', 'a:start', 'p:lr', 'p:depth', 'm:loss');

describe('runs table column layout', () => {
  it('without an order: the natural order, pinned columns first', () => {
    assert.deepEqual(ids(arrangeColumns(NATURAL, [], new Set(['a:status', 'a:name']))), ['a:status', 'a:name', 'a:start', 'p:lr', 'p:depth', 'm:loss']);
    assert.deepEqual(ids(arrangeColumns(NATURAL, [], new Set(['m:loss', 'a:name']))), ['a:name', 'm:loss', 'a:status', 'a:start', 'p:lr', 'p:depth']);
  });

  it('a moved column keeps its place; columns the order does not know stay after their natural neighbour', () => {
    const order = moveColumn(ids(NATURAL), 'm:loss', 'a:start', false);
    assert.deepEqual(order, ['a:status', 'a:name', 'm:loss', 'a:start', 'p:lr', 'p:depth']);
    const withNew = cols('a:status', 'a:name', 'a:start', 'p:lr', 'p:depth', 'p:seed', 'm:acc', 'm:loss');
    assert.deepEqual(ids(arrangeColumns(withNew, order, new Set(['a:status']))), ['a:status', 'a:name', 'm:loss', 'a:start', 'p:lr', 'p:depth', 'p:seed', 'm:acc']);
  });

  it('an order naming columns that are gone, or twice, is harmless', () => {
    assert.deepEqual(ids(arrangeColumns(cols('a:name', 'p:lr'), ['p:gone', 'p:lr', 'p:lr', 'a:name'], new Set())), ['p:lr', 'a:name']);
  });

  it('moves after a target, and Move Left/Right stays inside the pinned or unpinned zone', () => {
    assert.deepEqual(moveColumn(['a', 'b', 'c'], 'a', 'c', true), ['b', 'c', 'a']);
    assert.deepEqual(moveColumn(['a', 'b', 'c'], 'a', 'a', true), ['a', 'b', 'c']);
    const pinned = new Set(['a:status', 'a:name']);
    const shown = arrangeColumns(NATURAL, [], pinned);
    assert.equal(neighbour(shown, pinned, 'a:start', -1), undefined, 'the first unpinned column does not cross into the pins');
    assert.equal(neighbour(shown, pinned, 'a:start', 1), 'p:lr');
    assert.equal(neighbour(shown, pinned, 'a:name', -1), 'a:status');
    assert.equal(neighbour(shown, pinned, 'm:loss', 1), undefined);
  });

  it('the remembered column set is read back field by field', () => {
    const good = { hidden: ['p:x'], onlyDiffer: true, sort: [{ column: 'm:loss', ascending: false }], order: ['m:loss', 'a:name'], pinned: ['a:name'], widths: { 'a:name': 240 } };
    assert.deepEqual(parseColumnMemory(good), good);
    assert.deepEqual(parseColumnMemory({ ...good, widths: { 'a:name': -5 }, order: 'nope', extra: 1 }), { hidden: ['p:x'], onlyDiffer: true, sort: good.sort, pinned: ['a:name'] });
    assert.deepEqual(parseColumnMemory({ pinned: ['not a column id'] }), {});
    assert.equal(parseColumnMemory('junk'), undefined);
  });

  it('the webview state and its saveState message accept order, pins and widths, and refuse bad ones', () => {
    const state = { view: 'runsTable', connKey: 'k', experimentIds: ['1'], sort: [], hidden: [], onlyDiffer: false, tab: 'table', order: ['p:lr'], pinned: ['p:lr'], widths: { 'p:lr': 90 } };
    assert.ok(parseTableMessage({ type: 'saveState', state }));
    assert.equal(parseTableMessage({ type: 'saveState', state: { ...state, widths: { 'p:lr': 'wide' } } }), undefined);
    assert.deepEqual(parseTableState(state), state);
    assert.ok(parseTableMessage({ type: 'deleteRuns', runIds: ['r1'] }));
    assert.equal(parseTableMessage({ type: 'restoreRuns', runIds: [1] }), undefined);
  });
});
