export { RestStore, type RestOptions } from './restStore';
