import { invalidArgument } from '@florin/core';
import type { Unit } from '@florin/qcu';
import { LOAD_GENERATOR_UNIT, loadGeneratorUnit } from './load-generator-unit.js';

/**
 * The units a QCU hosts: its module's, plus the load generator (so `florin
 * loadtest --fleet` can use any fleet) unless `loadGenerator` is false. A
 * module that defines a unit of the same name is refused: the name is taken.
 */
export function withLoadGenerator(units: readonly Unit[], loadGenerator: boolean): Unit[] {
  if (!loadGenerator) return [...units];
  if (units.some((u) => u.name === LOAD_GENERATOR_UNIT)) {
    throw invalidArgument(`the units module defines ${LOAD_GENERATOR_UNIT}, the built-in load generator's name: rename that unit, or run the QCU with --no-load-generator`);
  }
  return [...units, loadGeneratorUnit];
}
