import * as vscode from 'vscode';
import type { Services } from '../services';
import type { Connection } from '../connection/connection';
import { TrackingError } from '../tracking/errors';
import { NOTE_TAG, LOG_MODEL_HISTORY_TAG, type Run } from '../tracking/types';
import { noteUri } from './noteFileSystem';
import { isNode, type Node, type NodeOf } from './nodes';
import { runDisplayName } from '../core/format';
import { loggedModelUri, runArtifactModelUri } from '../artifacts/modelUris';
import { CancelledByUser, registerCommand } from '../core/command';
import { Commands } from '../ids';

/** Runs shown outside the tree (the runs table) for Delete Run / Restore Run. */
export interface RunsRef {
  connKey: string;
  runs: Run[];
}

/** Commands on runs and their rows: copy, open, delete/restore, rename, tags and notes. */
export function registerRunCommands(s: Services): vscode.Disposable[] {
  const { log, experiments } = s;
  const selectedRuns = (node: Node | undefined, all: Node[] | undefined): NodeOf<'run'>[] => {
    const nodes = all && all.length ? all : node ? [node] : [];
    return nodes.filter((n): n is NodeOf<'run'> => isNode(n, 'run'));
  };
  /** Tree rows, or runs another view shows (the runs table): `{ connKey, runs }`. */
  const targetRuns = (arg: Node | RunsRef | undefined, all: Node[] | undefined): { conn: Connection; run: Run }[] => {
    if (arg && 'runs' in arg && 'connKey' in arg) {
      const conn = s.connections.get(arg.connKey);
      if (!conn) throw new TrackingError('invalidRequest', 'That tracking store is no longer connected; open the runs table again.');
      return arg.runs.map((run) => ({ conn, run }));
    }
    return selectedRuns(arg, all);
  };
  const requireRun = (node: Node | undefined): NodeOf<'run'> => {
    if (!isNode(node, 'run')) throw new TrackingError('invalidRequest', 'Select a run in the MLflow explorer first.');
    return node;
  };
  const copy = async (text: string, what: string) => {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(copy) Copied ${what}`, 3000);
  };

  return [
    registerCommand(s, Commands.copyRunId, async (node?: Node, all?: Node[]) => {
      const runs = selectedRuns(node, all);
      if (!runs.length) throw new TrackingError('invalidRequest', 'Select a run in the MLflow explorer first.');
      await copy(runs.map((r) => r.run.info.runId).join('\n'), runs.length > 1 ? `${runs.length} run IDs` : 'run ID');
    }),
    registerCommand(s, Commands.copyExperimentId, async (node?: Node) => {
      if (!isNode(node, 'experiment')) return;
      await copy(node.experiment.experimentId, 'experiment ID');
    }),
    registerCommand(s, Commands.copyArtifactUri, async (node?: Node) => {
      if (isNode(node, 'artifact')) await copy(`${node.owner.rootUri.replace(/\/$/, '')}/${node.file.path}`, 'artifact URI');
      else await copy(requireRun(node).run.info.artifactUri, 'artifact URI');
    }),
    registerCommand(s, Commands.copyModelUri, async (node?: Node) => {
      const uris = modelUris(requireRun(node).run);
      if (!uris.length) throw new TrackingError('notFound', 'This run has no logged model.');
      const pick = uris.length === 1 ? uris[0] : await vscode.window.showQuickPick(uris, { title: 'Copy Model URI' });
      if (pick) await copy(pick, 'model URI');
    }),
    registerCommand(s, Commands.copyText, async (text?: unknown) => {
      if (typeof text === 'string') await copy(text, text.length > 40 ? 'text' : text);
    }),
    registerCommand(s, Commands.copyValue, async (node?: Node) => {
      if (isNode(node, 'param') || isNode(node, 'tag')) await copy(node.item.value, `${node.item.key}`);
      else if (isNode(node, 'metric')) await copy(String(node.item.value), `${node.item.key}`);
    }),
    registerCommand(s, Commands.openInBrowser, async (node?: Node) => {
      const conn = node?.conn;
      const base = conn?.resolved?.kind === 'rest' ? conn.resolved.url ?? conn.resolved.uri : undefined;
      if (!base) throw new TrackingError('unsupported', 'The MLflow web UI is only available for tracking servers (http:// or https:// tracking URIs).');
      let path = '#/';
      if (isNode(node, 'experiment')) path = `#/experiments/${encodeURIComponent(node.experiment.experimentId)}`;
      else if (isNode(node, 'run')) path = `#/experiments/${encodeURIComponent(node.run.info.experimentId)}/runs/${node.run.info.runId}`;
      await vscode.env.openExternal(vscode.Uri.parse(`${base.replace(/\/$/, '')}/${path}`));
    }),
    registerCommand(s, Commands.deleteRun, async (node?: Node | RunsRef, all?: Node[]) => {
      const runs = targetRuns(node, all).filter((r) => r.run.info.lifecycleStage !== 'deleted');
      if (!runs.length) return;
      const names = runs.slice(0, 5).map((r) => `“${runDisplayName(r.run)}”`).join(', ') + (runs.length > 5 ? ` and ${runs.length - 5} more` : '');
      const ok = await vscode.window.showWarningMessage(
        `Delete ${runs.length === 1 ? 'run' : `${runs.length} runs`} ${names}?`,
        { modal: true, detail: 'Deleted runs can be restored until garbage collection (mlflow gc, or "MLflow: Garbage-Collect Deleted Runs…") removes them for good.' },
        'Delete',
      );
      if (ok !== 'Delete') return;
      for (const r of runs) {
        await (await r.conn.store()).deleteRun(r.run.info.runId);
        log.info(`[runs] deleted run ${r.run.info.runId}`);
      }
      experiments.refresh();
    }),
    registerCommand(s, Commands.restoreRun, async (node?: Node | RunsRef, all?: Node[]) => {
      const runs = targetRuns(node, all).filter((r) => r.run.info.lifecycleStage === 'deleted');
      for (const r of runs) {
        await (await r.conn.store()).restoreRun(r.run.info.runId);
        log.info(`[runs] restored run ${r.run.info.runId}`);
      }
      experiments.refresh();
    }),
    registerCommand(s, Commands.renameRun, async (node?: Node) => {
      const r = requireRun(node);
      const name = await vscode.window.showInputBox({
        title: 'Rename Run',
        value: runDisplayName(r.run),
        validateInput: (v) => (v.trim() === '' ? 'A run name cannot be empty.' : v.length > 250 ? 'At most 250 characters.' : undefined),
      });
      if (name === undefined) throw new CancelledByUser();
      await (await r.conn.store()).renameRun(r.run.info.runId, name.trim());
      experiments.refresh();
    }),
    registerCommand(s, Commands.setTag, async (node?: Node) => {
      const r = requireRun(node);
      const key = await vscode.window.showInputBox({ title: 'Set Tag: key', prompt: `On run ${runDisplayName(r.run)}`, validateInput: validateTagKey });
      if (key === undefined) throw new CancelledByUser();
      const current = r.run.data.tags.find((t) => t.key === key)?.value ?? '';
      const value = await vscode.window.showInputBox({ title: `Set Tag: value of ${key}`, value: current });
      if (value === undefined) throw new CancelledByUser();
      await (await r.conn.store()).setRunTag(r.run.info.runId, key, value);
      experiments.refresh();
    }),
    registerCommand(s, Commands.deleteTag, async (node?: Node) => {
      if (!isNode(node, 'tag')) return;
      const ok = await vscode.window.showWarningMessage(`Delete tag “${node.item.key}” from run “${runDisplayName(node.run)}”?`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return;
      await (await node.conn.store()).deleteRunTag(node.run.info.runId, node.item.key);
      experiments.refresh();
    }),
    registerCommand(s, Commands.editNote, async (node?: Node) => {
      const r = requireRun(node);
      const doc = await vscode.workspace.openTextDocument(noteUri(r.conn.key, r.run.info.runId, runDisplayName(r.run)));
      await vscode.window.showTextDocument(doc, { preview: false });
      vscode.window.setStatusBarMessage(`Editing the note of ${runDisplayName(r.run)} (${NOTE_TAG}); save to store it in MLflow`, 5000);
    }),
    registerCommand(s, Commands.loadMoreRuns, async (node?: Node) => {
      if (isNode(node, 'loadMore')) await experiments.loadMore(node);
    }),
  ];
}

function validateTagKey(key: string): string | undefined {
  if (!key) return 'Enter a key.';
  if (key.length > 250) return 'Tag keys have at most 250 characters.';
  if (!/^[\w\-. /:]+$/.test(key)) return 'Use letters, digits, spaces and _ - . / : only.';
  if (key.startsWith('/') || key.includes('//') || key.split('/').includes('..')) return 'A key cannot start with /, contain // or .. segments.';
  return undefined;
}

/** runs:/ and models:/ URIs for the models a run logged (2.x history tag, 3.x outputs). */
export function modelUris(run: Run): string[] {
  const out = new Set<string>();
  for (const o of run.outputs.modelOutputs) out.add(loggedModelUri(o.modelId));
  const hist = run.data.tags.find((t) => t.key === LOG_MODEL_HISTORY_TAG)?.value;
  if (hist) {
    try {
      for (const m of JSON.parse(hist) as { artifact_path?: string }[]) if (m.artifact_path) out.add(runArtifactModelUri(run.info.runId, m.artifact_path));
    } catch {
      // an unreadable history tag adds nothing
    }
  }
  return [...out];
}
