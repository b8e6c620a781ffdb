// The one contract between the extension host and its webviews (run details, metric plots).
// Both sides import these types; media/*.ts import TYPES ONLY from here (plus the pure validator
// is used by the host). Metric series travel as Float64Arrays: VS Code (engines ≥ 1.57) transfers
// typed arrays as binary buffers, so NaN and ±Infinity survive (JSON would turn them into null).
// No `vscode` import in this file.

export const ViewTypes = {
  runDetails: 'mlflow.runDetails',
  plots: 'mlflow.metricPlots',
} as const;

// ---------------------------------------------------------------- shared shapes

export type XAxis = 'step' | 'wall' | 'relative';
export type Layout = 'grid' | 'overlay';

/** Options of the plots panel that the webview keeps in its state and restores after a reload. */
export interface PlotOptions {
  xAxis: XAxis;
  logY: boolean;
  /** 0 (off) … 0.99: EMA weight. */
  smoothing: number;
  hideOutliers: boolean;
  layout: Layout;
  /** Show every parameter in the compare table, not only the differing ones. */
  allParams: boolean;
}

export interface SeriesPayload {
  runId: string;
  key: string;
  steps: Float64Array;
  values: Float64Array;
  timestamps: Float64Array;
  /** Points in the full history (or in the requested range). */
  total: number;
  /** True when points were dropped to fit the chart's width. */
  sampled: boolean;
}

export interface PlotRun {
  runId: string;
  name: string;
  status: string;
  startTime?: number;
  endTime?: number;
  /** Stable index into the colour palette (order of the runs in the panel). */
  colorIndex: number;
}

export interface ParamRow {
  key: string;
  /** One value per run, in the order of `runs`; undefined when a run lacks the param. */
  values: (string | null)[];
  differs: boolean;
}

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

// ---------------------------------------------------------------- host → webview

export type HostToWebview =
  | { type: 'runDetails'; details: RunDetailsPayload }
  | { type: 'artifacts'; path: string; files: ArtifactRow[]; error?: string }
  | {
      type: 'plotInit';
      connKey: string;
      title: string;
      runs: PlotRun[];
      keys: string[];
      selected: string[];
      params: ParamRow[];
      options: PlotOptions;
      live: boolean;
    }
  /** Data of one metric for every run. `range` is set when it answers a zoom request. */
  | { type: 'series'; key: string; requestId?: number; range?: { start: number; end: number }; series: SeriesPayload[] }
  /** New points of a RUNNING run (live). */
  | { type: 'append'; key: string; series: SeriesPayload[] }
  | { type: 'runStatus'; runs: { runId: string; status: string; endTime?: number }[]; live: boolean }
  /** Show these metrics (a command asked for them while the panel was open). */
  | { type: 'select'; keys: string[] }
  | { type: 'notice'; level: 'info' | 'warning' | 'error'; message: string };

// ---------------------------------------------------------------- webview → host

export type WebviewToHost =
  | { type: 'ready'; /** CSS pixel width of one chart, for downsampling. */ width: number }
  | { type: 'requestSeries'; keys: string[]; width: number }
  | { type: 'requestRange'; requestId: number; key: string; start: number; end: number; width: number }
  | { type: 'exportCsv'; keys: string[] }
  | { type: 'exportPng'; name: string; data: Uint8Array }
  | { type: 'setOptions'; options: PlotOptions; selected: string[] }
  | { type: 'drawn'; ms: number; points: number; charts: number }
  | { type: 'openRun'; runId: string }
  | { type: 'plotMetrics'; keys: string[] }
  | { type: 'openArtifact'; path: string }
  | { type: 'listArtifacts'; path: string }
  | { type: 'openSource' }
  | { type: 'openLink'; url: string }
  | { type: 'compareWorkingTree' }
  | { type: 'copy'; text: string }
  | { type: 'refresh' };

export type WebviewMessageType = WebviewToHost['type'];

// ---------------------------------------------------------------- validation (host boundary)

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string' && v.length <= 100_000;
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const pos: Check = (v) => num(v) && (v as number) > 0 && (v as number) <= 100_000;
const bool: Check = (v) => typeof v === 'boolean';
const strs: Check = (v) => Array.isArray(v) && v.length <= 10_000 && v.every(str);
const bytes: Check = (v) => v instanceof Uint8Array && v.byteLength <= 64 * 1024 * 1024;
const oneOf =
  (...xs: string[]): Check =>
  (v) =>
    typeof v === 'string' && xs.includes(v);
const options: Check = (v) =>
  isObject(v) &&
  fields(v, {
    xAxis: oneOf('step', 'wall', 'relative'),
    logY: bool,
    smoothing: (s) => num(s) && (s as number) >= 0 && (s as number) < 1,
    hideOutliers: bool,
    layout: oneOf('grid', 'overlay'),
    allParams: bool,
  });

const SCHEMAS: { [T in WebviewMessageType]: Record<string, Check> } = {
  ready: { width: pos },
  requestSeries: { keys: strs, width: pos },
  requestRange: { requestId: num, key: str, start: num, end: num, width: pos },
  exportCsv: { keys: strs },
  exportPng: { name: str, data: bytes },
  setOptions: { options, selected: strs },
  drawn: { ms: num, points: num, charts: num },
  openRun: { runId: str },
  plotMetrics: { keys: strs },
  openArtifact: { path: str },
  listArtifacts: { path: str },
  openSource: {},
  openLink: { url: str },
  compareWorkingTree: {},
  copy: { text: str },
  refresh: {},
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every schema field passes and there is no field the schema does not know. */
function fields(o: Record<string, unknown>, schema: Record<string, Check>, extra: string[] = []): boolean {
  // own keys only: `k in schema` would accept inherited names (__proto__, constructor, toString…) as known fields
  for (const k of Object.keys(o)) if (!Object.prototype.hasOwnProperty.call(schema, k) && !extra.includes(k)) return false;
  return Object.entries(schema).every(([k, check]) => check(o[k]));
}

/** The message as a WebviewToHost, or undefined when its shape is unknown (the caller logs and drops it). */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isObject(raw) || typeof raw.type !== 'string' || !Object.prototype.hasOwnProperty.call(SCHEMAS, raw.type)) return undefined;
  const schema = SCHEMAS[raw.type as WebviewMessageType];
  return fields(raw, schema, ['type']) ? (raw as WebviewToHost) : undefined;
}

/** Only http(s) URLs leave the webview for the browser. */
export function isWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export const DEFAULT_PLOT_OPTIONS: PlotOptions = {
  xAxis: 'step',
  logY: false,
  smoothing: 0,
  hideOutliers: false,
  layout: 'grid',
  allParams: false,
};

/** What a webview keeps with getState/setState, and what the panel serializer restores from. */
export type PersistedState =
  | { view: 'runDetails'; connKey: string; runId: string }
  | { view: 'plots'; connKey: string; runIds: string[]; selected: string[]; options: PlotOptions };

/** The persisted state, or undefined when it is not one the serializer knows. */
export function parsePersistedState(raw: unknown): PersistedState | undefined {
  if (!isObject(raw)) return undefined;
  if (raw.view === 'runDetails' && str(raw.connKey) && str(raw.runId)) return { view: 'runDetails', connKey: raw.connKey as string, runId: raw.runId as string };
  if (raw.view === 'plots' && str(raw.connKey) && strs(raw.runIds) && (raw.runIds as string[]).length > 0) {
    return {
      view: 'plots',
      connKey: raw.connKey as string,
      runIds: raw.runIds as string[],
      selected: strs(raw.selected) ? (raw.selected as string[]) : [],
      options: options(raw.options) ? (raw.options as PlotOptions) : { ...DEFAULT_PLOT_OPTIONS },
    };
  }
  return undefined;
}
