// What the runs-table suites share: the fixture stores they point the workspace at, opening a table
// and reading what its webview was sent (the suite must call recordWebviews()), speaking as the
// webview, and the runs the tree shows for a filter.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { decodePage, type TableRow } from '../../src/runsTable/model';
import type { HostToTable } from '../../src/runsTable/protocol';
import type { RunsTablePanel } from '../../src/runsTable/runsTablePanel';
import { MLFLOW_FIXTURES_DIR } from '../support/fixtures';
import { api, childByLabel, copyToTemp, waitFor, webviewMessages } from './helpers';

type Rows = Extract<HostToTable, { type: 'rows' }>;

/** The kinds of fixture store MLflow wrote (test/fixtures/mlflow/stores/<ver>/{mlruns,sqlite}), as suite titles name them. */
export const FIXTURE_STORE_KINDS = ['file store', 'SQLite store'] as const;
type FixtureStoreKind = (typeof FIXTURE_STORE_KINDS)[number];

/** The tracking URI of a fresh copy of test/fixtures/mlflow/stores/<ver>/<mlruns|sqlite>. */
export function fixtureStoreCopy(ver: 'v3' | 'v2', kind: FixtureStoreKind): string {
  const copy = copyToTemp(path.join(MLFLOW_FIXTURES_DIR, 'stores', ver, kind === 'SQLite store' ? 'sqlite' : 'mlruns'));
  return kind === 'SQLite store' ? `sqlite:///${path.join(copy, 'mlflow.db')}` : copy;
}

/** The rows the webview holds: every page since the last reset. */
export function tableRows(c: RunsTablePanel): TableRow[] {
  const pages = webviewMessages(c, 'toWebview').filter((r) => r.type === 'rows').map((r) => r.msg as Rows);
  const from = pages.map((p) => p.reset).lastIndexOf(true);
  return pages.slice(Math.max(0, from)).flatMap((p) => decodePage(p.page));
}

/** The last page posted said it was the last. */
export function tableComplete(c: RunsTablePanel): boolean {
  const last = webviewMessages(c).filter((r) => r.type === 'rows').pop();
  return !!last && (last.msg as Rows).complete;
}

/** The last message of this type posted to the table's webview. */
export function lastPosted<T extends HostToTable['type']>(c: RunsTablePanel, type: T): Extract<HostToTable, { type: T }> | undefined {
  return webviewMessages(c, 'toWebview').filter((r) => r.type === type).pop()?.msg as Extract<HostToTable, { type: T }> | undefined;
}

/** What the webview would send: through the panel's validation, as a message from the webview. */
export function fromWebview(c: RunsTablePanel, msg: unknown): void {
  (c as unknown as { receive(raw: unknown): void }).receive(msg);
}

/** Opens (or reveals) the experiment's table and waits until the webview is ready and holds every run. */
export async function openRunsTable(connKey: string, expId: string): Promise<RunsTablePanel> {
  const c = await vscode.commands.executeCommand<RunsTablePanel>('mlflow.openRunsTable', { connKey, experimentIds: [expId] });
  assert.ok(c && typeof c.reload === 'function', 'the command returns the panel controller');
  await waitFor('ready from the webview', () => webviewMessages(c, 'fromWebview').some((r) => r.type === 'ready'));
  await waitFor('every run posted', () => tableComplete(c));
  await c.loading;
  return c;
}

/** The ids of the runs the tree shows under the experiment with this filter (sorted); leaves the filter set. */
export async function treeRunIds(expId: string, filter?: string): Promise<string[]> {
  const a = await api();
  a.services.experiments.setRunQuery({ filter });
  const exp = await childByLabel(a, undefined, 'iris-classification');
  await a.services.experiments.getChildren(exp);
  const t = a.services.experiments.loadedRuns(a.services.connections.all()[0], expId);
  assert.ok(t);
  return t.runs.map((r) => r.info.runId).sort();
}
