// Messages between the metric plots panel (src/plots/plotsPanel.ts) and media/plots.ts.
// Metric series travel as Float64Arrays: VS Code transfers typed arrays as binary buffers, so NaN
// and ±Infinity survive (JSON would turn them into null). No `vscode` import: media/ imports types.
import type { NoticeMessage } from '../webviews/messages';
import { bool, bytes, isObject, messageParser, num, oneOf, pos, shape, str, strs } from '../webviews/validate';

export const PLOTS_VIEW_TYPE = 'mlflow.metricPlots';

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

export const DEFAULT_PLOT_OPTIONS: PlotOptions = {
  xAxis: 'step',
  logY: false,
  smoothing: 0,
  hideOutliers: false,
  layout: 'grid',
  allParams: false,
};

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

export type PlotsToWebview =
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
  | NoticeMessage;

export type PlotsFromWebview =
  | { type: 'ready'; /** CSS pixel width of one chart, for downsampling. */ width: number }
  | { type: 'requestSeries'; keys: string[]; width: number }
  | { type: 'requestRange'; requestId: number; key: string; start: number; end: number; width: number }
  | { type: 'exportCsv'; keys: string[] }
  | { type: 'exportPng'; name: string; data: Uint8Array }
  | { type: 'setOptions'; options: PlotOptions; selected: string[] }
  | { type: 'drawn'; ms: number; points: number; charts: number }
  | { type: 'openRun'; runId: string }
  | { type: 'copy'; text: string }
  | { type: 'refresh' };

const options = shape({
  xAxis: oneOf('step', 'wall', 'relative'),
  logY: bool,
  smoothing: (s) => num(s) && (s as number) >= 0 && (s as number) < 1,
  hideOutliers: bool,
  layout: oneOf('grid', 'overlay'),
  allParams: bool,
});

export const parsePlotsMessage = messageParser<PlotsFromWebview>({
  ready: { width: pos },
  requestSeries: { keys: strs, width: pos },
  requestRange: { requestId: num, key: str, start: num, end: num, width: pos },
  exportCsv: { keys: strs },
  exportPng: { name: str, data: bytes },
  setOptions: { options, selected: strs },
  drawn: { ms: num, points: num, charts: num },
  openRun: { runId: str },
  copy: { text: str },
  refresh: {},
});

/** What the webview keeps with getState/setState, and what the panel serializer restores from. */
export interface PlotsState {
  view: 'plots';
  connKey: string;
  runIds: string[];
  selected: string[];
  options: PlotOptions;
}

/** The persisted state, or undefined when it is not one the serializer knows. */
export function parsePlotsState(raw: unknown): PlotsState | undefined {
  if (!isObject(raw) || raw.view !== 'plots' || !str(raw.connKey) || !strs(raw.runIds) || !(raw.runIds as string[]).length) return undefined;
  return {
    view: 'plots',
    connKey: raw.connKey as string,
    runIds: raw.runIds as string[],
    selected: strs(raw.selected) ? (raw.selected as string[]) : [],
    options: options(raw.options) ? (raw.options as PlotOptions) : { ...DEFAULT_PLOT_OPTIONS },
  };
}
