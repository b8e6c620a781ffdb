import type * as vscode from 'vscode';
import { webviewHtml, webviewOptions } from '../webviews/html';

/** Options of our own script webviews: scripts on, resources only from dist/webview and media. */
export function scriptWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return webviewOptions(extensionUri);
}

/** HTML shell for a bundled webview script (dist/webview/<name>.js + media/<name>.css); no data in it. */
export function scriptWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: 'artifactTable' | 'artifactModel', title: string): string {
  return webviewHtml(webview, extensionUri, name, title, { rootId: 'root', sharedCss: false });
}

/** CSP of the HTML artifact preview: nothing loads or runs; images and styles only from data: URIs. */
export const SANDBOX_CSP = "default-src 'none'; img-src data:; style-src data:; font-src data:; media-src data:; form-action 'none'; frame-src 'none'";

/**
 * An HTML artifact, shown as is but inert: a CSP meta tag goes first (before anything the file
 * says), and the webview has scripts disabled, so <script>, event handlers, remote images,
 * iframes and forms do nothing.
 */
export function sandboxedHtml(content: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${SANDBOX_CSP}">`;
  // Any CSP meta of the file itself can only narrow ours further; a <base> cannot load anything.
  return `<!DOCTYPE html><html><head>${meta}<meta charset="UTF-8"></head><body>${stripDoctype(content)}</body></html>`;
}

function stripDoctype(s: string): string {
  return s.replace(/^\uFEFF?\s*<!doctype[^>]*>/i, '');
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
