/**
 * How a coordinator lends its DuckDB connections. A connection may be closed
 * only when no work runs on it, and once closed even its synchronous methods
 * crash the process; a connection kept for the next statement must carry
 * nothing of the last one (an open transaction, an interrupt, a search path
 * naming a dropped database).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Hs2Connection } from '../../src/index.js';
import { Catalog } from '../../src/testing/catalog/catalog.js';
import { LeaseReleasedError } from '../../src/testing/catalog/duck-lease.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { waitFor } from '../support/pool-fixtures.js';

describe('Catalog leases', () => {
  it('close() at every stage of connect(): no lease handed out afterwards can run work on its closed connection', async () => {
    // Old code handed out a connection close() had closed while its search
    // path was being set; the first synchronous call on it (getTableNames)
    // was a SIGSEGV.
    // Close after 0, 1, 2 … turns of the event loop, until connect() finished before close(): the sweep covers every stage.
    const outcomes = new Set<string>();
    for (let turns = 0; !outcomes.has('use refused'); turns++) {
      expect(turns).toBeLessThan(5000);
      const catalog = await Catalog.create(1);
      const pending = catalog.connect('default');
      for (let t = 0; t < turns; t++) await new Promise((r) => setImmediate(r));
      const closing = catalog.close();
      const lease = await pending.catch((err: Error) => err);
      if (lease instanceof Error) {
        expect(lease.message).toBe('the coordinator is stopped');
        outcomes.add('connect rejected');
      } else {
        await expect(lease.use(async (conn) => conn.getTableNames('SELECT 1', true))).rejects.toBeInstanceOf(LeaseReleasedError);
        outcomes.add('use refused');
      }
      await closing;
    }
    expect(outcomes).toEqual(new Set(['connect rejected', 'use refused']));
  });

  it('work under way when close() begins finishes before the connection closes; later work is refused', async () => {
    const catalog = await Catalog.create(1);
    const lease = await catalog.connect('default');
    const running = lease.use(async (conn) => (await conn.runAndReadAll('SELECT count(*) FROM range(200000)')).getRows()[0]![0]);
    const closing = catalog.close();
    // Interrupted or finished, it settles as a promise, not as a crash.
    await running.then(
      (n) => expect(n).toBe(200000n),
      (err: Error) => expect(err.message).toMatch(/interrupt/i),
    );
    await closing;
    await expect(lease.use(async () => 1)).rejects.toBeInstanceOf(LeaseReleasedError);
  });

  it('a released lease interrupts nothing: its connection may be serving the next lease', async () => {
    const catalog = await Catalog.create(1);
    try {
      const first = await catalog.connect('default');
      first.release();
      const second = await catalog.connect('default');
      const running = second.use(async (conn) => (await conn.runAndReadAll('SELECT count(*) FROM range(3000000) a, range(2) b')).getRows());
      first.interrupt();
      await expect(running).resolves.toEqual([[6000000n]]);
      second.release();
    } finally {
      await catalog.close();
    }
  });
});

describe('connections kept between statements carry nothing over', () => {
  let cluster: LocalCluster;
  let conn: Hs2Connection;
  afterEach(async () => {
    await conn?.close().catch(() => undefined);
    await cluster?.close();
  });

  async function open(): Promise<Hs2Connection> {
    cluster = await startCluster({ coordinators: 1 });
    const [host, port] = cluster.hosts[0]!.split(':');
    conn = await connect({ host: host!, port: Number(port) });
    return conn;
  }

  it('a statement that failed inside its transaction leaves none open for the next one', async () => {
    const c = await open();
    await c.execute('CREATE TABLE t (a DECIMAL(5,2))');
    await c.execute('INSERT INTO t VALUES (1.5)');
    for (let i = 0; i < 3; i++) {
      // INSERT OVERWRITE runs as DELETE + INSERT in one DuckDB transaction; the division fails in the INSERT.
      await expect(c.execute('INSERT OVERWRITE t SELECT CAST(1 AS DECIMAL(5,2)) / CAST(0 AS DECIMAL(5,2))')).rejects.toThrow(
        /Cannot divide decimal by zero/,
      );
    }
    await c.execute('INSERT INTO t VALUES (2.5)');
    const r = await c.query<{ a: string }>('SELECT a FROM t ORDER BY a');
    expect(r.rows.map((row) => String(row.a))).toEqual(['1.50', '2.50']);
  });

  it('after a cancelled statement the next statements are not interrupted', async () => {
    const c = await open();
    const controller = new AbortController();
    const running = c.query('SELECT count(*) FROM range(30000000) a, range(10) b', [], { signal: controller.signal });
    // Once it runs on DuckDB (the coordinator counts it in flight), so that the interrupt reaches DuckDB.
    await waitFor(() => cluster.stats()[0]!.inFlight === 1, 10_000, 'the statement runs');
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'IMPALA_ABORTED' });
    for (let i = 0; i < 20; i++) {
      const r = await c.query<{ n: bigint }>('SELECT count(*) AS n FROM range(1000)');
      expect(r.rows).toEqual([{ n: 1000n }]);
    }
  });

  it('a dropped database is gone for sessions that were using it, whatever connections were kept', async () => {
    const c = await open();
    await c.execute('CREATE DATABASE d');
    await c.execute('USE d');
    await c.execute('CREATE TABLE t (a INT)');
    for (let i = 0; i < 3; i++) await c.query('SELECT count(*) FROM t');
    const [host, port] = cluster.hosts[0]!.split(':');
    const other = await connect({ host: host!, port: Number(port) });
    await other.execute('DROP DATABASE d CASCADE');
    await other.close();
    await expect(c.query('SELECT count(*) FROM t')).rejects.toThrow(/Database does not exist: d/);
  });
});
