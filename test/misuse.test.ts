/**
 * Misuse of every statement entry point: a statement that is not a string,
 * parameters that do not fit the placeholders, an AbortSignal that already
 * fired, and calls on a released lease, an ended pool or a closed
 * connection. Each fails with its documented typed error, and nothing
 * reaches a server: every coordinator's `queries` and `operationsOpen`
 * counters are the same after the call as before it. At the end, nothing is
 * left open on the cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  AlreadyReleasedError,
  ClientClosedError,
  connect,
  createPool,
  ImpalaError,
  PoolClosedError,
  type Hs2Connection,
  type ImpalaErrorCode,
  type ImpalaPool,
  type PoolConnection,
} from '../src/index.js';
import { startCluster, type LocalCluster } from '../src/testing/index.js';
import { waitFor } from './support/pool-fixtures.js';

// Values that must never show up in an error message.
const SECRET = 'hunter2-secret-value';
const SECRET_2 = 'second-secret-value';
const STATEMENT_NUMBER = 424242;
const NEVER_IN_MESSAGES = [SECRET, SECRET_2, String(STATEMENT_NUMBER)];

/** Anything with the three statement methods: a pool, a session, a lease, a direct connection. */
interface StatementTarget {
  query(sql: string, params?: unknown, options?: unknown): Promise<unknown>;
  execute(sql: string, params?: unknown, options?: unknown): Promise<unknown>;
  stream(sql: string, params?: unknown, options?: unknown): AsyncGenerator<unknown, void, undefined>;
}
type Method = 'query' | 'execute' | 'stream';
const METHODS: readonly Method[] = ['query', 'execute', 'stream'];

/** What a row's call must fail with. */
interface Expected {
  type: abstract new (...args: never[]) => Error;
  /** The stable code; absent for a plain TypeError (bad arguments are not ImpalaErrors). */
  code?: ImpalaErrorCode;
}
const TYPE_ERROR: Expected = { type: TypeError };
const ABORTED: Expected = { type: AbortError, code: 'IMPALA_ABORTED' };
const CLIENT_CLOSED: Expected = { type: ClientClosedError, code: 'IMPALA_CLIENT_CLOSED' };
const POOL_CLOSED: Expected = { type: PoolClosedError, code: 'IMPALA_POOL_CLOSED' };
const ALREADY_RELEASED: Expected = { type: AlreadyReleasedError, code: 'IMPALA_ALREADY_RELEASED' };

interface Row {
  name: string;
  run: () => Promise<unknown>;
  expect: Expected;
}

/**
 * Calls one statement method. A stream is an async generator: building it
 * runs nothing, so its error must come from the first `next()`, after which
 * the generator is finished.
 */
async function invoke(target: StatementTarget, method: Method, args: readonly unknown[]): Promise<void> {
  const [sql, params, options] = args as [string, unknown, unknown];
  if (method !== 'stream') {
    await target[method](sql, params, options);
    return;
  }
  const rows = target.stream(sql, params, options);
  let first: IteratorResult<unknown, void>;
  try {
    first = await rows.next();
  } catch (err) {
    expect(await rows.next()).toEqual({ done: true, value: undefined });
    throw err;
  }
  await rows.return();
  throw new Error(
    `the stream's first next() did not throw; it gave ${JSON.stringify(first, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
  );
}

// One cluster and its clients for the whole file (rows are many and short).
let cluster: LocalCluster;
let pool: ImpalaPool;
let direct: Hs2Connection;
let endedPool: ImpalaPool;
let destroyedPool: ImpalaPool;
let closedDirect: Hs2Connection;

function hostPort(i: number): { host: string; port: number } {
  const [host, port] = cluster.hosts[i]!.split(':');
  return { host: host!, port: Number(port) };
}

function newPool(): ImpalaPool {
  return createPool({ hosts: cluster.hosts, healthCheckIntervalMs: 200, healthCheckTimeoutMs: 500, connectTimeoutMs: 1000 });
}

/** Per coordinator: what counts a statement that reached it. */
function sent(): Array<{ host: string; queries: number; operationsOpen: number }> {
  return cluster.stats().map((s) => ({ host: s.host, queries: s.queries, operationsOpen: s.operationsOpen }));
}

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 2 });
  pool = newPool();
  direct = await connect(hostPort(0));
  // A pool that did real work, then ended; one destroyed; a connection that was closed.
  endedPool = newPool();
  await endedPool.query('SELECT 1 AS a');
  await endedPool.end();
  destroyedPool = newPool();
  await destroyedPool.query('SELECT 1 AS a');
  destroyedPool.destroy();
  closedDirect = await connect(hostPort(1));
  await closedDirect.query('SELECT 1 AS a');
  await closedDirect.close();
});

afterAll(async () => {
  pool?.destroy();
  await direct?.close();
  await cluster?.close();
});

/** The places a statement can be run, each handing `fn` a target for the duration of one call. */
const surfaces: Array<{ name: string; use: (fn: (t: StatementTarget) => Promise<void>) => Promise<unknown> }> = [
  { name: 'pool', use: (fn) => fn(pool as unknown as StatementTarget) },
  { name: 'pool.session(fn) session', use: (fn) => pool.session((s) => fn(s as unknown as StatementTarget)) },
  {
    name: 'pool.connect() lease',
    use: async (fn) => {
      const lease = await pool.connect();
      try {
        await fn(lease as unknown as StatementTarget);
      } finally {
        lease.release();
      }
    },
  },
  { name: 'connect() connection', use: (fn) => fn(direct as unknown as StatementTarget) },
];

/** The misuses, as the arguments of a statement call (fresh ones for each row). */
const misuses: Array<{ name: string; args: () => unknown[]; expect: Expected }> = [
  { name: 'a number as the statement', args: () => [STATEMENT_NUMBER], expect: TYPE_ERROR },
  { name: 'undefined as the statement', args: () => [undefined], expect: TYPE_ERROR },
  { name: 'null as the statement', args: () => [null], expect: TYPE_ERROR },
  { name: 'an object as the statement', args: () => [{ sql: 'SELECT 1', password: SECRET }], expect: TYPE_ERROR },
  { name: 'a String object as the statement', args: () => [new String(`SELECT '${SECRET}' AS a`)], expect: TYPE_ERROR },
  { name: 'too few params for the ? placeholders', args: () => ['SELECT ? AS a, ? AS b', [SECRET]], expect: TYPE_ERROR },
  { name: 'too many params for the ? placeholders', args: () => ['SELECT ? AS a', [SECRET, SECRET_2]], expect: TYPE_ERROR },
  { name: 'params for a statement without placeholders', args: () => ['SELECT 1 AS a', [SECRET]], expect: TYPE_ERROR },
  { name: 'named params missing a :name', args: () => ['SELECT :a AS a, :b AS b', { a: SECRET }], expect: TYPE_ERROR },
  { name: 'named params with an unused name', args: () => ['SELECT :a AS a', { a: SECRET, extra: SECRET_2 }], expect: TYPE_ERROR },
  { name: 'an already-aborted signal', args: () => ['SELECT ? AS a', [SECRET], { signal: AbortSignal.abort() }], expect: ABORTED },
];

const statementRows: Row[] = surfaces.flatMap((surface) =>
  METHODS.flatMap((method) =>
    misuses.map((m) => ({
      name: `${surface.name} ${method}: ${m.name}`,
      run: () => surface.use((t) => invoke(t, method, m.args())),
      expect: m.expect,
    })),
  ),
);

/** A lease that was released; a session's lease kept past the end of its session(fn). */
async function releasedLease(): Promise<PoolConnection> {
  const lease = await pool.connect();
  lease.release();
  return lease;
}
async function escapedSessionLease(): Promise<PoolConnection> {
  return pool.session(async (s) => s);
}

const lifecycleRows: Row[] = [
  {
    name: 'lease release() a second time',
    run: async () => {
      const lease = await releasedLease();
      lease.release();
    },
    expect: ALREADY_RELEASED,
  },
  {
    name: 'a session lease released after session(fn) already released it',
    run: async () => (await escapedSessionLease()).release(),
    expect: ALREADY_RELEASED,
  },
  ...METHODS.map((method) => ({
    name: `released lease ${method}`,
    run: async () => invoke((await releasedLease()) as unknown as StatementTarget, method, ['SELECT 1 AS a']),
    expect: CLIENT_CLOSED,
  })),
  ...METHODS.map((method) => ({
    name: `session lease ${method} after session(fn) returned`,
    run: async () => invoke((await escapedSessionLease()) as unknown as StatementTarget, method, ['SELECT 1 AS a']),
    expect: CLIENT_CLOSED,
  })),
  ...(['end', 'destroy'] as const).flatMap((how) => {
    const closed = (): ImpalaPool => (how === 'end' ? endedPool : destroyedPool);
    const when = how === 'end' ? 'after await pool.end()' : 'after pool.destroy()';
    return [
      ...METHODS.map((method) => ({
        name: `pool ${method} ${when}`,
        run: () => invoke(closed() as unknown as StatementTarget, method, ['SELECT 1 AS a']),
        expect: POOL_CLOSED,
      })),
      {
        name: `pool.session(fn) ${when} (fn never runs)`,
        run: async () => {
          let fnRan = false;
          try {
            await closed().session(async () => {
              fnRan = true;
            });
          } finally {
            expect(fnRan).toBe(false);
          }
        },
        expect: POOL_CLOSED,
      },
      { name: `pool.connect() ${when}`, run: () => closed().connect(), expect: POOL_CLOSED },
    ];
  }),
  ...METHODS.map((method) => ({
    name: `connect() connection ${method} after close()`,
    run: () => invoke(closedDirect as unknown as StatementTarget, method, ['SELECT 1 AS a']),
    expect: CLIENT_CLOSED,
  })),
  ...(
    [
      ['a string', 'not a function'],
      ['undefined', undefined],
      ['null', null],
      ['an object', { fn: SECRET }],
    ] as const
  ).map(([what, fn]) => ({
    name: `pool.session(${what}) instead of a function`,
    run: () => pool.session(fn as never),
    expect: TYPE_ERROR,
  })),
];

describe('misuse fails with a typed error and sends nothing', () => {
  it.each([...statementRows, ...lifecycleRows].map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const before = sent();
    const err = await row.run().then(
      () => new Error('the call succeeded'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(row.expect.type);
    const e = err as Error & { code?: unknown };
    if (row.expect.code === undefined) {
      expect(err).not.toBeInstanceOf(ImpalaError);
    } else {
      expect(err).toBeInstanceOf(ImpalaError);
      expect(e.code).toBe(row.expect.code);
      // The library knows nothing was sent, so the caller may safely run it elsewhere.
      expect((err as ImpalaError).statementSent).toBe(false);
    }
    for (const value of NEVER_IN_MESSAGES) expect(e.message).not.toContain(value);
    expect(sent()).toEqual(before);
    // Sessions and leases were given back on the error path too.
    expect(pool.stats().leases).toBe(0);
  });
});

describe('after the misuse', () => {
  // The control for the rows above: a statement that does reach a server moves the counters.
  it.each(surfaces.flatMap((surface) => METHODS.map((method) => [`${surface.name} ${method}`, surface, method] as const)))(
    '%s still runs a good statement, and it is counted',
    async (_name, surface, method) => {
      const queries = (): number => cluster.stats().reduce((n, s) => n + s.queries, 0);
      const before = queries();
      await surface.use(async (t) => {
        if (method === 'stream') {
          const got: unknown[] = [];
          for await (const row of t.stream('SELECT ? AS a', [7])) got.push(row);
          expect(got).toEqual([{ a: 7 }]);
        } else {
          await t[method]('SELECT ? AS a', [7]);
        }
      });
      expect(queries()).toBe(before + 1);
    },
  );

  it('leaves no session or operation open on any coordinator once every pool is ended and every connection closed', async () => {
    await pool.end();
    await direct.close();
    expect(pool.stats().leases).toBe(0);
    const open = (): Array<{ host: string; sessionsOpen: number; operationsOpen: number }> =>
      cluster.stats().map((s) => ({ host: s.host, sessionsOpen: s.sessionsOpen, operationsOpen: s.operationsOpen }));
    await waitFor(
      () => open().every((s) => s.sessionsOpen === 0 && s.operationsOpen === 0),
      10_000,
      'every coordinator to have no session or operation open',
    ).catch((err: Error) => {
      throw new Error(`${err.message}; still open: ${JSON.stringify(open())}`);
    });
  });
});
