// Regressions for what test/bench/fuzz.bench.ts found in the parsers of untrusted input.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTrackingError } from '../../../src/tracking/errors';
import { RestStore } from '../../../src/tracking/rest/restStore';
import { runInfoFromRow } from '../../../src/tracking/sqlite/rows';
import { yamlInt } from '../../../src/tracking/file/metaYaml';
import { optInt, parseExperiment, parseLoggedModelStatus, parseRun, parseRunStatus } from '../../../src/tracking/wire';

function deep(n: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('reliability: hostile input found by fuzzing', () => {
  it('a value nested 100,000 deep where a string is expected → invalidData, not a stack overflow', () => {
    const e = thrown(() => parseExperiment({ experiment_id: deep(100_000), name: 'x' }));
    assert.ok(isTrackingError(e, 'invalidData'), String(e));
    assert.match((e as Error).message, /unexpected experiment id: \[…\]/);
    const e2 = thrown(() => parseRun({ info: { run_id: 'r', experiment_id: '1' }, data: { metrics: [{ key: 'k', value: deep(50_000) }] } }));
    assert.ok(isTrackingError(e2, 'invalidData'), String(e2));
  });

  it('a non-integer status number is not a status (was: undefined status)', () => {
    assert.ok(isTrackingError(thrown(() => parseRunStatus(1.5)), 'invalidData'));
    assert.ok(isTrackingError(thrown(() => parseRunStatus(NaN)), 'invalidData'));
    assert.equal(parseRunStatus(3), 'FINISHED');
    assert.equal(parseRunStatus('3'), 'FINISHED');
    assert.equal(parseLoggedModelStatus(1.5), 'LOGGED_MODEL_STATUS_UNSPECIFIED');
    assert.equal(parseLoggedModelStatus(2), 'LOGGED_MODEL_READY');
    // the SQLite row reader falls back to RUNNING, as for any unknown status
    assert.equal(runInfoFromRow(['r', 1, 'n', 'u', 1.5, 1, 2, 'a', 'active']).status, 'RUNNING');
  });

  it('a 400-digit timestamp is no timestamp (was: Infinity)', () => {
    assert.equal(yamlInt('9'.repeat(400)), undefined);
    assert.equal(yamlInt('1795940090570'), 1795940090570);
    assert.equal(optInt('9'.repeat(400)), undefined);
    assert.equal(parseRun({ info: { run_id: 'r', experiment_id: '1', start_time: '9'.repeat(400), status: 'FINISHED' } }).info.startTime, undefined);
  });

  it('a server answering deeply nested JSON gets a TrackingError from the REST store', async () => {
    const body = `{"experiments": [${'['.repeat(200_000)}${']'.repeat(200_000)}]}`;
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const st = new RestStore({ uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, env: {}, retries: 0 });
    try {
      const e = await st.searchExperiments({}).then(
        () => undefined,
        (x: unknown) => x,
      );
      assert.ok(isTrackingError(e, 'invalidData'), String(e));
    } finally {
      st.dispose();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    }
  });
});
