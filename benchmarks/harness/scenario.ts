/**
 * What a benchmark scenario is and what it reports. A scenario measures two
 * or more contenders side by side in one run and states its headline as
 * ratios, so results from different machines stay comparable.
 *
 * @module
 */
import type { Summary } from './stats.js';

/** How a scenario is run. */
export interface RunContext {
  /** Smoke-test size (CI): seconds, not minutes. */
  quick: boolean;
  /** Progress output. */
  log(message: string): void;
}

/** One contender's measured latency. */
export interface ContenderResult {
  name: string;
  /** What the contender is (client, route, configuration). */
  description: string;
  summary: Summary;
}

/** A ratio between contenders, with an optional target. */
export interface Ratio {
  /** E.g. "impala-pool / hive-driver, mean latency". */
  label: string;
  value: number;
  /** The goal, e.g. "≤ 1". */
  target?: string;
  /** Whether the goal was met. */
  met?: boolean;
}

/** What a scenario returns. */
export interface ScenarioResult {
  scenario: string;
  description: string;
  quick: boolean;
  /** Unit of the summaries. */
  unit: 'ms';
  contenders: ContenderResult[];
  ratios: Ratio[];
  /** Facts a reader needs to judge the numbers. */
  notes: string[];
}

/** A benchmark scenario. */
export interface Scenario {
  name: string;
  description: string;
  run(ctx: RunContext): Promise<ScenarioResult>;
}
