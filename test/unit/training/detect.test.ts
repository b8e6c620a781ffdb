import * as assert from 'node:assert/strict';
import { CLOCK_SLACK_MS, followedRuns, isLaunchRun, launchFilter, primaryMetricOf, progressOf, startedAfterFilter, type LaunchRef } from '../../../src/training/detect';
import { LAUNCH_TAG } from '../../../src/training/launch';
import type { Run } from '../../../src/tracking/types';

const T0 = 1_796_300_000_000;
const L: LaunchRef = { launchId: 'abc', script: '/ws/train.py', launchedAt: T0 };

function run(id: string, start: number, tags: Record<string, string>, metrics: [string, number, number][] = [], status: Run['info']['status'] = 'RUNNING'): Run {
  return {
    info: { runId: id, experimentId: '1', runName: `name-${id}`, userId: '', status, startTime: start, artifactUri: '', lifecycleStage: 'active' },
    data: { metrics: metrics.map(([key, value, step]) => ({ key, value, step, timestamp: start })), params: [], tags: Object.entries(tags).map(([key, value]) => ({ key, value })) },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

describe('training/detect', () => {
  it('a run is the launch\'s by its marker; another launch\'s marker never matches', () => {
    assert.ok(isLaunchRun(run('a', T0 + 10, { [LAUNCH_TAG]: 'abc' }), L));
    assert.ok(!isLaunchRun(run('b', T0 + 10, { [LAUNCH_TAG]: 'zzz', 'mlflow.source.name': '/ws/train.py' }), L));
  });

  it('without a marker: same script as source and started after the launch (clock slack allowed)', () => {
    assert.ok(isLaunchRun(run('c', T0 - CLOCK_SLACK_MS + 1, { 'mlflow.source.name': '/ws/train.py' }), L));
    assert.ok(!isLaunchRun(run('d', T0 - 60_000, { 'mlflow.source.name': '/ws/train.py' }), L), 'an earlier run of the same script');
    assert.ok(!isLaunchRun(run('e', T0 + 10, { 'mlflow.source.name': '/ws/other.py' }), L));
    assert.ok(isLaunchRun(run('f', T0 + 10, { 'mlflow.source.name': 'C:\\ws\\train.py' }), { ...L, script: 'C:/ws/train.py' }));
  });

  it('follows the newest top-level run; nested runs (and client-made children) go under their parent', () => {
    const parent = run('p', T0 + 100, { [LAUNCH_TAG]: 'abc' });
    const c1 = run('c1', T0 + 200, { [LAUNCH_TAG]: 'abc', 'mlflow.parentRunId': 'p' }, [['val_loss', 0.5, 3]]);
    const c2 = run('c2', T0 + 300, { 'mlflow.parentRunId': 'p' }, [['val_loss', 0.4, 7]]);
    const stranger = run('s', T0 + 400, { 'mlflow.source.name': '/elsewhere.py' });
    const f = followedRuns([c2, stranger, c1, parent], L);
    assert.deepEqual(f.runs.map((r) => r.info.runId), ['p', 'c1', 'c2']);
    assert.deepEqual(f.top.map((r) => r.info.runId), ['p']);
    assert.equal(f.current?.info.runId, 'p');
    assert.deepEqual(f.children.get('p')?.map((r) => r.info.runId), ['c1', 'c2']);
    // the parent logs nothing: the status bar shows the newest child's values
    const p = progressOf(f, '');
    assert.deepEqual(p, { name: 'name-p', status: 'RUNNING', step: 7, metric: { key: 'val_loss', value: 0.4 }, fromChild: 'name-c2' });
  });

  it('a script that runs twice in a row: the second run becomes the followed one', () => {
    const f = followedRuns([run('r1', T0 + 1, { [LAUNCH_TAG]: 'abc' }, [], 'FINISHED'), run('r2', T0 + 5, { [LAUNCH_TAG]: 'abc' })], L);
    assert.equal(f.current?.info.runId, 'r2');
  });

  it('progress: latest step over every metric, the primary metric from the setting or the usual names', () => {
    const r = run('x', T0, { [LAUNCH_TAG]: 'abc' }, [['loss', 0.3, 12], ['accuracy', 0.9, 10], ['lr', 0.01, 12]]);
    const f = followedRuns([r], L);
    assert.deepEqual(progressOf(f, '')?.metric, { key: 'loss', value: 0.3 });
    assert.deepEqual(progressOf(f, 'accuracy')?.metric, { key: 'accuracy', value: 0.9 });
    assert.equal(progressOf(f, '')?.step, 12);
    assert.equal(primaryMetricOf('', [run('y', T0, {}, [['zeta', 1, 0], ['alpha', 2, 0]])]), 'alpha');
    assert.equal(progressOf(followedRuns([], L), ''), undefined);
  });

  it('the search filter names the marker tag in backticks; an id with a quote goes in the other quotes', () => {
    assert.equal(launchFilter(L), "tags.`mlflow.vscode.launch` = 'abc'");
    assert.equal(launchFilter({ ...L, launchId: "a'b" }), `tags.\`mlflow.vscode.launch\` = "a'b"`);
    assert.equal(launchFilter({ ...L, launchId: 'a"b' }), `tags.\`mlflow.vscode.launch\` = 'a"b'`);
    assert.equal(startedAfterFilter(L), `attributes.start_time >= ${T0 - CLOCK_SLACK_MS}`);
  });
});
