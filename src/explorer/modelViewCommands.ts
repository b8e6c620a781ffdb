import * as vscode from 'vscode';
import { CancelledByUser, registerCommand } from '../core/command';
import type { Services } from '../services';
import { TrackingError } from '../tracking/errors';
import { validateRegisteredModelFilter } from '../tracking/search';
import { registryEquals } from '../tracking/search/print';
import type { ModelNode } from './modelsProvider';
import { aliasUri, loggedModelUri, modelUriForFolder, registeredModelUris, versionUris, type ModelUriChoice } from '../artifacts/modelUris';
import { isArtifactRef } from '../artifacts/refs';
import { Commands, ContextKeys } from '../ids';

export const MODEL_FILTER_CONTEXT_KEY = ContextKeys.modelsFilterActive;
const RECENT = 'mlflow.recentModelFilters';
const EXAMPLES = ["name LIKE '%classifier%'", "name = 'iris-classifier'", "tags.team = 'ml'", "name ILIKE 'IRIS%'"];

/** The model URIs a Models-view row (or an artifact folder) offers, best first. */
export async function modelUriChoices(node: unknown): Promise<ModelUriChoice[]> {
  if (isArtifactRef(node)) {
    const uri = node.modelUri ?? (node.file.isDir ? modelUriForFolder(node.owner, node.file.path) : undefined);
    return uri ? [{ uri, detail: 'model of this folder' }] : [];
  }
  const n = node as ModelNode | undefined;
  switch (n?.type) {
    case 'version':
      return versionUris(n.version);
    case 'alias':
      return [{ uri: aliasUri(n.modelName, n.alias), detail: `alias → version ${n.version}` }];
    case 'loggedModel':
      return [{ uri: loggedModelUri(n.model.info.modelId), detail: 'logged model' }];
    case 'registeredModel': {
      const store = await n.conn.store();
      const filter = registryEquals('name', n.model.name);
      const versions = filter ? (await store.searchModelVersions({ filter, maxResults: 1000 })).items.map((v) => v.version) : [];
      return registeredModelUris(n.model, versions);
    }
    default:
      return [];
  }
}

async function pickUri(node: unknown, title: string): Promise<string> {
  const choices = await modelUriChoices(node);
  if (!choices.length) throw new TrackingError('invalidRequest', 'Select a registered model, version, alias or logged model in the Models view.');
  if (choices.length === 1) return choices[0].uri;
  const pick = await vscode.window.showQuickPick(choices.map((c) => ({ label: c.uri, description: c.detail })), { title });
  if (!pick) throw new CancelledByUser();
  return pick.label;
}

export function registerModelViewCommands(s: Services): vscode.Disposable[] {
  const setContext = () => void vscode.commands.executeCommand('setContext', MODEL_FILTER_CONTEXT_KEY, !!s.models.filter);
  return [
    registerCommand(s, Commands.modelsCopyModelUri, async (node?: unknown) => {
      // first choice without asking: the version/alias/model URI itself
      const choices = await modelUriChoices(node);
      if (!choices.length) throw new TrackingError('invalidRequest', 'This row has no model URI.');
      const uri = choices.length === 1 || (node as ModelNode)?.type !== 'registeredModel' ? choices[0].uri : await pickUri(node, 'Copy Model URI');
      await vscode.env.clipboard.writeText(uri);
      vscode.window.setStatusBarMessage(`$(copy) Copied ${uri}`, 3000);
      return uri;
    }),
    registerCommand(s, Commands.modelsServe, async (node?: unknown) => {
      const modelUri = await pickUri(node, 'Serve which model URI?');
      return vscode.commands.executeCommand(Commands.serveModel, { modelUri });
    }),
    registerCommand(s, Commands.modelsPredict, async (node?: unknown) => {
      const modelUri = await pickUri(node, 'Predict with which model URI?');
      return vscode.commands.executeCommand(Commands.predictModel, { modelUri });
    }),
    registerCommand(s, Commands.modelsRevealSourceRun, async (node?: unknown) => {
      const n = node as ModelNode | undefined;
      const runId = n?.type === 'version' ? n.version.runId : n?.type === 'loggedModel' ? n.model.info.sourceRunId : n?.type === 'sourceRun' ? n.runId : undefined;
      if (!runId) throw new TrackingError('notFound', 'This model has no source run.');
      return vscode.commands.executeCommand(Commands.revealRun, runId);
    }),
    registerCommand(s, Commands.modelsFilter, async (arg?: unknown) => {
      let filter = typeof arg === 'string' ? arg : undefined;
      if (filter === undefined) {
        const recent = s.context.workspaceState.get<string[]>(RECENT, []);
        filter = await vscode.window.showInputBox({
          title: 'Filter Registered Models',
          prompt: "MLflow registered-model filter, e.g. name LIKE '%iris%' or tags.team = 'ml'. Empty clears the filter.",
          value: s.models.filter ?? recent[0] ?? '',
          placeHolder: EXAMPLES.join('   ·   '),
          validateInput: validateRegisteredModelFilter,
        });
        if (filter === undefined) throw new CancelledByUser();
        const f = filter.trim();
        if (f) await s.context.workspaceState.update(RECENT, [f, ...recent.filter((x) => x !== f)].slice(0, 10));
      }
      s.models.setFilter(filter);
      setContext();
    }),
    registerCommand(s, Commands.modelsClearFilter, () => {
      s.models.setFilter(undefined);
      setContext();
    }),
  ];
}
