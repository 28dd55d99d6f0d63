import type { DeployConfig } from './config.js';
import { headsPerStack } from './resource-table.js';

export interface HeadGroup {
  readonly group: number;
  /** First head index in the group. */
  readonly first: number;
  /** One past the last head index. */
  readonly end: number;
}

/** Head nodes split into stacks of at most headsPerStack(config), in index order, as evenly as that allows. */
export function headGroups(config: DeployConfig): HeadGroup[] {
  const n = config.heads.count;
  if (n === 0) return [];
  const per = headsPerStack(config);
  const groups = Math.ceil(n / per);
  const size = Math.ceil(n / groups);
  const out: HeadGroup[] = [];
  for (let g = 0; g < groups; g++) out.push({ group: g, first: g * size, end: Math.min(n, (g + 1) * size) });
  return out;
}
