/**
 * Acceptance 3–5, 7: a coordinator killed, paused (black hole) or shut down
 * gracefully under load; all coordinators refusing connections.
 */
import { describe, expect, it } from 'vitest';
import { connect, createPool, ImpalaError, NoHealthyCoordinatorError, OutcomeUnknownError } from '../../src/index.js';
import { startCluster } from '../../src/testing/index.js';
import { useRig, runConcurrently, statsOf, waitFor, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();
let r: Rig | undefined;

describe('failover', () => {
  it('kill a coordinator under load: no failed reads, no DML applied twice, unknown outcomes reported', async () => {
    r = await startRig({ coordinators: 3, catalogDelayMs: 50, isolation: 'process' });
    await r.pool.execute('CREATE TABLE events (id INT)', [], {});
    await new Promise((res) => setTimeout(res, 200));
    const victim = r.cluster.coordinators[0]!;
    setTimeout(() => victim.kill(), 300);
    const results = await runConcurrently(400, 16, (i) =>
      i % 4 === 0 ? r!.pool.execute('INSERT INTO events VALUES (?)', [i]).then(() => 'dml') : r!.pool.query('SELECT sleep(20) AS s').then(() => 'read'),
    );
    const failedReads = results.filter((x, i) => i % 4 !== 0 && !x.ok);
    expect(failedReads.map((f) => (f as { error: Error }).error.message)).toEqual([]);
    const dmlFailures = results.filter((x, i) => i % 4 === 0 && !x.ok).map((x) => (x as { error: unknown }).error);
    for (const e of dmlFailures) expect(e).toBeInstanceOf(OutcomeUnknownError);
    await new Promise((res) => setTimeout(res, 300));
    const rows = await r.pool.query<{ id: number; n: bigint }>('SELECT id, count(*) AS n FROM events GROUP BY id');
    for (const row of rows.rows) expect(row.n).toBe(1n);
    const succeeded = results.filter((x, i) => i % 4 === 0 && x.ok).length;
    expect(rows.rows.length).toBeGreaterThanOrEqual(succeeded);
    expect(rows.rows.length).toBeLessThanOrEqual(succeeded + dmlFailures.length);
  }, 60_000);

  it('pause a coordinator (black hole): new work stops going there within 1 s, and returns after resume + rise', async () => {
    r = await startRig({ coordinators: 3, isolation: 'process' }, { healthCheckIntervalMs: 100, healthCheckTimeoutMs: 250, fall: 2, rise: 2, ejectBaseMs: 200, rpcTimeoutMs: 3000 });
    const paused = r.cluster.coordinators[2]!;
    const host = r.cluster.hosts[2]!;
    let stop = false;
    const load = runConcurrently(10_000, 12, async () => {
      if (stop) return;
      await r!.pool.query('SELECT sleep(5) AS s').catch(() => undefined);
    });
    await new Promise((res) => setTimeout(res, 300));
    paused.pause();
    await new Promise((res) => setTimeout(res, 1000));
    const before = statsOf(r.cluster, host).queries;
    await new Promise((res) => setTimeout(res, 1000));
    // A paused process cannot count; what it would run later shows after resume.
    paused.resume();
    await waitFor(() => r!.pool.stats().coordinators.find((c) => c.host === host)!.state === 'up', 5000, 'coordinator up again');
    const afterResume = statsOf(r.cluster, host).queries;
    await new Promise((res) => setTimeout(res, 500));
    stop = true;
    await load;
    const later = statsOf(r.cluster, host).queries;
    // Whatever reached it while paused was sent in its first second; then nothing new until it came back.
    expect(afterResume - before).toBeLessThanOrEqual(12);
    expect(later).toBeGreaterThan(afterResume);
  }, 60_000);

  it('a coordinator silent on an outstanding request is routed around, even by a load-blind strategy', async () => {
    r = await startRig({ coordinators: 3 }, { strategy: 'roundrobin', healthCheckIntervalMs: 0, healthCheckTimeoutMs: 300, rpcTimeoutMs: 10_000, connectTimeoutMs: 10_000 });
    // One connection per coordinator, then freeze the first.
    await Promise.all([0, 1, 2].map((i) => r!.pool.query(`SELECT ${i} AS i`)));
    r.cluster.coordinators[0]!.pause();
    const hung = r.pool.query('SELECT 1 AS stuck').catch((e: unknown) => e);
    await new Promise((res) => setTimeout(res, 500));
    // roundrobin would send a third of these to the frozen coordinator; none may go there.
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => r!.pool.query(`SELECT ${i} AS i`)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(results.every((x) => x.coordinator !== r!.cluster.hosts[0])).toBe(true);
    r.cluster.coordinators[0]!.resume();
    await hung;
  });

  it('requests stuck on a coordinator taken out by its health checks are given up at once: reads run elsewhere, DML reports an unknown outcome', async () => {
    r = await startRig(
      { coordinators: 3, isolation: 'process' },
      { strategy: 'roundrobin', healthCheckIntervalMs: 100, healthCheckTimeoutMs: 200, fall: 2, rpcTimeoutMs: 30_000 },
    );
    await r.pool.execute('CREATE TABLE marks (id INT)');
    await new Promise((res) => setTimeout(res, 100));
    const frozen = r.cluster.hosts[0]!;
    const downs: string[] = [];
    r.pool.on('coordinatorDown', (e) => downs.push(e.coordinator));
    const started = Date.now();
    // roundrobin puts a third of each batch on the coordinator about to freeze.
    const reads = Array.from({ length: 9 }, (_, i) => r!.pool.query('SELECT ? AS i, sleep(400) AS s', [i]));
    const writes = Array.from({ length: 6 }, (_, i) => r!.pool.execute('INSERT INTO marks SELECT ? FROM (SELECT sleep(400)) x', [i]).then(() => 'ok', (e: unknown) => e));
    await new Promise((res) => setTimeout(res, 100));
    r.cluster.coordinators[0]!.pause();
    const readResults = await Promise.all(reads);
    const writeResults = await Promise.all(writes);
    const elapsed = Date.now() - started;
    expect(downs).toContain(frozen);
    expect(readResults.map((x) => x.rows[0]!.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(readResults.every((x) => x.coordinator !== frozen)).toBe(true);
    const unknown = writeResults.filter((x) => x !== 'ok');
    expect(unknown.length).toBeGreaterThan(0);
    for (const e of unknown) expect(e).toBeInstanceOf(OutcomeUnknownError);
    // Long before rpcTimeoutMs (30 s): fall × (interval + timeout) plus a redispatched 400 ms read.
    expect(elapsed).toBeLessThan(3000);
    r.cluster.coordinators[0]!.resume();
  }, 20_000);

  it('a statement that times out on a silent coordinator does not leave its connection to the next caller', async () => {
    r = await startRig({ coordinators: 1 }, { healthCheckIntervalMs: 0, rpcTimeoutMs: 30_000 });
    await r.pool.query('SELECT 1');
    const coordinator = () => r!.pool.stats().coordinators[0]!;
    expect(coordinator().idle).toBe(1);
    r.cluster.coordinators[0]!.pause();
    const started = Date.now();
    const err = (await r.pool.query('SELECT 2', [], { timeoutMs: 200 }).catch((e: unknown) => e)) as ImpalaError;
    expect(err.code).toBe('IMPALA_QUERY_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1000);
    await waitFor(() => coordinator().open === 0, 1000, 'the stuck connection dropped');
    expect(coordinator().idle).toBe(0);
    r.cluster.coordinators[0]!.resume();
    expect((await r.pool.query('SELECT 3 AS x')).rows).toEqual([{ x: 3 }]);
  });

  it('a hung coordinator stops getting new work within 1 s from traffic alone (no active checks)', async () => {
    r = await startRig({ coordinators: 3 }, { healthCheckIntervalMs: 0, healthCheckTimeoutMs: 500, rpcTimeoutMs: 10_000, connectTimeoutMs: 10_000 });
    const hung = r.cluster.hosts[0]!;
    let stop = false;
    const load = runConcurrently(100_000, 24, async () => {
      if (!stop) await r!.pool.query('SELECT sleep(5) AS s').catch(() => undefined);
    });
    await new Promise((res) => setTimeout(res, 200));
    r.cluster.coordinators[0]!.pause();
    const stuck = () => {
      const c = r!.pool.stats().coordinators.find((x) => x.host === hung)!;
      return c.inFlight + c.waiting;
    };
    await new Promise((res) => setTimeout(res, 1000));
    const after1s = stuck();
    await new Promise((res) => setTimeout(res, 1000));
    // Nothing new went there in the second second: its stuck count did not grow.
    expect(stuck()).toBe(after1s);
    // The others kept serving.
    const before = r.cluster.stats().filter((s) => s.host !== hung).reduce((n, s) => n + s.queries, 0);
    await new Promise((res) => setTimeout(res, 300));
    const later = r.cluster.stats().filter((s) => s.host !== hung).reduce((n, s) => n + s.queries, 0);
    expect(later).toBeGreaterThan(before);
    stop = true;
    r.cluster.coordinators[0]!.resume();
    await load;
  }, 30_000);

  it('graceful shutdown of a coordinator: no query fails, and nothing new lands there after its first shutting-down answer', async () => {
    r = await startRig({ coordinators: 3 });
    const target = r.cluster.coordinators[0]!;
    const host = r.cluster.hosts[0]!;
    const drained: number[] = [];
    r.pool.on('drain', (e) => {
      if (e.coordinator === host) drained.push(statsOf(r!.cluster, host).queries);
    });
    // A long statement running there keeps it in its grace period, so the
    // pool's traffic meets the shutdown notice rather than a closed port.
    const [h, p] = host.split(':');
    const direct = await connect({ host: h!, port: Number(p) });
    const long = direct.query('SELECT sleep(1200) AS s');
    setTimeout(() => void target.shutdown({ graceMs: 1500 }), 200);
    const results = await runConcurrently(300, 12, () => r!.pool.query('SELECT sleep(20) AS s'));
    expect(results.filter((x) => !x.ok).map((x) => (x as { error: Error }).error.message)).toEqual([]);
    expect((await long).rows).toEqual([{ s: true }]);
    direct.destroy();
    expect(drained.length).toBe(1);
    // Queries admitted before the notice may finish; none started after it.
    expect(statsOf(r.cluster, host).queries).toBe(drained[0]);
  }, 60_000);

  it('all coordinators refuse connections: NoHealthyCoordinatorError naming each, promptly; works again when one returns', async () => {
    const cluster = await startCluster({ coordinators: 3 });
    const pool = createPool({ hosts: cluster.hosts, connectTimeoutMs: 500, healthCheckIntervalMs: 100, rise: 1, ejectBaseMs: 100, ejectMaxMs: 200 });
    try {
      for (const c of cluster.coordinators) await c.stop();
      const started = Date.now();
      const err = (await pool.query('SELECT 1').catch((e: unknown) => e)) as NoHealthyCoordinatorError;
      expect(err).toBeInstanceOf(NoHealthyCoordinatorError);
      expect(Date.now() - started).toBeLessThan(500 * 3 + 500);
      expect(err.attempts.map((a) => a.coordinator).sort()).toEqual([...cluster.hosts].sort());
      for (const a of err.attempts) expect(a.message).toMatch(/ECONNREFUSED|refused/);
      expect(err.message).toContain(cluster.hosts[0]);
      await cluster.coordinators[1]!.start();
      await waitFor(async () => (await pool.query('SELECT 1 AS x').then(() => true, () => false)), 5000, 'pool works again');
    } finally {
      pool.destroy();
      await cluster.close();
    }
  }, 30_000);

  it('errors carry no secret', async () => {
    const cluster = await startCluster({ coordinators: 1 });
    await cluster.coordinators[0]!.stop();
    const pool = createPool({ hosts: cluster.hosts, auth: { mechanism: 'PLAIN', username: 'u', password: 'p4ssw0rd-very-secret' }, connectTimeoutMs: 300 });
    try {
      const err = (await pool.query('SELECT 1').catch((e: unknown) => e)) as ImpalaError;
      const { inspect } = await import('node:util');
      expect(inspect(err, { depth: 10 })).not.toContain('p4ssw0rd-very-secret');
      expect(inspect(pool, { depth: 10 })).not.toContain('p4ssw0rd-very-secret');
      expect(JSON.stringify(pool.stats())).not.toContain('p4ssw0rd-very-secret');
    } finally {
      pool.destroy();
      await cluster.close();
    }
  });
});
