// Helpers for "Serve Model" follow-through: a free port, the request body for POST /invocations taken from the
// model's own examples, waiting for GET /ping, and reading the scoring server's answers (Python's json module
// writes bare NaN / Infinity / -Infinity, which JSON.parse rejects).

import * as net from 'node:net';
import * as yaml from 'js-yaml';
import { parseLenientJson, stringifyLenientJson } from '../tracking/lenientJson';

// ---- ports --------------------------------------------------------------------------------------------------

/** True when a TCP listener can bind `port` on `host` right now. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * A port that is free on `host`: `preferred` when it is, else one the OS picks. (Another process can take it
 * before MLflow binds it; the serve flow should retry on "address already in use".)
 */
export async function findFreePort(opts: { host?: string; preferred?: number } = {}): Promise<number> {
  const host = opts.host ?? '127.0.0.1';
  if (opts.preferred !== undefined && opts.preferred > 0 && (await isPortFree(opts.preferred, host))) return opts.preferred;
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('The OS gave no port.'))));
    });
  });
}

// ---- scoring answers -------------------------------------------------------------------------------------------

export type ScoringAnswer =
  /** 200 with {"predictions": …} */
  | { kind: 'predictions'; status: number; predictions: unknown; raw: string }
  /** 200 with any other JSON (LLM-style inputs are answered unwrapped) */
  | { kind: 'json'; status: number; value: unknown; raw: string }
  /** MLflow error JSON: {"error_code", "message", "stack_trace"?} */
  | { kind: 'error'; status: number; errorCode: string; message: string; stackTrace?: string; raw: string }
  /** Anything else (415 text/plain, HTML from a proxy, non-JSON 200) */
  | { kind: 'text'; status: number; text: string; raw: string };

/** Reads an answer of the scoring server (models serve, docker images). Never throws. */
export function parseScoringResponse(status: number, body: string, contentType?: string): ScoringAnswer {
  const looksJson = /json/i.test(contentType ?? '') || /^\s*[[{"\-\dNI tfn]/.test(body);
  if (looksJson) {
    let v: unknown;
    try {
      v = parseLenientJson(body);
    } catch {
      return { kind: 'text', status, text: body, raw: body };
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o.error_code === 'string' && (status >= 400 || 'message' in o)) {
        return {
          kind: 'error',
          status,
          errorCode: o.error_code,
          message: typeof o.message === 'string' ? o.message : String(o.message ?? ''),
          ...(typeof o.stack_trace === 'string' ? { stackTrace: o.stack_trace } : {}),
          raw: body,
        };
      }
      if (status < 400 && 'predictions' in o) return { kind: 'predictions', status, predictions: o.predictions, raw: body };
    }
    if (status < 400) return { kind: 'json', status, value: v, raw: body };
    return { kind: 'text', status, text: typeof v === 'string' ? v : body, raw: body };
  }
  return { kind: 'text', status, text: body, raw: body };
}

/** One line for a notification about a failed answer. */
export function describeScoringError(a: ScoringAnswer): string | undefined {
  if (a.kind === 'error') {
    const first = a.message.split('\n')[0];
    return `${a.errorCode} (HTTP ${a.status}): ${first.length > 300 ? first.slice(0, 300) + '…' : first}`;
  }
  if (a.kind === 'text' && a.status >= 400) return `HTTP ${a.status}: ${a.text.trim().slice(0, 300)}`;
  return undefined;
}

// ---- request bodies ------------------------------------------------------------------------------------------

export interface ScoringRequest {
  contentType: 'application/json' | 'text/csv';
  body: string;
  /** Where the body came from, for the UI. */
  source: 'serving_input_example.json' | 'input_example.json' | 'file';
}

export interface ModelExampleFiles {
  /** Text of MLmodel (YAML) or its parsed form. */
  mlmodel?: string | Record<string, unknown>;
  /** Text of serving_input_example.json (2.15+), the ready-made /invocations body. */
  servingInputExample?: string;
  /** Text of the file named by saved_input_example_info.artifact_path (usually input_example.json). */
  inputExample?: string;
}

export interface ExampleInfo {
  artifactPath?: string;
  type?: string;
  pandasOrient?: string;
  servingInputPath?: string;
  params?: boolean;
}

const PROTOCOL_KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
const LLM_KEYS = ['messages', 'prompt', 'input'];

/** saved_input_example_info of an MLmodel file (undefined when the model has no example). */
export function readExampleInfo(mlmodel: string | Record<string, unknown> | undefined): ExampleInfo | undefined {
  if (mlmodel === undefined) return undefined;
  const doc = typeof mlmodel === 'string' ? (yaml.load(mlmodel, { schema: yaml.JSON_SCHEMA }) as Record<string, unknown> | undefined) : mlmodel;
  const info = doc?.saved_input_example_info as Record<string, unknown> | undefined;
  if (!info || typeof info !== 'object') return undefined;
  const s = (k: string): string | undefined => (typeof info[k] === 'string' ? (info[k] as string) : undefined);
  return {
    artifactPath: s('artifact_path'),
    type: s('type'),
    pandasOrient: s('pandas_orient'),
    servingInputPath: s('serving_input_path'),
    params: info.params === true || info.params === 'true',
  };
}

/** Names of the files to fetch from the model folder to build a request: [serving input, input example]. */
export function exampleFileNames(mlmodel: string | Record<string, unknown> | undefined): { servingInput?: string; inputExample?: string } {
  const info = readExampleInfo(mlmodel);
  if (!info) return {};
  return { servingInput: info.servingInputPath, inputExample: info.artifactPath };
}

/** True when `v` is a body the scoring server accepts: an object with exactly one protocol key (+ params), or LLM-style. */
export function isScoringBody(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  const protocol = keys.filter((k) => (PROTOCOL_KEYS as readonly string[]).includes(k));
  if (protocol.length === 1) return keys.every((k) => k === protocol[0] || k === 'params');
  return protocol.length === 0 && keys.some((k) => LLM_KEYS.includes(k));
}

/**
 * The /invocations request for a model, from its own example: serving_input_example.json as is when present
 * (MLflow 2.15+ writes it), else input_example.json wrapped according to saved_input_example_info. undefined
 * when the model has no usable example (the UI then asks for a file).
 */
export function buildInvocationRequest(files: ModelExampleFiles): { request?: ScoringRequest; note?: string } {
  if (files.servingInputExample !== undefined && files.servingInputExample.trim() !== '') {
    try {
      const v = parseLenientJson(files.servingInputExample);
      if (isScoringBody(v)) return { request: { contentType: 'application/json', body: files.servingInputExample, source: 'serving_input_example.json' } };
    } catch {
      /* fall through to input_example.json */
    }
  }
  if (files.inputExample === undefined || files.inputExample.trim() === '') {
    return { note: 'The model was logged without an input example; choose a JSON or CSV file to send.' };
  }
  let info: ExampleInfo | undefined;
  try {
    info = readExampleInfo(files.mlmodel);
  } catch {
    info = undefined;
  }
  let example: unknown;
  try {
    example = parseLenientJson(files.inputExample);
  } catch (e) {
    return { note: `input_example.json is not valid JSON (${(e as Error).message}).` };
  }
  let params: unknown;
  if (info?.params && example && typeof example === 'object' && !Array.isArray(example) && 'params' in (example as object)) {
    const o = example as Record<string, unknown>;
    params = o.params;
    const rest = Object.keys(o).filter((k) => k !== 'params');
    if (rest.length === 1) example = o[rest[0]];
  }
  const type = info?.type ?? 'json_object';
  let body: Record<string, unknown> | undefined;
  switch (type) {
    case 'dataframe': {
      const orient = info?.pandasOrient ?? 'split';
      if (orient === 'split' && example && typeof example === 'object' && !Array.isArray(example)) body = { dataframe_split: example };
      else if (orient === 'records' && Array.isArray(example)) body = { dataframe_records: example };
      else if (Array.isArray(example)) body = { inputs: example };
      break;
    }
    case 'ndarray':
      body = isScoringBody(example) ? (example as Record<string, unknown>) : { inputs: example };
      break;
    case 'sparse_matrix_csc':
    case 'sparse_matrix_csr':
      return { note: 'The model\'s input example is a sparse matrix, which the scoring server cannot take as JSON; choose a file to send.' };
    default:
      body = isScoringBody(example) ? (example as Record<string, unknown>) : { inputs: example };
  }
  if (!body) return { note: `Cannot turn the model's ${type} input example into a scoring request; choose a file to send.` };
  if (params !== undefined && !('params' in body)) body = { ...body, params };
  return { request: { contentType: 'application/json', body: stringifyLenientJson(body), source: 'input_example.json' } };
}

/**
 * A request from a file the user picked: .csv → text/csv; anything else is sent as JSON (with a note when it
 * lacks one of the keys the scoring server needs).
 */
export function requestFromFile(fileName: string, content: string): { request: ScoringRequest; note?: string } {
  if (/\.csv$/i.test(fileName)) return { request: { contentType: 'text/csv', body: content, source: 'file' } };
  let note: string | undefined;
  try {
    const v = parseLenientJson(content);
    if (!isScoringBody(v)) {
      note = 'The file is JSON but not a scoring request: it needs exactly one of dataframe_split, dataframe_records, instances or inputs (plus optional params). The server will answer 400.';
    }
  } catch (e) {
    note = `The file is not valid JSON (${(e as Error).message}).`;
  }
  return { request: { contentType: 'application/json', body: content, source: 'file' }, ...(note ? { note } : {}) };
}

// ---- talking to the server --------------------------------------------------------------------------------------

export interface WaitOptions {
  timeoutMs: number;
  /** Between attempts (default 500 ms). */
  intervalMs?: number;
  /** Per attempt (default 2 s). */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  /** Return false when the serving process has exited: stop waiting at once. */
  isAlive?: () => boolean;
}

export type WaitResult =
  | { ok: true; elapsedMs: number; attempts: number }
  | { ok: false; reason: 'timeout' | 'aborted' | 'exited'; elapsedMs: number; attempts: number; lastError?: string };

function joinUrl(base: string, p: string): string {
  return base.replace(/\/+$/, '') + p;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls GET <baseUrl>/ping until it answers 200 (the model is loaded). Connection refused and non-200 answers
 * are retried until `timeoutMs`. Resolves (never rejects) with the outcome.
 */
export async function waitForPing(baseUrl: string, opts: WaitOptions): Promise<WaitResult> {
  const start = Date.now();
  const interval = opts.intervalMs ?? 500;
  let attempts = 0;
  let lastError: string | undefined;
  const elapsed = (): number => Date.now() - start;
  for (;;) {
    if (opts.signal?.aborted) return { ok: false, reason: 'aborted', elapsedMs: elapsed(), attempts, lastError };
    if (opts.isAlive && !opts.isAlive()) return { ok: false, reason: 'exited', elapsedMs: elapsed(), attempts, lastError };
    const remaining = opts.timeoutMs - elapsed();
    if (remaining <= 0) return { ok: false, reason: 'timeout', elapsedMs: elapsed(), attempts, lastError };
    attempts++;
    const ctl = new AbortController();
    const onAbort = (): void => ctl.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ctl.abort(), Math.min(opts.requestTimeoutMs ?? 2000, remaining));
    try {
      const res = await fetch(joinUrl(baseUrl, '/ping'), { signal: ctl.signal, redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status === 200) return { ok: true, elapsedMs: elapsed(), attempts };
      lastError = `HTTP ${res.status}`;
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      lastError = err.cause?.code ?? err.name ?? String(e);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
    const left = opts.timeoutMs - elapsed();
    if (left <= 0) continue;
    await sleep(Math.min(interval, left), opts.signal);
  }
}

/** POSTs a request to <baseUrl>/invocations and reads the answer. Network failures reject. */
export async function invokeModel(baseUrl: string, req: ScoringRequest, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ScoringAnswer> {
  const ctl = new AbortController();
  const onAbort = (): void => ctl.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs ?? 120000);
  try {
    const res = await fetch(joinUrl(baseUrl, '/invocations'), {
      method: 'POST',
      headers: { 'Content-Type': req.contentType === 'text/csv' ? 'text/csv' : 'application/json' },
      body: req.body,
      signal: ctl.signal,
    });
    const text = await res.text();
    return parseScoringResponse(res.status, text, res.headers.get('content-type') ?? undefined);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
