// MLflow's search grammar (filter strings and order_by) for the local backends (file store,
// SQLite) and for validating user input before it is sent to a server. No `vscode` import.
//
// Every compile* function either returns a predicate / comparator or throws an invalidRequest
// TrackingError whose message follows MLflow's 400 wording; no other exception escapes.
//
// Where MLflow's backends disagree we pick one and say so:
// * NaN latest metrics: IEEE (file store: NaN only satisfies !=) unless `{ nanAsZero: true }` (SQL
//   stores keep NaN as 0 + is_nan and filter on the 0). ±Infinity compares as itself on the file store;
//   SQL stores hold ±1.7976931348623157e308 instead, read as ±Infinity (wire.ts storedDouble) and
//   compared as the stored number (`{ infAsMax: true }`).
// * LIKE: SQL semantics (% and _ only; % spans newlines; _ is one code point), case-sensitive;
//   a backslash escapes %, _ and \ (PostgreSQL-style) and is literal before anything else.
//   ILIKE folds case with full Unicode lower-casing (file store, as Python's re.IGNORECASE does); SQLite
//   stores fold A–Z only ({ asciiIlike: true }: SQLite's lower() without ICU); servers decide for themselves.
// * run_name filters read the mlflow.runName tag (SQL store), falling back to the run_name field;
//   run_name ordering uses the run_name field (both stores).
// * Strings order by code point (Python / SQLite); all-digit experiment ids order as integers.
// * Order-by keys missing on an entity sort last in both directions; NaN metrics just before them.
// * `datasets.<key> IN (...)` keeps mixed-case values (MLflow drops values that are not all lower
//   case, a run-id rule it applies to dataset lists too); `run_id IN (...)` drops them as MLflow does.
// * Duplicate order_by keys are accepted (the SQL store rejects them; the file store does not).

import { RUN_NAME_TAG } from '../types';
import { parseRunOrderBy } from './orderBy';
import { parseRunFilter } from './runFilter';

export { compileRunFilter, parseRunFilter, validateRunFilter, type ParsedRunFilter, type RunFilterOptions } from './runFilter';
export { compileRunOrderBy } from './orderBy';
export { compileExperimentFilter, compileExperimentOrderBy } from './experimentFilter';
export {
  compileRegisteredModelFilter,
  validateRegisteredModelFilter,
  compileRegisteredModelOrderBy,
  compileModelVersionFilter,
  compileModelVersionOrderBy,
  STAGE_DELETED_INTERNAL,
  IS_PROMPT_TAG,
  type RegisteredModelFilterOptions,
} from './registryFilter';
export { compileLoggedModelFilter, compileLoggedModelOrderBy, type LoggedModelOrderBy } from './loggedModelFilter';

export interface FilterNeeds {
  params: boolean;
  metrics: boolean;
  tags: boolean;
  datasets: boolean;
  /**
   * The only keys of each part the query reads (filter and order_by), when known: a store may read
   * just these. Absent for an invalid query (everything is needed then).
   */
  keys?: { params: string[]; metrics: string[]; tags: string[] };
}

/**
 * Which parts of a run a runs/search query reads, so a store can skip loading the rest before
 * filtering and sorting (it still loads everything for the runs it returns). Never throws: an
 * invalid query needs everything (compileRunFilter / compileRunOrderBy report the error).
 * Note: filtering on `run_name` reads the mlflow.runName tag (as MLflow's SQL store does).
 */
export function filterNeeds(filter?: string, orderBy?: string[]): FilterNeeds {
  const all: FilterNeeds = { params: true, metrics: true, tags: true, datasets: true };
  try {
    const keys = { params: new Set<string>(), metrics: new Set<string>(), tags: new Set<string>() };
    const needs: FilterNeeds = { params: false, metrics: false, tags: false, datasets: false };
    const f = parseRunFilter(filter);
    const o = parseRunOrderBy(orderBy);
    for (const { entity, key } of [...f.entities, ...o.entities]) {
      if (entity === 'metric') keys.metrics.add(key);
      else if (entity === 'parameter') keys.params.add(key);
      else if (entity === 'tag') keys.tags.add(key);
      else if (entity === 'dataset') needs.datasets = true;
    }
    if (f.entities.some((e) => e.entity === 'attribute' && e.key === 'run_name')) keys.tags.add(RUN_NAME_TAG);
    needs.params = keys.params.size > 0;
    needs.metrics = keys.metrics.size > 0;
    needs.tags = keys.tags.size > 0;
    needs.keys = { params: [...keys.params], metrics: [...keys.metrics], tags: [...keys.tags] };
    return needs;
  } catch {
    return all;
  }
}
