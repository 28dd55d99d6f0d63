export type { Store, StoreReadRequest, StoreState } from './store.js';
