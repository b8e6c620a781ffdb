import * as vscode from 'vscode';
import { registerCommand } from '../core/command';
import { formatBytes } from '../core/format';
import type { Services } from '../services';
import type { ArtifactResolver } from './artifactFileSystem';
import { showHtmlPreview } from './htmlPreview';
import { artifactKind, type ArtifactKind } from './kinds';
import type { ModelPanels } from './modelPanel';
import { folderOf, modelUriForFolder } from './modelUris';
import { baseName, ownerLabel, refUri, requireArtifact, type ArtifactRef } from './refs';
import { TABLE_VIEW_TYPE } from './tableEditor';
import { Commands } from '../ids';

const EDITOR_LIMIT = 50 * 1024 * 1024;

export interface OpenDeps {
  services: Services;
  resolver: ArtifactResolver;
  models: ModelPanels;
}

/** Opens an artifact the way its kind reads best; returns what was opened (for tests). */
export async function openArtifact(d: OpenDeps, r: ArtifactRef, as?: ArtifactKind): Promise<ArtifactKind | 'download' | undefined> {
  if (r.file.isDir) return undefined;
  const uri = refUri(r);
  const kind = as ?? artifactKind(r.file.path);
  if ((r.file.fileSize ?? 0) > EDITOR_LIMIT && kind !== 'table' && kind !== 'html') {
    const pick = await vscode.window.showWarningMessage(
      `${baseName(r.file.path)} is ${formatBytes(r.file.fileSize)}, too large to open in an editor.`,
      { modal: true },
      'Download…',
    );
    if (pick === 'Download…') await vscode.commands.executeCommand(Commands.artifactsDownload, r);
    return 'download';
  }
  switch (kind) {
    case 'image':
      await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
      break;
    case 'table':
      await vscode.commands.executeCommand('vscode.openWith', uri, TABLE_VIEW_TYPE, { preview: true });
      break;
    case 'html':
      await showHtmlPreview(d.resolver, uri);
      break;
    case 'markdown':
      await vscode.commands.executeCommand('markdown.showPreview', uri);
      break;
    case 'mlmodel':
      d.models.show({ uri, modelUri: r.modelUri ?? modelUriForFolder(r.owner, folderOf(r.file.path)), title: `MLmodel · ${r.modelUri ? r.modelUri.replace(/^models:\//, '') : ownerLabel(r)}` });
      break;
    case 'text':
      await vscode.commands.executeCommand('vscode.open', uri, { preview: true });
      break;
  }
  return kind;
}

export function registerOpenCommands(d: OpenDeps): vscode.Disposable[] {
  const { log } = d.services;
  return [
    registerCommand(d.services, Commands.artifactsOpen, (n?: unknown) => openArtifact(d, requireArtifact(n))),
    registerCommand(d.services, Commands.artifactsOpenAsText, async (n?: unknown) => {
      const r = requireArtifact(n);
      await vscode.commands.executeCommand('vscode.openWith', refUri(r), 'default', { preview: true });
    }),
    registerCommand(d.services, Commands.artifactsOpenAsTable, (n?: unknown) => openArtifact(d, requireArtifact(n), 'table')),
    registerCommand(d.services, Commands.artifactsOpenPreview, (n?: unknown) => {
      const r = requireArtifact(n);
      return openArtifact(d, r, artifactKind(r.file.path) === 'markdown' ? 'markdown' : 'html');
    }),
    registerCommand(d.services, Commands.artifactsShowModel, async (n?: unknown) => {
      const r = requireArtifact(n);
      const file: ArtifactRef = r.file.isDir ? { ...r, file: { path: r.file.path ? `${r.file.path}/MLmodel` : 'MLmodel', isDir: false } } : r;
      return openArtifact(d, file, 'mlmodel');
    }),
  ];
}
