// Pure: the order and pins of the runs table's columns. `order` lists column ids as the user arranged
// them; a column it does not list (a metric logged since) keeps its natural place after the column
// naturally before it. Pinned columns come first, in that same order, and stay at the left.
import type { Column } from './model';

export const DEFAULT_PINNED: readonly string[] = ['a:status', 'a:name'];

/** The columns in the user's order, pinned ones first. */
export function arrangeColumns(columns: readonly Column[], order: readonly string[], pinned: ReadonlySet<string>): Column[] {
  if (!order.length) return [...columns.filter((c) => pinned.has(c.id)), ...columns.filter((c) => !pinned.has(c.id))];
  const byId = new Map(columns.map((c) => [c.id, c]));
  const out: Column[] = [];
  const placed = new Set<string>();
  for (const id of order) {
    const c = byId.get(id);
    if (c && !placed.has(id)) {
      out.push(c);
      placed.add(id);
    }
  }
  if (placed.size < columns.length) {
    let prev: string | undefined;
    for (const c of columns) {
      if (!placed.has(c.id)) {
        out.splice(prev === undefined ? 0 : out.findIndex((x) => x.id === prev) + 1, 0, c);
        placed.add(c.id);
      }
      prev = c.id;
    }
  }
  return [...out.filter((c) => pinned.has(c.id)), ...out.filter((c) => !pinned.has(c.id))];
}

/** The order (all column ids) with `id` moved just before or after `target`. */
export function moveColumn(order: readonly string[], id: string, target: string, after: boolean): string[] {
  if (id === target || !order.includes(target)) return [...order];
  const rest = order.filter((x) => x !== id);
  const at = rest.indexOf(target) + (after ? 1 : 0);
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}

/** The neighbour a keyboard "Move Left/Right" swaps with: the next shown column in the same (pinned or not) zone. */
export function neighbour(shown: readonly Column[], pinned: ReadonlySet<string>, id: string, delta: -1 | 1): string | undefined {
  const i = shown.findIndex((c) => c.id === id);
  const n = shown[i + delta];
  return i >= 0 && n && pinned.has(n.id) === pinned.has(id) ? n.id : undefined;
}
