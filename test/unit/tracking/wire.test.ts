import * as assert from 'node:assert/strict';
import { parseDouble, parseRun, toWireRun, wireDouble } from '../../../src/tracking/wire';

describe('wire codec', () => {
  it('reads the strings MLflow uses for non-finite doubles', () => {
    assert.ok(Number.isNaN(parseDouble('NaN')));
    assert.equal(parseDouble('Infinity'), Infinity);
    assert.equal(parseDouble('-Infinity'), -Infinity);
    // MLflow's SQL stores answer ±1.7976931348623157e308 for ±inf: read as the infinities they stand for
    assert.equal(parseDouble(1.7976931348623157e308), Infinity);
    assert.equal(parseDouble(-1.7976931348623157e308), -Infinity);
    assert.equal(parseDouble('1.7976931348623157e+308'), Infinity);
    assert.equal(parseDouble(1.7976931348623155e308), 1.7976931348623155e308, 'the next smaller double stays a number');
    assert.throws(() => parseDouble(null));
  });

  it('writes non-finite doubles as strings, never null', () => {
    assert.equal(wireDouble(NaN), 'NaN');
    assert.equal(JSON.stringify({ v: wireDouble(-Infinity) }), '{"v":"-Infinity"}');
  });

  it('round-trips a run and keeps ids as strings', () => {
    const wire = {
      info: { run_uuid: 'a'.repeat(32), experiment_id: '358387156804898222', run_name: 'r', user_id: 'u', status: 'FINISHED', start_time: 1, end_time: 2, artifact_uri: 'x', lifecycle_stage: 'active', run_id: 'a'.repeat(32) },
      data: { metrics: [{ key: 'm', value: 'NaN', timestamp: 3, step: 4 }], params: [{ key: 'p', value: '' }] },
      inputs: {},
    };
    const run = parseRun(wire);
    assert.equal(run.info.experimentId, '358387156804898222');
    assert.ok(Number.isNaN(run.data.metrics[0].value));
    assert.deepEqual(toWireRun(run), wire);
  });
});
