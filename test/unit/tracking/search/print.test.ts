// The filter printer's clauses as a store receives them, read back by the same grammar MLflow's
// stores use: a name with a quote finds that model (and only it).
import * as assert from 'node:assert/strict';
import { compileModelVersionFilter, compileRunFilter } from '../../../../src/tracking/search';
import { filterClause, likePattern, registryEquals } from '../../../../src/tracking/search/print';
import type { ModelVersion, Run } from '../../../../src/tracking/types';

const version = (name: string): ModelVersion => ({ name, version: '1', currentStage: 'None', source: '', status: 'READY', tags: [], aliases: [] });
const run = (runName: string, source = ''): Run => ({
  info: { runId: 'a1', experimentId: '1', runName, userId: 'u', status: 'FINISHED', artifactUri: 'x', lifecycleStage: 'active' },
  data: { metrics: [], params: [], tags: [{ key: 'mlflow.runName', value: runName }, { key: 'mlflow.source.name', value: source }] },
  inputs: { datasetInputs: [], modelInputs: [] },
  outputs: { modelOutputs: [] },
});

describe('tracking/search/print: registry and LIKE clauses', () => {
  const models = ["o'brien", "o\\'brien", 'say "hi"', 'iris'].map(version);
  const found = (filter: string | undefined) => models.filter(compileModelVersionFilter(filter)).map((v) => v.name);

  it('a model name as the Python client writes it; quotes in the name find exactly that model', () => {
    assert.equal(registryEquals('name', 'iris'), "name='iris'");
    assert.equal(registryEquals('run_id', '85c2cd0244ac4908817c29c853d5c0eb'), "run_id='85c2cd0244ac4908817c29c853d5c0eb'");
    assert.equal(registryEquals('name', "o'brien"), `name="o'brien"`);
    assert.deepEqual(found(registryEquals('name', "o'brien")), ["o'brien"]);
    assert.equal(registryEquals('name', 'say "hi"'), `name='say "hi"'`);
    assert.deepEqual(found(registryEquals('name', 'say "hi"')), ['say "hi"']);
    // MLflow keeps quoted text verbatim: the old `name='o\'brien'` asked for a name with a backslash
    assert.deepEqual(found("name='o\\'brien'"), ["o\\'brien"]);
    assert.equal(registryEquals('name', `it's "x"`), undefined);
  });

  it('a LIKE pattern keeps ordinary text and finds values with quotes, % and backslashes', () => {
    assert.equal(filterClause('tags', 'mlflow.source.name', 'LIKE', likePattern('train_v2.py', 'suffix')), "tags.`mlflow.source.name` LIKE '%train_v2.py'");
    assert.equal(filterClause('attributes', 'run_name', 'ILIKE', likePattern('sweep', 'contains')), "attributes.run_name ILIKE '%sweep%'");

    const filter = filterClause('attributes', 'run_name', 'ILIKE', likePattern("Bob's 50%\\", 'contains'));
    assert.equal(filter, `attributes.run_name ILIKE "%Bob's 50__%"`);
    const match = compileRunFilter(filter);
    assert.equal(match(run("bob's 50%\\ run")), true);
    assert.equal(match(run('bob 50%')), false);

    const lens = filterClause('tags', 'mlflow.source.name', 'LIKE', likePattern('it\'s "x".py', 'suffix'));
    assert.equal(lens, undefined); // both quotes: no filter, the caller picks the file's runs itself
    const suffix = compileRunFilter(filterClause('tags', 'mlflow.source.name', 'LIKE', likePattern("o'brien.py", 'suffix')));
    assert.equal(suffix(run('r', "/ws/o'brien.py")), true);
    assert.equal(suffix(run('r', '/ws/obrien.py')), false);
  });
});
