/**
 * `ddl-chains`: CREATE TABLE → INSERT → SELECT chains, each statement
 * borrowed separately as an application running them through a connection
 * pool does, with metadata propagation between coordinators taking
 * `catalogDelayMs` (Impala's catalog updates). A statement that lands on a
 * coordinator that has not heard of the table yet fails ("table does not
 * exist"), and a SELECT that counts rows the INSERT elsewhere has not
 * brought here yet is a stale read (counted as an error too). Target: 0
 * errors for the pool.
 *
 * @module
 */
import { errorNotes, PHASE_FIGURE_LABELS, phaseContenders, runPhase } from '../harness/phase.js';
import { startProgress } from '../harness/progress.js';
import { withRig } from '../harness/rig.js';
import { SystemCache } from '../harness/rounds.js';
import type { ResultTable, RunContext, Scenario, ScenarioResult } from '../harness/scenario.js';
import { fmt, formatSpread, sum } from '../harness/stats.js';
import { headlinePool, HAPROXY_SYSTEMS, POOL_SYSTEMS, REFERENCE, specs } from '../harness/systems.js';
import { figure, judge } from '../harness/targets.js';
import type { TaskSource } from '../harness/workload.js';
import { skippedResult } from './skipped.js';

/** Sizes of a run. */
export interface DdlChainsSize {
  coordinators: number;
  workers: number;
  /** Connections of the JDBC-style sets (`direct`, `haproxy-<balance>`), shared by the workers. */
  connections: number;
  rounds: number;
  durationMs: number;
  warmupMs: number;
  catalogDelayMs: number;
  systems?: string[];
}

/** Sizes by mode. */
export const DDL_CHAINS_SIZES: Record<'quick' | 'full', DdlChainsSize> = {
  quick: { coordinators: 3, workers: 24, connections: 8, rounds: 1, durationMs: 700, warmupMs: 100, catalogDelayMs: 500 },
  full: { coordinators: 3, workers: 24, connections: 8, rounds: 2, durationMs: 2500, warmupMs: 200, catalogDelayMs: 500 },
};

/** Systems compared. */
export const DDL_CHAINS_SYSTEMS = ['direct', ...POOL_SYSTEMS, ...HAPROXY_SYSTEMS];

const DESCRIPTION =
  "CREATE TABLE → INSERT → SELECT count(*) chains, 24 workers back to back, each statement borrowed separately from the client's pool; DDL and DML reach the other coordinators 500 ms later (catalogDelayMs). Errors: statements that failed, plus reads that saw the table without the inserted row. 3 coordinators in processes of their own, systems interleaved round by round.";

let chainCounter = 0;

/** One chain on a table no other chain uses. */
export const CHAIN: TaskSource = (w) => {
  const table = `chain_${process.pid}_${w}_${++chainCounter}`;
  return [
    { sql: `CREATE TABLE ${table} (a INT)`, kind: 'execute' },
    { sql: `INSERT INTO ${table} VALUES (1)`, kind: 'execute' },
    { sql: `SELECT count(*) AS n FROM ${table}`, kind: 'query', expectRows: [{ n: 1 }] },
  ];
};

/** Runs the scenario with explicit sizes. */
export async function runDdlChains(ctx: RunContext, size: DdlChainsSize): Promise<ScenarioResult> {
  const names = size.systems ?? DDL_CHAINS_SYSTEMS;
  const systems = specs(names);
  const pool = names.includes(headlinePool()) ? headlinePool() : names.find((n) => n.startsWith('pool-'))!;
  const out = await withRig(
    {
      scenario: 'ddl-chains',
      cluster: { coordinators: size.coordinators, catalogDelayMs: size.catalogDelayMs },
      proxy: systems.some((s) => s.proxied),
    },
    async (rig) => {
      const progress = startProgress(ctx, 'ddl-chains', size.rounds * systems.length);
      const cache = new SystemCache();
      try {
        progress.log(
          `ddl-chains: ${systems.length} systems × ${size.rounds} rounds × ${size.durationMs} ms, catalog delay ${size.catalogDelayMs} ms`,
        );
        return await runPhase(rig, {
          phase: 'ddl-chains',
          systems,
          rounds: size.rounds,
          workers: size.workers,
          durationMs: size.durationMs,
          warmupMs: size.warmupMs,
          tasks: CHAIN,
          progress,
          env: { connections: size.connections },
          cache,
        });
      } finally {
        progress.stop();
        await cache.closeAll();
      }
    },
  );
  if ('skipped' in out) return skippedResult('ddl-chains', DESCRIPTION, ctx, out.skipped);
  const phase = out;

  const rowsFor = (name: string) => {
    const rs = phase.bySystem.get(name) ?? [];
    const statements = sum(rs.map((x) => x.statements));
    const errors = sum(rs.map((x) => x.failed));
    const chains = sum(rs.map((x) => x.record.tasks));
    const chainsOk = sum(rs.map((x) => x.record.tasksOk));
    const all: Record<string, number> = {};
    for (const r of rs) for (const [e, n] of Object.entries(r.errors)) all[e] = (all[e] ?? 0) + n;
    const stale = sum(
      Object.entries(all)
        .filter(([e]) => e.startsWith('STALE_READ'))
        .map(([, n]) => n),
    );
    const missing = sum(
      Object.entries(all)
        .filter(([e]) => /does not exist|Could not resolve/i.test(e))
        .map(([, n]) => n),
    );
    return { rs, statements, errors, chains, chainsOk, stale, missing, other: errors - stale - missing };
  };
  const contenders = phaseContenders(phase, systems, 'ddl-chains', REFERENCE).map((c) => {
    const r = rowsFor(c.name);
    return {
      ...c,
      figures: {
        ...c.figures,
        errors: r.errors,
        errorRatePct: r.statements > 0 ? (r.errors / r.statements) * 100 : Number.NaN,
        chains: r.chains,
        chainsFailed: r.chains - r.chainsOk,
        tableMissing: r.missing,
        staleReads: r.stale,
        chainsPerSec: r.rs.length ? r.rs.reduce((a, x) => a + x.record.tasksOk, 0) / ((r.rs.length * size.durationMs) / 1000) : Number.NaN,
      },
    };
  });
  const table: ResultTable = {
    title: `Chains with catalogDelayMs ${size.catalogDelayMs} (totals over rounds)`,
    header: [
      'system',
      'statements',
      'errors',
      'error rate %',
      'table missing',
      'stale reads',
      'other',
      'chains',
      'chains failed',
      'stmt/s',
    ],
    rows: systems.map((s) => {
      const r = rowsFor(s.name);
      return [
        s.name,
        String(r.statements),
        String(r.errors),
        fmt(r.statements > 0 ? (r.errors / r.statements) * 100 : Number.NaN, 2),
        String(r.missing),
        String(r.stale),
        String(r.other),
        String(r.chains),
        String(r.chains - r.chainsOk),
        formatSpread(
          r.rs.map((x) => x.throughput),
          0,
        ),
      ];
    }),
  };
  const p = rowsFor(pool);
  const ref = rowsFor(REFERENCE);
  return {
    scenario: 'ddl-chains',
    description: DESCRIPTION,
    quick: ctx.quick,
    unit: 'ms',
    contenders,
    ratios: [
      judge(`${pool}: errors in CREATE → INSERT → SELECT chains`, p.errors, '=', 0, { unit: 'statements', digits: 0 }),
      figure(`${pool}: error rate`, p.statements > 0 ? (p.errors / p.statements) * 100 : Number.NaN, { unit: '%' }),
      figure(`${REFERENCE}: error rate`, ref.statements > 0 ? (ref.errors / ref.statements) * 100 : Number.NaN, { unit: '%' }),
      ...['haproxy-source', 'haproxy-roundrobin', 'haproxy-leastconn-per-query']
        .filter((n) => names.includes(n))
        .map((n) => {
          const r = rowsFor(n);
          return figure(`${n}: error rate`, r.statements > 0 ? (r.errors / r.statements) * 100 : Number.NaN, { unit: '%' });
        }),
    ],
    figureLabels: {
      ...PHASE_FIGURE_LABELS,
      errors: 'statements that failed or read stale data (all rounds)',
      errorRatePct: 'errors / statements, %',
      chains: 'chains started (all rounds)',
      chainsFailed: 'chains that stopped at an error (all rounds)',
      tableMissing: 'errors saying the table does not exist (all rounds)',
      staleReads: 'SELECTs that counted other than the 1 row inserted (all rounds)',
      chainsPerSec: 'chains completed per second (mean over rounds)',
    },
    tables: [table],
    load: phase.load,
    size: { ...size },
    notes: [
      `JDBC-style systems (\`direct\`, \`haproxy-<balance>\`) share ${size.connections} persistent connections among the ${size.workers} workers, borrowed per statement (a worker waiting for a connection takes whichever comes back first), as an application with a small JDBC pool does; so consecutive statements of a chain may run on different connections, and so on different coordinators. The pools take each statement as it comes (pool.execute / pool.query), with their defaults (ddl: 'pin').`,
      '`balance source` sends every loopback client to one coordinator (all share 127.0.0.1), which is why it sees no propagation errors; it balances nothing either.',
      'Throughput is informative only: the JDBC-style sets hold fewer connections than the pools may open.',
      `The pool in headlines is ${pool} (createPool's default strategy).`,
      ...errorNotes(phase, 'ddl-chains'),
    ],
  };
}

/** The `ddl-chains` scenario. */
export const ddlChains: Scenario = {
  name: 'ddl-chains',
  description: 'CREATE → INSERT → SELECT chains with catalog propagation delay: errors per system',
  run: (ctx) => runDdlChains(ctx, ctx.quick ? DDL_CHAINS_SIZES.quick : DDL_CHAINS_SIZES.full),
};
