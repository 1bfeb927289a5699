/**
 * A coordinator in a child process of its own (`isolation: 'process'`): its
 * server does not share the test's event loop, `kill()` is a real SIGKILL
 * and `pause()` a real SIGSTOP. The parent owns the catalog bus and its log,
 * so a coordinator whose process died comes back with the cluster's tables,
 * as a restarted impalad loads them from catalogd.
 *
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { finishesWithin } from '../../util/finishes-within.js';
import type { CatalogBus, CatalogChange } from '../catalog/bus.js';
import { checkFault, checkGraceMs, checkLatency, type ClusterCoordinator } from '../cluster-coordinator.js';
import type { CoordinatorStats } from '../coordinator-stats.js';
import type { ProtocolFault } from '../hs2/protocol-fault.js';
import type { ResolvedHttpOptions } from '../http/http-options.js';
import { addHttpStats } from '../http/http-stats.js';
import type { ChildCoordinatorConfig, ChildInit, ChildReady } from './child-init.js';
import { reapOnExit } from './child-reaper.js';
import { ChannelClosedError, IpcPeer } from './ipc-peer.js';

// Longest wait for a child to close its coordinator and exit before SIGKILL.
const EXIT_TIMEOUT_MS = 5000;

// Run from TypeScript sources (tests, tsx), the child needs tsx's loader too.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILD_ENTRY = fileURLToPath(new URL(`./coordinator-child.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));

function childExecArgv(): string[] {
  if (!FROM_SOURCE) return [];
  return ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
}

/** A coordinator running in a child process. */
export class ProcessCoordinator implements ClusterCoordinator {
  private child: ChildProcess | undefined;
  private peer: IpcPeer | undefined;
  private exited: Promise<void> = Promise.resolve();
  private starting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private boundPort = 0;
  private boundHttpPort = 0;
  private ready = false;
  private paused = false;
  private readonly pauseWaiters = new Set<() => void>();
  private latency: number;
  private fault: ProtocolFault | undefined;
  /** This process's last report. */
  private current: CoordinatorStats | undefined;
  /** Totals of the processes before it (counters survive a restart, as inline). */
  private earlier: CoordinatorStats | undefined;

  private readonly config: Omit<ChildCoordinatorConfig, 'http'>;
  // ES private: keys and secrets must not show when a cluster is inspected; each child gets them at start.
  readonly #http: ResolvedHttpOptions | undefined;

  private constructor(
    config: ChildCoordinatorConfig,
    private readonly bus: CatalogBus,
  ) {
    const { http, ...rest } = config;
    this.config = rest;
    this.#http = http;
    this.latency = config.latencyMs;
  }

  /**
   * Forks the process and waits until it listens. Clusters make
   * coordinators; use `startCluster({ isolation: 'process' })`.
   *
   * @param config - settings
   * @param bus - the cluster's catalog bus (with its log)
   * @internal
   */
  static async start(config: ChildCoordinatorConfig, bus: CatalogBus): Promise<ProcessCoordinator> {
    const c = new ProcessCoordinator(config, bus);
    await bus.join(config.index, { replay: (change, seq) => c.deliver(change, seq) });
    await c.start();
    return c;
  }

  get host(): string {
    return `${this.config.host}:${this.port}`;
  }

  get hostname(): string {
    return this.config.host;
  }

  get port(): number {
    return this.boundPort;
  }

  get httpPort(): number | undefined {
    return this.#http ? this.boundHttpPort : undefined;
  }

  get httpHost(): string | undefined {
    return this.#http ? `${this.config.host}:${this.boundHttpPort}` : undefined;
  }

  get running(): boolean {
    return this.ready && this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  stats(): CoordinatorStats {
    // Killed but not yet reaped: its totals count, nothing of it is open any more.
    return foldStats(this.host, this.earlier, this.current, this.running);
  }

  start(): Promise<void> {
    if (this.closing) return Promise.reject(new Error('the coordinator is closed'));
    if (this.starting) return this.starting;
    // A killed process may not be reaped yet: spawn() waits for that.
    if (this.running) return Promise.resolve();
    this.starting = this.spawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const child = this.child;
    if (!child) return;
    this.ready = false;
    if (!this.paused) await this.ask('stop', undefined, EXIT_TIMEOUT_MS);
    await this.reap(child);
  }

  kill(): void {
    if (!this.child) return;
    this.ready = false;
    this.child.kill('SIGKILL');
  }

  pause(): void {
    if (!this.child || this.paused) return;
    this.child.kill('SIGSTOP');
    this.paused = true;
    for (const wake of [...this.pauseWaiters]) wake();
  }

  resume(): void {
    if (!this.child || !this.paused) return;
    this.child.kill('SIGCONT');
    this.paused = false;
  }

  dropConnections(): Promise<void> {
    return this.ask('dropConnections');
  }

  setLatency(ms: number): Promise<void> {
    this.latency = checkLatency(ms);
    return this.ask('setLatency', ms);
  }

  setFault(fault: ProtocolFault | undefined): Promise<void> {
    this.fault = checkFault(fault);
    return this.ask('setFault', fault);
  }

  async shutdown(options: { graceMs?: number } = {}): Promise<void> {
    const graceMs = checkGraceMs(options);
    const child = this.child;
    if (!child) return;
    // The child's own grace timer cannot run while it is frozen; this one can.
    await this.ask('shutdown', { graceMs }, graceMs + EXIT_TIMEOUT_MS);
    this.ready = false;
    await this.reap(child);
  }

  close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async spawn(): Promise<void> {
    // The previous process must be gone: its port is the one to bind again.
    await this.exited;
    const child = fork(CHILD_ENTRY, [], {
      execArgv: childExecArgv(),
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    reapOnExit(child);
    const peer = new IpcPeer(child);
    this.child = child;
    this.peer = peer;
    this.paused = false;
    this.current = undefined;
    this.exited = new Promise<void>((resolve) => {
      const gone = (why: string): void => {
        peer.fail(new ChannelClosedError(`coordinator ${this.config.index} process ${why}`));
        this.onExit(child);
        resolve();
      };
      child.once('exit', (code, signal) => gone(`exited (${signal ?? `code ${code}`})`));
      child.once('error', (err) => {
        if (child.pid === undefined) gone(`could not start: ${err.message}`);
      });
    });
    peer.handle<CoordinatorStats>('stats', (s) => {
      if (this.child === child) this.current = s;
    });
    peer.handle<CatalogChange>('publish', (change) => this.bus.publish(this.config.index, change));
    peer.handle('flush', () => this.bus.flush(this.config.index));
    const http = this.#http;
    const negotiate = http?.negotiate;
    if (negotiate) peer.handle<Uint8Array>('negotiate', (token) => negotiate(Buffer.from(token)));
    const init: ChildInit = {
      config: {
        ...this.config,
        port: this.boundPort || this.config.port,
        httpPort: this.boundHttpPort || (this.config.httpPort ?? 0),
        http: http && { ...http, negotiate: undefined },
        latencyMs: this.latency,
        fault: this.fault,
      },
      delayMs: this.bus.delayMs,
      log: this.bus.log,
      negotiateInParent: negotiate !== undefined,
    };
    try {
      const ready = await peer.request<ChildReady>('init', init);
      this.boundPort = ready.port;
      this.boundHttpPort = ready.httpPort ?? 0;
      this.ready = true;
    } catch (err) {
      child.kill('SIGKILL');
      await this.exited;
      throw err;
    }
  }

  private onExit(child: ChildProcess): void {
    if (this.child !== child) return;
    this.earlier = foldStats(this.host, this.earlier, this.current, false);
    this.current = undefined;
    this.child = undefined;
    this.peer = undefined;
    this.ready = false;
    this.paused = false;
  }

  /** Closes the channel (the child exits on that) and waits for the exit; SIGKILL if it dawdles. */
  private async reap(child: ChildProcess): Promise<void> {
    // A frozen process cannot see its channel close.
    if (this.paused) child.kill('SIGKILL');
    else if (child.connected) child.disconnect();
    const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Replays a catalog change in the child; without a child the next one starts from the log. */
  private deliver(change: CatalogChange, seq: number): Promise<void> {
    return this.ask('replay', { seq, change }).catch(() => undefined);
  }

  /**
   * Sends a request and waits for its answer, but not past a pause (a frozen
   * process answers when it thaws; nobody should wait for that), the
   * process's death, or `timeoutMs`.
   */
  private async ask(op: string, arg?: unknown, timeoutMs?: number): Promise<void> {
    const peer = this.peer;
    if (!peer) return;
    // The process dying is an answer too: what it held is gone with it.
    const answered = peer.request(op, arg).catch((err: unknown) => {
      if (!(err instanceof ChannelClosedError)) throw err;
    });
    if (this.paused) {
      answered.catch(() => undefined);
      return;
    }
    let wake: (() => void) | undefined;
    const answeredOrPaused = Promise.race([answered, new Promise<void>((resolve) => this.pauseWaiters.add((wake = resolve)))]);
    try {
      if (timeoutMs === undefined) await answeredOrPaused;
      else await finishesWithin(answeredOrPaused, timeoutMs);
    } finally {
      this.pauseWaiters.delete(wake!);
    }
  }
}

/**
 * Counters across a coordinator's processes: totals add up; open counts are
 * the current process's, while it runs.
 */
function foldStats(host: string, e: CoordinatorStats | undefined, live: CoordinatorStats | undefined, running: boolean): CoordinatorStats {
  const open = running ? live : undefined;
  const kinds = ['query', 'dml', 'ddl', 'other'] as const;
  return {
    host,
    sessionsOpen: open?.sessionsOpen ?? 0,
    operationsOpen: open?.operationsOpen ?? 0,
    queries: (e?.queries ?? 0) + (live?.queries ?? 0),
    inFlight: open?.inFlight ?? 0,
    peakInFlight: Math.max(e?.peakInFlight ?? 0, live?.peakInFlight ?? 0),
    byKind: Object.fromEntries(kinds.map((k) => [k, (e?.byKind[k] ?? 0) + (live?.byKind[k] ?? 0)])) as CoordinatorStats['byKind'],
    connectionsOpen: open?.connectionsOpen ?? 0,
    connectionsTotal: (e?.connectionsTotal ?? 0) + (live?.connectionsTotal ?? 0),
    rpcs: addCounts(e?.rpcs, live?.rpcs),
    rpcsPipelined: (e?.rpcsPipelined ?? 0) + (live?.rpcsPipelined ?? 0),
    ...(e?.http || live?.http ? { http: addHttpStats(e?.http, live?.http)! } : {}),
  };
}

function addCounts(a: Record<string, number> | undefined, b: Record<string, number> | undefined): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [k, n] of Object.entries(b ?? {})) out[k] = (out[k] ?? 0) + n;
  return out;
}
