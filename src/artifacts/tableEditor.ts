import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import type { Log } from '../log';
import { toTrackingError } from '../core/errors';
import type { ArtifactResolver } from './artifactFileSystem';
import { CSV_MAX_ROWS, CSV_PREVIEW_BYTES, decodeUtf8Head, delimiterFor, parseCsv } from './csv';
import type { TableData, TableFromWebview, TableToWebview } from './artifactProtocol';
import { fileName, readHead } from './reader';
import { scriptWebviewHtml, scriptWebviewOptions } from './webviewHtml';

export const TABLE_VIEW_TYPE = 'mlflow.artifactTable';

/** Reads the head of a CSV/TSV file (size guard) and parses it for the table. */
export async function loadTable(resolver: ArtifactResolver, uri: vscode.Uri, limit = CSV_PREVIEW_BYTES): Promise<TableData> {
  const name = fileName(uri);
  const { bytes, partial, size } = await readHead(resolver, uri, limit);
  const table = parseCsv(decodeUtf8Head(bytes, partial), { delimiter: delimiterFor(name), partial });
  const parts: string[] = [];
  if (table.truncated) {
    const of = size !== undefined ? ` of ${formatBytes(size)}` : '';
    parts.push(`Showing the first ${table.rows.length.toLocaleString('en-US')} rows${partial ? ` (first ${formatBytes(limit)}${of})` : ` (at most ${CSV_MAX_ROWS.toLocaleString('en-US')})`}.`);
  }
  return { name, header: table.header, rows: table.rows, truncated: table.truncated, note: parts.join(' ') };
}

/** Read-only table editor for CSV/TSV (artifacts, and any CSV via "Reopen Editor With…"). */
export class TableEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly resolver: ArtifactResolver,
    private readonly log: Log,
  ) {}

  static register(extensionUri: vscode.Uri, resolver: ArtifactResolver, log: Log): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(TABLE_VIEW_TYPE, new TableEditorProvider(extensionUri, resolver, log), {
      supportsMultipleEditorsPerDocument: true,
    });
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    webview.options = scriptWebviewOptions(this.extensionUri);
    webview.html = scriptWebviewHtml(webview, this.extensionUri, 'artifactTable', fileName(document.uri));
    const post = (m: TableToWebview) => void webview.postMessage(m);
    const sub = webview.onDidReceiveMessage(async (m: TableFromWebview) => {
      switch (m.type) {
        case 'ready':
          try {
            post({ type: 'table', data: await loadTable(this.resolver, document.uri) });
          } catch (e) {
            const err = toTrackingError(e);
            this.log.error(`[artifacts] table ${document.uri.toString()}: ${err.userMessage}`);
            post({ type: 'error', message: err.userMessage });
          }
          break;
      }
    });
    panel.onDidDispose(() => sub.dispose());
  }
}
