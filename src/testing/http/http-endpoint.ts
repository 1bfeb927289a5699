/**
 * A coordinator's HS2-over-HTTP listener (impalad's `--hs2_http_port`): an
 * HTTP/1.1 (or HTTPS) server on loopback whose POST bodies are Thrift
 * messages for the same service the TCP port serves. It keeps track of its
 * connections, so faults can freeze, drop or close them, and every timer it
 * keeps can be told apart from a frozen server's silence.
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { finishesWithin } from '../../util/finishes-within.js';
import type { ConnectionInfo } from '../hs2/handler.js';
import { bindServer, serverTlsOptions } from '../hs2/server.js';
import type { ProtocolFault } from '../hs2/protocol-fault.js';
import type { PlainUsers, ServerTls } from '../options.js';
import { AuthCookies } from './auth-cookie.js';
import { HttpAuthenticator } from './http-authenticator.js';
import { serveExchange, type ExchangeContext } from './http-exchange.js';
import type { ResolvedHttpOptions } from './http-options.js';
import type { HttpEndpointStats } from './http-stats.js';
import { JwtVerifier } from './jwt-verifier.js';

/** How an endpoint listens and what its requests do. */
export interface HttpEndpointConfig {
  /** Interface to bind. */
  hostname: string;
  /** HTTPS with this key and certificate, when set. */
  tls: ServerTls | undefined;
  /** The validated `http` option. */
  options: ResolvedHttpOptions;
  /** Basic against these users (the cluster's PLAIN users), when set. */
  users: PlainUsers | undefined;
  /** Largest request body, in bytes. */
  maxMessageBytes: number;
  /** Counters this endpoint keeps up to date. */
  stats: HttpEndpointStats;
  /** Numbers connections (one sequence with the TCP port's). */
  nextConnectionId(): number;
  /** The HS2 service handler for one request. */
  createHandler(info: ConnectionInfo): object;
  /** Milliseconds to hold each reply back. */
  latencyMs(): number;
  /** The protocol fault to inject, if any. */
  fault(): ProtocolFault | undefined;
  /** Called just before each answer is written. */
  beforeAnswer?(): void;
  /** A connection opened. */
  onOpen(id: number): void;
  /** A connection closed. */
  onClose(id: number): void;
}

interface HttpConnection {
  id: number;
  peer: string;
  socket: net.Socket;
  /** Requests being served on it. */
  busy: number;
  idleTimer: NodeJS.Timeout | undefined;
}

/** The HTTP server of one coordinator. */
export class HttpEndpoint {
  private server: http.Server | undefined;
  private readonly connections = new Map<net.Socket, HttpConnection>();
  // Every TCP socket, TLS handshakes in progress included, so closing leaves none.
  private readonly sockets = new Set<net.Socket>();
  // Sockets node:http gave up on while paused: a frozen server says nothing, so they wait for resume.
  private readonly parked = new Set<net.Socket>();
  private boundPort = 0;
  private paused: { promise: Promise<void>; open: () => void } | undefined;
  private readonly drainWaiters: Array<() => void> = [];
  private context: ExchangeContext | undefined;
  // An ES private field: its options hold keys and secrets, which inspecting a cluster must not show.
  readonly #config: HttpEndpointConfig;

  /** @param config - transport settings and hooks */
  constructor(config: HttpEndpointConfig) {
    this.#config = config;
  }

  /** The port bound (0 before the first listen). */
  get port(): number {
    return this.boundPort;
  }

  /** Whether it is accepting connections. */
  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /**
   * Starts listening. Each start draws a new cookie key unless the options
   * fix one, as each impalad process start does.
   *
   * @param port - port to bind; 0 lets the OS pick
   * @returns the bound port
   */
  async listen(port: number): Promise<number> {
    if (this.server) return this.boundPort;
    const { options, tls } = this.#config;
    this.context = this.createContext();
    const timeouts = {
      // Slow senders (slow loris): the whole request within requestTimeoutMs of its first byte.
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(options.requestTimeoutMs / 4))),
      // Idle connections are timed here, where a pause can stop the clock.
      keepAliveTimeout: 0,
    };
    const server = tls ? https.createServer({ ...timeouts, ...serverTlsOptions(tls) }) : http.createServer(timeouts);
    server.on('connection', (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      if (!tls) this.accept(socket);
    });
    if (tls) server.on('secureConnection', (socket: net.Socket) => this.accept(socket));
    // A failed TLS handshake is the client's problem, not the server's.
    server.on('tlsClientError', (_err: Error, socket: net.Socket) => socket.destroy());
    server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => this.onClientError(err, socket));
    server.on('request', (req, res) => this.serve(req, res, false));
    server.on('checkContinue', (req, res) => this.serve(req, res, true));
    // impalad ignores expectations other than 100-continue rather than answering 417.
    server.on('checkExpectation', (req, res) => this.serve(req, res, false));
    this.boundPort = await bindServer(server, port, this.#config.hostname);
    this.server = server;
    return this.boundPort;
  }

  private createContext(): ExchangeContext {
    const { options, tls, users, stats } = this.#config;
    const enabled = users !== undefined || options.jwt !== undefined || options.negotiate !== undefined;
    // impalad marks cookies Secure unless told otherwise; here they are Secure exactly when the endpoint is HTTPS.
    const cookies =
      enabled && options.cookieLifetimeMs > 0
        ? new AuthCookies(options.cookieLifetimeMs, tls !== undefined, options.cookieSecret)
        : undefined;
    const authenticator = new HttpAuthenticator(
      { users, jwt: options.jwt ? new JwtVerifier(options.jwt) : undefined, negotiate: options.negotiate, cookies },
      stats,
    );
    const c = this.#config;
    return {
      maxMessageBytes: c.maxMessageBytes,
      authenticator,
      stats,
      createHandler: (info) => c.createHandler(info),
      latencyMs: () => c.latencyMs(),
      fault: () => c.fault(),
      ...(c.beforeAnswer ? { beforeAnswer: () => c.beforeAnswer!() } : {}),
      whenRunning: () => this.paused?.promise ?? Promise.resolve(),
    };
  }

  private accept(socket: net.Socket): void {
    const conn: HttpConnection = {
      id: this.#config.nextConnectionId(),
      peer: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      socket,
      busy: 0,
      idleTimer: undefined,
    };
    this.connections.set(socket, conn);
    socket.setNoDelay(true);
    this.#config.onOpen(conn.id);
    if (this.paused) socket.pause();
    else this.armIdle(conn);
    socket.once('close', () => {
      clearTimeout(conn.idleTimer);
      this.parked.delete(socket);
      if (this.connections.delete(socket)) this.#config.onClose(conn.id);
    });
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, expectContinue: boolean): void {
    const conn = this.connections.get(req.socket);
    const ctx = this.context;
    if (!conn || !ctx) {
      req.socket.destroy();
      return;
    }
    conn.busy += 1;
    clearTimeout(conn.idleTimer);
    void serveExchange(ctx, conn, req, res, expectContinue).finally(() => {
      conn.busy -= 1;
      this.armIdle(conn);
      if (this.busyCount() === 0) for (const wake of this.drainWaiters.splice(0)) wake();
    });
  }

  private armIdle(conn: HttpConnection): void {
    clearTimeout(conn.idleTimer);
    conn.idleTimer = undefined;
    if (this.paused || conn.busy > 0 || conn.socket.destroyed) return;
    conn.idleTimer = setTimeout(() => conn.socket.destroy(), this.#config.options.idleTimeoutMs);
    conn.idleTimer.unref();
  }

  private onClientError(err: NodeJS.ErrnoException, socket: net.Socket): void {
    if (this.paused) {
      this.parked.add(socket);
      return;
    }
    // Only a socket with no answer under way can take one more (node:http's own rule).
    const midAnswer = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent === true;
    const status =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? '408 Request Timeout'
        : err.code === 'HPE_HEADER_OVERFLOW'
          ? '431 Request Header Fields Too Large'
          : undefined;
    // Anything else is not HTTP; impalad's transport drops such a connection without a word.
    if (status && socket.writable && !midAnswer) {
      this.#config.beforeAnswer?.();
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    socket.destroy();
  }

  private busyCount(): number {
    let n = 0;
    for (const c of this.connections.values()) n += c.busy;
    return n;
  }

  /** Holds every connection, present and new: nothing is read or answered until {@link resume}. */
  pause(): void {
    if (this.paused) return;
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    this.paused = { promise, open };
    for (const conn of this.connections.values()) {
      clearTimeout(conn.idleTimer);
      conn.socket.pause();
    }
  }

  /** Undoes {@link pause}: held answers go out, reading and idle timing go on. */
  resume(): void {
    const p = this.paused;
    if (!p) return;
    this.paused = undefined;
    for (const socket of this.parked) socket.destroy();
    this.parked.clear();
    for (const conn of this.connections.values()) {
      conn.socket.resume();
      this.armIdle(conn);
    }
    p.open();
  }

  /** Destroys every client connection; keeps listening. */
  dropConnections(): void {
    for (const socket of [...this.sockets, ...this.connections.keys()]) socket.destroy();
  }

  /**
   * Stops listening and drops every connection. Resolves once the port is
   * released.
   *
   * @param drainMs - first wait up to this long for answers being prepared (0: drop at once)
   */
  async close(drainMs = 0): Promise<void> {
    if (drainMs > 0 && this.busyCount() > 0) {
      await finishesWithin(new Promise<void>((r) => this.drainWaiters.push(r)), drainMs);
    }
    const server = this.server;
    this.server = undefined;
    // Requests held by a pause see their sockets gone and end.
    const p = this.paused;
    this.paused = undefined;
    p?.open();
    this.parked.clear();
    this.dropConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
