// A local misbehaving MLflow-like server (127.0.0.1 only) for fault tests: unit (REST client),
// extension host (explorer) and benches. One port for its whole life; the mode decides how every
// request is answered and can be changed at any time ("the server heals"):
//
//   const srv = await startFaultServer({ mode: 'reset' });
//   … new RestStore({ uri: srv.url }) … → TrackingError
//   await srv.setMode('healthy');   // now answers from the recorded v3 transcripts
//   srv.count('/runs/search')       // requests seen (all modes), for "how many calls" checks
//   await srv.close();
//
// Modes:
//   healthy      real answers: requests are forwarded to a lenient replay server of
//                test/fixtures/mlflow/transcripts/<dirs> (default v3), so recovery shows real data
//   down         the port is closed (listener stopped, open sockets destroyed); leaving the mode
//                listens on the same port again
//   reset        200 with a Content-Length, part of the JSON body, then the socket is destroyed
//   slow         answers (healthy) only after `slowMs` (default 60 s): longer than any test timeout
//   http500 / http502 / http503   HTML error pages (Flask/uvicorn, nginx, HAProxy)
//   auth401 / auth403             HTML sign-in / access-denied pages (SSO proxy in front of MLflow)
//   truncated    200 application/json: the real answer cut in half (Content-Length of the half)
//   malformed    200 application/json: the real answer with broken syntax
//   repeatToken  real answers, but runs/search, metrics/get-history and experiments/search always
//                carry the same next_page_token (the page_token sent is ignored)
//   huge         200 application/json of `hugeBytes` (default 100 MB) of valid JSON, generated and
//                streamed with backpressure (never held in memory); with Content-Length unless
//                `hugeChunked`
//
// `modes` may map a path substring to a mode, overriding the global mode for matching requests
// (e.g. { '/registered-models/': 'healthy' }).
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { startReplayServer, type ReplayServer } from './replayServer';

export type FaultMode =
  | 'healthy'
  | 'down'
  | 'reset'
  | 'slow'
  | 'http500'
  | 'http502'
  | 'http503'
  | 'auth401'
  | 'auth403'
  | 'truncated'
  | 'malformed'
  | 'repeatToken'
  | 'huge';

export const FAULT_MODES: readonly FaultMode[] = [
  'down',
  'reset',
  'slow',
  'http500',
  'http502',
  'http503',
  'auth401',
  'auth403',
  'truncated',
  'malformed',
  'repeatToken',
  'huge',
];

export interface FaultServerOptions {
  mode?: FaultMode;
  /** Transcript dirs the healthy answers come from (default ['v3']). */
  transcripts?: string[];
  /** How long `slow` waits before answering (default 60000 ms). */
  slowMs?: number;
  /** Size of the `huge` answer (default 100 MB). */
  hugeBytes?: number;
  /** `huge` without Content-Length (chunked transfer encoding). */
  hugeChunked?: boolean;
  /** Per-path overrides: the first key contained in the request path wins. */
  modes?: Record<string, FaultMode>;
  /** The constant token of `repeatToken`. */
  repeatedToken?: string;
  log?: (line: string) => void;
}

export interface FaultRequest {
  method: string;
  path: string;
  mode: FaultMode;
  at: number;
}

export interface FaultServer {
  readonly url: string;
  readonly port: number;
  readonly mode: FaultMode;
  /** Changes how the next requests are answered. Resolves once the port is in the wanted state. */
  setMode(mode: FaultMode): Promise<void>;
  setPathModes(modes: Record<string, FaultMode>): void;
  /** Every request seen, in order (not those refused while `down`). */
  readonly requests: FaultRequest[];
  /** Requests whose path contains `pathPart` (all when omitted). */
  count(pathPart?: string): number;
  resetCounts(): void;
  /** Bytes written by `huge` answers so far (to tell whether a client stopped reading). */
  readonly hugeBytesSent: number;
  close(): Promise<void>;
}

const REPEAT_PATHS = ['/runs/search', '/metrics/get-history', '/experiments/search'];

export const HTML_PAGES = {
  http500:
    '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n',
  http502:
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n',
  http503:
    '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n',
  auth401:
    '<!DOCTYPE html><html><head><title>Sign in - Company SSO</title></head><body><form method="post" action="/oauth2/sign_in"><input type="text" name="username"><input type="password" name="password"><button>Sign in</button></form></body></html>',
  auth403:
    '<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body><h1>Access denied</h1><p>You do not have access to this resource. <a href="/login">Log in</a> with another account.</p></body></html>',
} as const;

/** A valid JSON document of exactly `bytes` bytes (>= 64), produced in chunks. */
function hugeJson(bytes: number, topKey: string): Readable {
  const head = `{"${topKey}": [`;
  const tail = ']}';
  const item = (i: number) =>
    `{"experiment_id": "${i}", "name": "padding-${i}", "artifact_location": "mlflow-artifacts:/${i}", "lifecycle_stage": "active", "tags": [{"key": "k", "value": "${'x'.repeat(200)}"}]}`;
  let sent = 0;
  let i = 0;
  let done = false;
  return new Readable({
    read() {
      if (done) return;
      let chunk = '';
      if (sent === 0) chunk = head;
      while (chunk.length < 64 * 1024) {
        const left = bytes - sent - chunk.length - tail.length;
        const next = (i === 0 ? '' : ', ') + item(i);
        if (next.length <= left) {
          chunk += next;
          i++;
          continue;
        }
        // fill the rest with whitespace (valid JSON between array elements), then close
        const pad = Math.min(left, 64 * 1024);
        chunk += ' '.repeat(Math.max(0, pad));
        if (left - pad <= 0) {
          chunk += tail;
          done = true;
        }
        break;
      }
      sent += chunk.length;
      this.push(chunk);
      if (done) this.push(null);
    },
  });
}

export async function startFaultServer(opts: FaultServerOptions = {}): Promise<FaultServer> {
  const log = opts.log ?? (() => undefined);
  const slowMs = opts.slowMs ?? 60_000;
  const hugeBytes = opts.hugeBytes ?? 100 * 1024 * 1024;
  const token = opts.repeatedToken ?? 'eyJvZmZzZXQiOiAxfQ==';
  let mode: FaultMode = opts.mode ?? 'healthy';
  let pathModes: Record<string, FaultMode> = { ...(opts.modes ?? {}) };
  const requests: FaultRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let hugeBytesSent = 0;
  let replay: ReplayServer | undefined;
  let closed = false;

  const replayServer = async (): Promise<ReplayServer> => (replay ??= await startReplayServer(opts.transcripts ?? ['v3'], { lenient: true }));

  /** The healthy answer of the replay server (body buffered: transcripts are small). */
  async function forward(
    req: http.IncomingMessage,
    body: Buffer,
    rewrite?: { dropPageToken: boolean },
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const r = await replayServer();
    const u = new URL(req.url ?? '/', 'http://x');
    let out = body;
    if (rewrite?.dropPageToken) {
      u.searchParams.delete('page_token');
      if (body.length) {
        try {
          const j = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
          delete j.page_token;
          out = Buffer.from(JSON.stringify(j));
        } catch {
          // not JSON: forward as is
        }
      }
    }
    const headers = { ...req.headers };
    delete headers.host;
    delete headers['content-length'];
    delete headers.connection;
    if (out.length) headers['content-length'] = String(out.length);
    return new Promise((resolve, reject) => {
      const up = http.request(`${r.url}${u.pathname}${u.search}`, { method: req.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      up.on('error', reject);
      up.end(out);
    });
  }

  function send(res: http.ServerResponse, status: number, headers: http.IncomingHttpHeaders, body: Buffer): void {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined || /^(content-length|transfer-encoding|connection|keep-alive|date)$/i.test(k)) continue;
      h[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    h['content-length'] = String(body.length);
    res.writeHead(status, h);
    res.end(body);
  }

  function html(res: http.ServerResponse, status: number, page: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(page)), ...extra });
    res.end(page);
  }

  function modeFor(p: string): FaultMode {
    for (const [k, m] of Object.entries(pathModes)) if (p.includes(k)) return m;
    return mode;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const m = modeFor(u.pathname);
    requests.push({ method: req.method ?? 'GET', path: u.pathname, mode: m, at: Date.now() });
    switch (m) {
      case 'healthy':
      case 'down': {
        // 'down' only applies to new connections; a request already on an open socket is answered
        const r = await forward(req, body);
        return send(res, r.status, r.headers, r.body);
      }
      case 'slow': {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, slowMs);
          timers.add(t);
          res.on('close', () => {
            clearTimeout(t);
            timers.delete(t);
            resolve();
          });
        });
        if (res.destroyed || res.writableEnded || closed) return;
        const r = await forward(req, body);
        if (!res.destroyed) send(res, r.status, r.headers, r.body);
        return;
      }
      case 'reset': {
        const r = await forward(req, body);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Math.max(r.body.length, 64) + 1000) });
        res.write(r.body.subarray(0, Math.max(1, Math.floor(r.body.length / 2))));
        const t = setTimeout(() => {
          timers.delete(t);
          req.socket.destroy();
        }, 10);
        timers.add(t);
        return;
      }
      case 'http500':
        return html(res, 500, HTML_PAGES.http500);
      case 'http502':
        return html(res, 502, HTML_PAGES.http502);
      case 'http503':
        return html(res, 503, HTML_PAGES.http503);
      case 'auth401':
        return html(res, 401, HTML_PAGES.auth401);
      case 'auth403':
        return html(res, 403, HTML_PAGES.auth403);
      case 'truncated': {
        const r = await forward(req, body);
        const text = r.body.length > 2 ? r.body : Buffer.from('{"experiments": [{"experiment_id": "0", "name": "Default"}]}');
        return send(res, 200, { 'content-type': 'application/json' }, text.subarray(0, Math.floor(text.length / 2)));
      }
      case 'malformed': {
        const r = await forward(req, body);
        let text = r.body.length > 2 ? r.body.toString('utf8') : '{"experiments": []}';
        // a missing value, a stray comma and an unquoted key: JSON.parse must refuse it
        text = text.replace(/:/, ': ,').replace(/\{/, '{ oops: 1, ');
        return send(res, 200, { 'content-type': 'application/json' }, Buffer.from(text));
      }
      case 'repeatToken': {
        const repeat = REPEAT_PATHS.some((p) => u.pathname.endsWith(p));
        const r = await forward(req, body, { dropPageToken: repeat });
        if (!repeat || r.status !== 200) return send(res, r.status, r.headers, r.body);
        let j: Record<string, unknown>;
        try {
          j = JSON.parse(r.body.toString('utf8')) as Record<string, unknown>;
        } catch {
          return send(res, r.status, r.headers, r.body);
        }
        j.next_page_token = token;
        return send(res, 200, { 'content-type': 'application/json' }, Buffer.from(JSON.stringify(j)));
      }
      case 'huge': {
        const isVersion = u.pathname === '/version';
        const headers: Record<string, string> = { 'content-type': isVersion ? 'text/plain' : 'application/json' };
        if (!opts.hugeChunked) headers['content-length'] = String(hugeBytes);
        res.writeHead(200, headers);
        const src = hugeJson(hugeBytes, u.pathname.includes('/runs/') ? 'runs' : u.pathname.includes('/metrics/') ? 'metrics' : 'experiments');
        src.on('data', (c: string | Buffer) => (hugeBytesSent += c.length));
        res.on('close', () => src.destroy());
        src.pipe(res);
        return;
      }
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks)).catch((e: unknown) => {
        log(`[fault] internal error: ${String(e)}`);
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(599, { 'content-type': 'text/plain' });
          res.end(`fault server error: ${String(e)}`);
        } else res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 2000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, s) => s.destroy());

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  if (mode === 'down') await stop();

  return {
    url,
    port,
    get mode() {
      return mode;
    },
    async setMode(next: FaultMode) {
      const prev = mode;
      mode = next;
      log(`[fault] mode ${prev} -> ${next}`);
      if (next === 'down' && server.listening) await stop();
      else if (next !== 'down' && !server.listening && !closed) await listen(port);
    },
    setPathModes(modes: Record<string, FaultMode>) {
      pathModes = { ...modes };
    },
    requests,
    count(pathPart?: string) {
      return pathPart === undefined ? requests.length : requests.filter((r) => r.path.includes(pathPart)).length;
    },
    resetCounts() {
      requests.length = 0;
    },
    get hugeBytesSent() {
      return hugeBytesSent;
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await stop();
      await replay?.close();
      replay = undefined;
    },
  };
}
