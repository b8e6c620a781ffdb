export { FileStore } from './fileStore';
