// Transport faults, retries, paging guards, cancellation, proxies and HTML answers, against tiny
// local servers (127.0.0.1 only). Small timeouts keep every test fast.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { isTrackingError, type TrackingError } from '../../../../src/tracking/errors';
import { proxiedFileUrl, proxiedRoot } from '../../../../src/tracking/rest/artifactsProxy';
import { retryAfterMs } from '../../../../src/tracking/rest/httpClient';
import { matchesNoProxy, proxyFor } from '../../../../src/tracking/rest/proxy';
import { RestStore, testConnection, type RestOptions } from '../../../../src/tracking/rest/restStore';
import { startReplayServer } from '../../../support/replayServer';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string, n: number) => void;

interface Tiny {
  url: string;
  hits: { method: string; url: string; body: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function tiny(handler: Handler): Promise<Tiny> {
  const hits: Tiny['hits'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
      handler(req, res, body, hits.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function failure(p: Promise<unknown>): Promise<TrackingError> {
  try {
    await p;
  } catch (e) {
    if (isTrackingError(e)) return e;
    throw e;
  }
  throw new Error('expected a TrackingError');
}

const servers: Tiny[] = [];
const stores: RestStore[] = [];
function store(url: string, extra: Partial<RestOptions> = {}): RestStore {
  const s = new RestStore({ uri: url, env: {}, timeoutMs: 2000, retries: 0, retryBaseDelayMs: 10, ...extra });
  stores.push(s);
  return s;
}
async function server(h: Handler): Promise<Tiny> {
  const s = await tiny(h);
  servers.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stores.splice(0)) s.dispose();
  for (const s of servers.splice(0)) await s.close();
});

const EXP = { experiment_id: '1', name: 'e', artifact_location: 'mlflow-artifacts:/1', lifecycle_stage: 'active' };

describe('RestStore transport faults', function () {
  this.timeout(10000);

  it('connection refused → unreachable, naming the URI, with a hint', async () => {
    const s = await tiny(() => undefined);
    await s.close(); // the port is now closed
    const st = store(s.url, { retries: 1 });
    const e = await failure(st.searchExperiments({}));
    assert.equal(e.kind, 'unreachable');
    assert.match(e.message, /ECONNREFUSED/);
    assert.ok(e.message.includes(st.uri));
    assert.match(e.hint ?? '', /mlflow server/);
  });

  it('connection reset mid-body → retried for reads, then unreachable', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"experiments": [');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const st = store(s.url, { retries: 2 });
    const e = await failure(st.getExperiment('1'));
    assert.equal(e.kind, 'unreachable');
    assert.match(e.message, /closed before the answer was complete/);
    assert.equal(s.hits.length, 3, 'one try + two retries');
  });

  it('a server slower than the timeout → kind timeout (not retried)', async () => {
    let answered = false;
    const s = await server((_req, res) => setTimeout(() => ((answered = true), json(res, 200, { experiment: EXP })), 1500));
    const st = store(s.url, { timeoutMs: 150, retries: 2 });
    const e = await failure(st.getExperiment('1'));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /did not answer within 150 ms/);
    assert.equal(answered, false, 'gave up before the server answered');
    assert.equal(s.hits.length, 1);
  });

  it('503 then success → retried (GET), honouring Retry-After', async () => {
    const s = await server((_req, res, _b, n) => (n === 1 ? json(res, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' }, { 'retry-after': '0' }) : json(res, 200, { experiment: EXP })));
    const st = store(s.url, { retries: 3 });
    const e = await st.getExperiment('1');
    assert.equal(e.name, 'e');
    assert.equal(s.hits.length, 2);
  });

  it('429 with a Retry-After longer than the retry budget is not waited for', async () => {
    const s = await server((_req, res) => json(res, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'retry-after': '60' }));
    const st = store(s.url, { retries: 3, maxRetryTimeMs: 500 });
    const e = await failure(st.getExperiment('1'));
    assert.equal(e.status, 429);
    assert.equal(s.hits.length, 1);
  });

  it('searches (POST reads) are retried, writes never', async () => {
    const s = await server((_req, res) => json(res, 502, { error_code: 'X', message: 'bad gateway' }));
    const st = store(s.url, { retries: 2 });
    await failure(st.searchRuns({ experimentIds: ['1'] }));
    assert.equal(s.hits.length, 3);
    await failure(st.deleteRun('r1'));
    assert.equal(s.hits.length, 4, 'the write was sent once');
  });

  it('502 HTML from a reverse proxy → server error that says it is an HTML page, no JSON parse error', async () => {
    const s = await server((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>');
    });
    const st = store(s.url);
    const e = await failure(st.getRun('r'));
    assert.equal(e.kind, 'server');
    assert.equal(e.status, 502);
    assert.match(e.message, /answered with an HTML page \(HTTP 502 Bad Gateway\), not the MLflow API/);
    assert.ok(e.message.includes(st.uri));
    assert.doesNotMatch(e.message, /JSON|token/);
  });

  it('500 HTML body → server error, status kept', async () => {
    const s = await server((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>');
    });
    const e = await failure(store(s.url).getRun('r'));
    assert.equal(e.kind, 'server');
    assert.equal(e.status, 500);
    assert.match(e.message, /HTML page \(HTTP 500/);
  });

  it('200 HTML page (wrong URI, e.g. the UI behind a prefix) → "not the MLflow API" with the URI hint', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><head><title>MLflow</title></head><body><div id="root"></div></body></html>');
    });
    const e = await failure(store(s.url).searchExperiments({}));
    assert.equal(e.kind, 'server');
    assert.match(e.userMessage, /answered with an HTML page \(HTTP 200\), not the MLflow API\. Is the tracking URI right\? It should be the address of mlflow server, including any path prefix\./);
  });

  it('a login page (SSO proxy) → kind auth', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Sign in</title></head><body><form action="/login"><input type="password" name="p"></form></body></html>');
    });
    const e = await failure(store(s.url).searchExperiments({}));
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /sign-in page/);
  });

  it('truncated JSON → server error about an incomplete answer', async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"experiments": [{"experiment_id": "1", "na');
    });
    const e = await failure(store(s.url).searchExperiments({}));
    assert.equal(e.kind, 'server');
    assert.match(e.message, /incomplete or invalid JSON answer/);
  });

  it('403 "Invalid Host header" (MLflow 3.5+) → auth with an --allowed-hosts hint', async () => {
    const s = await server((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Invalid Host header - possible DNS rebinding attack detected');
    });
    const e = await failure(store(s.url).getExperiment('0'));
    assert.equal(e.kind, 'auth');
    assert.match(e.hint ?? '', /--allowed-hosts/);
  });

  it('cancellation via AbortSignal → kind cancelled, quickly', async () => {
    let answered = false;
    const s = await server((_req, res) => setTimeout(() => ((answered = true), json(res, 200, { experiment: EXP })), 1500));
    const st = store(s.url, { timeoutMs: 5000 });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const e = await failure(st.getExperiment('1', { signal: ctl.signal }));
    assert.equal(e.kind, 'cancelled');
    assert.equal(answered, false, 'settled before the server answered');
    const e2 = await failure(st.getExperiment('1', { signal: AbortSignal.abort() }));
    assert.equal(e2.kind, 'cancelled');
  });

  it('cancellation during the retry backoff', async () => {
    const s = await server((_req, res) => json(res, 503, { error_code: 'X', message: 'busy' }, { 'retry-after': '2' }));
    const st = store(s.url, { retries: 3 });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    const e = await failure(st.getExperiment('1', { signal: ctl.signal }));
    assert.equal(e.kind, 'cancelled');
  });

  it('a bad CA file → unreachable with a hint naming the setting', async () => {
    const e = await failure(store('https://127.0.0.1:1', { caFile: '/nonexistent/ca.pem' }).getExperiment('1'));
    assert.equal(e.kind, 'unreachable');
    assert.match(e.hint ?? '', /mlflow\.tls\.caFile/);
  });
});

describe('RestStore paging guards and sampling', function () {
  this.timeout(10000);

  it('get-history always sends max_results and follows page tokens', async () => {
    const s = await server((req, res) => {
      const u = new URL(req.url!, 'http://x');
      assert.equal(u.searchParams.get('max_results'), '25000');
      const tok = u.searchParams.get('page_token');
      if (!tok) json(res, 200, { metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }], next_page_token: 'p2' });
      else json(res, 200, { metrics: [{ key: 'loss', value: 'NaN', timestamp: 2, step: 1 }] });
    });
    const m = await store(s.url).getMetricHistory('r', 'loss');
    assert.equal(m.length, 2);
    assert.ok(Number.isNaN(m[1].value));
  });

  it('a repeated page token stops the loop', async () => {
    const s = await server((_req, res) => json(res, 200, { metrics: [{ key: 'loss', value: 1, timestamp: 1, step: 0 }], next_page_token: 'same' }));
    const logs: string[] = [];
    const m = await store(s.url, { log: (_l, msg) => logs.push(msg) }).getMetricHistory('r', 'loss');
    assert.equal(s.hits.length, 2);
    assert.equal(m.length, 2);
    assert.ok(logs.some((l) => /again/.test(l)));
  });

  it('an empty page that still has a token stops the loop (3.x omitted-max_results bug)', async () => {
    const s = await server((_req, res) => json(res, 200, { next_page_token: 'eyJvZmZzZXQiOiAwfQ==' }));
    const m = await store(s.url).getMetricHistory('r', 'loss');
    assert.deepEqual(m, []);
    assert.equal(s.hits.length, 1);
  });

  it('sampled history uses get-history-bulk-interval; after a 404 HTML it samples on the client and remembers', async () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ key: 'loss', value: i % 7, timestamp: i, step: i - 3 }));
    const s = await server((req, res) => {
      if (req.url!.includes('bulk-interval')) {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>404 Not Found</title>');
      } else json(res, 200, { metrics: points });
    });
    const st = store(s.url);
    const a = await st.getSampledMetricHistory('r', 'loss', { maxPoints: 10 });
    assert.ok(a.length <= 12 && a.length >= 4, String(a.length));
    assert.ok(a.every((p) => p.step >= 0), 'negative steps excluded by default, like the server');
    assert.equal(a[0].step, 0);
    assert.equal(a.at(-1)!.step, 96);
    assert.equal(a[0].runId, 'r');
    const b = await st.getSampledMetricHistory('r', 'loss', { maxPoints: 10, startStep: -3, endStep: 5 });
    assert.equal(b[0].step, -3, 'an explicit range includes negative steps');
    assert.equal(s.hits.filter((h) => h.url.includes('bulk-interval')).length, 1, 'the 404 is remembered');
  });

  it('bulk-interval request: run_ids, metric_key, capped max_results, both range ends', async () => {
    const s = await server((_req, res) => json(res, 200, { metrics: [{ key: 'k', value: 1, timestamp: 1, step: 5, run_id: 'r' }] }));
    await store(s.url).getSampledMetricHistory('r', 'k', { maxPoints: 10000, startStep: 5 });
    const u = new URL(s.hits[0].url, 'http://x');
    assert.equal(u.pathname, '/api/2.0/mlflow/metrics/get-history-bulk-interval');
    assert.deepEqual(u.searchParams.getAll('run_ids'), ['r']);
    assert.equal(u.searchParams.get('max_results'), '2500');
    assert.equal(u.searchParams.get('start_step'), '5');
    assert.equal(u.searchParams.get('end_step'), '9223372036854775807');
  });

  it('keeps the path prefix, sends JSON bodies with Content-Type, repeats GET keys', async () => {
    const s = await server((req, res) => {
      if (req.url!.includes('registered-models')) json(res, 200, {});
      else json(res, 200, {});
    });
    const st = store(`${s.url}/mlflow/`, { headers: { 'X-Extra': 'yes' } });
    await st.searchExperiments({ orderBy: ['name ASC'] });
    await st.searchRegisteredModels({ orderBy: ['name ASC', 'timestamp DESC'] });
    assert.equal(s.hits[0].url, '/mlflow/api/2.0/mlflow/experiments/search');
    assert.equal(s.hits[0].headers['content-type'], 'application/json');
    assert.equal(s.hits[0].headers['x-extra'], 'yes');
    assert.equal(s.hits[0].headers.origin, undefined);
    assert.deepEqual(JSON.parse(s.hits[0].body), { max_results: 1000, order_by: ['name ASC'] });
    const u = new URL(s.hits[1].url, 'http://x');
    assert.equal(u.pathname, '/mlflow/api/2.0/mlflow/registered-models/search');
    assert.deepEqual(u.searchParams.getAll('order_by'), ['name ASC', 'timestamp DESC']);
    assert.equal(u.searchParams.get('max_results'), '100');
  });

  it('bearer token is sent; credentials never reach another origin named by an artifact root', async () => {
    const other = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hi');
    });
    const s = await server((_req, res) => json(res, 200, {}));
    const st = store(s.url, { auth: { type: 'bearer', token: 'tok-123' } });
    await st.getMetricHistory('r', 'k');
    assert.equal(s.hits[0].headers.authorization, 'Bearer tok-123');
    const root = `${other.url}/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts`;
    const chunks: Buffer[] = [];
    for await (const c of await st.readArtifact({ type: 'run', id: 'r', rootUri: root }, 'a b.txt')) chunks.push(Buffer.from(c));
    assert.equal(Buffer.concat(chunks).toString(), 'hi');
    assert.equal(other.hits[0].url, '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/a%20b.txt');
    assert.equal(other.hits[0].headers.authorization, undefined);
  });

  it('uploadArtifact PUTs the bytes (streamed) and is not retried', async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const st = store(s.url, { retries: 3 });
    async function* gen() {
      yield Buffer.from('hello ');
      yield Buffer.from('world');
    }
    await st.uploadArtifact({ type: 'run', id: 'r', rootUri: 'mlflow-artifacts:/1/r/artifacts' }, 'dir/ü.txt', gen(), 'text/plain');
    assert.equal(s.hits[0].method, 'PUT');
    assert.equal(s.hits[0].url, '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/dir/%C3%BC.txt');
    assert.equal(s.hits[0].body, 'hello world');
    assert.equal(s.hits[0].headers['content-type'], 'text/plain');
    const e = await failure(st.uploadArtifact({ type: 'run', id: 'r', rootUri: 's3://b/x' }, 'f.txt', Buffer.from('x')));
    assert.equal(e.kind, 'unsupported');
  });

  it('probe(): version then a 1-result search; an HTML root is reported as not the MLflow API', async () => {
    const s = await server((req, res) => {
      if (req.url === '/version') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('3.6.1');
      } else json(res, 200, { experiments: [EXP] });
    });
    const r = await testConnection({ uri: s.url, env: {}, retries: 0 });
    assert.deepEqual({ ok: r.ok, version: r.version }, { ok: true, version: '3.6.1' });
    assert.deepEqual(JSON.parse(s.hits[1].body), { max_results: 1 });
    const html = await server((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>404 Not Found</title><h1>Not Found</h1>');
    });
    const r2 = await testConnection({ uri: html.url, env: {}, retries: 0 });
    assert.equal(r2.ok, false);
    assert.match(r2.error!.userMessage, /HTML page \(HTTP 404 Not Found\), not the MLflow API\. Is the tracking URI right\?/);
  });

  it('capabilities: logged models only on 3.x servers', async () => {
    const s2 = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('2.17.3.dev0');
    });
    assert.equal((await store(s2.url).capabilities()).loggedModels, false);
  });
});

describe('RestStore artifacts with non-ASCII names (replayed v3)', () => {
  it('goes to /get-artifact for runs instead of the proxied route that fails on real servers', async () => {
    const srv = await startReplayServer(['v3']);
    try {
      const st = store(srv.url);
      const e = await failure(
        (async () => {
          for await (const _ of await st.readArtifact({ type: 'run', id: '96c4b9c30fed4b0f8eb24a6fbbb4f592', rootUri: 'mlflow-artifacts:/1/96c4b9c30fed4b0f8eb24a6fbbb4f592/artifacts' }, 'reports/my report ✓.txt')) {
            // drain
          }
        })(),
      );
      // not recorded: the replay answers Flask's 404 page, which the store reports as such
      assert.equal(e.kind, 'server');
      const r = srv.requests.at(-1)!;
      assert.equal(r.path, '/get-artifact');
      assert.deepEqual(r.query, { path: ['reports/my report ✓.txt'], run_uuid: ['96c4b9c30fed4b0f8eb24a6fbbb4f592'] });
    } finally {
      await srv.close();
    }
  });

  it('a logged model file with a non-ASCII name reports a clear error', async () => {
    const srv = await startReplayServer(['v3']);
    try {
      const st = store(srv.url);
      const e = await failure(st.readArtifact({ type: 'loggedModel', id: 'm-9b7b90efe9844abca3cae5929b16e0f4', rootUri: 'mlflow-artifacts:/1/models/m-9b7b90efe9844abca3cae5929b16e0f4/artifacts' }, 'ü.txt'));
      assert.match(e.message, /non-ASCII/);
      assert.ok(e.message.includes(st.uri));
    } finally {
      await srv.close();
    }
  });
});

describe('proxy support', function () {
  this.timeout(10000);

  it('proxyFor: explicit proxy, env fallback by scheme, NO_PROXY', () => {
    assert.equal(proxyFor('https://a.example.com', { proxy: 'proxy:3128' }), 'http://proxy:3128');
    assert.equal(proxyFor('https://a.example.com', { env: { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://q:2' } }), 'http://p:1');
    assert.equal(proxyFor('http://a.example.com', { env: { HTTPS_PROXY: 'http://p:1', http_proxy: 'http://q:2' } }), 'http://q:2');
    assert.equal(proxyFor('http://a.example.com', { env: { ALL_PROXY: 'http://r:3' } }), 'http://r:3');
    assert.equal(proxyFor('http://a.example.com', {}), undefined);
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'localhost,.corp.example,10.0.0.0/8,b.example.com:8443' };
    assert.equal(proxyFor('https://mlflow.corp.example', { env }), undefined);
    assert.equal(proxyFor('https://corp.example', { env }), undefined);
    assert.equal(proxyFor('https://10.1.2.3', { env }), undefined);
    assert.equal(proxyFor('https://b.example.com:8443', { env }), undefined);
    assert.equal(proxyFor('https://b.example.com', { env }), 'http://p:1');
    assert.equal(proxyFor('https://localhost:5000', { env, proxy: 'http://x:1' }), undefined, 'NO_PROXY applies to the explicit proxy too');
    assert.ok(matchesNoProxy(new URL('http://anything'), '*'));
    assert.ok(!matchesNoProxy(new URL('http://notcorp.example'), '.corp.example'));
  });

  it('requests go through an HTTP proxy (CONNECT tunnel) with proxy credentials', async () => {
    const target = await server((_req, res) => json(res, 200, { experiment: EXP }));
    const seen: string[] = [];
    let proxyAuth: string | undefined;
    const proxy = http.createServer((req, res) => {
      // absolute-form forwarding (used by clients that do not tunnel plain http)
      seen.push(`${req.method} ${req.url}`);
      const u = new URL(req.url!);
      const up = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    const tunnels: net.Socket[] = [];
    proxy.on('connect', (req, socket, head) => {
      seen.push(`CONNECT ${req.url}`);
      tunnels.push(socket as net.Socket);
      proxyAuth = req.headers['proxy-authorization'];
      const [host, port] = req.url!.split(':');
      const up = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        up.write(head);
        up.pipe(socket);
        socket.pipe(up);
      });
      up.on('error', () => socket.destroy());
      socket.on('error', () => up.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const pport = (proxy.address() as AddressInfo).port;
    try {
      const logs: string[] = [];
      const st = store(target.url, { proxy: `http://user:pr0xy-secret@127.0.0.1:${pport}`, log: (_l, m) => logs.push(m) });
      const e = await st.getExperiment('1');
      assert.equal(e.experimentId, '1');
      assert.equal(seen.length, 1, seen.join());
      assert.match(seen[0], /^(CONNECT 127\.0\.0\.1:\d+|GET http:\/\/127\.0\.0\.1:\d+\/api\/2\.0\/mlflow\/experiments\/get\?experiment_id=1)$/);
      if (seen[0].startsWith('CONNECT')) assert.equal(proxyAuth, `Basic ${Buffer.from('user:pr0xy-secret').toString('base64')}`);
      assert.equal(target.hits.length, 1);
      assert.ok(!logs.join('\n').includes('pr0xy-secret'));
      // env fallback (HTTP_PROXY) works the same, and NO_PROXY bypasses it
      const st2 = store(target.url, { env: { HTTP_PROXY: `http://127.0.0.1:${pport}` } });
      await st2.getExperiment('1');
      assert.equal(seen.length, 2);
      const st3 = store(target.url, { env: { HTTP_PROXY: `http://127.0.0.1:${pport}`, NO_PROXY: '127.0.0.1' } });
      await st3.getExperiment('1');
      assert.equal(seen.length, 2, 'NO_PROXY bypassed the proxy');
    } finally {
      for (const t of tunnels) t.destroy();
      await new Promise<void>((r) => {
        proxy.close(() => r());
        proxy.closeAllConnections();
      });
    }
  });

  it('a proxy that refuses the tunnel → unreachable with a proxy hint; 407 → auth', async () => {
    const proxy = http.createServer();
    let status = 502;
    proxy.on('connect', (_req, socket) => socket.end(`HTTP/1.1 ${status} Nope\r\n\r\n`));
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const pport = (proxy.address() as AddressInfo).port;
    try {
      const e = await failure(store('http://127.0.0.1:9', { proxy: `http://127.0.0.1:${pport}` }).getExperiment('1'));
      assert.equal(e.kind, 'unreachable', e.message);
      assert.match(e.hint ?? '', /proxy/);
      status = 407;
      const e2 = await failure(store('http://127.0.0.1:9', { proxy: `http://127.0.0.1:${pport}` }).getExperiment('1'));
      assert.equal(e2.kind, 'auth', e2.message);
    } finally {
      await new Promise<void>((r) => {
        proxy.close(() => r());
        proxy.closeAllConnections();
      });
    }
  });
});

describe('rest helpers', () => {
  it('maps mlflow-artifacts roots to proxied URLs', () => {
    const tracking = new URL('https://mlflow.example.com/prefix');
    assert.deepEqual(proxiedRoot('mlflow-artifacts:/1/abc/artifacts'), { path: '1/abc/artifacts' });
    assert.deepEqual(proxiedRoot('mlflow-artifacts://other:5001/1/abc/artifacts'), { host: 'other:5001', path: '1/abc/artifacts' });
    assert.deepEqual(proxiedRoot('mlflow-artifacts:///1/x'), { path: '1/x' });
    assert.equal(proxiedRoot('s3://bucket/1/abc/artifacts'), undefined);
    assert.equal(proxiedRoot('file:///tmp/mlruns/1/abc/artifacts'), undefined);
    assert.deepEqual(proxiedRoot('http://h:5000/p/api/2.0/mlflow-artifacts/artifacts/1/a%20b/artifacts'), { base: 'http://h:5000/p', path: '1/a b/artifacts' });
    assert.deepEqual(proxiedFileUrl(proxiedRoot('mlflow-artifacts:/1/r/artifacts')!, 'my dir/ü #1.txt', tracking), {
      url: '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/my%20dir/%C3%BC%20%231.txt',
      sameOrigin: true,
    });
    assert.deepEqual(proxiedFileUrl(proxiedRoot('mlflow-artifacts://other:5001/1/r/artifacts')!, 'f', tracking), {
      url: 'https://other:5001/prefix/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/f',
      sameOrigin: false,
    });
  });

  it('reads Retry-After as seconds or a date', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6_000);
    assert.equal(retryAfterMs('soon'), undefined);
  });
});
