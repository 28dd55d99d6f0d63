import {
  failedPrecondition,
  invalidArgument,
  notFound,
  parseJsonObject,
  resourceExhausted,
  validateDatasetName,
  validateParams,
  validateRange,
  validateSymbol,
  type JobSpecMessage,
} from '@florin/core';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import type { CoordinatorConfig } from './coordinator-config.js';
import type { ResolvedJobSpec, UnitRecord } from './model.js';
import { parseStoredSchema, validateUnitName, validateUnitVersion } from './unit-definition.js';

const MAX_IDEMPOTENCY_KEY = 256;

/** A spec checked up to the point where the unit must be looked up. */
export interface CheckedSpec {
  input: JobSpecMessage;
  symbols: string[];
  params: Record<string, unknown>;
  taskSize: number;
  maxAttempts: number;
}

/**
 * Checks everything that needs no lookup: INVALID_ARGUMENT for malformed
 * names, symbols, range, task size, attempts or params JSON; RESOURCE_EXHAUSTED
 * past maxSymbolsPerJob. Duplicate symbols collapse, first one wins.
 */
export function checkJobSpec(input: JobSpecMessage | null | undefined, config: CoordinatorConfig): CheckedSpec {
  if (!input) throw invalidArgument('spec is required');
  if (!input.unit) throw invalidArgument('spec.unit is required: name a unit registered by a QCU');
  validateUnitName(input.unit);
  if (input.unitVersion) validateUnitVersion(input.unitVersion, input.unit);
  if (!input.dataset) throw invalidArgument('spec.dataset is required: name the input dataset');
  validateDatasetName(input.dataset);
  if (input.outputDataset) validateDatasetName(input.outputDataset);
  if (input.symbols.length === 0) throw invalidArgument('spec.symbols is empty: name at least one symbol (the SDK resolves a whole-dataset universe)');
  if (input.symbols.length > config.maxSymbolsPerJob) {
    throw resourceExhausted(
      `${input.symbols.length} symbols in the job; the limit is ${config.maxSymbolsPerJob} symbols per job (maxSymbolsPerJob): split the universe over several jobs`,
    );
  }
  const symbols = [...new Set(input.symbols.map(validateSymbol))];
  validateRange({ start: input.startMs, end: input.endMs });
  const taskSize = input.taskSize === 0 ? config.defaultTaskSize : input.taskSize;
  if (taskSize > config.limits.maxSymbolsPerRequest) {
    throw invalidArgument(`task_size ${taskSize} is above ${config.limits.maxSymbolsPerRequest}, the most symbols one read may name (maxSymbolsPerRequest)`);
  }
  const maxAttempts = input.maxAttempts === 0 ? config.defaultMaxAttempts : input.maxAttempts;
  if (maxAttempts > config.maxAttemptsLimit) {
    throw invalidArgument(`max_attempts ${maxAttempts} is above the limit of ${config.maxAttemptsLimit} (maxAttemptsLimit)`);
  }
  if (input.idempotencyKey.length > MAX_IDEMPOTENCY_KEY) {
    throw invalidArgument(`idempotency_key is ${input.idempotencyKey.length} characters; use at most ${MAX_IDEMPOTENCY_KEY}`);
  }
  const params = parseJsonObject(input.paramsJson, 'params_json');
  return { input, symbols, params, taskSize, maxAttempts };
}

/** The unit a spec names, or NOT_FOUND saying what is registered. */
export function requireUnit(unit: UnitRecord | undefined, input: JobSpecMessage): UnitRecord {
  if (unit) return unit;
  const what = input.unitVersion ? `${input.unit}@${input.unitVersion}` : input.unit;
  throw notFound(`unknown unit ${what}: no QCU has registered it (start a QCU hosting it, or check the name${input.unitVersion ? ' and version' : ''})`);
}

/**
 * Checks params against the unit's schema (defaults filled in), pins the
 * version, and resolves the output dataset: the one submitted, else the
 * unit's (FAILED_PRECONDITION when the unit was registered without one).
 */
export function resolveJobSpec(checked: CheckedSpec, unit: UnitRecord): { spec: ResolvedJobSpec; specHash: string } {
  const { input } = checked;
  const params = validateParams(parseStoredSchema(unit.paramsSchemaJson, `unit ${unit.name}@${unit.version}`), checked.params, `unit ${unit.name}@${unit.version}`);
  const outputDataset = input.outputDataset || unit.output.dataset;
  if (!outputDataset) {
    throw failedPrecondition(
      `unit ${unit.name}@${unit.version} was registered without an output dataset (by a QCU older than this coordinator): ` +
        'restart its QCUs so they register it again, or name spec.output_dataset',
    );
  }
  const spec: ResolvedJobSpec = {
    unit: unit.name,
    unitVersion: unit.version,
    dataset: input.dataset,
    symbols: checked.symbols,
    startMs: input.startMs,
    endMs: input.endMs,
    taskSize: checked.taskSize,
    paramsJson: canonicalJson(params),
    outputDataset,
    idempotencyKey: input.idempotencyKey,
    maxAttempts: checked.maxAttempts,
  };
  // The hash covers what the caller asked for (the version and output as given, params as sent), so a retried submit matches.
  const asked = {
    ...spec,
    unitVersion: input.unitVersion,
    outputDataset: input.outputDataset,
    paramsJson: canonicalJson(checked.params),
    idempotencyKey: '',
  };
  return { spec, specHash: sha256Hex(canonicalJson(asked)) };
}
