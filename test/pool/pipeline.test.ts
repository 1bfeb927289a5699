/**
 * The statement pipeline's decisions and bookkeeping, without a network: a
 * real Router (leastconn) over fake coordinators, a real RetryBudget and
 * AffinityTable on a manual clock, and attempt bodies that succeed or throw
 * on cue. Besides each case's outcome, every test checks that the pipeline
 * left nothing behind: no attempt still counted as running, every borrowed
 * connection given back exactly once (a lease's current connection stays
 * with the lease).
 *
 * Coordinators a, b, c have weights 3, 2, 1, so that leastconn over idle
 * coordinators tries them in the order a, b, c: which coordinator an attempt
 * lands on is then part of what a case can state.
 */
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ConnectError,
  ConnectionClosedError,
  ImpalaError,
  NoHealthyCoordinatorError,
  OutcomeUnknownError,
  QueryTimeoutError,
  ServerError,
} from '../../src/errors.js';
import type { Hs2Connection } from '../../src/hs2/connection.js';
import { StopCondition } from '../../src/hs2/deadline.js';
import { resolveStatementOptions } from '../../src/hs2/statement-options.js';
import { AffinityTable } from '../../src/pool/affinity.js';
import type { Coordinator } from '../../src/pool/coordinator.js';
import type { PoolEventMap, ReconnectEvent, RetryEvent } from '../../src/pool/events.js';
import type { ResolvedPoolOptions } from '../../src/pool/options.js';
import {
  openLease,
  runStatement,
  streamStatement,
  type AttemptBody,
  type LeaseBinding,
  type PoolContext,
  type StatementCall,
  type StreamBody,
} from '../../src/pool/pipeline.js';
import { RetryBudget } from '../../src/pool/retry-budget.js';
import { Router } from '../../src/pool/router.js';
import { LeastConnStrategy } from '../../src/pool/strategies/index.js';
import { classify } from '../../src/sql/classify.js';
import { ManualClock } from '../../src/util/clock.js';
import { FakeCoordinator, type FakeConnection, type FakeSpec } from '../support/fake-coordinator.js';

// lru-cache takes a clock reading of 0 for "no time", so the clock starts later.
const T0 = 10_000;
const WEIGHTED: FakeSpec[] = [
  { id: 'a', weight: 3 },
  { id: 'b', weight: 2 },
  { id: 'c', weight: 1 },
];

interface RigOptions {
  coordinators?: FakeSpec[];
  maxAttempts?: number;
  ddl?: ResolvedPoolOptions['ddl'];
  budget?: { ratio: number; minPerSecond: number };
}

type Rig = ReturnType<typeof rig>;

function rig(o: RigOptions = {}) {
  const clock = new ManualClock(T0);
  const coordinators = (o.coordinators ?? WEIGHTED).map((s) => new FakeCoordinator(s));
  const ddl = o.ddl ?? 'pin';
  const affinity = new AffinityTable({ affinityTtlMs: 60_000, catalogPropagationMs: 5_000, maxEntries: 100 }, () => clock.now());
  const router = new Router(() => coordinators.map((c) => c.asCoordinator), new LeastConnStrategy(), affinity, ddl === 'pin');
  const budget = new RetryBudget({ ratio: o.budget?.ratio ?? 0.2, minPerSecond: o.budget?.minPerSecond ?? 10, windowMs: 10_000 }, clock);
  const events: Array<{ event: keyof PoolEventMap; payload: unknown }> = [];
  const drained: string[] = [];
  const ctx: PoolContext = {
    options: { maxAttempts: o.maxAttempts ?? 3, ddl } as ResolvedPoolOptions,
    router,
    affinity,
    budget,
    clock,
    emit(event, ...args) {
      events.push({ event, payload: args[0] });
    },
    drain(c: Coordinator) {
      drained.push(c.id);
    },
    isClosed: () => false,
  };
  const byId = (id: string): FakeCoordinator => {
    const c = coordinators.find((x) => x.id === id);
    if (!c) throw new Error(`no fake coordinator ${id}`);
    return c;
  };
  const call = (sql: string | undefined, extra: Partial<StatementCall> = {}): StatementCall => ({
    statement: sql === undefined ? undefined : classify(sql),
    database: extra.lease?.state.database ?? 'default',
    affinityKey: undefined,
    stop: new StopCondition(undefined, undefined, 'statement', clock),
    ...extra,
  });
  const retries = (): RetryEvent[] => events.filter((e) => e.event === 'retry').map((e) => e.payload as RetryEvent);
  const reconnects = (): ReconnectEvent[] => events.filter((e) => e.event === 'reconnect').map((e) => e.payload as ReconnectEvent);
  return { clock, coordinators, byId, affinity, budget, ctx, events, drained, call, retries, reconnects };
}

/**
 * Nothing left behind: no attempt counted as running, no track/untrack out
 * of step, every borrowed connection given back once — except the ones a
 * lease still holds, which are given back not at all.
 */
function expectBalanced(r: Rig, ...held: Array<LeaseBinding | undefined>): void {
  const holding = new Set(held.map((l) => l?.conn as unknown as FakeConnection | undefined).filter((c) => c !== undefined));
  for (const c of r.coordinators) {
    expect(c.running.size, `${c.id} still counts attempts as running`).toBe(0);
    expect(c.unbalanced, `${c.id} saw track/untrack out of step`).toBe(0);
    for (const conn of c.borrowed) {
      expect(c.releasesOf(conn), `releases of ${String(conn)}`).toBe(holding.has(conn) ? 0 : 1);
    }
  }
  for (const l of held) expect(l?.busy ?? 0, 'lease busy count').toBe(0);
}

/** Each coordinator's releases in order: 'err' when given back with an error (to be discarded), else 'ok'. */
function releaseKinds(r: Rig): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of r.coordinators) if (c.releases.length > 0) out[c.id] = c.releases.map((x) => (x.err === undefined ? 'ok' : 'err'));
  return out;
}

function failureCounts(r: Rig): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of r.coordinators) if (c.failures.length > 0) out[c.id] = c.failures.length;
  return out;
}

async function outcome<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

const idOf = (conn: Hs2Connection): string => (conn as unknown as FakeConnection).coordinator;

// Fresh errors per case: the pipeline tags them (coordinator, statementSent).
const sentClosed = (): ImpalaError => new ConnectionClosedError('connection reset by peer', { statementSent: true });
const unsentClosed = (): ImpalaError => new ConnectionClosedError('write EPIPE', { statementSent: false });
const refused = (): ImpalaError => new ConnectError('connect ECONNREFUSED');
const analysis = (): ImpalaError => new ServerError("AnalysisException: Could not resolve table reference: 'default.nope'");
const shuttingDown = (): ImpalaError => new ServerError('Server is being shut down: grace period 5s');
const sessionGone = (): ImpalaError => new ServerError('Invalid session id: 4f2a');
const admission = (): ImpalaError => new ServerError('Rejected query from pool default-pool: queue full, limit=0, num_queued=0.');

/** An attempt's scripted fate: succeed, or throw what the function makes. */
type Fate = 'ok' | (() => unknown);

/** A body that plays `fates` in order (succeeding once they run out) and logs where each attempt ran and what it threw. */
function scripted(fates: Fate[]) {
  const ran: string[] = [];
  const thrown: unknown[] = [];
  const body: AttemptBody<string> = async (conn) => {
    const id = idOf(conn);
    const fate = fates[ran.length] ?? 'ok';
    ran.push(id);
    if (fate === 'ok') return `ok@${id}`;
    const err = fate();
    thrown.push(err);
    throw err;
  };
  return { body, ran, thrown };
}

interface ErrorExpectation {
  code?: string;
  type?: abstract new (...args: never[]) => unknown;
  /** The caller gets the very error the last attempt threw. */
  same?: boolean;
  statementSent?: boolean;
  /** NoHealthyCoordinatorError: the coordinators it lists, in order. */
  listed?: string[];
}

interface RunCase {
  name: string;
  sql: string;
  rig?: RigOptions;
  /** acquire() failures, per coordinator, in order. */
  acquire?: Record<string, Array<() => ImpalaError>>;
  fates: Fate[];
  expected: { result: string } | { error: ErrorExpectation };
  /** Where the body ran, in order. */
  ran: string[];
  retries: Array<Pick<RetryEvent, 'coordinator' | 'code' | 'reason'>>;
  /** Retries taken from the budget. */
  spent: number;
  /** recordFailure() calls per coordinator. */
  failures: Record<string, number>;
  releases?: Record<string, string[]>;
  drained?: string[];
}

const SENT_READ_RETRY = 'idempotent query failed after send';

const RUN_CASES: RunCase[] = [
  {
    name: 'a read failing after send runs again on another coordinator, with a retry event',
    sql: 'SELECT * FROM t',
    fates: [sentClosed, 'ok'],
    expected: { result: 'ok@b' },
    ran: ['a', 'b'],
    retries: [{ coordinator: 'a', code: 'IMPALA_CONNECTION_CLOSED', reason: SENT_READ_RETRY }],
    spent: 1,
    failures: { a: 1 },
    releases: { a: ['err'], b: ['ok'] },
  },
  {
    name: 'a DML failing after send gives OutcomeUnknownError and is not run again',
    sql: 'INSERT INTO t VALUES (1)',
    fates: [sentClosed],
    expected: { error: { type: OutcomeUnknownError, code: 'IMPALA_OUTCOME_UNKNOWN', statementSent: true } },
    ran: ['a'],
    retries: [],
    spent: 0,
    failures: { a: 1 },
    releases: { a: ['err'] },
  },
  {
    name: 'a DDL failing after send gives OutcomeUnknownError and is not run again',
    sql: 'CREATE TABLE u (x INT)',
    fates: [sentClosed],
    expected: { error: { type: OutcomeUnknownError, code: 'IMPALA_OUTCOME_UNKNOWN', statementSent: true } },
    ran: ['a'],
    retries: [],
    spent: 0,
    failures: { a: 1 },
  },
  {
    name: 'a connect failure runs again elsewhere outside the budget, even for DML',
    sql: 'INSERT INTO t VALUES (1)',
    acquire: { a: [refused] },
    fates: ['ok'],
    expected: { result: 'ok@b' },
    ran: ['b'],
    retries: [{ coordinator: 'a', code: 'IMPALA_CONNECT_FAILED', reason: 'not sent' }],
    spent: 0,
    failures: { a: 1 },
    releases: { b: ['ok'] },
  },
  {
    name: 'a failure known to be before send runs again elsewhere outside the budget, even for DML',
    sql: 'INSERT INTO t VALUES (1)',
    fates: [unsentClosed, 'ok'],
    expected: { result: 'ok@b' },
    ran: ['a', 'b'],
    retries: [{ coordinator: 'a', code: 'IMPALA_CONNECTION_CLOSED', reason: 'not sent' }],
    spent: 0,
    failures: { a: 1 },
  },
  {
    name: 'a server error is the answer: not run again, not held against the coordinator, connection kept',
    sql: 'SELECT * FROM nope',
    fates: [analysis],
    expected: { error: { same: true, code: 'IMPALA_SERVER' } },
    ran: ['a'],
    retries: [],
    spent: 0,
    failures: {},
    releases: { a: ['ok'] },
  },
  {
    name: 'a shutting-down answer drains the coordinator and runs again elsewhere outside the budget, even for DML',
    sql: 'INSERT INTO t VALUES (1)',
    fates: [shuttingDown, 'ok'],
    expected: { result: 'ok@b' },
    ran: ['a', 'b'],
    retries: [{ coordinator: 'a', code: 'IMPALA_SERVER', reason: 'shutting-down' }],
    spent: 0,
    failures: {},
    drained: ['a'],
  },
  {
    name: 'an admission rejection runs again elsewhere within the budget, even for DML',
    sql: 'INSERT INTO t VALUES (1)',
    fates: [admission, 'ok'],
    expected: { result: 'ok@b' },
    ran: ['a', 'b'],
    retries: [{ coordinator: 'a', code: 'IMPALA_SERVER', reason: 'admission' }],
    spent: 1,
    failures: {},
  },
  {
    name: 'a lost session runs again on a new connection, its coordinator allowed',
    sql: 'CREATE TABLE u (x INT)',
    fates: [sessionGone, 'ok'],
    expected: { result: 'ok@a' },
    ran: ['a', 'a'],
    retries: [{ coordinator: 'a', code: 'IMPALA_SERVER', reason: 'session-gone' }],
    spent: 0,
    failures: {},
    releases: { a: ['err', 'ok'] },
  },
  {
    name: 'an unexpected non-Impala error counts as a broken connection after send',
    sql: 'SELECT * FROM t',
    fates: [() => new Error('socket hang up'), 'ok'],
    expected: { result: 'ok@b' },
    ran: ['a', 'b'],
    retries: [{ coordinator: 'a', code: 'IMPALA_PROTOCOL', reason: SENT_READ_RETRY }],
    spent: 1,
    failures: { a: 1 },
  },
  {
    name: 'retries stop at maxAttempts with NoHealthyCoordinatorError listing each coordinator tried',
    sql: 'SELECT * FROM t',
    rig: { coordinators: [...WEIGHTED.map((c) => ({ ...c, weight: c.weight! + 1 })), { id: 'd', weight: 1 }], maxAttempts: 3 },
    fates: [sentClosed, sentClosed, sentClosed],
    expected: {
      error: { type: NoHealthyCoordinatorError, code: 'IMPALA_NO_HEALTHY_COORDINATOR', statementSent: true, listed: ['a', 'b', 'c'] },
    },
    ran: ['a', 'b', 'c'],
    retries: [
      { coordinator: 'a', code: 'IMPALA_CONNECTION_CLOSED', reason: SENT_READ_RETRY },
      { coordinator: 'b', code: 'IMPALA_CONNECTION_CLOSED', reason: SENT_READ_RETRY },
    ],
    spent: 2,
    failures: { a: 1, b: 1, c: 1 },
  },
  {
    name: 'connect failures stop at maxAttempts too, listing each coordinator, nothing sent',
    sql: 'INSERT INTO t VALUES (1)',
    rig: { maxAttempts: 2 },
    acquire: { a: [refused], b: [refused] },
    fates: [],
    expected: { error: { type: NoHealthyCoordinatorError, statementSent: false, listed: ['a', 'b'] } },
    ran: [],
    retries: [{ coordinator: 'a', code: 'IMPALA_CONNECT_FAILED', reason: 'not sent' }],
    spent: 0,
    failures: { a: 1, b: 1 },
  },
  {
    name: 'with every coordinator tried before maxAttempts, the error lists them all; no retry is announced or paid for after the last',
    sql: 'SELECT * FROM t',
    rig: { coordinators: WEIGHTED.slice(0, 2), maxAttempts: 3 },
    fates: [sentClosed, sentClosed],
    expected: { error: { type: NoHealthyCoordinatorError, statementSent: true, listed: ['a', 'b'] } },
    ran: ['a', 'b'],
    retries: [{ coordinator: 'a', code: 'IMPALA_CONNECTION_CLOSED', reason: SENT_READ_RETRY }],
    spent: 1,
    failures: { a: 1, b: 1 },
  },
  {
    name: 'an empty retry budget stops a budgeted retry: the failure is the answer',
    sql: 'SELECT * FROM t',
    rig: { budget: { ratio: 0, minPerSecond: 0 } },
    fates: [sentClosed],
    expected: { error: { same: true, code: 'IMPALA_CONNECTION_CLOSED' } },
    ran: ['a'],
    retries: [],
    spent: 0,
    failures: { a: 1 },
  },
  {
    name: 'an empty retry budget still lets a connect failure go elsewhere',
    sql: 'SELECT * FROM t',
    rig: { budget: { ratio: 0, minPerSecond: 0 } },
    acquire: { a: [refused] },
    fates: ['ok'],
    expected: { result: 'ok@b' },
    ran: ['b'],
    retries: [{ coordinator: 'a', code: 'IMPALA_CONNECT_FAILED', reason: 'not sent' }],
    spent: 0,
    failures: { a: 1 },
  },
  {
    name: 'a TypeError from the body is returned as it is, not retried, not held against anyone',
    sql: 'SELECT * FROM t',
    fates: [() => new TypeError('row mapper is not a function')],
    expected: { error: { same: true, type: TypeError } },
    ran: ['a'],
    retries: [],
    spent: 0,
    failures: {},
    releases: { a: ['ok'] },
  },
];

describe('runStatement', () => {
  it.each(RUN_CASES)('$name', async (c) => {
    const r = rig(c.rig);
    for (const [id, errs] of Object.entries(c.acquire ?? {})) r.byId(id).acquireScript.push(...errs.map((e) => e()));
    const { body, ran, thrown } = scripted(c.fates);
    const call = r.call(c.sql);
    const got = await outcome(runStatement(r.ctx, call, body));
    call.stop.dispose();

    if ('result' in c.expected) {
      expect(got.error).toBeUndefined();
      expect(got.value).toBe(c.expected.result);
    } else {
      const e = c.expected.error;
      const err = got.error as ImpalaError;
      expect(err).toBeDefined();
      if (e.same) expect(err).toBe(thrown[thrown.length - 1]);
      if (e.type) expect(err).toBeInstanceOf(e.type);
      if (e.code) expect(err.code).toBe(e.code);
      if (e.statementSent !== undefined) expect(err.statementSent).toBe(e.statementSent);
      if (e.listed) expect((err as NoHealthyCoordinatorError).attempts.map((a) => a.coordinator)).toEqual(e.listed);
      if (e.listed) for (const id of e.listed) expect(err.message).toContain(id);
    }
    expect(ran).toEqual(c.ran);
    expect(r.retries().map(({ coordinator, code, reason }) => ({ coordinator, code, reason }))).toEqual(c.retries);
    expect(r.budget.spent).toBe(c.spent);
    expect(failureCounts(r)).toEqual(c.failures);
    if (c.releases) expect(releaseKinds(r)).toEqual(c.releases);
    expect(r.drained).toEqual(c.drained ?? []);
    expectBalanced(r);
  });

  it('an OutcomeUnknownError names the coordinator and keeps the failure as its cause', async () => {
    const r = rig();
    const { body, thrown } = scripted([sentClosed]);
    const err = (await outcome(runStatement(r.ctx, r.call('INSERT INTO t VALUES (1)'), body))).error as OutcomeUnknownError;
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.coordinator).toBe('a');
    expect(err.cause).toBe(thrown[0]);
    expect(err.message).toMatch(/may or may not have been applied/);
  });

  it('a success is recorded once, with its latency on the injected clock', async () => {
    const r = rig();
    const got = await runStatement(r.ctx, r.call('SELECT 1'), async (conn) => {
      r.clock.advance(25);
      return idOf(conn);
    });
    expect(got).toBe('a');
    expect(r.byId('a').successes).toBe(1);
    expect(r.byId('a').statements).toEqual([25]);
    expectBalanced(r);
  });

  it('counts an attempt as running on its coordinator exactly while its body runs', async () => {
    const r = rig();
    const seen: number[] = [];
    await runStatement(r.ctx, r.call('SELECT 1'), async () => {
      seen.push(r.byId('a').running.size);
      return 'ok';
    });
    expect(seen).toEqual([1]);
    expectBalanced(r);
  });
});

describe('runStatement and the call stop', () => {
  it.each<[string, (clock: ManualClock) => StopCondition, string]>([
    ['an aborted signal', (clock) => new StopCondition(AbortSignal.abort(), undefined, 'statement', clock), 'IMPALA_ABORTED'],
    ['a deadline already passed', (clock) => new StopCondition(undefined, 0, 'statement', clock), 'IMPALA_QUERY_TIMEOUT'],
  ])('a stop already stopped (%s) gives its error with statementSent false, nothing borrowed', async (_name, make, code) => {
    const r = rig();
    const stop = make(r.clock);
    const { body, ran } = scripted(['ok']);
    const err = (await outcome(runStatement(r.ctx, r.call('INSERT INTO t VALUES (1)', { stop }), body))).error as ImpalaError;
    stop.dispose();
    expect(err).toBe(stop.reason);
    expect(err.code).toBe(code);
    expect(err.statementSent).toBe(false);
    expect(ran).toEqual([]);
    expect(r.coordinators.map((c) => c.acquires)).toEqual([0, 0, 0]);
    expect(r.retries()).toEqual([]);
    expectBalanced(r);
  });

  it('a stop during a sent statement is the answer, with statementSent true, not retried or held against anyone', async () => {
    const r = rig();
    const stop = new StopCondition(undefined, 1000, 'statement', r.clock);
    const ran: string[] = [];
    const err = (
      await outcome(
        runStatement(r.ctx, r.call('SELECT * FROM t', { stop }), async (conn) => {
          ran.push(idOf(conn));
          r.clock.advance(1000);
          throw stop.reason;
        }),
      )
    ).error as ImpalaError;
    stop.dispose();
    expect(err).toBeInstanceOf(QueryTimeoutError);
    expect(err.statementSent).toBe(true);
    expect(ran).toEqual(['a']);
    expect(r.retries()).toEqual([]);
    expect(failureCounts(r)).toEqual({});
    expectBalanced(r);
  });

  it('a caller abort while waiting for a connection says nothing was sent', async () => {
    const r = rig();
    const ac = new AbortController();
    const stop = new StopCondition(ac.signal, undefined, 'statement', r.clock);
    // The coordinator's acquire leaves its queue with the stop's reason when the call stops.
    r.byId('a').acquire = (s?: StopCondition) => {
      r.byId('a').acquires += 1;
      return new Promise<Hs2Connection>((_resolve, reject) => s!.onStop(() => reject(s!.reason)));
    };
    const running = outcome(runStatement(r.ctx, r.call('INSERT INTO t VALUES (1)', { stop }), async () => 'ok'));
    ac.abort();
    const err = (await running).error as ImpalaError;
    stop.dispose();
    expect(err).toBeInstanceOf(AbortError);
    expect(err.statementSent).toBe(false);
    expect(r.byId('b').acquires).toBe(0);
    expectBalanced(r);
  });
});

describe('runStatement pins what it wrote', () => {
  it.each<[string, RigOptions, string, Fate[], string | undefined]>([
    ['DDL success pins the table to the coordinator that ran it', {}, 'CREATE TABLE sales.t (x INT)', ['ok'], 'b'],
    ['DML success pins the table to the coordinator that ran it', {}, 'INSERT INTO sales.t VALUES (1)', ['ok'], 'b'],
    ['failed DDL pins nothing', {}, 'CREATE TABLE sales.t (x INT)', [analysis], undefined],
    ["ddl: 'none' pins nothing", { ddl: 'none' }, 'CREATE TABLE sales.t (x INT)', ['ok'], undefined],
    ["ddl: 'sync' pins nothing", { ddl: 'sync' }, 'CREATE TABLE sales.t (x INT)', ['ok'], undefined],
    ['a read pins nothing', {}, 'SELECT * FROM sales.t', ['ok'], undefined],
  ])('%s', async (_name, options, sql, fates, pinned) => {
    const r = rig(options);
    // The first choice cannot connect, so the statement runs on the second: the pin must name where it ran.
    r.byId('a').acquireScript.push(refused());
    await outcome(runStatement(r.ctx, r.call(sql), scripted(fates).body));
    expect(r.affinity.tableCoordinator(classify('SELECT * FROM sales.t'), 'default')).toBe(pinned);
    // A later read of the table follows the pin (leastconn alone would pick a).
    const next = scripted(['ok']);
    await runStatement(r.ctx, r.call('SELECT count(*) FROM sales.t'), next.body);
    expect(next.ran).toEqual([pinned ?? 'a']);
    expectBalanced(r);
  });
});

interface StreamCase {
  name: string;
  sql: string;
  acquire?: Record<string, Array<() => ImpalaError>>;
  /**
   * Per attempt: rows to yield, then the failure to throw, if any. Cases that
   * must not run again still script a second attempt, so that running again
   * would show as rows delivered twice.
   */
  attempts: Array<{ rows: number; fail?: () => unknown }>;
  rows: string[];
  /** The caller's error after the rows: the very error the last attempt threw. */
  thrown: boolean;
  ran: string[];
  retries: number;
}

const STREAM_CASES: StreamCase[] = [
  {
    name: 'a stream that succeeds delivers its rows once',
    sql: 'SELECT * FROM t',
    attempts: [{ rows: 3 }],
    rows: ['a:0', 'a:1', 'a:2'],
    thrown: false,
    ran: ['a'],
    retries: 0,
  },
  {
    name: 'a stream failing before its first row is redispatched',
    sql: 'SELECT * FROM t',
    attempts: [{ rows: 0, fail: sentClosed }, { rows: 2 }],
    rows: ['b:0', 'b:1'],
    thrown: false,
    ran: ['a', 'b'],
    retries: 1,
  },
  {
    name: 'a stream whose connect fails is redispatched',
    sql: 'SELECT * FROM t',
    acquire: { a: [refused] },
    attempts: [{ rows: 2 }],
    rows: ['b:0', 'b:1'],
    thrown: false,
    ran: ['b'],
    retries: 1,
  },
  {
    name: 'a stream failing after rows is thrown, not run again',
    sql: 'SELECT * FROM t',
    attempts: [{ rows: 2, fail: sentClosed }, { rows: 2 }],
    rows: ['a:0', 'a:1'],
    thrown: true,
    ran: ['a'],
    retries: 0,
  },
  {
    name: 'a stream failing after rows with a shutting-down answer is thrown, not run again',
    sql: 'SELECT * FROM t',
    attempts: [{ rows: 2, fail: shuttingDown }, { rows: 2 }],
    rows: ['a:0', 'a:1'],
    thrown: true,
    ran: ['a'],
    retries: 0,
  },
  {
    name: 'a stream failing after rows with a lost session is thrown, not run again',
    sql: 'SELECT * FROM t',
    attempts: [{ rows: 2, fail: sessionGone }, { rows: 2 }],
    rows: ['a:0', 'a:1'],
    thrown: true,
    ran: ['a'],
    retries: 0,
  },
  {
    name: 'a stream failing after rows with an error marked not sent is thrown, not run again',
    sql: 'SELECT * FROM t',
    attempts: [{ rows: 2, fail: unsentClosed }, { rows: 2 }],
    rows: ['a:0', 'a:1'],
    thrown: true,
    ran: ['a'],
    retries: 0,
  },
];

function streamScript(attempts: StreamCase['attempts']) {
  const ran: string[] = [];
  const thrown: unknown[] = [];
  const body: StreamBody<string> = async function* (conn) {
    const id = idOf(conn);
    const plan = attempts[ran.length] ?? { rows: 0 };
    ran.push(id);
    for (let i = 0; i < plan.rows; i++) yield `${id}:${i}`;
    if (plan.fail) {
      const err = plan.fail();
      thrown.push(err);
      throw err;
    }
  };
  return { body, ran, thrown };
}

async function drainStream(gen: AsyncGenerator<string>): Promise<{ rows: string[]; error?: unknown }> {
  const rows: string[] = [];
  try {
    for await (const row of gen) rows.push(row);
    return { rows };
  } catch (error) {
    return { rows, error };
  }
}

describe('streamStatement', () => {
  it.each(STREAM_CASES)('$name', async (c) => {
    const r = rig();
    for (const [id, errs] of Object.entries(c.acquire ?? {})) r.byId(id).acquireScript.push(...errs.map((e) => e()));
    const { body, ran, thrown } = streamScript(c.attempts);
    const call = r.call(c.sql);
    const got = await drainStream(streamStatement(r.ctx, call, body));
    call.stop.dispose();
    expect(got.rows).toEqual(c.rows);
    if (c.thrown) expect(got.error).toBe(thrown[thrown.length - 1]);
    else expect(got.error).toBeUndefined();
    expect(ran).toEqual(c.ran);
    expect(r.retries()).toHaveLength(c.retries);
    expectBalanced(r);
  });

  it('a finished stream counts as a success but records no latency (its pace is the consumer’s)', async () => {
    const r = rig();
    const got = await drainStream(
      streamStatement(r.ctx, r.call('SELECT * FROM t'), async function* (conn) {
        r.clock.advance(500);
        yield idOf(conn);
      }),
    );
    expect(got.rows).toEqual(['a']);
    expect(r.byId('a').successes).toBe(1);
    expect(r.byId('a').statements).toEqual([]);
    expectBalanced(r);
  });

  it('a consumer that breaks out gives no verdict and leaves nothing running or borrowed', async () => {
    const r = rig();
    let closed = false;
    const rows: string[] = [];
    for await (const row of streamStatement(r.ctx, r.call('SELECT * FROM t'), async function* (conn) {
      try {
        for (let i = 0; i < 10; i++) yield `${idOf(conn)}:${i}`;
      } finally {
        closed = true;
      }
    })) {
      rows.push(row);
      if (rows.length === 2) break;
    }
    expect(rows).toEqual(['a:0', 'a:1']);
    expect(closed).toBe(true);
    expect(r.byId('a').successes).toBe(0);
    expect(failureCounts(r)).toEqual({});
    expect(releaseKinds(r)).toEqual({ a: ['ok'] });
    expectBalanced(r);
  });
});

const so = resolveStatementOptions(undefined);

/** What a lease statement's body does: run it on the connection (which tracks USE and SET). */
function execBody(sql: string): AttemptBody<string> {
  return async (conn, stop) => {
    await conn.runExecute(sql, so, stop);
    return idOf(conn);
  };
}

async function inLease(r: Rig, lease: LeaseBinding, sql: string, body: AttemptBody<string> = execBody(sql)): Promise<string> {
  const call = r.call(sql, { lease });
  try {
    return await runStatement(r.ctx, call, body);
  } finally {
    call.stop.dispose();
  }
}

async function open(r: Rig): Promise<LeaseBinding> {
  const call = r.call(undefined);
  try {
    return await openLease(r.ctx, call);
  } finally {
    call.stop.dispose();
  }
}

const fakeOf = (lease: LeaseBinding): FakeConnection => lease.conn as unknown as FakeConnection;

describe('openLease', () => {
  it('binds the lease to the connection routing picks, keeping it borrowed', async () => {
    const r = rig();
    const lease = await open(r);
    expect(lease.coordinator.id).toBe('a');
    expect(lease.conn).toBe(r.byId('a').borrowed[0]);
    expect(lease.state).toEqual({ database: undefined, options: {} });
    expect(r.byId('a').successes).toBe(1);
    expect(r.retries()).toEqual([]);
    expectBalanced(r, lease);
  });

  it('redispatches a failed connect to another coordinator', async () => {
    const r = rig();
    r.byId('a').acquireScript.push(refused());
    const lease = await open(r);
    expect(lease.coordinator.id).toBe('b');
    expect(r.retries().map((e) => [e.coordinator, e.reason])).toEqual([['a', 'not sent']]);
    expect(failureCounts(r)).toEqual({ a: 1 });
    expectBalanced(r, lease);
  });

  it('fails with NoHealthyCoordinatorError when no coordinator connects', async () => {
    const r = rig();
    for (const c of r.coordinators) c.acquireScript.push(refused());
    const err = (await outcome(open(r))).error as NoHealthyCoordinatorError;
    expect(err).toBeInstanceOf(NoHealthyCoordinatorError);
    expect(err.attempts.map((a) => a.coordinator)).toEqual(['a', 'b', 'c']);
    expect(err.statementSent).toBe(false);
    expectBalanced(r);
  });
});

describe('a lease', () => {
  it('keeps its coordinator and connection between statements', async () => {
    const r = rig();
    const lease = await open(r);
    const conn = fakeOf(lease);
    for (const sql of ['USE sales', 'SET MEM_LIMIT=1g', 'SELECT 1', 'INSERT INTO t VALUES (1)']) {
      expect(await inLease(r, lease, sql)).toBe('a');
      expect(lease.conn).toBe(conn);
    }
    expect(conn.executed).toEqual(['USE sales', 'SET MEM_LIMIT=1g', 'SELECT 1', 'INSERT INTO t VALUES (1)']);
    expect(lease.state).toEqual({ database: 'sales', options: { MEM_LIMIT: '1g' } });
    expect(r.byId('a').acquires).toBe(1);
    expectBalanced(r, lease);
  });

  it('moves where a table pin points, replaying its USE and SET there', async () => {
    const r = rig();
    const lease = await open(r);
    const first = fakeOf(lease);
    await inLease(r, lease, 'USE sales');
    await inLease(r, lease, 'SET MEM_LIMIT=1g');
    // DDL on c moments ago: c is the one coordinator sure to know the table.
    r.affinity.pinWrites(classify('CREATE TABLE t (x INT)'), 'sales', 'c');
    expect(await inLease(r, lease, 'SELECT * FROM t')).toBe('c');
    expect(lease.coordinator.id).toBe('c');
    const moved = fakeOf(lease);
    expect(moved).toBe(r.byId('c').borrowed[0]);
    expect(moved.executed).toEqual(['USE `sales`', "SET MEM_LIMIT='1g'", 'SELECT * FROM t']);
    expect(lease.state).toEqual({ database: 'sales', options: { MEM_LIMIT: '1g' } });
    // The old connection went back once, as a healthy one; moving is not a reconnect.
    expect(r.byId('a').releases).toEqual([{ conn: first, err: undefined }]);
    expect(r.reconnects()).toEqual([]);
    // And it stays there.
    expect(await inLease(r, lease, 'SELECT 1')).toBe('c');
    expectBalanced(r, lease);
  });

  it('does not move while one of its streams is open', async () => {
    const r = rig();
    const lease = await open(r);
    const conn = fakeOf(lease);
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const streamCall = r.call('SELECT * FROM big', { lease });
    const stream = streamStatement(r.ctx, streamCall, async function* (c) {
      yield `${idOf(c)}:0`;
      await finished;
      yield `${idOf(c)}:1`;
    });
    expect((await stream.next()).value).toBe('a:0');
    expect(lease.busy).toBe(1);

    r.affinity.pinWrites(classify('CREATE TABLE t (x INT)'), 'default', 'c');
    expect(await inLease(r, lease, 'SELECT * FROM t')).toBe('a');
    expect(lease.conn).toBe(conn);
    expect(r.byId('c').acquires).toBe(0);

    finish();
    expect((await drainStream(stream)).rows).toEqual(['a:1']);
    streamCall.stop.dispose();
    expect(lease.busy).toBe(0);
    // Free again, it follows the pin.
    expect(await inLease(r, lease, 'SELECT * FROM t')).toBe('c');
    expectBalanced(r, lease);
  });

  it('replaces a connection found closed on the same coordinator, replaying its state, with a reconnect event', async () => {
    const r = rig();
    const lease = await open(r);
    const first = fakeOf(lease);
    await inLease(r, lease, 'USE sales');
    first.open = false;
    first.closedReason = new ConnectionClosedError('session expired after 600 s idle');
    expect(await inLease(r, lease, 'SELECT 1')).toBe('a');
    const second = fakeOf(lease);
    expect(second).not.toBe(first);
    expect(second.executed).toEqual(['USE `sales`', 'SELECT 1']);
    expect(r.byId('a').releasesOf(first)).toBe(1);
    expect(r.reconnects()).toEqual([{ coordinator: 'a', reason: 'session expired after 600 s idle' }]);
    expectBalanced(r, lease);
  });

  it('moves, with its state, when its connection breaks during a read; the broken one is released once', async () => {
    const r = rig();
    const lease = await open(r);
    const first = fakeOf(lease);
    await inLease(r, lease, 'USE sales');
    const failure = sentClosed();
    let calls = 0;
    const got = await inLease(r, lease, 'SELECT * FROM t', async (conn, stop) => {
      calls += 1;
      if (calls === 1) throw failure;
      return execBody('SELECT * FROM t')(conn, stop);
    });
    expect(got).toBe('b');
    expect(lease.coordinator.id).toBe('b');
    expect(fakeOf(lease).executed).toEqual(['USE `sales`', 'SELECT * FROM t']);
    expect(r.byId('a').releases).toEqual([{ conn: first, err: failure }]);
    expect(r.retries().map((e) => e.coordinator)).toEqual(['a']);
    expectBalanced(r, lease);
  });

  it('a DML whose move fails while replaying USE was never sent: not an unknown outcome, and run at most once', async () => {
    const r = rig();
    const lease = await open(r);
    await inLease(r, lease, 'USE sales');
    r.affinity.pinWrites(classify('CREATE TABLE t (x INT)'), 'sales', 'c');
    // The connection the lease would move to breaks on the replayed USE, after sending it.
    r.byId('c').onConnection = (conn) => (conn.failNextExecute = sentClosed());
    const got = await outcome(inLease(r, lease, 'INSERT INTO t VALUES (1)'));
    const inserts = r.coordinators
      .flatMap((c) => c.borrowed)
      .flatMap((c) => c.executed)
      .filter((s) => s.startsWith('INSERT'));
    expect(inserts.length).toBeLessThanOrEqual(1);
    expect(got.error).not.toBeInstanceOf(OutcomeUnknownError);
    if (got.error) expect((got.error as ImpalaError).statementSent).toBe(false);
    expectBalanced(r, lease);
  });
});
