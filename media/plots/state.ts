// The plots webview's state and what every part of it shares: the host connection, the runs and
// series received, the charts on screen, sizes and run colours.
import type uPlot from 'uplot';
import type { ParamRow, PlotOptions, PlotRun, PlotsFromWebview, PlotsState, PlotsToWebview, SeriesPayload } from '../../src/plots/protocol';
import { ensureContrast, runStyle } from '../../src/plots/plotMath';
import { cssVar } from '../lib/dom';
import { connectHost } from '../lib/host';

export const host = connectHost<PlotsFromWebview, PlotsToWebview, PlotsState>();
export const post = host.post;

const MIN_CHART_WIDTH = 420;
export const CHART_HEIGHT = 260;
export const TABLE_ROWS = 500;
/** Half-size of the NaN / ±∞ markers, in CSS pixels. */
export const MARKER = 7;

export interface Line {
  label: string;
  colorIndex: number;
  runId: string;
  key: string;
  data: SeriesPayload;
  runStart: number;
}

export interface ChartView {
  id: string;
  /** Metric keys drawn in this chart (one, or several in overlay). */
  keys: string[];
  fig: HTMLElement;
  plotEl: HTMLElement;
  readout: HTMLElement;
  /** What each line and marker of this chart is (metric names in an overlay, NaN / ±∞ markers). */
  key: HTMLElement;
  caption: HTMLElement;
  table: HTMLDetailsElement;
  u?: uPlot;
  lines: Line[];
  /** Per line: ascending x, the raw values, and the non-finite markers. */
  prepared: { x: Float64Array; raw: number[]; shown: (number | null)[]; steps: number[]; ts: number[]; markers: { x: number; v: number }[] }[];
  zoomed: boolean;
  fullX?: [number, number];
  requestId: number;
  zoomTimer?: number;
  xAxisUsed: PlotOptions['xAxis'];
}

export const st = {
  connKey: '',
  title: '',
  runs: [] as PlotRun[],
  keys: [] as string[],
  selected: [] as string[],
  params: [] as ParamRow[],
  options: { xAxis: 'step', logY: false, smoothing: 0, hideOutliers: false, layout: 'grid', allParams: false } as PlotOptions,
  live: false,
  /** key → runId → series (whole range, as first sent, plus live appends). */
  base: new Map<string, Map<string, SeriesPayload>>(),
  /** key → runId → refined series for the zoomed range. */
  zoom: new Map<string, Map<string, SeriesPayload>>(),
  charts: [] as ChartView[],
  drawReported: false,
  nextRequest: 1,
};

export const app = document.getElementById('app') as HTMLElement;

export function chartWidth(): number {
  const w = Math.max(320, (app.clientWidth || window.innerWidth) - 24);
  if (st.options.layout === 'overlay' && st.runs.length === 1) return w;
  const cols = Math.max(1, Math.floor(w / MIN_CHART_WIDTH));
  return Math.floor(w / cols) - 16;
}

/** Pixel columns the host should sample for (device pixels, capped). */
export function sampleWidth(): number {
  return Math.round(chartWidth() * Math.min(2, window.devicePixelRatio || 1));
}

export function persist(): void {
  host.setState({ view: 'plots', connKey: st.connKey, runIds: st.runs.map((r) => r.runId), selected: st.selected, options: st.options });
}

export function runColor(i: number): { stroke: string; dash: number[] } {
  const s = runStyle(i, document.body.classList.contains('vscode-high-contrast'));
  // Theme chart colours can sit too close to the editor background (orange on dark): at least 3:1 (WCAG, graphics).
  return { stroke: ensureContrast(cssVar(s.cssVar, '#3794ff'), cssVar('--vscode-editor-background', '#1e1e1e'), 3), dash: s.dash };
}

export function runById(id: string): PlotRun | undefined {
  return st.runs.find((r) => r.runId === id);
}
