/**
 * The test cluster's limits as a client sees them: admission control (run,
 * queue, reject, queue timeout), idle query expiry, sleep() in flight, and
 * many concurrent sessions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connect, ImpalaError, type Hs2Connection } from '../../src/index.js';
import { startCluster, type ClusterOptions, type LocalCluster } from '../../src/testing/index.js';

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

const failure = (p: Promise<unknown>): Promise<ImpalaError | undefined> => p.then(() => undefined, (e: ImpalaError) => e);

describe('admission control', () => {
  it('runs maxConcurrent, queues maxQueued, rejects the rest at once', async () => {
    const c = await open({ admission: { maxConcurrent: 2, maxQueued: 1, queueTimeoutMs: 5000 } }, 4);
    const started = Date.now();
    const running = [c[0]!.query('SELECT sleep(400) AS s'), c[1]!.query('SELECT sleep(400) AS s')];
    await new Promise((r) => setTimeout(r, 50));
    const queued = c[2]!.query('SELECT sleep(10) AS s').then(() => Date.now() - started);
    await new Promise((r) => setTimeout(r, 50));
    const rejected = await failure(c[3]!.query('SELECT 1 AS one'));
    expect(rejected?.code).toBe('IMPALA_SERVER');
    expect(rejected?.message).toMatch(/^Rejected query from pool default-pool: queue full, limit=1, num_queued=1\./);
    await Promise.all(running);
    // The queued statement ran only after a slot was freed.
    expect(await queued).toBeGreaterThanOrEqual(400);
    expect(cluster!.stats()[0]!.peakInFlight).toBe(2);
  });

  it('a statement queued longer than queueTimeoutMs fails with Impala\'s timeout message', async () => {
    const c = await open({ admission: { maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 200 } }, 2);
    const running = c[0]!.query('SELECT sleep(600) AS s');
    await new Promise((r) => setTimeout(r, 50));
    const err = await failure(c[1]!.query('SELECT 1 AS one'));
    expect(err?.message).toMatch(/^Admission for query exceeded timeout 200ms in pool default-pool\. Queued reason: number of running queries 1 is at or over limit 1\./);
    await running;
  });

  it('DDL is not subject to admission', async () => {
    const c = await open({ admission: { maxConcurrent: 1, maxQueued: 0 } }, 2);
    const running = c[0]!.query('SELECT sleep(300) AS s');
    await new Promise((r) => setTimeout(r, 50));
    await c[1]!.execute('CREATE TABLE adm (a INT)');
    await running;
  });
});

describe('idle query expiry', () => {
  it('cancels a query whose client stops fetching, with Impala\'s message', async () => {
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
  it('holds a query for about ms, counts as in flight, and is cancellable', async () => {
    const [a, b] = await open({}, 2);
    const started = Date.now();
    const slept = a!.query('SELECT sleep(300) AS s');
    await new Promise((r) => setTimeout(r, 100));
    expect(cluster!.stats()[0]!.inFlight).toBe(1);
    expect((await slept).rows).toEqual([{ s: true }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    const cancelled = Date.now();
    const err = await failure(b!.query('SELECT sleep(5000) AS s', [], { timeoutMs: 100 }));
    expect(err?.code).toBe('IMPALA_QUERY_TIMEOUT');
    expect(Date.now() - cancelled).toBeLessThan(1000);
    expect(cluster!.stats()[0]!.inFlight).toBe(0);
  });
});

describe('scale', () => {
  it.each(['inline', 'process'] as const)('500 concurrent sessions over 3 coordinators (%s) run queries without error', async (isolation) => {
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
    const stats = cluster.stats();
    expect(stats.reduce((n, s) => n + s.sessionsOpen, 0)).toBe(500);
    expect(stats.reduce((n, s) => n + s.operationsOpen, 0)).toBe(0);
    expect(stats.map((s) => s.peakInFlight).every((p) => p > 1)).toBe(true);
  }, 60_000);
});
