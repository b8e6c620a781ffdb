// Turns transport failures and non-2xx answers of a tracking server into TrackingErrors whose
// message names the server and says what to do. Never includes credentials (callers pass a
// redacted URI).

import { TrackingError, type TrackingErrorKind } from '../errors';

export interface ErrorContext {
  /** Redacted tracking URI, named in every message. */
  uri: string;
  /** The request, for messages (`GET /api/2.0/mlflow/runs/get`). Never contains credentials. */
  request?: string;
  timeoutMs?: number;
  /** Credentials were sent with the request. */
  authenticated?: boolean;
  /** Via a proxy (redacted URL). */
  proxy?: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE']);
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const CONNECT_TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/** The first error code found along the `cause` chain (undici wraps socket errors). */
export function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 6; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' && c !== 'UND_ERR_ABORTED' && c !== 'ABORT_ERR') return c;
    // AggregateError (happy eyeballs): look at the first inner error
    const inner = (cur as { errors?: unknown[] }).errors;
    if (Array.isArray(inner) && inner.length) {
      const ic = errorCode(inner[0]);
      if (ic) return ic;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorText(e: unknown): string {
  const parts: string[] = [];
  for (let cur: unknown = e, depth = 0; cur && depth < 6; depth++) {
    const m = (cur as { message?: unknown }).message;
    if (typeof m === 'string' && m && !parts.includes(m)) parts.push(m);
    cur = (cur as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}

/** Connection-level failures worth retrying for idempotent calls. */
export function isRetryableTransport(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && (RESET_CODES.has(code) || REFUSED_CODES.has(code) || CONNECT_TIMEOUT_CODES.has(code) || code === 'EAI_AGAIN');
}

export function cancelledError(ctx: ErrorContext, cause?: unknown): TrackingError {
  return new TrackingError('cancelled', `The request to ${ctx.uri} was cancelled.`, { uri: ctx.uri, cause });
}

export function timeoutError(ctx: ErrorContext, cause?: unknown): TrackingError {
  const secs = ctx.timeoutMs === undefined ? '' : ` within ${ctx.timeoutMs >= 1000 ? `${Math.round(ctx.timeoutMs / 100) / 10} s` : `${ctx.timeoutMs} ms`}`;
  return new TrackingError('timeout', `The MLflow server at ${ctx.uri} did not answer${secs}${ctx.request ? ` (${ctx.request})` : ''}.`, {
    uri: ctx.uri,
    hint: 'Check that the server is running and reachable, or raise the mlflow.requestTimeout setting if it is just slow.',
    cause,
  });
}

/** A failure before or while receiving an answer (no HTTP status). */
export function transportError(e: unknown, ctx: ErrorContext): TrackingError {
  const code = errorCode(e);
  const text = errorText(e);
  const uri = ctx.uri;
  const viaProxy = ctx.proxy ? ` through the proxy ${ctx.proxy}` : '';
  const proxyStatus = /Proxy response \((\d+)\)/i.exec(text);
  if (proxyStatus) {
    const st = Number(proxyStatus[1]);
    return new TrackingError(st === 407 ? 'auth' : 'unreachable', `The proxy ${ctx.proxy ?? ''} refused to connect to ${uri} (HTTP ${st}).`.replace('  ', ' '), {
      uri,
      status: st,
      hint:
        st === 407
          ? 'The proxy needs credentials: put them in the proxy URL (http://user:password@proxy:port) or set http.proxy accordingly.'
          : 'Check the proxy settings (http.proxy, HTTPS_PROXY, NO_PROXY).',
      cause: e,
    });
  }
  if (code && TLS_CODES.has(code)) {
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(text)) {
      return new TrackingError('unreachable', `The server at ${uri} did not answer with TLS (${code}).`, {
        uri,
        hint: 'If the server speaks plain HTTP, use an http:// tracking URI instead of https://.',
        cause: e,
      });
    }
    return new TrackingError('unreachable', `The TLS certificate of ${uri} could not be verified (${code}).`, {
      uri,
      hint: 'If the server uses a private certificate authority, set mlflow.tls.caFile to its PEM file; for a test server only, turn on mlflow.tls.insecure.',
      cause: e,
    });
  }
  if (code && REFUSED_CODES.has(code)) {
    return new TrackingError('unreachable', `Could not connect to the MLflow server at ${uri}${viaProxy}: the connection was refused (${code}).`, {
      uri,
      hint: 'Is `mlflow server` running there? Check the host and port of the tracking URI.',
      cause: e,
    });
  }
  if (code && DNS_CODES.has(code)) {
    return new TrackingError('unreachable', `Could not find the host of ${uri} (${code}).`, {
      uri,
      hint: 'Check the host name in the tracking URI, your network connection and the proxy settings.',
      cause: e,
    });
  }
  if (code && CONNECT_TIMEOUT_CODES.has(code)) {
    return new TrackingError('unreachable', `Could not connect to the MLflow server at ${uri}${viaProxy}: the connection timed out (${code}).`, {
      uri,
      hint: 'Check the host and port of the tracking URI, firewalls and the proxy settings.',
      cause: e,
    });
  }
  if (code && RESET_CODES.has(code)) {
    return new TrackingError('unreachable', `The connection to ${uri}${viaProxy} was closed before the answer was complete (${code}).`, {
      uri,
      hint: 'The server or a proxy in between dropped the request; try again, and check the server log if it keeps happening.',
      cause: e,
    });
  }
  if (/certificate|self[- ]signed|tls|ssl/i.test(text)) {
    return new TrackingError('unreachable', `A TLS error occurred talking to ${uri}: ${text.slice(0, 200)}.`, {
      uri,
      hint: 'If the server uses a private certificate authority, set mlflow.tls.caFile to its PEM file; for a test server only, turn on mlflow.tls.insecure.',
      cause: e,
    });
  }
  return new TrackingError('unreachable', `Could not talk to the MLflow server at ${uri}${viaProxy}${code ? ` (${code})` : ''}: ${text.slice(0, 200) || 'unknown error'}.`, {
    uri,
    hint: 'Check the tracking URI and your network and proxy settings.',
    cause: e,
  });
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  if (v !== undefined) return Array.isArray(v) ? v[0] : v;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return undefined;
  const w = headers[key];
  return Array.isArray(w) ? w[0] : w;
}

export function looksLikeHtml(contentType: string | undefined, text: string): boolean {
  const head = text.slice(0, 512).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /^<(head|body|title|h1|p|div)[\s>]/.test(head)) return true;
  return !!contentType && /text\/html/i.test(contentType) && head.startsWith('<');
}

function looksLikeLoginPage(text: string): boolean {
  const t = text.slice(0, 20000).toLowerCase();
  return /<input[^>]+type=["']?password/.test(t) || /<form[^>]*(login|signin|sign-in|auth)/.test(t) || /<title>[^<]*(log ?in|sign ?in|single sign-on|sso)[^<]*<\/title>/.test(t);
}

function statusKind(status: number): TrackingErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'notFound';
  if (status === 400 || status === 409 || status === 422) return 'invalidRequest';
  return 'server';
}

function snippet(text: string): string {
  const s = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout',
  409: 'Conflict', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function statusLabel(status: number): string {
  return STATUS_TEXT[status] ? `HTTP ${status} ${STATUS_TEXT[status]}` : `HTTP ${status}`;
}

const SIGN_IN_HINT =
  'Choose "Sign In…" (a username and password for mlflow server --app-name basic-auth, or an access token); the saved credentials are replaced.';

function authError(status: number, text: string, ctx: ErrorContext, errorCode?: string, wwwAuth?: string): TrackingError {
  const uri = ctx.uri;
  const body = text.trim();
  if (/invalid host header/i.test(body)) {
    let host = uri;
    try {
      host = new URL(uri).host;
    } catch {
      // keep uri
    }
    return new TrackingError('auth', `The MLflow server at ${uri} rejected the request: "${snippet(body)}" (${statusLabel(status)}).`, {
      uri,
      status,
      errorCode,
      hint: `MLflow 3.5+ only accepts requests addressed to allowed host names: start the server with --allowed-hosts ${host} (or set MLFLOW_SERVER_ALLOWED_HOSTS), or connect through localhost.`,
    });
  }
  if (/cross-origin request blocked/i.test(body)) {
    return new TrackingError('auth', `The MLflow server at ${uri} blocked the request as cross-origin: "${snippet(body)}" (${statusLabel(status)}).`, {
      uri,
      status,
      errorCode,
      hint: 'MLflow 3.5+ security middleware rejected it; start the server with --cors-allowed-origins or --allowed-hosts that include this client, and make sure no Origin header is sent.',
    });
  }
  if (status === 401) {
    const realm = wwwAuth ? ` (${wwwAuth.split(/\s/)[0]} authentication)` : '';
    const msg = ctx.authenticated
      ? `The MLflow server at ${uri} rejected the saved credentials${realm} (${statusLabel(status)}).`
      : `The MLflow server at ${uri} requires sign-in${realm} (${statusLabel(status)}).`;
    return new TrackingError('auth', msg, { uri, status, errorCode, hint: SIGN_IN_HINT });
  }
  const detail = body && !looksLikeHtml(undefined, body) ? `: "${snippet(body)}"` : '';
  return new TrackingError('auth', `The MLflow server at ${uri} denied access${detail} (${statusLabel(status)}).`, {
    uri,
    status,
    errorCode,
    hint: ctx.authenticated
      ? 'Your user lacks permission for this; ask the server admin to grant it, or sign in as another user.'
      : SIGN_IN_HINT,
  });
}

export const HTML_HINT = 'Is the tracking URI right? It should be the address of mlflow server, including any path prefix.';

/** An HTML (or other non-JSON) page where MLflow JSON was expected. */
export function htmlAnswer(status: number, text: string, ctx: ErrorContext): TrackingError {
  const uri = ctx.uri;
  if (status === 401 || status === 403 || looksLikeLoginPage(text)) {
    if (status === 401 || status === 403) return authError(status, text, ctx);
    return new TrackingError('auth', `The server at ${uri} answered with a sign-in page (${statusLabel(status)}), not the MLflow API.`, {
      uri,
      status,
      hint: 'A single sign-on proxy sits in front of MLflow; sign in with an access token ("MLflow: Set Tracking URI…") or use an address that bypasses the login page.',
    });
  }
  const what = status >= 500 ? ' A proxy in front of MLflow may have failed to reach it, or MLflow crashed; check the server log.' : '';
  return new TrackingError(status >= 500 ? 'server' : 'server', `The server at ${uri} answered with an HTML page (${statusLabel(status)}), not the MLflow API.${what}`, {
    uri,
    status,
    hint: HTML_HINT,
  });
}

/** Classifies a non-2xx answer. `text` is the (possibly truncated) body. */
export function httpError(status: number, headers: Record<string, string | string[] | undefined>, text: string, ctx: ErrorContext): TrackingError {
  const uri = ctx.uri;
  const contentType = headerValue(headers, 'content-type');
  const wwwAuth = headerValue(headers, 'www-authenticate');
  let json: { error_code?: unknown; message?: unknown } | undefined;
  if (!looksLikeHtml(contentType, text) && text.trimStart().startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed;
    } catch {
      json = undefined;
    }
  }
  if (json && (typeof json.error_code === 'string' || typeof json.message === 'string')) {
    const errorCode = typeof json.error_code === 'string' ? json.error_code : undefined;
    const message = typeof json.message === 'string' ? json.message : '';
    if (status === 401 || status === 403) return authError(status, message, ctx, errorCode, wwwAuth);
    const kind = statusKind(status);
    const hint =
      kind === 'server'
        ? status === 503
          ? 'The server is temporarily unavailable; try again later.'
          : 'The MLflow server failed; its log has the details.'
        : undefined;
    return new TrackingError(kind, `${message || 'Request failed'} (${errorCode ?? statusLabel(status)}, ${statusLabel(status)} from ${uri}).`, {
      uri,
      status,
      errorCode,
      hint,
    });
  }
  if (status === 401 || status === 403) return authError(status, text, ctx, undefined, wwwAuth);
  if (looksLikeHtml(contentType, text)) return htmlAnswer(status, text, ctx);
  // plain text or empty bodies: MLflow's 503 for disabled endpoints, uvicorn's "Internal Server Error", proxies
  const body = snippet(text);
  if (status === 503 && /serve-artifacts|artifacts-only|disabled/i.test(text)) {
    return new TrackingError('unsupported', `The MLflow server at ${uri} has this endpoint turned off: "${body}" (${statusLabel(status)}).`, {
      uri,
      status,
      hint: 'Start the server with --serve-artifacts (and without --artifacts-only) to browse artifacts through it.',
    });
  }
  const kind: TrackingErrorKind = status === 404 || status === 405 ? 'server' : statusKind(status);
  return new TrackingError(kind, `The server at ${uri} answered ${statusLabel(status)}${body ? `: "${body}"` : ' with an empty body'}${ctx.request ? ` (${ctx.request})` : ''}.`, {
    uri,
    status,
    hint: status === 404 || status === 405 ? HTML_HINT : status >= 500 ? 'The server failed; its log has the details.' : undefined,
  });
}

/** A 2xx answer whose body is not the JSON we asked for. */
export function badJsonAnswer(status: number, contentType: string | undefined, text: string, ctx: ErrorContext, cause?: unknown): TrackingError {
  if (looksLikeHtml(contentType, text)) return htmlAnswer(status, text, ctx);
  if (text.trim() === '') {
    return new TrackingError('server', `The server at ${ctx.uri} sent an empty answer (${statusLabel(status)})${ctx.request ? ` to ${ctx.request}` : ''}.`, {
      uri: ctx.uri,
      status,
      hint: HTML_HINT,
      cause,
    });
  }
  return new TrackingError('server', `The server at ${ctx.uri} sent an incomplete or invalid JSON answer (${statusLabel(status)}, ${text.length} bytes)${ctx.request ? ` to ${ctx.request}` : ''}.`, {
    uri: ctx.uri,
    status,
    hint: 'The connection may have been cut, or something other than MLflow answered. ' + HTML_HINT,
    cause,
  });
}
