import * as assert from 'node:assert/strict';
import { artifactCallTarget, artifactUriOf, createExperimentTitle, endRunTitle, trackingUriBefore, metricLensTitle, paramLensTitle, paramValues, runsFromFile, runsOfStartRun, sourceMatches, startRunScopes, sparkline, summarizeMetric } from '../../../src/codelens/lensData';
import type { Metric, Run } from '../../../src/tracking/types';
import { scanPython } from '../../../src/codelens/scanner';

function run(id: string, start: number, source: string, metrics: Record<string, number> = {}, params: Record<string, string> = {}): Run {
  return {
    info: { runId: id, experimentId: '1', runName: id, userId: '', status: 'FINISHED', startTime: start, artifactUri: '', lifecycleStage: 'active' },
    data: {
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: start })),
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      tags: [{ key: 'mlflow.source.name', value: source }],
    },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

const file = { absPath: '/home/me/proj/src/train.py', relPath: 'src/train.py' };

describe('code lens data', () => {
  it('matches runs by the script MLflow recorded, also after the workspace moved', () => {
    assert.ok(sourceMatches('/home/me/proj/src/train.py', file));
    assert.ok(sourceMatches('src/train.py', file));
    assert.ok(sourceMatches('/old/place/proj/src/train.py', file), 'moved workspace');
    assert.ok(sourceMatches('train.py', file), 'launched from the script folder');
    assert.ok(!sourceMatches('/home/me/proj/other/train2.py', file));
    assert.ok(!sourceMatches('/home/me/proj/tools/train.py', file), 'same name in another folder');
    assert.ok(!sourceMatches(undefined, file));
  });

  it('summarizes a metric: last value from the newest run, best by direction', () => {
    const runs = [run('a', 1, 'src/train.py', { val_loss: 0.3, acc: 0.8 }), run('b', 2, 'src/train.py', { val_loss: 0.5, acc: 0.9 }), run('c', 3, 'x.py', { val_loss: 0.01 })];
    const mine = runsFromFile(runs, file);
    assert.equal(mine.length, 2);
    assert.equal(metricLensTitle(summarizeMetric(mine, 'val_loss')), 'val_loss: last 0.5 · best 0.3 · 2 runs');
    assert.equal(summarizeMetric(mine, 'acc').best?.metric.value, 0.9);
    assert.equal(metricLensTitle(summarizeMetric(mine, 'nope')), 'nope: not logged yet');
  });

  it('never calls NaN the best value', () => {
    const s = summarizeMetric([run('a', 2, 'x', { loss: NaN }), run('b', 1, 'x', { loss: 2 })], 'loss');
    assert.equal(s.best?.metric.value, 2);
    assert.ok(metricLensTitle(s).startsWith('loss: last NaN'));
  });

  it('lists parameter values across runs, newest first', () => {
    const v = paramValues([run('a', 1, 'x', {}, { lr: '0.1' }), run('b', 2, 'x', {}, { lr: '0.01' }), run('c', 3, 'x', {}, { lr: '0.1' })], 'lr');
    assert.deepEqual(v, { values: ['0.1', '0.01'], runCount: 3 });
    assert.equal(paramLensTitle('lr', v), 'lr: 0.1, 0.01 · 3 runs');
  });

  it('draws a sparkline that survives NaN', () => {
    const pts: Metric[] = [3, 2, NaN, 1].map((value, step) => ({ key: 'k', value, step, timestamp: step }));
    assert.equal(sparkline(pts, 4), '█▅·▁');
  });
});

describe('code lens data: the rest of the tracking API', () => {
  it('log_artifact lands at <artifact_path>/<basename>; log_artifacts puts the folder contents under artifact_path', () => {
    assert.deepEqual(artifactCallTarget('logArtifact', { local_path: 'out/plot.png' }), { kind: 'file', dest: 'plot.png', local: 'out/plot.png' });
    assert.deepEqual(artifactCallTarget('logArtifact', { local_path: 'C:\\x\\report.html', artifact_path: 'reports/' }), { kind: 'file', dest: 'reports/report.html', local: 'C:\\x\\report.html' });
    assert.deepEqual(artifactCallTarget('logArtifact', { local_path: 'a.txt', artifact_path: './x//y' }), { kind: 'file', dest: 'x/y/a.txt', local: 'a.txt' });
    assert.deepEqual(artifactCallTarget('logArtifacts', { local_dir: 'plots' }), { kind: 'dir', dest: '', local: 'plots' });
    assert.deepEqual(artifactCallTarget('logArtifacts', { local_dir: 'plots', artifact_path: 'eval' }), { kind: 'dir', dest: 'eval', local: 'plots' });
    assert.equal(artifactCallTarget('logArtifact', {}), undefined, 'a variable local path: no lens');
    assert.equal(artifactCallTarget('logArtifact', { local_path: '/' }), undefined);
  });

  it('get_artifact_uri appends artifact_path to the run root', () => {
    assert.equal(artifactUriOf('file:///m/1/r/artifacts'), 'file:///m/1/r/artifacts');
    assert.equal(artifactUriOf('mlflow-artifacts:/1/r/artifacts/', 'model/MLmodel'), 'mlflow-artifacts:/1/r/artifacts/model/MLmodel');
  });

  it('a call sees the last set_tracking_uri above it', () => {
    const calls: { kind: string; line: number; stringArgs: Record<string, string> }[] = [
      { kind: 'setTrackingUri', line: 2, stringArgs: { uri: './a' } },
      { kind: 'getTrackingUri', line: 3, stringArgs: {} },
      { kind: 'setTrackingUri', line: 5, stringArgs: { uri: 'http://h:5000' } },
      { kind: 'getTrackingUri', line: 9, stringArgs: {} },
    ];
    assert.equal(trackingUriBefore(calls, 1), undefined);
    assert.equal(trackingUriBefore(calls, 3), './a');
    assert.equal(trackingUriBefore(calls, 9), 'http://h:5000');
  });

  it('end_run: status of the latest run, and the status the call sets', () => {
    const r = run('abc', 1000, 'train.py');
    r.info.endTime = 1000 + 90_000;
    assert.equal(endRunTitle(r, undefined, 1000 + 90_000 + 120_000), '$(debug-stop) latest run abc: finished 2 min ago');
    r.info.status = 'RUNNING';
    assert.match(endRunTitle(r, 'killed', 1000 + 5000), /running since 5 s ago · ends as KILLED$/);
    assert.equal(endRunTitle(undefined, undefined), '$(debug-stop) no run from this file yet');
  });

  it('create_experiment: does not exist, exists (id, runs), deleted', () => {
    assert.match(createExperimentTitle({ name: 'x', runCount: 0, more: false }), /"x" does not exist yet/);
    assert.equal(createExperimentTitle({ name: 'x', experiment: { experimentId: '7', lifecycleStage: 'active' }, runCount: 3, more: false }), '$(beaker) "x" exists (ID 7) · 3 runs — Reveal');
    assert.equal(createExperimentTitle({ name: 'x', experiment: { experimentId: '7', lifecycleStage: 'active' }, runCount: 0, more: false }), '$(beaker) "x" exists (ID 7) · 0 runs');
    assert.match(createExperimentTitle({ name: 'x', experiment: { experimentId: '7', lifecycleStage: 'active' }, runCount: 1000, more: true }), /1000\+ runs/);
    assert.match(createExperimentTitle({ name: 'x', experiment: { experimentId: '7', lifecycleStage: 'deleted' }, runCount: 0, more: false }), /deleted experiment \(ID 7\)/);
  });

  it('start_run lenses: the latest run of that name; nested, the latest child of the latest matching parent', () => {
    const text = [
      'import mlflow',
      'with mlflow.start_run(run_name="lr-sweep"):',
      '    for lr in [0.1, 0.01]:',
      '        with mlflow.start_run(run_name=f"lr-{lr}", nested=True):',
      '            pass',
      'with mlflow.start_run(run_name="never"):',
      '    pass',
      'with mlflow.start_run():',
      '    pass',
    ].join('\n');
    const calls = scanPython(text).filter((c) => c.kind === 'startRun');
    assert.equal(calls.length, 4);
    const scopes = startRunScopes(calls, text.split('\n'));
    const [sweep, child, never, plain] = calls.map((c) => scopes.get(c)!);
    assert.deepEqual(sweep, { parent: undefined, exact: 'lr-sweep' });
    assert.equal(child.prefix, 'lr-');
    assert.equal(child.parent, sweep);
    assert.equal(never.parent, undefined, 'the block of lr-sweep ended');
    const withParent = (r: Run, p: string) => (r.data.tags.push({ key: 'mlflow.parentRunId', value: p }), r);
    const runs = [
      run('old-sweep', 1, 'train.py'), run('lr-sweep', 2, 'train.py'), run('resnet-long-run', 9, 'train.py'),
      withParent(run('lr-0.1', 3, 'train.py'), 'lr-sweep'), withParent(run('lr-0.01', 4, 'train.py'), 'lr-sweep'),
      withParent(run('lr-0.5', 8, 'train.py'), 'old-sweep'),
    ];
    runs[0].info.runName = 'lr-sweep';
    runs[0].info.startTime = 1;
    assert.equal(runsOfStartRun(runs, sweep)[0].info.runId, 'lr-sweep', 'the newest run named lr-sweep, not the newest run');
    assert.deepEqual(runsOfStartRun(runs, child).map((r) => r.info.runId), ['lr-0.01', 'lr-0.1'], 'children of the latest lr-sweep only');
    assert.deepEqual(runsOfStartRun(runs, never), [], 'nothing named so: no run');
    assert.equal(runsOfStartRun(runs, plain)[0].info.runId, 'resnet-long-run');
  });
});
