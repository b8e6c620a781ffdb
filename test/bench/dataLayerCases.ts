// The rows of the side-by-side data-layer bench: what our store does and what MLflow's Python client
// does for the same question on the same generated store. To add a row, add an entry to CASES (the
// bench and the child process both read this table).
import { createHash } from 'node:crypto';
import { FileStore } from '../../src/tracking/file';
import { SqliteStore } from '../../src/tracking/sqlite';
import type { EngineName } from '../../src/tracking/sqlite/engine';
import type { Metric, Run, TrackingStore } from '../../src/tracking/types';
import type { GeneratedStore } from './generateStore';
import type { PythonCase } from './sideBySide';

export interface Target {
  /** MLflow cold median / ours cold median must reach this. */
  minRatio?: number;
  /** Ours cold median must stay under this (seconds). */
  maxSeconds?: number;
}

export interface SideBySideCase {
  id: string;
  label: (g: GeneratedStore) => string;
  store: 'file' | 'sqlite';
  /**
   * SQLite rows: the engine, and so the Node the child runs on: node:sqlite on a Node that has it (as
   * VS Code 1.101+ would, see nodeForEngine in sideBySide.ts), sql.js on this Node (as VS Code ≤ 1.100).
   */
  engine?: EngineName;
  /** Opens our store; part of the cold measurement. */
  open: (g: GeneratedStore) => TrackingStore | Promise<TrackingStore>;
  /** The measured call on an open store. */
  ours: (s: TrackingStore, g: GeneratedStore) => Promise<Run[] | Metric[]>;
  /** The same with MLflow's client. */
  python: (g: GeneratedStore) => PythonCase;
  /** The row of recorded-timings.md used when no real MLflow is available. */
  recorded: string;
  target?: Target;
  /**
   * Rounds in which MLflow's warm call is measured (default: every round): MLflow's file store keeps
   * no cache (a warm call costs what a cold one does), so its slow calls are repeated once only.
   */
  mlflowWarmRounds?: number;
}

const START_DESC = 'attributes.start_time DESC';
const FILTER = "metrics.val_loss < 0.5 and params.optimizer = 'adam'";
const FILTER_ORDER = 'metrics.val_loss ASC';

async function allPages(s: TrackingStore, experimentId: string): Promise<Run[]> {
  const out: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await s.searchRuns({ experimentIds: [experimentId], orderBy: [START_DESC], maxResults: 1000, pageToken });
    for (const r of page.items) out.push(r);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

const PY_ALL_PAGES = `out = []
token = None
while True:
    page = client.search_runs([exp], max_results=1000, order_by=["${START_DESC}"], page_token=token)
    out.extend(page)
    token = page.token
    if not token:
        return out`;

const PRE = { file: ['mlflow.store.tracking.file_store'], sqlite: ['mlflow.store.tracking.sqlalchemy_store'] };

function expOf(g: GeneratedStore, kind: 'file' | 'sqlite'): string {
  return kind === 'file' ? g.file.experimentId : g.sqlite.experimentId;
}

function searchCases(kind: 'file' | 'sqlite', targets: { first100?: Target; allRuns?: Target; filtered?: Target; history?: Target }, engine?: EngineName): SideBySideCase[] {
  const name = kind === 'file' ? 'file store' : `SQLite (${engine})`;
  const open = kind === 'file' ? (g: GeneratedStore) => new FileStore(g.mlrunsDir) : (g: GeneratedStore) => SqliteStore.open(g.dbPath, { engine });
  const vars = (g: GeneratedStore) => ({ exp: expOf(g, kind) });
  const prefix = kind === 'file' ? 'file' : engine === 'sql.js' ? 'sqlite-wasm' : 'sqlite';
  const rows: SideBySideCase[] = [
    {
      id: `${prefix}.first100`,
      label: () => `${name}: first 100 runs by start time`,
      store: kind,
      open,
      ours: async (s, g) => (await s.searchRuns({ experimentIds: [expOf(g, kind)], orderBy: [START_DESC], maxResults: 100 })).items,
      python: (g) => ({ code: `return client.search_runs([exp], max_results=100, order_by=["${START_DESC}"])`, vars: vars(g), preimport: PRE[kind] }),
      recorded: 'MlflowClient.search_runs(max_results=100) first page',
      target: targets.first100,
      mlflowWarmRounds: kind === 'file' ? 1 : undefined,
    },
    {
      id: `${prefix}.allRuns`,
      label: (g) => `${name}: all ${g.runs} runs, pages of 1000`,
      store: kind,
      open,
      ours: (s, g) => allPages(s, expOf(g, kind)),
      python: (g) => ({ code: PY_ALL_PAGES, vars: vars(g), preimport: PRE[kind] }),
      recorded: 'MlflowClient.search_runs all pages of 1000',
      target: targets.allRuns,
      mlflowWarmRounds: kind === 'file' ? 1 : undefined,
    },
    {
      id: `${prefix}.filtered`,
      label: () => `${name}: filtered + ordered by a metric, first 100`,
      store: kind,
      open,
      ours: async (s, g) => (await s.searchRuns({ experimentIds: [expOf(g, kind)], filter: FILTER, orderBy: [FILTER_ORDER], maxResults: 100 })).items,
      python: (g) => ({ code: `return client.search_runs([exp], filter_string="${FILTER}", max_results=100, order_by=["${FILTER_ORDER}"])`, vars: vars(g), preimport: PRE[kind] }),
      recorded: 'MlflowClient.search_runs filter+order_by metric, 100',
      target: targets.filtered,
      mlflowWarmRounds: kind === 'file' ? 1 : undefined,
    },
    {
      id: `${prefix}.history`,
      label: (g) => `${name}: ${g.historyPoints}-point metric history`,
      store: kind,
      open,
      ours: (s, g) => s.getMetricHistory(g.historyRunId, g.historyKey),
      python: (g) => ({ code: 'return client.get_metric_history(run_id, key)', vars: { run_id: g.historyRunId, key: g.historyKey }, preimport: PRE[kind] }),
      recorded: 'MlflowClient.get_metric_history(100k points)',
      target: targets.history,
    },
  ];
  return rows.map((r) => ({ ...r, engine }));
}

export const CASES: SideBySideCase[] = [
  // issue 13's targets: cold, against MLflow 3.6's client in the same run
  ...searchCases('file', { first100: { minRatio: 20 }, allRuns: { minRatio: 20 }, filtered: { minRatio: 20 }, history: { minRatio: 10 } }),
  // issue 14's targets: every SQLite row at least 5× MLflow's client, cold, same run; on each engine
  ...searchCases('sqlite', { first100: { minRatio: 5 }, allRuns: { minRatio: 5 }, filtered: { minRatio: 5 }, history: { minRatio: 5 } }, 'node:sqlite'),
  ...searchCases('sqlite', { first100: { minRatio: 5 }, allRuns: { minRatio: 5 }, filtered: { minRatio: 5 }, history: { minRatio: 5 } }, 'sql.js'),
];

/** What both sides' digests hash: run ids in order, or "step timestamp" per history point. */
export function digestOf(r: readonly (Run | Metric)[]): { n: number; digest: string } {
  const keys = r.map((x) => ('info' in x ? x.info.runId : `${x.step} ${x.timestamp}`));
  return { n: keys.length, digest: createHash('sha1').update(keys.join('\n')).digest('hex').slice(0, 12) };
}
