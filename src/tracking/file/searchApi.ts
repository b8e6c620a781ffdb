// The search grammar the file store uses (the shared implementation in src/tracking/search).
export {
  compileExperimentFilter,
  compileExperimentOrderBy,
  compileLoggedModelFilter,
  compileLoggedModelOrderBy,
  compileModelVersionFilter,
  compileModelVersionOrderBy,
  compileRegisteredModelFilter,
  compileRegisteredModelOrderBy,
  compileRunFilter,
  compileRunOrderBy,
  filterNeeds,
} from '../search';
