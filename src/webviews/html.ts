// The only place webview HTML is built: a strict CSP, one nonce'd external script, the panel's
// stylesheets, and NO data (everything arrives by postMessage after the webview says 'ready').
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export type WebviewName = 'plots' | 'runDetails' | 'artifactTable' | 'artifactModel' | 'runsTable';

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

const escapeAttr = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ShellOptions {
  /** Id of the element the script renders into. */
  rootId?: string;
  /** Also load media/webview.css (the styles the run details and plots share). */
  sharedCss?: boolean;
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: WebviewName, title: string, opts: ShellOptions = {}): string {
  const { rootId = 'app', sharedCss = true } = opts;
  const n = nonce();
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${n}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${sharedCss ? `<link rel="stylesheet" href="${escapeAttr(asset('media', 'webview.css'))}">\n` : ''}<link rel="stylesheet" href="${escapeAttr(asset('media', `${name}.css`))}">
<title>${escapeAttr(title)}</title>
</head>
<body>
${rootId === 'app' ? '<main id="app" aria-busy="true"><p class="loading">Loading…</p></main>' : `<div id="${escapeAttr(rootId)}" class="loading">Loading…</div>`}
<script nonce="${n}" src="${escapeAttr(asset('dist', 'webview', `${name}.js`))}"></script>
</body>
</html>`;
}
