/**
 * What a benchmark scenario is and what it reports. A scenario measures two
 * or more contenders side by side in one run and states its headline as
 * ratios (or counts against a target), so results from different machines
 * stay comparable.
 *
 * @module
 */
import type { RoundLoad } from './machine-load.js';
import type { Summary } from './stats.js';

/** How a scenario is run. */
export interface RunContext {
  /** Smoke-test size (CI): seconds, not minutes. */
  quick: boolean;
  /** Progress output. */
  log(message: string): void;
  /** Draw a progress bar on stderr (only ever when stderr is a TTY). Default true. */
  progress?: boolean;
}

/** One contender's measured latency and figures. */
export interface ContenderResult {
  name: string;
  /** What the contender is (client, route, configuration). */
  description: string;
  /** Phase or load level the figures belong to, when a scenario has several. */
  phase?: string;
  summary: Summary;
  /** Scenario-specific figures by key (throughput, failed, shares…); see {@link ScenarioResult.figureLabels}. */
  figures?: Record<string, number>;
}

/** A headline figure: a ratio between contenders, or a count or time, with an optional target. */
export interface Ratio {
  /** E.g. "pool-leastconn / haproxy-leastconn, p99 latency (slow phase)". */
  label: string;
  value: number;
  /** Unit of `value` when it is not a plain ratio, e.g. "%", "ms", "statements". */
  unit?: string;
  /** The goal, e.g. "≤ 0.7". */
  target?: string;
  /** Whether the goal was met. */
  met?: boolean;
  /** When missed: by how much, in words. */
  miss?: string;
  /** The per-round values the figure is the median (or total) of. */
  rounds?: number[];
}

/** An extra table of a result page. */
export interface ResultTable {
  title: string;
  header: string[];
  rows: string[][];
}

/** What a scenario returns. */
export interface ScenarioResult {
  scenario: string;
  description: string;
  quick: boolean;
  /** Unit of the summaries. */
  unit: 'ms';
  contenders: ContenderResult[];
  /** Headline figures; the first is the index page's headline. */
  ratios: Ratio[];
  /** Facts a reader needs to judge the numbers. */
  notes: string[];
  /** What each key of `contenders[].figures` means. */
  figureLabels?: Record<string, string>;
  /** Scenario-specific tables. */
  tables?: ResultTable[];
  /** The machine's load, one entry per measured round of each contender. */
  load?: RoundLoad[];
  /** Sizes the run used (workers, rounds, durations…). */
  size?: Record<string, unknown>;
  /** Set when the scenario could not run (e.g. haproxy missing): why. Nothing else is meaningful then. */
  skipped?: string;
}

/** A benchmark scenario. */
export interface Scenario {
  name: string;
  description: string;
  run(ctx: RunContext): Promise<ScenarioResult>;
}
