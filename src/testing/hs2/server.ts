/**
 * The listening side of a coordinator: a TCP (or TLS) server on loopback
 * that hands each accepted socket to a {@link ServerConnection} and keeps
 * track of them, so stopping leaves no socket and no listening port.
 *
 * @module
 */
import net from 'node:net';
import tls from 'node:tls';
import { finishesWithin } from '../../util/finishes-within.js';
import type { ServerTls } from '../options.js';
import { ServerConnection, type ConnectionConfig } from './connection.js';

/**
 * Node's server TLS options: a client without a valid certificate is
 * refused in the handshake when `requestCert` is set.
 */
export function serverTlsOptions(t: ServerTls): {
  key: string | Buffer;
  cert: string | Buffer;
  ca?: string | Buffer | Array<string | Buffer>;
  requestCert: boolean;
  rejectUnauthorized: boolean;
} {
  return {
    key: t.key,
    cert: t.cert,
    ...(t.ca === undefined ? {} : { ca: t.ca }),
    requestCert: t.requestCert,
    rejectUnauthorized: t.requestCert,
  };
}

/**
 * Binds `server` to `host:port` (0: a free port) exclusively, failing with
 * the bind error (a port in use) instead of an unhandled 'error' event
 * later; resolves with the bound port.
 */
export async function bindServer(server: net.Server, port: number, host: string): Promise<number> {
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  return (server.address() as net.AddressInfo).port;
}

/** How a server listens and what its connections do. */
export interface Hs2ServerConfig extends ConnectionConfig {
  /** Interface to bind. */
  hostname: string;
  /** TLS around the transport, when set. */
  tls: ServerTls | undefined;
  /** A connection opened. */
  onOpen(conn: ServerConnection): void;
  /** A connection closed. */
  onClose(conn: ServerConnection): void;
  /** Numbers connections (a coordinator shares one sequence between its TCP and HTTP ports); default 1, 2, 3, … */
  nextConnectionId?(): number;
}

/** A socket server speaking HS2. */
export class Hs2Server {
  private server: net.Server | undefined;
  private readonly connections = new Set<ServerConnection>();
  private nextId = 1;
  private boundPort = 0;
  private paused = false;

  /** @param config - transport settings and hooks */
  constructor(private readonly config: Hs2ServerConfig) {}

  /** The port bound (0 before the first listen). */
  get port(): number {
    return this.boundPort;
  }

  /** Whether it is accepting connections. */
  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /**
   * Starts listening.
   *
   * @param port - port to bind; 0 lets the OS pick
   * @returns the bound port
   */
  async listen(port: number): Promise<number> {
    if (this.server) return this.boundPort;
    const onSocket = (socket: net.Socket): void => this.accept(socket);
    const server = this.config.tls ? tls.createServer(serverTlsOptions(this.config.tls), onSocket) : net.createServer(onSocket);
    // A failed TLS handshake is the client's problem, not the server's.
    server.on('tlsClientError', (_err: Error, socket: net.Socket) => socket.destroy());
    this.boundPort = await bindServer(server, port, this.config.hostname);
    this.server = server;
    return this.boundPort;
  }

  private accept(socket: net.Socket): void {
    const conn = new ServerConnection(socket, this.config.nextConnectionId?.() ?? this.nextId++, this.config);
    this.connections.add(conn);
    if (this.paused) conn.pause();
    this.config.onOpen(conn);
    socket.once('close', () => {
      if (this.connections.delete(conn)) this.config.onClose(conn);
    });
  }

  /** Holds every connection, present and new: nothing is read or answered until {@link resume}. */
  pause(): void {
    this.paused = true;
    for (const conn of this.connections) conn.pause();
  }

  /** Undoes {@link pause}. */
  resume(): void {
    this.paused = false;
    for (const conn of this.connections) conn.resume();
  }

  /** Destroys every client connection; keeps listening. */
  dropConnections(): void {
    for (const conn of [...this.connections]) conn.destroy();
  }

  /**
   * Stops listening and drops every connection. Resolves once the port is
   * released.
   *
   * @param drainMs - first wait up to this long for answers already being prepared (0: drop at once)
   */
  async close(drainMs = 0): Promise<void> {
    if (drainMs > 0 && this.connections.size > 0) {
      await finishesWithin(Promise.all([...this.connections].map((c) => c.whenAnswered())), drainMs);
    }
    const server = this.server;
    this.server = undefined;
    this.paused = false;
    this.dropConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
