// The HTTP transport of the REST backend: undici with our own Agent/ProxyAgent (TLS CA file,
// insecure mode, proxy), per-attempt timeouts, cancellation, and retries with exponential backoff
// and jitter (honouring Retry-After) for idempotent calls only.
//
// Retry policy (decided here, see RestOptions.retries):
//  * retried: GET requests and POST requests the caller marks `idempotent` (the search endpoints,
//    which only read); on HTTP 429/502/503/504 and on connection errors (refused, reset, connect
//    timeout, temporary DNS failure);
//  * never retried: writes (runs/delete, set-tag, artifact upload …), our own request timeout (a
//    slow server would only get slower), 500s (MLflow answers 500 for deterministic failures such
//    as a missing artifact), TLS and DNS-not-found errors;
//  * bounded: at most `retries` extra attempts and `maxRetryTimeMs` of waiting in total; a
//    Retry-After longer than what is left of that budget ends the retries.

import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { TrackingError, isTrackingError } from '../errors';
import { parseLenientJson } from '../lenientJson';
import { authorizationHeader, redactUri, scrubSecrets, type RestAuth } from './auth';
import {
  badJsonAnswer,
  cancelledError,
  headerValue,
  httpError,
  isRetryableTransport,
  looksLikeHtml,
  timeoutError,
  transportError,
  type ErrorContext,
} from './classify';
import { proxyFor } from './proxy';

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;

export interface HttpClientOptions {
  /** http(s)://host[:port][/prefix]; userinfo is ignored here (pass `auth`). */
  baseUrl: string;
  auth?: RestAuth;
  headers?: Record<string, string>;
  caFile?: string;
  insecure?: boolean;
  /** Explicit proxy; when undefined, `proxyEnv` (HTTPS_PROXY/HTTP_PROXY/NO_PROXY) decides. */
  proxy?: string;
  proxyEnv?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Largest JSON/text answer read into memory (default 64 MiB); larger ones fail with kind 'server'. Streams are not capped. */
  maxResponseBytes?: number;
  retries?: number;
  /** First backoff delay; doubles per attempt, plus up to the same again of jitter. */
  retryBaseDelayMs?: number;
  /** Upper bound of one backoff delay. */
  retryMaxDelayMs?: number;
  /** Upper bound of all waiting between attempts of one call. */
  maxRetryTimeMs?: number;
  log?: LogFn;
  userAgent?: string;
}

export type QueryValue = string | number | boolean | undefined | readonly (string | number | boolean)[];

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  /** Path relative to the tracking URI (`/api/2.0/mlflow/runs/get`), or an absolute http(s) URL. */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON body (sent with Content-Type: application/json). */
  json?: unknown;
  /** Raw body (artifact upload). */
  body?: Uint8Array | AsyncIterable<Uint8Array>;
  contentType?: string;
  /** Reads that may be retried. Default: true for GET, false otherwise. */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** Send credentials (default true; false for absolute URLs on another origin). */
  withAuth?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

const DEFAULT_TIMEOUT = 30_000;
const DEFAULT_MAX_RESPONSE = 64 * 1024 * 1024;
/** Error pages are only read this far: enough to classify them. */
const MAX_ERROR_BODY = 64 * 1024;

function sizeLabel(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}

function tooLargeError(ctx: ErrorContext, limit: number, length?: number): TrackingError {
  const size = length === undefined ? `more than ${sizeLabel(limit)}` : `${sizeLabel(length)}, more than the ${sizeLabel(limit)} the extension reads`;
  return new TrackingError('server', `The server at ${ctx.uri} sent an answer of ${size}${ctx.request ? ` to ${ctx.request}` : ''}; the extension stopped reading it.`, {
    uri: ctx.uri,
    hint: 'Check that the tracking URI is the address of `mlflow server`; for a very large search, lower mlflow.runsPageSize.',
  });
}

/**
 * The body as text, reading at most `limit` bytes. Past the limit the body is destroyed and, unless
 * `truncate` (error pages: the head is enough), a 'server' TrackingError is thrown.
 */
async function readBodyCapped(res: Dispatcher.ResponseData, ctx: ErrorContext, limit: number, truncate = false): Promise<string> {
  const body = res.body;
  const declared = headerValue(res.headers, 'content-length');
  if (!truncate && declared && /^\d+$/.test(declared) && Number(declared) > limit) {
    body.destroy();
    throw tooLargeError(ctx, limit, Number(declared));
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    if (total + b.length > limit) {
      body.destroy();
      if (!truncate) throw tooLargeError(ctx, limit);
      chunks.push(b.subarray(0, limit - total));
      total = limit;
      break;
    }
    chunks.push(b);
    total += b.length;
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After in ms (seconds or an HTTP date), or undefined. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export class HttpClient {
  readonly base: URL;
  /** Path prefix of the tracking URI without a trailing slash ('' for none). */
  readonly prefix: string;
  /** Redacted tracking URI for messages. */
  readonly displayUri: string;
  private dispatcher?: Dispatcher;
  private readonly proxyUrl?: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly retries: number;
  private readonly secrets: string[];
  private closed = false;

  constructor(private readonly opts: HttpClientOptions) {
    let url: URL;
    try {
      url = new URL(opts.baseUrl);
    } catch {
      throw new TrackingError('invalidRequest', `"${redactUri(opts.baseUrl)}" is not a valid tracking server URI.`, {
        hint: 'Use an address like http://localhost:5000 or https://mlflow.example.com/prefix.',
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TrackingError('unsupported', `The REST backend needs an http(s):// tracking URI, not ${url.protocol}.`, { uri: redactUri(opts.baseUrl) });
    }
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    url.pathname = url.pathname.replace(/\/+$/, '');
    this.base = url;
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.displayUri = redactUri(url.toString());
    this.timeoutMs = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_TIMEOUT;
    this.maxResponseBytes = opts.maxResponseBytes && opts.maxResponseBytes > 0 ? opts.maxResponseBytes : DEFAULT_MAX_RESPONSE;
    this.retries = Math.max(0, Math.min(10, opts.retries ?? 3));
    this.proxyUrl = proxyFor(url, { proxy: opts.proxy, env: opts.proxyEnv });
    this.secrets = [];
    if (opts.auth?.type === 'basic') this.secrets.push(opts.auth.password, Buffer.from(`${opts.auth.username}:${opts.auth.password}`).toString('base64'));
    if (opts.auth?.type === 'bearer') this.secrets.push(opts.auth.token);
    if (this.proxyUrl) {
      try {
        const p = new URL(this.proxyUrl);
        if (p.password) this.secrets.push(decodeURIComponent(p.password));
      } catch {
        // invalid proxy URL: reported on first use
      }
    }
  }

  get proxyDisplay(): string | undefined {
    return this.proxyUrl ? redactUri(this.proxyUrl) : undefined;
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', msg: string): void {
    this.opts.log?.(level, scrubSecrets(msg, this.secrets));
  }

  private getDispatcher(): Dispatcher {
    if (this.dispatcher) return this.dispatcher;
    let ca: string | undefined;
    if (this.opts.caFile) {
      try {
        ca = fs.readFileSync(this.opts.caFile, 'utf8');
      } catch (e) {
        throw new TrackingError('unreachable', `Cannot read the CA certificate file ${this.opts.caFile}: ${(e as Error).message}.`, {
          uri: this.displayUri,
          hint: 'Fix the mlflow.tls.caFile setting: it should name a PEM file.',
          cause: e,
        });
      }
    }
    const tls = { ...(ca ? { ca } : {}), ...(this.opts.insecure ? { rejectUnauthorized: false } : {}) };
    const common = {
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connectTimeout: Math.min(this.timeoutMs, 30_000),
      keepAliveTimeout: 4_000,
    };
    if (this.proxyUrl) {
      try {
        this.dispatcher = new ProxyAgent({ uri: this.proxyUrl, requestTls: tls, ...common });
      } catch (e) {
        throw new TrackingError('unreachable', `The proxy setting "${redactUri(this.proxyUrl)}" is not a valid proxy URL.`, {
          uri: this.displayUri,
          hint: 'Fix http.proxy (or HTTPS_PROXY/HTTP_PROXY): it should look like http://proxy.example.com:3128.',
          cause: e,
        });
      }
    } else {
      this.dispatcher = new Agent({ connect: tls, ...common });
    }
    return this.dispatcher;
  }

  /** Full URL of a request (path relative to the tracking URI keeps its prefix). */
  urlFor(path: string, query?: Record<string, QueryValue>): URL {
    const url = /^https?:\/\//i.test(path) ? new URL(path) : new URL(this.base.toString());
    if (!/^https?:\/\//i.test(path)) url.pathname = `${this.prefix}${path.startsWith('/') ? '' : '/'}${path}`;
    if (query) {
      for (const [k, v] of Object.entries(query)) {
        if (v === undefined) continue;
        for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
      }
    }
    return url;
  }

  private context(req: HttpRequest, url: URL): ErrorContext {
    return {
      uri: this.displayUri,
      request: `${req.method} ${url.pathname}`,
      timeoutMs: this.timeoutMs,
      authenticated: !!authorizationHeader(this.opts.auth) && req.withAuth !== false,
      proxy: this.proxyDisplay,
    };
  }

  private headersFor(req: HttpRequest, url: URL): Record<string, string> {
    const h: Record<string, string> = {
      accept: 'application/json, */*;q=0.5',
      'user-agent': this.opts.userAgent ?? 'mlflow-vscode',
    };
    const sameOrigin = url.origin === this.base.origin;
    for (const [k, v] of Object.entries(this.opts.headers ?? {})) if (sameOrigin) h[k.toLowerCase()] = v;
    const authz = authorizationHeader(this.opts.auth);
    if (authz && req.withAuth !== false && sameOrigin && h.authorization === undefined) h.authorization = authz;
    if (req.json !== undefined) h['content-type'] = 'application/json';
    else if (req.body !== undefined) h['content-type'] = req.contentType ?? 'application/octet-stream';
    return h;
  }

  /**
   * Sends the request (with retries for idempotent ones) and hands a 2xx response to `consume`
   * (which reads the body, or keeps it for streaming). Non-2xx answers become TrackingErrors.
   * Failures inside `consume` (a connection cut mid-body, the deadline) are classified and retried
   * like failures before the answer.
   */
  async send<T>(req: HttpRequest, consume: (res: Dispatcher.ResponseData, ctx: ErrorContext, clearDeadline: () => void) => Promise<T>, opts: { keepOpen?: boolean } = {}): Promise<{ value: T; release: () => void }> {
    if (this.closed) throw new TrackingError('cancelled', `The connection to ${this.displayUri} was closed.`, { uri: this.displayUri });
    const url = this.urlFor(req.path, req.query);
    const ctx = this.context(req, url);
    const idempotent = (req.idempotent ?? req.method === 'GET') && req.body === undefined;
    const dispatcher = this.getDispatcher();
    const headers = this.headersFor(req, url);
    const jsonBody = req.json === undefined ? undefined : JSON.stringify(req.json);
    const baseDelay = this.opts.retryBaseDelayMs ?? 300;
    const maxDelay = this.opts.retryMaxDelayMs ?? 5_000;
    let budget = this.opts.maxRetryTimeMs ?? 15_000;
    const started = Date.now();

    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw cancelledError(ctx, req.signal.reason);
      const ctl = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        ctl.abort(new Error('timeout'));
      }, this.timeoutMs);
      const onUserAbort = () => ctl.abort(req.signal?.reason);
      req.signal?.addEventListener('abort', onUserAbort, { once: true });
      const clearDeadline = () => clearTimeout(timer);
      const release = () => {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onUserAbort);
      };
      let retryWait: number | undefined;
      let failure: TrackingError;
      let keep = false;
      this.log('debug', `${req.method} ${url.pathname}${url.search}${attempt ? ` (attempt ${attempt + 1})` : ''}`);
      try {
        const body =
          jsonBody ??
          (req.body === undefined ? undefined : req.body instanceof Uint8Array ? req.body : Readable.from(req.body as AsyncIterable<Uint8Array>));
        const res = await request(url, { method: req.method, headers, body, signal: ctl.signal, dispatcher });
        if (res.statusCode >= 200 && res.statusCode < 300) {
          const value = await consume(res, ctx, clearDeadline);
          this.log('debug', `${req.method} ${url.pathname} -> ${res.statusCode} (${Date.now() - started} ms)`);
          keep = !!opts.keepOpen;
          return { value, release };
        }
        let text = '';
        try {
          text = await readBodyCapped(res, ctx, MAX_ERROR_BODY, true);
        } catch {
          // the error body is best effort
        }
        failure = httpError(res.statusCode, res.headers, text, ctx);
        this.log(res.statusCode >= 500 ? 'warn' : 'debug', `${req.method} ${url.pathname} -> ${res.statusCode}: ${failure.message}`);
        if (RETRY_STATUSES.has(res.statusCode)) retryWait = retryAfterMs(headerValue(res.headers, 'retry-after')) ?? -1;
      } catch (e) {
        if (req.signal?.aborted) throw cancelledError(ctx, e);
        if (timedOut) {
          failure = timeoutError(ctx, e);
        } else if (isTrackingError(e)) {
          throw e;
        } else {
          failure = transportError(e, ctx);
          if (isRetryableTransport(e)) retryWait = -1;
        }
        this.log('warn', `${req.method} ${url.pathname} failed: ${failure.message}`);
      } finally {
        if (!keep) release();
      }
      if (retryWait === undefined || !idempotent || attempt >= this.retries) throw failure;
      const backoff = Math.min(maxDelay, baseDelay * 2 ** attempt) + Math.random() * baseDelay;
      const wait = retryWait >= 0 ? retryWait : backoff;
      if (wait > budget) throw failure;
      budget -= wait;
      this.log('info', `retrying ${req.method} ${url.pathname} in ${Math.round(wait)} ms: ${failure.message}`);
      try {
        await sleep(wait, req.signal);
      } catch (e) {
        throw cancelledError(ctx, e);
      }
    }
  }

  /** A JSON call; the parsed object of a 2xx answer. */
  async json(req: HttpRequest): Promise<Record<string, unknown>> {
    const { value } = await this.send(req, async (res, ctx) => {
      const text = await readBodyCapped(res, ctx, this.maxResponseBytes);
      const contentType = headerValue(res.headers, 'content-type');
      if (text.trim() === '' && contentType && /json/i.test(contentType)) return {};
      if (looksLikeHtml(contentType, text) || text.trim() === '') throw badJsonAnswer(res.statusCode, contentType, text, ctx);
      let parsed: unknown;
      try {
        parsed = parseLenientJson(text, { nonFinite: 'string' });
      } catch (e) {
        throw badJsonAnswer(res.statusCode, contentType, text, ctx, e);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badJsonAnswer(res.statusCode, contentType, text, ctx);
      return parsed as Record<string, unknown>;
    });
    return value;
  }

  /** A call answered with plain text (GET /version). */
  async text(req: HttpRequest): Promise<{ text: string; contentType?: string; status: number }> {
    const { value } = await this.send(req, async (res, ctx) => ({
      text: await readBodyCapped(res, ctx, this.maxResponseBytes),
      contentType: headerValue(res.headers, 'content-type'),
      status: res.statusCode,
    }));
    return value;
  }

  /** Streams a 2xx body. The request timeout covers the wait for headers; afterwards the dispatcher's idle (body) timeout applies. */
  async stream(req: HttpRequest): Promise<{ body: AsyncIterable<Uint8Array>; headers: Record<string, string | string[] | undefined>; length?: number }> {
    let ctxOut: ErrorContext | undefined;
    const { value: res, release } = await this.send(
      req,
      async (r, ctx, clearDeadline) => {
        clearDeadline();
        ctxOut = ctx;
        return r;
      },
      { keepOpen: true },
    );
    const ctx = ctxOut as ErrorContext;
    const signal = req.signal;
    const body = res.body;
    const lengthHeader = headerValue(res.headers, 'content-length');
    const log = (m: string) => this.log('warn', m);
    async function* iterate(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of body) yield chunk as Uint8Array;
      } catch (e) {
        if (signal?.aborted) throw cancelledError(ctx, e);
        if (isTrackingError(e)) throw e;
        const code = (e as { code?: string })?.code;
        const err = code === 'UND_ERR_BODY_TIMEOUT' ? timeoutError(ctx, e) : transportError(e, ctx);
        log(`download interrupted: ${err.message}`);
        throw err;
      } finally {
        release();
        if (!body.destroyed) body.destroy();
      }
    }
    return { body: iterate(), headers: res.headers, length: lengthHeader && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined };
  }

  async close(): Promise<void> {
    this.closed = true;
    const d = this.dispatcher;
    this.dispatcher = undefined;
    if (d) await d.close().catch(() => undefined);
  }
}
