import * as assert from 'node:assert/strict';
import { buildGcCommand } from '../../../src/cli/commands';
import { type DeletedExperiment, type DeletedRun, describeGcPlan, planGc } from '../../../src/models/gcPlan';

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 1);
const EXPS: DeletedExperiment[] = [
  { experimentId: '416468689634622688', name: 'obsolete-experiment', lastUpdateTime: NOW - 40 * DAY, runCount: 2 },
  { experimentId: '7', name: 'fresh-trash', lastUpdateTime: NOW - DAY },
];
const RUNS: DeletedRun[] = [
  { runId: 'ca11930773dd40ec9c8b833bb827b068', name: 'deleted-run', experimentId: '1', experimentName: 'iris' },
  { runId: 'cfd8e8de3a484deab78cefef0576ff3f', name: 'other', experimentId: '1', experimentName: 'iris' },
];

describe('models/gcPlan', () => {
  it('everything: no ids, all deleted runs and experiments', () => {
    const p = planGc(EXPS, RUNS, {}, NOW);
    assert.equal(p.runIds, undefined);
    assert.equal(p.experimentIds, undefined);
    assert.equal(p.runs.length, 2);
    assert.equal(p.experiments.length, 2);
    assert.equal(p.nothing, false);
  });

  it('chosen runs: passes the deleted experiments explicitly (the --run-ids pitfall)', () => {
    const p = planGc(EXPS, RUNS, { runIds: [RUNS[0].runId] }, NOW);
    assert.deepEqual(p.runIds, [RUNS[0].runId]);
    assert.deepEqual(p.experimentIds, ['416468689634622688', '7']);
    assert.equal(p.runs.length, 1);
    assert.match(p.notes.join(' '), /--experiment-ids/);
    // and the builder then has nothing to warn about
    const built = buildGcCommand({ invocation: { kind: 'mlflow', path: '/bin/mlflow' }, version: '3.6.0', backendStoreUri: 'file:///tmp/mlruns', runIds: p.runIds, experimentIds: p.experimentIds });
    assert.ok(built.ok);
    assert.ok(!built.warnings.some((w) => w.code === 'gc-run-ids-purges-experiments'));
    assert.deepEqual(built.ok && built.command.args, ['gc', '--backend-store-uri', 'file:///tmp/mlruns', '--run-ids', RUNS[0].runId, '--experiment-ids', '416468689634622688,7']);
  });

  it('chosen runs without deleted experiments: no --experiment-ids', () => {
    const p = planGc([], RUNS, { runIds: [RUNS[1].runId] }, NOW);
    assert.equal(p.experimentIds, undefined);
    assert.deepEqual(p.notes, []);
  });

  it('--older-than keeps experiments updated since, and says runs may be kept', () => {
    const p = planGc(EXPS, RUNS, { olderThan: '30d' }, NOW);
    assert.deepEqual(p.experiments.map((e) => e.experimentId), ['416468689634622688']);
    assert.equal(p.runsMayBeKept, true);
    const withRuns = planGc(EXPS, RUNS, { olderThan: '30d', runIds: [RUNS[0].runId] }, NOW);
    assert.deepEqual(withRuns.experimentIds, ['416468689634622688'], 'only experiments old enough are passed');
  });

  it('chosen experiments: all deleted runs go too, said so', () => {
    const p = planGc(EXPS, RUNS, { experimentIds: ['7'] }, NOW);
    assert.deepEqual(p.experimentIds, ['7']);
    assert.equal(p.runs.length, 2);
    assert.match(p.notes.join(' '), /every deleted run/);
  });

  it('flags ids that are not deleted and reports nothing to do', () => {
    const p = planGc(EXPS, RUNS, { runIds: ['efb3a0b7238340d78db1cf07904708a7'] }, NOW);
    assert.deepEqual(p.notDeleted, ['efb3a0b7238340d78db1cf07904708a7']);
    assert.match(p.notes.join(' '), /Not in the deleted state/);
    assert.equal(planGc([], [], {}, NOW).nothing, true);
  });

  it('describes the plan for the confirmation', () => {
    const d = describeGcPlan(planGc(EXPS, RUNS, { runIds: [RUNS[0].runId] }, NOW), 'file:///w/mlruns');
    assert.match(d.message, /Permanently delete 1 deleted run and 2 deleted experiments \(with 2 runs inside\) from file:\/\/\/w\/mlruns\? This cannot be undone\./);
    assert.match(d.detail, /obsolete-experiment \(416468689634622688\), 2 runs/);
    assert.match(d.detail, /deleted-run \(ca119307\) in iris/);
    const many = describeGcPlan(planGc([], Array.from({ length: 20 }, (_, i) => ({ runId: `r${i}`.padEnd(32, '0'), name: `run ${i}`, experimentId: '1' })), {}, NOW), 's', 5);
    assert.match(many.detail, /… and 15 more/);
  });
});
