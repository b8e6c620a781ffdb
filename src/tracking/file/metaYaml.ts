// meta.yaml files as MLflow (PyYAML, sorted keys, block style) writes them.
// Run and experiment meta files are flat `key: scalar` lists, read thousands at a time, so they go
// through a small line parser; anything it does not understand (indented continuation lines,
// double-quoted scalars, nested maps) falls back to js-yaml. Edits are made line-wise so the rest
// of the file stays byte-identical.
import * as yaml from 'js-yaml';

/** Top-level scalars as text (null for YAML null/empty); nested values are JSON-ish objects from js-yaml. */
export type YamlMap = Record<string, unknown>;

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/**
 * Parses a flat `key: value` YAML document. Returns undefined when the text needs a real YAML
 * parser (continuation lines, nested blocks, double quotes, flow collections other than []/{}).
 * Values are strings exactly as written (plain scalars are not typed), or null.
 */
export function parseFlatYaml(text: string): Record<string, string | null> | undefined {
  const out: Record<string, string | null> = {};
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (lineEnd > pos) {
      const c0 = text.charCodeAt(pos);
      // indentation, list items, comments, document markers, quoted/complex keys -> not flat
      if (c0 === 32 || c0 === 9 || c0 === 45 || c0 === 35 || c0 === 39 || c0 === 34 || c0 === 63 || c0 === 123 || c0 === 91) return undefined;
      const colon = text.indexOf(':', pos);
      if (colon < 0 || colon >= lineEnd) return undefined;
      const key = text.slice(pos, colon);
      let vs = colon + 1;
      if (vs < lineEnd) {
        if (text.charCodeAt(vs) !== 32) return undefined; // `a:b` is a plain scalar key, not ours
        while (vs < lineEnd && text.charCodeAt(vs) === 32) vs++;
      }
      let ve = lineEnd;
      while (ve > vs && text.charCodeAt(ve - 1) === 32) ve--;
      if (vs === ve) {
        // `key:` followed by an indented block, or a null
        const next = end + 1;
        if (next < n && (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 45)) return undefined;
        out[key] = null;
      } else {
        const c = text.charCodeAt(vs);
        if (c === 39) {
          // single-quoted: must close on this line; '' is an escaped quote
          if (ve - vs < 2 || text.charCodeAt(ve - 1) !== 39) return undefined;
          const inner = text.slice(vs + 1, ve - 1);
          // a lone quote inside means the scalar ended early (e.g. 'a' 'b') -> let js-yaml decide
          if (inner.replace(/''/g, '').includes("'")) return undefined;
          out[key] = inner.replace(/''/g, "'");
        } else if (c === 34 || c === 38 || c === 42 || c === 33 || c === 124 || c === 62) {
          return undefined; // "double", &anchor, *alias, !tag, | and > block scalars
        } else if (c === 91 || c === 123) {
          const v = text.slice(vs, ve);
          if (v !== '[]' && v !== '{}') return undefined;
          out[key] = v;
        } else {
          const v = text.slice(vs, ve);
          if (v.includes(' #')) return undefined;
          out[key] = NULLS.has(v) ? null : v;
        }
        // a plain multi-line scalar continues on indented lines
        const next = end + 1;
        if (next < n && (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 9)) return undefined;
      }
    }
    pos = end + 1;
  }
  return out;
}

/** Full YAML parse where every scalar stays a string (so 18-digit ids keep their digits); null-ish -> null. */
export function parseYamlLoose(text: string): YamlMap {
  const doc = yaml.load(text, { schema: yaml.FAILSAFE_SCHEMA });
  if (doc === undefined || doc === null) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('meta.yaml is not a mapping');
  return normalise(doc) as YamlMap;
}

function normalise(v: unknown): unknown {
  if (typeof v === 'string') return NULLS.has(v) ? null : v;
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = normalise(x);
    return o;
  }
  return v;
}

/** Fast path for flat files, js-yaml otherwise. Throws on YAML that is not a mapping. */
export function parseMetaYaml(text: string): YamlMap {
  return parseFlatYaml(text) ?? parseYamlLoose(text);
}

// FAILSAFE keeps quoted and plain scalars alike as strings; a plain `null` is then 'null' which
// normalise() turns into null. A quoted 'null' string is indistinguishable — MLflow never writes one.

export function yamlStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function yamlInt(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (!/^[-+]?\d+$/.test(s)) return undefined;
  return Number.isFinite(Number(s)) ? Number(s) : undefined; // 400 digits read as Infinity
}

// ---- writing ----

const YAML_SPECIAL_PLAIN = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][-+]?\d+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.\d*)?|\d{4}-\d\d?-\d\d?.*)$/;

/** A YAML scalar that PyYAML (and js-yaml) read back as exactly `value`. */
export function yamlScalar(value: string | number | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  const s = value;
  // control characters / line breaks -> double-quoted with JSON escapes (a subset of YAML's)
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/.test(s)) return JSON.stringify(s);
  const plainOk =
    s.length > 0 &&
    !YAML_SPECIAL_PLAIN.test(s) &&
    /^[^\s\-?:,[\]{}#&*!|>'"%@`]/.test(s) &&
    !/[\s]$/.test(s) &&
    !s.includes(': ') &&
    !s.includes(' #') &&
    !s.endsWith(':') &&
    !/[,[\]{}]/.test(s);
  return plainOk ? s : `'${s.replace(/'/g, "''")}'`;
}

/**
 * Sets top-level keys in a YAML document text, replacing each key's whole block (the key line plus
 * its indented continuation lines) and inserting missing keys in sorted position (PyYAML sorts
 * keys); a key set to undefined is removed. Every other byte is kept.
 */
export function setYamlKeys(text: string, updates: Record<string, string | number | null | undefined>): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  // blocks: [key | undefined, start, endExclusive]
  const blocks: { key?: string; start: number; end: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const top = l.length > 0 && l[0] !== ' ' && l[0] !== '\t' && l[0] !== '#' && l[0] !== '-';
    if (top) {
      const m = /^([^:'"]+):(?:\s|$)/.exec(l);
      blocks.push({ key: m ? m[1] : undefined, start: i, end: i + 1 });
    } else if (blocks.length) {
      blocks[blocks.length - 1].end = i + 1;
    } else {
      blocks.push({ start: i, end: i + 1 });
    }
  }
  const pending = new Map(Object.entries(updates));
  const out: string[] = [];
  for (const b of blocks) {
    if (b.key !== undefined) {
      // insert new keys that sort before this one
      for (const [k, v] of [...pending]) {
        if (!blocks.some((x) => x.key === k) && k < b.key) {
          if (v !== undefined) out.push(`${k}: ${yamlScalar(v)}`);
          pending.delete(k);
        }
      }
      if (pending.has(b.key)) {
        const v = pending.get(b.key);
        if (v !== undefined) out.push(`${b.key}: ${yamlScalar(v)}`);
        pending.delete(b.key);
        continue;
      }
    }
    for (let i = b.start; i < b.end; i++) out.push(lines[i]);
  }
  for (const [k, v] of [...pending].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (v !== undefined) out.push(`${k}: ${yamlScalar(v)}`);
  return out.join(eol) + (trailing || out.length ? eol : '');
}
