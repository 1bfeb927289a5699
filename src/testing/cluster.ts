/**
 * The local test cluster: N emulated coordinators on loopback.
 *
 * @module
 */
import { CatalogBus } from './catalog/bus.js';
import type { ClusterCoordinator } from './cluster-coordinator.js';
import type { CoordinatorStats } from './coordinator-stats.js';
import { Coordinator } from './coordinator.js';
import { resolveClusterOptions, type ClusterOptions } from './options.js';
import { ProcessCoordinator } from './process/process-coordinator.js';

/** A running local cluster. Close it with {@link LocalCluster.close} (or `await using`). */
export class LocalCluster {
  private closing: Promise<void> | undefined;

  /**
   * Use {@link startCluster}.
   *
   * @param coordinators - the started coordinators
   * @param bus - their metadata propagation
   * @internal
   */
  constructor(
    readonly coordinators: readonly ClusterCoordinator[],
    private readonly bus?: CatalogBus,
  ) {}

  /** `host:port` of each coordinator, in order (what a pool's `hosts` takes). */
  get hosts(): string[] {
    return this.coordinators.map((c) => c.host);
  }

  /**
   * `host:port` of each coordinator's HS2-over-HTTP endpoint, in order
   * (empty unless started with `http`). Clients POST to any path of it,
   * e.g. `http://127.0.0.1:PORT/cliservice` (`https://` with `tls`).
   */
  get httpHosts(): string[] {
    return this.coordinators.flatMap((c) => (c.httpHost === undefined ? [] : [c.httpHost]));
  }

  /** Counters of each coordinator, in order. */
  stats(): CoordinatorStats[] {
    return this.coordinators.map((c) => c.stats());
  }

  /**
   * Stops every coordinator: closes ports, connections, sessions and
   * operations, and frees each DuckDB instance. Idempotent.
   */
  close(): Promise<void> {
    this.bus?.close();
    this.closing ??= Promise.all(this.coordinators.map((c) => c.close())).then(() => undefined);
    return this.closing;
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Starts a local Impala test cluster: real HS2 Thrift servers on loopback
 * (binary protocol; NOSASL, or SASL PLAIN; optional TLS; optionally HS2
 * over HTTP too, see {@link ClusterOptions.http}), each with its own
 * DuckDB catalog, speaking closely enough like impalad that stock HS2
 * clients work.
 *
 * @param options - see {@link ClusterOptions}; defaults give one coordinator on 127.0.0.1 with an OS-picked port
 * @throws TypeError naming a wrong option
 *
 * @example
 * ```ts
 * const cluster = await startCluster({ coordinators: 1 });
 * const pool = createPool({ hosts: cluster.hosts });
 * // …
 * await cluster.close();
 * ```
 */
export async function startCluster(options: ClusterOptions = {}): Promise<LocalCluster> {
  const resolved = resolveClusterOptions(options);
  const { coordinators: count, hosts, ports, catalogDelayMs, isolation, ...shared } = resolved;
  const inChildren = isolation === 'process';
  // A killed child process loses its catalog; the bus's log is what it rebuilds from.
  const bus = count > 1 || inChildren ? new CatalogBus(catalogDelayMs, inChildren) : undefined;
  const configs = ports.map((port, index) => ({ ...shared, index, host: hosts[index]!, port, httpPort: shared.http?.ports[index] ?? 0 }));
  const started: ClusterCoordinator[] = [];
  try {
    if (inChildren) {
      // In parallel: a child's start-up is its own CPU time, not ours.
      const results = await Promise.allSettled(configs.map((c) => ProcessCoordinator.start(c, bus!)));
      for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    } else {
      for (const c of configs) started.push(await Coordinator.start({ ...c, ...(bus ? { bus } : {}) }));
    }
  } catch (err) {
    bus?.close();
    await Promise.all(started.map((c) => c.close()));
    throw err;
  }
  return new LocalCluster(started, bus);
}
