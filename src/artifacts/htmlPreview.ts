import * as vscode from 'vscode';
import type { ArtifactResolver } from './artifactFileSystem';
import { decodeUtf8Head } from './csv';
import { fileName, readHead } from './reader';
import { escapeHtml } from '../webviews/escape';
import { sandboxedHtml } from '../webviews/html';

export const HTML_PREVIEW_TYPE = 'mlflow.htmlArtifact';
const MAX_HTML_BYTES = 10 * 1024 * 1024;

/** Shows an HTML artifact in a webview with scripts disabled and a CSP that loads nothing. */
export async function showHtmlPreview(resolver: ArtifactResolver, uri: vscode.Uri): Promise<vscode.WebviewPanel> {
  const name = fileName(uri);
  const { bytes, partial } = await readHead(resolver, uri, MAX_HTML_BYTES);
  const panel = vscode.window.createWebviewPanel(HTML_PREVIEW_TYPE, `${name} (preview)`, vscode.ViewColumn.Active, {
    enableScripts: false,
    enableForms: false,
    localResourceRoots: [],
  });
  const note = partial ? `<p><em>${escapeHtml(name)} is larger than 10 MB: showing its beginning.</em></p>` : '';
  panel.webview.html = sandboxedHtml(note + decodeUtf8Head(bytes, partial));
  return panel;
}
