// Validation of what webviews send to the host: every panel's protocol module describes its
// webview→host union as one field schema per message type, and messageParser turns that into the
// parser the panel base runs on arrival. No `vscode` import (unit-tested on plain Node).
import type { Message } from './messages';

export type Check = (v: unknown) => boolean;

export const str: Check = (v) => typeof v === 'string' && v.length <= 100_000;
export const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
/** A positive size such as a width in CSS pixels. */
export const pos: Check = (v) => num(v) && (v as number) > 0 && (v as number) <= 100_000;
export const bool: Check = (v) => typeof v === 'boolean';
export const strs: Check = (v) => Array.isArray(v) && v.length <= 10_000 && v.every(str);
export const bytes: Check = (v) => v instanceof Uint8Array && v.byteLength <= 64 * 1024 * 1024;
export const oneOf =
  (...xs: string[]): Check =>
  (v) =>
    typeof v === 'string' && xs.includes(v);
/** An object whose fields pass `schema` exactly (no unknown field). */
export const shape =
  (schema: Record<string, Check>): Check =>
  (v) =>
    isObject(v) && fields(v, schema);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Every schema field passes and there is no field the schema does not know. */
export function fields(o: Record<string, unknown>, schema: Record<string, Check>, extra: string[] = []): boolean {
  // own keys only: `k in schema` would accept inherited names (__proto__, constructor, toString…) as known fields
  for (const k of Object.keys(o)) if (!own(schema, k) && !extra.includes(k)) return false;
  return Object.entries(schema).every(([k, check]) => check(o[k]));
}

/** One field schema per message type of a webview→host union. */
export type MessageSchemas<T extends Message> = { [K in T['type']]: Record<string, Check> };

/** A parser: the message typed as T, or undefined when its shape is not one of T's. */
export function messageParser<T extends Message>(schemas: MessageSchemas<T>): (raw: unknown) => T | undefined {
  return (raw) => {
    if (!isObject(raw) || typeof raw.type !== 'string' || !own(schemas, raw.type)) return undefined;
    const schema = (schemas as Record<string, Record<string, Check>>)[raw.type];
    return fields(raw, schema, ['type']) ? (raw as unknown as T) : undefined;
  };
}

/** Hands a valid message to `deliver`; logs and drops one of unknown shape. True when delivered. */
export function deliverMessage<T extends Message>(raw: unknown, parse: (raw: unknown) => T | undefined, log: { warn(line: string): void }, tag: string, deliver: (msg: T) => void): boolean {
  const msg = parse(raw);
  if (!msg) {
    const t = isObject(raw) && 'type' in raw ? String(raw.type).slice(0, 40) : typeof raw;
    log.warn(`[${tag}] dropped a webview message of unknown shape (${t})`);
    return false;
  }
  deliver(msg);
  return true;
}

/** Only http(s) URLs leave a webview for the browser. */
export function isWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
