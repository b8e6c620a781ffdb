import * as vscode from 'vscode';
import { CancelledByUser, registerCommand } from '../core/command';
import type { Services } from '../services';
import { TrackingError } from '../tracking/errors';
import { runDisplayName } from '../core/format';
import { runsHoldingArtifact } from './otherRuns';
import { baseName, isArtifactRef, ownerLabel, refUri, requireArtifact, type ArtifactRef } from './refs';
import { Commands, ContextKeys } from '../ids';

export const COMPARE_CONTEXT_KEY = ContextKeys.artifactsHasCompareSelection;

interface Side {
  uri: vscode.Uri;
  label: string;
}

function side(n: unknown): Side {
  if (n instanceof vscode.Uri) return { uri: n, label: vscode.workspace.asRelativePath(n) };
  const r = requireArtifact(n);
  if (r.file.isDir) throw new TrackingError('invalidRequest', 'Pick files to compare, not folders.');
  return { uri: refUri(r), label: `${baseName(r.file.path)} · ${ownerLabel(r)}` };
}

export async function diff(left: Side, right: Side): Promise<void> {
  await vscode.commands.executeCommand('vscode.diff', left.uri, right.uri, `${left.label} ↔ ${right.label}`, { preview: true });
}

/** The same path in other runs of the run's experiment (the usual comparison). */
async function pickOtherRun(r: ArtifactRef): Promise<Side | undefined> {
  const store = await r.conn.store();
  const experimentId = r.run?.info.experimentId ?? (await store.getRun(r.owner.id)).info.experimentId;
  const page = await store.searchRuns({ experimentIds: [experimentId], maxResults: 200 });
  const others = page.items.filter((x) => x.info.runId !== r.owner.id);
  if (!others.length) throw new TrackingError('notFound', 'No other run in this experiment.');
  const { holding, lacking } = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Looking for ${r.file.path} in other runs…` },
    () => runsHoldingArtifact(store, others, r.file.path),
  );
  if (!holding.length) throw new TrackingError('notFound', `No other run in this experiment has ${r.file.path}. Use "A file on disk…" or "Select for Compare" to compare with another file.`);
  const pick = await vscode.window.showQuickPick(
    holding.map((run) => ({ label: runDisplayName(run), description: run.info.runId.slice(0, 8), detail: run.info.status.toLowerCase(), run })),
    {
      title: `Compare ${baseName(r.file.path)} with the same file of…`,
      placeHolder: lacking.length ? `${holding.length} of ${others.length} other runs have ${r.file.path}` : undefined,
      matchOnDescription: true,
    },
  );
  if (!pick) return undefined;
  const other: ArtifactRef = { ...r, owner: { type: 'run', id: pick.run.info.runId, rootUri: pick.run.info.artifactUri }, run: pick.run };
  return side(other);
}

export function registerCompareCommands(s: Services): vscode.Disposable[] {
  let selected: Side | undefined;
  const setSelected = (v: Side | undefined) => {
    selected = v;
    void vscode.commands.executeCommand('setContext', COMPARE_CONTEXT_KEY, !!v);
  };
  return [
    registerCommand(s, Commands.artifactsSelectForCompare, (n?: unknown) => {
      setSelected(side(n));
      vscode.window.setStatusBarMessage(`$(diff) Selected ${selected!.label} for compare`, 4000);
    }),
    registerCommand(s, Commands.artifactsCompareWithSelected, async (n?: unknown) => {
      if (!selected) throw new TrackingError('invalidRequest', 'First choose "Select for Compare" on another file.');
      await diff(selected, side(n));
    }),
    registerCommand(s, Commands.artifactsCompareSelected, async (n?: unknown, all?: unknown[]) => {
      const picked = (all && all.length ? all : [n]).filter(isArtifactRef).filter((r) => !r.file.isDir);
      if (picked.length !== 2) throw new TrackingError('invalidRequest', 'Select exactly two artifact files (Ctrl/Cmd+click) to compare them.');
      await diff(side(picked[0]), side(picked[1]));
    }),
    registerCommand(s, Commands.artifactsCompareWith, async (n?: unknown) => {
      const r = requireArtifact(n);
      const me = side(r);
      type Item = vscode.QuickPickItem & { id: 'run' | 'workspace' | 'selected' };
      const items: Item[] = [];
      if (r.owner.type === 'run') items.push({ id: 'run', label: '$(beaker) Same file in another run…' });
      items.push({ id: 'workspace', label: '$(file) A file on disk…' });
      if (selected && selected.uri.toString() !== me.uri.toString()) items.push({ id: 'selected', label: `$(diff) ${selected.label}`, description: 'selected for compare' });
      const pick = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: `Compare ${me.label} with…` });
      if (!pick) throw new CancelledByUser();
      let other: Side | undefined;
      if (pick.id === 'run') other = await pickOtherRun(r);
      else if (pick.id === 'selected') other = selected;
      else {
        const files = await vscode.window.showOpenDialog({
          canSelectMany: false,
          defaultUri: r.conn.folder?.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri,
          openLabel: 'Compare',
          title: `Compare ${me.label} with…`,
        });
        if (files?.[0]) other = side(files[0]);
      }
      if (!other) throw new CancelledByUser();
      await diff(me, other);
    }),
  ];
}
