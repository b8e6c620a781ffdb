import * as assert from 'node:assert/strict';
import { bestOf, endReport, metricVersusBest } from '../../../src/training/outcome';
import type { Run } from '../../../src/tracking/types';

function run(id: string, status: Run['info']['status'], metrics: Record<string, number> = {}, times: [number, number?] = [1000, 61_000]): Run {
  return {
    info: { runId: id, experimentId: '1', runName: id, userId: '', status, startTime: times[0], endTime: times[1], artifactUri: '', lifecycleStage: 'active' },
    data: { metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })), params: [], tags: [] },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

describe('training/outcome', () => {
  it('best so far: lower for losses, higher otherwise; the launch\'s own runs, deleted runs and NaN left out', () => {
    const runs = [run('a', 'FINISHED', { val_loss: 0.244, accuracy: 0.9 }), run('b', 'FINISHED', { val_loss: 0.3, accuracy: 0.95 }), run('me', 'RUNNING', { val_loss: 0.1 }), run('n', 'FINISHED', { val_loss: NaN })];
    const gone = { ...run('d', 'FINISHED', { val_loss: 0.01 }), info: { ...run('d', 'FINISHED').info, lifecycleStage: 'deleted' as const } };
    assert.equal(bestOf([...runs, gone], 'val_loss', new Set(['me']))?.run.info.runId, 'a');
    assert.equal(bestOf(runs, 'accuracy', new Set())?.value, 0.95);
    assert.equal(bestOf(runs, 'f1', new Set()), undefined);
  });

  it('"val_loss 0.231, best so far 0.244 (new best)" and the other comparisons', () => {
    const best = { run: run('a', 'FINISHED'), value: 0.244 };
    assert.equal(metricVersusBest('val_loss', 0.231, best), 'val_loss 0.231, best so far 0.244 (new best)');
    assert.equal(metricVersusBest('val_loss', 0.25, best), 'val_loss 0.25, best so far 0.244');
    assert.equal(metricVersusBest('val_loss', 0.244, best), 'val_loss 0.244, best so far 0.244 (equals the best)');
    assert.equal(metricVersusBest('accuracy', 0.9, undefined), 'accuracy 0.9 (first run with accuracy in this experiment)');
  });

  it('FINISHED: status, the run\'s duration and the metric', () => {
    const r = endReport({ run: run('r', 'FINISHED'), exitCode: 0, processMs: 70_000, primary: { key: 'val_loss', value: 0.231 }, best: { run: run('a', 'FINISHED'), value: 0.244 }, scriptName: 'train.py' });
    assert.equal(r.level, 'info');
    assert.equal(r.outcome, 'FINISHED');
    assert.equal(r.message, 'Run "r" FINISHED in 1m 0s · val_loss 0.231, best so far 0.244 (new best)');
    assert.equal(r.offerMarkFailed, false);
  });

  it('FAILED (the script raised) and KILLED are reported as such, with the exit code', () => {
    const f = endReport({ run: run('r', 'FAILED'), exitCode: 1, processMs: 3000, scriptName: 'train.py' });
    assert.equal(f.level, 'error');
    assert.match(f.message, /^Run "r" FAILED in 1m 0s, the script ended with exit code 1$/);
    const k = endReport({ run: run('r', 'FAILED'), exitCode: 130, processMs: 3000, scriptName: 'train.py' });
    assert.match(k.message, /after Ctrl-C \(exit code 130\)/);
  });

  it('a run left RUNNING by a dead process: said plainly, Mark as FAILED offered', () => {
    const r = endReport({ run: run('r', 'RUNNING', {}, [1000]), exitCode: 137, processMs: 5000, scriptName: 'train.py' });
    assert.equal(r.level, 'warning');
    assert.equal(r.offerMarkFailed, true);
    assert.match(r.message, /^train\.py ended with exit code 137 after 5s, but its run "r" still says RUNNING/);
  });

  it('no run recorded: the exit code, and a hint when the script succeeded (its own tracking URI?)', () => {
    const bad = endReport({ exitCode: 2, processMs: 1000, scriptName: 'train.py' });
    assert.equal(bad.level, 'error');
    assert.equal(bad.outcome, 'exit 2');
    assert.match(bad.message, /^train\.py ended with exit code 2 after 1s and recorded no MLflow run/);
    const fine = endReport({ exitCode: 0, processMs: 1000, scriptName: 'train.py' });
    assert.match(fine.message, /sets its own tracking URI/);
  });
});
