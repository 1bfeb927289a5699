/**
 * Round trips a caller waits for, counted where they land: the test
 * coordinator's per-method request counters (`stats().rpcs`), read the
 * moment the caller's promise resolves. A query with a result set costs
 * ExecuteStatement, GetResultSetMetadata and FetchResults (which waits on
 * the server for the rows, answering "no rows yet" after
 * FETCH_ROWS_TIMEOUT_MS; it is pipelined behind the metadata call, so the
 * caller waits for two exchanges, which test/hs2/rpc-channel.test.ts shows
 * on the socket); its close follows after the caller has its rows.
 * Statements without a result set are polled until finished and closed
 * before the caller hears, so DML row counts arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Hs2Connection, type ImpalaError } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { waitFor } from '../support/pool-fixtures.js';

let cluster: LocalCluster;
let conn: Hs2Connection;

function hostPort(): { host: string; port: number } {
  const [host, port] = cluster.hosts[0]!.split(':');
  return { host: host!, port: Number(port) };
}

const stats = () => cluster.stats()[0]!;
const openOperations = (): number => stats().operationsOpen;

/** Requests the coordinator received since `before`, by method (zero counts left out). */
function since(before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(stats().rpcs)) if (n - (before[k] ?? 0) > 0) out[k] = n - (before[k] ?? 0);
  return out;
}

/**
 * Runs `call` and returns what the server received by the time the
 * caller's promise resolved (the caller's continuation runs before any
 * later socket event, so nothing sent after can have landed), and then once
 * the connection's background work settled.
 */
async function count<T>(
  c: Hs2Connection,
  call: () => Promise<T>,
): Promise<{ result: T; atResolve: Record<string, number>; settled: Record<string, number>; backgroundAtResolve: boolean }> {
  await c.settled();
  const before = { ...stats().rpcs };
  const result = await call();
  const atResolve = since(before);
  const backgroundAtResolve = c.backgroundWork;
  await c.settled();
  return { result, atResolve, settled: since(before), backgroundAtResolve };
}

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 1 });
  conn = await connect(hostPort());
  await conn.execute('CREATE TABLE rt (a INT)');
});

afterAll(async () => {
  await conn?.close();
  await cluster?.close();
});

describe('round trips per statement', () => {
  it('a short SELECT: the caller waits for ExecuteStatement, GetResultSetMetadata, FetchResults; the close follows', async () => {
    const { result, atResolve, settled, backgroundAtResolve } = await count(conn, () => conn.query('SELECT 1 AS one'));
    expect(result.rows).toEqual([{ one: 1 }]);
    expect(atResolve).toEqual({ ExecuteStatement: 1, GetResultSetMetadata: 1, FetchResults: 1 });
    expect(backgroundAtResolve).toBe(true);
    expect(settled).toEqual({ ExecuteStatement: 1, GetResultSetMetadata: 1, FetchResults: 1, CloseImpalaOperation: 1 });
    expect(conn.backgroundWork).toBe(false);
    expect(openOperations()).toBe(0);
  });

  it('a short SELECT waits for two round trips: the first fetch travels with the metadata call, the next statement with the close', async () => {
    // 50 ms per answer, so that a request written before the answer ahead of it is sure to arrive before it.
    await cluster.coordinators[0]!.setLatency(50);
    try {
      await conn.settled();
      const before = stats();
      await conn.query('SELECT 1 AS one');
      await conn.query('SELECT 2 AS two');
      await conn.settled();
      const after = stats();
      const sent = Object.values(after.rpcs).reduce((a, b) => a + b, 0) - Object.values(before.rpcs).reduce((a, b) => a + b, 0);
      const pipelined = after.rpcsPipelined - before.rpcsPipelined;
      // Two queries: 4 requests each; pipelined: each first FetchResults, and the second ExecuteStatement behind the first close.
      expect(sent).toBe(8);
      expect(pipelined).toBe(3);
      // What the callers waited for: ExecuteStatement and metadata+rows for each, plus the close nobody waits for.
      expect(sent - pipelined).toBe(5);
    } finally {
      await cluster.coordinators[0]!.setLatency(0);
    }
  });

  // Statements without a result set keep polling and close before the caller hears:
  // closing a running DML would cancel it, and the close carries its row count.
  it.each([
    ['execute(INSERT)', (c: Hs2Connection) => c.execute('INSERT INTO rt VALUES (1), (2)'), { rowsAffected: 2 }],
    ['query(INSERT)', (c: Hs2Connection) => c.query('INSERT INTO rt VALUES (3)'), { rows: [] }],
    ['execute(DDL)', (c: Hs2Connection) => c.execute('CREATE TABLE rt_ddl (a INT)'), { rowsAffected: 0 }],
    ['execute(SELECT)', (c: Hs2Connection) => c.execute('SELECT 1'), { rowsAffected: 0 }],
  ] as const)(
    '%s: ExecuteStatement, GetOperationStatus until finished, CloseImpalaOperation, all before the caller hears',
    async (_name, call, expected) => {
      const { result, atResolve, settled, backgroundAtResolve } = await count(conn, () => call(conn) as Promise<unknown>);
      expect(result).toMatchObject(expected);
      const { GetOperationStatus: polls, ...rest } = atResolve;
      expect(polls).toBeGreaterThanOrEqual(1);
      expect(rest).toEqual({ ExecuteStatement: 1, CloseImpalaOperation: 1 });
      expect(backgroundAtResolve).toBe(false);
      expect(settled).toEqual(atResolve);
    },
  );

  it('the next call queues behind the close in flight', async () => {
    await conn.query('SELECT 1');
    const pending = conn.pendingCall;
    if (pending) expect(pending).toMatchObject({ method: 'CloseImpalaOperation', background: true });
    expect((await conn.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await conn.settled();
    expect(openOperations()).toBe(0);
  });

  it('a stream fetches without polling and closes before the loop ends', async () => {
    const before = { ...stats().rpcs };
    const rows: unknown[] = [];
    for await (const row of conn.stream('SELECT a FROM rt ORDER BY a')) rows.push(row);
    expect(rows).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(since(before)).toEqual({ ExecuteStatement: 1, GetResultSetMetadata: 1, FetchResults: 1, CloseImpalaOperation: 1 });
  });
});

describe('a query still running when its fetch times out on the server', () => {
  it('gets "no rows yet" answers (FETCH_ROWS_TIMEOUT_MS=200) and still returns its rows, without status polls', async () => {
    const started = Date.now();
    const { result, atResolve } = await count(conn, () =>
      conn.query('SELECT sleep(1500) AS s', [], { queryOptions: { FETCH_ROWS_TIMEOUT_MS: 200 } }),
    );
    expect(result.rows).toEqual([{ s: true }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1490);
    const { FetchResults: fetches, ...rest } = atResolve;
    expect(rest).toEqual({ ExecuteStatement: 1, GetResultSetMetadata: 1 });
    // About one fetch per 200 ms of the 1.5 s: more than one (empty answers came), and no tight loop.
    expect(fetches).toBeGreaterThanOrEqual(5);
    expect(fetches).toBeLessThanOrEqual(12);
  });

  it("the connection option sets it for every statement (a statement's own value wins)", async () => {
    const c = await connect({ ...hostPort(), fetchRowsTimeoutMs: 300 });
    try {
      const { atResolve } = await count(c, () => c.query('SELECT sleep(1000) AS s'));
      // About one per 300 ms (the default, 100 ms, would make about ten).
      expect(atResolve.FetchResults).toBeGreaterThanOrEqual(2);
      expect(atResolve.FetchResults).toBeLessThanOrEqual(6);
      const own = await count(c, () => c.query('SELECT sleep(700) AS s', [], { queryOptions: { fetch_rows_timeout_ms: '0' } }));
      // 0 (wait as long as it takes) is sent as half of rpcTimeoutMs (60 s): one fetch waits it out.
      expect(own.atResolve.FetchResults).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('rejects a bad fetchRowsTimeoutMs naming it', async () => {
    await expect(connect({ ...hostPort(), fetchRowsTimeoutMs: -1 })).rejects.toThrow(/fetchRowsTimeoutMs/);
    await expect(connect({ ...hostPort(), fetchRowsTimeoutMs: 1.5 })).rejects.toThrow(/fetchRowsTimeoutMs/);
  });
});

describe('a statement stopped during a blocking fetch is cancelled and closed', () => {
  // A connection answers one call at a time, so CancelOperation goes out
  // once the server answered the fetch it holds. With the default fetch wait
  // (100 ms) that is within the 250 ms a stop waits, so the statement is
  // normally cancelled and closed before the caller hears; with a long one it
  // is done in the background once the server answers, and the connection
  // stays usable either way.
  it.each([
    ['timeoutMs, default fetch wait', 'timeout', undefined, 'IMPALA_QUERY_TIMEOUT', false],
    ['AbortSignal, default fetch wait', 'abort', undefined, 'IMPALA_ABORTED', false],
    ['timeoutMs, FETCH_ROWS_TIMEOUT_MS=1500', 'timeout', '1500', 'IMPALA_QUERY_TIMEOUT', true],
    ['AbortSignal, FETCH_ROWS_TIMEOUT_MS=1500', 'abort', '1500', 'IMPALA_ABORTED', true],
  ] as const)('%s', async (_name, how, fetchWait, code, inBackground) => {
    const c = await connect(hostPort());
    try {
      const before = { ...stats().rpcs };
      const ac = new AbortController();
      const options = {
        ...(how === 'timeout' ? { timeoutMs: 400 } : { signal: ac.signal }),
        ...(fetchWait ? { queryOptions: { FETCH_ROWS_TIMEOUT_MS: fetchWait } } : {}),
      };
      if (how === 'abort') {
        // Abort once the fetch is waiting on the server.
        const abort = (): void => ac.abort();
        void waitFor(() => (since(before).FetchResults ?? 0) >= 1 && stats().inFlight === 1, 10_000, 'the fetch waiting').then(
          abort,
          abort,
        );
      }
      const started = Date.now();
      const err = (await c.query('SELECT sleep(20000)', [], options).catch((e: unknown) => e)) as ImpalaError;
      expect(err.code).toBe(code);
      expect(err.statementSent).toBe(true);
      // On time, not after the sleep or the fetch wait (a bound with room for a loaded machine).
      expect(Date.now() - started).toBeLessThan(1400);
      expect(since(before).GetOperationStatus).toBeUndefined();
      // (With the default wait this is usually false already; only the long wait makes it certain.)
      if (inBackground) expect(c.backgroundWork).toBe(true);
      await c.settled();
      expect(openOperations()).toBe(0);
      expect(stats().inFlight).toBe(0);
      const after = since(before);
      expect(after.CancelOperation).toBe(1);
      expect(after.CloseImpalaOperation).toBe(1);
      expect(c.open).toBe(true);
      expect((await c.query('SELECT 3 AS x')).rows).toEqual([{ x: 3 }]);
    } finally {
      await c.close();
    }
  });
});

describe('the close after the caller has its rows', () => {
  it('a close that fails in the background reaches nobody; the connection reports the failure to its next caller', async () => {
    const c = await connect(hostPort());
    const coordinator = cluster.coordinators[0]!;
    try {
      await coordinator.setLatency(100);
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      // The close's answer is still held: make it garbage.
      await coordinator.setFault('garbage');
      await c.settled();
      expect(c.open).toBe(false);
      const err = (await c.query('SELECT 1').catch((e: unknown) => e)) as ImpalaError;
      expect(err.statementSent).toBe(false);
      expect(err.code).toMatch(/IMPALA_CLIENT_CLOSED|IMPALA_PROTOCOL/);
    } finally {
      await coordinator.setFault(undefined);
      await coordinator.setLatency(0);
      c.destroy();
    }
    await waitFor(() => openOperations() === 0, 10_000, 'the server to free the dropped session');
  });

  it('destroy() with the close in flight: settled() resolves, nothing unhandled', async () => {
    const c = await connect(hostPort());
    await c.query('SELECT 1');
    c.destroy();
    await c.settled();
    expect(c.backgroundWork).toBe(false);
    await waitFor(() => openOperations() === 0, 10_000, 'the server to free the dropped session');
  });

  it('close() with the close in flight closes the operation, then the session', async () => {
    const sessions = stats().sessionsOpen;
    const c = await connect(hostPort());
    const before = { ...stats().rpcs };
    await c.query('SELECT 1');
    await c.close();
    expect(since(before)).toMatchObject({ CloseImpalaOperation: 1, CloseSession: 1 });
    expect(stats().sessionsOpen).toBe(sessions);
    expect(openOperations()).toBe(0);
    await c.settled();
  });

  it('a query that fails while its rows are produced gets the error from FetchResults; nothing is left to cancel or close', async () => {
    await conn.settled();
    const before = { ...stats().rpcs };
    // A string that is no date fails as the row is produced, as impalad's UDF ERROR does.
    const err = (await conn.query("SELECT CAST('abc' AS DATE) AS x").catch((e: unknown) => e)) as ImpalaError;
    expect(err.code).toBe('IMPALA_SERVER');
    expect(err.message).toMatch(/String to Date parse failed/);
    // impalad unregisters a query whose FETCH_NEXT failed: a cancel or close would only be refused.
    expect(since(before)).toEqual({ ExecuteStatement: 1, GetResultSetMetadata: 1, FetchResults: 1 });
    expect(conn.backgroundWork).toBe(false);
    expect(openOperations()).toBe(0);
    expect((await conn.query('SELECT 4 AS x')).rows).toEqual([{ x: 4 }]);
  });
});
