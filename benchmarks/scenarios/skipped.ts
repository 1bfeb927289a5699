/**
 * The result of a scenario that could not run (haproxy missing): the runner
 * prints it loudly and writes no files, so committed results stay.
 *
 * @module
 */
import type { RunContext, ScenarioResult } from '../harness/scenario.js';

/** A skipped scenario's result. */
export function skippedResult(scenario: string, description: string, ctx: RunContext, why: string): ScenarioResult {
  return { scenario, description, quick: ctx.quick, unit: 'ms', contenders: [], ratios: [], notes: [], skipped: why };
}
