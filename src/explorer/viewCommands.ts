import * as vscode from 'vscode';
import { Commands, ContextKeys } from '../ids';
import type { Services } from '../services';
import { validateRunFilter } from '../tracking/search';
import { TrackingError, isTrackingError } from '../tracking/errors';
import { collectPages } from '../tracking/paging';
import type { TrackingStore } from '../tracking/types';
import { type Node } from './nodes';
import { CancelledByUser, registerCommand } from '../core/command';

/** The run filters used last (workspace state), shared by the tree's Filter Runs and the runs table. */
export const RECENT_FILTERS = 'mlflow.recentFilters';
const FILTER_EXAMPLES = [
  "metrics.val_loss < 0.5",
  "params.model = 'resnet50'",
  "attributes.status = 'FAILED'",
  "tags.mlflow.runName LIKE 'sweep-%'",
  'attributes.start_time > 0',
];

/**
 * A quick pick whose typed text is kept: its first item becomes what was typed, so Enter returns the typed
 * text (validated by the caller); picking a suggestion returns its value.
 */
function pickOrType(items: (vscode.QuickPickItem & { value?: string })[], title: string, placeholder: string): Promise<string | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { value?: string }>();
  qp.title = title;
  qp.placeholder = placeholder;
  qp.items = items;
  const [typeItem, ...rest] = items;
  qp.onDidChangeValue((v) => {
    const typed = v.trim();
    qp.items = [typed ? { label: `$(edit) ${typed}`, description: 'the filter you typed', value: typed, alwaysShow: true } : typeItem, ...rest];
  });
  return new Promise((resolve) => {
    let result: string | undefined;
    qp.onDidAccept(() => {
      const pick = qp.selectedItems[0] ?? qp.activeItems[0];
      result = pick?.value ?? qp.value.trim();
      qp.hide();
    });
    qp.onDidHide(() => {
      qp.dispose();
      resolve(result);
    });
    qp.show();
  });
}

/** The filter box: what it holds is checked at once (also the text carried over from the picker), and again as it changes. */
function filterInput(initial: string): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = 'Filter Runs';
  box.prompt = "MLflow search syntax, e.g. metrics.rmse < 1 and params.model = 'tree'. Empty clears the filter.";
  box.value = initial;
  const validate = (v: string) => (box.validationMessage = v.trim() ? validateRunFilter(v.trim()) : undefined);
  validate(initial);
  return new Promise((resolve) => {
    let result: string | undefined;
    box.onDidChangeValue(validate);
    box.onDidAccept(() => {
      if (validate(box.value)) return;
      result = box.value;
      box.hide();
    });
    box.onDidHide(() => {
      box.dispose();
      resolve(result);
    });
    box.show();
  });
}

/** The one run whose ID starts with `prefix` (the 8 characters the extension shows). */
async function runIdByPrefix(store: TrackingStore, prefix: string): Promise<string> {
  const exps = await collectPages((t) => store.searchExperiments({ maxResults: 1000, pageToken: t }), (e) => e.experimentId);
  const ids = new Set<string>();
  for (let i = 0; i < exps.length; i += 100) {
    const experimentIds = exps.slice(i, i + 100).map((e) => e.experimentId);
    const runs = await collectPages((t) => store.searchRuns({ experimentIds, maxResults: 1000, pageToken: t }), (r) => r.info.runId);
    for (const r of runs) if (r.info.runId.startsWith(prefix)) ids.add(r.info.runId);
  }
  if (ids.size > 1) throw new TrackingError('invalidRequest', `${ids.size} runs have IDs starting with ${prefix}: type more characters.`);
  const [id] = ids;
  if (!id) throw new TrackingError('notFound', `No run with an ID starting with ${prefix}.`);
  return id;
}

/** Refresh, filter, sort, deleted toggle, reveal by id, log and settings. */
export function registerViewCommands(s: Services): vscode.Disposable[] {
  const { log, experiments, connections, context } = s;
  const setFilterContext = () => void vscode.commands.executeCommand('setContext', ContextKeys.runFilterActive, !!experiments.runQuery.filter);

  setFilterContext(); // a filter restored from the last session

  return [
    registerCommand(s, Commands.refresh, () => {
      experiments.refresh();
      s.models.refresh();
    }),
    registerCommand(s, Commands.showLog, () => log.show()),
    registerCommand(s, Commands.openSettings, () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:mlflow-vscode.mlflow-vscode')),
    registerCommand(s, Commands.retry, async (node?: Node) => {
      const targets = node?.conn ? [node.conn] : connections.all();
      await Promise.all(targets.map((c) => c.reconnect()));
      experiments.refresh();
      s.models.refresh();
    }),
    registerCommand(s, Commands.filterRuns, async () => {
      const recent = context.workspaceState.get<string[]>(RECENT_FILTERS, []);
      let initial = experiments.runQuery.filter ?? '';
      if (recent.length || !initial) {
        const items: (vscode.QuickPickItem & { value?: string })[] = [
          { label: '$(edit) Type a filter…', value: undefined, alwaysShow: true },
          ...recent.map((f) => ({ label: f, description: 'recent', value: f })),
          ...FILTER_EXAMPLES.filter((f) => !recent.includes(f)).map((f) => ({ label: f, description: 'example', value: f })),
        ];
        const chosen = await pickOrType(items, 'Filter Runs (MLflow search syntax)', 'Pick a recent filter or type a new one');
        if (chosen === undefined) throw new CancelledByUser();
        if (chosen) initial = chosen;
      }
      const filter = await filterInput(initial);
      if (filter === undefined) throw new CancelledByUser();
      const f = filter.trim();
      if (f) await context.workspaceState.update(RECENT_FILTERS, [f, ...recent.filter((x) => x !== f)].slice(0, 10));
      experiments.setRunQuery({ ...experiments.runQuery, filter: f || undefined });
      setFilterContext();
    }),
    registerCommand(s, Commands.clearRunFilter, () => {
      experiments.setRunQuery({ ...experiments.runQuery, filter: undefined });
      setFilterContext();
    }),
    registerCommand(s, Commands.sortRuns, async () => {
      const keys = experiments.knownKeys();
      const items: (vscode.QuickPickItem & { order?: string[] })[] = [
        { label: 'Newest first', description: 'start_time DESC (default)', order: undefined },
        { label: 'Oldest first', description: 'start_time ASC', order: ['attributes.start_time ASC'] },
        { label: 'Run name', description: 'run_name ASC', order: ['attributes.run_name ASC'] },
        { label: 'Recently ended', description: 'end_time DESC', order: ['attributes.end_time DESC'] },
        { label: 'Status', description: 'status ASC', order: ['attributes.status ASC'] },
        { label: 'Metrics', kind: vscode.QuickPickItemKind.Separator },
        ...keys.metrics.flatMap((k) => [
          { label: `${k} ↑`, description: 'lowest first', order: [`metrics.\`${k}\` ASC`] },
          { label: `${k} ↓`, description: 'highest first', order: [`metrics.\`${k}\` DESC`] },
        ]),
        { label: 'Parameters', kind: vscode.QuickPickItemKind.Separator },
        ...keys.params.map((k) => ({ label: k, description: 'parameter, A→Z', order: [`params.\`${k}\` ASC`] })),
      ];
      const pick = await vscode.window.showQuickPick(items, { title: 'Sort Runs', matchOnDescription: true });
      if (!pick) throw new CancelledByUser();
      experiments.setRunQuery({ ...experiments.runQuery, orderBy: pick.order });
    }),
    registerCommand(s, Commands.showDeletedExperiments, () => {
      experiments.setShowDeleted(true);
      void vscode.commands.executeCommand('setContext', ContextKeys.showDeleted, true);
    }),
    registerCommand(s, Commands.hideDeletedExperiments, () => {
      experiments.setShowDeleted(false);
      void vscode.commands.executeCommand('setContext', ContextKeys.showDeleted, false);
    }),
    registerCommand(s, Commands.revealRun, async (runIdArg?: unknown) => {
      let runId = typeof runIdArg === 'string' ? runIdArg : undefined;
      if (!runId) {
        runId = await vscode.window.showInputBox({
          title: 'Reveal Run by ID',
          prompt: 'The run ID, or its first 8 or more characters',
          validateInput: (v) => (/^[0-9a-fA-F]{8,32}$/.test(v.trim()) ? undefined : 'A run ID has 32 hexadecimal characters; its first 8 or more are enough.'),
        });
        if (!runId) throw new CancelledByUser();
      }
      const wanted = runId.trim().toLowerCase();
      let lastError: unknown;
      for (const conn of connections.all()) {
        if (conn.state.name !== 'connected') continue;
        try {
          const id = wanted.length < 32 && /^[0-9a-f]+$/.test(wanted) ? await runIdByPrefix(conn.state.store, wanted) : wanted;
          const node = await experiments.nodeForRun(conn, id);
          await revealRunNode(s.experimentsView, node, { focus: true });
          return node.run;
        } catch (e) {
          lastError = e;
        }
      }
      if (isTrackingError(lastError) && lastError.kind !== 'notFound') throw lastError;
      throw new TrackingError('notFound', `No run with ID ${wanted}${wanted.length < 32 ? '…' : ''} in the connected tracking stores.`);
    }),
  ];
}

/** Reveals and selects a run's node. A refresh may be under way (a run fetched out of band was just added): retries briefly. */
export async function revealRunNode(view: vscode.TreeView<Node>, node: Node, o: { focus: boolean; expand?: boolean }): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await view.reveal(node, { select: true, focus: o.focus, expand: o.expand ?? false });
      await new Promise((r) => setTimeout(r, 150));
      if (view.selection.some((n) => n.id === node.id) || attempt >= 6) return;
    } catch (e) {
      if (attempt >= 6) throw e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
