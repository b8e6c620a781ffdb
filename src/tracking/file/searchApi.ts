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
  compileRunOrderBy,
  filterNeeds,
  parseRunFilter,
  type FilterNeeds,
  type ParsedRunFilter,
} from '../search';
