/**
 * One direct connection against the local test coordinator over real
 * sockets: types, errors, abort/timeout cleanup, streaming, session state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, formatColumnType, ImpalaError, type Hs2Connection } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { ALL_TYPES_COLUMNS, ALL_TYPES_DDL, ALL_TYPES_EXPECTED, ALL_TYPES_INSERT } from '../support/all-types.js';
import { waitFor } from '../support/pool-fixtures.js';

let cluster: LocalCluster;
let conn: Hs2Connection;

function hostPort(): { host: string; port: number } {
  const [host, port] = cluster.hosts[0]!.split(':');
  return { host: host!, port: Number(port) };
}

const openOperations = (): number => cluster.stats()[0]!.operationsOpen;

/** A sleep far longer than any stop below takes, so that ending early can only be the stop's doing. */
const LONG_SLEEP_MS = 20_000;

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 1 });
  conn = await connect(hostPort());
});

afterAll(async () => {
  await conn?.close();
  await cluster?.close();
});

describe('types', () => {
  it('reads every supported type back exactly, NULLs and extremes included', async () => {
    await conn.execute(ALL_TYPES_DDL);
    const ins = await conn.execute(ALL_TYPES_INSERT);
    expect(ins.rowsAffected).toBe(3);
    const r = await conn.query('SELECT * FROM all_types ORDER BY id');
    expect(r.columns.map((c) => [c.name, formatColumnType(c)])).toEqual(ALL_TYPES_COLUMNS);
    expect(r.rows).toEqual(ALL_TYPES_EXPECTED);
    expect(r.queryId).toMatch(/^[0-9a-f]{16}:[0-9a-f]{16}$/);
    expect(r.coordinator).toBe(cluster.hosts[0]);
  });

  it('binds parameters as Impala literals', async () => {
    const r = await conn.query('SELECT ? AS a, ? AS b, ? AS c, ? AS d', [42, "it's \\ 日本", null, 9007199254740993n]);
    expect(r.rows).toEqual([{ a: 42, b: "it's \\ 日本", c: null, d: 9007199254740993n }]);
  });

  it('returns rows as arrays on request', async () => {
    const r = await conn.query('SELECT 1 AS x, 2 AS x', [], { rowMode: 'array' });
    expect(r.rows).toEqual([[1, 2]]);
  });
});

describe('errors', () => {
  it.each([
    ['a missing table', 'SELECT * FROM no_such_table', /Could not resolve table reference/],
    ['a syntax error', 'SELEKT 1', /Syntax error/],
  ])('%s → ServerError with Impala text and SQLSTATE', async (_name, sql, message) => {
    const err = (await conn.query(sql).catch((e: unknown) => e)) as ImpalaError & { sqlState?: string };
    expect(err).toBeInstanceOf(ImpalaError);
    expect(err.code).toBe('IMPALA_SERVER');
    expect(err.message).toMatch(message);
    expect(err.sqlState).toBe('HY000');
    expect(err.coordinator).toBe(cluster.hosts[0]);
    expect(openOperations()).toBe(0);
    // The connection stays usable after a statement error.
    expect((await conn.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('rejects wrong options with a TypeError naming the option', async () => {
    await expect(connect({ ...hostPort(), connectTimeoutMs: -1 })).rejects.toThrow(/connectTimeoutMs/);
    await expect(connect({ ...hostPort(), fetchsize: 10 } as never)).rejects.toThrow(/unknown connect option fetchsize/);
    await expect(conn.query('SELECT 1', [], { timeoutMs: 'soon' } as never)).rejects.toThrow(/timeoutMs/);
  });
});

describe('abort and deadlines leave no open operation', () => {
  it('timeoutMs mid-query → QueryTimeoutError, operation cancelled and closed', async () => {
    const started = Date.now();
    const err = (await conn.query(`SELECT sleep(${LONG_SLEEP_MS})`, [], { timeoutMs: 300 }).catch((e: unknown) => e)) as ImpalaError;
    expect(err.code).toBe('IMPALA_QUERY_TIMEOUT');
    expect(err.queryId).toMatch(/:/);
    // The deadline ended it, not the sleep: far short of it (a bound with room for a loaded machine).
    expect(Date.now() - started).toBeLessThan(LONG_SLEEP_MS / 2);
    expect(openOperations()).toBe(0);
  });

  it('AbortSignal mid-query → AbortError, operation cancelled and closed', async () => {
    const ac = new AbortController();
    // Mid-query for sure: abort once the statement is running on the server.
    const abort = (): void => ac.abort();
    void waitFor(() => cluster.stats()[0]!.inFlight === 1, 10_000, 'the sleep running').then(abort, abort);
    const err = (await conn.query(`SELECT sleep(${LONG_SLEEP_MS})`, [], { signal: ac.signal }).catch((e: unknown) => e)) as ImpalaError;
    expect(err.code).toBe('IMPALA_ABORTED');
    expect(openOperations()).toBe(0);
  });

  it.each([
    ['answers again within the grace: the statement is cleaned up and the connection kept', 400, true],
    ['stays silent: the connection is given up', undefined, false],
  ])('timeoutMs while the server owes an answer → error on time; server %s', async (_name, resumeAfterMs, kept) => {
    const c = await connect(hostPort());
    const coordinator = cluster.coordinators[0]!;
    coordinator.pause();
    const started = Date.now();
    try {
      const err = (await c.query('SELECT 1', [], { timeoutMs: 200 }).catch((e: unknown) => e)) as ImpalaError;
      expect(err.code).toBe('IMPALA_QUERY_TIMEOUT');
      expect(err.statementSent).toBe(true);
      // On time despite the silent server: a hang guard with room for a loaded machine, not a speed claim.
      expect(Date.now() - started).toBeLessThan(5000);
      if (resumeAfterMs !== undefined) setTimeout(() => coordinator.resume(), resumeAfterMs - (Date.now() - started));
      if (kept) {
        expect((await c.query('SELECT 2 AS x')).rows).toEqual([{ x: 2 }]);
        await waitFor(() => openOperations() === 0, 10_000, 'the stopped statement closed');
      } else {
        await waitFor(() => !c.open, 10_000, 'the connection given up');
      }
      expect(c.open).toBe(kept);
    } finally {
      coordinator.resume();
      c.destroy();
    }
  });

  it('an already-aborted signal never reaches the server', async () => {
    const before = cluster.stats()[0]!.queries;
    const err = (await conn.execute('SELECT 1', [], { signal: AbortSignal.abort() }).catch((e: unknown) => e)) as ImpalaError;
    expect(err.code).toBe('IMPALA_ABORTED');
    expect(err.statementSent).toBe(false);
    expect(cluster.stats()[0]!.queries).toBe(before);
  });

  it('AbortSignal mid-fetch → AbortError, operation closed', async () => {
    await makeMillionRowSource();
    const ac = new AbortController();
    let seen = 0;
    const err = await (async () => {
      for await (const _row of conn.stream(MILLION_ROWS_SQL, [], { signal: ac.signal })) {
        seen += 1;
        if (seen === 15_000) ac.abort();
      }
    })().catch((e: unknown) => e);
    expect((err as ImpalaError).code).toBe('IMPALA_ABORTED');
    expect(seen).toBeLessThan(1_000_000);
    expect(openOperations()).toBe(0);
  });

  it('timeoutMs mid-fetch → QueryTimeoutError, operation closed', async () => {
    await makeMillionRowSource();
    const err = await (async () => {
      for await (const _row of conn.stream(MILLION_ROWS_SQL, [], { timeoutMs: 150 })) {
        await new Promise((r) => setImmediate(r));
      }
    })().catch((e: unknown) => e);
    expect((err as ImpalaError).code).toBe('IMPALA_QUERY_TIMEOUT');
    expect(openOperations()).toBe(0);
  });

  it('breaking out of a stream cancels and closes the operation', async () => {
    for await (const _row of conn.stream(MILLION_ROWS_SQL)) break;
    expect(openOperations()).toBe(0);
  });
});

const MILLION_ROWS_SQL =
  "SELECT a.n * 10000 + b.n * 100 + c.n AS n, concat('row-', CAST(c.n AS STRING)) AS label FROM hundred a CROSS JOIN hundred b CROSS JOIN hundred c";

let sourceReady = false;
async function makeMillionRowSource(): Promise<void> {
  if (sourceReady) return;
  await conn.execute('CREATE TABLE ten (n INT)');
  await conn.execute('INSERT INTO ten VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)');
  await conn.execute('CREATE TABLE hundred (n INT)');
  await conn.execute('INSERT INTO hundred SELECT a.n * 10 + b.n FROM ten a CROSS JOIN ten b');
  sourceReady = true;
}

describe('streaming', () => {
  it('streams 1,000,000 rows with bounded memory; the first row comes before the last batch', async () => {
    await makeMillionRowSource();
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let count = 0;
    let sum = 0;
    let operationOpenAtFirstRow = -1;
    for await (const row of conn.stream(MILLION_ROWS_SQL)) {
      if (count === 0) operationOpenAtFirstRow = openOperations();
      count += 1;
      sum += row.n as number;
      if (count % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(count).toBe(1_000_000);
    expect(sum).toBe((999_999 * 1_000_000) / 2);
    // Still open on the server at the first row: the rest had not been fetched. That, not
    // a share of the wall time, is what shows the first row came before the last batch.
    expect(operationOpenAtFirstRow).toBe(1);
    expect(peak - baseline).toBeLessThan(100 * 1024 * 1024);
    expect(openOperations()).toBe(0);
  }, 120_000);
});

describe('session state', () => {
  it('applies SET and USE and remembers them for replay', async () => {
    await conn.execute('CREATE DATABASE IF NOT EXISTS sales');
    await conn.execute('USE sales');
    await conn.execute('SET MEM_LIMIT=1g');
    await conn.execute('CREATE TABLE orders (id INT)');
    await conn.execute('INSERT INTO orders VALUES (1)');
    expect((await conn.query('SELECT count(*) AS n FROM sales.orders')).rows).toEqual([{ n: 1n }]);
    expect(conn.sessionState).toEqual({ database: 'sales', options: { MEM_LIMIT: '1g' } });
    await conn.execute('USE default');
  });

  it('pings and hides internals from inspect', async () => {
    const ping = await conn.ping();
    expect(ping.version).not.toBe('');
    const { inspect } = await import('node:util');
    expect(inspect(conn)).toMatch(/^Hs2Connection \{ coordinator: '127\.0\.0\.1:\d+', open: true/);
  });
});
