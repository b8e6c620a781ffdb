// Benchmark: the time limits on adversarial input that the unit tests used to assert. The tests
// (scanner.test.ts, search/fuzz.test.ts) check the behaviour on the same inputs; this reports the time:
//   scanner-pathological  scanPython on each deeply nested / repetitive source      target ≤ 1500 ms each
//   filter-adversarial    compileRunFilter + match on each 200,000-character filter  target ≤ 2000 ms each
// One JSON line per group with the worst case.
import { performance } from 'node:perf_hooks';
import { scanPython } from '../../src/codelens/scanner';
import { compileRunFilter } from '../../src/tracking/search';
import type { Run } from '../../src/tracking/types';
import { PATHOLOGICAL_SOURCES } from '../unit/codelens/pythonSample';
import { ADVERSARIAL_FILTERS } from '../unit/tracking/search/adversarialFilters';
import { benchReport } from './report';

const RUN: Run = {
  info: { runId: 'a1', experimentId: '1', runName: 'r', userId: 'u', status: 'FINISHED', startTime: 1, endTime: 2, artifactUri: 'x', lifecycleStage: 'active' },
  data: { metrics: [{ key: 'x', value: 1, timestamp: 1, step: 0 }], params: [{ key: 'p', value: 'a'.repeat(20000) }], tags: [] },
  inputs: { datasetInputs: [], modelInputs: [] },
  outputs: { modelOutputs: [] },
};

function worst(inputs: readonly string[], fn: (s: string) => void): { ms: number; input: string } {
  let out = { ms: 0, input: '' };
  for (const s of inputs) {
    const t0 = performance.now();
    fn(s);
    const ms = performance.now() - t0;
    if (ms > out.ms) out = { ms, input: s.slice(0, 40) };
  }
  return out;
}

const { emit } = benchReport('adversarialInputs');

function report(id: string, label: string, limitMs: number, w: { ms: number; input: string }): void {
  emit({ id, label, seconds: w.ms / 1000, target: `≤${limitMs} ms each`, pass: w.ms <= limitMs, note: `worst: ${JSON.stringify(w.input)}` });
}

report('scanner-pathological', `scanPython, ${PATHOLOGICAL_SOURCES.length} pathological sources, worst`, 1500, worst(PATHOLOGICAL_SOURCES, (s) => scanPython(s)));
report('filter-adversarial', `compileRunFilter + match, ${ADVERSARIAL_FILTERS.length} long filters, worst`, 2000, worst(ADVERSARIAL_FILTERS, (s) => {
  try {
    compileRunFilter(s)(RUN);
  } catch {
    // invalidRequest is the expected answer for most (the tests check which)
  }
}));
