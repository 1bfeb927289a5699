/**
 * `pool.stream`: rows arrive in order, batch by batch; leaving the loop
 * cancels and closes the statement; a failure before the first row runs it
 * again on another coordinator, a failure after rows were delivered reaches
 * the caller; it reports on `impala-pool:statement` like every statement.
 */
import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { ImpalaError, type RetryEvent } from '../../src/index.js';
import { useRig, waitFor, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();
// 10,000 rows: every pair of 0..99.
const PAIRS_SQL = 'SELECT a.n * 100 + b.n AS n FROM hundred a CROSS JOIN hundred b ORDER BY n';

async function withHundred(r: Rig): Promise<void> {
  await r.pool.execute('CREATE TABLE hundred (n INT)');
  await r.pool.execute(`INSERT INTO hundred VALUES ${Array.from({ length: 100 }, (_, i) => `(${i})`).join(', ')}`);
}

const openOperations = (r: Rig): number => r.cluster.stats().reduce((n, s) => n + s.operationsOpen, 0);

describe('pool.stream', () => {
  it('delivers every row in order while the statement is still open (streamed, not buffered), and leaves nothing open', async () => {
    const r = await startRig({ coordinators: 2 }, { fetchSize: 500 });
    await withHundred(r);
    let expected = 0;
    for await (const row of r.pool.stream<{ n: number }>(PAIRS_SQL)) {
      if (expected === 0) expect(openOperations(r)).toBe(1);
      expect(row.n).toBe(expected);
      expected += 1;
    }
    expect(expected).toBe(10_000);
    expect(openOperations(r)).toBe(0);
    expect(r.pool.stats().coordinators.reduce((n, c) => n + c.inFlight, 0)).toBe(0);
  });

  it('breaking out early cancels and closes the statement and returns the connection', async () => {
    const r = await startRig({ coordinators: 1 }, { fetchSize: 500, maxConnectionsPerCoordinator: 1 });
    await withHundred(r);
    let seen = 0;
    for await (const _row of r.pool.stream(PAIRS_SQL)) {
      seen += 1;
      if (seen === 700) break;
    }
    expect(seen).toBe(700);
    expect(openOperations(r)).toBe(0);
    // The only connection is free again: the next statement gets it (a leaked
    // one would hold it forever; the deadline is only a hang guard).
    expect((await r.pool.query('SELECT 1 AS x', [], { timeoutMs: 10_000 })).rows).toEqual([{ x: 1 }]);
    expect(r.pool.stats().coordinators[0]!.open).toBe(1);
  });

  it('a failure before the first row runs the query again on another coordinator', async () => {
    const r = await startRig({ coordinators: 2, catalogDelayMs: 0 }, { strategy: 'roundrobin', fetchSize: 500, healthCheckIntervalMs: 0 });
    await withHundred(r);
    // A connection to each, then break the first one's answers.
    await Promise.all([r.pool.query('SELECT 1'), r.pool.query('SELECT 2')]);
    await r.cluster.coordinators[0]!.setFault('garbage');
    const retries: RetryEvent[] = [];
    r.pool.on('retry', (e) => retries.push(e));
    for (let i = 0; i < 2; i += 1) {
      let count = 0;
      for await (const _row of r.pool.stream(PAIRS_SQL)) count += 1;
      expect(count).toBe(10_000);
    }
    expect(retries.map((e) => e.coordinator)).toContain(r.cluster.hosts[0]);
  });

  it('a failure after rows were delivered reaches the caller and is not retried', async () => {
    const r = await startRig({ coordinators: 2 }, { fetchSize: 500, healthCheckIntervalMs: 0 });
    await withHundred(r);
    const retries: RetryEvent[] = [];
    r.pool.on('retry', (e) => retries.push(e));
    let seen = 0;
    const err = await (async () => {
      for await (const _row of r.pool.stream(PAIRS_SQL)) {
        seen += 1;
        if (seen === 600) await r.cluster.coordinators.find((c) => c.stats().operationsOpen > 0)!.dropConnections();
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImpalaError);
    expect(seen).toBeGreaterThanOrEqual(600);
    expect(seen).toBeLessThan(10_000);
    expect(retries).toEqual([]);
  });

  it('timeoutMs stops a stream the caller consumes too slowly; the statement is closed', async () => {
    const r = await startRig({ coordinators: 1 }, { fetchSize: 500 });
    await withHundred(r);
    const err = await (async () => {
      // At least 1 ms per row: reading all 10,000 rows takes over 10 s, far past the 150 ms deadline.
      for await (const _row of r.pool.stream(PAIRS_SQL, [], { timeoutMs: 150 })) await new Promise((res) => setTimeout(res, 1));
    })().catch((e: unknown) => e);
    expect((err as ImpalaError).code).toBe('IMPALA_QUERY_TIMEOUT');
    await waitFor(() => openOperations(r) === 0, 10_000, 'the statement closed');
  });

  it('reports finished streams on impala-pool:statement', async () => {
    const r = await startRig({ coordinators: 1 }, { fetchSize: 500 });
    await withHundred(r);
    const seen: Array<{ verb: string; ok: boolean }> = [];
    const listener = (m: unknown): void => void seen.push(m as { verb: string; ok: boolean });
    diagnostics.subscribe('impala-pool:statement', listener);
    try {
      for await (const _row of r.pool.stream('SELECT n FROM hundred')) void _row;
    } finally {
      diagnostics.unsubscribe('impala-pool:statement', listener);
    }
    expect(seen).toEqual([expect.objectContaining({ verb: 'SELECT', ok: true, attempt: 1 })]);
  });
});
