import * as assert from 'node:assert/strict';
import { parseDotenv } from '../../../../src/tracking/uri';

describe('tracking/uri: parseDotenv', () => {
  it('plain KEY=value, spaces around = and trailing spaces', () => {
    assert.deepEqual(parseDotenv('A=1\nB = two  \n  C=three'), { A: '1', B: 'two', C: 'three' });
  });
  it('export prefix', () => {
    assert.deepEqual(parseDotenv('export MLFLOW_TRACKING_URI=http://h:5000\nexport  X=1'), { MLFLOW_TRACKING_URI: 'http://h:5000', X: '1' });
  });
  it('comments: whole line and after whitespace in unquoted values; # inside a value kept', () => {
    assert.deepEqual(parseDotenv('# comment\n  # indented\nA=1 # trailing\nB=a#b\nC=http://h/#x'), { A: '1', B: 'a#b', C: 'http://h/#x' });
  });
  it('double quotes: escapes, # kept, trailing comment dropped', () => {
    assert.deepEqual(parseDotenv('A="x # y" # c\nB="line1\\nline2\\t\\"q\\""'), { A: 'x # y', B: 'line1\nline2\t"q"' });
  });
  it('single quotes are literal', () => {
    assert.deepEqual(parseDotenv("A='x\\ny ${B}'"), { A: 'x\\ny ${B}' });
  });
  it('multi-line quoted values', () => {
    assert.deepEqual(parseDotenv('A="one\ntwo"\nB=3'), { A: 'one\ntwo', B: '3' });
  });
  it('${VAR} and ${VAR:-default} expansion from earlier keys then the environment', () => {
    const env = { HOST: 'envhost', EMPTY: '' };
    assert.deepEqual(parseDotenv('PORT=5000\nU=http://${HOST}:${PORT}\nV="${MISSING:-dflt}"\nW=${EMPTY:-x}\nE="\\${HOST}"', env), {
      PORT: '5000',
      U: 'http://envhost:5000',
      V: 'dflt',
      W: 'x',
      E: '${HOST}',
    });
  });
  it('CRLF line endings and a BOM', () => {
    assert.deepEqual(parseDotenv('\uFEFFA=1\r\nB="2"\r\n'), { A: '1', B: '2' });
  });
  it('empty values, later duplicates win, malformed lines skipped', () => {
    assert.deepEqual(parseDotenv('A=\nB=""\nnot a line\n=x\nA=2'), { A: '2', B: '' });
  });
  it('an unclosed quote is read as an unquoted value of its line', () => {
    assert.deepEqual(parseDotenv('A="abc\nB=1'), { A: '"abc', B: '1' });
  });
});
