// Pure: a quick client-side check of MLflow's registered-model filter syntax. No `vscode` import.

/** A cheap check of the registered-model filter grammar (name / tags.<key>, = != LIKE ILIKE, quoted values, AND). */
export function validateModelFilter(v: string): string | undefined {
  const f = v.trim();
  if (!f) return undefined;
  const clause = /^\s*(name|tags\.(`[^`]+`|"[^"]+"|[\w.\-/ ]+?)|tag\.(`[^`]+`|[\w.\-/]+))\s*(=|!=|LIKE|ILIKE)\s*('([^'\\]|\\.)*'|"([^"\\]|\\.)*")\s*$/i;
  for (const part of f.split(/\s+AND\s+/i)) {
    if (!clause.test(part)) return `Use name or tags.<key> with = != LIKE ILIKE and a quoted value, joined by AND (near "${part.trim().slice(0, 40)}").`;
  }
  return undefined;
}
