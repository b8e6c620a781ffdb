// Random and mutated inputs: the scanner must never throw, never hang, and always return sane ranges.
import * as assert from 'node:assert/strict';
import { type MlflowCall, type Range, scanPython } from '../../../src/codelens/scanner';
import { tokenizePython } from '../../../src/codelens/pythonTokens';
import { rng, trainingScript } from './pythonSample';

const SEEDS = [
  'import mlflow\nwith mlflow.start_run(run_name="x") as run:\n    mlflow.log_metric("loss", 1.0, step=2)\n',
  'from mlflow import log_metric as lm, MlflowClient\nc = MlflowClient()\nc.log_param(rid, "k", 1)\nlm(f"a{b!r:>{w}}", 2)\n',
  'import mlflow as mf\nmf.log_metrics({\n  "a": 1,  # c\n  **rest,\n  f"{x}": 2,\n})\n"""doc mlflow.log_metric("x")"""\n',
  'import mlflow\r\nx = rb"\\x00" \\\r\n  u"é😀"\r\nmlflow.set_tag(\'t\', """\r\nmulti""")\r\n',
  'import mlflow\nprint(f"{mlflow.get_tracking_uri()} {f\'{1}\'} {{}}")\nmlflow.sklearn.log_model(m, "model", registered_model_name="r")\n',
  'import mlflow\ndef f(cl: MlflowClient):\n\tcl.log_metric(r, "k", 1)\n\tmlflow.log_params(dict(a=1, **b))\n',
  trainingScript(80, 7),
];

const ALPHABET = [
  '"', "'", '"""', "'''", '(', ')', '[', ']', '{', '}', '\\', '\n', '\r\n', '\r', '#', ' ', '\t', ',', ':', '=', '.',
  'f"', 'rb\'', 'mlflow', 'mlflow.log_metric(', 'with ', 'import ', 'from ', 'def ', ' as ', '**', '{{', '}}', '!r',
  '😀', 'é', '\u2028', '\0', '$', 'MlflowClient()', 'client.', 'dict(', 'f"{', '"}', 'lambda', ';', '@',
];

function mutate(src: string, r: () => number): string {
  let s = src;
  const edits = 1 + Math.floor(r() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (s.length + 1));
    const what = r();
    if (what < 0.35) {
      const tok = ALPHABET[Math.floor(r() * ALPHABET.length)];
      s = s.slice(0, at) + tok + s.slice(at);
    } else if (what < 0.65) {
      s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 20));
    } else if (what < 0.8) {
      const from = Math.floor(r() * s.length);
      s = s.slice(0, at) + s.slice(from, from + Math.floor(r() * 40)) + s.slice(at);
    } else if (what < 0.9) {
      s = s.slice(0, at); // truncated: the user is typing at the end
    } else {
      const code = Math.floor(r() * 0x3000);
      s = s.slice(0, at) + String.fromCharCode(code) + s.slice(at);
    }
  }
  return s;
}

function randomText(r: () => number): string {
  let s = r() < 0.5 ? 'import mlflow\n' : '';
  const n = Math.floor(r() * 60);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)] + (r() < 0.3 ? 'x' : '');
  return s;
}

const lineLengths = (src: string): number[] => src.split(/\r\n|\r|\n/).map((l) => l.length);

function checkRange(lines: number[], range: Range, what: string): void {
  assert.ok(range.startLine >= 0 && range.startLine < lines.length, `${what} startLine`);
  assert.ok(range.endLine >= range.startLine && range.endLine < lines.length, `${what} endLine`);
  assert.ok(range.startCol >= 0 && range.startCol <= lines[range.startLine], `${what} startCol`);
  assert.ok(range.endCol >= 0 && range.endCol <= lines[range.endLine], `${what} endCol`);
  assert.ok(range.endLine > range.startLine || range.endCol >= range.startCol, `${what} order`);
}

const before = (a: Range, b: Range): boolean => a.startLine < b.startLine || (a.startLine === b.startLine && a.startCol <= b.startCol);

function checkCalls(src: string, calls: MlflowCall[]): void {
  const lines = lineLengths(src);
  let prev: Range | undefined;
  for (const c of calls) {
    checkRange(lines, c.range, 'range');
    checkRange(lines, c.nameRange, 'nameRange');
    assert.equal(c.line, c.nameRange.startLine);
    assert.deepEqual([c.range.startLine, c.range.startCol], [c.nameRange.startLine, c.nameRange.startCol]);
    for (const k of c.keys) {
      checkRange(lines, k.range, 'key');
      assert.ok(before(c.range, k.range), 'key after the call start');
      const end = (x: Range): Range => ({ startLine: x.endLine, startCol: x.endCol, endLine: x.endLine, endCol: x.endCol });
      assert.ok(before(end(k.range), end(c.range)), 'key before the call end');
      assert.equal(typeof k.value, 'string');
    }
    if (prev) assert.ok(before(prev, c.range), 'calls in source order');
    prev = c.range;
  }
}

describe('scanPython: fuzzing', function () {
  this.timeout(120_000);

  it('20,000 random and mutated inputs: no exception, sane ranges, deterministic (time per case: fuzz-python-scanner in npm run bench)', () => {
    const r = rng(12345);
    let found = 0;
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      const src = i % 4 === 0 ? randomText(r) : mutate(SEEDS[i % SEEDS.length], r);
      const opts = i % 7 === 0 ? { assumeImported: true } : i % 11 === 0 ? { preamble: SEEDS[1] } : {};
      let calls: MlflowCall[];
      try {
        calls = scanPython(src, opts);
        tokenizePython(src, Math.floor(src.length / 3), src.length);
      } catch (err) {
        assert.fail(`threw on ${JSON.stringify(src)}: ${(err as Error).stack}`);
      }
      found += calls.length;
      checkCalls(src, calls);
      if (i % 97 === 0) assert.deepEqual(scanPython(src, opts), calls, 'same result twice');
    }
    assert.ok(found > N, `found only ${found} calls`); // the mutations leave most calls intact
  });
});
