import * as assert from 'node:assert/strict';
import { parseLenientJson, prettyLenientJson } from '../../../src/tracking/lenientJson';

describe('tracking/lenientJson', () => {
  it('accepts bare NaN/Infinity/-Infinity but not inside strings, rejects garbage', () => {
    const v = parseLenientJson('{"predictions": [NaN, Infinity, -Infinity, 1e308, -0.0, "NaN", "a\\"Infinity\\"b"], "x": {"__proto__": 1}}') as Record<string, unknown>;
    const p = v.predictions as unknown[];
    assert.ok(Number.isNaN(p[0]));
    assert.deepEqual(p.slice(1), [Infinity, -Infinity, 1e308, -0, 'NaN', 'a"Infinity"b']);
    assert.equal(Object.getPrototypeOf(v.x), Object.prototype);
    assert.deepEqual(Object.keys(v.x as object), ['__proto__']);
    for (const bad of ['', '{', '[1,]', 'nan', 'NaNx', '{"a" 1}', '01', '"unterminated', '[1] 2', "{'a': 1}"]) assert.throws(() => parseLenientJson(bad), SyntaxError, bad);
    assert.deepEqual(parseLenientJson(' [true, false, null, "\\u00e9\\n"] '), [true, false, null, 'é\n']);
  });

  it('reads the bare tokens as MLflow wire strings for the REST client, leaving strings alone', () => {
    assert.deepEqual(parseLenientJson('{"a": NaN, "b": -Infinity, "c": "NaN Infinity", "d": [Infinity]}', { nonFinite: 'string' }), { a: 'NaN', b: '-Infinity', c: 'NaN Infinity', d: ['Infinity'] });
  });

  it('pretty-prints answers with NaN and Infinity kept', () => {
    assert.equal(prettyLenientJson('{"predictions": [NaN, -Infinity, 1, "NaN"]}'), '{\n  "predictions": [\n    NaN,\n    -Infinity,\n    1,\n    "NaN"\n  ]\n}');
    assert.throws(() => prettyLenientJson('{oops'));
  });
});
