import * as assert from 'node:assert/strict';
import { quoteForShell } from '../../../src/cli/quote';
import { parseArgLine } from '../../../src/training/scriptArgs';

const ok = (line: string) => {
  const r = parseArgLine(line);
  assert.ok(r.ok, `not parsed: ${line}`);
  return r.args;
};

describe('training/scriptArgs', () => {
  it('splits on blanks, drops empty words', () => {
    assert.deepEqual(ok('  --epochs 10\t--lr  0.001 '), ['--epochs', '10', '--lr', '0.001']);
    assert.deepEqual(ok(''), []);
  });

  it('keeps quoted text literally, including an empty argument and nothing expanded', () => {
    assert.deepEqual(ok(`--name 'my run' --note "it's \\"fine\\"" ''`), ['--name', 'my run', '--note', `it's "fine"`, '']);
    assert.deepEqual(ok('$HOME ~/data *.csv `id` $(rm -rf /) ;|&'), ['$HOME', '~/data', '*.csv', '`id`', '$(rm', '-rf', '/)', ';|&']);
    assert.deepEqual(ok(`"$HOME"`), ['$HOME']);
    assert.deepEqual(ok(`a\\ b c'd'"e"`), ['a b', 'cde']);
  });

  it('reports unclosed quotes and a trailing backslash with their position', () => {
    const r = parseArgLine(`--x 'open`);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error : '', /quote ' at position 5 is not closed/);
    assert.equal(parseArgLine('--x "open').ok, false);
    assert.equal(parseArgLine('x \\').ok, false);
  });

  it('reads back what the project quotes for POSIX shells', () => {
    const args = ['plain', 'with space', "it's", '', '--flag=$(x)', 'tab\there', 'new\nline'];
    assert.deepEqual(ok(quoteForShell(args, 'sh')), args);
  });
});
