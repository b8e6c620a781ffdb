// CSV export of metric histories at full resolution (pure). One row per point:
// run_id,run_name,key,step,timestamp,value. Non-finite values are written as NaN, Infinity and
// -Infinity (what pandas and MLflow's Python client read back). RFC 4180 quoting.

export interface CsvSeries {
  runId: string;
  runName: string;
  key: string;
  steps: ArrayLike<number>;
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

export function csvField(s: string): string {
  // a leading = + - @ would be taken as a formula by spreadsheets: quote-prefix such text
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?(\d|Infinity)/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

export function metricsToCsv(series: readonly CsvSeries[]): string {
  const lines = ['run_id,run_name,key,step,timestamp,value'];
  for (const s of series) {
    const head = `${csvField(s.runId)},${csvField(s.runName)},${csvField(s.key)},`;
    for (let i = 0; i < s.steps.length; i++) lines.push(`${head}${csvNumber(s.steps[i])},${csvNumber(s.timestamps[i])},${csvNumber(s.values[i])}`);
  }
  return lines.join('\n') + '\n';
}
