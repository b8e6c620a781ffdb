// Messages between the MLmodel panel (src/artifacts/modelPanel.ts) and media/artifactModel.ts.
// No `vscode` import: media/ imports the types.
import { messageParser } from '../webviews/validate';
import type { MlmodelSummary } from './mlmodel';

export interface ModelData {
  title: string;
  /** What Serve / Predict / Copy hand over; undefined when the folder has no model URI. */
  modelUri?: string;
  summary: MlmodelSummary;
  requirements?: string[];
  inputExample?: { path: string; text: string; truncated: boolean };
}

export type ModelToWebview = { type: 'model'; data: ModelData } | { type: 'error'; message: string };
export type ModelFromWebview = { type: 'ready' } | { type: 'serve' } | { type: 'predict' } | { type: 'copyUri' } | { type: 'openSource' };

export const parseModelMessage = messageParser<ModelFromWebview>({ ready: {}, serve: {}, predict: {}, copyUri: {}, openSource: {} });
