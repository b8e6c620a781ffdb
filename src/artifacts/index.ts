// Artifacts and models: opening artifacts in VS Code's own editors (image preview, text, diff),
// the CSV table editor, the sandboxed HTML preview, the MLmodel panel and downloads.
// activate() calls registerArtifacts(services) once.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { ArtifactResolver } from './artifactFileSystem';
import { registerCompareCommands } from './compareCommands';
import { registerDownloadCommands } from './downloadCommands';
import { ModelPanels } from './modelPanel';
import { registerOpenCommands } from './openCommands';
import { TableEditorProvider } from './tableEditor';

export function registerArtifacts(services: Services): vscode.Disposable[] {
  const resolver = new ArtifactResolver(services.connections);
  const extensionUri = services.context.extensionUri;
  const models = new ModelPanels(extensionUri, resolver, services);
  return [
    models,
    TableEditorProvider.register(extensionUri, resolver, services),
    ...registerOpenCommands({ services, resolver, models }),
    ...registerCompareCommands(services),
    ...registerDownloadCommands(services),
  ];
}
