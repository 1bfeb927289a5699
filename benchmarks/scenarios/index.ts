/**
 * The registry of benchmark scenarios, by name.
 *
 * @module
 */
import type { Scenario } from '../harness/scenario.js';
import { overhead } from './overhead.js';

/** Every scenario, in the order `--scenario all` runs them. */
export const SCENARIOS: readonly Scenario[] = [overhead];
