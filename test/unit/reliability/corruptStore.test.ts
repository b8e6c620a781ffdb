// A corrupt run in a file store is skipped and reported while the other runs still show: garbage
// meta.yaml, garbage lines in a metric file, an unreadable (chmod 000) params folder — on a copy of
// the real v3 store. Root ignores file permissions, so when the tests run as root the chmod cases
// run in a child process as the unprivileged user `nobody` (uid 65534); where root cannot start such
// a process they are skipped, saying why (and fail under CI=true).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileStore } from '../../../src/tracking/file/fileStore';
import { FIXTURE_PREFIX, storePath } from '../../support/fixtures';
import { requirePrerequisite } from '../../support/prerequisite';
import {
  EXP_ID,
  GARBAGE_META_RUN,
  GARBAGE_METRIC_RUN,
  UNREADABLE_PARAMS_RUN,
  damagedStore,
  healProbe,
  probe,
  type DamagedStore,
  type HealResult,
  type ProbeResult,
} from './corruptStore';

const NOBODY = 65534;

const IS_ROOT = process.getuid?.() === 0;

/**
 * The probe as one plain .js file beside the store copy: the unprivileged child then needs nothing
 * from the project folder, which it may not be allowed to enter (a clone under /root, a 0700 folder).
 */
function bundleProbe(dir: string): string {
  const out = path.join(dir, 'probe.js');
  buildSync({
    entryPoints: [path.join(__dirname, 'corruptStore.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: out,
    logLevel: 'silent',
  });
  fs.chmodSync(out, 0o644);
  return out;
}

/** Runs the probe (or the heal probe) as uid nobody; a string when such a process cannot be started. */
function runAsNobody<T = ProbeResult>(mlruns: string, mode: 'probe' | 'heal' = 'probe'): T | string {
  const { NODE_OPTIONS: _, ...env } = process.env;
  const r = spawnSync(process.execPath, [bundleProbe(path.dirname(mlruns)), mlruns, mode], {
    cwd: path.dirname(mlruns),
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
    timeout: 60000,
    env: { ...env, HOME: '/tmp' },
  });
  if (r.error) return `running as root, and a process as uid ${NOBODY} cannot be started: ${r.error.message}`;
  assert.equal(r.status, 0, `the probe as uid ${NOBODY} failed: ${r.stderr.slice(0, 500)}`);
  return JSON.parse(r.stdout) as T;
}

function checkCommon(r: ProbeResult, mlruns: string): void {
  const names = r.runs.map((x) => x.name);
  // the other runs still show
  for (const n of ['baseline-logreg', 'failed-run', 'parent-sweep', 'child-C-0.1', 'grandchild-fold-refit', 'long-training']) assert.ok(names.includes(n), `${n} missing from ${names.join(', ')}`);
  // the garbage meta.yaml run is skipped …
  assert.ok(!r.runs.some((x) => x.id === GARBAGE_META_RUN), 'the run with a garbage meta.yaml is skipped');
  assert.equal(r.runs.length, 12, 'the 13 active runs of iris-classification minus the corrupt one');
  // … and reported, naming the file and saying what happened
  const metaProblem = r.problems.find((p) => p.path === path.join(mlruns, EXP_ID, GARBAGE_META_RUN, 'meta.yaml'));
  assert.ok(metaProblem, JSON.stringify(r.problems));
  assert.match(metaProblem.message, new RegExp(`Skipped run folder ${GARBAGE_META_RUN}: meta.yaml (is not valid YAML|has no run_id)`));
  assert.ok(r.events.some((p) => p.path === metaProblem.path), 'onProblem was called');
  // getRun of the corrupt run: a clear notFound, not a crash
  assert.notEqual(r.getCorrupt, 'ok');
  assert.equal((r.getCorrupt as { kind: string }).kind, 'notFound');
  // the metric file with garbage lines: the valid points still count, the latest value is right
  const baseline = r.runs.find((x) => x.id === GARBAGE_METRIC_RUN)!;
  assert.deepEqual(baseline.metrics.loss, [0.34724418126005785, 49]);
  assert.equal(r.lossHistory, 51, 'every valid point of the history');
  const metricProblem = r.problems.find((p) => p.path.endsWith(path.join(GARBAGE_METRIC_RUN, 'metrics', 'loss')));
  assert.ok(metricProblem, JSON.stringify(r.problems));
  assert.match(metricProblem.message, /Metric file has 8 unreadable line\(s\); they were skipped\./);
}

describe('reliability: a corrupt run in a file store', function () {
  this.timeout(60000);
  let store: DamagedStore | undefined;

  afterEach(() => {
    store?.cleanup();
    store = undefined;
  });

  it('garbage meta.yaml and garbage metric lines: skipped and reported, the other runs show', async () => {
    store = damagedStore();
    const r = await probe(store.mlruns);
    checkCommon(r, store.mlruns);
    assert.deepEqual(r.runs.find((x) => x.id === UNREADABLE_PARAMS_RUN)!.params, ['C', 'max_iter']);
  });

  it('a problem that is fixed on disk disappears from store.problems', async () => {
    store = damagedStore();
    const fsStore = new FileStore(store.mlruns);
    try {
      await fsStore.searchRuns({ experimentIds: [EXP_ID] });
      assert.ok(fsStore.problems.some((p) => p.path.includes(GARBAGE_META_RUN)));
      const repaired = fs.readFileSync(storePath('v3', 'mlruns', EXP_ID, GARBAGE_META_RUN, 'meta.yaml'), 'utf8').split(FIXTURE_PREFIX('v3')).join(store.root + '/');
      fs.writeFileSync(path.join(store.mlruns, EXP_ID, GARBAGE_META_RUN, 'meta.yaml'), repaired);
      const page = await fsStore.searchRuns({ experimentIds: [EXP_ID] });
      assert.ok(page.items.some((x) => x.info.runId === GARBAGE_META_RUN), 'the repaired run shows again');
      assert.ok(!fsStore.problems.some((p) => p.path.includes(GARBAGE_META_RUN)), 'its problem is cleared');
    } finally {
      fsStore.dispose();
    }
  });

  it('an unreadable (chmod 000) params folder: the run still shows, without parameters', async function () {
    store = damagedStore({ chmodParams: true });
    const r = IS_ROOT ? runAsNobody(store.mlruns) : await probe(store.mlruns);
    if (typeof r === 'string') return requirePrerequisite(this, r);
    if (IS_ROOT) assert.equal(r.uid, NOBODY);
    checkCommon(r, store.mlruns);
    const failed = r.runs.find((x) => x.id === UNREADABLE_PARAMS_RUN);
    assert.ok(failed, 'the run with the unreadable params folder still shows');
    assert.deepEqual(failed.params, [], 'its parameters cannot be read');
    assert.ok(Object.keys(failed.metrics).length > 0, 'its metrics still show');
  });

  it('an unreadable params folder is reported in store.problems, naming the folder and the error', async function () {
    store = damagedStore({ chmodParams: true });
    const r = IS_ROOT ? runAsNobody(store.mlruns) : await probe(store.mlruns);
    if (typeof r === 'string') return requirePrerequisite(this, r);
    const p = r.problems.find((x) => x.path === path.join(store!.mlruns, EXP_ID, UNREADABLE_PARAMS_RUN, 'params'));
    assert.ok(p, JSON.stringify(r.problems));
    assert.match(p.message, new RegExp(`^The params of run ${UNREADABLE_PARAMS_RUN} could not be read: EACCES\\.`));
    assert.equal(p.runId, UNREADABLE_PARAMS_RUN);
    assert.equal(p.experimentId, EXP_ID);
    assert.equal(p.effect, 'partial');
    assert.ok(r.events.some((x) => x.path === p.path), 'onProblem was called');
    // the skipped run is marked as such, for the explorer's "N runs could not be read" row
    assert.equal(r.problems.find((x) => x.path.endsWith(path.join(GARBAGE_META_RUN, 'meta.yaml')))?.effect, 'skipped');
    assert.equal(r.failedLoss, 38, 'its metric history still reads');
  });

  it('an unreadable metric file: reported, and getMetricHistory rejects with invalidData naming the file', async function () {
    store = damagedStore({ chmodMetric: true });
    const r = IS_ROOT ? runAsNobody(store.mlruns) : await probe(store.mlruns);
    if (typeof r === 'string') return requirePrerequisite(this, r);
    const file = path.join(store.mlruns, EXP_ID, UNREADABLE_PARAMS_RUN, 'metrics', 'loss');
    const failed = r.runs.find((x) => x.id === UNREADABLE_PARAMS_RUN);
    assert.ok(failed, 'the run still shows');
    assert.deepEqual(failed.params, ['C', 'max_iter'], 'with its parameters');
    assert.deepEqual(failed.metrics, {}, 'without the unreadable metric');
    const p = r.problems.find((x) => x.path === file);
    assert.ok(p, JSON.stringify(r.problems));
    assert.match(p.message, new RegExp(`Metric 'loss' of run ${UNREADABLE_PARAMS_RUN} could not be read: EACCES`));
    assert.equal(typeof r.failedLoss, 'object', `getMetricHistory rejects, not ${JSON.stringify(r.failedLoss)}`);
    const err = r.failedLoss as { kind?: string; message: string };
    assert.equal(err.kind, 'invalidData');
    assert.ok(err.message.includes(file) && err.message.includes('EACCES'), err.message);
  });

  it('a params folder that becomes readable again: its problem is cleared', async function () {
    store = damagedStore({ chmodParams: true });
    // as root, the unprivileged child owns the folder so that it can make it readable again itself
    if (IS_ROOT) fs.chownSync(path.join(store.mlruns, EXP_ID, UNREADABLE_PARAMS_RUN, 'params'), NOBODY, NOBODY);
    const r = IS_ROOT ? runAsNobody<HealResult>(store.mlruns, 'heal') : await healProbe(store.mlruns);
    if (typeof r === 'string') return requirePrerequisite(this, r);
    assert.ok(r.problemBefore, 'the unreadable params folder is reported first');
    assert.deepEqual(r.paramsAfter, ['C', 'max_iter']);
    assert.ok(!r.problemAfter, 'its problem is cleared once it reads');
  });
});
