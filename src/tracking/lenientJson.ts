// JSON as Python's json module and Flask write it: the bare tokens NaN, Infinity and -Infinity (outside strings) are
// accepted on reading and written for non-finite numbers. One parser for the REST client, the scoring server's
// answers and the model commands' pretty-printing. No `vscode` import.

/** What the bare tokens read as: numbers (NaN, ±Infinity), or MLflow's wire strings ("NaN", "Infinity", "-Infinity"). */
export type NonFinite = 'number' | 'string';

/**
 * JSON.parse that also accepts the bare tokens NaN, Infinity and -Infinity (outside strings). Valid JSON takes
 * JSON.parse's fast path; otherwise throws SyntaxError with the position.
 */
export function parseLenientJson(text: string, opts: { nonFinite?: NonFinite } = {}): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return scanLenient(text, opts.nonFinite ?? 'number');
  }
}

/** Pretty-prints JSON that may hold the bare NaN / Infinity / -Infinity tokens, keeping them. Throws on invalid JSON. */
export function prettyLenientJson(raw: string): string {
  return stringifyLenientJson(parseLenientJson(raw), 2);
}

/**
 * JSON.stringify that writes non-finite numbers as the bare tokens NaN, Infinity and -Infinity (as Python's json
 * module reads them) instead of null; `indent` as JSON.stringify's.
 */
export function stringifyLenientJson(v: unknown, indent?: number): string {
  // NaN/Infinity survive as Python reads them (JSON.stringify would write null): mark them with a tag no
  // string in the data can contain, then swap the marks for bare tokens.
  let tag = 'n';
  const probe = JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? 0 : x)) ?? '';
  while (probe.includes(tag)) tag += Math.random().toString(36).slice(2, 6);
  let found = false;
  const s = JSON.stringify(
    v,
    (_k, x) => {
      if (typeof x === 'number' && !Number.isFinite(x)) {
        found = true;
        return `${tag}:${Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity'}`;
      }
      return x;
    },
    indent,
  );
  if (!found) return s;
  return s.replace(new RegExp(`"${tag}:(NaN|Infinity|-Infinity)"`, 'g'), '$1');
}

function scanLenient(text: string, nonFinite: NonFinite): unknown {
  const special = (token: 'NaN' | 'Infinity' | '-Infinity'): number | string => (nonFinite === 'string' ? token : Number(token));
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i} of the JSON answer`);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const value = (depth: number): unknown => {
    if (depth > 1000) fail('Nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expected a property name');
        const key = str();
        ws();
        if (text[i] !== ':') fail('Expected ":"');
        i++;
        Object.defineProperty(obj, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('Expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('Expected "," or "]"');
      }
    }
    if (c === '"') return str();
    for (const token of ['NaN', 'Infinity', '-Infinity'] as const) {
      if (text.startsWith(token, i)) {
        i += token.length;
        return special(token);
      }
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('Unexpected character');
    i += m![0].length;
    return Number(m![0]);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '\\') i += 2;
      else if (ch === '"') {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      } else i++;
    }
    return fail('Unterminated string');
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('Unexpected text after the JSON value');
  return v;
}
