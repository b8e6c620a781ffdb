// The only place webview HTML is built: a strict CSP, one nonce'd external script, the panel's
// stylesheets, and NO data (everything arrives by postMessage after the webview says 'ready').
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { escapeHtml } from './escape';

/** Where webview assets may be loaded from: the bundled scripts and the stylesheets. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: localResourceRoots(extensionUri), enableFindWidget: true };
}

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export interface ShellOptions {
  /** Id of the element the script renders into. */
  rootId?: string;
  /** Also load media/webview.css (the styles the run details and plots share). */
  sharedCss?: boolean;
}

/** The page of media entry `name`: dist/webview/<name>.js and media/<name>.css, no data. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: string, title: string, opts: ShellOptions = {}): string {
  const { rootId = 'app', sharedCss = true } = opts;
  const n = nonce();
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; '); // constants, an alphanumeric nonce and VS Code's cspSource: no quote to escape
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${sharedCss ? `<link rel="stylesheet" href="${escapeHtml(asset('media', 'webview.css'))}">\n` : ''}<link rel="stylesheet" href="${escapeHtml(asset('media', `${name}.css`))}">
<title>${escapeHtml(title)}</title>
</head>
<body>
${rootId === 'app' ? '<main id="app" aria-busy="true"><p class="loading">Loading…</p></main>' : `<div id="${escapeHtml(rootId)}" class="loading">Loading…</div>`}
<script nonce="${n}" src="${escapeHtml(asset('dist', 'webview', `${name}.js`))}"></script>
</body>
</html>`;
}

/** CSP of the HTML artifact preview: nothing loads or runs; images and styles only from data: URIs. */
export const SANDBOX_CSP = "default-src 'none'; img-src data:; style-src data:; font-src data:; media-src data:; form-action 'none'; frame-src 'none'";

/**
 * Untrusted HTML shown as is but inert: a CSP meta tag goes first (before anything the file
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
