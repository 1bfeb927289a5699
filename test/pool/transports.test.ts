/**
 * The pool behaves the same whatever carries HS2: one table of behaviours
 * (balance, failover on a kill, a hung coordinator, connections the server
 * expired while idle, DDL and its readers kept together), run against the
 * coordinators' TCP endpoints and against their HTTP endpoints.
 */
import { describe, expect, it } from 'vitest';
import { createPool, type ImpalaPool, type PoolOptions } from '../../src/index.js';
import { startCluster, type ClusterOptions, type LocalCluster } from '../../src/testing/index.js';
import { runConcurrently, waitFor } from '../support/pool-fixtures.js';

type Transport = 'tcp' | 'http';

interface TransportRig {
  cluster: LocalCluster;
  pool: ImpalaPool;
  hosts: readonly string[];
}

async function withRig(
  transport: Transport,
  cluster: ClusterOptions,
  pool: Partial<PoolOptions>,
  body: (r: TransportRig) => Promise<void>,
): Promise<void> {
  const c = await startCluster({ ...cluster, http: true });
  const hosts = transport === 'http' ? c.httpHosts : c.hosts;
  const p = createPool({ hosts, transport, healthCheckIntervalMs: 200, healthCheckTimeoutMs: 500, connectTimeoutMs: 1000, ...pool });
  try {
    await body({ cluster: c, pool: p, hosts });
  } finally {
    p.destroy();
    await c.close();
  }
}

const failures = (outcomes: Array<{ ok: boolean }>): string[] =>
  outcomes.filter((o) => !o.ok).map((o) => String((o as unknown as { error: unknown }).error));

interface Behaviour {
  name: string;
  cluster: ClusterOptions;
  pool?: Partial<PoolOptions>;
  run(r: TransportRig): Promise<void>;
}

const behaviours: Behaviour[] = [
  {
    name: 'equal coordinators get an even share',
    cluster: { coordinators: 3 },
    async run(r) {
      const outcomes = await runConcurrently(300, 12, () => r.pool.query<{ one: number }>('SELECT 1 AS one'));
      expect(failures(outcomes)).toEqual([]);
      const counts = new Map<string, number>();
      for (const o of outcomes) if (o.ok) counts.set(o.value.coordinator, (counts.get(o.value.coordinator) ?? 0) + 1);
      expect(counts.size).toBe(3);
      for (const n of counts.values()) expect(Math.abs(n / 300 - 1 / 3)).toBeLessThan(0.1);
    },
  },
  {
    name: 'a coordinator killed under load: every read succeeds elsewhere',
    cluster: { coordinators: 3, isolation: 'process' },
    async run(r) {
      const reads = runConcurrently(60, 20, (i) => r.pool.query<{ i: number }>('SELECT ?, sleep(50) AS s', [i]));
      await new Promise((res) => setTimeout(res, 100));
      await r.cluster.coordinators[1]!.kill();
      expect(failures(await reads)).toEqual([]);
      await waitFor(() => r.pool.stats().coordinators[1]!.state === 'down', 10_000, 'the killed coordinator to be down');
    },
  },
  {
    name: 'a hung coordinator (paused): reads in flight there finish elsewhere',
    cluster: { coordinators: 3, isolation: 'process' },
    async run(r) {
      await runConcurrently(30, 10, () => r.pool.query('SELECT 1'));
      const reads = runConcurrently(30, 30, () => r.pool.query('SELECT sleep(300) AS s'));
      await new Promise((res) => setTimeout(res, 100));
      await r.cluster.coordinators[0]!.pause();
      try {
        expect(failures(await reads)).toEqual([]);
      } finally {
        await r.cluster.coordinators[0]!.resume();
      }
    },
  },
  {
    name: 'connections the server expired while idle are replaced: every read after succeeds',
    cluster: { coordinators: 2, idleSessionTimeoutMs: 500 },
    pool: { healthCheckIntervalMs: 0 },
    async run(r) {
      await runConcurrently(10, 10, () => r.pool.query('SELECT sleep(100) AS s'));
      await waitFor(() => r.cluster.stats().every((s) => s.sessionsOpen === 0), 10_000, 'the idle sessions to expire');
      expect(failures(await runConcurrently(30, 10, (i) => r.pool.query('SELECT ? AS i', [i])))).toEqual([]);
    },
  },
  {
    name: 'DDL and the statements that read its table stay together (catalogDelayMs 3000)',
    cluster: { coordinators: 3, catalogDelayMs: 3000 },
    async run(r) {
      await r.pool.execute('CREATE TABLE fresh (id INT)');
      await r.pool.execute('INSERT INTO fresh VALUES (1), (2)');
      const outcomes = await runConcurrently(60, 20, (i) =>
        i % 2 === 0
          ? r.pool.query<{ n: bigint }>('SELECT count(*) AS n FROM fresh')
          : r.pool.session((s) => s.query<{ n: bigint }>('SELECT count(*) AS n FROM fresh')),
      );
      expect(failures(outcomes)).toEqual([]);
      for (const o of outcomes) if (o.ok) expect(o.value.rows).toEqual([{ n: 2n }]);
    },
  },
];

describe.each<Transport>(['tcp', 'http'])('over %s', (transport) => {
  it.each(behaviours.map((b) => [b.name, b] as const))(
    '%s',
    async (_name, b) => {
      await withRig(transport, b.cluster, b.pool ?? {}, (r) => b.run(r));
    },
    60_000,
  );
});

describe('one pool over TCP and HTTP coordinators together', () => {
  it('balances across both, and a killed HTTP coordinator leaves every read to the others', async () => {
    const c = await startCluster({ coordinators: 3, isolation: 'process', http: true });
    const [a, b, h] = c.coordinators as [
      LocalCluster['coordinators'][number],
      LocalCluster['coordinators'][number],
      LocalCluster['coordinators'][number],
    ];
    const pool = createPool({
      hosts: [a.host, b.host, { host: '127.0.0.1', port: h.httpPort!, transport: 'http' }],
      healthCheckIntervalMs: 200,
      healthCheckTimeoutMs: 500,
      connectTimeoutMs: 1000,
    });
    try {
      const first = await runConcurrently(90, 9, () => pool.query('SELECT 1 AS one'));
      expect(failures(first)).toEqual([]);
      const seen = new Set(first.map((o) => (o.ok ? o.value.coordinator : '')));
      expect(seen.size).toBe(3);
      expect(c.stats()[2]!.http!.requests).toBeGreaterThan(0);
      const reads = runConcurrently(60, 20, (i) => pool.query('SELECT ?, sleep(50) AS s', [i]));
      await new Promise((res) => setTimeout(res, 100));
      await h.kill();
      expect(failures(await reads)).toEqual([]);
    } finally {
      pool.destroy();
      await c.close();
    }
  }, 60_000);
});
