/**
 * A scenario's test bed: the local cluster (coordinators in child processes
 * of their own, so servers do not share the clients' event loop and faults
 * are real signals) and, when the scenario compares against it, haproxy in
 * front of it. A scenario that needs haproxy and cannot find it is skipped
 * loudly (an error under REQUIRE_SYSTEM_TESTS=1). A run of several
 * scenarios may keep a cluster for the next scenario with the same options
 * ({@link keepClusters}); each scenario restores what it changed (latency).
 *
 * @module
 */
import { startCluster, type ClusterOptions, type LocalCluster } from '../../src/testing/index.js';
import { haproxyOrSkip, startHaproxy, type Haproxy } from './haproxy.js';
import type { SystemEnv } from './systems.js';

/** A running test bed. */
export interface Rig {
  cluster: LocalCluster;
  /** The running haproxy (undefined when the scenario needs none). */
  readonly proxy: Haproxy | undefined;
  /** Stops haproxy and starts a fresh one (new ports, fresh health state). */
  restartProxy(): Promise<void>;
  /** The environment systems are built from, with the current haproxy. */
  env(workers: number, extra?: Partial<SystemEnv>): SystemEnv;
}

/** Options of {@link withRig}. */
export interface RigOptions {
  scenario: string;
  cluster: ClusterOptions;
  /** Whether haproxy is needed. */
  proxy: boolean;
}

// A run of several scenarios keeps the last cluster for the next scenario with the same options
// (starting three coordinator processes takes seconds on a busy machine).
let keep = false;
let kept: { key: string; cluster: LocalCluster } | undefined;

/** Lets consecutive scenarios with identical cluster options share one cluster (the runner turns it on). */
export function keepClusters(on: boolean): void {
  keep = on;
}

/** Whether clusters are being kept for reuse (inside a runner). */
export function keepingClusters(): boolean {
  return keep;
}

/** Closes a cluster kept for reuse. */
export async function closeKeptClusters(): Promise<void> {
  const k = kept;
  kept = undefined;
  await k?.cluster.close();
}

async function clusterFor(options: ClusterOptions): Promise<LocalCluster> {
  const key = JSON.stringify(options);
  if (keep && kept?.key === key) return kept.cluster;
  await closeKeptClusters();
  const cluster = await startCluster({ isolation: 'process', ...options });
  if (keep) kept = { key, cluster };
  return cluster;
}

async function release(cluster: LocalCluster, broken: boolean): Promise<void> {
  if (kept?.cluster === cluster && !broken) return;
  if (kept?.cluster === cluster) kept = undefined;
  await cluster.close();
}

/** Runs `fn` with a test bed, and tears it down after; `{ skipped }` when haproxy is needed and missing. */
export async function withRig<T>(o: RigOptions, fn: (rig: Rig) => Promise<T>): Promise<T | { skipped: string }> {
  let binary: string | undefined;
  if (o.proxy) {
    const found = haproxyOrSkip(o.scenario);
    if ('skipped' in found) return found;
    binary = found.binary;
  }
  const cluster = await clusterFor(o.cluster);
  let proxy: Haproxy | undefined;
  let broken = true;
  try {
    const start = async (): Promise<void> => {
      if (binary) proxy = await startHaproxy({ binary, servers: cluster.hosts });
    };
    await start();
    const rig: Rig = {
      cluster,
      get proxy() {
        return proxy;
      },
      async restartProxy() {
        await proxy?.stop();
        proxy = undefined;
        await start();
      },
      env: (workers, extra = {}) => ({ hosts: cluster.hosts, workers, ...(proxy ? { proxy } : {}), ...extra }),
    };
    const result = await fn(rig);
    // Reused only if every coordinator is up and answering as at the start.
    broken = cluster.coordinators.some((c) => !c.running);
    return result;
  } finally {
    await proxy?.stop();
    await release(cluster, broken);
  }
}
