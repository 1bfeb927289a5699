/**
 * `idle`: connections sit idle past the coordinators' idle session timeout
 * (impalad's idle_session_timeout; the cluster's `idleSessionTimeoutMs`),
 * which expires their HS2 sessions while the sockets stay open, and are then
 * used again — the guide's warning about reusing JDBC connections behind a
 * proxy. Each round opens every system and warms it up (every worker runs
 * statements, so connections and sessions exist), waits the gap, then runs a
 * burst on each system in turn (interleaved order). Success rate of the
 * burst per system. Target: 100% for the pool.
 *
 * @module
 */
import { loadSince, markLoad, type RoundLoad } from '../harness/machine-load.js';
import { startProgress } from '../harness/progress.js';
import { withRig } from '../harness/rig.js';
import { roundOrder } from '../harness/rounds.js';
import type { ContenderResult, Ratio, ResultTable, RunContext, Scenario, ScenarioResult } from '../harness/scenario.js';
import { fmt, formatSpread, median, summarize } from '../harness/stats.js';
import { headlinePool, HAPROXY_SYSTEMS, POOL_SYSTEMS, REFERENCE, specs, type System } from '../harness/systems.js';
import { figure, judge } from '../harness/targets.js';
import type { Sample } from '../harness/workload.js';
import { skippedResult } from './skipped.js';

/** Sizes of a run. */
export interface IdleSize {
  coordinators: number;
  workers: number;
  rounds: number;
  /** The coordinators' idle session timeout, ms. */
  idleSessionTimeoutMs: number;
  /** Idle gaps to try, ms (each past the timeout). */
  gapsMs: number[];
  /** Statements per worker in the burst after the gap. */
  burst: number;
  systems?: string[];
}

/** Sizes by mode. */
export const IDLE_SIZES: Record<'quick' | 'full', IdleSize> = {
  quick: { coordinators: 3, workers: 24, rounds: 1, idleSessionTimeoutMs: 1000, gapsMs: [1800], burst: 2 },
  // 11 s is past the pool's validateAfterIdleMs (10 s), so both of its paths are measured.
  full: { coordinators: 3, workers: 24, rounds: 2, idleSessionTimeoutMs: 2000, gapsMs: [3500, 11_000], burst: 3 },
};

/** Systems compared. */
export const IDLE_SYSTEMS = ['direct', ...POOL_SYSTEMS, ...HAPROXY_SYSTEMS];

const DESCRIPTION =
  "Connections idle past the coordinators' idle session timeout (their HS2 sessions expire, sockets stay open), then used again: every worker runs a short burst of `SELECT 1`. 24 workers, 3 coordinators in processes of their own; bursts interleaved across systems round by round.";

/** Every worker runs `perWorker` `SELECT 1` back to back, all workers at once; `step` is the statement's number. */
async function burst(system: System, workers: number, perWorker: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; i < perWorker; i++) {
        const startMs = performance.now();
        const o = await system.run({ sql: 'SELECT 1', kind: 'query' }, w);
        const endMs = performance.now();
        samples.push({
          worker: w,
          step: i,
          sql: 'SELECT 1',
          scheduledMs: startMs,
          startMs,
          endMs,
          ok: o.ok,
          ...(o.error ? { error: o.error } : {}),
        });
      }
    }),
  );
  return samples;
}

/** Runs the scenario with explicit sizes. */
export async function runIdle(ctx: RunContext, size: IdleSize): Promise<ScenarioResult> {
  const names = size.systems ?? IDLE_SYSTEMS;
  const systems = specs(names);
  const pool = names.includes(headlinePool()) ? headlinePool() : names.find((n) => n.startsWith('pool-'))!;
  type Burst = { samples: Sample[]; counters: Record<string, number> };
  const results = new Map<string, Map<string, Burst[]>>(
    size.gapsMs.map((g) => [String(g), new Map(systems.map((s) => [s.name, [] as Burst[]]))]),
  );
  const load: RoundLoad[] = [];
  const out = await withRig(
    {
      scenario: 'idle',
      cluster: { coordinators: size.coordinators, idleSessionTimeoutMs: size.idleSessionTimeoutMs },
      proxy: systems.some((s) => s.proxied),
    },
    async (rig) => {
      const progress = startProgress(ctx, 'idle', size.gapsMs.length * size.rounds * systems.length);
      try {
        for (const gap of size.gapsMs) {
          for (let round = 0; round < size.rounds; round++) {
            progress.log(`idle: round ${round + 1}, gap ${gap} ms past a ${size.idleSessionTimeoutMs} ms session timeout`);
            const open: Array<{ name: string; system: System }> = [];
            try {
              for (const spec of systems) {
                const system = spec.create(rig.env(size.workers));
                open.push({ name: spec.name, system });
                await system.open();
                // Every worker at once: connections and sessions exist on every coordinator the system uses.
                await burst(system, size.workers, 2);
              }
              await new Promise((r) => setTimeout(r, gap));
              for (const { name, system } of roundOrder(open, round)) {
                const mark = markLoad();
                const samples = await burst(system, size.workers, size.burst);
                load.push(loadSince(mark, { phase: `gap ${gap} ms`, round, system: name }));
                results.get(String(gap))!.get(name)!.push({ samples, counters: system.counters() });
                progress.tick(`gap ${gap} r${round + 1} ${name}`);
              }
            } finally {
              await Promise.all(open.map((o) => o.system.close().catch(() => undefined)));
            }
          }
        }
      } finally {
        progress.stop();
      }
    },
  );
  if (out && typeof out === 'object' && 'skipped' in out) return skippedResult('idle', DESCRIPTION, ctx, out.skipped);

  const contenders: ContenderResult[] = [];
  const rows: string[][] = [];
  const ratios: Ratio[] = [];
  for (const gap of size.gapsMs) {
    const byName = results.get(String(gap))!;
    for (const spec of systems) {
      const bursts = byName.get(spec.name) ?? [];
      const all = bursts.flatMap((b) => b.samples);
      const ok = all.filter((s) => s.ok);
      const counters: Record<string, number> = {};
      for (const b of bursts) for (const [k, v] of Object.entries(b.counters)) counters[k] = (counters[k] ?? 0) + v;
      const successPct = all.length ? (ok.length / all.length) * 100 : Number.NaN;
      const firsts = all.filter((s) => s.step === 0).map((s) => s.endMs - s.startMs);
      contenders.push({
        name: spec.name,
        description: spec.description,
        phase: `gap ${gap} ms`,
        summary: summarize(ok.map((s) => s.endMs - s.startMs)),
        figures: {
          statements: all.length,
          failed: all.length - ok.length,
          successPct,
          firstStatementP50Ms: median(firsts),
          firstStatementMaxMs: Math.max(0, ...firsts),
          ...Object.fromEntries(Object.entries(counters).map(([k, v]) => [`client.${k}`, v])),
        },
      });
      const errors: Record<string, number> = {};
      for (const s of all) if (!s.ok && s.error) errors[s.error] = (errors[s.error] ?? 0) + 1;
      rows.push([
        `${gap}`,
        spec.name,
        String(all.length),
        String(all.length - ok.length),
        fmt(successPct, 1),
        formatSpread(
          bursts.map((b) => median(b.samples.filter((s) => s.step === 0).map((s) => s.endMs - s.startMs))),
          1,
        ),
        fmt(Math.max(0, ...firsts), 0),
        Object.entries(counters)
          .filter(([, v]) => v > 0)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        Object.entries(errors)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 1)
          .map(([e, n]) => `${n}× ${e}`)
          .join(''),
      ]);
    }
    const p = contenders.find((c) => c.name === pool && c.phase === `gap ${gap} ms`)!;
    ratios.push(
      judge(`${pool}: success after ${gap} ms idle (session timeout ${size.idleSessionTimeoutMs} ms)`, p.figures!.successPct!, '=', 100, {
        unit: '%',
        digits: 1,
      }),
    );
    const ref = contenders.find((c) => c.name === REFERENCE && c.phase === `gap ${gap} ms`);
    if (ref) ratios.push(figure(`${REFERENCE}: success after ${gap} ms idle`, ref.figures!.successPct!, { unit: '%' }));
  }
  const table: ResultTable = {
    title: `After idling past a ${size.idleSessionTimeoutMs} ms idle session timeout (totals over rounds)`,
    header: [
      'gap ms',
      'system',
      'statements',
      'failed',
      'success %',
      'first statement p50 ms',
      'first statement max ms',
      'client counters',
      'most frequent error',
    ],
    rows,
  };
  return {
    scenario: 'idle',
    description: DESCRIPTION,
    quick: ctx.quick,
    unit: 'ms',
    contenders,
    ratios,
    figureLabels: {
      statements: 'statements in the bursts after the gap (all rounds)',
      failed: 'of them, failed',
      successPct: 'succeeded, %',
      firstStatementP50Ms: "median latency of each worker's first statement after the gap, ms (the cost of recovering)",
      firstStatementMaxMs: 'longest first statement after the gap, ms',
      'client.*': 'client-side counters summed over rounds',
    },
    tables: [table],
    load,
    size: { ...size },
    notes: [
      'The JDBC-style sets behave as HikariCP does by default: a connection idle for more than 500 ms is validated before use (a ping, which checks the HS2 session) and replaced if that fails — what the guide advises. An application whose pool does not validate would see the expired session as an error on first use.',
      'The pools run with their defaults (validateAfterIdleMs 10000): a gap shorter than that is recovered from the server\'s "session expired" answer (the statement did not run, so it is retried on a new session); a longer one by validation on borrow.',
      'All systems are open during the gap; bursts run one system at a time, so later systems idled longer — every gap is past the timeout either way.',
      `The pool in headlines is ${pool} (createPool's default strategy).`,
    ],
  };
}

/** The `idle` scenario. */
export const idle: Scenario = {
  name: 'idle',
  description: 'connections idle past the idle session timeout, then reused: success per system',
  run: (ctx) => runIdle(ctx, ctx.quick ? IDLE_SIZES.quick : IDLE_SIZES.full),
};
