// Quick robustness self-check: random and mutated filter strings either compile or raise an
// invalidRequest TrackingError — never another exception, never a hang. (A bigger fuzz bench lives elsewhere.)
import * as assert from 'node:assert/strict';
import { isTrackingError } from '../../../../src/tracking/errors';
import {
  compileExperimentFilter,
  compileLoggedModelFilter,
  compileModelVersionFilter,
  compileRegisteredModelFilter,
  compileRunFilter,
  compileRunOrderBy,
  filterNeeds,
  validateRunFilter,
} from '../../../../src/tracking/search';
import type { Run } from '../../../../src/tracking/types';
import { ADVERSARIAL_FILTERS } from './adversarialFilters';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  "metrics.accuracy > 0.82 and params.criterion = 'gini'",
  "attributes.run_name LIKE 'child%'",
  'metrics.`val/acc` > 0.5',
  "tags.mlflow.parentRunId = 'bcd9738284bc4b189d0945c9ac9ffce1'",
  "run_id IN ('a1', 'b2') AND status != 'FAILED'",
  "datasets.context NOT IN ('eval') and dataset.name ILIKE 'Ir_s%'",
  'params."my param" = "x y" AND created >= -1.5e3',
  "`Run name` = 'it''s' AND tags.note = 'a\\'b'",
];
const PIECES = [' ', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', '(', ')', ',', "'", '"', '`', '.', '=', '!=', '<>', '>=', '%', '_', '\\', ';', '-', 'e', '1', '0.5', 'metrics.', 'tags.', 'params.', 'datasets.', 'run_id', 'start_time', '\n', 'é', '🚀', '\u0000', 'NULL'];

function mutate(s: string, r: () => number): string {
  const ops = 1 + Math.floor(r() * 4);
  let out = s;
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(r() * (out.length + 1));
    const kind = r();
    if (kind < 0.35) out = out.slice(0, at) + PIECES[Math.floor(r() * PIECES.length)] + out.slice(at);
    else if (kind < 0.6) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(r() * 3));
    else if (kind < 0.8) out = out.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 95)) + out.slice(at + 1);
    else out = out.slice(0, at) + out.slice(Math.floor(r() * out.length));
  }
  return out;
}

function randomString(r: () => number): string {
  const n = Math.floor(r() * 12);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)] + (r() < 0.5 ? ' ' : '');
  return s;
}

const RUN: Run = {
  info: { runId: 'a1', experimentId: '1', runName: 'r', userId: 'u', status: 'FINISHED', startTime: 1, endTime: 2, artifactUri: 'x', lifecycleStage: 'active' },
  data: { metrics: [{ key: 'accuracy', value: NaN, timestamp: 1, step: 0 }], params: [{ key: 'criterion', value: 'gini' }], tags: [{ key: 'mlflow.runName', value: 'r' }] },
  inputs: { datasetInputs: [{ tags: [{ key: 'mlflow.data.context', value: 'train' }], dataset: { name: 'iris', digest: 'd', sourceType: 's', source: 's' } }], modelInputs: [] },
  outputs: { modelOutputs: [] },
};

describe('search grammar robustness', () => {
  it('100,000 random and mutated filters only ever raise invalidRequest', function () {
    this.timeout(60000);
    const r = rng(20251119);
    let compiled = 0;
    for (let i = 0; i < 100_000; i++) {
      const s = i % 5 === 0 ? randomString(r) : mutate(SEEDS[i % SEEDS.length], r);
      try {
        const pred = compileRunFilter(s);
        pred(RUN);
        compiled++;
      } catch (e) {
        if (!isTrackingError(e, 'invalidRequest')) assert.fail(`compileRunFilter(${JSON.stringify(s)}) threw ${String(e)}`);
      }
      if (i % 25 === 0) {
        for (const f of [compileExperimentFilter, compileRegisteredModelFilter, compileModelVersionFilter, compileLoggedModelFilter] as ((x: string) => unknown)[]) {
          try {
            f(s);
          } catch (e) {
            if (!isTrackingError(e, 'invalidRequest')) assert.fail(`${f.name}(${JSON.stringify(s)}) threw ${String(e)}`);
          }
        }
        try {
          compileRunOrderBy([s]);
        } catch (e) {
          if (!isTrackingError(e, 'invalidRequest')) assert.fail(`compileRunOrderBy([${JSON.stringify(s)}]) threw ${String(e)}`);
        }
        assert.equal(typeof filterNeeds(s, [s]), 'object');
        const v = validateRunFilter(s);
        assert.ok(v === undefined || typeof v === 'string');
      }
    }
    assert.ok(compiled > 1000, `only ${compiled} mutated filters were valid: the corpus is too broken to exercise matching`);
  });

  it('long adversarial inputs compile or raise invalidRequest (their time: adversarialInputs in npm run bench)', () => {
    const long = { ...RUN, data: { ...RUN.data, params: [{ key: 'p', value: 'a'.repeat(20000) }] } };
    for (const s of ADVERSARIAL_FILTERS) {
      try {
        compileRunFilter(s)(long);
      } catch (e) {
        assert.ok(isTrackingError(e, 'invalidRequest'), String(e));
      }
    }
  });
});
