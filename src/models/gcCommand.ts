// Garbage-Collect Deleted Runs: `mlflow gc` on the connection's backend store, for what the user picks
// among the deleted runs and experiments, after a modal confirmation that lists them.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { type CliIssue, buildGcCommand } from '../cli/commands';
import { COMMAND_TITLES } from '../cli/options';
import { CancelledByUser } from '../core/command';
import type { Connection } from '../connection/connection';
import type { TrackingStore } from '../tracking/types';
import { detectDefaultStore } from '../tracking/uri';
import { isNode } from '../explorer/nodes';
import { type CommandArgs, type CommandResult, type CommandTarget, optionsFrom, parseArg, toList } from './commandArgs';
import { DeletedExperiment, DeletedRun, GcPlan, describeGcPlan, planGc } from './gcPlan';
import type { FormValues } from './optionForm';
import { showOptionsForm } from './optionsUi';
import type { ModelSteps, Prepared } from './steps';
import { backendStoreOf } from './trackingEnv';
import { slotName } from './text';

interface Deleted {
  deletedExps: DeletedExperiment[];
  runs: DeletedRun[];
}

interface Targets {
  runIds?: string[];
  experimentIds?: string[];
}

export async function gc(m: ModelSteps, arg?: unknown): Promise<CommandResult> {
  const { args, node } = parseArg(arg);
  const title = COMMAND_TITLES.gc;
  const conn = m.connFor(args, node);
  const prep = await m.prepare(title, conn);
  if (!prep) return { status: 'blocked' };
  if (!conn) {
    void m.ui.notify('error', 'MLflow: Garbage collection needs a connected tracking store (an mlruns folder or a SQLite database).', { id: 'gc.noStore' });
    return { status: 'blocked' };
  }
  const values: FormValues<'gc'> = { ...m.remembered('gc', prep.version), ...optionsFrom('gc', args) };
  delete values.backendStoreUri;
  Object.assign(values, optionsFrom('gc', args));
  if (!values.backendStoreUri) values.backendStoreUri = backendStoreOf(conn.resolved);
  const suggestions = suggestedStores(prep.ctx.cwd);
  if (!values.backendStoreUri) {
    const backend = await askBackendStore(m, conn, args, suggestions);
    if (typeof backend !== 'string') return backend;
    values.backendStoreUri = backend;
  }
  const loaded = await listDeleted(await conn.store());
  const targets = await chooseTargets(m, conn, args, node, values, loaded);
  if (!targets) return { status: 'done', message: 'nothing to purge' };
  return purge(m, prep, args, values, loaded, targets, suggestions);
}

/** The workspace's own store (mlruns / mlflow.db), suggested when the connection is a server. */
function suggestedStores(cwd: string | undefined): string[] {
  const listDir = (p: string) => {
    try {
      return fs.readdirSync(p);
    } catch {
      return [];
    }
  };
  return (cwd ? [detectDefaultStore(cwd, { exists: fs.existsSync, listDir })?.uri] : []).filter((x): x is string => !!x);
}

/** Connected to a server: gc needs the server's backend store, which only the user knows. */
async function askBackendStore(m: ModelSteps, conn: Connection, args: CommandArgs, suggestions: string[]): Promise<string | CommandResult> {
  const resolved = conn.resolved;
  const why = `mlflow gc deletes data directly in a backend store (an mlruns folder or a SQL database). This window is connected to the tracking server ${resolved?.display ?? resolved?.uri ?? ''}, which gc cannot purge through.`;
  if (args.noPrompt) {
    void m.ui.notify('error', `MLflow: ${why} Give the server's --backend-store-uri.`, { id: 'gc.http' });
    return { status: 'blocked', message: why };
  }
  const pick = await m.ui.confirm(why, { id: 'gc.http', detail: 'Enter the --backend-store-uri the server was started with (e.g. sqlite:////srv/mlflow/mlflow.db or file:///srv/mlflow/mlruns). The list of deleted runs below still comes from the server.' }, 'Enter Backend Store URI…');
  if (!pick) throw new CancelledByUser();
  const uri = await m.ui.input({
    id: 'gc.backendStoreUri',
    title: 'Backend store of the tracking server',
    value: suggestions[0] ?? '',
    placeHolder: 'sqlite:////abs/mlflow.db or file:///abs/mlruns',
    validateInput: (t) => (/^https?:/i.test(t.trim()) ? 'Not the server URL: the database or folder the server stores its data in.' : t.trim() ? undefined : 'Enter a URI.'),
  });
  if (!uri) throw new CancelledByUser();
  return uri.trim();
}

/** What is in the deleted state, from the store (at most 10 000 of each). */
function listDeleted(store: TrackingStore): Thenable<Deleted> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'MLflow: listing deleted runs and experiments…' }, async () => {
    const deletedExps: DeletedExperiment[] = [];
    let token: string | undefined;
    do {
      const page = await store.searchExperiments({ viewType: 'DELETED_ONLY', maxResults: 1000, pageToken: token });
      for (const e of page.items) deletedExps.push({ experimentId: e.experimentId, name: e.name, lastUpdateTime: e.lastUpdateTime });
      token = page.nextPageToken;
    } while (token && deletedExps.length < 10_000);
    const active = (await store.searchExperiments({ viewType: 'ACTIVE_ONLY', maxResults: 1000 })).items;
    const names = new Map([...active.map((e) => [e.experimentId, e.name] as const), ...deletedExps.map((e) => [e.experimentId, e.name] as const)]);
    const runs: DeletedRun[] = [];
    if (active.length) {
      token = undefined;
      do {
        const page = await store.searchRuns({ experimentIds: active.map((e) => e.experimentId), runViewType: 'DELETED_ONLY', maxResults: 1000, pageToken: token });
        for (const r of page.items) runs.push({ runId: r.info.runId, name: r.info.runName, experimentId: r.info.experimentId, experimentName: names.get(r.info.experimentId), time: r.info.endTime ?? r.info.startTime });
        token = page.nextPageToken;
      } while (token && runs.length < 10_000);
    }
    for (const e of deletedExps) {
      try {
        e.runCount = (await store.searchRuns({ experimentIds: [e.experimentId], runViewType: 'ALL', maxResults: 1000 })).items.length || undefined;
      } catch {
        e.runCount = undefined;
      }
    }
    return { deletedExps, runs };
  });
}

/** Which of them: given, the deleted node, or asked. undefined: there is nothing to purge (said to the user). */
async function chooseTargets(m: ModelSteps, conn: Connection, args: CommandArgs, node: CommandTarget | undefined, values: FormValues<'gc'>, loaded: Deleted): Promise<Targets | undefined> {
  let runIds = toList(args.runIds ?? values.runIds);
  let experimentIds = toList(args.experimentIds ?? values.experimentIds);
  if (node && isNode(node, 'run') && node.run.info.lifecycleStage === 'deleted') runIds = [node.run.info.runId];
  if (node && isNode(node, 'experiment') && node.experiment.lifecycleStage === 'deleted') experimentIds = [node.experiment.experimentId];
  if (runIds || experimentIds || args.noPrompt) return { runIds, experimentIds };
  const { deletedExps, runs } = loaded;
  const where = conn.resolved?.display;
  if (!deletedExps.length && !runs.length) {
    void m.ui.notify('info', `MLflow: nothing to purge: ${where ?? 'the store'} has no deleted runs or experiments.`, { id: 'gc.nothing' });
    return undefined;
  }
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const scope = await m.ui.pick(
    [
      { label: '$(trash) Everything in the deleted state', description: `${plural(runs.length, 'run')}, ${plural(deletedExps.length, 'experiment')}`, id: 'all' },
      ...(runs.length ? [{ label: '$(list-selection) Choose deleted runs…', description: '', id: 'runs' }] : []),
      ...(deletedExps.length ? [{ label: '$(list-selection) Choose deleted experiments…', description: '', id: 'exps' }] : []),
    ],
    { id: 'gc.scope', title: `${COMMAND_TITLES.gc}: what to purge from ${where ?? values.backendStoreUri}` },
  );
  if (!scope) throw new CancelledByUser();
  if (scope.id === 'runs') {
    const picked = await m.ui.pickMany(runs.map((r) => ({ label: r.name || r.runId, description: r.runId, detail: r.experimentName, id: r.runId })), { id: 'gc.runs', title: 'Deleted runs to purge', matchOnDescription: true });
    if (!picked?.length) throw new CancelledByUser();
    runIds = picked.map((p) => p.id);
  } else if (scope.id === 'exps') {
    const picked = await m.ui.pickMany(deletedExps.map((e) => ({ label: e.name, description: e.experimentId, detail: e.runCount ? `${e.runCount} runs` : undefined, id: e.experimentId })), { id: 'gc.experiments', title: 'Deleted experiments to purge (with all their runs)' });
    if (!picked?.length) throw new CancelledByUser();
    experimentIds = picked.map((p) => p.id);
  }
  return { runIds, experimentIds };
}

/** The options form, the plan, the modal confirmation, then `mlflow gc` in a terminal. */
async function purge(m: ModelSteps, prep: Prepared, args: CommandArgs, values: FormValues<'gc'>, loaded: Deleted, targets: Targets, suggestions: string[]): Promise<CommandResult> {
  const title = COMMAND_TITLES.gc;
  const planFor = (v: FormValues<'gc'>) => planGc(loaded.deletedExps, loaded.runs, { ...targets, olderThan: typeof v.olderThan === 'string' ? v.olderThan : undefined });
  const build = (v: FormValues<'gc'>) => {
    const plan = planFor(v);
    return buildGcCommand({ ...prep.ctx, ...v, runIds: plan.runIds, experimentIds: plan.experimentIds, deletedExperimentIds: loaded.deletedExps.map((e) => e.experimentId), suggestedStores: suggestions });
  };
  if (!args.noPrompt) {
    const r = await showOptionsForm(m.ui, { id: 'gc.form', command: 'gc', title: `${title}: ${values.backendStoreUri}`, runLabel: 'Review and Purge…', values, version: prep.version, build });
    if (!r || r.action !== 'run') throw new CancelledByUser();
  }
  const plan = planFor(values);
  if (plan.nothing) {
    void m.ui.notify('info', 'MLflow: nothing matches: no deleted run or experiment would be purged.', { id: 'gc.nothing' });
    return { status: 'done', message: 'nothing to purge', plan };
  }
  const built = build(values);
  const cmd = await m.accept(built, { ...args, noPrompt: true }, 'gc', title);
  if (!cmd) return { status: 'failed', message: 'invalid options', plan };
  if (!(args.noPrompt && args.confirmed)) await confirmPurge(m, plan, String(values.backendStoreUri), built.warnings);
  await m.remember('gc', values);
  const task = await m.runner.run(cmd, { action: 'gc', slot: m.runner.freeSlot(slotName('gc')) });
  const exitCode = await task.exited;
  if (exitCode === 0) {
    m.s.experiments.refresh();
    vscode.window.setStatusBarMessage(`$(trash) MLflow: purged ${plan.runs.length} run(s) and ${plan.experiments.length} experiment(s)`, 8000);
  }
  return { status: exitCode === 0 ? 'done' : 'failed', command: cmd, exitCode, plan, warnings: built.warnings, terminalName: task.slot };
}

async function confirmPurge(m: ModelSteps, plan: GcPlan, store: string, warnings: CliIssue[]): Promise<void> {
  const text = describeGcPlan(plan, store);
  const extra = warnings.filter((w) => w.severity === 'warning' && w.code !== 'gc-run-ids-purges-experiments').map((w) => w.message);
  const ok = await m.ui.confirm(text.message, { id: 'gc.confirm', detail: [text.detail, ...extra].filter(Boolean).join('\n\n') }, 'Delete Permanently');
  if (ok !== 'Delete Permanently') throw new CancelledByUser();
}
