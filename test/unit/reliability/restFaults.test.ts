// The REST client against a misbehaving server (test/support/faultServer.ts), mode by mode: every
// fault ends in a clear TrackingError (kind, the URI, what to do) within a bounded time, the same
// store recovers on the next call once the server heals (real v3 transcript data), nothing leaks as
// an unhandled rejection, and a 100 MB answer is refused with bounded memory.
// Complements test/unit/tracking/rest/faults.test.ts (single-fault unit checks on tiny servers).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isTrackingError, type TrackingError, type TrackingErrorKind } from '../../../src/tracking/errors';
import { RestStore, testConnection, type RestOptions } from '../../../src/tracking/rest/restStore';
import { startFaultServer, type FaultMode, type FaultServer } from '../../support/faultServer';

const RUN_ID = '96c4b9c30fed4b0f8eb24a6fbbb4f592'; // baseline-logreg in the v3 transcripts
// generous enough that a healthy answer on a loaded machine never times out; the slow mode holds answers for 20 s
const TIMEOUT_MS = 2000;
const RETRIES = 2;
const MAX_RETRY_MS = 1500;
/** Worst case of one call: every attempt times out, plus all backoff, plus scheduling slack. */
const CALL_BOUND_MS = TIMEOUT_MS * (RETRIES + 1) + MAX_RETRY_MS + 1500;

async function failure(p: Promise<unknown>): Promise<TrackingError> {
  try {
    await p;
  } catch (e) {
    if (isTrackingError(e)) return e;
    throw new Error(`expected a TrackingError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  throw new Error('expected a TrackingError, the call succeeded');
}

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await p;
  return { value, ms: Date.now() - t0 };
}

function rssSampler(): { stop(): number } {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const iv = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  return {
    stop() {
      clearInterval(iv);
      peak = Math.max(peak, process.memoryUsage().rss);
      return peak - base;
    },
  };
}

interface Expect {
  kind: TrackingErrorKind;
  message: RegExp;
  /** Attempts the client makes for one idempotent call (requests the server sees; 0 when down). */
  attempts: number;
}

const EXPECTED: Record<Exclude<FaultMode, 'healthy' | 'repeatToken' | 'huge'>, Expect> = {
  down: { kind: 'unreachable', message: /connection was refused \(ECONNREFUSED\)/, attempts: 0 },
  reset: { kind: 'unreachable', message: /closed before the answer was complete/, attempts: RETRIES + 1 },
  slow: { kind: 'timeout', message: /did not answer within 2 s/, attempts: 1 },
  http500: { kind: 'server', message: /HTML page \(HTTP 500 Internal Server Error\), not the MLflow API/, attempts: 1 },
  http502: { kind: 'server', message: /HTML page \(HTTP 502 Bad Gateway\), not the MLflow API/, attempts: RETRIES + 1 },
  http503: { kind: 'server', message: /HTML page \(HTTP 503 Service Unavailable\), not the MLflow API/, attempts: RETRIES + 1 },
  auth401: { kind: 'auth', message: /requires sign-in \(HTTP 401 Unauthorized\)/, attempts: 1 },
  auth403: { kind: 'auth', message: /denied access \(HTTP 403 Forbidden\)/, attempts: 1 },
  truncated: { kind: 'server', message: /incomplete or invalid JSON answer/, attempts: 1 },
  malformed: { kind: 'server', message: /incomplete or invalid JSON answer/, attempts: 1 },
};

describe('reliability: REST client against the fault server', function () {
  this.timeout(30000);
  let srv: FaultServer;
  const stores: RestStore[] = [];
  const unhandled: unknown[] = [];
  const trap = (reason: unknown) => unhandled.push(reason);
  const logs: string[] = [];

  function store(extra: Partial<RestOptions> = {}): RestStore {
    const s = new RestStore({
      uri: srv.url,
      env: {},
      timeoutMs: TIMEOUT_MS,
      retries: RETRIES,
      retryBaseDelayMs: 20,
      maxRetryTimeMs: MAX_RETRY_MS,
      log: (level, msg) => logs.push(`${level} ${msg}`),
      ...extra,
    });
    stores.push(s);
    return s;
  }

  before(async () => {
    process.on('unhandledRejection', trap);
    srv = await startFaultServer({ mode: 'healthy', slowMs: 20_000 });
  });

  after(async () => {
    process.off('unhandledRejection', trap);
    await srv.close();
  });

  beforeEach(async () => {
    await srv.setMode('healthy');
    srv.setPathModes({});
    srv.resetCounts();
    logs.length = 0;
  });

  afterEach(async () => {
    for (const s of stores.splice(0)) s.dispose();
    // rejections surface after a turn of the event loop
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(unhandled.map(String), [], 'no unhandled rejection');
  });

  it('healthy: real experiments, runs and metric history from the v3 transcripts', async () => {
    const st = store();
    const names = (await st.searchExperiments({})).items.map((e) => e.name);
    assert.ok(names.includes('iris-classification'), names.join(', '));
    assert.equal((await st.getRun(RUN_ID)).info.runName, 'baseline-logreg');
    assert.equal((await st.getMetricHistory(RUN_ID, 'loss')).length, 50);
  });

  for (const [mode, exp] of Object.entries(EXPECTED) as [keyof typeof EXPECTED, Expect][]) {
    it(`${mode}: ${exp.kind} error naming the URI with a hint, bounded time, then recovery on the next call`, async () => {
      const st = store();
      await srv.setMode(mode);
      // a POST read (retried like a GET), a GET, and the paging loop of get-history
      for (const call of [() => st.searchExperiments({}), () => st.getRun(RUN_ID), () => st.getMetricHistory(RUN_ID, 'loss')]) {
        srv.resetCounts();
        const { value: e, ms } = await timed(failure(call()));
        assert.equal(e.kind, exp.kind, e.message);
        assert.match(e.message, exp.message);
        assert.ok(e.message.includes(srv.url), `the message names the URI: ${e.message}`);
        assert.equal(e.uri, srv.url);
        assert.ok((e.hint ?? '').length > 20, `a hint says what to do: ${e.hint}`);
        assert.ok(e.userMessage.startsWith(e.message) && e.userMessage.length > e.message.length);
        assert.ok(ms < CALL_BOUND_MS, `settled in ${ms} ms (bound ${CALL_BOUND_MS})`);
        assert.equal(srv.count(), exp.attempts, `attempts for one call in mode ${mode}`);
      }
      await srv.setMode('healthy');
      const names = (await st.searchExperiments({})).items.map((e) => e.name);
      assert.ok(names.includes('iris-classification'), `recovered: ${names.join(', ')}`);
      assert.equal((await st.getRun(RUN_ID)).info.runName, 'baseline-logreg');
    });
  }

  it('every fault mode: 20 concurrent calls all settle with TrackingErrors, none unhandled', async () => {
    const st = store({ retries: 1 });
    for (const mode of Object.keys(EXPECTED) as FaultMode[]) {
      await srv.setMode(mode);
      const t0 = Date.now();
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? st.getRun(RUN_ID) : st.searchExperiments({}))));
      for (const r of results) {
        assert.equal(r.status, 'rejected', mode);
        assert.ok(isTrackingError((r as PromiseRejectedResult).reason), `${mode}: ${String((r as PromiseRejectedResult).reason)}`);
      }
      assert.ok(Date.now() - t0 < CALL_BOUND_MS, `${mode}: ${Date.now() - t0} ms`);
    }
    await srv.setMode('healthy');
    assert.equal((await st.getRun(RUN_ID)).info.runId, RUN_ID);
  });

  it('the server heals while a slow call is pending: that call times out, the next one succeeds', async () => {
    const st = store();
    await srv.setMode('slow');
    const pending = failure(st.getRun(RUN_ID));
    await new Promise((r) => setTimeout(r, 100));
    await srv.setMode('healthy');
    assert.equal((await pending).kind, 'timeout');
    assert.equal((await st.getRun(RUN_ID)).info.runName, 'baseline-logreg');
  });

  it('going down and coming back on the same port: refused, then served again', async () => {
    const st = store({ retries: 0 });
    assert.equal((await st.getRun(RUN_ID)).info.runId, RUN_ID);
    await srv.setMode('down');
    assert.equal((await failure(st.getRun(RUN_ID))).kind, 'unreachable');
    await srv.setMode('healthy');
    assert.equal((await st.getRun(RUN_ID)).info.runId, RUN_ID);
  });

  it('testConnection (the "Set Tracking URI" probe) reports each fault as a result, never a throw', async () => {
    for (const mode of Object.keys(EXPECTED) as FaultMode[]) {
      await srv.setMode(mode);
      const r = await testConnection({ uri: srv.url, env: {}, timeoutMs: TIMEOUT_MS, retries: 0 });
      assert.equal(r.ok, false, mode);
      assert.ok(r.error && isTrackingError(r.error), mode);
      assert.ok(r.error.message.includes(srv.url), `${mode}: ${r.error.message}`);
    }
    await srv.setMode('healthy');
    const ok = await testConnection({ uri: srv.url, env: {}, timeoutMs: 2000, retries: 0 });
    assert.deepEqual({ ok: ok.ok, version: ok.version }, { ok: true, version: '3.6.1.dev0' });
  });

  describe('a page token that never changes', () => {
    it('metrics/get-history stops after the repeat (2 requests), with a warning', async () => {
      const st = store();
      await srv.setMode('repeatToken');
      const points = await st.getMetricHistory(RUN_ID, 'loss');
      assert.equal(srv.count('/metrics/get-history'), 2);
      assert.equal(points.length, 100, 'both pages are kept (the server sent them)');
      assert.ok(logs.some((l) => /returned page token .* again; stopping/.test(l)), logs.join('\n'));
    });

    it('sampled history on a server without bulk-interval also terminates', async () => {
      const st = store();
      await srv.setMode('repeatToken');
      srv.setPathModes({ 'get-history-bulk-interval': 'http500' });
      // a 500 HTML page is not "the endpoint is missing": the error is reported, no endless fallback
      const e = await failure(st.getSampledMetricHistory(RUN_ID, 'loss', { maxPoints: 10 }));
      assert.equal(e.kind, 'server');
      srv.setPathModes({});
    });

    it('runs/search hands the token to the caller; a caller that follows it sees the same page again', async () => {
      const st = store();
      await srv.setMode('repeatToken');
      const first = await st.searchRuns({ experimentIds: ['1'] });
      assert.ok(first.nextPageToken, 'a token');
      const second = await st.searchRuns({ experimentIds: ['1'], pageToken: first.nextPageToken });
      assert.equal(second.nextPageToken, first.nextPageToken, 'the token never changes');
      assert.deepEqual(
        second.items.map((r) => r.info.runId),
        first.items.map((r) => r.info.runId),
      );
      // callers must guard (the explorer loads runs page by page on request; experiments with a seen-token check)
    });
  });

  describe('a 100 MB answer', () => {
    for (const chunked of [false, true]) {
      it(`${chunked ? 'chunked (no Content-Length)' : 'with Content-Length'}: refused with a clear error, memory bounded`, async function () {
        this.timeout(60000);
        const big = await startFaultServer({ mode: 'huge', hugeChunked: chunked });
        try {
          const st = new RestStore({ uri: big.url, env: {}, timeoutMs: 20000, retries: 2 });
          stores.push(st);
          const rss = rssSampler();
          const e = await failure(st.searchExperiments({}));
          const grewMb = rss.stop() / 1e6;
          assert.equal(e.kind, 'server');
          assert.match(e.message, /sent an answer of .*(100 MB|more than 64 MB).*the extension stopped reading it/);
          assert.ok(e.message.includes(big.url));
          assert.ok((e.hint ?? '').length > 20);
          assert.equal(big.count(), 1, 'not retried');
          // without the cap the client read all 100 MB and parsed 284,299 experiments: ~440 MB RSS growth
          const limit = chunked ? 180 : 60;
          assert.ok(grewMb < limit, `RSS grew ${grewMb.toFixed(0)} MB (limit ${limit} MB)`);
          await new Promise((r) => setTimeout(r, 200));
          assert.ok(big.hugeBytesSent < 100 * 1024 * 1024, `the client stopped reading (${(big.hugeBytesSent / 1e6).toFixed(0)} MB sent)`);
          // GET /version (plain text) has the same cap
          const v = await failure(st.serverVersion());
          assert.equal(v.kind, 'server');
          await big.setMode('healthy');
          assert.ok((await st.searchExperiments({})).items.length >= 4, 'recovered');
        } finally {
          await big.close();
        }
      });
    }

    it('an answer just under a (lowered) cap is read; just over it is refused', async () => {
      const mid = await startFaultServer({ mode: 'huge', hugeBytes: 2 * 1024 * 1024 });
      try {
        const under = new RestStore({ uri: mid.url, env: {}, maxResponseBytes: 3 * 1024 * 1024, retries: 0 });
        const over = new RestStore({ uri: mid.url, env: {}, maxResponseBytes: 1024 * 1024, retries: 0 });
        stores.push(under, over);
        assert.ok((await under.searchExperiments({})).items.length > 1000);
        assert.match((await failure(over.searchExperiments({}))).message, /2 MB, more than the 1 MB the extension reads/);
      } finally {
        await mid.close();
      }
    });

    it('a 5xx error page of 50 MB is only read far enough to classify it', async () => {
      let written = 0;
      const server = http.createServer((_req, res) => {
        res.writeHead(500, { 'content-type': 'text/html' });
        const chunk = '<p>' + 'x'.repeat(64 * 1024) + '</p>';
        res.write('<!doctype html><html><title>500</title><body>');
        const pump = () => {
          while (written < 50e6) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('</body></html>');
        };
        res.on('error', () => undefined);
        pump();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const st = new RestStore({ uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, env: {}, retries: 0 });
        stores.push(st);
        const rss = rssSampler();
        const e = await failure(st.getRun(RUN_ID));
        const grewMb = rss.stop() / 1e6;
        assert.equal(e.kind, 'server');
        assert.equal(e.status, 500);
        assert.ok(grewMb < 40, `RSS grew ${grewMb.toFixed(0)} MB`);
        assert.ok(written < 50e6, `stopped reading after ${(written / 1e6).toFixed(1)} MB`);
      } finally {
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
      }
    });
  });
});
