// The on-disk formats on their own: metric lines, the latest-value rule, flat meta.yaml parsing and
// line-wise edits.
import * as assert from 'node:assert/strict';
import * as yaml from 'js-yaml';
import { latestMetric, parseMetricHistory } from '../../../../src/tracking/file/metricFile';
import { parseFlatYaml, parseMetaYaml, setYamlKeys, yamlScalar } from '../../../../src/tracking/file/metaYaml';

const run = (key = 'm') => ({ key, kind: 'run' as const });

describe('file store metric files', () => {
  it('reads 2-, 3- and 5-field lines with nan/inf/-inf, -0.0, 5e-324 and big steps', () => {
    const text = '100 0.5\n200 nan 1\n300 inf 2\n400 -inf 3\n500 -0.0 4\n600 5e-324 2147483648 train abc123\n';
    const { value, badLines } = parseMetricHistory(text, { ...run(), runId: 'r' });
    assert.equal(badLines, 0);
    assert.deepEqual(
      value.map((m) => [m.timestamp, m.step]),
      [
        [100, 0],
        [200, 1],
        [300, 2],
        [400, 3],
        [500, 4],
        [600, 2147483648],
      ],
    );
    assert.ok(Number.isNaN(value[1].value));
    assert.equal(value[2].value, Infinity);
    assert.equal(value[3].value, -Infinity);
    assert.ok(Object.is(value[4].value, -0));
    assert.equal(value[5].value, 5e-324);
    assert.equal(value[5].datasetName, 'train');
    assert.equal(value[5].datasetDigest, 'abc123');
    assert.ok(value.every((m) => m.runId === 'r' && m.key === 'm'));
  });

  it('skips malformed lines and counts them', () => {
    const r = parseMetricHistory('1 2 3\ngarbage\n4 x 5\n6 7 8 9\n\n10 11 12\r\n', run());
    assert.deepEqual(
      r.value.map((m) => m.value),
      [2, 11],
    );
    assert.equal(r.badLines, 3);
  });

  it('latest = max of (step, timestamp, value), first maximum wins, NaN never wins a tie', () => {
    const pick = (text: string) => {
      const m = latestMetric(text, run()).value!;
      return [m.timestamp, m.value, m.step];
    };
    assert.deepEqual(pick('1 0.1 0\n2 0.2 5\n3 0.3 4\n'), [2, 0.2, 5], 'highest step, not last line');
    assert.deepEqual(pick('5 0.1 7\n9 0.2 7\n7 0.3 7\n'), [9, 0.2, 7], 'then highest timestamp');
    assert.deepEqual(pick('5 0.1 7\n5 0.9 7\n5 0.3 7\n'), [5, 0.9, 7], 'then highest value');
    assert.deepEqual(pick('5 0.1 7\n5 nan 7\n'), [5, 0.1, 7], 'NaN does not beat an equal (step, ts)');
    const nanFirst = latestMetric('5 nan 7\n5 0.4 7\n', run()).value!;
    assert.ok(Number.isNaN(nanFirst.value), 'and is not beaten either (Python max keeps the first)');
    assert.deepEqual(pick('1 inf 0\n1 5 0\n'), [1, Infinity, 0]);
    assert.deepEqual(pick('1 1.0 -2\n2 2.0 -1\n'), [2, 2, -1], 'negative steps');
    assert.equal(latestMetric('', run()).value, undefined);
    assert.deepEqual(pick('bad line\n3 4 5\n'), [3, 4, 5]);
  });

  it('agrees with the full parse on a long random file', () => {
    let text = '';
    const vals = ['nan', 'inf', '-inf', '0.5', '1e-05', '-0.0', '3'];
    for (let i = 0; i < 5000; i++) text += `${1000 + (i % 17)} ${vals[i % 7]} ${i % 13}\n`;
    const all = parseMetricHistory(text, run()).value;
    let best = all[0];
    for (const m of all) if (m.step > best.step || (m.step === best.step && (m.timestamp > best.timestamp || (m.timestamp === best.timestamp && m.value > best.value)))) best = m;
    assert.deepEqual(latestMetric(text, run()).value, best);
  });

  it('logged-model lines carry the run id in the 4th field', () => {
    const [m] = parseMetricHistory('1795680885921 0.34 0 85c2cd0244ac4908817c29c853d5c0eb\n', { key: 'accuracy', kind: 'model', modelId: 'm-1' }).value;
    assert.deepEqual(m, { key: 'accuracy', value: 0.34, timestamp: 1795680885921, step: 0, modelId: 'm-1', runId: '85c2cd0244ac4908817c29c853d5c0eb' });
  });
});

describe('file store meta.yaml', () => {
  const meta = [
    "artifact_uri: file:///srv/x/mlruns/1/abc/artifacts",
    'deleted_time: null',
    "entry_point_name: ''",
    "experiment_id: '358387156804898222'",
    'run_name: spécial ✓ "quoted" <b>run</b>',
    "source_name: 'it''s'",
    'status: 3',
    'tags: []',
    '',
  ].join('\n');

  it('parses flat files like PyYAML would, keeping 18-digit ids as text', () => {
    const m = parseFlatYaml(meta)!;
    assert.deepEqual(m, {
      artifact_uri: 'file:///srv/x/mlruns/1/abc/artifacts',
      deleted_time: null,
      entry_point_name: '',
      experiment_id: '358387156804898222',
      run_name: 'spécial ✓ "quoted" <b>run</b>',
      source_name: "it's",
      status: '3',
      tags: '[]',
    });
  });

  it('falls back to a real YAML parser for folded, double-quoted and nested values', () => {
    const folded = "description: 'LogisticRegression on synthetic iris data.\n\n\n  **Owner:** alice'\nname: m\n";
    assert.equal(parseFlatYaml(folded), undefined);
    assert.equal(parseMetaYaml(folded).description, 'LogisticRegression on synthetic iris data.\n\n**Owner:** alice');
    assert.equal(parseMetaYaml('run_name: "a\\tb"\n').run_name, 'a\tb');
    assert.deepEqual(parseMetaYaml('tags:\n  mlflow.data.context: training\n').tags, { 'mlflow.data.context': 'training' });
    assert.equal(parseMetaYaml('experiment_id: 123456789012345678\n').experiment_id, '123456789012345678');
    assert.throws(() => parseMetaYaml('- a\n- b\n'));
  });

  it('edits keys line-wise and inserts missing keys in sorted position', () => {
    const out = setYamlKeys(meta, { status: 4, lifecycle_stage: 'deleted', run_name: "new: name #1", zz: null });
    const lines = out.split('\n');
    assert.equal(lines[4], 'lifecycle_stage: deleted');
    assert.equal(lines[5], "run_name: 'new: name #1'");
    assert.equal(lines[7], 'status: 4');
    assert.equal(lines[9], 'zz: null');
    assert.equal(lines.length, meta.split('\n').length + 2);
    assert.equal(setYamlKeys(meta, { status: 3 }), meta, 'same value: same bytes');
  });

  it('replaces a folded multi-line value as a whole', () => {
    const text = "a: 1\nrun_name: a very long name that PyYAML folded\n  onto a second line\nz: 2\n";
    assert.equal(setYamlKeys(text, { run_name: 'short' }), 'a: 1\nrun_name: short\nz: 2\n');
  });

  it('quotes scalars so YAML reads them back unchanged', () => {
    for (const s of ['plain', 'null', 'True', '123', '1.5e3', '-x', ': x', 'a: b', 'a #b', "it's", '  lead', 'trail ', 'x\ny', 'tab\there', '@at', '%p', 'ラン-1 ✓', '', '~', '0x1F', '2024-01-01', '[a]', '{a}', 'a,b', '*star', '!bang', '|pipe', '>gt', '?q']) {
      const y = `k: ${yamlScalar(s)}\n`;
      assert.equal((yaml.load(y) as { k: unknown }).k, s, `${JSON.stringify(s)} -> ${y}`);
      assert.equal(parseMetaYaml(y).k === null ? '' : parseMetaYaml(y).k, s === '' ? '' : s, `flat parser on ${y}`);
    }
  });
});
