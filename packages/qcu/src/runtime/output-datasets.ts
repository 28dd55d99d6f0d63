import type { DatasetInfo } from '@florin/core';
import type { UnitOutput } from '../unit.js';

/**
 * Makes sure each output dataset exists before a task publishes into it:
 * CreateDataset once per dataset per worker (an identical existing dataset is
 * fine; one with other fields fails with ALREADY_EXISTS). A failed attempt is
 * forgotten, so the next task tries again. The task's write grant goes with it:
 * with security on, a qcu may create only the output dataset of a task it leased.
 */
export class OutputDatasets {
  private readonly ready = new Map<string, Promise<void>>();

  constructor(
    private readonly catalog: { createDataset(info: DatasetInfo, options?: { signal?: AbortSignal; grants?: readonly string[] }): Promise<unknown> },
  ) {}

  ensure(dataset: string, output: UnitOutput, signal?: AbortSignal, grant = ''): Promise<void> {
    let p = this.ready.get(dataset);
    if (!p) {
      const info = { name: dataset, fields: [...output.fields], frequency: output.frequency };
      p = this.catalog.createDataset(info, grant ? { signal, grants: [grant] } : { signal }).then(() => undefined);
      p.catch(() => this.ready.delete(dataset));
      this.ready.set(dataset, p);
    }
    return p;
  }
}
