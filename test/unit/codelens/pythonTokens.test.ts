import * as assert from 'node:assert/strict';
import {
  S_BYTES, S_FORMAT, S_PLACEHOLDER, S_RAW, S_TRIPLE, S_UNTERMINATED, T_EOF, T_NAME, T_NEWLINE, T_NUMBER, T_OP, T_STRING,
  type Tokens, decodeEscapes, stringTokenValue, tokenizePython,
} from '../../../src/codelens/pythonTokens';

const KIND: Record<number, string> = { [T_NAME]: 'N', [T_NUMBER]: '#', [T_STRING]: 'S', [T_OP]: 'O', [T_NEWLINE]: 'NL', [T_EOF]: 'EOF' };

/** Tokens as 'kind:text' strings. */
function toks(src: string): string[] {
  const t = tokenizePython(src);
  const out: string[] = [];
  for (let i = 0; i < t.count; i++) out.push(`${KIND[t.kind[i]]}:${src.slice(t.start[i], t.end[i])}`);
  return out;
}

function strings(src: string): { text: string; value: string | undefined; flags: number }[] {
  const t = tokenizePython(src);
  const out = [];
  for (let i = 0; i < t.count; i++) {
    if (t.kind[i] === T_STRING) out.push({ text: src.slice(t.start[i], t.end[i]), value: stringTokenValue(t, i), flags: t.aux[i] & 0xff });
  }
  return out;
}

describe('tokenizePython', () => {
  it('names, numbers, operators and logical newlines (none inside brackets or after continuations)', () => {
    assert.deepEqual(toks('a = f(1,\n  2.5e-3) ** 2\nb \\\n  += 0x1F\n'), [
      'N:a', 'O:=', 'N:f', 'O:(', '#:1', 'O:,', '#:2.5e-3', 'O:)', 'O:**', '#:2', 'NL:', 'N:b', 'O:+=', '#:0x1F', 'NL:', 'EOF:',
    ]);
    assert.deepEqual(toks('x == y != z -> w := ...'), ['N:x', 'O:==', 'N:y', 'O:!=', 'N:z', 'O:->', 'N:w', 'O::=', 'O:...', 'NL:', 'EOF:']);
  });

  it('comments and blank lines produce nothing', () => {
    assert.deepEqual(toks('# c\n\n   # d\nx  # e\n\n'), ['N:x', 'NL:', 'EOF:']);
  });

  it('string prefixes, quotes and triple quotes', () => {
    const s = strings(`a = r'\\d' b"\\x00" Rb'\\n' u"é" f'{x}' rf"{{}}" '''t'q''' """a\nb""" t"{x}"`);
    assert.deepEqual(s.map((x) => x.text), [`r'\\d'`, 'b"\\x00"', `Rb'\\n'`, 'u"é"', `f'{x}'`, 'rf"{{}}"', `'''t'q'''`, '"""a\nb"""', 't"{x}"']);
    assert.deepEqual(s.map((x) => x.value), ['\\d', undefined, undefined, 'é', undefined, '{}', "t'q", 'a\nb', undefined]);
    assert.equal(s[0].flags, S_RAW);
    assert.equal(s[1].flags, S_BYTES);
    assert.equal(s[4].flags, S_FORMAT | S_PLACEHOLDER);
    assert.equal(s[5].flags, S_FORMAT | S_RAW);
    assert.equal(s[6].flags, S_TRIPLE);
  });

  it('escaped quotes and backslash-newline inside strings', () => {
    const s = strings('x = "a\\"b" \'c\\\'d\' "e\\\nf" r"g\\"h"');
    assert.deepEqual(s.map((x) => x.value), ['a"b', "c'd", 'ef', 'g\\"h']);
  });

  it('f-strings: nested quotes (3.12), nested f-strings, format specs, \\N{…}', () => {
    const src = 'x = f"{d["k"]} {f\'{y:>{w}}\'} {z!r:^10} \\N{BULLET} {{lit}}" + 1';
    assert.deepEqual(toks(src), ['N:x', 'O:=', `S:${src.slice(4, src.length - 4)}`, 'O:+', '#:1', 'NL:', 'EOF:']);
    const t = tokenizePython(src);
    const fields: string[] = [];
    for (let i = 0; i < t.fstringFields.length; i += 2) fields.push(src.slice(t.fstringFields[i], t.fstringFields[i + 1]));
    assert.deepEqual(fields, ['d["k"]', "f'{y:>{w}}'", 'z!r:^10']);
    assert.deepEqual(strings('f"\\N{DASH}"').map((x) => x.flags & S_PLACEHOLDER), [0]);
  });

  it('unterminated strings: single-quoted ones end at the line end, triple-quoted at the end of text', () => {
    const s = strings('a = "open\nb = \'x\'\nc = """never\nclosed');
    assert.deepEqual(s.map((x) => [x.text, (x.flags & S_UNTERMINATED) !== 0]), [['"open', true], ["'x'", false], ['"""never\nclosed', true]]);
    assert.deepEqual(s.map((x) => x.value), ['open', 'x', 'never\nclosed']);
    assert.deepEqual(strings('x = f"{a\ny = 1').map((x) => x.text), ['f"{a']);
  });

  it('brackets know their partners; a statement keyword at a line start closes open brackets', () => {
    const src = 'f(a[1], {2: (3)})\ng(\nh = 1\ndef k(): pass\n';
    const t: Tokens = tokenizePython(src);
    const at = (s: string): number => {
      for (let i = 0; i < t.count; i++) if (src.slice(t.start[i], t.end[i]) === s && t.start[i] === src.indexOf(s)) return i;
      return -1;
    };
    const open = at('(');
    assert.equal(src.slice(t.start[t.match[open]], t.end[t.match[open]]), ')');
    assert.equal(t.start[t.match[open]], 16);
    const g = at('g') + 1;
    assert.equal(t.kind[t.match[g]], T_NEWLINE);
    assert.equal(t.start[t.match[g]], src.indexOf('def'));
    assert.deepEqual(toks('x = (\n  a for a in b\n  if a\n)\n').filter((x) => x === 'NL:').length, 1);
  });

  it('records import keywords and tokenizes a sub-range', () => {
    const src = 'import a\nfrom b import c\nx.from_ = 1\n';
    const t = tokenizePython(src);
    assert.deepEqual(t.importKeywords.map((i) => src.slice(t.start[i], t.end[i])), ['import', 'from', 'import']);
    const sub = tokenizePython(src, 9, 24);
    assert.equal(sub.count, 6); // from b import c NEWLINE EOF
    assert.equal(sub.start[0], 9);
  });

  it('unicode identifiers and space-like characters', () => {
    assert.deepEqual(toks('größe\u00a0= 😀x'), ['N:größe', 'O:=', 'N:😀x', 'NL:', 'EOF:']);
  });
});

describe('decodeEscapes', () => {
  it('decodes Python escapes and keeps unknown ones', () => {
    assert.equal(decodeEscapes('a\\nb\\tc\\\\d\\\'e\\"f'), 'a\nb\tc\\d\'e"f');
    assert.equal(decodeEscapes('\\x41\\u00e9\\U0001F600\\101\\0'), 'Aé😀A\0');
    assert.equal(decodeEscapes('\\q\\N{DASH}\\x4'), '\\q\\N{DASH}\\x4');
    assert.equal(decodeEscapes('line\\\ncont'), 'linecont');
    assert.equal(decodeEscapes('\\U99999999 end\\'), '\\U99999999 end\\');
  });
});
