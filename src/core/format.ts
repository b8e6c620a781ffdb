// Pure formatting of MLflow values for labels, descriptions and tooltips.
import type { Run } from '../tracking/types';

export function formatMetricValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(4).replace(/\.?0+e/, 'e');
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function formatRelativeTime(ms: number, now: number = Date.now()): string {
  const d = now - ms;
  if (!Number.isFinite(d)) return '';
  if (d < 0) return 'in the future';
  const s = Math.floor(d / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const days = Math.round(h / 24);
  if (days < 31) return days === 1 ? 'yesterday' : `${days} days ago`;
  const months = Math.round(days / 30.4);
  if (months < 12) return `${months} mo ago`;
  return `${Math.round(days / 365)} y ago`;
}

export function formatTimestamp(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatBytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** One line for a label: newlines and tabs shown, long values cut. */
export function oneLine(s: string, max = 120): string {
  const flat = s.replace(/\r?\n/g, ' ⏎ ').replace(/\t/g, ' ');
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** A run's name for labels: its name, else the mlflow.runName tag, else the start of its id. */
export function runDisplayName(run: Run): string {
  return run.info.runName || run.data.tags.find((t) => t.key === 'mlflow.runName')?.value || run.info.runId.slice(0, 8);
}
