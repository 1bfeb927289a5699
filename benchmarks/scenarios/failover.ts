/**
 * `failover`: one coordinator is killed mid-run (SIGKILL on its process:
 * connections reset, the port refuses). Closed loop, 24 workers, the default
 * mix. Per system: failed statements (a JDBC-style application sees the
 * error; its connection set reopens through the proxy), reconnects, the time
 * the statements under way at the kill took to an outcome, throughput before
 * and after. Target: 0 failed reads for the pool.
 *
 * @module
 */
import { errorNotes, PHASE_FIGURE_LABELS, phaseContenders, runPhase } from '../harness/phase.js';
import { startProgress } from '../harness/progress.js';
import { withRig } from '../harness/rig.js';
import type { ResultTable, RunContext, Scenario, ScenarioResult } from '../harness/scenario.js';
import { fmt, formatSpread, median, sum } from '../harness/stats.js';
import { headlinePool, HAPROXY_SYSTEMS, POOL_SYSTEMS, REFERENCE, specs } from '../harness/systems.js';
import { figure, judge } from '../harness/targets.js';
import { DEFAULT_MIX, type RunRecord } from '../harness/workload.js';
import { skippedResult } from './skipped.js';

/** Sizes of a run. */
export interface FailoverSize {
  coordinators: number;
  workers: number;
  rounds: number;
  /** When the kill comes, ms into the measured run. */
  killAtMs: number;
  /** Measured time after it, ms. */
  afterMs: number;
  warmupMs: number;
  systems?: string[];
}

/** Sizes by mode. */
export const FAILOVER_SIZES: Record<'quick' | 'full', FailoverSize> = {
  quick: { coordinators: 3, workers: 24, rounds: 1, killAtMs: 300, afterMs: 900, warmupMs: 150 },
  full: { coordinators: 3, workers: 24, rounds: 2, killAtMs: 800, afterMs: 2200, warmupMs: 300 },
};

/** Systems compared (killing `direct`'s only coordinator would be a total outage: left out). */
export const FAILOVER_SYSTEMS = [...POOL_SYSTEMS, ...HAPROXY_SYSTEMS];

const DESCRIPTION =
  'A coordinator is killed mid-run (SIGKILL: connections reset, the port refuses) and restarted between rounds. Closed loop, 24 workers, 80% `SELECT 1` / 20% `SELECT sleep(100)`, 3 coordinators in processes of their own, systems interleaved round by round.';

/** What one round tells about the kill. */
export interface FailoverFigures {
  failed: number;
  /** Statements under way at the kill. */
  underWay: number;
  /** Of them, the longest time from the kill to their outcome, ms. */
  longestToOutcomeMs: number;
  /** Successful statements per second before and after the kill. */
  throughputBefore: number;
  throughputAfter: number;
}

/** Reads the kill's figures from a round's record. */
export function failoverFigures(record: RunRecord): FailoverFigures {
  const kill = record.events.find((e) => e.name === 'kill')?.atMs ?? Number.NaN;
  const underWay = record.samples.filter((s) => s.startMs < kill && s.endMs > kill);
  const ok = record.samples.filter((s) => s.ok);
  return {
    failed: record.samples.filter((s) => !s.ok).length,
    underWay: underWay.length,
    longestToOutcomeMs: Math.max(0, ...underWay.map((s) => s.endMs - kill)),
    throughputBefore: ok.filter((s) => s.endMs < kill).length / (kill / 1000),
    throughputAfter: ok.filter((s) => s.endMs >= kill && s.endMs <= record.durationMs).length / ((record.durationMs - kill) / 1000),
  };
}

/** Runs the scenario with explicit sizes. */
export async function runFailover(ctx: RunContext, size: FailoverSize): Promise<ScenarioResult> {
  const names = size.systems ?? FAILOVER_SYSTEMS;
  const systems = specs(names);
  const pool = names.includes(headlinePool()) ? headlinePool() : names.find((n) => n.startsWith('pool-'))!;
  const victimIndex = size.coordinators - 1;
  const out = await withRig(
    { scenario: 'failover', cluster: { coordinators: size.coordinators }, proxy: systems.some((s) => s.proxied) },
    async (rig) => {
      const victim = rig.cluster.coordinators[victimIndex]!;
      const progress = startProgress(ctx, 'failover', size.rounds * systems.length);
      try {
        progress.log(
          `failover: ${systems.length} systems × ${size.rounds} rounds; coordinator ${victimIndex} killed at ${size.killAtMs} ms`,
        );
        return await runPhase(rig, {
          phase: 'failover',
          systems,
          rounds: size.rounds,
          workers: size.workers,
          durationMs: size.killAtMs + size.afterMs,
          warmupMs: size.warmupMs,
          tasks: DEFAULT_MIX,
          progress,
          freshProxy: true,
          events: () => [{ atMs: size.killAtMs, name: 'kill', action: () => victim.kill() }],
          // Back for the next system's round (same port, same tables).
          after: () => victim.start(),
        });
      } finally {
        progress.stop();
      }
    },
  );
  if ('skipped' in out) return skippedResult('failover', DESCRIPTION, ctx, out.skipped);
  const phase = out;

  const figs = new Map(systems.map((s) => [s.name, (phase.bySystem.get(s.name) ?? []).map((x) => failoverFigures(x.record))]));
  const contenders = phaseContenders(phase, systems, 'failover', REFERENCE).map((c) => {
    const f = figs.get(c.name) ?? [];
    return {
      ...c,
      figures: {
        ...c.figures,
        underWayAtKill: sum(f.map((x) => x.underWay)),
        longestToOutcomeMs: Math.max(...f.map((x) => x.longestToOutcomeMs)),
        throughputBefore: median(f.map((x) => x.throughputBefore)),
        throughputAfter: median(f.map((x) => x.throughputAfter)),
      },
    };
  });
  const table: ResultTable = {
    title: `Coordinator ${victimIndex} killed ${size.killAtMs} ms into each round (totals over rounds; throughput median [min–max])`,
    header: [
      'system',
      'failed',
      'failed %',
      'under way at kill',
      'longest to outcome of those, ms',
      'stmt/s before',
      'stmt/s after',
      'client counters',
    ],
    rows: systems.map((s) => {
      const f = figs.get(s.name) ?? [];
      const rs = phase.bySystem.get(s.name) ?? [];
      const counters: Record<string, number> = {};
      for (const r of rs) for (const [k, v] of Object.entries(r.counters)) counters[k] = (counters[k] ?? 0) + v;
      const failed = sum(f.map((x) => x.failed));
      const total = sum(rs.map((x) => x.statements));
      return [
        s.name,
        String(failed),
        fmt(total > 0 ? (failed / total) * 100 : Number.NaN, 2),
        String(sum(f.map((x) => x.underWay))),
        fmt(Math.max(...f.map((x) => x.longestToOutcomeMs)), 0),
        formatSpread(
          f.map((x) => x.throughputBefore),
          0,
        ),
        formatSpread(
          f.map((x) => x.throughputAfter),
          0,
        ),
        Object.entries(counters)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      ];
    }),
  };
  const poolFailed = sum((figs.get(pool) ?? []).map((x) => x.failed));
  return {
    scenario: 'failover',
    description: DESCRIPTION,
    quick: ctx.quick,
    unit: 'ms',
    contenders,
    ratios: [
      judge(`${pool}: failed reads`, poolFailed, '=', 0, {
        unit: 'statements',
        digits: 0,
        rounds: (figs.get(pool) ?? []).map((x) => x.failed),
      }),
      figure(`${REFERENCE}: failed reads`, sum((figs.get(REFERENCE) ?? []).map((x) => x.failed)), {
        unit: 'statements',
        rounds: (figs.get(REFERENCE) ?? []).map((x) => x.failed),
      }),
      ...['haproxy-source', 'haproxy-roundrobin', 'haproxy-leastconn-per-query']
        .filter((n) => names.includes(n))
        .map((n) => figure(`${n}: failed reads`, sum((figs.get(n) ?? []).map((x) => x.failed)), { unit: 'statements' })),
    ],
    figureLabels: {
      ...PHASE_FIGURE_LABELS,
      underWayAtKill: 'statements under way when the coordinator was killed (all rounds)',
      longestToOutcomeMs: 'longest time from the kill to the outcome of a statement under way at it (worst round), ms',
      throughputBefore: 'successful statements per second before the kill (median of rounds)',
      throughputAfter: 'successful statements per second after the kill (median of rounds)',
    },
    tables: [table],
    load: phase.load,
    size: { ...size },
    notes: [
      'A JDBC-style application does not run a failed statement again: it sees the error. Its connection set evicts the broken connection and opens a new one through haproxy, which redispatches connects that the dead port refuses (`retries 3`, `option redispatch`) until its checks (inter 2000, fall 3) take the server out.',
      "Each round of a haproxy system starts a fresh haproxy (all servers up); the killed coordinator is restarted after every system's round.",
      `The pool in headlines is ${pool} (createPool's default strategy). \`direct\` is left out: killing its only coordinator would be a total outage for it.`,
      ...errorNotes(phase, 'failover'),
    ],
  };
}

/** The `failover` scenario. */
export const failover: Scenario = {
  name: 'failover',
  description: 'a coordinator killed mid-run (SIGKILL): failed reads per system',
  run: (ctx) => runFailover(ctx, ctx.quick ? FAILOVER_SIZES.quick : FAILOVER_SIZES.full),
};
