import * as crypto from 'node:crypto';
import * as vscode from 'vscode';

/** Options of our own script webviews: scripts on, resources only from dist/webview. */
export function scriptWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')] };
}

/** HTML shell for a bundled webview script (dist/webview/<name>.js + media/<name>.css); no data in it. */
export function scriptWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, name: string, title: string): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${name}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', `${name}.css`));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource} data:`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="root" class="loading">Loading…</div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
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
