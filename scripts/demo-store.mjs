// Writes the demo workspace's MLflow store: an `mlruns` folder in the layout MLflow 3.x writes
// (meta.yaml key order, integer statuses, one file per param/tag, `<ts> <value> <step>` metric lines,
// a registry under mlruns/models), plus a training script that uses MLflow. Deterministic data.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const STATUS = { RUNNING: 1, FINISHED: 3, FAILED: 4, KILLED: 5 };

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (r, n) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
const fileUri = (p) => 'file://' + p.split(path.sep).map(encodeURIComponent).join('/').replace(/%3A/g, ':');
const q = (s) => (s === '' || /[:#{}[\],&*?|<>=!%@`'"\n]|^[\s-]|\s$|^\d/.test(s) ? `'${s.replace(/'/g, "''")}'` : s);

function write(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function pyFloat(v) {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A small PNG (RGB) drawn by fn(x, y) -> [r, g, b]. */
function png(width, height, fn) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = fn(x, y);
      const o = y * (width * 3 + 1) + 1 + x * 3;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32 ? zlib.crc32(td) >>> 0 : crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function confusionPng() {
  const cells = [[48, 2, 0], [3, 41, 6], [0, 5, 45]];
  return png(180, 180, (x, y) => {
    const i = Math.min(2, Math.floor(y / 60));
    const j = Math.min(2, Math.floor(x / 60));
    if (x % 60 === 0 || y % 60 === 0) return [255, 255, 255];
    const v = cells[i][j] / 50;
    return [Math.round(255 - 200 * v), Math.round(255 - 120 * v), 255];
  });
}

function writeExperiment(root, id, name, now, tags = {}) {
  const dir = path.join(root, id);
  write(
    path.join(dir, 'meta.yaml'),
    `artifact_location: ${fileUri(dir)}\ncreation_time: ${now}\nexperiment_id: '${id}'\nlast_update_time: ${now}\nlifecycle_stage: active\nname: ${q(name)}\n`,
  );
  for (const [k, v] of Object.entries(tags)) write(path.join(dir, 'tags', k), v);
  return dir;
}

function writeRun(expDir, expId, r, spec) {
  const runId = hex(r, 32);
  const dir = path.join(expDir, runId);
  const end = spec.status === 'RUNNING' ? 'null' : String(spec.start + spec.duration);
  write(
    path.join(dir, 'meta.yaml'),
    `artifact_uri: ${fileUri(path.join(dir, 'artifacts'))}\nend_time: ${end}\nentry_point_name: ''\nexperiment_id: '${expId}'\nlifecycle_stage: active\nrun_id: ${runId}\nrun_name: ${q(spec.name)}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: ${spec.start}\nstatus: ${STATUS[spec.status]}\ntags: []\nuser_id: ${q(spec.user ?? 'demo')}\n`,
  );
  const tags = {
    'mlflow.runName': spec.name,
    'mlflow.user': spec.user ?? 'demo',
    'mlflow.source.name': spec.source ?? 'train.py',
    'mlflow.source.type': 'LOCAL',
    'mlflow.source.git.commit': spec.commit ?? '3f9c2a1d8b7e6f5a4c3b2a19087f6e5d4c3b2a10',
    ...(spec.parent ? { 'mlflow.parentRunId': spec.parent } : {}),
    ...(spec.note ? { 'mlflow.note.content': spec.note } : {}),
    ...(spec.tags ?? {}),
  };
  for (const [k, v] of Object.entries(tags)) write(path.join(dir, 'tags', ...k.split('/')), v);
  for (const [k, v] of Object.entries(spec.params ?? {})) write(path.join(dir, 'params', ...k.split('/')), String(v));
  for (const [k, points] of Object.entries(spec.metrics ?? {})) {
    write(path.join(dir, 'metrics', ...k.split('/')), points.map(([step, v, ts]) => `${ts ?? spec.start + step * 1000} ${pyFloat(v)} ${step}\n`).join(''));
  }
  fs.mkdirSync(path.join(dir, 'artifacts'), { recursive: true });
  for (const [k, v] of Object.entries(spec.artifacts ?? {})) write(path.join(dir, 'artifacts', ...k.split('/')), v);
  return runId;
}

const MODEL_FILES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo-model');

/** MLmodel of a scikit-learn model logged with an input example, in the form MLflow 3.6 writes. */
function mlmodelYaml({ artifactUri, modelId, runId, created }) {
  return `artifact_path: ${artifactUri}
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.2
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.2.1
is_signature_from_type_hint: false
mlflow_version: 3.6.0
model_id: ${modelId}
model_size_bytes: 1701
model_uuid: ${modelId}
prompts: null
run_id: ${runId}
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "sepal_length", "required": true}, {"type":
    "double", "name": "sepal_width", "required": true}, {"type": "double", "name":
    "petal_length", "required": true}, {"type": "double", "name": "petal_width", "required":
    true}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
type_hint_from_example: false
utc_time_created: '${new Date(created).toISOString().replace('T', ' ').replace('Z', '000')}'
`;
}

/** An MLflow 3 logged model of a run (<experiment>/models/m-…, the run's outputs), registered as `registered`. */
function writeLoggedModel(expDir, expId, runId, r, { created, pickle, params, metrics, registered }) {
  const modelId = `m-${hex(r, 32)}`;
  const dir = path.join(expDir, 'models', modelId);
  const artifacts = path.join(dir, 'artifacts');
  write(
    path.join(dir, 'meta.yaml'),
    `artifact_location: ${fileUri(artifacts)}\ncreation_timestamp: ${created}\nexperiment_id: '${expId}'\nlast_updated_timestamp: ${created + 2000}\nmodel_id: ${modelId}\nmodel_type: null\nname: model\nsource_run_id: ${runId}\nstatus: 2\nstatus_message: null\n`,
  );
  const tags = { 'mlflow.modelVersions': JSON.stringify([registered]), 'mlflow.source.name': 'train.py', 'mlflow.source.type': 'LOCAL', 'mlflow.user': 'demo' };
  for (const [k, v] of Object.entries(tags)) write(path.join(dir, 'tags', k), v);
  for (const [k, v] of Object.entries(params)) write(path.join(dir, 'params', k), String(v));
  for (const [k, v] of Object.entries(metrics)) write(path.join(dir, 'metrics', k), `${created} ${pyFloat(v)} 0 ${runId}\n`);
  for (const f of ['conda.yaml', 'python_env.yaml', 'requirements.txt', 'input_example.json', 'serving_input_example.json']) {
    write(path.join(artifacts, f), fs.readFileSync(path.join(MODEL_FILES, f)));
  }
  write(path.join(artifacts, 'model.pkl'), fs.readFileSync(path.join(MODEL_FILES, pickle)));
  write(path.join(artifacts, 'MLmodel'), mlmodelYaml({ artifactUri: fileUri(artifacts), modelId, runId, created }));
  const runDir = path.join(expDir, runId);
  write(
    path.join(runDir, 'outputs', modelId, 'meta.yaml'),
    `destination_id: ${modelId}\ndestination_type: MODEL_OUTPUT\nsource_id: ${modelId}\nsource_type: RUN_OUTPUT\nstep: 0\ntags: {}\n`,
  );
  return { modelId, artifacts };
}

function curve(r, n, { start, end, noise, every = 1, t0 }) {
  const out = [];
  for (let s = 0; s < n; s += every) {
    const v = end + (start - end) * Math.exp(-s / (n / 4)) + (r() - 0.5) * noise;
    out.push([s, Number(v.toFixed(5)), t0 === undefined ? undefined : t0 + s * 1500]);
  }
  return out;
}

/**
 * Writes `<workspace>/mlruns` and `<workspace>/train.py`. Returns { runningRunDir } for the live demo and
 * { experiments }: the names of the experiments written (what the explorer lists).
 */
export function writeDemoStore(workspace, { now = Date.now() } = {}) {
  const r = rng(42);
  const root = path.join(workspace, 'mlruns');
  fs.rmSync(root, { recursive: true, force: true });
  writeExperiment(root, '0', 'Default', now - 9 * 86400000);

  const mnistId = '418562371084205917';
  const mnist = writeExperiment(root, mnistId, 'mnist-cnn', now - 3 * 86400000, { 'mlflow.note.content': 'CNN on MNIST: learning-rate sweep and a baseline.' });
  const sweepStart = now - 2 * 86400000;
  const parent = writeRun(mnist, mnistId, r, {
    name: 'lr-sweep',
    status: 'FINISHED',
    start: sweepStart,
    duration: 4 * 3600000,
    params: { optimizer: 'adam', epochs: 30, batch_size: 128 },
    metrics: { best_val_accuracy: [[0, 0.9921]] },
    note: '## Learning-rate sweep\nFour children, one per learning rate. **0.003** wins.',
  });
  const lrs = [0.1, 0.03, 0.01, 0.003];
  lrs.forEach((lr, i) => {
    const diverged = lr === 0.1;
    const quality = [0, 0.6, 0.85, 1][i];
    const t0 = sweepStart + i * 3600000;
    writeRun(mnist, mnistId, r, {
      name: `lr-${lr}`,
      status: diverged ? 'FAILED' : 'FINISHED',
      start: t0,
      duration: diverged ? 9 * 60000 : 55 * 60000,
      parent,
      params: { lr, optimizer: 'adam', epochs: 30, batch_size: 128, 'model/conv_layers': 2, 'model/dropout': 0.25 },
      metrics: diverged
        ? {
            'train/loss': curve(r, 6, { start: 2.3, end: 9, noise: 0.4, t0 }).concat([[6, NaN, t0 + 9000]]),
            val_loss: [[0, 2.31, t0 + 1500], [1, 5.2, t0 + 3000], [2, Infinity, t0 + 4500]],
          }
        : {
            'train/loss': curve(r, 300, { start: 2.3, end: 0.35 - 0.3 * quality, noise: 0.08, t0 }),
            val_loss: curve(r, 30, { start: 2.2, end: 0.4 - 0.33 * quality, noise: 0.03, t0 }),
            val_accuracy: curve(r, 30, { start: 0.3, end: 0.93 + 0.062 * quality, noise: 0.004, t0 }),
          },
      tags: diverged ? { error: 'loss became NaN at step 6' } : {},
      artifacts: diverged ? { 'stderr.log': 'RuntimeError: loss is NaN\n' } : { 'confusion_matrix.png': confusionPng(), 'metrics.json': JSON.stringify({ lr, val_accuracy: 0.93 + 0.062 * quality }, null, 2) + '\n' },
    });
  });
  const liveStart = now - 20 * 60000;
  const running = writeRun(mnist, mnistId, r, {
    name: 'resnet-long-run',
    status: 'RUNNING',
    start: liveStart,
    duration: 0,
    params: { lr: 0.003, optimizer: 'adamw', epochs: 100, arch: 'resnet18' },
    metrics: {
      'train/loss': curve(r, 120, { start: 2.3, end: 0.2, noise: 0.06, t0: liveStart }),
      val_accuracy: curve(r, 12, { start: 0.5, end: 0.97, noise: 0.005, t0: liveStart }),
    },
  });
  writeRun(mnist, mnistId, r, {
    name: 'baseline-mlp',
    status: 'KILLED',
    start: now - 3 * 86400000 + 3600000,
    duration: 12 * 60000,
    params: { lr: 0.01, optimizer: 'sgd', hidden: 256 },
    metrics: { val_accuracy: curve(r, 8, { start: 0.6, end: 0.9, noise: 0.01 }) },
  });

  const housesId = '772014935528143210';
  const houses = writeExperiment(root, housesId, 'house-prices', now - 5 * 86400000);
  for (const [i, depth] of [3, 4, 6, 8].entries()) {
    const rmse = [31500, 28420, 27110, 29980][i];
    writeRun(houses, housesId, r, {
        name: `gbm-depth-${depth}`,
        status: 'FINISHED',
        start: now - 4 * 86400000 + i * 1800000,
        duration: 6 * 60000 + i * 45000,
        user: i % 2 ? 'alice' : 'bob',
        params: { max_depth: depth, n_estimators: 400, learning_rate: 0.05, subsample: 0.8 },
        metrics: { rmse: [[0, rmse]], r2: [[0, Number((0.82 + i * 0.02).toFixed(3))]], 'valid/rmse': curve(r, 400, { start: 80000, end: rmse, noise: 600, every: 10 }) },
        artifacts: {
          'feature_importance.csv': 'feature,importance\nOverallQual,0.412\nGrLivArea,0.198\nTotalBsmtSF,0.087\nGarageCars,0.061\nYearBuilt,0.044\n',
          'README.md': `# gbm-depth-${depth}\n\nGradient boosting, max depth ${depth}. RMSE **${rmse}**.\n`,
          'config/params.yaml': `max_depth: ${depth}\nn_estimators: 400\nlearning_rate: 0.05\n`,
        },
      });
  }

  // A registered model whose versions are real MLflow 3 logged models (MLmodel with signature and input
  // example, as MLflow 3.6 writes them; the pickles are scikit-learn models MLflow wrote), so the MLmodel
  // summary, Serve and Predict work on the demo.
  const irisId = '530187462918374655';
  const iris = writeExperiment(root, irisId, 'iris-classification', now - 6 * 86400000);
  const irisVersions = [
    { C: '1.0', accuracy: 0.9333, description: 'baseline (C=1.0)' },
    { C: '0.3', accuracy: 0.9667, description: 'tuned (C=0.3)' },
  ].map((spec, i) => {
    const start = now - 5 * 86400000 + i * 3600000;
    const runId = writeRun(iris, irisId, r, {
      name: i ? 'tuned-logreg' : 'baseline-logreg',
      status: 'FINISHED',
      start,
      duration: 40000,
      params: { C: spec.C, solver: 'lbfgs', max_iter: 200 },
      metrics: { accuracy: [[0, spec.accuracy]] },
    });
    const model = writeLoggedModel(iris, irisId, runId, r, { created: start + 30000, pickle: `model-C-${spec.C}.pkl`, params: { C: spec.C }, metrics: { accuracy: spec.accuracy }, registered: { name: 'iris-classifier', version: i + 1 } });
    return { ...spec, runId, ...model, created: start + 35000 };
  });
  const reg = path.join(root, 'models', 'iris-classifier');
  write(
    path.join(reg, 'meta.yaml'),
    `aliases:\n  champion: '2'\ncreation_timestamp: ${irisVersions[0].created}\ndeployment_job_id: null\ndeployment_job_state: null\ndescription: LogisticRegression on the iris data.\nlast_updated_timestamp: ${irisVersions[1].created}\nname: iris-classifier\n`,
  );
  write(path.join(reg, 'aliases', 'champion'), '2');
  write(path.join(reg, 'tags', 'task'), 'classification');
  irisVersions.forEach((v, i) => {
    write(
      path.join(reg, `version-${i + 1}`, 'meta.yaml'),
      `creation_timestamp: ${v.created}\ncurrent_stage: ${i ? 'Production' : 'Archived'}\ndeployment_job_state: null\ndescription: ${v.description}\nlast_updated_timestamp: ${v.created}\nmodel_id: ${v.modelId}\nname: iris-classifier\nrun_id: ${v.runId}\nrun_link: null\nsource: models:/${v.modelId}\nstatus: READY\nstatus_message: null\nstorage_location: ${fileUri(v.artifacts)}\nuser_id: null\nversion: ${i + 1}\n`,
    );
  });

  write(
    path.join(workspace, 'train.py'),
    `import mlflow

mlflow.set_tracking_uri("./mlruns")
mlflow.set_experiment("mnist-cnn")

with mlflow.start_run(run_name="lr-sweep"):
    for lr in [0.1, 0.03, 0.01, 0.003]:
        with mlflow.start_run(run_name=f"lr-{lr}", nested=True):
            mlflow.log_param("lr", lr)
            mlflow.log_params({"optimizer": "adam", "epochs": 30})
            for epoch in range(30):
                mlflow.log_metric("val_loss", 1.0 / (epoch + 1), step=epoch)
                mlflow.log_metric("val_accuracy", 1 - 0.5 / (epoch + 1), step=epoch)
`,
  );
  return { runningRunDir: path.join(mnist, running), experiments: ['Default', 'mnist-cnn', 'house-prices'] };
}

/** The step after the last one in a metric file (`<ts> <value> <step>` lines), 0 for none. */
export function nextStep(metricFile) {
  let text = '';
  try {
    text = fs.readFileSync(metricFile, 'utf8');
  } catch {
    return 0;
  }
  const last = text.trimEnd().split('\n').pop() ?? '';
  const step = Number(last.split(' ')[2]);
  return Number.isFinite(step) ? step + 1 : 0;
}

/**
 * Appends one point to the RUNNING demo run's curves, so the explorer and plots show live updates.
 * Continues after the last step already logged (a restarted demo never repeats steps).
 */
export function appendLivePoint(runningRunDir) {
  const file = path.join(runningRunDir, 'metrics', 'train', 'loss');
  const step = nextStep(file);
  const ts = Date.now();
  const loss = 0.2 + 2.1 * Math.exp(-step / 30) + (Math.sin(step) - 0.5) * 0.02; // the curve writeDemoStore drew
  fs.appendFileSync(file, `${ts} ${pyFloat(Number(loss.toFixed(5)))} ${step}\n`);
  return step;
}
