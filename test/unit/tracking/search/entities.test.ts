// Experiment, registered-model, model-version and logged-model search grammars.
import * as assert from 'node:assert/strict';
import { isTrackingError } from '../../../../src/tracking/errors';
import {
  compileExperimentFilter,
  compileExperimentOrderBy,
  compileLoggedModelFilter,
  compileLoggedModelOrderBy,
  compileModelVersionFilter,
  compileModelVersionOrderBy,
  compileRegisteredModelFilter,
  compileRegisteredModelOrderBy,
  type LoggedModelOrderBy,
} from '../../../../src/tracking/search';
import type { Experiment, LoggedModel, LoggedModelStatus, ModelVersion, RegisteredModel } from '../../../../src/tracking/types';

function invalid(fn: () => unknown, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.ok(isTrackingError(e, 'invalidRequest'), `expected invalidRequest, got ${String(e)}`);
    assert.match(e.message, re);
    return;
  }
  assert.fail('expected invalidRequest');
}

const tags = (o: Record<string, string> = {}) => Object.entries(o).map(([key, value]) => ({ key, value }));

describe('experiment search grammar', () => {
  const exp = (experimentId: string, name: string, creationTime?: number, lastUpdateTime?: number, t?: Record<string, string>): Experiment => ({
    experimentId,
    name,
    artifactLocation: '',
    lifecycleStage: 'active',
    creationTime,
    lastUpdateTime,
    tags: tags(t),
  });
  const EXPS = [exp('0', 'Default', 100, 100), exp('1', 'iris', 300, 900, { team: 'ml' }), exp('2', 'Iris-2', 300, 400, { team: 'ops' }), exp('10', 'wine', undefined, 50)];
  const names = (f: string) => EXPS.filter(compileExperimentFilter(f)).map((e) => e.name);
  const order = (o?: string[]) => [...EXPS].sort(compileExperimentOrderBy(o)).map((e) => e.experimentId);

  const table: [string, string[]][] = [
    ['', ['Default', 'iris', 'Iris-2', 'wine']],
    ["name = 'iris'", ['iris']],
    ["attribute.name != 'iris'", ['Default', 'Iris-2', 'wine']],
    ["name LIKE 'iris%'", ['iris']],
    ["name ILIKE 'iris%'", ['iris', 'Iris-2']],
    ['name = "wine"', ['wine']],
    ['creation_time > 200', ['iris', 'Iris-2']],
    ['creation_time != 300', ['Default']], // missing creation_time never matches
    ['last_update_time <= 100', ['Default', 'wine']],
    ["tags.team = 'ml'", ['iris']],
    ["tag.team LIKE '%'", ['iris', 'Iris-2']],
    ["tags.team != 'ml'", ['Iris-2']],
    ["tags.`team` ILIKE 'OPS' and creation_time >= 300", ['Iris-2']],
  ];
  for (const [f, want] of table) it(`${JSON.stringify(f)} → ${want.join(',')}`, () => assert.deepEqual(names(f), want));

  const errors: [string, RegExp][] = [
    ["nme = 'x'", /^Invalid attribute key 'nme' specified\. Valid keys are '\{'creation_time', 'last_update_time', 'name'\}'/],
    ["experiment_id = '1'", /^Invalid attribute key 'experiment_id'/],
    ["attributes.name = 'x'", /^Invalid entity type 'attributes'\. Valid entity types are \('attribute', 'tag', 'tags'\)/],
    ['metrics.x > 1', /^Invalid entity type 'metrics'/],
    ["name > 'x'", /^Invalid comparator '>'/],
    ["name IN ('x')", /^Only the 'run_id' attribute supports comparison with a list/],
    ['name = 1', /^Expected a quoted string value for attributes/],
    ["creation_time = '1'", /^Expected numeric value type for numeric attribute: creation_time/],
    ['creation_time LIKE 1', /^Invalid comparator 'LIKE'/],
    ['tags.t > 1', /^Expected a quoted string value for tag/],
    ["tags.t > '1'", /^Invalid comparator '>'/],
    ["name = 'a' OR name = 'b'", /OR/],
  ];
  for (const [f, re] of errors) it(`rejects ${JSON.stringify(f)}`, () => invalid(() => compileExperimentFilter(f), re));

  it('orders by creation_time DESC, experiment_id ASC by default', () => assert.deepEqual(order(), ['1', '2', '0', '10']));
  it('breaks ties on experiment_id DESC (as integers) when order_by is given', () => {
    assert.deepEqual(order(['creation_time']), ['0', '2', '1', '10']);
    assert.deepEqual(order(['creation_time DESC']), ['2', '1', '0', '10']);
  });
  it('orders by each key, missing values last', () => {
    assert.deepEqual(order(['name']), ['0', '2', '1', '10']);
    assert.deepEqual(order(['attribute.name DESC']), ['10', '1', '2', '0']);
    assert.deepEqual(order(['last_update_time']), ['10', '0', '2', '1']);
    assert.deepEqual(order(['experiment_id']), ['0', '1', '2', '10']);
    assert.deepEqual(order(['experiment_id DESC']), ['10', '2', '1', '0']);
  });
  it('rejects bad order_by', () => {
    invalid(() => compileExperimentOrderBy(['tags.x']), /^Invalid order_by entity: tag/);
    invalid(() => compileExperimentOrderBy(['foo']), /^Invalid attribute key 'foo'/);
    invalid(() => compileExperimentOrderBy(['name sideways']), /Invalid ordering key/);
  });
});

describe('registered model search grammar', () => {
  const rm = (name: string, c: number | undefined, u: number | undefined, t?: Record<string, string>): RegisteredModel => ({
    name,
    creationTimestamp: c,
    lastUpdatedTimestamp: u,
    latestVersions: [],
    tags: tags(t),
    aliases: [],
  });
  const RMS = [rm('iris-classifier', 10, 50, { task: 'cls' }), rm('empty-model', 20, 30), rm('Iris-2', 5, undefined, { task: 'reg' })];
  const names = (f: string) => RMS.filter(compileRegisteredModelFilter(f)).map((m) => m.name);
  const order = (o?: string[]) => [...RMS].sort(compileRegisteredModelOrderBy(o)).map((m) => m.name);

  it('filters by name and tags', () => {
    assert.deepEqual(names("name LIKE 'iris%'"), ['iris-classifier']);
    assert.deepEqual(names("name ILIKE 'iris%'"), ['iris-classifier', 'Iris-2']);
    assert.deepEqual(names("name = 'empty-model'"), ['empty-model']);
    assert.deepEqual(names("name != 'empty-model'"), ['iris-classifier', 'Iris-2']);
    assert.deepEqual(names("tags.task = 'reg'"), ['Iris-2']);
    assert.deepEqual(names("tags.task != 'reg'"), ['iris-classifier']);
    assert.deepEqual(names(''), ['iris-classifier', 'empty-model', 'Iris-2']);
  });
  it('hides MLflow 3 prompts unless the filter asks for them', () => {
    const withPrompt = [...RMS, rm('my-prompt', 1, 1, { 'mlflow.prompt.is_prompt': 'true' })];
    const n = (f?: string, includePrompts?: boolean) => withPrompt.filter(compileRegisteredModelFilter(f, { includePrompts })).map((m) => m.name);
    assert.deepEqual(n(), ['iris-classifier', 'empty-model', 'Iris-2']);
    assert.deepEqual(n("name LIKE 'my%'"), []);
    assert.deepEqual(n("tags.`mlflow.prompt.is_prompt` = 'true'"), ['my-prompt']);
    assert.deepEqual(n("tags.mlflow.prompt.is_prompt != 'false'"), ['my-prompt']);
    assert.deepEqual(n(undefined, true), ['iris-classifier', 'empty-model', 'Iris-2', 'my-prompt']);
  });
  it('rejects other keys and operators', () => {
    invalid(() => compileRegisteredModelFilter("nme = 'x'"), /^Invalid attribute key 'nme' specified\. Valid keys are '\{'name'\}'/);
    invalid(() => compileRegisteredModelFilter("name > 'x'"), /^Invalid comparator '>'/);
    invalid(() => compileRegisteredModelFilter("name IN ('x')"), /Only the 'run_id' attribute/);
    invalid(() => compileRegisteredModelFilter('name = 1'), /Expected a quoted string value or a list of quoted string values for attributes/);
    invalid(() => compileRegisteredModelFilter("params.x = 'y'"), /^Invalid entity type 'params'/);
  });
  it('orders by name ASC by default and on ties; timestamp means last update', () => {
    assert.deepEqual(order(), ['Iris-2', 'empty-model', 'iris-classifier']);
    assert.deepEqual(order(['name DESC']), ['iris-classifier', 'empty-model', 'Iris-2']);
    assert.deepEqual(order(['timestamp DESC']), ['iris-classifier', 'empty-model', 'Iris-2']);
    assert.deepEqual(order(['last_updated_timestamp']), ['empty-model', 'iris-classifier', 'Iris-2']);
    assert.deepEqual(order(['creation_timestamp']), ['Iris-2', 'iris-classifier', 'empty-model']);
    invalid(() => compileRegisteredModelOrderBy(['version']), /^Invalid attribute key 'version'/);
    invalid(() => compileRegisteredModelOrderBy(['tags.x']), /^Invalid order_by entity: tag/);
  });
});

describe('model version search grammar', () => {
  const mv = (name: string, version: string, runId: string | undefined, source: string, stage = 'None', t?: Record<string, string>, c?: number): ModelVersion => ({
    name,
    version,
    runId,
    source,
    currentStage: stage,
    status: 'READY',
    tags: tags(t),
    aliases: [],
    creationTimestamp: c,
  });
  const MVS = [
    mv('iris', '1', 'aaa', 'models:/m-1', 'Archived', { v: 'ok' }, 1),
    mv('iris', '2', 'bbb', 'models:/m-2', 'Production', {}, 2),
    mv('iris', '10', undefined, 's3://b/m', 'None', {}, 3),
    mv('wine', '1', 'aaa', 'file:///x', 'None', {}, 4),
    mv('iris', '3', 'ccc', 'gone', 'Deleted_Internal', {}, 5),
  ];
  const keys = (f?: string) => MVS.filter(compileModelVersionFilter(f)).map((m) => `${m.name}/${m.version}`);
  const order = (o?: string[]) => [...MVS].filter(compileModelVersionFilter()).sort(compileModelVersionOrderBy(o)).map((m) => `${m.name}/${m.version}`);

  it('filters by name, version_number, run_id, source_path and tags; never returns deleted versions', () => {
    assert.deepEqual(keys(), ['iris/1', 'iris/2', 'iris/10', 'wine/1']);
    assert.deepEqual(keys("name='iris'"), ['iris/1', 'iris/2', 'iris/10']);
    assert.deepEqual(keys("run_id = 'aaa'"), ['iris/1', 'wine/1']);
    assert.deepEqual(keys("run_id IN ('aaa', 'bbb', 'ccc')"), ['iris/1', 'iris/2', 'wine/1']);
    assert.deepEqual(keys("run_id != 'aaa'"), ['iris/2']); // no run id: no match
    assert.deepEqual(keys('version_number > 1'), ['iris/2', 'iris/10']);
    assert.deepEqual(keys("version_number = '10'"), ['iris/10']);
    assert.deepEqual(keys("source_path LIKE 'models:/%'"), ['iris/1', 'iris/2']);
    assert.deepEqual(keys("tags.v = 'ok'"), ['iris/1']);
    assert.deepEqual(keys("name = 'iris' AND version_number <= 2"), ['iris/1', 'iris/2']);
  });
  it('rejects invalid filters with MLflow wording', () => {
    invalid(() => compileModelVersionFilter("nme='x'"), /^Invalid attribute key 'nme' specified\. Valid keys are '\{'name', 'run_id', 'source_path', 'version_number'\}'/);
    invalid(() => compileModelVersionFilter("run_id NOT IN ('a')"), /^Invalid comparator 'NOT IN'/);
    invalid(() => compileModelVersionFilter("name IN ('a')"), /Only the 'run_id' attribute/);
    invalid(() => compileModelVersionFilter('name = 1'), /attributes support comparison with numeric values/);
    invalid(() => compileModelVersionFilter("version_number LIKE '1'"), /^Invalid comparator 'LIKE'/);
    invalid(() => compileModelVersionFilter("version_number = 'x'"), /expected an integer version/);
  });
  it('orders by name ASC, version DESC (as numbers) by default', () => {
    assert.deepEqual(order(), ['iris/10', 'iris/2', 'iris/1', 'wine/1']);
    assert.deepEqual(order(['version_number']), ['iris/1', 'wine/1', 'iris/2', 'iris/10']);
    assert.deepEqual(order(['name DESC']), ['wine/1', 'iris/10', 'iris/2', 'iris/1']);
    assert.deepEqual(order(['creation_timestamp DESC']), ['wine/1', 'iris/10', 'iris/2', 'iris/1']);
    invalid(() => compileModelVersionOrderBy(['run_id']), /^Invalid attribute key 'run_id'/);
  });
});

describe('logged model search grammar', () => {
  const lm = (
    modelId: string,
    name: string,
    created: number | undefined,
    status: LoggedModelStatus,
    metrics: [string, number, number][],
    extra: Partial<LoggedModel['info']> = {},
    params: Record<string, string> = {},
  ): LoggedModel => ({
    info: { modelId, experimentId: '1', name, creationTimestampMs: created, lastUpdatedTimestampMs: created, artifactUri: '', status, tags: [], ...extra },
    data: { params: tags(params), metrics: metrics.map(([key, value, timestamp]) => ({ key, value, timestamp, step: 0 })) },
  });
  const LMS = [
    lm('m-a', 'model', 100, 'LOGGED_MODEL_READY', [['acc', 0.9, 1]], { modelType: 'sklearn', sourceRunId: 'r1', tags: tags({ k: 'v' }) }, { C: '1.0' }),
    lm('m-b', 'model', 200, 'LOGGED_MODEL_PENDING', [['acc', 0.5, 1], ['acc', 0.95, 2]], {}, { C: '0.3' }),
    lm('m-c', 'other', 200, 'LOGGED_MODEL_UPLOAD_FAILED', []),
  ];
  const ids = (f: string) => LMS.filter(compileLoggedModelFilter(f)).map((m) => m.info.modelId);
  const order = (o?: LoggedModelOrderBy[]) => [...LMS].sort(compileLoggedModelOrderBy(o)).map((m) => m.info.modelId);

  const table: [string, string[]][] = [
    ['', ['m-a', 'm-b', 'm-c']],
    ["name = 'model'", ['m-a', 'm-b']],
    ["attributes.name LIKE 'oth%'", ['m-c']],
    ["model_id IN ('m-a', 'm-c')", ['m-a', 'm-c']],
    ["model_id NOT IN ('m-a')", ['m-b', 'm-c']],
    ["model_type = 'sklearn'", ['m-a']],
    ["source_run_id != 'x'", ['m-a']],
    ["status = 'READY'", ['m-a']],
    ["status = 'LOGGED_MODEL_READY'", ['m-a']],
    ["status != 'READY'", ['m-b', 'm-c']],
    ["status = 'FAILED'", ['m-c']],
    ['creation_time > 150', ['m-b', 'm-c']],
    ['creation_timestamp = 100', ['m-a']],
    ['last_updated_time < 150', ['m-a']],
    ['metrics.acc > 0.92', ['m-b']],
    ['metrics.acc >= 0.9', ['m-a', 'm-b']],
    ["params.C = '0.3'", ['m-b']],
    ["tags.k = 'v'", ['m-a']],
    ["metric.acc < 1 AND param.C LIKE '1%'", ['m-a']],
  ];
  for (const [f, want] of table) it(`${JSON.stringify(f)} → ${want.join(',')}`, () => assert.deepEqual(ids(f), want));

  it('rejects invalid filters', () => {
    invalid(() => compileLoggedModelFilter("foo = 'x'"), /^Invalid attribute key 'foo'/);
    invalid(() => compileLoggedModelFilter("datasets.name = 'x'"), /^Invalid entity type 'datasets'/);
    invalid(() => compileLoggedModelFilter("metrics.acc = 'x'"), /^Expected numeric value type for metric/);
    invalid(() => compileLoggedModelFilter('creation_time LIKE 1'), /^Invalid comparator 'LIKE'/);
    invalid(() => compileLoggedModelFilter("params.C > '1'"), /^Invalid comparator '>'/);
    invalid(() => compileLoggedModelFilter("name = 'a' OR name = 'b'"), /OR/);
  });

  it('orders by creation time DESC, then model_id by default; metrics by their latest value, missing last', () => {
    assert.deepEqual(order(), ['m-b', 'm-c', 'm-a']);
    assert.deepEqual(order([{ fieldName: 'creation_time', ascending: false }]), ['m-b', 'm-c', 'm-a']);
    assert.deepEqual(order([{ fieldName: 'creation_timestamp' }]), ['m-a', 'm-b', 'm-c']);
    assert.deepEqual(order([{ fieldName: 'metrics.acc' }]), ['m-a', 'm-b', 'm-c']);
    assert.deepEqual(order([{ fieldName: 'metrics.acc', ascending: false }]), ['m-b', 'm-a', 'm-c']);
    assert.deepEqual(order([{ fieldName: 'name', ascending: false }, { fieldName: 'model_id', ascending: false }]), ['m-c', 'm-b', 'm-a']);
  });
  it('rejects invalid order_by objects', () => {
    invalid(() => compileLoggedModelOrderBy([{ fieldName: 'params.C' }]), /^Invalid order by field name: params, only `metrics.<name>` is allowed\./);
    invalid(() => compileLoggedModelOrderBy([{ fieldName: 'foo' }]), /^Invalid order by field name: foo\./);
    invalid(() => compileLoggedModelOrderBy([{ fieldName: '' }]), /field_name/);
    invalid(() => compileLoggedModelOrderBy(['name' as unknown as LoggedModelOrderBy]), /must be a list of dictionaries/);
    invalid(() => compileLoggedModelOrderBy([{ fieldName: 'name', ascending: 'yes' as unknown as boolean }]), /must be a boolean/);
    invalid(() => compileLoggedModelOrderBy([{ fieldName: 'metrics.acc', datasetDigest: 'd' }]), /dataset_digest/);
  });
});
