// A local HTTP server that replays the real MLflow transcripts of test/fixtures/mlflow/transcripts:
// "a local server replaying real transcripts" for unit, extension-host and UI tests.
//
//   const srv = await startReplayServer(['v3']);          // or ['v3-auth', 'v3'], ['v2-filestore'] …
//   … new RestStore({ uri: srv.url }) …
//   srv.unmatched()   // requests nothing was recorded for (answered 404 HTML, like Flask)
//   await srv.close();
//
// Matching: method + path (percent-decoded; /ajax-api/2.0 and /api/2.0 are twins, as on a real
// server) + query (as a multimap, order of keys free, order of repeated values kept) + JSON body
// (deep equality, key order free) for non-GET requests. Recorded requests that carried an
// `Origin` or `Host` header match only requests with that header — except that answers < 400
// (e.g. a localhost Origin) also serve requests without it.
//
// State: the transcripts were recorded in order, with writes (runs/delete, set-tag …) from ~110
// on. When several recorded answers match, the one recorded in the same "state" (after the same
// last write) as the server's current state wins; replaying a write advances the state. So
// getRun → deleteRun → getRun answers "active" then "deleted" when the transcripts say so.
//
// Bodies: binary bodies were recorded as length/sha256/base64 head — the real file from
// test/fixtures/mlflow/stores is served when one with that sha256 exists, else the head alone (header
// `x-replay-body: truncated`). Text artifacts the recorder parsed as JSON are served from the real
// file when found, else re-serialized. 10,000-point metric bodies were elided ({"_elided": N}):
// they are rebuilt from the real store (server SQLite db or mlruns metric file) when the rebuilt
// list agrees with the recorded head, tail and count; otherwise the recorded points alone are
// served with `x-replay-body: elided`. A recorded transport error (v2's dropped connection on a
// non-ASCII artifact name) is replayed by destroying the socket.
//
// Auth (`*-auth` dirs): every route but /health needs HTTP Basic credentials of a known user
// (admin — v3 `password1234`, v2 `password` — plus the users the transcripts create); missing or
// wrong ones get the recorded 401 (text/html, WWW-Authenticate: Basic realm="mlflow"). A valid
// user matches that user's recorded requests, and any request of the non-auth dirs also given.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { MLFLOW_FIXTURES_DIR, transcripts, type Transcript } from './fixtures';

export interface ReplayOptions {
  host?: string;
  port?: number;
  /** username → password for auth dirs (added to the defaults). */
  users?: Record<string, string>;
  /** When nothing matches exactly, also try ignoring `max_results` (answers are not trimmed). For UI tests. */
  lenient?: boolean;
  /** Rebuild elided/partial bodies from test/fixtures/mlflow/stores (default true). */
  realBodies?: boolean;
  /** Delay every answer by this many ms (for loading-state tests). */
  delayMs?: number;
  log?: (line: string) => void;
}

export interface ReplayedRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  body: unknown;
  headers: http.IncomingHttpHeaders;
  /** `<dir>/<file>` of the transcript that answered, undefined when none matched. */
  matched?: string;
  status: number | null;
  /** Why nothing matched, or how the body was produced. */
  note?: string;
}

export interface ReplayServer {
  url: string;
  port: number;
  requests: ReplayedRequest[];
  /** Requests that matched no transcript. */
  unmatched(): ReplayedRequest[];
  /** Back to the initial state (before any write) and an empty request log. */
  reset(): void;
  close(): Promise<void>;
}

interface Entry {
  dir: string;
  ver: 'v2' | 'v3';
  idx: number;
  t: Transcript & { auth_user?: string | null; transport_error?: string };
  method: string;
  path: string;
  query: Record<string, string[]>;
  body: unknown;
  condHeaders: Record<string, string>;
  isWrite: boolean;
  /** idx of the last successful write recorded before this entry (same dir). */
  segment: number;
  authDir: boolean;
}

const WRITE_PATH = /\/(delete|restore|update|set-tag|delete-tag|create|log-[a-z-]+|permissions|alias|outputs|set-experiment-tag|delete-experiment-tag)(\/|$)|\/mlflow-artifacts\/artifacts\//;

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

function twinPath(p: string): string {
  return p.replace(/^\/ajax-api\/(\d\.0)\//, '/api/$1/');
}

function recordedQuery(q: Transcript['query']): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!q) return out;
  for (const [k, v] of Object.entries(q)) out[k] = (Array.isArray(v) ? v : [v]).map((x) => String(x));
  return out;
}

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

function sameQuery(a: Record<string, string[]>, b: Record<string, string[]>, ignore: string[] = []): boolean {
  const ka = Object.keys(a).filter((k) => !ignore.includes(k)).sort();
  const kb = Object.keys(b).filter((k) => !ignore.includes(k)).sort();
  if (ka.join('\u0000') !== kb.join('\u0000')) return false;
  return ka.every((k) => a[k].join('\u0000') === b[k].join('\u0000'));
}

function withoutKeys(body: unknown, keys: string[]): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const o = { ...(body as Record<string, unknown>) };
  for (const k of keys) delete o[k];
  return o;
}

/** JSON.stringify that keeps -0 (MLflow's file store sends `-0.0`; JSON.stringify(-0) is "0"). */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? '__REPLAY_NEG_ZERO__' : x)).replace(/"__REPLAY_NEG_ZERO__"/g, '-0.0');
}

const FLASK_404 =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

const DEFAULT_PASSWORDS: Record<'v2' | 'v3', string> = { v2: 'password', v3: 'password1234' };

// ---- real bodies from test/fixtures/mlflow/stores ----

const shaIndexCache = new Map<string, Map<string, string>>();

function walkFiles(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function shaIndex(ver: string): Map<string, string> {
  let idx = shaIndexCache.get(ver);
  if (idx) return idx;
  idx = new Map();
  for (const f of walkFiles(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver))) {
    if (f.endsWith('.db') || fs.statSync(f).size > 20_000_000) continue;
    idx.set(crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex'), f);
  }
  shaIndexCache.set(ver, idx);
  return idx;
}

/** Candidate real files for an artifact download request. */
function artifactFileCandidates(ver: string, reqPath: string, query: Record<string, string[]>): string[] {
  const stores = path.join(MLFLOW_FIXTURES_DIR, 'stores', ver);
  const m = /^\/api\/2\.0\/mlflow-artifacts\/artifacts\/(.+)$/.exec(twinPath(reqPath));
  if (m) return [path.join(stores, 'server', 'mlartifacts', m[1])];
  if (reqPath === '/get-artifact' && query.path && (query.run_uuid || query.run_id)) {
    const run = (query.run_uuid ?? query.run_id)[0];
    const out: string[] = [];
    for (const base of [path.join(stores, 'server', 'mlartifacts'), path.join(stores, 'mlruns'), path.join(stores, 'sqlite', 'mlruns')]) {
      if (!fs.existsSync(base)) continue;
      for (const exp of fs.readdirSync(base)) out.push(path.join(base, exp, run, 'artifacts', query.path[0]));
    }
    return out;
  }
  return [];
}

let sqlPromise: Promise<unknown> | undefined;

interface SqlDb {
  exec(sql: string, params?: unknown[]): { columns: string[]; values: unknown[][] }[];
  close(): void;
}

async function openSqlite(file: string): Promise<SqlDb | undefined> {
  try {
    const init = require('sql.js') as (cfg?: unknown) => Promise<{ Database: new (data: Uint8Array) => SqlDb }>;
    sqlPromise ??= init();
    const SQL = (await sqlPromise) as { Database: new (data: Uint8Array) => SqlDb };
    return new SQL.Database(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

type Point = Record<string, unknown>;

/** All points of a metric from the real store behind a transcript dir, or undefined. */
async function realHistory(dir: string, ver: string, runId: string, key: string): Promise<Point[] | undefined> {
  const stores = path.join(MLFLOW_FIXTURES_DIR, 'stores', ver);
  if (dir.endsWith('-filestore')) {
    const base = path.join(stores, 'mlruns');
    if (!fs.existsSync(base)) return undefined;
    for (const exp of fs.readdirSync(base)) {
      const f = path.join(base, exp, runId, 'metrics', ...key.split('/'));
      if (!fs.existsSync(f)) continue;
      return fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => {
          const [ts, v, step] = l.trim().split(/\s+/);
          const value = v === 'nan' ? 'NaN' : v === 'inf' ? 'Infinity' : v === '-inf' ? '-Infinity' : Number(v);
          return { key, value, timestamp: Number(ts), step: Number(step ?? 0) };
        });
    }
    return undefined;
  }
  const db = await openSqlite(path.join(stores, 'server', 'mlflow.db'));
  if (!db) return undefined;
  try {
    const res = db.exec('SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY timestamp, step, value', [runId, key]);
    if (!res.length) return [];
    return res[0].values.map(([value, timestamp, step, isNan]) => ({
      key,
      value: isNan ? 'NaN' : value,
      timestamp: Number(timestamp),
      step: Number(step),
    }));
  } finally {
    db.close();
  }
}

/** Rebuilds a `{metrics: [...head, {_elided: N}, ...tail]}` body, or undefined when the store disagrees. */
async function rebuildElided(e: Entry): Promise<unknown> {
  const body = e.t.response_body as { metrics?: Point[]; next_page_token?: string };
  const list = body.metrics ?? [];
  const at = list.findIndex((p) => typeof p._elided === 'number');
  if (at < 0) return undefined;
  const head = list.slice(0, at);
  const tail = list.slice(at + 1);
  const total = head.length + tail.length + (list[at]._elided as number);
  const runId = String(e.query.run_id?.[0] ?? e.query.run_uuid?.[0] ?? '');
  const key = String(e.query.metric_key?.[0] ?? '');
  const all = await realHistory(e.dir, e.ver, runId, key);
  if (!all || all.length !== total) return undefined;
  const rebuilt = all.map((p) => ({ ...p, ...(head[0] && 'run_id' in head[0] ? { run_id: runId } : {}) }));
  const agree = (a: Point[], b: Point[]) => canonical(a) === canonical(b);
  if (!agree(rebuilt.slice(0, head.length), head) || !agree(rebuilt.slice(rebuilt.length - tail.length), tail)) return undefined;
  return { ...body, metrics: rebuilt };
}

// ---- the server ----

export async function startReplayServer(dirs: string[], opts: ReplayOptions = {}): Promise<ReplayServer> {
  const entries: Entry[] = [];
  const users: Record<string, string> = {};
  for (const dir of dirs) {
    const ver: 'v2' | 'v3' = dir.startsWith('v2') ? 'v2' : 'v3';
    const authDir = dir.endsWith('-auth');
    let lastWrite = 0;
    for (const t of transcripts(dir) as Entry['t'][]) {
      const idx = Number(t.file.slice(0, 3));
      const condHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(t.request_headers ?? {})) if (/^(origin|host)$/i.test(k)) condHeaders[k.toLowerCase()] = v;
      const isWrite =
        t.method !== 'GET' && t.method !== 'OPTIONS' && typeof t.status === 'number' && t.status < 400 && WRITE_PATH.test(t.path) && !/\/search$/.test(t.path);
      entries.push({
        dir,
        ver,
        idx,
        t,
        method: t.method,
        path: decodePath(t.path),
        query: recordedQuery(t.query),
        body: t.body,
        condHeaders,
        isWrite,
        segment: lastWrite,
        authDir,
      });
      if (isWrite) lastWrite = idx;
      if (authDir && /\/users\/create$/.test(t.path) && t.body && typeof t.body === 'object') {
        const b = t.body as { username?: string; password?: string };
        if (b.username && b.password && t.status === 200) users[b.username] = b.password;
      }
    }
    if (authDir) users.admin ??= DEFAULT_PASSWORDS[ver];
  }
  Object.assign(users, opts.users ?? {});
  const authMode = entries.some((e) => e.authDir);
  const unauthorized = entries.find((e) => e.authDir && e.t.status === 401);
  const notFoundPage = entries.find((e) => e.t.status === 404 && typeof e.t.response_body === 'string' && /<title>404/.test(e.t.response_body));
  const phase = new Map<string, number>();
  const requests: ReplayedRequest[] = [];
  const log = opts.log ?? (() => undefined);

  function pick(cands: Entry[]): Entry {
    const score = (e: Entry) => {
      const p = phase.get(e.dir) ?? 0;
      if (e.segment === p) return 3e6 + e.idx;
      if (e.segment < p) return 2e6 + e.segment;
      return 1e6 - e.segment;
    };
    return [...cands].sort((a, b) => score(b) - score(a) || a.idx - b.idx)[0];
  }

  function findMatch(
    method: string,
    reqPath: string,
    query: Record<string, string[]>,
    body: unknown,
    bodyLength: number,
    headers: http.IncomingHttpHeaders,
    user: string | undefined,
  ): { entry?: Entry; note?: string } {
    const p = decodePath(reqPath);
    const pool = entries.filter((e) => {
      if (e.t.status === 401 && e.authDir) return false;
      if (e.authDir && (e.t.auth_user ?? undefined) !== user) return false;
      return e.method === method && (e.path === p || twinPath(e.path) === twinPath(p));
    });
    if (!pool.length) return { note: `no transcript for ${method} ${p}` };
    const exactPath = (cands: Entry[]) => {
      const exact = cands.filter((e) => e.path === p);
      return exact.length ? exact : cands;
    };
    const bodyMatches = (e: Entry, ignore: string[]) => {
      if (method === 'GET' || method === 'OPTIONS' || method === 'HEAD') return true;
      const rb = e.body as Record<string, unknown> | null;
      if (rb && typeof rb === 'object' && typeof rb._raw_upload_bytes === 'number') return true; // uploads: any bytes
      return canonical(withoutKeys(e.body ?? null, ignore)) === canonical(withoutKeys(body ?? null, ignore));
    };
    const headersMatch = (e: Entry, strict: boolean) =>
      Object.entries(e.condHeaders).every(([k, v]) => String(headers[k] ?? '') === v) || (!strict && (e.t.status ?? 999) < 400);
    for (const ignore of opts.lenient ? [[], ['max_results']] : [[]]) {
      for (const strict of [true, false]) {
        const cands = pool.filter((e) => sameQuery(e.query, query, ignore) && bodyMatches(e, ignore) && headersMatch(e, strict));
        if (!cands.length) continue;
        if (!ignore.length) return { entry: pick(exactPath(cands)) };
        // lenient: prefer the same max_results, then none recorded (server default), then successful answers
        const want = method === 'GET' ? query.max_results?.[0] : (body as Record<string, unknown> | null)?.max_results;
        const rank = (e: Entry) => {
          const rec = method === 'GET' ? e.query.max_results?.[0] : (e.body as Record<string, unknown> | null)?.max_results;
          return (String(rec) === String(want) ? 0 : rec === undefined ? 1 : 2) * 2 + ((e.t.status ?? 999) < 400 ? 0 : 1);
        };
        const best = Math.min(...cands.map(rank));
        return { entry: pick(exactPath(cands.filter((e) => rank(e) === best))), note: 'lenient (max_results ignored)' };
      }
    }
    void bodyLength;
    const near = pool[0];
    return {
      note: `no transcript matched ${method} ${p} query=${JSON.stringify(query)} body=${JSON.stringify(body)?.slice(0, 300)}; nearest recorded: ${near.dir}/${near.t.file} query=${JSON.stringify(near.query)} body=${JSON.stringify(near.body)?.slice(0, 300)}`,
    };
  }

  async function bodyFor(e: Entry, query: Record<string, string[]>): Promise<{ data: Buffer; note?: string }> {
    const rb = e.t.response_body;
    const ct = String(e.t.response_headers?.['content-type'] ?? e.t.response_headers?.['Content-Type'] ?? '');
    const real = opts.realBodies !== false;
    if (rb && typeof rb === 'object' && (rb as { _binary?: boolean })._binary) {
      const b = rb as { length: number; sha256: string; head_base64: string };
      if (real) {
        const f = shaIndex(e.ver).get(b.sha256);
        if (f) return { data: fs.readFileSync(f), note: 'real file' };
      }
      return { data: Buffer.from(b.head_base64, 'base64'), note: `truncated; recorded length ${b.length}` };
    }
    if (rb && typeof rb === 'object' && Array.isArray((rb as { metrics?: unknown[] }).metrics) && (rb as { metrics: Point[] }).metrics.some((m) => m && typeof m._elided === 'number')) {
      if (real) {
        const rebuilt = await rebuildElided(e);
        if (rebuilt) return { data: Buffer.from(toJson(rebuilt)), note: 'rebuilt from the real store' };
      }
      const kept = { ...(rb), metrics: (rb as { metrics: Point[] }).metrics.filter((m) => typeof m._elided !== 'number') };
      return { data: Buffer.from(toJson(kept)), note: 'elided' };
    }
    if (rb === null || rb === undefined) return { data: Buffer.alloc(0) };
    if (typeof rb === 'string') {
      if (real && !/json/i.test(ct)) {
        for (const f of artifactFileCandidates(e.ver, e.t.path, query)) {
          if (fs.existsSync(f) && fs.statSync(f).isFile() && fs.readFileSync(f, 'utf8') === rb) return { data: fs.readFileSync(f), note: 'real file' };
        }
      }
      return { data: Buffer.from(rb, 'utf8') };
    }
    if (!/json/i.test(ct) && real) {
      // a JSON artifact the recorder parsed: prefer the real file's exact bytes
      for (const f of artifactFileCandidates(e.ver, e.t.path, query)) {
        try {
          if (fs.existsSync(f) && canonical(JSON.parse(fs.readFileSync(f, 'utf8'))) === canonical(rb)) return { data: fs.readFileSync(f), note: 'real file' };
        } catch {
          // not JSON
        }
      }
    }
    return { data: Buffer.from(toJson(rb), 'utf8'), note: /json/i.test(ct) ? undefined : 're-serialized' };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://replay.invalid');
        const query: Record<string, string[]> = {};
        for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
        const raw = Buffer.concat(chunks);
        let body: unknown = null;
        if (raw.length && /json/i.test(String(req.headers['content-type'] ?? ''))) {
          try {
            body = JSON.parse(raw.toString('utf8'));
          } catch {
            body = raw.toString('utf8');
          }
        } else if (raw.length) body = { _raw_upload_bytes: raw.length };
        const method = req.method ?? 'GET';
        const logEntry: ReplayedRequest = { method, path: decodePath(url.pathname), query, body, headers: req.headers, status: null };
        requests.push(logEntry);
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));

        let user: string | undefined;
        if (authMode && url.pathname !== '/health') {
          const m = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
          const [u, ...rest] = m ? Buffer.from(m[1], 'base64').toString('utf8').split(':') : [];
          if (u !== undefined && users[u] !== undefined && users[u] === rest.join(':')) user = u;
          if (!user) {
            const rb = unauthorized?.t.response_body;
            logEntry.status = 401;
            logEntry.matched = unauthorized ? `${unauthorized.dir}/${unauthorized.t.file}` : undefined;
            logEntry.note = m ? 'wrong credentials' : 'no credentials';
            res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'www-authenticate': 'Basic realm="mlflow"' });
            res.end(typeof rb === 'string' ? rb : 'You are not authenticated.');
            return;
          }
        }

        const { entry, note } = findMatch(method, url.pathname, query, body, raw.length, req.headers, user);
        if (!entry) {
          logEntry.status = 404;
          logEntry.note = note;
          log(`[replay] 404 ${note}`);
          const page = typeof notFoundPage?.t.response_body === 'string' ? notFoundPage.t.response_body : FLASK_404;
          res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'x-replay-unmatched': '1' });
          res.end(page);
          return;
        }
        logEntry.matched = `${entry.dir}/${entry.t.file}`;
        if (entry.isWrite) phase.set(entry.dir, entry.idx);
        if (entry.t.status === null || entry.t.status === undefined) {
          logEntry.note = `transport error: ${entry.t.transport_error ?? 'connection dropped'}`;
          req.socket.destroy();
          return;
        }
        const { data, note: bodyNote } = await bodyFor(entry, query);
        logEntry.status = entry.t.status;
        logEntry.note = [note, bodyNote].filter(Boolean).join('; ') || undefined;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(entry.t.response_headers ?? {})) {
          if (/^(content-length|transfer-encoding|connection|server|date|keep-alive)$/i.test(k)) continue;
          headers[k.toLowerCase()] = String(v);
        }
        headers['content-length'] = String(data.length);
        headers['x-replay-transcript'] = encodeURIComponent(logEntry.matched);
        if (bodyNote && bodyNote !== 'real file') headers['x-replay-body'] = bodyNote;
        log(`[replay] ${entry.t.status} ${method} ${url.pathname} <- ${logEntry.matched}${logEntry.note ? ` (${logEntry.note})` : ''}`);
        res.writeHead(entry.t.status, headers);
        res.end(method === 'HEAD' ? undefined : data);
      })().catch((err: unknown) => {
        log(`[replay] internal error: ${String(err)}`);
        if (!res.headersSent) res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`replay server error: ${String(err)}`);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    requests,
    unmatched: () => requests.filter((r) => !r.matched && r.status !== 401),
    reset: () => {
      phase.clear();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
