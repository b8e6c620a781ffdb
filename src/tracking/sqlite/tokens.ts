// Page tokens byte-identical to the ones MLflow's SQL store makes (Python json.dumps, base64).
// decodeOffsetToken (../paging) reads them; they stay opaque to callers.

/** JSON as Python's json.dumps writes it: ", " and ": " separators, non-ASCII as \uXXXX. */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  if (Array.isArray(v)) return '[' + v.map(pyJson).join(', ') + ']';
  return '{' + Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyJson(k)}: ${pyJson(x)}`).join(', ') + '}';
}

export function pyToken(v: unknown): string {
  return Buffer.from(pyJson(v), 'utf8').toString('base64');
}

export function pyOffsetToken(offset: number): string {
  return pyToken({ offset });
}
