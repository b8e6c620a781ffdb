import * as assert from 'node:assert/strict';
import { findOption } from '../../../src/cli/options';
import { parseVersionString } from '../../../src/cli/version';
import { editKind, formRows, formatValue, hiddenCount, knownOptions, pairsOf, parsePair, parseText, pickChoices, rememberable } from '../../../src/models/optionForm';

const spec = (cmd: Parameters<typeof findOption>[0], key: string) => {
  const s = findOption(cmd, key);
  assert.ok(s, key);
  return s;
};

describe('models/optionForm', () => {
  it('lists the common serve options, and every other one only after "More options…"', () => {
    const rows = formRows('serve', {});
    assert.deepEqual(rows.map((r) => r.label), ['--port', '--host', '--env-manager']);
    assert.ok(!rows.some((r) => r.key === 'modelUri'), 'the model is asked for separately');
    const all = formRows('serve', {}, { showAll: true }).map((r) => r.label);
    for (const l of ['--timeout', '--workers', '--no-conda', '--install-mlflow', '--enable-mlserver']) assert.ok(all.includes(l), l);
    assert.equal(hiddenCount('serve', {}), 5);
    assert.equal(hiddenCount('serve', { workers: 2 }), 4, 'a set option is shown without "More options…"');
  });

  it('shows values, defaults and auto text', () => {
    const rows = formRows('serve', { envManager: 'local' }, { autoText: { port: 'a free port' } });
    assert.equal(rows.find((r) => r.key === 'port')?.description, 'a free port');
    assert.equal(rows.find((r) => r.key === 'host')?.description, 'default: 127.0.0.1');
    assert.equal(rows.find((r) => r.key === 'envManager')?.description, 'local');
    assert.equal(rows.find((r) => r.key === 'envManager')?.set, true);
  });

  it('offers only the options of the detected version', () => {
    const v318 = parseVersionString('2.17.0')!;
    const keys = formRows('predict', {}, { version: v318, showAll: true }).map((r) => r.key);
    assert.ok(!keys.includes('env'), '--env needs 2.18');
    assert.ok(formRows('predict', {}, { showAll: true }).some((r) => r.key === 'env'));
    const ui = formRows('ui', {}, { version: parseVersionString('3.6.0')!, showAll: true }).map((r) => r.key);
    assert.ok(ui.includes('allowedHosts') && !ui.includes('backendStoreUri'));
  });

  it('edits each kind of option', () => {
    assert.equal(editKind(spec('serve', 'installMlflow')), 'toggle');
    assert.equal(editKind(spec('serve', 'envManager')), 'pick');
    assert.equal(editKind(spec('build-docker', 'installJava')), 'pick');
    assert.equal(editKind(spec('predict', 'env')), 'pairs');
    assert.equal(editKind(spec('gc', 'olderThan')), 'text');
    assert.deepEqual(pickChoices(spec('serve', 'envManager'), parseVersionString('2.19.0')).map((c) => c.label), ['(not set)', 'local', 'virtualenv', 'conda']);
    assert.deepEqual(pickChoices(spec('build-docker', 'installJava')).map((c) => c.value), [undefined, true, false]);
  });

  it('parses typed text with the option checks', () => {
    assert.deepEqual(parseText(spec('serve', 'port'), ' 5005 '), { value: 5005 });
    assert.match(parseText(spec('serve', 'port'), '70000').error ?? '', /between 1 and 65535/);
    assert.deepEqual(parseText(spec('gc', 'olderThan'), '1d2h'), { value: '1d2h' });
    assert.match(parseText(spec('gc', 'olderThan'), '2 days').error ?? '', /30d/);
    assert.deepEqual(parseText(spec('predict', 'pipRequirementsOverride'), 'a==1, b==2'), { value: ['a==1', 'b==2'] });
    assert.deepEqual(parseText(spec('serve', 'port'), ''), {}, 'empty clears');
  });

  it('adds and reads KEY=VALUE pairs', () => {
    const s = spec('predict', 'env');
    assert.deepEqual(parsePair(s, 'A=1=2', {}), { key: 'A', value: '1=2' });
    assert.match(parsePair(s, '1A=x', {}).error ?? '', /not a valid variable name/);
    assert.match(parsePair(s, 'novalue', {}).error ?? '', /KEY=VALUE/);
    assert.deepEqual(pairsOf(['A=1', 'B=x=y']), { A: '1', B: 'x=y' });
    assert.equal(formatValue(s, { A: '1', B: '2' }), 'A=1 B=2');
  });

  it('remembers options but not models, files, ids or ports', () => {
    assert.deepEqual(rememberable('predict', { modelUri: 'm', inputPath: 'x.csv', outputPath: 'o', envManager: 'local', installMlflow: true }), { envManager: 'local', installMlflow: true });
    assert.deepEqual(rememberable('serve', { port: 5001, host: '127.0.0.1', envManager: '' }), { host: '127.0.0.1' });
    assert.deepEqual(rememberable('gc', { runIds: ['a'], olderThan: '30d' }), { olderThan: '30d' });
    assert.deepEqual(knownOptions('serve', { envManager: 'local', bogus: 1, workers: undefined }), { envManager: 'local' });
  });
});
