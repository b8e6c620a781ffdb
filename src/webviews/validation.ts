// Checks for messages arriving from a webview: each panel's protocol module builds its schemas from
// these. A schema lists every field; a message with a field the schema does not know is refused.
export type Check = (v: unknown) => boolean;

export const str: Check = (v) => typeof v === 'string' && v.length <= 100_000;
export const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
export const bool: Check = (v) => typeof v === 'boolean';
export const strs: Check = (v) => Array.isArray(v) && v.length <= 100_000 && v.every(str);
export const oneOf =
  (...xs: string[]): Check =>
  (v) =>
    typeof v === 'string' && xs.includes(v);

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every schema field passes and there is no field the schema does not know (`extra` names optional ones). */
export function fields(o: Record<string, unknown>, schema: Record<string, Check>, extra: string[] = []): boolean {
  // own keys only: `k in schema` would accept inherited names (__proto__, constructor…) as known fields
  for (const k of Object.keys(o)) if (!Object.prototype.hasOwnProperty.call(schema, k) && !extra.includes(k)) return false;
  return Object.entries(schema).every(([k, check]) => check(o[k]));
}
