/** Conversions from the store's records to the jobs.proto messages the coordinator answers. */
import { jobStateName, type JobMessage, type UnitDefinitionMessage } from '@florin/core';
import type { JobRecord, UnitRecord } from './model.js';

export function jobMessage(job: JobRecord): JobMessage {
  return {
    jobId: job.jobId,
    spec: { ...job.spec },
    state: jobStateName(job.state),
    progress: { ...job.progress },
    hasFinal: job.hasFinal,
    resultJson: job.resultJson,
    error: job.error,
    errorStack: job.errorStack,
    failedTaskIndex: job.failedTaskIndex,
    symbolCount: job.symbolCount,
    createdMs: job.createdMs,
    updatedMs: job.updatedMs,
    finishedMs: job.finishedMs,
    owner: job.owner,
    failureLog: job.failureLog.map((l) => ({ ...l })),
  };
}

export function unitMessage(unit: UnitRecord): UnitDefinitionMessage {
  return {
    name: unit.name,
    version: unit.version,
    paramsSchemaJson: unit.paramsSchemaJson,
    hasFinal: unit.hasFinal,
    description: unit.description,
    output: { ...unit.output, fields: [...unit.output.fields] },
  };
}
