/**
 * Failover under load: a coordinator killed, paused (black hole), hung with
 * no active checks, or shut down gracefully; every coordinator refusing
 * connections.
 *
 * Each step waits for what the pool or the cluster reports (work in flight
 * on the victim, a state change, the silence verdict) rather than for a
 * fixed time, so a busy machine only makes the tests slower. The few
 * wall-clock bounds left are hang guards, far above what they bound.
 */
import diagnostics from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import {
  connect,
  createPool,
  ImpalaError,
  NoHealthyCoordinatorError,
  OutcomeUnknownError,
  type QueryResult,
  type StatementDiagnostic,
} from '../../src/index.js';
import { startCluster } from '../../src/testing/index.js';
import { useRig, runConcurrently, statsOf, waitFor, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();
let r: Rig | undefined;

/**
 * Connect and silence deadlines a loaded machine's healthy coordinators always
 * meet, for tests where neither is what is being tested.
 */
const patient = { connectTimeoutMs: 10_000, healthCheckTimeoutMs: 5_000 };

/** The pool's view of one coordinator. */
const poolStatsOf = (rig: Rig, host: string) => rig.pool.stats().coordinators.find((c) => c.host === host)!;

/** Statements the cluster received on every coordinator but `host`. */
const servedElsewhere = (rig: Rig, host: string): number =>
  rig.cluster
    .stats()
    .filter((s) => s.host !== host)
    .reduce((n, s) => n + s.queries, 0);

describe('failover', () => {
  it('kill a coordinator under load: no failed reads, no DML applied twice, unknown outcomes reported', async () => {
    r = await startRig({ coordinators: 3, catalogDelayMs: 50, isolation: 'process' }, patient);
    // SYNC_DDL: the table is on every coordinator before the load starts.
    await r.pool.execute('CREATE TABLE events (id INT)', [], { queryOptions: { SYNC_DDL: 1 } });
    const victim = r.cluster.coordinators[0]!;
    let killedAt: number | undefined;
    const results = await runConcurrently(400, 16, (i) => {
      // Killed once a quarter of the load has started, at a moment the pool has work running there.
      if (killedAt === undefined && i >= 100 && statsOf(r!.cluster, victim.host).queries > 0 && poolStatsOf(r!, victim.host).inFlight > 0) {
        killedAt = i;
        victim.kill();
      }
      return i % 4 === 0
        ? r!.pool.execute('INSERT INTO events VALUES (?)', [i]).then(() => 'dml')
        : r!.pool.query('SELECT sleep(20) AS s').then(() => 'read');
    });
    expect(killedAt).toBeDefined();
    const failedReads = results.filter((x, i) => i % 4 !== 0 && !x.ok);
    expect(failedReads.map((f) => (f as { error: Error }).error.message)).toEqual([]);
    const dmlFailures = results.filter((x, i) => i % 4 === 0 && !x.ok).map((x) => (x as { error: unknown }).error);
    for (const e of dmlFailures) expect(e).toBeInstanceOf(OutcomeUnknownError);
    // REFRESH pulls the inserts other coordinators made that have not reached this one yet.
    const rows = await r.pool.session(async (s) => {
      await s.execute('REFRESH events');
      return s.query<{ id: number; n: bigint }>('SELECT id, count(*) AS n FROM events GROUP BY id');
    });
    for (const row of rows.rows) expect(row.n).toBe(1n);
    const succeeded = results.filter((x, i) => i % 4 === 0 && x.ok).length;
    expect(rows.rows.length).toBeGreaterThanOrEqual(succeeded);
    expect(rows.rows.length).toBeLessThanOrEqual(succeeded + dmlFailures.length);
  }, 60_000);

  it('pause a coordinator (black hole): it is taken out, gets no new work while paused, and gets work again after resume + rise', async () => {
    // A check timeout a loaded machine's healthy coordinators always meet: only the paused one is taken out.
    r = await startRig(
      { coordinators: 3, isolation: 'process' },
      {
        healthCheckIntervalMs: 100,
        healthCheckTimeoutMs: 1000,
        fall: 2,
        rise: 2,
        ejectBaseMs: 200,
        rpcTimeoutMs: 3000,
        connectTimeoutMs: 10_000,
      },
    );
    const paused = r.cluster.coordinators[2]!;
    const host = r.cluster.hosts[2]!;
    const downs: string[] = [];
    const ups: string[] = [];
    r.pool.on('coordinatorDown', (e) => downs.push(e.coordinator));
    r.pool.on('coordinatorUp', (e) => ups.push(e.coordinator));
    let stop = false;
    const load = runConcurrently(100_000, 12, async () => {
      if (stop) return;
      await r!.pool.query('SELECT sleep(5) AS s').catch(() => undefined);
    });
    try {
      await waitFor(() => statsOf(r!.cluster, host).queries >= 10, 10_000, 'load on the coordinator to pause');
      paused.pause();
      // Only what follows the pause counts.
      downs.length = 0;
      ups.length = 0;
      // Hang guard only: fall × (interval + timeout) is about 2 s.
      await waitFor(() => downs.includes(host), 15_000, 'the paused coordinator taken out');
      // A paused process cannot count: this is its count when it froze; whatever reached it since shows after resume.
      const before = statsOf(r.cluster, host).queries;
      // Plenty of work while it stays paused; anything sent there would pile up in its sockets.
      const elsewhere = servedElsewhere(r, host);
      await waitFor(() => servedElsewhere(r!, host) >= elsewhere + 300, 30_000, 'more load served by the others');
      stop = true;
      await load;
      paused.resume();
      await waitFor(() => ups.includes(host), 15_000, 'coordinator up again');
      // At most what was in flight when it froze (the load's concurrency); nothing new after it was taken out.
      expect(statsOf(r.cluster, host).queries - before).toBeLessThanOrEqual(12);
      // Back in rotation: a batch of concurrent work reaches it again.
      await waitFor(
        async () =>
          (await Promise.all(Array.from({ length: 12 }, () => r!.pool.query('SELECT sleep(5) AS s')))).some((x) => x.coordinator === host),
        15_000,
        'work on the resumed coordinator',
      );
    } finally {
      stop = true;
      paused.resume();
      await load;
    }
  }, 90_000);

  it('a coordinator silent on an outstanding request is routed around, even by a load-blind strategy', async () => {
    // RPC and connect timeouts beyond this test's timeout: only the silence verdict can route around the frozen coordinator.
    r = await startRig(
      { coordinators: 3 },
      { strategy: 'roundrobin', healthCheckIntervalMs: 0, healthCheckTimeoutMs: 300, rpcTimeoutMs: 60_000, connectTimeoutMs: 60_000 },
    );
    const frozen = r.cluster.hosts[0]!;
    // One connection per coordinator, then freeze the first.
    await Promise.all([0, 1, 2].map((i) => r!.pool.query(`SELECT ${i} AS i`)));
    r.cluster.coordinators[0]!.pause();
    try {
      // Round robin's next pick is the frozen coordinator; the pool gives up on it once it has said nothing for 300 ms, and the read runs elsewhere.
      const rerun = await r.pool.query('SELECT 1 AS stuck');
      expect(rerun.coordinator).not.toBe(frozen);
      expect(poolStatsOf(r, frozen).lastError).toMatch(/answered nothing/);
      // roundrobin would send a third of these to the frozen coordinator; no attempt may go there.
      const attempts: StatementDiagnostic[] = [];
      const listener = (m: unknown): void => void attempts.push(m as StatementDiagnostic);
      diagnostics.subscribe('impala-pool:statement', listener);
      let results;
      try {
        results = await Promise.all(Array.from({ length: 6 }, (_, i) => r!.pool.query(`SELECT ${i} AS i`)));
      } finally {
        diagnostics.unsubscribe('impala-pool:statement', listener);
      }
      expect(results.map((x) => x.coordinator)).not.toContain(frozen);
      expect(attempts.map((a) => [a.coordinator === frozen, a.attempt])).toEqual(Array.from({ length: 6 }, () => [false, 1]));
    } finally {
      r.cluster.coordinators[0]!.resume();
    }
  });

  it('requests stuck on a coordinator taken out by its health checks are given up at once: reads run elsewhere, DML reports an unknown outcome', async () => {
    r = await startRig(
      { coordinators: 3, isolation: 'process' },
      // A check timeout a loaded machine's healthy coordinators always meet: only the frozen one is taken out.
      {
        strategy: 'roundrobin',
        healthCheckIntervalMs: 100,
        healthCheckTimeoutMs: 1500,
        fall: 2,
        rpcTimeoutMs: 120_000,
        connectTimeoutMs: 10_000,
      },
    );
    // Round robin's first pick runs the CREATE, so the table's pin sends every INSERT there too.
    await r.pool.execute('CREATE TABLE marks (id INT)');
    const frozen = r.cluster.hosts[0]!;
    const downs: string[] = [];
    r.pool.on('coordinatorDown', (e) => downs.push(e.coordinator));
    const started = performance.now();
    // roundrobin puts a third of the reads on the coordinator about to freeze.
    const reads = Promise.allSettled(Array.from({ length: 9 }, (_, i) => r!.pool.query('SELECT ? AS i, sleep(5000) AS s', [i])));
    const writes = Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        r!.pool.execute('INSERT INTO marks SELECT ? FROM (SELECT sleep(5000)) x', [i]).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      ),
    );
    try {
      // Frozen while its three reads and six writes run there: each runs 5 s, longer than they take to start on a loaded machine.
      await waitFor(() => statsOf(r!.cluster, frozen).inFlight >= 9, 20_000, 'the statements running on the coordinator to freeze');
      r.cluster.coordinators[0]!.pause();
      downs.length = 0;
      const settled = await reads;
      const writeResults = await writes;
      const elapsed = performance.now() - started;
      await waitFor(() => downs.includes(frozen), 15_000, 'the frozen coordinator taken out');
      expect(settled.filter((x) => x.status === 'rejected').map((x) => String(x.reason))).toEqual([]);
      const readResults = settled.map((x) => (x as PromiseFulfilledResult<QueryResult<{ i: number }>>).value);
      expect(readResults.map((x) => x.rows[0]!.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(readResults.every((x) => x.coordinator !== frozen)).toBe(true);
      const unknown = writeResults.filter((x) => x !== 'ok');
      expect(unknown.length).toBeGreaterThan(0);
      for (const e of unknown) expect(e).toBeInstanceOf(OutcomeUnknownError);
      // Hang guard: half of rpcTimeoutMs (120 s), which nothing may wait out; expected about 10 s (the verdict, then the given-up reads again elsewhere).
      expect(elapsed).toBeLessThan(60_000);
    } finally {
      r.cluster.coordinators[0]!.resume();
      await Promise.allSettled([reads, writes]);
    }
  }, 90_000);

  it('a statement that times out on a silent coordinator does not leave its connection to the next caller', async () => {
    r = await startRig({ coordinators: 1 }, { healthCheckIntervalMs: 0, rpcTimeoutMs: 30_000 });
    await r.pool.query('SELECT 1');
    const coordinator = () => r!.pool.stats().coordinators[0]!;
    expect(coordinator().idle).toBe(1);
    r.cluster.coordinators[0]!.pause();
    try {
      const started = performance.now();
      const err = (await r.pool.query('SELECT 2', [], { timeoutMs: 200 }).catch((e: unknown) => e)) as ImpalaError;
      expect(err.code).toBe('IMPALA_QUERY_TIMEOUT');
      // Hang guard: the silent server does not hold the call until rpcTimeoutMs (30 s); expected about 0.5 s.
      expect(performance.now() - started).toBeLessThan(10_000);
      await waitFor(() => coordinator().open === 0, 10_000, 'the stuck connection dropped');
      expect(coordinator().idle).toBe(0);
    } finally {
      r.cluster.coordinators[0]!.resume();
    }
    expect((await r.pool.query('SELECT 3 AS x')).rows).toEqual([{ x: 3 }]);
  });

  it('a hung coordinator promptly stops getting new work from traffic alone (no active checks)', async () => {
    // RPC and connect timeouts beyond this test's timeout: only the silence verdict can keep work away from the hung coordinator.
    r = await startRig(
      { coordinators: 3 },
      { healthCheckIntervalMs: 0, healthCheckTimeoutMs: 500, rpcTimeoutMs: 120_000, connectTimeoutMs: 120_000 },
    );
    const hung = r.cluster.hosts[0]!;
    let stop = false;
    const load = runConcurrently(100_000, 24, async () => {
      if (!stop) await r!.pool.query('SELECT sleep(5) AS s').catch(() => undefined);
    });
    const stuck = () => {
      const c = poolStatsOf(r!, hung);
      return c.inFlight + c.waiting;
    };
    // Every attempt there that ends is published with its coordinator.
    let endedThere = 0;
    const listener = (m: unknown): void => void ((m as StatementDiagnostic).coordinator === hung && (endedThere += 1));
    try {
      await waitFor(() => statsOf(r!.cluster, hung).queries >= 10, 10_000, 'load on the coordinator about to hang');
      r.cluster.coordinators[0]!.pause();
      // Hang guard only: the verdict needs 500 ms of silence while requests wait there.
      await waitFor(() => /answered nothing/.test(poolStatsOf(r!, hung).lastError ?? ''), 20_000, 'the hung coordinator judged silent');
      // From now on, what is there either still waits or ends (and is published); anything new sent there would add to one of the two.
      const owed = stuck();
      diagnostics.subscribe('impala-pool:statement', listener);
      // The others serve plenty of new work meanwhile.
      const elsewhere = servedElsewhere(r, hung);
      await waitFor(() => servedElsewhere(r!, hung) >= elsewhere + 500, 30_000, 'more load served by the others');
      expect(endedThere + stuck()).toBeLessThanOrEqual(owed);
    } finally {
      diagnostics.unsubscribe('impala-pool:statement', listener);
      stop = true;
      r.cluster.coordinators[0]!.resume();
      await load;
    }
  }, 90_000);

  it('graceful shutdown of a coordinator: no query fails, and nothing new lands there after its first shutting-down answer', async () => {
    r = await startRig({ coordinators: 3 }, patient);
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
    try {
      const long = direct.query('SELECT sleep(3000) AS s');
      await waitFor(() => statsOf(r!.cluster, host).inFlight === 1, 10_000, 'the long statement running');
      let stop = false;
      const load = runConcurrently(100_000, 12, async () => {
        if (!stop) await r!.pool.query('SELECT sleep(20) AS s');
      });
      let shutdown: Promise<void> | undefined;
      try {
        await waitFor(() => statsOf(r!.cluster, host).queries >= 10, 10_000, 'pool load on the coordinator to shut down');
        // The grace period ends early once the long statement is done.
        shutdown = target.shutdown({ graceMs: 10_000 });
        await waitFor(() => drained.length > 0, 10_000, 'the coordinator drained');
        const elsewhere = servedElsewhere(r, host);
        await waitFor(() => servedElsewhere(r!, host) >= elsewhere + 200, 30_000, 'more load served by the others');
      } finally {
        stop = true;
      }
      const results = await load;
      expect(results.filter((x) => !x.ok).map((x) => (x as { error: Error }).error.message)).toEqual([]);
      expect((await long).rows).toEqual([{ s: true }]);
      await shutdown;
      expect(drained.length).toBe(1);
      // Queries admitted before the notice may finish; none started after it.
      expect(statsOf(r.cluster, host).queries).toBe(drained[0]);
    } finally {
      direct.destroy();
    }
  }, 60_000);

  it('all coordinators refuse connections: NoHealthyCoordinatorError naming each, promptly; works again when one returns', async () => {
    const cluster = await startCluster({ coordinators: 3 });
    const pool = createPool({
      hosts: cluster.hosts,
      connectTimeoutMs: 10_000,
      healthCheckIntervalMs: 100,
      rise: 1,
      ejectBaseMs: 100,
      ejectMaxMs: 200,
    });
    try {
      for (const c of cluster.coordinators) await c.stop();
      const started = performance.now();
      const err = (await pool.query('SELECT 1').catch((e: unknown) => e)) as NoHealthyCoordinatorError;
      expect(err).toBeInstanceOf(NoHealthyCoordinatorError);
      // Refused connects fail at once: the call did not wait out even one connect timeout (10 s; a hang guard, expected a few ms).
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(err.attempts.map((a) => a.coordinator).sort()).toEqual([...cluster.hosts].sort());
      for (const a of err.attempts) expect(a.message).toMatch(/ECONNREFUSED|refused/);
      expect(err.message).toContain(cluster.hosts[0]);
      await cluster.coordinators[1]!.start();
      await waitFor(
        async () =>
          await pool.query('SELECT 1 AS x').then(
            () => true,
            () => false,
          ),
        15_000,
        'pool works again',
      );
    } finally {
      pool.destroy();
      await cluster.close();
    }
  }, 30_000);

  it('errors carry no secret', async () => {
    const cluster = await startCluster({ coordinators: 1 });
    await cluster.coordinators[0]!.stop();
    const pool = createPool({
      hosts: cluster.hosts,
      auth: { mechanism: 'PLAIN', username: 'u', password: 'p4ssw0rd-very-secret', allowCleartext: true },
      connectTimeoutMs: 300,
    });
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
