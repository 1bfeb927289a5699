/**
 * What a test does with one coordinator of a local cluster, the same whether
 * it runs inside the test process or in a child process of its own.
 *
 * @module
 */
import type { CoordinatorStats } from './coordinator-stats.js';
import { PROTOCOL_FAULTS, type ProtocolFault } from './hs2/protocol-fault.js';

/** One coordinator of a {@link LocalCluster}, with its fault controls. */
export interface ClusterCoordinator {
  /** `host:port` clients connect to, as in `cluster.hosts`. */
  readonly host: string;
  /** The interface it listens on. */
  readonly hostname: string;
  /** The HS2 port (kept across stop/start and kill/start). */
  readonly port: number;
  /** The HS2-over-HTTP port (kept across restarts like `port`); undefined unless the cluster has `http`. */
  readonly httpPort: number | undefined;
  /** `host:httpPort`, as in `cluster.httpHosts`; undefined unless the cluster has `http`. */
  readonly httpHost: string | undefined;
  /** Whether it accepts connections now. */
  readonly running: boolean;
  /** Id of its own process while one runs (process isolation); undefined inline. */
  readonly pid: number | undefined;
  /** Its counters. In process isolation, as of the child's last answer (updates travel ahead of answers). */
  stats(): CoordinatorStats;
  /** Listens again after a stop, kill or shutdown, on the same port; its tables are still there. */
  start(): Promise<void>;
  /** Stops like an impalad process going away: the port closes, connections reset, sessions end. */
  stop(): Promise<void>;
  /**
   * Kills it abruptly. In process isolation this is SIGKILL on its process;
   * inline, the port and every connection close at once.
   */
  kill(): void;
  /**
   * Freezes it: connections are accepted by the OS, nothing is answered until
   * {@link resume}. In process isolation this is SIGSTOP (running statements
   * freeze too); inline, statements already running go on.
   */
  pause(): void;
  /** Undoes {@link pause} (SIGCONT in process isolation). */
  resume(): void;
  /** Drops every client connection, keeping the port open, as a network blip would. */
  dropConnections(): Promise<void>;
  /** Delays every answer by `ms` milliseconds; 0 removes the delay. */
  setLatency(ms: number): Promise<void>;
  /** Breaks every answer from now on the chosen way (fuzzing); `undefined` restores normal answers. */
  setFault(fault: ProtocolFault | undefined): Promise<void>;
  /**
   * Graceful shutdown, as impalad's `:shutdown()`: new work gets "Server is
   * being shut down" at once, running queries may finish for up to `graceMs`
   * (default 5000), then it stops (in process isolation, its process exits).
   */
  shutdown(options?: { graceMs?: number }): Promise<void>;
  /** Stops it for good and frees its catalog. Idempotent. */
  close(): Promise<void>;
}

/** @throws TypeError unless `ms` is a non-negative integer */
export function checkLatency(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0)
    throw new TypeError(`setLatency(ms) needs a non-negative integer, got ${String(ms)}`);
  return ms;
}

/** @throws TypeError unless `fault` is a known fault or undefined */
export function checkFault(fault: unknown): ProtocolFault | undefined {
  if (fault !== undefined && !PROTOCOL_FAULTS.includes(fault as ProtocolFault)) {
    throw new TypeError(`setFault(fault) needs one of ${PROTOCOL_FAULTS.join(', ')} or undefined, got ${String(fault)}`);
  }
  return fault as ProtocolFault | undefined;
}

/** @throws TypeError unless `graceMs` is undefined or a non-negative integer; returns it or 5000 */
export function checkGraceMs(options: { graceMs?: number } = {}): number {
  const graceMs = options.graceMs ?? 5000;
  if (!Number.isInteger(graceMs) || graceMs < 0)
    throw new TypeError(`option graceMs must be a non-negative integer, got ${String(graceMs)}`);
  return graceMs;
}
