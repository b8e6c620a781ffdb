import * as assert from 'node:assert/strict';
import { type MlflowCall, type Range, type ScanOptions, mayContainMlflow, scanPython } from '../../../src/codelens/scanner';
import { PATHOLOGICAL_SOURCES, trainingScript } from './pythonSample';

const scan = (src: string, opts?: ScanOptions): MlflowCall[] => scanPython(src, opts);
/** Lines joined with \n — keeps the sources readable. */
const py = (...lines: string[]): string => lines.join('\n') + '\n';
const brief = (c: MlflowCall): string => `${c.line}:${c.kind}:${c.callee}`;
const briefs = (src: string, opts?: ScanOptions): string[] => scan(src, opts).map(brief);
const keysOf = (c: MlflowCall): string[] => c.keys.map((k) => k.value);
const r = (startLine: number, startCol: number, endLine: number, endCol: number): Range => ({ startLine, startCol, endLine, endCol });

function only(src: string, opts?: ScanOptions): MlflowCall {
  const calls = scan(src, opts);
  assert.equal(calls.length, 1, `expected one call, got ${JSON.stringify(calls.map(brief))}`);
  return calls[0];
}

/** The text a range covers. */
function textOf(src: string, range: Range): string {
  const lines = src.split(/\r\n|\r|\n/);
  if (range.startLine === range.endLine) return lines[range.startLine].slice(range.startCol, range.endCol);
  const parts = [lines[range.startLine].slice(range.startCol)];
  for (let l = range.startLine + 1; l < range.endLine; l++) parts.push(lines[l]);
  parts.push(lines[range.endLine].slice(0, range.endCol));
  return parts.join('\n');
}

describe('scanPython: imports and aliases', () => {
  it('finds nothing without an mlflow import, unless assumeImported', () => {
    const src = py('mlflow.log_metric("loss", 1.0)');
    assert.deepEqual(scan(src), []);
    assert.deepEqual(briefs(src, { assumeImported: true }), ['0:logMetric:mlflow.log_metric']);
    assert.deepEqual(scan(py('import numpy as np', 'np.log(1)', 'print("hello")')), []);
  });

  it('import mlflow / import mlflow as mf / import os, mlflow', () => {
    assert.deepEqual(briefs(py('import mlflow', 'mlflow.log_param("a", 1)')), ['1:logParam:mlflow.log_param']);
    assert.deepEqual(briefs(py('import mlflow as mf', 'mf.log_metric("a", 1)', 'mlflow.log_metric("b", 2)')), ['1:logMetric:mf.log_metric']);
    assert.deepEqual(briefs(py('import os, mlflow', 'mlflow.end_run()')), ['1:endRun:mlflow.end_run']);
    assert.deepEqual(briefs(py('import mlflow.sklearn', 'mlflow.sklearn.autolog()', 'mlflow.start_run()')), [
      '1:autolog:mlflow.sklearn.autolog',
      '2:startRun:mlflow.start_run',
    ]);
  });

  it('from mlflow import names, with `as`, in parentheses over several lines', () => {
    const src = py(
      'from mlflow import log_metric, log_param as lp',
      'from mlflow import (',
      '    set_tag,',
      '    log_params as lps,',
      ')',
      'log_metric("loss", 1)',
      'lp("seed", 1)',
      'set_tag("team", "a")',
      'lps({"x": 1})',
      'log_param("not imported under this name", 1)',
    );
    const calls = scan(src);
    assert.deepEqual(calls.map(brief), ['5:logMetric:log_metric', '6:logParam:lp', '7:setTag:set_tag', '8:logParams:lps']);
    assert.deepEqual(calls.map(keysOf), [['loss'], ['seed'], ['team'], ['x']]);
  });

  it('flavor modules: import mlflow.sklearn as mls, from mlflow import pytorch, from mlflow.xgboost import log_model', () => {
    const src = py(
      'import mlflow.sklearn as mls',
      'from mlflow import pytorch as mpt',
      'from mlflow.xgboost import log_model, autolog as xgb_autolog',
      'mls.log_model(m, "forest")',
      'mpt.log_model(net, name="net")',
      'log_model(booster, artifact_path="xgb")',
      'xgb_autolog()',
    );
    const calls = scan(src);
    assert.deepEqual(calls.map((c) => `${c.kind}/${c.flavor}`), ['logModel/sklearn', 'logModel/pytorch', 'logModel/xgboost', 'autolog/xgboost']);
    assert.deepEqual(calls.map((c) => c.stringArgs.artifact_path ?? c.stringArgs.name), ['forest', 'net', 'xgb', undefined]);
  });

  it('from mlflow import * makes the bare functions known (but not a def of the same name)', () => {
    const src = py('from mlflow import *', 'def log_metric(k, v):', '    pass', 'set_experiment("e")', 'log_metric("k", 1)', 'print("x")');
    assert.deepEqual(briefs(src), ['3:setExperiment:set_experiment', '4:logMetric:log_metric']);
  });

  it('a later non-mlflow import of the same name shadows the alias', () => {
    const src = py('from mlflow import log_metric', 'from mylib import log_metric', 'log_metric("x", 1)', 'import mlflow');
    assert.deepEqual(scan(src), []);
  });

  it('imports anywhere count (inside try/def, after use)', () => {
    const src = py('def train():', '    mlflow.log_metric("a", 1)', 'try:', '    import mlflow', 'except ImportError:', '    mlflow = None');
    assert.deepEqual(briefs(src), ['1:logMetric:mlflow.log_metric']);
  });

  it('`from . import mlflow` and `import my_mlflow` are not mlflow', () => {
    assert.deepEqual(scan(py('from . import mlflow', 'mlflow.log_metric("a", 1)')), []);
    assert.deepEqual(scan(py('import my_mlflow', 'my_mlflow.log_metric("a", 1)')), []);
  });

  it('preamble (earlier notebook cells) brings imports and clients', () => {
    const preamble = py('import mlflow as mf', 'from mlflow import MlflowClient', 'client = MlflowClient()');
    const cell = py('mf.log_metric("acc", 0.9)', 'client.log_param(rid, "lr", 0.1)');
    assert.deepEqual(scan(cell), []);
    const calls = scan(cell, { preamble });
    assert.deepEqual(calls.map(brief), ['0:logMetric:mf.log_metric', '1:logParam:client.log_param']);
    assert.deepEqual(calls.map(keysOf), [['acc'], ['lr']]);
  });
});

describe('scanPython: what is not a call', () => {
  it('ignores comments, strings, docstrings and triple-quoted strings that mention calls', () => {
    const src = py(
      'import mlflow',
      '# mlflow.log_metric("comment", 1)',
      '"""Module docstring: mlflow.log_metric("doc", 1)',
      'mlflow.log_param("still the docstring", 2)',
      '"""',
      "'''mlflow.set_experiment('single triple')'''",
      's = "mlflow.log_metric(\\"escaped\\", 1)"',
      "t = 'mlflow.log_metric(\"q\", 1)'  # mlflow.end_run()",
      'u = f"mlflow.log_metric({x})"',
      'v = r"mlflow.log_metric(\\"raw\\")"',
      'w = """',
      'mlflow.start_run()',
      '""" + mlflow.get_tracking_uri()',
      'def f():',
      '    """mlflow.autolog()"""',
      '    return 1',
    );
    assert.deepEqual(briefs(src), ['12:getTrackingUri:mlflow.get_tracking_uri']);
  });

  it('ignores look-alike identifiers and attributes of other objects', () => {
    const src = py(
      'import mlflow',
      'my_mlflow.log_metric("a", 1)',
      'self.mlflow_helper.log_metric("b", 2)',
      'obj.mlflow.log_metric("c", 3)',
      'mlflow_utils.log_metric("d", 4)',
      'cb = mlflow.log_metric',
      'mlflow.log_metric_custom("e", 5)',
      'mlflow.tracking.fluent.log_metric("f", 6)',
      'mlflow.models.log_model(m)',
      'mlflow.log_metric("real", 7)',
    );
    assert.deepEqual(briefs(src), ['9:logMetric:mlflow.log_metric']);
  });

  it('does not scan text without "mlflow"', () => {
    assert.equal(mayContainMlflow('import numpy'), false);
    assert.equal(mayContainMlflow('import mlflow'), true);
    assert.deepEqual(scan(''), []);
  });
});

describe('scanPython: keys', () => {
  const k = (src: string): { keys: string[]; dynamic: boolean } => {
    const c = only('import mlflow\n' + src + '\n');
    return { keys: keysOf(c), dynamic: c.dynamicKeys };
  };

  it('literal keys with prefixes, escapes and implicit concatenation', () => {
    assert.deepEqual(k('mlflow.log_metric("val_loss", v)'), { keys: ['val_loss'], dynamic: false });
    assert.deepEqual(k("mlflow.log_metric('val_loss', v)"), { keys: ['val_loss'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric(u"loss", v)'), { keys: ['loss'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric(r"a\\b", v)'), { keys: ['a\\b'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric("a\\tb\\u00e9\\x41\\101\\N{BULLET}", v)'), { keys: ['a\tbéAA\\N{BULLET}'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric("train" "/" \'loss\', v)'), { keys: ['train/loss'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric(("train"\n    "_loss"), v)'), { keys: ['train_loss'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric("""tq""", v)'), { keys: ['tq'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric(key="kw", value=v)'), { keys: ['kw'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric(value=v, step=1, key="late_kw")'), { keys: ['late_kw'], dynamic: false });
  });

  it('f-strings: without placeholders they are literals, with placeholders dynamic', () => {
    assert.deepEqual(k('mlflow.log_metric(f"plain", v)'), { keys: ['plain'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric(f"a{{b}}", v)'), { keys: ['a{b}'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metric(f"acc_{i}", v)'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_metric(rf"x_{i:>{w}}", v)'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_metric("pre_" f"{i}", v)'), { keys: [], dynamic: true });
  });

  it('variables, expressions, bytes and **kwargs are dynamic', () => {
    assert.deepEqual(k('mlflow.log_metric(name, v)'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_metric("a" + b, v)'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_metric("a".upper(), v)'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_metric(b"bytes", v)'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_metric(**kw)'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_metric(*args)'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_metric()'), { keys: [], dynamic: false });
  });

  it('log_metrics / log_params / set_tags with dict literals over several lines', () => {
    const src = py(
      'import mlflow',
      'mlflow.log_metrics(',
      '    {',
      '        "precision": p,  # comment with "quotes": 1',
      "        'recall': r,",
      '        f"f1_{avg}": f,',
      '        "nested": {"inner": 1},',
      '        ("paren" "thesized"): 2,',
      '    },',
      '    step=epoch,',
      ')',
    );
    const c = only(src);
    assert.deepEqual(keysOf(c), ['precision', 'recall', 'nested', 'parenthesized']);
    assert.equal(c.dynamicKeys, true);
    assert.deepEqual(c.keys[0].range, r(3, 8, 3, 19));
    assert.deepEqual(c.keys[1].range, r(4, 8, 4, 16));
    assert.deepEqual(c.range, r(1, 0, 10, 1));
  });

  it('dict forms: dict(a=…), **spread, comprehension, variable, empty, keyword argument', () => {
    assert.deepEqual(k('mlflow.log_params(dict(lr=0.1, depth=3))'), { keys: ['lr', 'depth'], dynamic: false });
    assert.deepEqual(k('mlflow.log_params(dict({"a": 1}, b=2, **rest))'), { keys: ['a', 'b'], dynamic: true });
    assert.deepEqual(k('mlflow.log_params({"lr": 0.1, **other})'), { keys: ['lr'], dynamic: true });
    assert.deepEqual(k('mlflow.log_metrics({k: v for k, v in m.items()})'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_metrics({"a": 1 for _ in x})'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_params(vars(args))'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_params(params)'), { keys: [], dynamic: true });
    assert.deepEqual(k('mlflow.log_params({})'), { keys: [], dynamic: false });
    assert.deepEqual(k('mlflow.set_tags(tags={"team": "a", "stage": "dev"})'), { keys: ['team', 'stage'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metrics(({"wrapped": 1}), step=2)'), { keys: ['wrapped'], dynamic: false });
    assert.deepEqual(k('mlflow.log_metrics({"lam": lambda x: x, "b": {1: 2}[1]})'), { keys: ['lam', 'b'], dynamic: false });
  });

  it('a dict(...) key range is the keyword name', () => {
    const c = only(py('import mlflow', 'mlflow.log_params(dict(alpha=1,', '                       beta=2))'));
    assert.deepEqual(c.keys.map((x) => x.range), [r(1, 23, 1, 28), r(2, 23, 2, 27)]);
  });

  it('set_tag and log_param keys', () => {
    const calls = scan(py('import mlflow', 'mlflow.set_tag("team", "x")', 'mlflow.log_param(key="lr", value=1)'));
    assert.deepEqual(calls.map(keysOf), [['team'], ['lr']]);
    assert.deepEqual(calls[0].keys[0].range, r(1, 15, 1, 21));
  });
});

describe('scanPython: MlflowClient', () => {
  it('client methods: the key is the second positional argument', () => {
    const src = py(
      'from mlflow.tracking import MlflowClient',
      'client = MlflowClient()',
      'client.log_metric(run.info.run_id, "val_loss", 0.5, step=3)',
      'client.log_param(run_id, key="lr", value=0.1)',
      'client.set_tag(run_id, "team", "a")',
      'client.create_experiment("new-exp", artifact_location="s3://b")',
      'client.search_runs(["1"], "metrics.acc > 0.9")',
      'client.get_metric_history(run_id, "loss")',
      'client.log_metric(rid, name, 1)',
    );
    const calls = scan(src);
    assert.deepEqual(calls.map(brief), [
      '1:clientCall:MlflowClient',
      '2:logMetric:client.log_metric',
      '3:logParam:client.log_param',
      '4:setTag:client.set_tag',
      '5:createExperiment:client.create_experiment',
      '6:clientCall:client.search_runs',
      '7:clientCall:client.get_metric_history',
      '8:logMetric:client.log_metric',
    ]);
    assert.deepEqual(calls.map(keysOf), [[], ['val_loss'], ['lr'], ['team'], [], [], ['loss'], []]);
    assert.equal(calls[8 - 1].dynamicKeys, true);
    assert.ok(calls.slice(1).every((c) => c.viaClient));
    assert.equal(calls[4].stringArgs.name, 'new-exp');
    assert.equal(calls[4].stringArgs.artifact_location, 's3://b');
    assert.equal(calls[5].method, 'search_runs');
    assert.equal(calls[5].stringArgs.filter_string, 'metrics.acc > 0.9');
    assert.deepEqual(calls[1].keys[0].range, r(2, 35, 2, 45));
  });

  it('the constructor reports its tracking_uri; other ways to make a client', () => {
    const src = py(
      'import mlflow',
      'from mlflow import MlflowClient as C',
      'a = mlflow.MlflowClient("http://a:5000")',
      'b = mlflow.tracking.MlflowClient(tracking_uri="http://b")',
      'c: C = C()',
      'class T:',
      '    def __init__(self):',
      '        self.client = mlflow.tracking.MlflowClient()',
      '    def f(self):',
      '        self.client.log_metric(self.run_id, "from_self", 1)',
      'def g(cl: MlflowClient, other):',
      '    cl.log_param(r, "from_param", 1)',
      '    other.log_param(r, "not_a_client", 1)',
      'a.log_metric(r, "a", 1); b.log_metric(r, "b", 1); c.log_metric(r, "c", 1)',
    );
    // `MlflowClient` in g's annotation is not imported under that name here (only as C), so `cl` is unknown.
    const calls = scan(src);
    const methods = calls.filter((c) => c.method !== 'MlflowClient');
    assert.deepEqual(methods.map(brief), ['9:logMetric:self.client.log_metric', '13:logMetric:a.log_metric', '13:logMetric:b.log_metric', '13:logMetric:c.log_metric']);
    const ctors = calls.filter((c) => c.method === 'MlflowClient');
    assert.deepEqual(ctors.map((c) => c.stringArgs.tracking_uri), ['http://a:5000', 'http://b', undefined, undefined]);
    assert.deepEqual(methods.map((c) => c.keys[0].value), ['from_self', 'a', 'b', 'c']);
  });

  it('every module the class can be imported from', () => {
    for (const mod of ['mlflow', 'mlflow.tracking', 'mlflow.client', 'mlflow.tracking.client']) {
      const src = py(`from ${mod} import MlflowClient`, 'c = MlflowClient()', 'c.log_metric(r, "k", 1)');
      assert.deepEqual(briefs(src), ['1:clientCall:MlflowClient', '2:logMetric:c.log_metric'], mod);
    }
    assert.deepEqual(briefs(py('from mlflow.sklearn import MlflowClient', 'c = MlflowClient()', 'c.log_metric(r, "k", 1)')), []);
  });

  it('annotated parameters and walrus assignments are clients too', () => {
    const src = py('from mlflow import MlflowClient', 'def g(cl: MlflowClient, n: int):', '    cl.log_param(r, "p", 1)');
    assert.deepEqual(briefs(src), ['2:logParam:cl.log_param']);
    const walrus = scan(py('import mlflow', 'if (w := mlflow.MlflowClient()):', '    w.set_tag(r, "t", 1)'));
    assert.deepEqual(walrus.map(brief), ['1:clientCall:mlflow.MlflowClient', '2:setTag:w.set_tag']);
  });

  it('only assignments, annotations and walrus make clients', () => {
    const src = py(
      'from mlflow import MlflowClient',
      'run(x=MlflowClient())',
      'cls = MlflowClient',
      'a.b().c = MlflowClient()',
      'if ok: d = MlflowClient()',
      'def f(e: MlflowClient = MlflowClient(), g: "MlflowClient" = None): pass',
      'x.log_metric(r, "x", 1); cls.log_metric(r, "cls", 1); c.log_metric(r, "c", 1)',
      'd.log_metric(r, "d", 1); e.log_metric(r, "e", 1); g.log_metric(r, "g", 1)',
    );
    const calls = scan(src).filter((c) => c.method !== 'MlflowClient');
    assert.deepEqual(calls.map((c) => keysOf(c)[0]), ['d', 'e']);
  });

  it('MlflowClient().method(...) chains', () => {
    const calls = scan(py('import mlflow', 'mlflow.MlflowClient().get_run(run_id)'));
    assert.deepEqual(calls.map(brief), ['1:clientCall:mlflow.MlflowClient', '1:clientCall:mlflow.MlflowClient().get_run']);
    assert.deepEqual(calls[1].range, r(1, 0, 1, 37));
    assert.deepEqual(calls[1].nameRange, r(1, 0, 1, 29));
  });
});

describe('scanPython: string arguments', () => {
  const args = (line: string): Record<string, string> => only('import mlflow\n' + line + '\n').stringArgs;

  it('experiments, tracking URIs and runs', () => {
    assert.deepEqual(args('mlflow.set_experiment("iris")'), { experiment_name: 'iris' });
    assert.deepEqual(args('mlflow.set_experiment(experiment_id="12")'), { experiment_id: '12' });
    assert.deepEqual(args('mlflow.set_experiment(experiment_id=12)'), { experiment_id: '12' });
    assert.deepEqual(args('mlflow.set_experiment(name)'), {});
    assert.deepEqual(args('mlflow.create_experiment("e", "s3://x")'), { name: 'e', artifact_location: 's3://x' });
    assert.deepEqual(args('mlflow.set_tracking_uri("http://localhost:5000")'), { uri: 'http://localhost:5000' });
    assert.deepEqual(args('mlflow.set_tracking_uri(uri=f"sqlite:///mlflow.db")'), { uri: 'sqlite:///mlflow.db' });
    assert.deepEqual(args('mlflow.set_tracking_uri(os.environ["URI"])'), {});
    assert.deepEqual(args('mlflow.start_run(run_name="baseline", nested=True)'), { run_name: 'baseline' });
    assert.deepEqual(args('mlflow.start_run("0123abc")'), { run_id: '0123abc' });
    assert.deepEqual(args('mlflow.end_run("KILLED")'), { status: 'KILLED' });
  });

  it('models: log_model (2.x positional / artifact_path, 3.x name), register_model, pyfunc', () => {
    assert.deepEqual(args('mlflow.sklearn.log_model(model, "model")'), { artifact_path: 'model' });
    assert.deepEqual(args('mlflow.sklearn.log_model(sk_model=model, artifact_path="m2", registered_model_name="iris")'), {
      artifact_path: 'm2',
      registered_model_name: 'iris',
    });
    assert.deepEqual(args('mlflow.pytorch.log_model(net, name="net", registered_model_name=\'net-reg\')'), { name: 'net', registered_model_name: 'net-reg' });
    assert.deepEqual(args('mlflow.pyfunc.log_model("wrapper", python_model=W())'), { artifact_path: 'wrapper' });
    assert.deepEqual(args('mlflow.register_model(f"runs:/{run_id}/model", "iris")'), { name: 'iris' });
    assert.deepEqual(args('mlflow.register_model(model_uri="models:/m-1", name="iris")'), { model_uri: 'models:/m-1', name: 'iris' });
  });

  it('artifacts', () => {
    assert.deepEqual(args('mlflow.log_artifact("plots/cm.png", artifact_path="plots")'), { local_path: 'plots/cm.png', artifact_path: 'plots' });
    assert.deepEqual(args('mlflow.log_artifacts("outputs")'), { local_dir: 'outputs' });
    assert.deepEqual(args('mlflow.get_artifact_uri("model")'), { artifact_path: 'model' });
  });

  it('kinds of every supported function', () => {
    const src = py(
      'import mlflow',
      'mlflow.set_experiment("e")',
      'mlflow.create_experiment("e")',
      'mlflow.start_run()',
      'mlflow.end_run()',
      'mlflow.log_metric("m", 1)',
      'mlflow.log_metrics({"m": 1})',
      'mlflow.log_param("p", 1)',
      'mlflow.log_params({"p": 1})',
      'mlflow.sklearn.log_model(m, "m")',
      'mlflow.register_model("runs:/x/m", "m")',
      'mlflow.set_tracking_uri("file:./mlruns")',
      'mlflow.get_tracking_uri()',
      'mlflow.autolog()',
      'mlflow.log_artifact("a")',
      'mlflow.log_artifacts("d")',
      'mlflow.get_artifact_uri()',
      'mlflow.set_tag("t", 1)',
      'mlflow.set_tags({"t": 1})',
      'mlflow.log_input(ds, context="training")',
      'mlflow.tracking.set_tracking_uri("x")',
    );
    assert.deepEqual(scan(src).map((c) => c.kind), [
      'setExperiment', 'createExperiment', 'startRun', 'endRun', 'logMetric', 'logMetrics', 'logParam', 'logParams',
      'logModel', 'registerModel', 'setTrackingUri', 'getTrackingUri', 'autolog', 'logArtifact', 'logArtifacts',
      'getArtifactUri', 'setTag', 'setTags', 'logInput', 'setTrackingUri',
    ]);
  });

  it('autolog: plain and per flavor', () => {
    const calls = scan(py('import mlflow', 'mlflow.autolog(log_models=False)', 'mlflow.sklearn.autolog()', 'mlflow.lightgbm.autolog(disable=True)'));
    assert.deepEqual(calls.map((c) => [c.kind, c.flavor]), [['autolog', undefined], ['autolog', 'sklearn'], ['autolog', 'lightgbm']]);
    assert.equal('flavor' in calls[0], false);
  });
});

describe('scanPython: with statements, nesting, multi-line calls', () => {
  it('with mlflow.start_run(...) as run:', () => {
    const src = py(
      'import mlflow',
      'with mlflow.start_run(run_name="outer") as run:',
      '    with mlflow.start_run(nested=True, run_name=mlflow.get_tracking_uri()):',
      '        mlflow.log_metric("x", 1)',
      'async def f():',
      '    async with mlflow.start_run() as r2, open("f") as fh:',
      '        pass',
      'with (',
      '    mlflow.start_run(run_name="parenthesized") as r3,',
      '    open(mlflow.get_artifact_uri("x")) as fh,',
      '):',
      '    pass',
      'run = mlflow.start_run()',
    );
    const calls = scan(src);
    assert.deepEqual(calls.map((c) => `${brief(c)}:${c.inWith}:${c.asName ?? ''}`), [
      '1:startRun:mlflow.start_run:true:run',
      '2:startRun:mlflow.start_run:true:',
      '2:getTrackingUri:mlflow.get_tracking_uri:false:',
      '3:logMetric:mlflow.log_metric:false:',
      '5:startRun:mlflow.start_run:true:r2',
      '8:startRun:mlflow.start_run:true:r3',
      '9:getArtifactUri:mlflow.get_artifact_uri:false:',
      '12:startRun:mlflow.start_run:false:',
    ]);
    assert.equal(calls[0].stringArgs.run_name, 'outer');
    assert.deepEqual(calls[0].range, r(1, 5, 1, 39));
    assert.deepEqual(calls[0].nameRange, r(1, 5, 1, 21));
  });

  it('nested calls as arguments are found, each with its own range', () => {
    const src = py('import mlflow', 'mlflow.log_param("uri", mlflow.get_tracking_uri(), mlflow.log_metric("x", f(g(1))))');
    const calls = scan(src);
    assert.deepEqual(calls.map((c) => textOf(src, c.range)), [
      'mlflow.log_param("uri", mlflow.get_tracking_uri(), mlflow.log_metric("x", f(g(1))))',
      'mlflow.get_tracking_uri()',
      'mlflow.log_metric("x", f(g(1)))',
    ]);
    assert.deepEqual(calls.map(keysOf), [['uri'], [], ['x']]);
  });

  it('multi-line calls: lens line is the callee line, range ends at the closing parenthesis', () => {
    const src = py(
      'import mlflow',
      '',
      'result = train(',
      '    model,',
      ')',
      'mlflow.log_metric(',
      '    "val_loss",',
      '    compute(',
      '        1,',
      '    ),',
      '    step=epoch,',
      ')',
    );
    const c = only(src);
    assert.equal(c.line, 5);
    assert.deepEqual(c.range, r(5, 0, 11, 1));
    assert.deepEqual(c.keys[0].range, r(6, 4, 6, 14));
  });

  it('backslash continuations, inside and between calls', () => {
    const src = py(
      'import mlflow',
      'x = 1 + \\',
      '    2; mlflow \\',
      '    .log_metric("cont", \\',
      '        x)',
      'mlflow.set_tag(\\',
      '"t", "v")',
    );
    const calls = scan(src);
    assert.deepEqual(calls.map(brief), ['2:logMetric:mlflow.log_metric', '5:setTag:mlflow.set_tag']);
    assert.deepEqual(calls[0].nameRange, r(2, 7, 3, 15));
    assert.deepEqual(calls[0].range, r(2, 7, 4, 10));
    assert.deepEqual(calls.map(keysOf), [['cont'], ['t']]);
  });

  it('calls inside f-string replacement fields are found', () => {
    const src = py('import mlflow', 'print(f"tracking at {mlflow.get_tracking_uri()!r}, artifacts {mlflow.get_artifact_uri(\'m\'):>20}")', 'mlflow.end_run()');
    const calls = scan(src);
    assert.deepEqual(calls.map(brief), ['1:getTrackingUri:mlflow.get_tracking_uri', '1:getArtifactUri:mlflow.get_artifact_uri', '2:endRun:mlflow.end_run']);
    assert.deepEqual(calls[0].range, r(1, 21, 1, 46));
    assert.equal(calls[1].stringArgs.artifact_path, 'm');
  });
});

describe('scanPython: notebooks, line ends, unicode, tabs', () => {
  it('notebook-style cells with magics and cell markers', () => {
    const src = py(
      '# %%',
      '%pip install mlflow "scikit-learn>=1.3"',
      '!mlflow ui --port 5000 &',
      '# %% [markdown]',
      "# Don't log here: mlflow.log_metric('x')",
      '# %%',
      'import mlflow',
      '%matplotlib inline',
      'mlflow.set_experiment("nb")',
      'mlflow.log_metric("acc", 0.9)',
    );
    assert.deepEqual(briefs(src), ['8:setExperiment:mlflow.set_experiment', '9:logMetric:mlflow.log_metric']);
  });

  it('CRLF and lone CR give the same lines and columns as LF', () => {
    const lf = py('import mlflow', '"""doc', 'mlflow.log_metric("no", 1)', '"""', 'mlflow.log_metric(', '    "val_loss", 1)', 'mlflow.end_run()');
    const crlf = lf.replace(/\n/g, '\r\n');
    const cr = lf.replace(/\n/g, '\r');
    const expected = scan(lf);
    assert.equal(expected.length, 2);
    assert.deepEqual(scan(crlf), expected);
    assert.deepEqual(scan(cr), expected);
    assert.deepEqual(expected[0].range, r(4, 0, 5, 18));
  });

  it('unicode: columns are UTF-16 code units; unicode identifiers and keys', () => {
    const src = py('import mlflow', 'größe = "😀"; mlflow.log_metric("Ünïcødé ✓ 𝛼", größe)', 'mlflow.set_experiment("Ünïcødé ✓ exp — \\"quotes\\"")');
    const calls = scan(src);
    assert.equal(calls.length, 2);
    // "größe = "😀"; " is 14 UTF-16 units (the emoji is a surrogate pair).
    assert.deepEqual(calls[0].nameRange, r(1, 14, 1, 31));
    assert.equal(textOf(src, calls[0].range), 'mlflow.log_metric("Ünïcødé ✓ 𝛼", größe)');
    assert.deepEqual(keysOf(calls[0]), ['Ünïcødé ✓ 𝛼']);
    assert.deepEqual(calls[0].keys[0].range, r(1, 32, 1, 46));
    assert.equal(calls[1].stringArgs.experiment_name, 'Ünïcødé ✓ exp — "quotes"');
  });

  it('a unicode name that merely contains mlflow is not mlflow', () => {
    assert.deepEqual(scan(py('import mlflow', 'émlflow.log_metric("a", 1)', 'mlflowé.log_metric("b", 1)')), []);
  });

  it('tabs count as one column', () => {
    const src = 'import mlflow\nif True:\n\twith mlflow.start_run():\n\t\tmlflow.log_metric("t",\t1)\n';
    const calls = scan(src);
    assert.deepEqual(calls.map((c) => c.nameRange), [r(2, 6, 2, 22), r(3, 2, 3, 19)]);
    assert.equal(calls[0].inWith, true);
  });

  it('a BOM and form feeds are whitespace', () => {
    assert.deepEqual(briefs('\ufeffimport mlflow\n\fmlflow.end_run()\n'), ['1:endRun:mlflow.end_run']);
  });
});

describe('scanPython: broken code', () => {
  it('an unterminated call ends at its last token; later statements are still scanned', () => {
    const src = py('import mlflow', 'mlflow.log_metric("loss",', '', 'def f():', '    mlflow.log_param("p", 1)', 'with mlflow.start_run() as r:', '    pass');
    const calls = scan(src);
    assert.deepEqual(calls.map(brief), ['1:logMetric:mlflow.log_metric', '4:logParam:mlflow.log_param', '5:startRun:mlflow.start_run']);
    assert.equal(calls[0].unterminated, true);
    assert.deepEqual(calls[0].range, r(1, 0, 1, 25));
    assert.deepEqual(keysOf(calls[0]), ['loss']);
    assert.equal(calls[1].unterminated, false);
    assert.equal(calls[2].inWith, true);
  });

  it('an unterminated single-quoted string ends at its line', () => {
    const src = py('import mlflow', 'x = "oops', 'mlflow.log_metric("a", 1)', "y = f'{oops", 'mlflow.log_metric("b", 2)');
    assert.deepEqual(scan(src).map(keysOf), [['a'], ['b']]);
  });

  it('an unterminated triple-quoted string swallows the rest, as in Python', () => {
    const src = py('import mlflow', 'mlflow.log_metric("a", 1)', 'x = """never closed', 'mlflow.log_metric("b", 2)');
    assert.deepEqual(scan(src).map(keysOf), [['a']]);
  });

  it('stray closing brackets, lone backslashes and odd characters do no harm', () => {
    const src = py('import mlflow', ')))]]}}', 'a = $ ? ` \\ 1', 'mlflow.log_metric("ok", 1)', 'mlflow.log_metric("unclosed"');
    const calls = scan(src);
    assert.deepEqual(calls.map(keysOf), [['ok'], ['unclosed']]);
    assert.equal(calls[1].unterminated, true);
    assert.deepEqual(calls[1].range, r(4, 0, 4, 28));
  });

  it('the text ending right after an open parenthesis or inside a string', () => {
    assert.deepEqual(briefs('import mlflow\nmlflow.log_metric('), ['1:logMetric:mlflow.log_metric']);
    assert.deepEqual(scan('import mlflow\nmlflow.log_metric("ab').map(keysOf), [['ab']]);
    assert.deepEqual(scan('import mlflow\nmlflow.log_metric(f"{'), [scan('import mlflow\nmlflow.log_metric(f"{')[0]]);
    assert.equal(scan('import mlflow\nmlflow.log_metric(f"{')[0].dynamicKeys, true);
  });

  it('deeply nested or pathological input is scanned without a crash (its time: scanner.bench.ts)', () => {
    for (const src of PATHOLOGICAL_SOURCES) assert.ok(Array.isArray(scan(src)), JSON.stringify(src.slice(0, 60)));
  });
});

describe('scanPython: a realistic training script', () => {
  const src = trainingScript(400);

  it('finds the calls a lens would go on, and none in comments or strings', () => {
    const calls = scan(src);
    const lines = src.split('\n');
    for (const c of calls) {
      const line = lines[c.line];
      assert.ok(!line.trimStart().startsWith('#'), `lens on a comment line: ${line}`);
      if (!c.callee.includes('()')) assert.equal(textOf(src, c.nameRange).replace(/[\s\\]/g, ''), c.callee);
    }
    const count = (kind: string): number => calls.filter((c) => c.kind === kind).length;
    assert.equal(count('setTrackingUri'), 2);
    assert.equal(count('setExperiment'), 1);
    assert.ok(count('logMetric') > 10);
    assert.ok(count('startRun') >= 4);
    assert.ok(calls.filter((c) => c.kind === 'startRun').every((c) => c.inWith));
    assert.ok(!calls.some((c) => c.keys.some((k) => k.value === 'not a call' || k.value === 'ignored' || k.value === 'doc')));
    const header = calls.filter((c) => c.line < 40).map((c) => `${c.line}:${c.kind}`);
    assert.deepEqual(header, ['30:setTrackingUri', '31:setTrackingUri', '32:setExperiment', '33:autolog', '34:autolog', '35:clientCall']);
    assert.equal(calls.find((c) => c.line === 31)!.stringArgs.uri, 'sqlite:///mlflow.db');
    assert.deepEqual(calls.find((c) => c.line === 30)!.stringArgs, {});
  });

  it('every range lies inside the text and starts with the callee', () => {
    const lines = src.split('\n');
    for (const c of scan(src)) {
      assert.ok(c.range.endLine < lines.length);
      assert.ok(c.range.endCol <= lines[c.range.endLine].length);
      assert.ok(textOf(src, c.range).startsWith(textOf(src, c.nameRange)));
      assert.ok(textOf(src, c.range).endsWith(')'));
    }
  });

  it('scans 5,000 lines to the same calls every time (its time: test/bench/scanner.bench.ts)', () => {
    const big = trainingScript(5000);
    const first = scan(big);
    assert.ok(first.length > 1000, `${first.length} calls`);
    assert.deepEqual(scan(big), first);
  });
});
