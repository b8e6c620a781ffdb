// Messages between the CSV/TSV table editor (src/artifacts/tableEditor.ts) and media/artifactTable.ts.
// No `vscode` import: media/ imports the types.
import { messageParser } from '../webviews/validate';

export interface TableData {
  name: string;
  header: string[];
  rows: string[][];
  truncated: boolean;
  /** One line under the table: "first 5,000 rows of 12 MB", or ''. */
  note: string;
}

export type TableToWebview = { type: 'table'; data: TableData } | { type: 'error'; message: string };
export type TableFromWebview = { type: 'ready' };

export const parseTableMessage = messageParser<TableFromWebview>({ ready: {} });

/** What the webview keeps with getState/setState: the sorted column. */
export interface TableState {
  sortCol?: number;
  descending?: boolean;
}
