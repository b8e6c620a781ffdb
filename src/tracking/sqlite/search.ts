// The search grammar used by the SQLite store. Points at the temporary shim until
// src/tracking/search exists; then this becomes `export * from '../search';`.
export * from './searchShim';
