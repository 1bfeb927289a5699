/**
 * A phase: every system measured under one condition (one slow coordinator,
 * a load level…), in interleaved rounds, closed or open loop; and the
 * per-system figures, ratios and table a result page shows for it.
 *
 * @module
 */
import type { CoordinatorStats } from '../../src/testing/index.js';
import type { Progress } from './progress.js';
import type { Rig } from './rig.js';
import { interleavedRounds, measureSystem, roundRatios, type RoundsResult, type SystemCache } from './rounds.js';
import type { ContenderResult, ResultTable } from './scenario.js';
import { fmt, formatSpread, median, quantile, sum, summarize } from './stats.js';
import type { SystemEnv, SystemSpec } from './systems.js';
import { closedLoop, figuresOf, openLoop, type RunEvent, type RunRecord, type TaskSource } from './workload.js';

/** One system's figures in one round. */
export interface PhaseRound {
  /** Successful statements per second. */
  throughput: number;
  mean: number;
  p50: number;
  p99: number;
  /** Latencies of successful statements, ms (from arrival in open loop). */
  latencies: number[];
  statements: number;
  failed: number;
  /** Share of the statements each coordinator received (server-side count), %. */
  sharesPct: number[];
  /** Client-side counters. */
  counters: Record<string, number>;
  /** Error texts and how often each came. */
  errors: Record<string, number>;
  /** Open loop: arrivals shed at the full line, and left unserved. */
  shed: number;
  unserved: number;
  /** The raw record (for scenarios that look at timings). */
  record: RunRecord;
}

/** What a phase runs. */
export interface PhaseOptions {
  phase: string;
  systems: readonly SystemSpec[];
  rounds: number;
  workers: number;
  durationMs: number;
  warmupMs: number;
  tasks: TaskSource;
  /** Warm-up statements. Default: the default mix. */
  warmupTasks?: TaskSource;
  progress: Progress;
  /** Open loop: arrivals per second (closed loop when unset). */
  ratePerSec?: number;
  /** Open loop: most arrivals outstanding. Default 20 × workers. */
  maxOutstanding?: number;
  /** Open loop: drain time after the last arrival, ms. Default 10000. */
  drainTimeoutMs?: number;
  /** Timed events of each measured run. */
  events?(spec: SystemSpec, round: number): RunEvent[];
  /** Extra options of the systems' environment. */
  env?: Partial<SystemEnv>;
  /** Restart haproxy before each round of a proxied system (fresh health state after a fault). */
  freshProxy?: boolean;
  /** After each system's round (restore what a fault changed). */
  after?(spec: SystemSpec): Promise<void>;
  /** Keep each round's raw record (memory); default true. */
  keepRecords?: boolean;
  /** Keep systems open across rounds (and phases sharing the cache) instead of building them per round. */
  cache?: SystemCache;
}

function delta(before: CoordinatorStats[], after: CoordinatorStats[]): number[] {
  return after.map((a, i) => a.queries - (before[i]?.queries ?? 0));
}

/** Measures every system in interleaved rounds under one condition. */
export function runPhase(rig: Rig, o: PhaseOptions): Promise<RoundsResult<PhaseRound>> {
  return interleavedRounds<PhaseRound>({
    phase: o.phase,
    systems: o.systems,
    rounds: o.rounds,
    progress: o.progress,
    measure: async (spec, round, meter) => {
      let before: CoordinatorStats[] = [];
      let after: CoordinatorStats[] = [];
      const { record, counters } = await measureSystem(spec, meter, {
        env: () => rig.env(o.workers, o.env),
        workers: o.workers,
        warmupMs: o.warmupMs,
        ...(o.warmupTasks ? { warmupTasks: o.warmupTasks } : {}),
        ...(o.cache ? { cache: o.cache } : {}),
        ...(o.freshProxy && spec.proxied ? { before: () => rig.restartProxy() } : {}),
        ...(o.after ? { after: () => o.after!(spec) } : {}),
        drive: async (system) => {
          before = rig.cluster.stats();
          const events = o.events?.(spec, round) ?? [];
          const rec =
            o.ratePerSec === undefined
              ? await closedLoop(system, { workers: o.workers, durationMs: o.durationMs, tasks: o.tasks, seed: round, events })
              : await openLoop(system, {
                  ratePerSec: o.ratePerSec,
                  durationMs: o.durationMs,
                  workers: o.workers,
                  maxOutstanding: o.maxOutstanding ?? 20 * o.workers,
                  drainTimeoutMs: o.drainTimeoutMs ?? 10_000,
                  tasks: o.tasks,
                  seed: round,
                  events,
                });
          after = rig.cluster.stats();
          return rec;
        },
      });
      const f = figuresOf(record);
      const sorted = [...f.latencies].sort((a, b) => a - b);
      const counts = delta(before, after);
      const total = sum(counts);
      const errors: Record<string, number> = {};
      for (const s of record.samples) if (!s.ok && s.error) errors[s.error] = (errors[s.error] ?? 0) + 1;
      return {
        throughput: f.throughput,
        mean: sorted.length ? sum(sorted) / sorted.length : Number.NaN,
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        latencies: f.latencies,
        statements: f.statements,
        failed: f.failed,
        sharesPct: counts.map((c) => (total > 0 ? (c / total) * 100 : Number.NaN)),
        counters,
        errors,
        shed: record.shed,
        unserved: record.unserved,
        record: o.keepRecords === false ? { ...record, samples: [] } : record,
      };
    },
  });
}

/** One contender entry per system of a phase: latencies pooled over rounds, figures as medians (counts as totals). */
export function phaseContenders(
  r: RoundsResult<PhaseRound>,
  specs: readonly SystemSpec[],
  phase: string,
  reference: string,
): ContenderResult[] {
  return specs.map((spec) => {
    const rounds = r.bySystem.get(spec.name) ?? [];
    const counters: Record<string, number> = {};
    for (const round of rounds) for (const [k, v] of Object.entries(round.counters)) counters[k] = (counters[k] ?? 0) + v;
    const figures: Record<string, number> = {
      throughput: median(rounds.map((x) => x.throughput)),
      statements: sum(rounds.map((x) => x.statements)),
      failed: sum(rounds.map((x) => x.failed)),
      shed: sum(rounds.map((x) => x.shed + x.unserved)),
      ...Object.fromEntries((rounds[0]?.sharesPct ?? []).map((_, i) => [`sharePct${i}`, median(rounds.map((x) => x.sharesPct[i]!))])),
      ...(spec.name !== reference
        ? {
            throughputRatio: median(roundRatios(r, spec.name, reference, (x) => x.throughput)),
            p99Ratio: median(roundRatios(r, spec.name, reference, (x) => x.p99)),
            meanRatio: median(roundRatios(r, spec.name, reference, (x) => x.mean)),
          }
        : {}),
      ...Object.fromEntries(Object.entries(counters).map(([k, v]) => [`client.${k}`, v])),
    };
    return { name: spec.name, description: spec.description, phase, summary: summarize(rounds.flatMap((x) => x.latencies)), figures };
  });
}

/** Labels of the figures {@link phaseContenders} gives. */
export const PHASE_FIGURE_LABELS: Record<string, string> = {
  throughput: 'successful statements per second (median of rounds)',
  statements: 'statements run (all rounds)',
  failed: 'statements that failed (all rounds)',
  shed: 'open loop: arrivals shed at the full line or left unserved (all rounds)',
  sharePctN: 'share of statements coordinator N received, server-side count, % (median of rounds)',
  throughputRatio: 'throughput / the reference system’s in the same round (median of rounds)',
  p99Ratio: 'p99 latency / the reference system’s in the same round (median of rounds)',
  meanRatio: 'mean latency / the reference system’s in the same round (median of rounds)',
  'client.*':
    'client-side counters summed over rounds (pool: retries, coordinatorDown events; JDBC-style sets: reopened, openFailures, validationFailures, evicted; per-query: opened, openFailures)',
};

/** A phase's table: one row per system, medians with their spread over rounds. */
export function phaseTable(
  r: RoundsResult<PhaseRound>,
  specs: readonly SystemSpec[],
  title: string,
  reference: string,
  slowIndex?: number,
): ResultTable {
  const header = [
    'system',
    'stmt/s',
    'p50 ms',
    'p99 ms',
    'stmt/s ÷ ref',
    'p99 ÷ ref',
    ...(slowIndex !== undefined ? ['slow coordinator share %'] : ['shares % per coordinator']),
    'failed',
    'shed',
  ];
  const rows = specs.map((spec) => {
    const rounds = r.bySystem.get(spec.name) ?? [];
    const isRef = spec.name === reference;
    return [
      spec.name,
      formatSpread(
        rounds.map((x) => x.throughput),
        0,
      ),
      formatSpread(
        rounds.map((x) => x.p50),
        1,
      ),
      formatSpread(
        rounds.map((x) => x.p99),
        1,
      ),
      isRef ? '(ref)' : formatSpread(roundRatios(r, spec.name, reference, (x) => x.throughput)),
      isRef ? '(ref)' : formatSpread(roundRatios(r, spec.name, reference, (x) => x.p99)),
      slowIndex !== undefined
        ? formatSpread(
            rounds.map((x) => x.sharesPct[slowIndex]!),
            1,
          )
        : (rounds[0]?.sharesPct ?? []).map((_, i) => fmt(median(rounds.map((x) => x.sharesPct[i]!)), 0)).join(' / '),
      String(sum(rounds.map((x) => x.failed))),
      String(sum(rounds.map((x) => x.shed + x.unserved))),
    ];
  });
  return { title, header, rows };
}

/** The most frequent error texts of a phase, per system, as notes. */
export function errorNotes(r: RoundsResult<PhaseRound>, phase: string, limit = 3): string[] {
  const notes: string[] = [];
  for (const [name, rounds] of r.bySystem) {
    const all: Record<string, number> = {};
    for (const x of rounds) for (const [e, n] of Object.entries(x.errors)) all[e] = (all[e] ?? 0) + n;
    const top = Object.entries(all)
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit);
    if (top.length > 0) notes.push(`${phase}, ${name} errors: ${top.map(([e, n]) => `${n}× ${e}`).join('; ')}`);
  }
  return notes;
}
