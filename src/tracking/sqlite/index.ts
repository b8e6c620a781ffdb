export { SqliteStore } from './sqliteStore';
