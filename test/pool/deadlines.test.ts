/**
 * One deadline and one AbortSignal per call: they cover waiting for a
 * connection as well as every attempt, a caller that stops waiting leaves
 * the queue at once, and retries share what is left instead of each getting
 * the whole `timeoutMs` again.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, QueryTimeoutError, type ImpalaError, type ImpalaPool } from '../../src/index.js';
import { useRig, waitFor, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();

// Hang guard, not a speed claim: a call must settle long before the busy
// connection would have freed (2 s), however loaded the machine is.
const SETTLE_GUARD_MS = 1500;

/** A pool whose only connection is busy with a 2 s statement. */
async function busyPool(): Promise<{ rig: Rig; busy: Promise<unknown> }> {
  const rig = await startRig({ coordinators: 1 }, { maxConnectionsPerCoordinator: 1 });
  const busy = rig.pool.query('SELECT sleep(2000) AS s');
  busy.catch(() => undefined);
  await waitFor(() => rig.pool.stats().coordinators[0]!.inFlight === 1, 10_000, 'the busy statement to start');
  return { rig, busy };
}

function waiting(pool: ImpalaPool): number {
  return pool.stats().coordinators[0]!.waiting;
}

describe('deadlines cover waiting for a connection', () => {
  it.each([
    {
      name: 'an AbortSignal fired at 100 ms',
      call: (pool: ImpalaPool) => pool.query('SELECT 1 AS one', [], { signal: AbortSignal.timeout(100) }),
      error: AbortError,
      code: 'IMPALA_ABORTED',
      deadlineMs: 100,
    },
    {
      name: 'timeoutMs: 200',
      call: (pool: ImpalaPool) => pool.query('SELECT 1 AS one', [], { timeoutMs: 200 }),
      error: QueryTimeoutError,
      code: 'IMPALA_QUERY_TIMEOUT',
      deadlineMs: 200,
    },
    {
      name: 'pool.connect({ timeoutMs: 200 })',
      call: (pool: ImpalaPool) => pool.connect({ timeoutMs: 200 }).then((lease) => lease.release()),
      error: QueryTimeoutError,
      code: 'IMPALA_QUERY_TIMEOUT',
      deadlineMs: 200,
    },
    {
      name: 'pool.session(fn, { signal }) aborted at 100 ms',
      call: (pool: ImpalaPool) => pool.session(async () => 'never runs', { signal: AbortSignal.timeout(100) }),
      error: AbortError,
      code: 'IMPALA_ABORTED',
      deadlineMs: 100,
    },
  ])(
    '$name: a typed error, not sent, and the waiter is gone from the queue',
    async ({ call, error, code, deadlineMs }) => {
      const { rig, busy } = await busyPool();
      const started = performance.now();
      const pending = call(rig.pool).then(
        () => undefined,
        (e: unknown) => e,
      );
      await waitFor(() => waiting(rig.pool) === 1, 10_000, 'the call to wait for the busy connection');
      const err = (await pending) as AbortError | QueryTimeoutError;
      const elapsed = performance.now() - started;
      expect(err).toBeInstanceOf(error);
      expect(err.code).toBe(code);
      expect(err.statementSent).toBe(false);
      expect(waiting(rig.pool)).toBe(0);
      expect(elapsed).toBeGreaterThanOrEqual(deadlineMs - 5);
      expect(elapsed).toBeLessThan(deadlineMs + SETTLE_GUARD_MS);
      await busy;
    },
    30_000,
  );

  it('a stream is covered the same way', async () => {
    const { rig, busy } = await busyPool();
    const streamed = (async () => {
      for await (const row of rig.pool.stream('SELECT 1 AS one', [], { timeoutMs: 200 })) void row;
    })().catch((e: unknown) => e);
    expect(await streamed).toBeInstanceOf(QueryTimeoutError);
    expect(waiting(rig.pool)).toBe(0);
    await busy;
    // Once the connection is free again, the same calls succeed.
    const ok = await rig.pool.query<{ one: number }>('SELECT 1 AS one', [], { timeoutMs: 5000 });
    expect(ok.rows).toEqual([{ one: 1 }]);
  }, 30_000);

  it('retries share the call’s deadline: a read that fails over never runs longer than its timeoutMs (plus settling)', async () => {
    const rig = await startRig({ coordinators: 3 }, { healthCheckIntervalMs: 0, healthCheckTimeoutMs: 300, rpcTimeoutMs: 30_000 });
    // Connections first, then every coordinator falls silent: each attempt is
    // given up after the 300 ms stall window and the read moves on.
    await Promise.all([0, 1, 2].map((i) => rig.pool.query(`SELECT ${i} AS i`)));
    for (const c of rig.cluster.coordinators) await c.pause();
    let retries = 0;
    rig.pool.on('retry', () => (retries += 1));
    const timeoutMs = 1000;
    const started = performance.now();
    const err = await rig.pool.query('SELECT 1 AS one', [], { timeoutMs }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    for (const c of rig.cluster.coordinators) await c.resume();
    // Either the deadline or the attempts ran out first, depending on the machine's pace.
    expect(['IMPALA_QUERY_TIMEOUT', 'IMPALA_NO_HEALTHY_COORDINATOR']).toContain((err as ImpalaError).code);
    expect(retries).toBeGreaterThanOrEqual(1);
    // With a fresh timeoutMs per attempt this took up to maxAttempts × timeoutMs.
    expect(elapsed).toBeLessThan(timeoutMs + SETTLE_GUARD_MS);
  }, 30_000);
});
