/**
 * `rtt`: every coordinator answers 1 ms later than it would (a network
 * round trip within a data centre), so what a statement costs is mostly how
 * many round trips the client makes. Serial `SELECT 1` per worker (3
 * workers), the pool against the hive-driver package on the same
 * coordinators (worker i straight to coordinator i), with `direct` and
 * haproxy-leastconn for context. Target: the pool's mean latency ≤ 0.65×
 * hive-driver's.
 *
 * @module
 */
import { errorNotes, PHASE_FIGURE_LABELS, phaseContenders, phaseTable, runPhase } from '../harness/phase.js';
import { startProgress } from '../harness/progress.js';
import { withRig } from '../harness/rig.js';
import { roundRatios, SystemCache } from '../harness/rounds.js';
import type { RunContext, Scenario, ScenarioResult } from '../harness/scenario.js';
import { median } from '../harness/stats.js';
import { headlinePool, REFERENCE, specs } from '../harness/systems.js';
import { figure, judge } from '../harness/targets.js';
import { SELECT_ONE } from '../harness/workload.js';
import { skippedResult } from './skipped.js';

/** Sizes of a run. */
export interface RttSize {
  coordinators: number;
  workers: number;
  rounds: number;
  durationMs: number;
  warmupMs: number;
  /** Added to every answer of every coordinator, ms. */
  latencyMs: number;
  systems?: string[];
}

/** Sizes by mode. */
export const RTT_SIZES: Record<'quick' | 'full', RttSize> = {
  quick: { coordinators: 3, workers: 3, rounds: 2, durationMs: 400, warmupMs: 100, latencyMs: 1 },
  full: { coordinators: 3, workers: 3, rounds: 4, durationMs: 2000, warmupMs: 200, latencyMs: 1 },
};

/** Systems compared: the pool with its default strategy, hive-driver, direct, haproxy-leastconn. */
export function rttSystems(): string[] {
  return [headlinePool(), 'hive-driver', 'direct', REFERENCE];
}

const DESCRIPTION =
  'Every coordinator +1 ms per answer: serial `SELECT 1` on 3 workers, so latency is mostly round trips. The pool (default strategy) against the hive-driver npm package on the same coordinators (worker i straight to coordinator i); `direct` (impala-pool connect() on one coordinator) and haproxy-leastconn for context. Systems interleaved round by round.';

/** Runs the scenario with explicit sizes. */
export async function runRtt(ctx: RunContext, size: RttSize): Promise<ScenarioResult> {
  const names = size.systems ?? rttSystems();
  const systems = specs(names);
  const pool = names.find((n) => n.startsWith('pool-'))!;
  const out = await withRig(
    { scenario: 'rtt', cluster: { coordinators: size.coordinators }, proxy: systems.some((s) => s.proxied) },
    async (rig) => {
      const progress = startProgress(ctx, 'rtt', size.rounds * systems.length);
      const cache = new SystemCache();
      try {
        await Promise.all(rig.cluster.coordinators.map((c) => c.setLatency(size.latencyMs)));
        progress.log(`rtt: ${systems.length} systems × ${size.rounds} rounds × ${size.durationMs} ms, +${size.latencyMs} ms per answer`);
        return await runPhase(rig, {
          phase: 'rtt',
          systems,
          rounds: size.rounds,
          workers: size.workers,
          durationMs: size.durationMs,
          warmupMs: size.warmupMs,
          tasks: SELECT_ONE,
          warmupTasks: SELECT_ONE,
          progress,
          keepRecords: false,
          cache,
        });
      } finally {
        progress.stop();
        await cache.closeAll();
        await Promise.all(rig.cluster.coordinators.map((c) => c.setLatency(0).catch(() => undefined)));
      }
    },
  );
  if ('skipped' in out) return skippedResult('rtt', DESCRIPTION, ctx, out.skipped);
  const phase = out;
  const vsHive = roundRatios(phase, pool, 'hive-driver', (x) => x.mean);
  const directVsHive = names.includes('direct') ? roundRatios(phase, 'direct', 'hive-driver', (x) => x.mean) : [];
  const vsRef = names.includes(REFERENCE) ? roundRatios(phase, pool, REFERENCE, (x) => x.mean) : [];
  return {
    scenario: 'rtt',
    description: DESCRIPTION,
    quick: ctx.quick,
    unit: 'ms',
    contenders: phaseContenders(phase, systems, 'rtt', 'hive-driver'),
    ratios: [
      judge(`${pool} / hive-driver, mean latency`, median(vsHive), '<=', 0.65, { rounds: vsHive }),
      figure('direct / hive-driver, mean latency', median(directVsHive), { rounds: directVsHive }),
      figure(`${pool} / ${REFERENCE}, mean latency`, median(vsRef), { rounds: vsRef }),
    ],
    figureLabels: {
      ...PHASE_FIGURE_LABELS,
      throughputRatio: 'throughput / hive-driver’s in the same round (median of rounds)',
      p99Ratio: 'p99 / hive-driver’s in the same round (median of rounds)',
      meanRatio: 'mean latency / hive-driver’s in the same round (median of rounds)',
    },
    tables: [
      phaseTable(
        phase,
        systems,
        `Every coordinator +${size.latencyMs} ms per answer (ratios against hive-driver in the same round)`,
        'hive-driver',
      ),
    ],
    load: phase.load,
    size: { ...size },
    notes: [
      "hive-driver runs its own helpers (executeStatement, waitUntilReady, fetchAll, close): it polls the operation status before fetching. impala-pool fetches at once (Impala's FetchResults waits for rows) and closes the operation after the caller has its rows.",
      `The pool in headlines is ${pool} (createPool's default strategy). Systems are built once and kept open across rounds; each round starts with a short unmeasured warm-up.`,
      ...errorNotes(phase, 'rtt'),
    ],
  };
}

/** The `rtt` scenario. */
export const rtt: Scenario = {
  name: 'rtt',
  description: 'every coordinator +1 ms per answer: pool vs hive-driver mean latency',
  run: (ctx) => runRtt(ctx, ctx.quick ? RTT_SIZES.quick : RTT_SIZES.full),
};
