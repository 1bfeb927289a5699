/**
 * `heterogeneous`: one coordinator slower than the others. Closed loop (24
 * workers, 80% `SELECT 1` / 20% `SELECT sleep(100)`), three coordinators in
 * processes of their own; first all even, then the last one 30 ms slower per
 * answer (`setLatency(30)`). Per system: throughput, p99, the share of
 * statements the slow coordinator gets (server-side count), and the ratios
 * against haproxy-leastconn round by round. Targets for the pool (default
 * strategy), slow phase: slow coordinator < 2% of statements, p99 ≤ 0.7×
 * and throughput ≥ 1.2× haproxy-leastconn's.
 *
 * @module
 */
import { errorNotes, PHASE_FIGURE_LABELS, phaseContenders, phaseTable, runPhase } from '../harness/phase.js';
import { startProgress } from '../harness/progress.js';
import { withRig } from '../harness/rig.js';
import { p99Floor, roundRatios, SystemCache } from '../harness/rounds.js';
import type { RunContext, Scenario, ScenarioResult } from '../harness/scenario.js';
import { median } from '../harness/stats.js';
import { headlinePool, HAPROXY_SYSTEMS, POOL_SYSTEMS, REFERENCE, specs } from '../harness/systems.js';
import { judge } from '../harness/targets.js';
import { DEFAULT_MIX, MIX_SLEEP_MS } from '../harness/workload.js';
import { skippedResult } from './skipped.js';

/** Sizes of a run. */
export interface HeterogeneousSize {
  coordinators: number;
  workers: number;
  rounds: number;
  durationMs: number;
  warmupMs: number;
  /** Added to every answer of the slow coordinator, ms. */
  slowMs: number;
  /** Systems measured (default: all that apply). */
  systems?: string[];
}

/** Sizes by mode. */
export const HETEROGENEOUS_SIZES: Record<'quick' | 'full', HeterogeneousSize> = {
  quick: { coordinators: 3, workers: 24, rounds: 1, durationMs: 600, warmupMs: 150, slowMs: 30 },
  full: { coordinators: 3, workers: 24, rounds: 3, durationMs: 2500, warmupMs: 300, slowMs: 30 },
};

/** Every system this scenario compares. */
export const HETEROGENEOUS_SYSTEMS = ['direct', ...POOL_SYSTEMS, ...HAPROXY_SYSTEMS];

const DESCRIPTION =
  'One slow coordinator. Closed loop: 24 workers back to back, 80% `SELECT 1` / 20% `SELECT sleep(100)`, 3 coordinators in processes of their own; first even, then the last one +30 ms per answer. Systems interleaved round by round (A B C …, then … C B A); ratios against haproxy-leastconn in the same round.';

/** Runs the scenario with explicit sizes (the smoke test uses smaller ones). */
export async function runHeterogeneous(ctx: RunContext, size: HeterogeneousSize): Promise<ScenarioResult> {
  const names = size.systems ?? HETEROGENEOUS_SYSTEMS;
  const systems = specs(names);
  const pool = names.includes(headlinePool()) ? headlinePool() : names.find((n) => n.startsWith('pool-'))!;
  const slow = size.coordinators - 1;
  const out = await withRig(
    { scenario: 'heterogeneous', cluster: { coordinators: size.coordinators }, proxy: systems.some((s) => s.proxied) },
    async (rig) => {
      const progress = startProgress(ctx, 'heterogeneous', 2 * size.rounds * systems.length);
      const cache = new SystemCache();
      try {
        const common = {
          systems,
          rounds: size.rounds,
          workers: size.workers,
          durationMs: size.durationMs,
          warmupMs: size.warmupMs,
          tasks: DEFAULT_MIX,
          progress,
          cache,
        };
        progress.log(
          `heterogeneous: ${systems.length} systems × ${size.rounds} rounds × ${size.durationMs} ms, even then coordinator ${slow} +${size.slowMs} ms`,
        );
        const even = await runPhase(rig, { ...common, phase: 'even' });
        await rig.cluster.coordinators[slow]!.setLatency(size.slowMs);
        const slowPhase = await runPhase(rig, { ...common, phase: 'slow' });
        await rig.cluster.coordinators[slow]!.setLatency(0);
        return { even, slowPhase };
      } finally {
        progress.stop();
        await cache.closeAll();
        await rig.cluster.coordinators[slow]!.setLatency(0).catch(() => undefined);
      }
    },
  );
  if ('skipped' in out) return skippedResult('heterogeneous', DESCRIPTION, ctx, out.skipped);
  const { even, slowPhase } = out;

  const shareRounds = (slowPhase.bySystem.get(pool) ?? []).map((x) => x.sharesPct[slow]!);
  const hasRef = names.includes(REFERENCE);
  const p99Rounds = hasRef ? roundRatios(slowPhase, pool, REFERENCE, (x) => x.p99) : [];
  const tputRounds = hasRef ? roundRatios(slowPhase, pool, REFERENCE, (x) => x.throughput) : [];
  const floorRounds = hasRef ? p99Floor(slowPhase, REFERENCE, MIX_SLEEP_MS, (x) => x.p99) : [];
  const evenP99 = hasRef ? roundRatios(even, pool, REFERENCE, (x) => x.p99) : [];
  const evenTput = hasRef ? roundRatios(even, pool, REFERENCE, (x) => x.throughput) : [];
  const refShare = hasRef ? median((slowPhase.bySystem.get(REFERENCE) ?? []).map((x) => x.sharesPct[slow]!)) : Number.NaN;
  return {
    scenario: 'heterogeneous',
    description: DESCRIPTION,
    quick: ctx.quick,
    unit: 'ms',
    contenders: [...phaseContenders(even, systems, 'even', REFERENCE), ...phaseContenders(slowPhase, systems, 'slow', REFERENCE)],
    ratios: [
      judge(`${pool} / ${REFERENCE}, p99 latency (slow phase)`, median(p99Rounds), '<=', 0.7, { rounds: p99Rounds }),
      judge(`${pool} / ${REFERENCE}, throughput (slow phase)`, median(tputRounds), '>=', 1.2, { rounds: tputRounds }),
      judge(`${pool}: share of statements on the slow coordinator`, median(shareRounds), '<', 2, {
        unit: '%',
        rounds: shareRounds,
        digits: 2,
      }),
      {
        label: `lowest possible p99 ratio (slow phase): sleep(${MIX_SLEEP_MS}) ms / ${REFERENCE}'s p99`,
        value: median(floorRounds),
        rounds: floorRounds,
      },
      { label: `${REFERENCE}: share of statements on the slow coordinator`, value: refShare, unit: '%' },
      { label: `${pool} / ${REFERENCE}, p99 latency (even phase)`, value: median(evenP99), rounds: evenP99 },
      { label: `${pool} / ${REFERENCE}, throughput (even phase)`, value: median(evenTput), rounds: evenTput },
    ],
    figureLabels: PHASE_FIGURE_LABELS,
    tables: [
      phaseTable(
        even,
        systems,
        'Even coordinators (median [min–max] over rounds; ratios against haproxy-leastconn in the same round)',
        REFERENCE,
      ),
      phaseTable(slowPhase, systems, `Coordinator ${slow} +${size.slowMs} ms per answer`, REFERENCE, slow),
    ],
    load: [...even.load, ...slowPhase.load],
    size: { ...size },
    notes: [
      `The pool in headlines is ${pool}: createPool with its default strategy. Pools get maxConnectionsPerCoordinator = max(10, workers): the guide's haproxy has no per-server maxconn, so neither side caps a coordinator below the application's concurrency.`,
      'haproxy systems: each worker borrows one of 24 persistent connect() connections through the proxy, JDBC-style (HikariCP defaults: validated after 500 ms idle, evicted on connection errors); haproxy-leastconn-per-query opens a new connection per statement.',
      '`direct` runs every worker on coordinator 0, which is never the slow one: it shows what one healthy coordinator alone does, not a balancing choice.',
      '`balance source` hashes the client address, and every client here is 127.0.0.1: haproxy-source sends all traffic to one coordinator (its shares show which).',
      `No system's p99 can be below ${MIX_SLEEP_MS} ms: a fifth of the statements are \`SELECT sleep(${MIX_SLEEP_MS})\`. The "lowest possible" ratio is ${MIX_SLEEP_MS} ms over ${REFERENCE}'s p99 in the same round: a p99 target under it cannot be met by any balancing.`,
      'Shares count ExecuteStatement calls at each coordinator (retries included), over the measured stretch only.',
      'Each system is built once and kept open across rounds and both phases, as a long-lived application keeps its pool; every round starts with a short warm-up that is not measured (after the switch to a slow coordinator too).',
      ...errorNotes(even, 'even'),
      ...errorNotes(slowPhase, 'slow'),
    ],
  };
}

/** The `heterogeneous` scenario. */
export const heterogeneous: Scenario = {
  name: 'heterogeneous',
  description: 'one slow coordinator: pool strategies vs haproxy balances, closed loop',
  run: (ctx) => runHeterogeneous(ctx, ctx.quick ? HETEROGENEOUS_SIZES.quick : HETEROGENEOUS_SIZES.full),
};
