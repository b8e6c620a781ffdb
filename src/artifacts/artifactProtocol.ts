// Messages between the artifact webviews (media/artifactTable.ts, media/artifactModel.ts) and the
// host. Type-only: both sides import it; every switch over them is exhaustive.
import type { MlmodelSummary } from './mlmodel';

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

export interface ModelData {
  title: string;
  /** What Serve / Predict / Copy hand over; undefined when the folder has no model URI. */
  modelUri?: string;
  summary: MlmodelSummary;
  requirements?: string[];
  inputExample?: { path: string; text: string; truncated: boolean };
}

export type ModelToWebview = { type: 'model'; data: ModelData } | { type: 'error'; message: string };
export type ModelFromWebview =
  | { type: 'ready' }
  | { type: 'serve' }
  | { type: 'predict' }
  | { type: 'copyUri' }
  | { type: 'openSource' };
