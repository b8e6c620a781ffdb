export { FileStore, type FileStoreOptions, type Problem } from './fileStore';
