// A copy of the real v3 file store (test/fixtures/mlflow/stores/v3/mlruns) with damage done to it, and a
// probe that reads it through FileStore the way the explorer does. Used by corruptStore.test.ts,
// in-process and (for the chmod 000 case when the tests run as root) in a child process running as
// an unprivileged user:  node -r tsx/cjs test/unit/reliability/corruptStore.ts <mlruns> [probe|heal]  → JSON.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isTrackingError } from '../../../src/tracking/errors';
import { FileStore, type Problem } from '../../../src/tracking/file/fileStore';
import { copyStore } from '../../support/fixtures';

export const EXP_ID = '358387156804898222'; // iris-classification
export const GARBAGE_META_RUN = 'e6575f48955f435f90ad6841ccbbb22a'; // tuned-logreg
export const GARBAGE_METRIC_RUN = '85c2cd0244ac4908817c29c853d5c0eb'; // baseline-logreg, metrics/loss
export const UNREADABLE_PARAMS_RUN = '2177a38650cb49f88692eb8935d150d3'; // failed-run, params C and max_iter

export const GARBAGE_META = '\u0000\u00ff\u00fegarbage: [unclosed\n  - : :\n\t{{{ "half\nrun_id: \u0007\n';
export const GARBAGE_LINES = ['garbage', 'abc def ghi', '1795680985921', '\u0000\u0001\u0002', '1795680985921 notanumber 50', '1 2 3 4 5 6 7 8', '17956809x5921 0.5 51', '  '];

export interface DamagedStore {
  root: string;
  mlruns: string;
  cleanup(): void;
}

/**
 * Copies stores/v3/mlruns and damages three runs of iris-classification. `chmodParams`: params
 * folder mode 000; `chmodMetric`: failed-run's metrics/loss file mode 000.
 */
export function damagedStore(opts: { chmodParams?: boolean; chmodMetric?: boolean } = {}): DamagedStore {
  const { root, dir, cleanup } = copyStore('v3', 'mlruns', { rewrite: true });
  fs.chmodSync(root, 0o755); // mkdtemp makes it 0700; the unprivileged child must get in
  const exp = path.join(dir, EXP_ID);
  fs.writeFileSync(path.join(exp, GARBAGE_META_RUN, 'meta.yaml'), GARBAGE_META);
  const loss = path.join(exp, GARBAGE_METRIC_RUN, 'metrics', 'loss');
  const lines = fs.readFileSync(loss, 'utf8').split('\n');
  lines.splice(10, 0, ...GARBAGE_LINES.slice(0, 4));
  lines.push(...GARBAGE_LINES.slice(4));
  fs.writeFileSync(loss, lines.join('\n'));
  const params = path.join(exp, UNREADABLE_PARAMS_RUN, 'params');
  if (opts.chmodParams) fs.chmodSync(params, 0o000);
  const metric = path.join(exp, UNREADABLE_PARAMS_RUN, 'metrics', 'loss');
  if (opts.chmodMetric) fs.chmodSync(metric, 0o000);
  return {
    root,
    mlruns: dir,
    cleanup: () => {
      try {
        fs.chmodSync(params, 0o755);
        fs.chmodSync(metric, 0o644);
      } catch {
        // gone
      }
      cleanup();
    },
  };
}

export interface ProbeResult {
  runs: { id: string; name: string; params: string[]; metrics: Record<string, [number, number]> }[];
  problems: Problem[];
  events: Problem[];
  getCorrupt: { kind?: string; message: string } | 'ok';
  lossHistory: number;
  /** getMetricHistory of failed-run's loss: the point count, or the error. */
  failedLoss: number | { kind?: string; message: string };
  uid: number;
}

export async function probe(mlruns: string): Promise<ProbeResult> {
  const events: Problem[] = [];
  const store = new FileStore(mlruns, { onProblem: (p) => events.push(p) });
  try {
    const page = await store.searchRuns({ experimentIds: [EXP_ID], maxResults: 1000 });
    const runs = page.items.map((r) => ({
      id: r.info.runId,
      name: r.info.runName,
      params: r.data.params.map((p) => p.key).sort(),
      metrics: Object.fromEntries(r.data.metrics.map((m) => [m.key, [m.value, m.step] as [number, number]])),
    }));
    let getCorrupt: ProbeResult['getCorrupt'] = 'ok';
    try {
      await store.getRun(GARBAGE_META_RUN);
    } catch (e) {
      getCorrupt = { kind: isTrackingError(e) ? e.kind : undefined, message: e instanceof Error ? e.message : String(e) };
    }
    const lossHistory = (await store.getMetricHistory(GARBAGE_METRIC_RUN, 'loss')).length;
    let failedLoss: ProbeResult['failedLoss'];
    try {
      failedLoss = (await store.getMetricHistory(UNREADABLE_PARAMS_RUN, 'loss')).length;
    } catch (e) {
      failedLoss = { kind: isTrackingError(e) ? e.kind : undefined, message: e instanceof Error ? e.message : String(e) };
    }
    return { runs, problems: [...store.problems], events, getCorrupt, lossHistory, failedLoss, uid: process.getuid?.() ?? -1 };
  } finally {
    store.dispose();
  }
}

export interface HealResult {
  problemBefore: boolean;
  paramsAfter: string[];
  problemAfter: boolean;
}

/** Reads the store with failed-run's params folder unreadable, makes it readable (chmod 755), reads again. */
export async function healProbe(mlruns: string): Promise<HealResult> {
  const params = path.join(mlruns, EXP_ID, UNREADABLE_PARAMS_RUN, 'params');
  const reported = (s: FileStore) => s.problems.some((p) => p.path === params);
  const store = new FileStore(mlruns);
  try {
    await store.searchRuns({ experimentIds: [EXP_ID] });
    const problemBefore = reported(store);
    fs.chmodSync(params, 0o755);
    const run = await store.getRun(UNREADABLE_PARAMS_RUN);
    return { problemBefore, paramsAfter: run.data.params.map((x) => x.key).sort(), problemAfter: reported(store) };
  } finally {
    store.dispose();
  }
}

if (require.main === module) {
  (process.argv[3] === 'heal' ? healProbe(process.argv[2]) : probe(process.argv[2])).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (e: unknown) => {
      process.stderr.write(String(e instanceof Error ? e.stack : e));
      process.exitCode = 1;
    },
  );
}
