// Which tree nodes stay expanded across reloads: kept in the workspace state, most recent first, capped.
import * as assert from 'node:assert/strict';
import { ExpansionMemory, MAX_REMEMBERED } from '../../../src/explorer/expansionMemory';

function memento(initial: Record<string, unknown> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    keys: () => [...data.keys()],
    get: <T>(k: string, d?: T) => (data.has(k) ? (data.get(k) as T) : d),
    update: async (k: string, v: unknown) => void (v === undefined ? data.delete(k) : data.set(k, v)),
  };
}

describe('ExpansionMemory', () => {
  it('remembers expanded ids across a new instance over the same state, and forgets collapsed ones', () => {
    const m = memento();
    const a = new ExpansionMemory(m);
    a.set('c|exp|1', true);
    a.set('c|run|r1', true);
    a.set('c|exp|1', false);
    const b = new ExpansionMemory(m);
    assert.equal(b.has('c|run|r1'), true);
    assert.equal(b.has('c|exp|1'), false);
  });

  it(`keeps at most ${MAX_REMEMBERED} ids, dropping the oldest`, () => {
    const m = memento();
    const a = new ExpansionMemory(m);
    for (let i = 0; i <= MAX_REMEMBERED; i++) a.set(`id${i}`, true);
    const b = new ExpansionMemory(m);
    assert.equal(b.has('id0'), false, 'oldest dropped');
    assert.equal(b.has(`id${MAX_REMEMBERED}`), true);
    assert.equal((m.data.get('mlflow.expandedNodes') as string[]).length, MAX_REMEMBERED);
  });

  it('ignores a stored value of the wrong shape', () => {
    const b = new ExpansionMemory(memento({ 'mlflow.expandedNodes': { not: 'a list' } }));
    assert.equal(b.has('not'), false);
  });
});
