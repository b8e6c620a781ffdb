// Pure: the quick filters a runs table cell offers in its context menu — "Only runs with lr = 0.01",
// "Exclude …", and for metrics "< this" / "> this" — as MLflow filter clauses written by the one
// filter printer (tracking/search/print.ts). A value that has no spelling in the grammar (NaN, ±∞,
// text that cannot be quoted) gives a disabled item that says why.
import { filterClause, type FilterEntity, type FilterOp } from '../tracking/search/print';
import { formatMetricValue } from '../core/format';
import type { Column, TableRow } from './model';

export interface QuickFilter {
  label: string;
  /** The clause to AND to the table's filter; undefined: not possible, see `why`. */
  clause?: string;
  why?: string;
}

const ATTRIBUTE_KEYS: Record<string, { key: string; value: (r: TableRow) => string | undefined }> = {
  'a:status': { key: 'status', value: (r) => r.status },
  'a:user': { key: 'user_id', value: (r) => r.user || undefined },
  'a:name': { key: 'run_name', value: (r) => r.name },
};

function item(label: string, entity: FilterEntity, key: string, op: FilterOp, value: string | number): QuickFilter {
  const clause = filterClause(entity, key, op, value);
  return clause ? { label, clause } : { label, why: 'This key or value cannot be written in MLflow’s filter syntax.' };
}

function equality(shownKey: string, entity: FilterEntity, key: string, value: string): QuickFilter[] {
  const v = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return [item(`Only runs with ${shownKey} = ${v}`, entity, key, '=', value), item(`Exclude runs with ${shownKey} = ${v}`, entity, key, '!=', value)];
}

export function quickFilters(row: TableRow, c: Column): QuickFilter[] {
  switch (c.group) {
    case 'Parameters': {
      const v = row.params.get(c.key);
      return v === undefined ? [] : equality(c.key, 'params', c.key, v);
    }
    case 'Tags': {
      const v = row.tags.get(c.key);
      return v === undefined ? [] : equality(c.key, 'tags', c.key, v);
    }
    case 'Metrics': {
      const v = row.metrics.get(c.key);
      if (v === undefined) return [];
      if (!Number.isFinite(v)) return [{ label: `metrics.${c.key} < / > this`, why: `This run’s ${c.key} is ${formatMetricValue(v)}, which MLflow filters cannot compare with.` }];
      const shown = formatMetricValue(v);
      return [item(`metrics.${c.key} < this (${shown})`, 'metrics', c.key, '<', v), item(`metrics.${c.key} > this (${shown})`, 'metrics', c.key, '>', v)];
    }
    case 'Attributes': {
      const a = ATTRIBUTE_KEYS[c.id];
      const v = a?.value(row);
      return a && v !== undefined ? equality(c.label.toLowerCase(), 'attributes', a.key, v) : [];
    }
  }
}
