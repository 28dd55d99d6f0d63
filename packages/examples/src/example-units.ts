import { momentumUnit } from './units/momentum.js';
import { meanReversionUnit } from './units/mean-reversion.js';
import { volatilityUnit } from './units/volatility.js';

/**
 * The example units as a unit module: what `florin qcu` loads when no
 * --units module is given. A user's module has the same shape.
 */
const EXAMPLE_UNITS = [momentumUnit, meanReversionUnit, volatilityUnit];
export default EXAMPLE_UNITS;
