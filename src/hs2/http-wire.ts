/**
 * HS2 over HTTP (impalad's `--hs2_http_port`, 28000 by default; impala-shell's
 * `--protocol=hs2-http`): each Thrift message goes out as the body of one
 * POST to the coordinator's HTTP path, and the answer's body carries the
 * reply. Requests take turns on one keep-alive connection, so the RPC
 * channel above sees what it sees on a socket: bytes written, bytes read,
 * and a close.
 *
 * Authentication rides on every request: HTTP Basic for LDAP, SPNEGO
 * (`Negotiate`) for Kerberos, a bearer JWT. impalad answers a successful
 * authentication with its auth cookie; later requests send the cookie
 * instead of credentials, and when the server stops taking it (a 401) the
 * request goes out again with credentials — a 401 means nothing was run.
 *
 * @module
 * @internal
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { AuthenticationError, ConnectError, ImpalaError, MessageTooLargeError, ProtocolError } from '../errors.js';
import type { ResolvedConnectOptions } from './options.js';
import { tlsAdvice, tlsConnectOptions } from './socket-connect.js';

/** What the RPC channel needs of a transport: a socket's shape. */
export interface Wire {
  write(bytes: Buffer): unknown;
  destroy(): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** Credentials for one request: the Authorization header value, or none. */
export type Credentials = () => Promise<string | undefined>;

/** Cookies the server set, by name (only their values; attributes beyond expiry do not matter to one client). */
class CookieJar {
  private readonly cookies = new Map<string, { value: string; expiresAt: number }>();

  /** Takes the Set-Cookie headers of an answer. */
  take(headers: string[] | undefined, now: number): void {
    for (const header of headers ?? []) {
      const [pair, ...attributes] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      let expiresAt = Number.POSITIVE_INFINITY;
      for (const a of attributes) {
        const [k, v] = a.split('=').map((x) => x.trim());
        if (k?.toLowerCase() === 'max-age' && v !== undefined && /^-?\d+$/.test(v)) expiresAt = now + Number(v) * 1000;
      }
      if (expiresAt <= now || value === '') this.cookies.delete(name);
      // Bounded: a server setting endless names keeps only the latest few.
      else {
        this.cookies.delete(name);
        this.cookies.set(name, { value, expiresAt });
        if (this.cookies.size > 16) this.cookies.delete(this.cookies.keys().next().value!);
      }
    }
  }

  /** The Cookie header to send, if any cookie is still valid. */
  header(now: number): string | undefined {
    const parts: string[] = [];
    for (const [name, c] of this.cookies) {
      if (c.expiresAt <= now) this.cookies.delete(name);
      else parts.push(`${name}=${c.value}`);
    }
    return parts.length > 0 ? parts.join('; ') : undefined;
  }

  /** Forgets every cookie (the server refused them). */
  clear(): void {
    this.cookies.clear();
  }
}

/** Options of {@link HttpWire}. */
export interface HttpWireOptions {
  opts: ResolvedConnectOptions;
  /** The Authorization header for a request that carries credentials. */
  credentials: Credentials;
}

/** One HS2-over-HTTP client connection, shaped like a socket for the RPC channel. */
export class HttpWire extends EventEmitter implements Wire {
  private readonly agent: http.Agent;
  private readonly coordinator: string;
  private readonly jar = new CookieJar();
  private queue: Promise<void> = Promise.resolve();
  private current: http.ClientRequest | undefined;
  private closed = false;

  constructor(private readonly options: HttpWireOptions) {
    super();
    const { opts } = options;
    this.coordinator = `${opts.host}:${opts.port}`;
    // One socket: requests take turns, as on a TCP connection (maxSockets 1, kept alive).
    const common = { keepAlive: true, maxSockets: 1 };
    if (opts.tls) {
      this.agent = new https.Agent({ ...common, ...tlsConnectOptions(opts) });
    } else {
      this.agent = new http.Agent(common);
    }
  }

  /** Sends one Thrift message as a POST; the answer's body is emitted as `data`. */
  write(bytes: Buffer): boolean {
    const send = (): Promise<void> => (this.closed ? Promise.resolve() : this.post(bytes, false));
    this.queue = this.queue.then(send, send);
    return true;
  }

  /** Ends the connection; an unanswered request is aborted. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.current?.destroy();
    this.agent.destroy();
    this.emit('close');
  }

  private async post(body: Buffer, retried: boolean): Promise<void> {
    const { opts } = this.options;
    const cookie = retried ? undefined : this.jar.header(Date.now());
    const headers: Record<string, string> = {
      ...opts.httpHeaders,
      'Content-Type': 'application/x-thrift',
      Accept: 'application/x-thrift',
      'Content-Length': String(body.length),
    };
    if (cookie !== undefined) headers.Cookie = cookie;
    else {
      let authorization: string | undefined;
      try {
        authorization = await this.options.credentials();
      } catch (err) {
        return this.fail(
          err instanceof ImpalaError
            ? err
            : new AuthenticationError(`credentials for ${this.coordinator}: ${(err as Error).message}`, { coordinator: this.coordinator }),
        );
      }
      if (authorization !== undefined) headers.Authorization = authorization;
    }
    if (this.closed) return;
    const answer = await this.request(body, headers);
    if (!answer) return;
    const { res, chunks } = answer;
    this.jar.take(res.headers['set-cookie'], Date.now());
    if (res.statusCode === 401 && cookie !== undefined && !retried) {
      // The cookie expired or the server restarted: nothing ran; once more with credentials.
      this.jar.clear();
      return this.post(body, true);
    }
    if (res.statusCode === 401 || res.statusCode === 403) {
      return this.fail(
        new AuthenticationError(`${this.coordinator} refused the HTTP request's credentials (HTTP ${res.statusCode})`, {
          coordinator: this.coordinator,
        }),
      );
    }
    if (res.statusCode !== 200) {
      return this.fail(
        new ProtocolError(`${this.coordinator} answered HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim(), {
          coordinator: this.coordinator,
        }),
      );
    }
    for (const chunk of chunks) this.emit('data', chunk);
  }

  /** One POST; resolves with the whole answer, or undefined after reporting a failure. */
  private request(body: Buffer, headers: Record<string, string>): Promise<{ res: http.IncomingMessage; chunks: Buffer[] } | undefined> {
    const { opts } = this.options;
    const lib = opts.tls ? https : http;
    return new Promise((resolve) => {
      const req = lib.request({ host: opts.host, port: opts.port, path: opts.httpPath, method: 'POST', agent: this.agent, headers });
      this.current = req;
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          // The same cap as a socket's message reader: a hostile server cannot make us buffer without end.
          if (size > opts.maxMessageBytes) {
            req.destroy();
            this.fail(
              new MessageTooLargeError(`${this.coordinator} sent an HTTP answer over ${opts.maxMessageBytes} bytes`, {
                coordinator: this.coordinator,
              }),
            );
            resolve(undefined);
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ res, chunks }));
        res.on('error', (err) => {
          this.emit('error', err);
          resolve(undefined);
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        const advice = tlsAdvice(err, opts);
        if (!this.closed)
          this.emit(
            'error',
            advice
              ? new ConnectError(`TLS handshake with ${this.coordinator} failed: ${advice}`, { cause: err, coordinator: this.coordinator })
              : err,
          );
        resolve(undefined);
      });
      req.end(body);
    });
  }

  private fail(err: ImpalaError): void {
    if (this.closed) return;
    this.emit('error', err);
  }
}
