/**
 * One emulated impalad coordinator: its own DuckDB catalog, an HS2 socket
 * server, the session/operation registries and counters. A cluster is a
 * list of these.
 *
 * @module
 */
import { finishesWithin } from '../util/finishes-within.js';
import { AdmissionController } from './engine/admission.js';
import type { ProtocolFault } from './hs2/protocol-fault.js';
import type { CatalogLink } from './catalog/bus.js';
import { Catalog } from './catalog/catalog.js';
import { checkFault, checkGraceMs, checkLatency, type ClusterCoordinator } from './cluster-coordinator.js';
import { CoordinatorState } from './coordinator-state.js';
import type { CoordinatorStats } from './coordinator-stats.js';
import { Hs2Handler, type ConnectionInfo } from './hs2/handler.js';
import { Hs2Server } from './hs2/server.js';
import { HttpEndpoint } from './http/http-endpoint.js';
import { spnegoAcceptor } from './http/kerberos-negotiate.js';
import { KerberosAcceptor } from './kerberos/acceptor.js';
import { newHttpStats } from './http/http-stats.js';
import { countingHandler } from './hs2/rpc-counter.js';
import type { ResolvedClusterOptions } from './options.js';
import { WEBSERVER_BASE_PORT } from './hs2/server-info.js';

// impalad's cap on rows in one FetchResults answer is the client's ask; ours
// also bounds memory per answer.
const MAX_FETCH_ROWS = 100_000;
const MAX_FETCH_BYTES = 16 * 1024 * 1024;
const SHUTDOWN_DRAIN_MS = 1000;

/** Settings of one coordinator. */
export interface CoordinatorConfig extends Omit<
  ResolvedClusterOptions,
  'coordinators' | 'hosts' | 'ports' | 'catalogDelayMs' | 'isolation'
> {
  /** Position in the cluster (0-based); names its web UI port. */
  index: number;
  /** Interface to listen on; also its host in a Kerberos principal's `_HOST`. */
  host: string;
  /** Port to listen on; 0 lets the OS pick. */
  port: number;
  /** HTTP port to listen on when `http` is set; 0 (default) lets the OS pick. */
  httpPort?: number;
  /** The cluster's metadata propagation, when there are other coordinators (or a log to keep). */
  bus?: CatalogLink;
  /** Called just before each answer is written (a child process reports its counters then). */
  beforeAnswer?: () => void;
  /** Protocol fault from the first answer on (a restarted child keeps its parent's setting). */
  fault?: ProtocolFault | undefined;
}

/** A coordinator running inside this process (`isolation: 'inline'`). */
export class Coordinator implements ClusterCoordinator {
  private readonly server: Hs2Server;
  private readonly http: HttpEndpoint | undefined;
  private readonly state: CoordinatorState;
  // Its HTTP options (keys and secrets among them) live in the endpoint only.
  private readonly config: Omit<CoordinatorConfig, 'http'>;
  private latency: number;
  private fault: ProtocolFault | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;
  // One sequence for both ports: sessions remember connections by number.
  private connectionIds = 1;

  private constructor(config: CoordinatorConfig, catalog: Catalog) {
    const { http, ...rest } = config;
    this.config = rest;
    this.latency = config.latencyMs;
    this.fault = config.fault;
    this.state = new CoordinatorState(catalog, '', `${config.host}:${WEBSERVER_BASE_PORT + config.index}`);
    if (config.admission) this.state.admission = new AdmissionController(config.admission);
    const bus = config.bus;
    if (bus) {
      this.state.publish = (change) => bus.publish(config.index, change);
      this.state.syncCatalog = () => bus.flush(config.index);
      this.state.propagationDelayMs = bus.delayMs;
    }
    // impalad's --principal with _HOST: each coordinator accepts its own host's principal (or a shared one).
    const kerberos = config.kerberos
      ? new KerberosAcceptor({ keytab: config.kerberos.keytab, principal: config.kerberos.principal, hostname: config.host })
      : undefined;
    const createHandler = (info: ConnectionInfo): object =>
      countingHandler(new Hs2Handler(this.state, info, { maxFetchBytes: MAX_FETCH_BYTES, maxFetchRows: MAX_FETCH_ROWS }), (method) =>
        this.state.countRpc(method),
      );
    const shared = {
      hostname: config.host,
      users: config.users,
      kerberos,
      tls: config.tls,
      maxMessageBytes: config.maxMessageBytes,
      createHandler,
      latencyMs: () => this.latency,
      fault: () => this.fault,
      nextConnectionId: () => this.connectionIds++,
      ...(config.beforeAnswer ? { beforeAnswer: config.beforeAnswer } : {}),
    };
    const opened = (): void => {
      this.state.connectionsOpen += 1;
      this.state.connectionsTotal += 1;
    };
    this.server = new Hs2Server({
      ...shared,
      onPipelined: () => void (this.state.rpcsPipelined += 1),
      onOpen: opened,
      onClose: (conn) => this.onDisconnect(conn.info.id, config.disconnectedSessionTimeoutMs),
    });
    if (http) {
      this.state.http = newHttpStats();
      this.http = new HttpEndpoint({
        ...shared,
        // SPNEGO from the same keytab and principal, unless the cluster brought its own acceptor.
        options: kerberos && !http.negotiate ? { ...http, negotiate: spnegoAcceptor(kerberos) } : http,
        stats: this.state.http,
        onOpen: opened,
        // HTTP clients may use a new connection for any request; impalad keeps their sessions for --disconnected_session_timeout.
        onClose: (id) => this.onDisconnect(id, http.disconnectedSessionTimeoutMs),
      });
    }
  }

  /**
   * Creates the catalog and starts listening. Clusters make coordinators;
   * use `startCluster()`.
   *
   * @param config - settings
   * @internal
   */
  static async start(config: CoordinatorConfig): Promise<Coordinator> {
    const catalog = await Catalog.create(config.duckdbThreads);
    const c = new Coordinator(config, catalog);
    try {
      // Caught up with the cluster's catalog before the first client arrives.
      await config.bus?.join(config.index, catalog);
      await c.start();
    } catch (err) {
      await catalog.close();
      throw err;
    }
    return c;
  }

  /** `host:port` clients connect to, as in `cluster.hosts`. */
  get host(): string {
    return `${this.config.host}:${this.port}`;
  }

  /** The interface it listens on. */
  get hostname(): string {
    return this.config.host;
  }

  /** The HS2 port. */
  get port(): number {
    return this.server.port;
  }

  /** The HS2-over-HTTP port; undefined without `http`. */
  get httpPort(): number | undefined {
    return this.http?.port;
  }

  /** `host:httpPort`, as in `cluster.httpHosts`; undefined without `http`. */
  get httpHost(): string | undefined {
    return this.http ? `${this.config.host}:${this.http.port}` : undefined;
  }

  /** Whether it accepts connections now. */
  get running(): boolean {
    return this.server.listening;
  }

  /** Always undefined: it runs in this process. */
  get pid(): number | undefined {
    return undefined;
  }

  /** Its counters. */
  stats(): CoordinatorStats {
    return this.state.stats();
  }

  /**
   * Listens again after {@link stop}, on the same port. The catalog (tables
   * and data) survived the stop, as a restarted impalad finds its tables.
   */
  async start(): Promise<void> {
    if (this.closed) throw new Error('the coordinator is closed');
    await this.server.listen(this.server.port || this.config.port);
    try {
      await this.http?.listen(this.http.port || (this.config.httpPort ?? 0));
    } catch (err) {
      await this.server.close();
      throw err;
    }
    this.state.address = this.host;
    this.state.shutdownMessage = undefined;
    this.startSweeper();
  }

  /**
   * Stops like an impalad process going away: closes the port and every
   * connection, cancels and closes every session and operation. Tables stay
   * for a later {@link start}.
   */
  async stop(): Promise<void> {
    await this.halt(0);
  }

  private async halt(drainMs: number): Promise<void> {
    this.stopSweeper();
    await Promise.all([this.server.close(drainMs), this.http?.close(drainMs)]);
    this.state.closeAll();
  }

  /** Drops every client connection (the port stays open), as a network blip would. */
  dropConnections(): Promise<void> {
    this.server.dropConnections();
    this.http?.dropConnections();
    return Promise.resolve();
  }

  /**
   * Delays every answer by `ms` milliseconds, as a slow or distant
   * coordinator would. 0 removes the delay.
   */
  setLatency(ms: number): Promise<void> {
    this.latency = checkLatency(ms);
    return Promise.resolve();
  }

  /**
   * Breaks the protocol on purpose (for fuzzing clients): every answer from
   * now on is garbage, truncated, carries a wrong sequence id, or announces
   * an absurd length. `undefined` restores normal answers.
   */
  setFault(fault: ProtocolFault | undefined): Promise<void> {
    this.fault = checkFault(fault);
    return Promise.resolve();
  }

  /**
   * Kills the coordinator abruptly, like SIGKILL on impalad: connections
   * reset, the port closes, sessions and running statements are gone. Use
   * {@link start} to bring it back (its tables survive).
   */
  kill(): void {
    void this.stop();
  }

  /**
   * Freezes the coordinator, like SIGSTOP: connections (and new ones) are
   * accepted by the OS but nothing is read or answered until {@link resume}.
   * In-process, statements already running keep running.
   */
  pause(): void {
    this.server.pause();
    this.http?.pause();
  }

  /** Undoes {@link pause}: held requests are answered. */
  resume(): void {
    this.server.resume();
    this.http?.resume();
  }

  /**
   * Graceful shutdown, as impalad's `:shutdown()`: new sessions and
   * statements get "Server is being shut down" at once; running statements
   * may finish for up to `graceMs`; then the coordinator stops.
   *
   * @param options.graceMs - longest wait for running statements, in ms (default 5000)
   */
  async shutdown(options: { graceMs?: number } = {}): Promise<void> {
    const graceMs = checkGraceMs(options);
    this.state.shutdownMessage = `Server is being shut down: shutdown requested, grace period ${graceMs}ms.`;
    await finishesWithin(this.state.whenIdle(), graceMs);
    // The answer that finished the last statement may still be on its way out.
    await this.halt(SHUTDOWN_DRAIN_MS);
  }

  /** Stops and frees the DuckDB instance for good. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.stop();
    this.closed = true;
    await this.state.catalog.close();
  }

  private onDisconnect(id: number, timeoutMs: number): void {
    this.state.connectionsOpen -= 1;
    this.state.releaseConnection(id, timeoutMs);
  }

  private startSweeper(): void {
    const idle = this.config.idleSessionTimeoutMs;
    const idleQuery = this.config.idleQueryTimeoutMs;
    if ((idle === 0 && idleQuery === 0) || this.sweeper) return;
    const shortest = Math.min(...[idle, idleQuery].filter((t) => t > 0));
    this.sweeper = setInterval(
      () => {
        if (idleQuery > 0) this.expireIdleQueries(idleQuery);
        if (idle > 0) this.expireIdle(idle);
      },
      Math.max(10, Math.min(1000, Math.floor(shortest / 4))),
    );
    this.sweeper.unref();
  }

  /**
   * Cancels queries whose client stopped asking about them, as impalad's
   * idle_query_timeout does. As there, a query is not idle while it still
   * executes (Impala's `ClientRequestState::Exec` marks it active until
   * `Wait` has its rows ready) or while a fetch reads its rows (`FetchRows`);
   * the idle time counts from the later of the rows being ready and the
   * client's last request (`ImpalaServer::ExpireQueries` skips `is_active()`).
   */
  private expireIdleQueries(idleMs: number): void {
    const now = performance.now();
    for (const op of this.state.operations.values()) {
      if (op.state !== 'FINISHED' || op.fetchesInProgress > 0 || now - op.lastClientMs < idleMs) continue;
      op.cancel(`Query ${op.queryId} expired due to client inactivity (timeout is ${formatSeconds(idleMs)})`);
    }
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** Expires sessions idle longer than `idleMs`, as impalad's idle_session_timeout does. */
  private expireIdle(idleMs: number): void {
    const now = performance.now();
    for (const s of this.state.sessions.values()) {
      if (s.closed || now - s.lastUsedMs < idleMs) continue;
      // Work still running counts as activity.
      if (this.state.operationsOf(s).some((op) => !op.terminal)) continue;
      const last = new Date(Date.now() - (now - s.lastUsedMs)).toISOString();
      this.state.closeSession(
        s,
        `Client session expired due to more than ${idleMs / 1000}s of inactivity (last activity was at: ${last}).`,
      );
    }
  }
}

/** Impala's duration text, e.g. `5s000ms`. */
function formatSeconds(ms: number): string {
  return `${Math.floor(ms / 1000)}s${String(ms % 1000).padStart(3, '0')}ms`;
}
