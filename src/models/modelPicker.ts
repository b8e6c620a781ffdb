// "Which model?" for the palette: registered versions and aliases, MLflow 3 logged models and runs that
// logged a model (from the connected store), folders in the workspace that hold an MLmodel file, a folder
// chosen on disk, or a typed URI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { aliasUri, loggedModelUri, versionUri } from '../artifacts/modelUris';
import { modelUris } from '../explorer/runCommands';
import type { Connection } from '../connection/connection';
import type { Log } from '../log';
import type { Prompter } from '../core/prompter';

type Item = vscode.QuickPickItem & { uri?: string; action?: 'browse' | 'type' };

const sep = (label: string): Item => ({ label, kind: vscode.QuickPickItemKind.Separator });

async function storeItems(conn: Connection | undefined, log: Log): Promise<Item[]> {
  if (!conn) return [];
  let store;
  try {
    store = await conn.store();
  } catch (e) {
    log.warn(`[models] picker: no store (${e instanceof Error ? e.message : String(e)})`);
    return [];
  }
  const out: Item[] = [];
  const registered: Item[] = [];
  try {
    const rms = (await store.searchRegisteredModels({ maxResults: 200 })).items;
    for (const m of rms) {
      for (const a of m.aliases) registered.push({ label: `$(bookmark) ${aliasUri(m.name, a.alias)}`, uri: aliasUri(m.name, a.alias), description: `alias → version ${a.version}` });
      for (const v of [...m.latestVersions].sort((a, b) => Number(b.version) - Number(a.version))) {
        registered.push({ label: `$(versions) ${versionUri(m.name, v.version)}`, uri: versionUri(m.name, v.version), description: [v.currentStage && v.currentStage !== 'None' ? v.currentStage : '', v.status !== 'READY' ? v.status : ''].filter(Boolean).join(' · ') || undefined });
      }
    }
  } catch (e) {
    log.warn(`[models] picker: registered models unavailable (${e instanceof Error ? e.message : String(e)})`);
  }
  if (registered.length) out.push(sep('Registered models'), ...registered);
  let experiments: { experimentId: string; name: string }[] = [];
  try {
    experiments = (await store.searchExperiments({ maxResults: 200 })).items;
  } catch {
    experiments = [];
  }
  const expName = new Map(experiments.map((e) => [e.experimentId, e.name]));
  const ids = experiments.map((e) => e.experimentId);
  if (ids.length) {
    try {
      const lms = (await store.searchLoggedModels({ experimentIds: ids, maxResults: 100 })).items;
      if (lms.length) out.push(sep('Logged models'));
      for (const lm of lms) {
        const i = lm.info;
        out.push({ label: `$(package) ${loggedModelUri(i.modelId)}`, uri: loggedModelUri(i.modelId), description: i.name, detail: `${expName.get(i.experimentId) ?? i.experimentId}${i.sourceRunId ? ` · run ${i.sourceRunId.slice(0, 8)}` : ''}` });
      }
    } catch {
      // MLflow 2 stores have no logged models
    }
    try {
      const runs = (await store.searchRuns({ experimentIds: ids, maxResults: 200, orderBy: ['attributes.start_time DESC'] })).items;
      const withModel: Item[] = [];
      for (const r of runs) {
        for (const uri of modelUris(r).filter((u) => u.startsWith('runs:/'))) {
          withModel.push({ label: `$(beaker) ${uri}`, uri, description: r.info.runName, detail: expName.get(r.info.experimentId) });
        }
      }
      if (withModel.length) out.push(sep('Runs with a model'), ...withModel);
    } catch (e) {
      log.warn(`[models] picker: runs unavailable (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return out;
}

async function workspaceModelFolders(): Promise<Item[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  const files = await vscode.workspace.findFiles('**/MLmodel', '**/{node_modules,.git,.venv,venv}/**', 50);
  return files.map((f) => {
    const dir = path.dirname(f.fsPath);
    return { label: `$(folder) ${vscode.workspace.asRelativePath(dir)}`, uri: dir, description: 'folder with MLmodel' };
  });
}

/** Asks for a model; undefined when cancelled. */
export async function pickModel(ui: Prompter, conn: Connection | undefined, log: Log, opts: { id: string; title: string; recent?: string }): Promise<string | undefined> {
  const load = async (): Promise<Item[]> => {
    const [fromStore, local] = await Promise.all([storeItems(conn, log), workspaceModelFolders().catch(() => [])]);
    const head: Item[] = [];
    if (opts.recent) head.push({ label: `$(history) ${opts.recent}`, uri: opts.recent, description: 'last used' });
    head.push({ label: '$(folder-opened) Local folder holding MLmodel…', action: 'browse' }, { label: '$(edit) Enter a model URI…', action: 'type' });
    return [...head, ...fromStore, ...(local.length ? [sep('Workspace folders with MLmodel'), ...local] : [])];
  };
  const pick = await ui.pick(load(), { id: opts.id, title: opts.title, placeHolder: 'A registered version or alias, a logged model, a run, or a local folder', matchOnDescription: true, matchOnDetail: true });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  if (pick.action === 'browse') {
    const uris = await ui.open({ id: `${opts.id}.browse`, canSelectFolders: true, canSelectFiles: false, title: 'Folder holding an MLmodel file', defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri });
    const dir = uris?.[0]?.fsPath;
    if (!dir) return undefined;
    if (!fs.existsSync(path.join(dir, 'MLmodel'))) {
      await ui.notify('error', `MLflow: ${dir} holds no MLmodel file, so it is not an MLflow model folder.`, { id: `${opts.id}.notModel` });
      return undefined;
    }
    return dir;
  }
  const typed = await ui.input({
    id: `${opts.id}.uri`,
    title: opts.title,
    prompt: 'runs:/<run_id>/<path>, models:/<name>/<version>, models:/<name>@<alias>, models:/m-<id> or a folder',
    validateInput: (t) => (t.trim() === '' ? 'Enter a model URI.' : /[\r\n\0]/.test(t) ? 'No line breaks.' : undefined),
  });
  return typed?.trim() || undefined;
}
