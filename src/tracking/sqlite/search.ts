// The search grammar the SQLite store uses (shared with the file store).
export { compileExperimentFilter, compileExperimentOrderBy, compileLoggedModelFilter, compileLoggedModelOrderBy, compileModelVersionFilter, compileModelVersionOrderBy, compileRegisteredModelFilter, compileRegisteredModelOrderBy, compileRunFilter, compileRunOrderBy, filterNeeds } from '../search';
