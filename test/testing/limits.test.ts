/**
 * The test cluster's limits as a client sees them: admission control (run,
 * queue, reject, queue timeout), idle query expiry, sleep() in flight, and
 * many concurrent sessions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, ImpalaError, type Hs2Connection } from '../../src/index.js';
import { formatQueryId, startCluster, type ClusterOptions, type LocalCluster } from '../../src/testing/index.js';
import { impala, tcli } from '../../src/wire/gen.js';
import { waitFor } from '../support/pool-fixtures.js';
import { expectOk, rawConnect, submit, waitDone } from './support/raw-client.js';

let cluster: LocalCluster | undefined;
const conns: Hs2Connection[] = [];

afterEach(async () => {
  await Promise.all(conns.splice(0).map((c) => c.close()));
  await cluster?.close();
  cluster = undefined;
});

async function open(options: ClusterOptions, n: number, index = 0): Promise<Hs2Connection[]> {
  cluster ??= await startCluster(options);
  const [host, port] = cluster.hosts[index]!.split(':');
  const out = await Promise.all(Array.from({ length: n }, () => connect({ host: host!, port: Number(port), fetchSize: 10 })));
  conns.push(...out);
  return out;
}

const failure = (p: Promise<unknown>): Promise<ImpalaError | undefined> =>
  p.then(
    () => undefined,
    (e: ImpalaError) => e,
  );
const stats = () => cluster!.stats()[0]!;

describe('admission control', () => {
  it('runs maxConcurrent, queues maxQueued, rejects the rest at once', async () => {
    // Long enough that the two still run when the fourth statement arrives, even on a loaded machine.
    const holdMs = 1500;
    const c = await open({ admission: { maxConcurrent: 2, maxQueued: 1, queueTimeoutMs: 10_000 } }, 4);
    const started = Date.now();
    const running = [c[0]!.query(`SELECT sleep(${holdMs}) AS s`), c[1]!.query(`SELECT sleep(${holdMs}) AS s`)];
    await waitFor(() => stats().inFlight === 2, 10_000, 'both slots taken');
    const queued = c[2]!.query('SELECT sleep(10) AS s').then(() => Date.now() - started);
    // Registered but not in flight: waiting in the queue.
    await waitFor(() => stats().operationsOpen === 3, 10_000, 'the third statement queued');
    expect(stats().inFlight).toBe(2);
    const rejected = await failure(c[3]!.query('SELECT 1 AS one'));
    expect(rejected?.code).toBe('IMPALA_SERVER');
    expect(rejected?.message).toMatch(/^Rejected query from pool default-pool: queue full, limit=1, num_queued=1\./);
    await Promise.all(running);
    // The queued statement ran only after a slot was freed.
    expect(await queued).toBeGreaterThanOrEqual(holdMs);
    expect(cluster!.stats()[0]!.peakInFlight).toBe(2);
  });

  it("a statement queued longer than queueTimeoutMs fails with Impala's timeout message", async () => {
    const c = await open({ admission: { maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 200 } }, 2);
    // Holds the slot until aborted, however late the queue timeout fires.
    const holder = new AbortController();
    const running = failure(c[0]!.query('SELECT sleep(60000) AS s', [], { signal: holder.signal }));
    await waitFor(() => stats().inFlight === 1, 10_000, 'the slot taken');
    const err = await failure(c[1]!.query('SELECT 1 AS one'));
    expect(err?.message).toMatch(
      /^Admission for query exceeded timeout 200ms in pool default-pool\. Queued reason: number of running queries 1 is at or over limit 1\./,
    );
    holder.abort();
    expect((await running)?.code).toBe('IMPALA_ABORTED');
  });

  it('GetLog of a queued statement gives the admission result and reason, and only progress once it ran', async () => {
    const c = await open({ admission: { maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 30_000 } }, 1);
    const holder = new AbortController();
    const running = failure(c[0]!.query('SELECT sleep(60000) AS s', [], { signal: holder.signal }));
    await waitFor(() => stats().inFlight === 1, 10_000, 'the slot taken');
    const raw = await rawConnect(Number(cluster!.hosts[0]!.split(':')[1]));
    try {
      const resp = await submit(raw, 'SELECT 1');
      expectOk(resp.status);
      const handle = resp.operationHandle!;
      const getLog = async () => (await raw.client.GetLog(new tcli.TGetLogReq({ operationHandle: handle }))).log;
      // ImpalaServer::GetLog while AdmissionController holds the query: result and QUEUED_NUM_RUNNING.
      expect(await getLog()).toBe(
        'Admission result : Queued\nLatest admission queue reason : number of running queries 1 is at or over limit 1.\n',
      );
      const summary = (
        await raw.client.GetExecSummary(new impala.TGetExecSummaryReq({ operationHandle: handle, sessionHandle: raw.session }))
      ).summary!;
      expect([summary.is_queued, summary.queued_reason]).toEqual([true, 'number of running queries 1 is at or over limit 1.']);
      holder.abort();
      await waitDone(raw, handle);
      expect(await getLog()).toBe(`Query ${formatQueryId(handle.operationId.guid)} 100% Complete (0 out of 0)\n`);
    } finally {
      await raw.close();
    }
    expect((await running)?.code).toBe('IMPALA_ABORTED');
  });

  it('DDL is not subject to admission', async () => {
    const c = await open({ admission: { maxConcurrent: 1, maxQueued: 0 } }, 2);
    // Holds the only slot (and no queue) until aborted, so a DDL under admission would be rejected.
    const holder = new AbortController();
    const running = failure(c[0]!.query('SELECT sleep(60000) AS s', [], { signal: holder.signal }));
    await waitFor(() => stats().inFlight === 1, 10_000, 'the slot taken');
    await c[1]!.execute('CREATE TABLE adm (a INT)');
    expect(stats().inFlight).toBe(1);
    holder.abort();
    expect((await running)?.code).toBe('IMPALA_ABORTED');
  });
});

describe('idle query expiry', () => {
  it("cancels a query whose client stops fetching, with Impala's message", async () => {
    const [c] = await open({ idleQueryTimeoutMs: 200 }, 1);
    await c!.execute('CREATE TABLE many (n INT)');
    await c!.execute('INSERT INTO many VALUES (1),(2),(3),(4),(5),(6),(7),(8),(9),(10),(11),(12),(13),(14),(15)');
    const err = await failure(
      (async () => {
        let i = 0;
        for await (const _row of c!.stream('SELECT n FROM many')) {
          // fetchSize is 10: the pause comes before the second batch is asked for.
          if (++i === 5) await new Promise((r) => setTimeout(r, 600));
        }
      })(),
    );
    expect(err?.message).toMatch(/^Query [0-9a-f]{16}:[0-9a-f]{16} expired due to client inactivity \(timeout is 0s200ms\)/);
    expect(cluster!.stats()[0]!.operationsOpen).toBe(0);
  });
});

describe('sleep()', () => {
  it('holds a query for at least ms, counts as in flight, and is cancellable', async () => {
    const [a, b] = await open({}, 2);
    // Long enough to be seen in flight by the polling below, even on a loaded machine.
    const sleepMs = 1000;
    const started = Date.now();
    const slept = a!.query(`SELECT sleep(${sleepMs}) AS s`);
    await waitFor(() => stats().inFlight === 1, 10_000, 'the sleep in flight');
    expect((await slept).rows).toEqual([{ s: true }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(sleepMs - 10);
    const cancelled = Date.now();
    const longMs = 20_000;
    const err = await failure(b!.query(`SELECT sleep(${longMs}) AS s`, [], { timeoutMs: 100 }));
    expect(err?.code).toBe('IMPALA_QUERY_TIMEOUT');
    // Cancelled, not slept out: far short of its 20 s (a bound with room for a loaded machine).
    expect(Date.now() - cancelled).toBeLessThan(longMs / 2);
    expect(stats().inFlight).toBe(0);
  });
});

describe('scale', () => {
  it.each(['inline', 'process'] as const)(
    '500 concurrent sessions over 3 coordinators (%s) run queries without error',
    async (isolation) => {
      cluster = await startCluster({ coordinators: 3, isolation });
      const sessions = await Promise.all(
        Array.from({ length: 500 }, (_, i) => {
          const [host, port] = cluster!.hosts[i % 3]!.split(':');
          return connect({ host: host!, port: Number(port) });
        }),
      );
      conns.push(...sessions);
      const results = await Promise.all(sessions.map((s, i) => s.query('SELECT ? AS i, sleep(20) AS s', [i])));
      expect(results.map((r) => r.rows[0]!.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
      // Each query's close goes on after its rows were delivered.
      await Promise.all(sessions.map((s) => s.settled()));
      const stats = cluster.stats();
      expect(stats.reduce((n, s) => n + s.sessionsOpen, 0)).toBe(500);
      expect(stats.reduce((n, s) => n + s.operationsOpen, 0)).toBe(0);
      expect(stats.map((s) => s.peakInFlight).every((p) => p > 1)).toBe(true);
    },
    60_000,
  );
});
