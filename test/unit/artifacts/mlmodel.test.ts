import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeType, parseMlmodel, parseRequirements } from '../../../src/artifacts/mlmodel';
import { MLFLOW_FIXTURES_DIR } from '../../support/fixtures';

function findMlmodels(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findMlmodels(p));
    else if (e.name === 'MLmodel') out.push(p);
  }
  return out;
}

describe('MLmodel summary', () => {
  describe('every real MLmodel in the fixture stores', () => {
    const files = findMlmodels(path.join(MLFLOW_FIXTURES_DIR, 'stores'));
    it('there are MLmodel files of both versions and all three layouts', () => {
      assert.ok(files.length >= 12, files.join('\n'));
      for (const v of ['v2', 'v3']) for (const layout of ['mlruns', 'sqlite', 'server']) assert.ok(files.some((f) => f.includes(`/${v}/${layout}/`)), `${v}/${layout}`);
    });
    for (const f of files) {
      const rel = path.relative(path.join(MLFLOW_FIXTURES_DIR, 'stores'), f);
      it(rel, () => {
        const s = parseMlmodel(fs.readFileSync(f, 'utf8'));
        assert.deepEqual(s.flavors.map((x) => x.name).sort(), ['python_function', 'sklearn']);
        assert.equal(s.loaderModule, 'mlflow.sklearn');
        assert.match(s.pythonVersion ?? '', /^3\.\d+/);
        const sk = s.flavors.find((x) => x.name === 'sklearn')!;
        assert.ok(sk.details.some(([k, v]) => k === 'sklearn_version' && /^\d/.test(v)));
        assert.ok(!sk.details.some(([k]) => k === 'code'), 'null values are left out');
        assert.deepEqual(s.signature?.inputs?.map((i) => `${i.name}:${i.type}`), ['sepal_length:double', 'sepal_width:double', 'petal_length:double', 'petal_width:double']);
        assert.deepEqual(s.signature?.outputs?.map((o) => o.type), ['tensor<int64> [-1]']);
        assert.equal(s.signature?.params, undefined);
        assert.deepEqual(s.inputExample, { path: 'input_example.json', type: 'dataframe', pandasOrient: 'split', servingInputPath: 'serving_input_example.json' });
        assert.deepEqual(s.envFiles.sort(), ['conda.yaml', 'python_env.yaml']);
        assert.match(s.runId ?? '', /^[0-9a-f]{32}$/);
        assert.match(s.created ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
        if (rel.startsWith('v3')) {
          assert.match(s.mlflowVersion ?? '', /^3\./);
          assert.match(s.modelId ?? '', /^m-[0-9a-f]{32}$/);
          assert.ok(f.includes(s.modelId!), 'model_id names the folder');
        } else {
          assert.match(s.mlflowVersion ?? '', /^2\./);
          assert.equal(s.modelId, undefined);
          assert.equal(s.artifactPath, 'model');
        }
        const req = path.join(path.dirname(f), 'requirements.txt');
        if (fs.existsSync(req)) assert.ok(parseRequirements(fs.readFileSync(req, 'utf8')).some((l) => l.startsWith('mlflow')));
      });
    }
  });

  it('describes structured, tensor and map types', () => {
    assert.equal(describeType({ type: 'array', items: { type: 'string' } }), 'array<string>');
    assert.equal(describeType({ type: 'map', values: { type: 'double' } }), 'map<string, double>');
    assert.equal(
      describeType({ type: 'object', properties: { a: { type: 'long', required: true }, b: { type: 'array', items: { type: 'binary' }, required: false } } }),
      '{a: long, b?: array<binary>}',
    );
    assert.equal(describeType({ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 28, 28] } }), 'tensor<float32> [-1, 28, 28]');
  });

  it('params, an old string env, no signature, and a non-mapping file', () => {
    const s = parseMlmodel(
      [
        'flavors:',
        '  python_function: {loader_module: mlflow.pyfunc.model, env: conda.yaml, python_version: 3.8.10}',
        'signature:',
        "  inputs: '[{\"type\": \"string\"}]'",
        "  params: '[{\"name\": \"temperature\", \"type\": \"float\", \"default\": 0.5, \"shape\": null}]'",
      ].join('\n'),
    );
    assert.deepEqual(s.envFiles, ['conda.yaml']);
    assert.deepEqual(s.signature?.inputs, [{ name: undefined, type: 'string', required: true }]);
    assert.deepEqual(s.signature?.params, [{ name: 'temperature', type: 'float', default: '0.5', shape: undefined }]);
    assert.equal(parseMlmodel('flavors: {}').signature, undefined);
    assert.throws(() => parseMlmodel('- a\n- b'), /mapping/);
  });

  it('requirements without comments and blanks', () => {
    assert.deepEqual(parseRequirements('# c\nmlflow==2.17\n\nnumpy  # pinned\n-r other.txt\n'), ['mlflow==2.17', 'numpy', '-r other.txt']);
  });
});
