// Table-driven tests of the runs/search grammar: filters, order_by, filterNeeds, validateRunFilter.
import * as assert from 'node:assert/strict';
import { isTrackingError } from '../../../../src/tracking/errors';
import { compileRunFilter, compileRunOrderBy, filterNeeds, validateRunFilter } from '../../../../src/tracking/search';
import type { Run, RunStatus } from '../../../../src/tracking/types';

interface RunSpec {
  id: string;
  name?: string;
  nameTag?: string | null;
  status?: RunStatus;
  start?: number;
  end?: number;
  user?: string;
  uri?: string;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  datasets?: { name: string; digest: string; context?: string }[];
}

function mkRun(s: RunSpec): Run {
  const tags = Object.entries(s.tags ?? {}).map(([key, value]) => ({ key, value }));
  if (s.nameTag !== null) tags.push({ key: 'mlflow.runName', value: s.nameTag ?? s.name ?? s.id });
  return {
    info: {
      runId: s.id,
      experimentId: '1',
      runName: s.name ?? s.id,
      userId: s.user ?? 'alice',
      status: s.status ?? 'FINISHED',
      startTime: 'start' in s ? s.start : 1000,
      endTime: s.end,
      artifactUri: s.uri ?? `file:///mlruns/1/${s.id}/artifacts`,
      lifecycleStage: 'active',
    },
    data: {
      metrics: Object.entries(s.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 })),
      params: Object.entries(s.params ?? {}).map(([key, value]) => ({ key, value })),
      tags,
    },
    inputs: {
      datasetInputs: (s.datasets ?? []).map((d) => ({
        tags: d.context === undefined ? [] : [{ key: 'mlflow.data.context', value: d.context }],
        dataset: { name: d.name, digest: d.digest, sourceType: 'local', source: '{}' },
      })),
      modelInputs: [],
    },
    outputs: { modelOutputs: [] },
  };
}

const RUNS: Run[] = [
  mkRun({ id: 'aaa1', name: 'alpha', start: 5000, end: 6000, metrics: { acc: 0.9, loss: 0.1, 'f1-score': 0.5, 'a.b': 1 }, params: { lr: '0.01', opt: 'Adam', 'my param': 'v 1' }, tags: { team: 'ml', note: "it's" }, datasets: [{ name: 'iris', digest: 'd1', context: 'training' }] }),
  mkRun({ id: 'bbb2', name: 'beta', start: 4000, end: 4500, status: 'FAILED', user: 'bob', metrics: { acc: 0.7, loss: NaN }, params: { lr: '0.1', opt: 'adam' }, tags: { team: 'ML' }, datasets: [{ name: 'Iris', digest: 'd2', context: 'eval' }, { name: 'wine', digest: 'd3' }] }),
  mkRun({ id: 'ccc3', name: 'gamma', start: 3000, status: 'RUNNING', metrics: { acc: Infinity, loss: -Infinity }, params: { lr: '1e-3', opt: 'sgd%' } }),
  mkRun({ id: 'ddd4', name: 'delta_x', start: 2000, end: 2500, status: 'KILLED', metrics: { acc: -0 }, params: { opt: 'line1\nline2' }, tags: { team: 'ops' } }),
  mkRun({ id: 'eee5', name: 'renamed', nameTag: 'tag-name', start: undefined, metrics: {}, params: { opt: 'C:\\Users\\x' } }),
];

const ids = (filter: string, opts?: { nanAsZero?: boolean }) => RUNS.filter(compileRunFilter(filter, opts)).map((r) => r.info.runId);

function invalid(fn: () => unknown, re?: RegExp): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isTrackingError(e, 'invalidRequest'), `expected invalidRequest, got ${String(e)}`);
    if (re) assert.match(e.message, re);
    return e.message;
  }
  assert.fail('expected invalidRequest');
}

describe('run filter grammar', () => {
  it('matches everything for an empty or blank filter', () => {
    assert.equal(ids('').length, RUNS.length);
    assert.equal(ids('   \n\t').length, RUNS.length);
    assert.equal(RUNS.filter(compileRunFilter()).length, RUNS.length);
  });

  const table: [string, string[]][] = [
    // metric operators (latest value); NaN only satisfies != (IEEE, as the file store's Python does)
    ['metrics.acc = 0.9', ['aaa1']],
    ['metrics.acc != 0.9', ['bbb2', 'ccc3', 'ddd4']],
    ['metrics.acc > 0.7', ['aaa1', 'ccc3']],
    ['metrics.acc >= 0.7', ['aaa1', 'bbb2', 'ccc3']],
    ['metrics.acc < 0.7', ['ddd4']],
    ['metrics.acc <= 0.7', ['bbb2', 'ddd4']],
    ['metrics.loss != 0', ['aaa1', 'bbb2', 'ccc3']],
    ['metrics.loss = 0', []],
    ['metrics.loss > -1', ['aaa1']],
    ['metrics.loss < -1e308', ['ccc3']],
    ['metrics.acc > 1.7976931348623157e308', ['ccc3']],
    ['metrics.acc = 0', ['ddd4']], // -0.0 = 0
    ['metrics.acc = -0', ['ddd4']],
    // missing keys never match, even with !=
    ['metrics.nope != 1', []],
    ['params.nope != \'x\'', []],
    ['tags.nope != \'x\'', []],
    // every prefix alias
    ['metric.acc > 0.8', ['aaa1', 'ccc3']],
    ['params.lr = \'0.01\'', ['aaa1']],
    ['param.lr = \'0.01\'', ['aaa1']],
    ['parameter.lr = \'0.01\'', ['aaa1']],
    ['parameters.lr = \'0.01\'', ['aaa1']],
    ['tags.team = \'ml\'', ['aaa1']],
    ['tag.team = \'ml\'', ['aaa1']],
    ['attributes.status = \'FAILED\'', ['bbb2']],
    ['attribute.status = \'FAILED\'', ['bbb2']],
    ['attr.status = \'FAILED\'', ['bbb2']],
    ['run.status = \'FAILED\'', ['bbb2']],
    ['status = \'FAILED\'', ['bbb2']],
    ['status != \'FINISHED\'', ['bbb2', 'ccc3', 'ddd4']],
    ['status LIKE \'%ED\'', ['aaa1', 'bbb2', 'ddd4', 'eee5']],
    ['status = \'failed\'', []],
    ['status ILIKE \'failed\'', ['bbb2']],
    ['datasets.name = \'iris\'', ['aaa1']],
    ['dataset.name = \'iris\'', ['aaa1']],
    ['datasets.name ILIKE \'iris\'', ['aaa1', 'bbb2']],
    ['datasets.name != \'iris\'', ['bbb2']], // any input whose name differs
    ['datasets.digest IN (\'d3\', \'zz\')', ['bbb2']],
    ['datasets.digest NOT IN (\'d1\')', ['bbb2']],
    ['datasets.context = \'training\'', ['aaa1']],
    ['datasets.context LIKE \'%\'', ['aaa1', 'bbb2']],
    ['datasets.name IN (\'Iris\')', ['bbb2']],
    // attributes
    ['run_id = \'aaa1\'', ['aaa1']],
    ['attributes.run_id IN (\'aaa1\', \'ccc3\')', ['aaa1', 'ccc3']],
    ['run_id NOT IN (\'aaa1\', \'ccc3\')', ['bbb2', 'ddd4', 'eee5']],
    ['run_id in (\'aaa1\')', ['aaa1']],
    ['run_id not in (\'aaa1\')', ['bbb2', 'ccc3', 'ddd4', 'eee5']],
    ['run_id IN (\'AAA1\', \'bbb2\')', ['bbb2']], // MLflow drops ids that are not lower case
    ['user_id = \'bob\'', ['bbb2']],
    ['artifact_uri LIKE \'%/ccc3/%\'', ['ccc3']],
    ['start_time > 3000', ['aaa1', 'bbb2']],
    ['start_time >= 3e3', ['aaa1', 'bbb2', 'ccc3']],
    ['created < 3000', ['ddd4']],
    ['Created = 5000', ['aaa1']],
    ['attributes.created <= 4000.5', ['bbb2', 'ccc3', 'ddd4']],
    ['end_time > 0', ['aaa1', 'bbb2', 'ddd4']], // RUNNING runs have no end_time
    ['start_time != 1', ['aaa1', 'bbb2', 'ccc3', 'ddd4']], // no start_time: never matches
    // run_name reads the mlflow.runName tag, falling back to the run_name field
    ['run_name = \'alpha\'', ['aaa1']],
    ['attributes.run_name = \'tag-name\'', ['eee5']],
    ['run_name = \'renamed\'', []],
    ['tags.mlflow.runName = \'tag-name\'', ['eee5']],
    ['`run name` = \'alpha\'', ['aaa1']],
    ['`Run name` = \'alpha\'', ['aaa1']],
    ['attributes.`Run Name` = \'alpha\'', ['aaa1']],
    ['attributes."run name" = \'alpha\'', ['aaa1']],
    // quoting: keys with backticks / double quotes, dotted keys, double-quoted values
    ['metrics.`f1-score` = 0.5', ['aaa1']],
    ['metrics."f1-score" = 0.5', ['aaa1']],
    ['metrics.`a.b` = 1', ['aaa1']],
    ['metrics.a.b = 1', ['aaa1']],
    ['params.`my param` = \'v 1\'', ['aaa1']],
    ['params."my param" = "v 1"', ['aaa1']],
    ['`params`.lr = "0.1"', ['bbb2']],
    ['tags.note = "it\'s"', ['aaa1']],
    ['tags.note = \'it\'\'s\'', []], // MLflow keeps '' verbatim (no unescaping)
    ['params.opt = \'C:\\Users\\x\'', ['eee5']],
    // LIKE / ILIKE
    ['params.opt LIKE \'Adam\'', ['aaa1']],
    ['params.opt LIKE \'adam\'', ['bbb2']],
    ['params.opt ILIKE \'ADAM\'', ['aaa1', 'bbb2']],
    ['params.opt like \'a%\'', ['bbb2']],
    ['params.opt ilike \'a_am\'', ['aaa1', 'bbb2']],
    ['params.opt LIKE \'_\'', []],
    ['params.opt LIKE \'%\'', ['aaa1', 'bbb2', 'ccc3', 'ddd4', 'eee5']],
    ['params.opt LIKE \'%%\'', ['aaa1', 'bbb2', 'ccc3', 'ddd4', 'eee5']],
    ['params.opt LIKE \'sgd\\%\'', ['ccc3']], // \% is a literal %
    ['params.opt LIKE \'sgd%\'', ['ccc3']],
    ['params.opt LIKE \'s_d\\_\'', []],
    ['params.opt LIKE \'%line2\'', ['ddd4']], // % spans newlines
    ['params.opt LIKE \'line1_line2\'', ['ddd4']],
    ['params.opt LIKE \'C:\\Users%\'', ['eee5']], // a backslash before another character is literal
    ['params.opt LIKE \'C:\\\\Users%\'', ['eee5']], // \\ is one backslash
    ['params.lr LIKE \'0.0_\'', ['aaa1']],
    ['params.lr LIKE \'%.%\'', ['aaa1', 'bbb2']], // . is not a wildcard
    ['params.lr LIKE \'(\'', []], // regex metacharacters are literal
    // AND, in any case, stray ANDs tolerated like MLflow
    ['metrics.acc > 0.5 AND params.lr = \'0.01\'', ['aaa1']],
    ['metrics.acc > 0.5 and tags.team = \'ml\' And status = \'FINISHED\'', ['aaa1']],
    ['status = \'FAILED\' AND', ['bbb2']],
    ['AND status = \'FAILED\'', ['bbb2']],
    // numeric literal forms
    ['metrics.acc > -1', ['aaa1', 'bbb2', 'ccc3', 'ddd4']],
    ['metrics.acc>-1.5E+2', ['aaa1', 'bbb2', 'ccc3', 'ddd4']],
    ['metrics.acc > .8', ['aaa1', 'ccc3']],
    ['metrics.acc > 0.', ['aaa1', 'bbb2', 'ccc3']],
    ['metrics.acc < 9e-1', ['bbb2', 'ddd4']],
    ['metrics.acc<=0.7', ['bbb2', 'ddd4']],
  ];

  for (const [filter, want] of table) {
    it(`${filter} → ${want.join(',') || 'nothing'}`, () => assert.deepEqual(ids(filter), want));
  }

  it('compares NaN as 0 with nanAsZero, as MLflow SQL stores do', () => {
    assert.deepEqual(ids('metrics.loss = 0', { nanAsZero: true }), ['bbb2']);
    assert.deepEqual(ids('metrics.loss < 0.05', { nanAsZero: true }), ['bbb2', 'ccc3']);
    assert.deepEqual(ids('metrics.loss != 0', { nanAsZero: true }), ['aaa1', 'ccc3']);
  });

  it('matches _ against one code point, not one UTF-16 unit', () => {
    const r = mkRun({ id: 'u1', params: { e: 'a🚀b' }, tags: { t: 'ÉCOLE' } });
    assert.equal(compileRunFilter("params.e LIKE 'a_b'")(r), true);
    assert.equal(compileRunFilter("params.e LIKE 'a__b'")(r), false);
    assert.equal(compileRunFilter("tags.t ILIKE 'école'")(r), true, 'file store: Unicode case folding');
    assert.equal(compileRunFilter("tags.t ILIKE 'école'", { asciiIlike: true })(r), false, 'SQLite: A–Z only');
    assert.equal(compileRunFilter("tags.t ILIKE 'Écol_'", { asciiIlike: true })(r), true);
    assert.equal(compileRunFilter("tags.t ILIKE '%Cole'", { asciiIlike: true })(r), true);
    assert.equal(compileRunFilter("tags.t LIKE 'école'")(r), false);
    assert.equal(compileRunFilter("params.`e` = 'a🚀b'")(r), true);
  });

  const errors: [string, RegExp][] = [
    ['metrics.acc >>> 0.5', /^Invalid comparator '>>>' not one of '\{'!=', '<', '<=', '=', '>', '>='\}'/],
    ['metrics.acc == 0.5', /^Invalid comparator '==' .*use '='/],
    ['metrics.acc <> 0.5', /^Invalid comparator '<>'/],
    ['metrics.acc LIKE 0.5', /^Invalid comparator 'LIKE'/],
    ['metrics.acc IN (\'a\')', /^Expected numeric value type for metric\. Found \('a'\)/],
    ['metrics.acc = \'0.5\'', /^Expected numeric value type for metric\. Found '0\.5'/],
    ['metrics.acc = inf', /^Expected numeric value type for metric\. Found inf/],
    ['metrics.acc = NaN', /^Expected numeric value type for metric\. Found NaN/],
    ['params.lr > \'1\'', /^Invalid comparator '>' not one of '\{'!=', '=', 'ILIKE', 'LIKE'\}'/],
    ['params.lr = 0.1', /^Expected a quoted string value for parameter \(e\.g\. 'my-value'\)\. Got value 0\.1/],
    ['tags.t = x', /^Parameter value is either not quoted or unidentified quote types used for string value x/],
    ['tags.t IN (\'x\')', /^Expected a quoted string value for tag/],
    ['params.lr NOT LIKE \'x\'', /^Invalid comparator 'NOT LIKE'/],
    ['status > \'A\'', /^Invalid comparator '>' not one of/],
    ['status IN (\'FAILED\')', /^Only the 'run_id' attribute supports comparison with a list/],
    ['status = 3', /^Expected a quoted string value for attributes\. Got value 3/],
    ['start_time = \'1\'', /^Expected numeric value type for numeric attribute: start_time\. Found '1'/],
    ['start_time LIKE 1', /^Invalid comparator 'LIKE'/],
    ['run_id IN \'a\'', /IN needs a parenthesized list/],
    ['run_id IN ()', /expected a non-empty list of string values, but got empty list/],
    ['run_id IN (\'a\',)', /ill-formed list/],
    ['run_id IN (\'a\' \'b\')', /ill-formed list/],
    ['run_id IN ("a")', /expected string value, punctuation, or whitespace, but got different type in list/],
    ['run_id IN (1, 2)', /but got different type in list/],
    ['run_id IN (\'a\'', /never closed/],
    ['run_id = (\'a\')', /a list of values can only be used with IN or NOT IN/],
    ['datasets.foo = \'x\'', /^Invalid dataset key 'foo' specified\. Valid keys are '\{'context', 'digest', 'name'\}'/],
    ['datasets.name = 1', /^Expected a quoted string value for dataset attributes/],
    ['foo.bar = \'x\'', /^Invalid entity type 'foo'\. Valid values are \['metric', 'parameter', 'tag', 'attribute', 'dataset'\]/],
    ['Metrics.acc > 1', /^Invalid entity type 'Metrics'/],
    ['nme = \'x\'', /^Invalid attribute key 'nme' specified\. Valid keys are '\{.*'run_id'.*\}'/],
    ['experiment_id = \'1\'', /^Invalid attribute key 'experiment_id'/],
    ['lifecycle_stage = \'active\'', /^Invalid attribute key 'lifecycle_stage'/],
    ['metrics.acc > 0.5 OR metrics.acc < 0.1', /'OR'.*Only AND/],
    ['metrics.acc > 0.5 or metrics.acc < 0.1', /'OR'/],
    ['NOT metrics.acc > 0.5', /'NOT'/],
    ['(metrics.acc > 0.5)', /Parentheses are only allowed/],
    ['metrics.acc > 0.5 metrics.acc < 1', /must be joined with AND/],
    ['metrics.acc > 0.5; metrics.acc < 1', /multiple expressions/],
    ['metrics.acc', /not followed by a comparison operator/],
    ['metrics.acc >', /has no value/],
    ['metrics.acc 0.5', /must be followed by a comparison operator/],
    ['0.5 < metrics.acc', /Expected 'Identifier' found '0\.5'/],
    ['\'x\' = tags.t', /Expected 'Identifier'/],
    ['= 1', /Expected 'Identifier'/],
    ['metrics.f1-score > 0.5', /unexpected character '-'.*backticks/],
    ['metrics. acc > 1', /needs a key after the '\.'/],
    ['tags. = \'x\'', /needs a key after the '\.'/],
    ['tags.`` = \'x\'', /key is empty/],
    ['tags.t = \'open', /never closed/],
    ['tags.`open = \'x\'', /backtick quote .* never closed/],
    ['tags."open = \'x\'', /double quote .* never closed/],
    ['metrics.acc > 1abc', /not a valid number/],
    ['metrics.acc > 0x10', /not a valid number/],
    ['metrics.acc > +1', /unexpected character '\+'/],
    ['metrics.acc > 1.2.3', /not a valid number/],
    ['tags.t IS NULL', /must be followed by a comparison operator/],
    ['tags.t = NULL', /NULL is not supported/],
    ['tags.t BETWEEN 1 AND 2', /must be followed by a comparison operator/],
    ['tags.t = \'a\' # comment', /unexpected character '#'/],
    ['metrics.acc > 1 AND (', /Parentheses/],
  ];
  for (const [filter, re] of errors) {
    it(`rejects ${JSON.stringify(filter)}`, () => {
      invalid(() => compileRunFilter(filter), re);
      const msg = validateRunFilter(filter);
      assert.ok(msg && re.test(msg), `validateRunFilter: ${msg}`);
    });
  }

  it('validateRunFilter returns undefined for valid filters', () => {
    for (const [f] of table) assert.equal(validateRunFilter(f), undefined, f);
  });

  it('keeps an escaped quote inside a string and backtracks at the end like sqlparse', () => {
    const r = mkRun({ id: 'q1', params: { p: "a\\'b", w: 'C:\\' } });
    assert.equal(compileRunFilter("params.p = 'a\\'b'")(r), true); // \' does not close the string, and is kept verbatim
    assert.equal(compileRunFilter("params.w = 'C:\\'")(r), true); // …unless nothing else would close it
  });

  it('decodes Python escapes inside IN lists as MLflow (ast.literal_eval) does', () => {
    const r = mkRun({ id: 'q2', datasets: [{ name: "it's", digest: 'x' }] });
    assert.equal(compileRunFilter("datasets.name IN ('it\\'s')")(r), true);
    assert.equal(compileRunFilter("datasets.name IN ('it''s')")(r), false); // adjacent literals: 'its'
  });
});

describe('run order_by', () => {
  const order = (orderBy?: string[], runs = RUNS) => [...runs].sort(compileRunOrderBy(orderBy)).map((r) => r.info.runId);

  it('defaults to start_time DESC (missing last), then run_id', () => {
    assert.deepEqual(order(), ['aaa1', 'bbb2', 'ccc3', 'ddd4', 'eee5']);
    assert.deepEqual(order([]), ['aaa1', 'bbb2', 'ccc3', 'ddd4', 'eee5']);
    const same = [mkRun({ id: 'b', start: 1 }), mkRun({ id: 'a', start: 1 }), mkRun({ id: 'c', start: 2 })];
    assert.deepEqual(order(undefined, same), ['c', 'a', 'b']);
  });

  it('puts numbers first, then NaN, then missing values, in both directions', () => {
    assert.deepEqual(order(['metrics.loss']), ['ccc3', 'aaa1', 'bbb2', 'ddd4', 'eee5']);
    assert.deepEqual(order(['metrics.loss ASC']), ['ccc3', 'aaa1', 'bbb2', 'ddd4', 'eee5']);
    assert.deepEqual(order(['metrics.loss DESC']), ['aaa1', 'ccc3', 'bbb2', 'ddd4', 'eee5']);
    assert.deepEqual(order(['metrics.acc desc']), ['ccc3', 'aaa1', 'bbb2', 'ddd4', 'eee5']);
    assert.deepEqual(order(['metric.acc asc']), ['ddd4', 'bbb2', 'aaa1', 'ccc3', 'eee5']);
  });

  it('orders params and tags as strings by code point, missing last', () => {
    assert.deepEqual(order(['params.opt']), ['aaa1', 'eee5', 'bbb2', 'ddd4', 'ccc3']);
    assert.deepEqual(order(['params.lr DESC']), ['ccc3', 'bbb2', 'aaa1', 'ddd4', 'eee5']); // '1e-3' > '0.1' > '0.01' as strings
    assert.deepEqual(order(['tags.team']), ['bbb2', 'aaa1', 'ddd4', 'ccc3', 'eee5']);
    const cp = [mkRun({ id: 'x', params: { p: '\uffff' } }), mkRun({ id: 'y', params: { p: '😀' } })];
    assert.deepEqual(order(['params.p'], cp), ['x', 'y']); // U+FFFF < U+1F600 (UTF-16 order would say otherwise)
  });

  it('orders by every attribute and alias, ties broken by start_time DESC then run_id', () => {
    assert.deepEqual(order(['attributes.start_time ASC']), ['ddd4', 'ccc3', 'bbb2', 'aaa1', 'eee5']);
    assert.deepEqual(order(['created']), ['ddd4', 'ccc3', 'bbb2', 'aaa1', 'eee5']);
    assert.deepEqual(order(['Created DESC']), ['aaa1', 'bbb2', 'ccc3', 'ddd4', 'eee5']);
    assert.deepEqual(order(['end_time']), ['ddd4', 'bbb2', 'aaa1', 'ccc3', 'eee5']);
    assert.deepEqual(order(['end_time DESC']), ['aaa1', 'bbb2', 'ddd4', 'ccc3', 'eee5']);
    assert.deepEqual(order(['status']), ['bbb2', 'aaa1', 'eee5', 'ddd4', 'ccc3']); // FAILED < FINISHED < KILLED < RUNNING
    assert.deepEqual(order(['user_id DESC']), ['bbb2', 'aaa1', 'ccc3', 'ddd4', 'eee5']);
    assert.deepEqual(order(['run_name']), ['aaa1', 'bbb2', 'ddd4', 'ccc3', 'eee5']);
    assert.deepEqual(order(['attr.run_id DESC']), ['eee5', 'ddd4', 'ccc3', 'bbb2', 'aaa1']);
    assert.deepEqual(order(['run.artifact_uri']), ['aaa1', 'bbb2', 'ccc3', 'ddd4', 'eee5']);
  });

  it('applies several keys in order, with backtick- and double-quoted keys', () => {
    const rs = [
      mkRun({ id: 'r1', start: 1, params: { 'my p': 'b' }, metrics: { 'f1-score': 1 } }),
      mkRun({ id: 'r2', start: 2, params: { 'my p': 'a' }, metrics: { 'f1-score': 1 } }),
      mkRun({ id: 'r3', start: 3, params: { 'my p': 'a' }, metrics: { 'f1-score': 2 } }),
    ];
    assert.deepEqual(order(['metrics.`f1-score` DESC', 'params.`my p` ASC'], rs), ['r3', 'r2', 'r1']);
    assert.deepEqual(order(['metrics."f1-score"', 'params."my p" DESC'], rs), ['r1', 'r2', 'r3']);
    assert.deepEqual(order(['metrics.`f1-score`'], rs), ['r2', 'r1', 'r3']); // tie → start_time DESC
  });

  const bad: [string, RegExp][] = [
    ['foo.bar DESC', /^Invalid entity type 'foo'\. Valid values are \['metric', 'parameter', 'tag', 'attribute', 'dataset'\]$/],
    ['metrics.acc UP', /^Invalid ordering key in order_by clause 'metrics\.acc UP'\./],
    ['metrics.acc DESC extra', /^Invalid order_by clause 'metrics\.acc DESC extra'\. Could not be parsed\./],
    ['', /^Invalid order_by clause ''\. Could not be parsed\./],
    ['   ', /Could not be parsed/],
    ['metrics.`acc DESC', /Could not be parsed.*never closed/],
    ['DESC', /^Invalid attribute key 'DESC'/],
    ['nme', /^Invalid attribute key 'nme' specified/],
    ['run name', /Invalid ordering key/],
    ['`run name`', /^Invalid attribute key 'run name'/],
    ['datasets.name', /Invalid order_by entity type 'dataset'/],
    ['metrics.acc > 1', /Could not be parsed/],
    ["'metrics.acc'", /Could not be parsed/],
  ];
  for (const [clause, re] of bad) {
    it(`rejects ${JSON.stringify(clause)}`, () => invalid(() => compileRunOrderBy([clause]), re));
  }

  it('rejects non-string entries with invalidRequest', () => {
    invalid(() => compileRunOrderBy([42 as unknown as string]), /Invalid order_by clause/);
    invalid(() => compileRunOrderBy([null as unknown as string]), /Invalid order_by clause/);
  });
});

describe('filterNeeds', () => {
  const none = { params: false, metrics: false, tags: false, datasets: false };
  const cases: [string | undefined, string[] | undefined, Partial<typeof none>][] = [
    [undefined, undefined, {}],
    ['', [], {}],
    ["status = 'FINISHED' and start_time > 1", ['end_time DESC'], {}],
    ['metrics.acc > 1', undefined, { metrics: true }],
    [undefined, ['metrics.acc'], { metrics: true }],
    ["params.lr = '1'", ['tags.x'], { params: true, tags: true }],
    ["datasets.name = 'x'", undefined, { datasets: true }],
    ["run_name = 'x'", undefined, { tags: true }],
    [undefined, ['run_name'], {}],
    ["tag.a = 'b' AND metric.m < 2 AND parameter.p LIKE 'x%' AND dataset.context = 'c'", undefined, { tags: true, metrics: true, params: true, datasets: true }],
  ];
  for (const [f, o, want] of cases) {
    it(`${JSON.stringify(f)} ${JSON.stringify(o)}`, () => {
      const { keys, ...parts } = filterNeeds(f, o);
      assert.deepEqual(parts, { ...none, ...want });
      assert.ok(keys);
    });
  }
  it('lists the keys the filter and order_by read, once each', () => {
    assert.deepEqual(filterNeeds("metrics.val_loss < 0.5 and params.optimizer = 'adam' and metrics.`val_loss` > 0", ['metrics.val_loss ASC', 'tags.team']).keys, {
      params: ['optimizer'],
      metrics: ['val_loss'],
      tags: ['team'],
    });
    assert.deepEqual(filterNeeds("run_name = 'x'").keys, { params: [], metrics: [], tags: ['mlflow.runName'] });
    assert.deepEqual(filterNeeds(undefined, ['metrics.`a/b c`']).keys, { params: [], metrics: ['a/b c'], tags: [] });
  });
  it('needs everything (and never throws) for invalid input', () => {
    const all = { params: true, metrics: true, tags: true, datasets: true };
    assert.deepEqual(filterNeeds('metrics.acc >>> 1'), all);
    assert.deepEqual(filterNeeds(undefined, ['foo.bar']), all);
    assert.deepEqual(filterNeeds('x OR y', [42 as unknown as string]), all);
  });
});
