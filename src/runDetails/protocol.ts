// Messages between the run details panel (src/runDetails/runDetailsPanel.ts) and media/runDetails.ts.
// No `vscode` import: media/ imports the types.
import type { NoticeMessage } from '../webviews/messages';
import { isObject, messageParser, pos, str, strs } from '../webviews/validate';

export const RUN_DETAILS_VIEW_TYPE = 'mlflow.runDetails';

export interface LinkRun {
  runId: string;
  name: string;
  status: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface MetricRow {
  key: string;
  /** Formatted for display (NaN, +inf, -inf spelled out). */
  value: string;
  step: number;
  timestamp: number;
}

export interface ModelRow {
  /** models:/m-… or runs:/<id>/<path>. */
  uri: string;
  label: string;
  detail?: string;
}

export interface DatasetRow {
  name: string;
  digest: string;
  context?: string;
  source?: string;
}

export interface GitInfo {
  commit?: string;
  branch?: string;
  repoUrl?: string;
  /** https link to the commit (or the repository) on its web host. */
  webUrl?: string;
  webLabel?: string;
}

export interface SourceInfo {
  name?: string;
  type?: string;
  /** Set when the file exists in a workspace folder: the host can open it. */
  openable: boolean;
}

export interface ArtifactRow {
  path: string;
  isDir: boolean;
  size?: string;
}

export interface RunDetailsPayload {
  connKey: string;
  runId: string;
  name: string;
  experimentId: string;
  experimentName?: string;
  status: string;
  start: string;
  end: string;
  duration: string;
  user?: string;
  lifecycleStage: string;
  artifactUri: string;
  source: SourceInfo;
  git: GitInfo;
  parent?: LinkRun;
  children: LinkRun[];
  datasets: DatasetRow[];
  models: ModelRow[];
  registered: { name: string; version: string; status: string }[];
  params: KeyValue[];
  metrics: MetricRow[];
  tags: KeyValue[];
  /** Raw markdown of mlflow.note.content; the webview renders it with the safe renderer. */
  note?: string;
  /** True when the run's data can change (RUNNING); the host refreshes it. */
  live: boolean;
}

export type RunDetailsToWebview =
  | { type: 'runDetails'; details: RunDetailsPayload }
  | { type: 'artifacts'; path: string; files: ArtifactRow[]; error?: string }
  | NoticeMessage;

export type RunDetailsFromWebview =
  | { type: 'ready'; /** CSS pixel width of the page. */ width: number }
  | { type: 'refresh' }
  | { type: 'openRun'; runId: string }
  | { type: 'plotMetrics'; keys: string[] }
  | { type: 'openArtifact'; path: string }
  | { type: 'listArtifacts'; path: string }
  | { type: 'openSource' }
  | { type: 'openLink'; url: string }
  | { type: 'compareWorkingTree' }
  | { type: 'copy'; text: string };

export const parseRunDetailsMessage = messageParser<RunDetailsFromWebview>({
  ready: { width: pos },
  refresh: {},
  openRun: { runId: str },
  plotMetrics: { keys: strs },
  openArtifact: { path: str },
  listArtifacts: { path: str },
  openSource: {},
  openLink: { url: str },
  compareWorkingTree: {},
  copy: { text: str },
});

/** What the webview keeps with getState/setState, and what the panel serializer restores from. */
export interface RunDetailsState {
  view: 'runDetails';
  connKey: string;
  runId: string;
}

export function parseRunDetailsState(raw: unknown): RunDetailsState | undefined {
  if (!isObject(raw) || raw.view !== 'runDetails' || !str(raw.connKey) || !str(raw.runId)) return undefined;
  return { view: 'runDetails', connKey: raw.connKey as string, runId: raw.runId as string };
}
