/**
 * Connects to a dead coordinator are backed off, not retried in a loop: a
 * coordinator killed while many callers wait for it, or while the pool is
 * idle, sees only a handful of connection attempts, counted at the socket
 * level by a forwarder in front of it, while every read succeeds elsewhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, type ImpalaPool, type PoolOptions } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.js';
import { waitFor } from '../support/pool-fixtures.js';

/** The measurement window after the kill. */
const WINDOW_MS = 5000;

let cluster: LocalCluster | undefined;
let proxy: CountingProxy | undefined;
let pool: ImpalaPool | undefined;

afterEach(async () => {
  pool?.destroy();
  await proxy?.close();
  await cluster?.close();
  pool = undefined;
  proxy = undefined;
  cluster = undefined;
});

/**
 * Three coordinators in their own processes; the first is reached only
 * through a counting forwarder. Returns the pool's address for it.
 */
async function setUp(poolOptions: Omit<PoolOptions, 'hosts'>, proxiedWeight = 1): Promise<{ proxied: string }> {
  cluster = await startCluster({ coordinators: 3, isolation: 'process' });
  const target = cluster.coordinators[0]!;
  proxy = await startCountingProxy({ host: target.hostname, port: target.port });
  pool = createPool({
    ...poolOptions,
    hosts: [{ host: '127.0.0.1', port: proxy.port, weight: proxiedWeight }, cluster.hosts[1]!, cluster.hosts[2]!],
  });
  return { proxied: proxy.host };
}

function statsFor(host: string) {
  const s = pool!.stats().coordinators.find((c) => c.host === host);
  if (!s) throw new Error(`no pool stats for ${host}`);
  return s;
}

interface Workload {
  /** Reads finished after the kill, by coordinator. */
  readonly afterKill: Map<string, number>;
  readonly failures: unknown[];
  markKill(): void;
  stop(): Promise<void>;
}

/** `workers` callers, each running `sql` back to back until stopped. */
function runWorkload(p: ImpalaPool, workers: number, sql: string): Workload {
  let stopped = false;
  let killed = false;
  const afterKill = new Map<string, number>();
  const failures: unknown[] = [];
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      try {
        const r = await p.query(sql);
        if (killed) afterKill.set(r.coordinator, (afterKill.get(r.coordinator) ?? 0) + 1);
      } catch (err) {
        failures.push(err);
      }
    }
  });
  return {
    afterKill,
    failures,
    markKill: () => {
      killed = true;
    },
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

const messages = (errors: unknown[]): string[] => errors.map((e) => `${(e as Error)?.name}: ${(e as Error)?.message ?? String(e)}`);

describe('connect backoff', () => {
  it('a coordinator killed while 50 callers wait on it: at most 10 connection attempts to it in the following 5 s, every read succeeds elsewhere', async () => {
    // Two connections per coordinator, so callers queue. The proxied
    // coordinator weighs 20, so leastconn puts most of 64 callers in its queue.
    const { proxied } = await setUp({ maxConnectionsPerCoordinator: 2, strategy: 'leastconn' }, 20);
    const work = runWorkload(pool!, 64, 'SELECT sleep(200) AS s');
    // Hang guard only: the queue forms as soon as the callers start.
    await waitFor(() => statsFor(proxied).waiting >= 50, 10_000, '50 callers waiting on the proxied coordinator');
    const waitingAtKill = statsFor(proxied).waiting;
    cluster!.coordinators[0]!.kill();
    proxy!.reset();
    work.markKill();
    // The window itself, not a wait for a condition: the workload keeps
    // running against the dead coordinator's address for all of it.
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const attempts = proxy!.accepted;
    await work.stop();
    const figures = `${waitingAtKill} callers waiting at the kill; ${attempts} connection attempts in ${WINDOW_MS} ms; reads after the kill by coordinator: ${JSON.stringify(Object.fromEntries(work.afterKill))}`;

    expect(messages(work.failures), figures).toEqual([]);
    expect(attempts, figures).toBeLessThanOrEqual(10);
    // The reads after the kill ran on the two live coordinators.
    expect(work.afterKill.get(proxied) ?? 0).toBe(0);
    expect(work.afterKill.get(cluster!.hosts[1]!) ?? 0).toBeGreaterThan(0);
    expect(work.afterKill.get(cluster!.hosts[2]!) ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it('with the default options, a coordinator killed under an idle pool: at most 10 connection attempts to it in 5 s of steady reads', async () => {
    const { proxied } = await setUp({});
    // One idle connection on every coordinator first.
    await Promise.all(Array.from({ length: 6 }, () => pool!.query('SELECT 1 AS one')));
    // Hang guard only.
    await waitFor(() => pool!.stats().coordinators.every((c) => c.idle >= 1), 10_000, 'an idle connection on every coordinator');
    expect(statsFor(proxied).idle).toBeGreaterThanOrEqual(1);
    cluster!.coordinators[0]!.kill();
    proxy!.reset();
    const work = runWorkload(pool!, 3, 'SELECT sleep(20) AS s');
    work.markKill();
    // The measurement window (see above).
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const attempts = proxy!.accepted;
    await work.stop();
    const figures = `${attempts} connection attempts in ${WINDOW_MS} ms; reads after the kill by coordinator: ${JSON.stringify(Object.fromEntries(work.afterKill))}`;

    expect(attempts, figures).toBeLessThanOrEqual(10);
    expect(messages(work.failures), figures).toEqual([]);
    expect(work.afterKill.get(proxied) ?? 0).toBe(0);
  }, 60_000);
});
