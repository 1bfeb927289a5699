/**
 * `hung`: one coordinator freezes mid-run (SIGSTOP on its process: the OS
 * still accepts connections, nothing answers — which haproxy's TCP check
 * cannot tell from a live server) and comes back later (SIGCONT). Closed
 * loop, 24 workers, the default mix. Per system: how long the statements
 * already under way at the pause wait for an outcome, how many are still
 * waiting 1.5 s later, the longest statement started during the pause, and
 * failed statements. Targets for the pool: reads under way at the pause
 * finish within 1.5 s, 0 failed reads.
 *
 * @module
 */
import { errorNotes, PHASE_FIGURE_LABELS, phaseContenders, runPhase } from '../harness/phase.js';
import { startProgress } from '../harness/progress.js';
import { withRig } from '../harness/rig.js';
import type { ResultTable, RunContext, Scenario, ScenarioResult } from '../harness/scenario.js';
import { fmt, formatSpread, median, spread, sum } from '../harness/stats.js';
import { headlinePool, HAPROXY_SYSTEMS, POOL_SYSTEMS, REFERENCE, specs } from '../harness/systems.js';
import { figure, judge } from '../harness/targets.js';
import { DEFAULT_MIX, type RunRecord } from '../harness/workload.js';
import { skippedResult } from './skipped.js';

/** Sizes of a run. */
export interface HungSize {
  coordinators: number;
  workers: number;
  rounds: number;
  /** When the pause comes, ms into the measured run. */
  pauseAtMs: number;
  /** How long the coordinator stays frozen, ms. */
  pauseMs: number;
  /** Measured time after the resume, ms. */
  afterMs: number;
  warmupMs: number;
  systems?: string[];
}

/** Sizes by mode. */
export const HUNG_SIZES: Record<'quick' | 'full', HungSize> = {
  quick: { coordinators: 3, workers: 24, rounds: 1, pauseAtMs: 300, pauseMs: 1600, afterMs: 200, warmupMs: 150 },
  full: { coordinators: 3, workers: 24, rounds: 2, pauseAtMs: 800, pauseMs: 2500, afterMs: 700, warmupMs: 300 },
};

/** Systems compared (pausing `direct`'s only coordinator would be a total outage: left out). */
export const HUNG_SYSTEMS = [...POOL_SYSTEMS, ...HAPROXY_SYSTEMS];

const WITHIN_MS = 1500;

const DESCRIPTION =
  'A coordinator freezes mid-run (SIGSTOP: connections still accepted, nothing answered) and comes back later (SIGCONT). Closed loop, 24 workers, 80% `SELECT 1` / 20% `SELECT sleep(100)`, 3 coordinators in processes of their own, systems interleaved round by round.';

/** What one round tells about the pause. */
export interface HungFigures {
  /** Statements under way when the pause came. */
  underWay: number;
  /** Of them, the longest time from the pause to their outcome, ms. */
  longestWaitMs: number;
  /** Of them, still without an outcome 1.5 s after the pause. */
  stillWaiting: number;
  /** The longest statement that started while the coordinator was frozen, ms. */
  longestStartedDuringMs: number;
  /** Successful statements per second while it was frozen. */
  throughputDuring: number;
  /** Server-side: statements executing on the frozen coordinator when it froze. */
  victimInFlight: number;
}

/** Reads the pause's figures from a round's record. */
export function hungFigures(record: RunRecord, victimInFlight: number): HungFigures {
  const pause = record.events.find((e) => e.name === 'pause')?.atMs ?? Number.NaN;
  const resume = record.events.find((e) => e.name === 'resume')?.atMs ?? Number.NaN;
  const underWay = record.samples.filter((s) => s.startMs < pause && s.endMs > pause);
  const during = record.samples.filter((s) => s.startMs >= pause && s.startMs < resume);
  const okDuring = record.samples.filter((s) => s.ok && s.endMs >= pause && s.endMs < resume).length;
  return {
    underWay: underWay.length,
    longestWaitMs: Math.max(0, ...underWay.map((s) => s.endMs - pause)),
    stillWaiting: underWay.filter((s) => s.endMs > pause + WITHIN_MS).length,
    longestStartedDuringMs: Math.max(0, ...during.map((s) => s.endMs - s.startMs)),
    throughputDuring: okDuring / ((resume - pause) / 1000),
    victimInFlight,
  };
}

/** Runs the scenario with explicit sizes. */
export async function runHung(ctx: RunContext, size: HungSize): Promise<ScenarioResult> {
  const names = size.systems ?? HUNG_SYSTEMS;
  const systems = specs(names);
  const pool = names.includes(headlinePool()) ? headlinePool() : names.find((n) => n.startsWith('pool-'))!;
  const victimIndex = size.coordinators - 1;
  const inFlightAtPause = new Map<string, number[]>();
  const out = await withRig(
    { scenario: 'hung', cluster: { coordinators: size.coordinators }, proxy: systems.some((s) => s.proxied) },
    async (rig) => {
      const victim = rig.cluster.coordinators[victimIndex]!;
      const progress = startProgress(ctx, 'hung', size.rounds * systems.length);
      try {
        progress.log(
          `hung: ${systems.length} systems × ${size.rounds} rounds; coordinator ${victimIndex} frozen at ${size.pauseAtMs} ms for ${size.pauseMs} ms`,
        );
        return await runPhase(rig, {
          phase: 'hung',
          systems,
          rounds: size.rounds,
          workers: size.workers,
          durationMs: size.pauseAtMs + size.pauseMs + size.afterMs,
          warmupMs: size.warmupMs,
          tasks: DEFAULT_MIX,
          progress,
          freshProxy: true,
          events: (spec) => [
            {
              atMs: size.pauseAtMs,
              name: 'pause',
              action: () => {
                const list = inFlightAtPause.get(spec.name) ?? [];
                list.push(victim.stats().inFlight);
                inFlightAtPause.set(spec.name, list);
                victim.pause();
              },
            },
            { atMs: size.pauseAtMs + size.pauseMs, name: 'resume', action: () => victim.resume() },
          ],
          after: async () => {
            victim.resume();
            // Let it work off what queued up while it was frozen before the next system's round.
            await new Promise((r) => setTimeout(r, 300));
          },
        });
      } finally {
        progress.stop();
        victim.resume();
      }
    },
  );
  if ('skipped' in out) return skippedResult('hung', DESCRIPTION, ctx, out.skipped);
  const phase = out;

  const figs = new Map(
    systems.map((s) => [
      s.name,
      (phase.bySystem.get(s.name) ?? []).map((x, i) => hungFigures(x.record, inFlightAtPause.get(s.name)?.[i] ?? Number.NaN)),
    ]),
  );
  const contenders = phaseContenders(phase, systems, 'hung', REFERENCE).map((c) => {
    const f = figs.get(c.name) ?? [];
    return {
      ...c,
      figures: {
        ...c.figures,
        underWayAtPause: sum(f.map((x) => x.underWay)),
        victimInFlightAtPause: sum(f.map((x) => x.victimInFlight)),
        longestWaitMs: Math.max(...f.map((x) => x.longestWaitMs)),
        stillWaitingAfter1500ms: sum(f.map((x) => x.stillWaiting)),
        longestStartedDuringPauseMs: Math.max(...f.map((x) => x.longestStartedDuringMs)),
        throughputDuringPause: median(f.map((x) => x.throughputDuring)),
      },
    };
  });
  const table: ResultTable = {
    title: `Coordinator ${victimIndex} frozen for ${size.pauseMs} ms (worst [range] over rounds for waits; totals for counts)`,
    header: [
      'system',
      'under way at pause (on it, server-side)',
      'longest wait of those, ms',
      'still waiting at +1.5 s',
      'longest started during pause, ms',
      'stmt/s during pause',
      'stmt/s overall',
      'failed',
    ],
    rows: systems.map((s) => {
      const f = figs.get(s.name) ?? [];
      const rs = phase.bySystem.get(s.name) ?? [];
      const waits = f.map((x) => x.longestWaitMs);
      const [lo, hi] = spread(waits);
      return [
        s.name,
        `${sum(f.map((x) => x.underWay))} (${sum(f.map((x) => x.victimInFlight))})`,
        waits.length > 1 ? `${fmt(hi, 0)} [${fmt(lo, 0)}–${fmt(hi, 0)}]` : fmt(hi, 0),
        String(sum(f.map((x) => x.stillWaiting))),
        fmt(Math.max(...f.map((x) => x.longestStartedDuringMs)), 0),
        formatSpread(
          f.map((x) => x.throughputDuring),
          0,
        ),
        formatSpread(
          rs.map((x) => x.throughput),
          0,
        ),
        String(sum(rs.map((x) => x.failed))),
      ];
    }),
  };
  const poolF = figs.get(pool) ?? [];
  const poolFailed = sum((phase.bySystem.get(pool) ?? []).map((x) => x.failed));
  const refF = figs.get(REFERENCE) ?? [];
  return {
    scenario: 'hung',
    description: DESCRIPTION,
    quick: ctx.quick,
    unit: 'ms',
    contenders,
    ratios: [
      judge(
        `${pool}: longest wait of statements under way at the pause (worst round)`,
        Math.max(...poolF.map((x) => x.longestWaitMs)),
        '<=',
        WITHIN_MS,
        { unit: 'ms', digits: 0, rounds: poolF.map((x) => x.longestWaitMs) },
      ),
      judge(`${pool}: failed reads`, poolFailed, '=', 0, { unit: 'statements', digits: 0 }),
      figure(
        `${REFERENCE}: longest wait of statements under way at the pause (worst round)`,
        Math.max(...refF.map((x) => x.longestWaitMs)),
        { unit: 'ms', rounds: refF.map((x) => x.longestWaitMs) },
      ),
      figure(`${REFERENCE}: failed reads`, sum((phase.bySystem.get(REFERENCE) ?? []).map((x) => x.failed)), { unit: 'statements' }),
    ],
    figureLabels: {
      ...PHASE_FIGURE_LABELS,
      underWayAtPause: 'statements under way when the coordinator froze (all rounds, all coordinators)',
      victimInFlightAtPause: 'statements executing on the frozen coordinator when it froze (its last report; all rounds)',
      longestWaitMs: 'longest time from the pause to the outcome of a statement under way at it (worst round), ms',
      stillWaitingAfter1500ms: 'statements under way at the pause still without an outcome 1.5 s later (all rounds)',
      longestStartedDuringPauseMs: 'longest statement started while the coordinator was frozen (worst round), ms',
      throughputDuringPause: 'successful statements per second while it was frozen (median of rounds)',
    },
    tables: [table],
    load: phase.load,
    size: { ...size },
    notes: [
      "Only statements reach a frozen coordinator's sockets: statements on the healthy ones end within their normal latency, so the longest wait of those under way at the pause is the frozen coordinator's.",
      "haproxy's `check` is a TCP connect, which the kernel completes for a frozen process: haproxy keeps the server up and keeps sending new connections to it. JDBC-style clients wait on the socket (no statement timeout), as a JDBC application with the default socket timeout does.",
      'Each round of a haproxy system starts a fresh haproxy (fresh health state); every system is built and closed within its round, and the coordinator is resumed (and given 300 ms) before the next.',
      `The pool in headlines is ${pool} (createPool's default strategy). \`direct\` is left out: freezing its only coordinator would be a total outage for it.`,
      ...errorNotes(phase, 'hung'),
    ],
  };
}

/** The `hung` scenario. */
export const hung: Scenario = {
  name: 'hung',
  description: 'a coordinator frozen mid-run (SIGSTOP): waits and failures per system',
  run: (ctx) => runHung(ctx, ctx.quick ? HUNG_SIZES.quick : HUNG_SIZES.full),
};
