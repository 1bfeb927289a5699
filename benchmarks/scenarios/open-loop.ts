/**
 * `open-loop`: statements arrive at a fixed rate whether or not earlier ones
 * are done, as users' requests do, and wait in line for one of 24 workers
 * (the application's concurrency, the same for every system); latency counts
 * from the scheduled arrival, so queueing shows. One coordinator is 30 ms
 * slower per answer throughout. First capacity is measured (closed loop, 24
 * workers, every system; capacity is haproxy-leastconn's throughput), then
 * arrivals at 50%, 80% and 95% of it. Target: at 80%, the pool's p99 ≤ 0.5×
 * haproxy-leastconn's.
 *
 * @module
 */
import { errorNotes, PHASE_FIGURE_LABELS, phaseContenders, phaseTable, runPhase, type PhaseRound } from '../harness/phase.js';
import { startProgress } from '../harness/progress.js';
import { withRig } from '../harness/rig.js';
import { p99Floor, roundRatios, SystemCache, type RoundsResult } from '../harness/rounds.js';
import type { Ratio, ResultTable, RunContext, Scenario, ScenarioResult } from '../harness/scenario.js';
import { fmt, formatSpread, median } from '../harness/stats.js';
import { headlinePool, HAPROXY_SYSTEMS, POOL_SYSTEMS, REFERENCE, specs } from '../harness/systems.js';
import { figure, judge } from '../harness/targets.js';
import { DEFAULT_MIX, MIX_SLEEP_MS } from '../harness/workload.js';
import { skippedResult } from './skipped.js';

/** Sizes of a run. */
export interface OpenLoopSize {
  coordinators: number;
  workers: number;
  rounds: number;
  /** Closed-loop capacity measurement per system and round, ms. */
  capacityMs: number;
  /** Arrivals per level, per system and round, ms. */
  durationMs: number;
  warmupMs: number;
  slowMs: number;
  /** Load levels, % of capacity. */
  levels: number[];
  drainTimeoutMs: number;
  systems?: string[];
}

/** Sizes by mode. */
export const OPEN_LOOP_SIZES: Record<'quick' | 'full', OpenLoopSize> = {
  quick: {
    coordinators: 3,
    workers: 24,
    rounds: 1,
    capacityMs: 400,
    durationMs: 500,
    warmupMs: 100,
    slowMs: 30,
    levels: [50, 80, 95],
    drainTimeoutMs: 3000,
  },
  full: {
    coordinators: 3,
    workers: 24,
    rounds: 2,
    capacityMs: 1500,
    durationMs: 2500,
    warmupMs: 200,
    slowMs: 30,
    levels: [50, 80, 95],
    drainTimeoutMs: 10_000,
  },
};

/** Systems compared (one coordinator cannot take a rate sized for three: no `direct`). */
export const OPEN_LOOP_SYSTEMS = [...POOL_SYSTEMS, ...HAPROXY_SYSTEMS];

const DESCRIPTION =
  'Open loop with one slow coordinator (+30 ms per answer): arrivals at a fixed rate (50/80/95% of the capacity haproxy-leastconn reaches in closed loop), served in arrival order by 24 workers; latency from the scheduled arrival, so time waiting in line counts. 80% `SELECT 1` / 20% `SELECT sleep(100)`, 3 coordinators in processes of their own, systems interleaved round by round.';

/** Runs the scenario with explicit sizes. */
export async function runOpenLoop(ctx: RunContext, size: OpenLoopSize): Promise<ScenarioResult> {
  const names = size.systems ?? OPEN_LOOP_SYSTEMS;
  const systems = specs(names);
  const pool = names.includes(headlinePool()) ? headlinePool() : names.find((n) => n.startsWith('pool-'))!;
  const slow = size.coordinators - 1;
  const out = await withRig(
    { scenario: 'open-loop', cluster: { coordinators: size.coordinators }, proxy: systems.some((s) => s.proxied) },
    async (rig) => {
      const progress = startProgress(ctx, 'open-loop', (1 + size.levels.length) * size.rounds * systems.length);
      const cache = new SystemCache();
      try {
        await rig.cluster.coordinators[slow]!.setLatency(size.slowMs);
        const common = {
          systems,
          rounds: size.rounds,
          workers: size.workers,
          warmupMs: size.warmupMs,
          tasks: DEFAULT_MIX,
          progress,
          cache,
        };
        progress.log(`open-loop: capacity (closed loop, ${systems.length} systems × ${size.rounds} rounds × ${size.capacityMs} ms)`);
        const capacity = await runPhase(rig, { ...common, phase: 'capacity', durationMs: size.capacityMs, keepRecords: false });
        const ref = capacity.bySystem.get(REFERENCE) ?? capacity.bySystem.get(names[0]!)!;
        const capacityPerSec = median(ref.map((x) => x.throughput));
        const levels: Array<{ pct: number; rate: number; result: RoundsResult<PhaseRound> }> = [];
        for (const pct of size.levels) {
          const rate = Math.max(1, Math.round((capacityPerSec * pct) / 100));
          progress.log(`open-loop: ${pct}% of ${capacityPerSec.toFixed(0)} stmt/s = ${rate} arrivals/s`);
          const result = await runPhase(rig, {
            ...common,
            phase: `${pct}%`,
            durationMs: size.durationMs,
            ratePerSec: rate,
            drainTimeoutMs: size.drainTimeoutMs,
            keepRecords: false,
          });
          levels.push({ pct, rate, result });
        }
        return { capacity, capacityPerSec, levels };
      } finally {
        progress.stop();
        await cache.closeAll();
        await rig.cluster.coordinators[slow]!.setLatency(0).catch(() => undefined);
      }
    },
  );
  if ('skipped' in out) return skippedResult('open-loop', DESCRIPTION, ctx, out.skipped);
  const { capacity, capacityPerSec, levels } = out;

  const hasRef = names.includes(REFERENCE);
  const ratios: Ratio[] = [];
  const levelRows: string[][] = [];
  for (const { pct, rate, result } of levels) {
    const p99 = hasRef ? roundRatios(result, pool, REFERENCE, (x) => x.p99) : [];
    const label = `${pool} / ${REFERENCE}, p99 latency from arrival at ${pct}% of capacity (${rate}/s)`;
    ratios.push(pct === 80 ? judge(label, median(p99), '<=', 0.5, { rounds: p99 }) : figure(label, median(p99), { rounds: p99 }));
    if (pct === 80 && hasRef) {
      const floor = p99Floor(result, REFERENCE, MIX_SLEEP_MS, (x) => x.p99);
      ratios.push(
        figure(`lowest possible p99 ratio at 80%: sleep(${MIX_SLEEP_MS}) ms / ${REFERENCE}'s p99`, median(floor), { rounds: floor }),
      );
    }
    for (const spec of systems) {
      const rs = result.bySystem.get(spec.name) ?? [];
      levelRows.push([
        `${pct}%`,
        spec.name,
        formatSpread(
          rs.map((x) => x.p50),
          1,
        ),
        formatSpread(
          rs.map((x) => x.p99),
          1,
        ),
        spec.name === REFERENCE ? '(ref)' : formatSpread(roundRatios(result, spec.name, REFERENCE, (x) => x.p99)),
        formatSpread(
          rs.map((x) => x.throughput),
          0,
        ),
        String(rs.reduce((a, x) => a + x.failed, 0)),
        String(rs.reduce((a, x) => a + x.shed + x.unserved, 0)),
        fmt(median(rs.map((x) => x.sharesPct[slow]!)), 1),
      ]);
    }
  }
  // The 80% ratio is the headline: put it first.
  ratios.sort((a, b) => Number(b.target !== undefined) - Number(a.target !== undefined));
  ratios.push(figure('capacity: haproxy-leastconn closed-loop throughput', capacityPerSec, { unit: 'stmt/s' }));
  const capTable = phaseTable(
    capacity,
    systems,
    'Capacity: closed loop, 24 workers, one slow coordinator (median [min–max] over rounds)',
    REFERENCE,
    slow,
  );
  const levelTable: ResultTable = {
    title: 'Open loop by load level (latency from the scheduled arrival; median [min–max] over rounds)',
    header: [
      'load',
      'system',
      'p50 ms',
      'p99 ms',
      'p99 ÷ ref',
      'stmt/s done within the arrival window',
      'failed',
      'shed/unserved',
      'slow coordinator share %',
    ],
    rows: levelRows,
  };
  return {
    scenario: 'open-loop',
    description: DESCRIPTION,
    quick: ctx.quick,
    unit: 'ms',
    contenders: levels.flatMap(({ pct, result }) => phaseContenders(result, systems, `${pct}%`, REFERENCE)),
    ratios,
    figureLabels: PHASE_FIGURE_LABELS,
    tables: [levelTable, capTable],
    load: [...capacity.load, ...levels.flatMap((l) => l.result.load)],
    size: { ...size, capacityPerSec },
    notes: [
      `Capacity is haproxy-leastconn's closed-loop throughput with the slow coordinator (${capacityPerSec.toFixed(0)} stmt/s here); each level's rate is that share of it, for every system — a system with more capacity has more headroom at the same rate.`,
      "Every system gets the same 24 workers taking arrivals in order (the application's concurrency); haproxy systems hold 24 persistent connections through the proxy, JDBC-style. Arrivals past 480 outstanding are shed (counted); what still waits after the drain time is unserved (counted).",
      `The pool in headlines is ${pool} (createPool's default strategy). \`direct\` is left out: one coordinator cannot take a rate sized for three.`,
      `Latency from arrival is at least the statement's own time, and a fifth of the statements are \`SELECT sleep(${MIX_SLEEP_MS})\`: no system's p99 is below ${MIX_SLEEP_MS} ms. The "lowest possible" ratio is ${MIX_SLEEP_MS} ms over ${REFERENCE}'s p99 at 80% in the same round; a target under it cannot be met by any balancing.`,
      'Each system is built once and kept open through the capacity measurement and every level, as a long-lived application keeps its pool; every round starts with a short unmeasured warm-up.',
      ...levels.flatMap((l) => errorNotes(l.result, `${l.pct}%`)),
    ],
  };
}

/** The `open-loop` scenario. */
export const openLoopScenario: Scenario = {
  name: 'open-loop',
  description: 'arrivals at 50/80/95% of capacity with one slow coordinator: p99 from arrival',
  run: (ctx) => runOpenLoop(ctx, ctx.quick ? OPEN_LOOP_SIZES.quick : OPEN_LOOP_SIZES.full),
};
