// The search grammar the SQLite store uses (shared with the file store), with MLflow's SQLite semantics where
// the backends differ: NaN compared as the 0 it is stored as, ±inf as the ±1.7976931348623157e308 it is
// stored as, and ILIKE folding A–Z only (SQLite's lower() without ICU; 'É' ILIKE 'é' is false there).
import type { RunFilterOptions } from '../search';

export const SQLITE_STRINGS = { asciiIlike: true } as const;
export const SQLITE_RUN_FILTER: RunFilterOptions = { nanAsZero: true, infAsMax: true, asciiIlike: true };
export { compileExperimentFilter, compileExperimentOrderBy, compileLoggedModelFilter, compileLoggedModelOrderBy, compileModelVersionFilter, compileModelVersionOrderBy, compileRegisteredModelFilter, compileRegisteredModelOrderBy, compileRunFilter, compileRunOrderBy, filterNeeds } from '../search';
