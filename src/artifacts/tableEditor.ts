import * as vscode from 'vscode';
import { formatBytes } from '../core/format';
import { toTrackingError } from '../core/errors';
import { webviewHtml, webviewOptions } from '../webviews/html';
import { unhandled } from '../webviews/messages';
import { PanelController, type PanelDeps } from '../webviews/panel';
import type { ArtifactResolver } from './artifactFileSystem';
import { CSV_MAX_ROWS, CSV_PREVIEW_BYTES, decodeUtf8Head, delimiterFor, parseCsv } from './csv';
import { fileName, readHead } from './reader';
import { parseTableMessage, type TableData, type TableFromWebview, type TableToWebview } from './tableProtocol';

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

/** One open table: posts the parsed file when the webview is ready. */
class TablePanel extends PanelController<TableToWebview, TableFromWebview> {
  constructor(
    panel: vscode.WebviewPanel,
    deps: PanelDeps,
    private readonly resolver: ArtifactResolver,
    private readonly uri: vscode.Uri,
  ) {
    super(panel, deps, 'artifacts', parseTableMessage);
  }

  protected async handle(m: TableFromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        try {
          await this.post({ type: 'table', data: await loadTable(this.resolver, this.uri) });
        } catch (e) {
          const err = toTrackingError(e);
          this.log.error(`[artifacts] table ${this.uri.toString()}: ${err.userMessage}`);
          void this.post(this.errorMessage(err.userMessage));
        }
        return;
      default:
        unhandled(m.type);
    }
  }

  protected errorMessage(message: string): TableToWebview {
    return { type: 'error', message };
  }
}

/** Read-only table editor for CSV/TSV (artifacts, and any CSV via "Reopen Editor With…"). */
export class TableEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly resolver: ArtifactResolver,
    private readonly deps: PanelDeps,
  ) {}

  static register(extensionUri: vscode.Uri, resolver: ArtifactResolver, deps: PanelDeps): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(TABLE_VIEW_TYPE, new TableEditorProvider(extensionUri, resolver, deps), {
      supportsMultipleEditorsPerDocument: true,
    });
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    webview.options = webviewOptions(this.extensionUri);
    webview.html = webviewHtml(webview, this.extensionUri, 'artifactTable', fileName(document.uri), { rootId: 'root', sharedCss: false });
    new TablePanel(panel, this.deps, this.resolver, document.uri); // disposed with the editor
  }
}
