/**
 * Helpers for pool tests against the local cluster: start/stop with cleanup,
 * run many concurrent callers, and wait for a condition.
 */
import { afterEach } from 'vitest';
import { createPool, type ImpalaPool, type PoolOptions } from '../../src/index.js';
import { startCluster, type ClusterOptions, type LocalCluster } from '../../src/testing/index.js';

/** A cluster and a pool over it, closed together. */
export interface Rig {
  cluster: LocalCluster;
  pool: ImpalaPool;
  close(): Promise<void>;
}

/** Starts a cluster and a pool over all its coordinators. */
export async function rig(cluster: ClusterOptions, pool: Partial<PoolOptions> = {}): Promise<Rig> {
  const c = await startCluster(cluster);
  const p = createPool({ hosts: c.hosts, healthCheckIntervalMs: 200, healthCheckTimeoutMs: 500, connectTimeoutMs: 1000, ...pool });
  return {
    cluster: c,
    pool: p,
    async close() {
      p.destroy();
      await c.close();
    },
  };
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` at a time; collects outcomes. */
export async function runConcurrently<T>(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<T>,
): Promise<Array<{ ok: true; value: T } | { ok: false; error: unknown }>> {
  const out = new Array<{ ok: true; value: T } | { ok: false; error: unknown }>(n);
  let next = 0;
  async function worker(): Promise<void> {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      try {
        out[i] = { ok: true, value: await fn(i) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}

/** Polls `check` every 20 ms until it returns true or `timeoutMs` passes. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Index of a coordinator in cluster.stats() by host. */
export function statsOf(cluster: LocalCluster, host: string) {
  const s = cluster.stats().find((x) => x.host === host);
  if (!s) throw new Error(`no stats for ${host}`);
  return s;
}

/**
 * Registers an afterEach that closes the rig a test started; returns the
 * starter. One rig per test, closed even when the test fails.
 */
export function useRig(): (cluster: ClusterOptions, pool?: Partial<PoolOptions>) => Promise<Rig> {
  let current: Rig | undefined;
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return async (cluster, pool) => (current = await rig(cluster, pool));
}
