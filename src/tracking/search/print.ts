// Writing MLflow search filters: keys, string values and numbers quoted so the grammar here (and
// MLflow's) reads back exactly the key and value meant. MLflow keeps quoted text verbatim (no escape
// is undone), so a text that cannot be quoted verbatim has no spelling: those return undefined.
// Everything that builds a filter clause from data (quick filters, the training search, registry
// look-ups, the LIKE searches…) goes through here.

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'RLIKE', 'IS', 'NULL', 'BETWEEN', 'EXISTS']);

/** Text between `q` quotes that reads back as itself: no `q` inside, and no backslash right before the closing quote. */
const quotable = (text: string, q: string) => !text.includes(q) && !text.endsWith('\\');

/** A key as a filter identifier segment: bare when it is a plain word, else in backticks (double quotes when it holds a backtick). */
export function filterKey(key: string): string | undefined {
  if (key === '') return undefined;
  if (BARE_KEY.test(key) && !KEYWORDS.has(key.toUpperCase())) return key;
  if (!key.includes('`')) return '`' + key + '`';
  return quotable(key, '"') ? `"${key}"` : undefined;
}

/** A string value: in single quotes, or double quotes when it holds a single quote. */
export function filterString(value: string): string | undefined {
  if (quotable(value, "'")) return `'${value}'`;
  return quotable(value, '"') ? `"${value}"` : undefined;
}

/** A finite number as the grammar reads it (NaN and ±Infinity have no spelling in a filter). */
export function filterNumber(value: number): string | undefined {
  return Number.isFinite(value) ? String(value) : undefined;
}

export type FilterEntity = 'metrics' | 'params' | 'tags' | 'attributes';
export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE';

/** `entity.key op value`, or undefined when the key or value cannot be written. */
export function filterClause(entity: FilterEntity, key: string, op: FilterOp, value: string | number): string | undefined {
  const k = filterKey(key);
  const v = typeof value === 'number' ? filterNumber(value) : filterString(value);
  return k === undefined || v === undefined ? undefined : `${entity}.${k} ${op} ${v}`;
}

/**
 * A model-registry equality on a bare attribute (registered-model and model-version searches name
 * `name` and `run_id` without an entity), spelt `name='iris'` as MLflow's Python client writes it.
 */
export function registryEquals(attribute: 'name' | 'run_id', value: string): string | undefined {
  const v = filterString(value);
  return v === undefined ? undefined : `${attribute}=${v}`;
}

/**
 * A LIKE/ILIKE pattern for `text` anywhere (`contains`) or at the end (`suffix`). MLflow's stores share
 * no escape for `%` and `_` (PostgreSQL takes a backslash, SQLite does not), so `%` and `\` in the
 * text become `_` (any one character): the pattern finds every value meant and perhaps a few more,
 * which the caller drops.
 */
export function likePattern(text: string, where: 'contains' | 'suffix'): string {
  const t = text.replace(/[%\\]/g, '_');
  return where === 'contains' ? `%${t}%` : `%${t}`;
}

/** The filter with one more clause AND-ed to it (unchanged when it already has that clause). */
export function andClause(filter: string | undefined, clause: string): string {
  const f = (filter ?? '').trim();
  if (!f) return clause;
  const parts = f.split(/\s+and\s+/i).map((p) => p.trim());
  return parts.includes(clause) ? f : `${f} and ${clause}`;
}
