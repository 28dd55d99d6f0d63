import type { JobView } from './api.js';

/** A mounted page: told about live events, disposed when the route changes. */
export interface Page {
  onJob?(job: JobView): void;
  onMembers?(): void;
  dispose?(): void;
}

export type PageFactory = (root: HTMLElement, params: string[]) => Page;
