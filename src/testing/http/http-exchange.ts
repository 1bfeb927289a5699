/**
 * One HS2-over-HTTP request, served as impalad's `THttpServer` serves it
 * (Impala's be/src/transport/THttpServer.cpp and THttpTransport.cpp):
 *
 * - `POST` (any path) carries Thrift binary-protocol messages in its body;
 *   the answer is `200 OK`, `Content-Type: application/x-thrift`, the
 *   replies as its body, and the connection stays open;
 * - `OPTIONS` is a CORS preflight, answered 200 at once;
 * - any other method closes the connection without an answer (impalad
 *   throws "Bad Status (unsupported method)");
 * - authentication comes first (see {@link HttpAuthenticator}); a refusal is
 *   `401 Unauthorized` with `Connection: close` and the connection closes;
 * - `Expect: 100-continue` gets its `100 Continue` once the headers passed;
 * - a body over the size cap gets `413` and the connection closes (impalad
 *   closes without an answer when Thrift's message size limit trips); a body
 *   that is not whole Thrift messages, an empty one included, closes the
 *   connection (impalad's transport throws).
 *
 * @module
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { service } from '../../wire/gen.js';
import { MessageReader } from '../../wire/message-reader.js';
import type { ConnectionInfo } from '../hs2/handler.js';
import { corruptReply, type ProtocolFault } from '../hs2/protocol-fault.js';
import { processMessage } from '../hs2/thrift-dispatch.js';
import type { AuthOutcome, HttpAuthenticator } from './http-authenticator.js';
import { redactHeaders, type HttpEndpointStats } from './http-stats.js';

/** What serving a request needs from its endpoint. */
export interface ExchangeContext {
  /** Largest body accepted, in bytes. */
  readonly maxMessageBytes: number;
  /** Decides who sent it. */
  readonly authenticator: HttpAuthenticator;
  /** The endpoint's counters. */
  readonly stats: HttpEndpointStats;
  /** The HS2 service handler for one request's user. */
  createHandler(info: ConnectionInfo): object;
  /** Milliseconds to hold each reply back. */
  latencyMs(): number;
  /** The protocol fault to inject, if any. */
  fault(): ProtocolFault | undefined;
  /** Called just before an answer is written. */
  beforeAnswer?(): void;
  /** Resolves once the endpoint is not paused (at once when it is not). */
  whenRunning(): Promise<void>;
}

/** The connection a request came on. */
export interface ExchangeConnection {
  /** Connection number on the coordinator (shared with TCP). */
  id: number;
  /** Peer `host:port`. */
  peer: string;
}

// impalad's thrift C++ library version (Impala's bin/impala-config.sh, IMPALA_THRIFT_CPP_VERSION).
const SERVER = 'Thrift/0.16.0';
// A client that never reads its refusal must not keep the socket.
const CLOSE_GRACE_MS = 1000;

/**
 * Serves one request to the end: answered, refused, or its connection
 * closed. Never rejects.
 *
 * @param expectContinue - the client waits for `100 Continue` before the body
 */
export async function serveExchange(
  ctx: ExchangeContext,
  conn: ExchangeConnection,
  req: IncomingMessage,
  res: ServerResponse,
  expectContinue: boolean,
): Promise<void> {
  const socket = req.socket;
  try {
    ctx.stats.requests += 1;
    ctx.stats.lastRequestHeaders = redactHeaders(req.headers);
    // A paused coordinator neither reads nor answers (inline, requests already parsed wait here).
    await ctx.whenRunning();
    if (socket.destroyed) return;
    if (req.method === 'OPTIONS') {
      answer(ctx, res, 200, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Content-Length': 0,
      });
      return;
    }
    if (req.method !== 'POST') {
      socket.destroy();
      return;
    }
    const auth = await ctx.authenticator.authenticate(single(req.headers.authorization), single(req.headers.cookie));
    if (!auth.authorized) {
      refuse(ctx, res, 401, authHeaders(auth));
      return;
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > ctx.maxMessageBytes) {
      refuse(ctx, res, 413, {});
      return;
    }
    if (expectContinue) res.writeContinue();
    const body = await readBody(req, ctx.maxMessageBytes);
    if (body === 'too-large') {
      refuse(ctx, res, 413, {});
      return;
    }
    if (body === undefined) return;
    const messages = wholeMessages(body, ctx.maxMessageBytes);
    if (!messages) {
      socket.destroy();
      return;
    }
    const processor = new service.Processor(ctx.createHandler({ id: conn.id, user: auth.user, peer: conn.peer }));
    const replies: Buffer[] = [];
    for (const msg of messages) {
      replies.push(await processMessage(processor, msg));
      const delay = ctx.latencyMs();
      if (delay > 0) await new Promise((r) => setTimeout(r, delay).unref());
    }
    await ctx.whenRunning();
    if (socket.destroyed) return;
    reply(ctx, res, replies, auth);
  } catch {
    // Bytes the Processor cannot read, or a header node:http refuses: this connection is done.
    socket.destroy();
  }
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join('; ') : v;
}

function authHeaders(auth: AuthOutcome): OutgoingHttpHeaders {
  const h: OutgoingHttpHeaders = {};
  if (auth.setCookie.length > 0) h['Set-Cookie'] = auth.setCookie;
  if (auth.wwwAuthenticate.length > 0) h['WWW-Authenticate'] = auth.wwwAuthenticate;
  return h;
}

function answer(ctx: ExchangeContext, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body?: Buffer): void {
  ctx.beforeAnswer?.();
  res.writeHead(status, headers);
  res.end(body);
}

/** An answer after which the connection closes, as impalad's `returnUnauthorized`. */
function refuse(ctx: ExchangeContext, res: ServerResponse, status: number, headers: OutgoingHttpHeaders): void {
  const socket = res.socket;
  answer(ctx, res, status, { ...headers, Connection: 'close', 'Content-Length': 0 });
  res.once('finish', () => {
    socket?.end();
    setTimeout(() => socket?.destroy(), CLOSE_GRACE_MS).unref();
  });
}

/** The body, `too-large` past the cap, undefined when the client went away first. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large' | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (v: Buffer | 'too-large' | undefined): void => {
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('close', onClose);
      resolve(v);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        // Read no more of it: the 413 closes the connection.
        req.pause();
        done('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => done(Buffer.concat(chunks, size));
    const onClose = (): void => done(req.complete ? Buffer.concat(chunks, size) : undefined);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
  });
}

/** The body cut into messages; undefined unless it is one or more whole ones. */
function wholeMessages(body: Buffer, max: number): Buffer[] | undefined {
  try {
    const reader = new MessageReader(max);
    const messages = reader.push(body);
    return messages.length > 0 && reader.buffered === 0 ? messages : undefined;
  } catch {
    return undefined;
  }
}

/** The replies as impalad's `THttpServer::flush` sends them, or broken the chosen way. */
function reply(ctx: ExchangeContext, res: ServerResponse, replies: Buffer[], auth: AuthOutcome): void {
  const headers: OutgoingHttpHeaders = {
    Server: SERVER,
    'Access-Control-Allow-Origin': '*',
    'Content-Type': 'application/x-thrift',
    ...authHeaders(auth),
  };
  // Setting it on a request that asked for close would make node:http keep the connection.
  if (res.shouldKeepAlive) headers.Connection = 'Keep-Alive';
  const whole = Buffer.concat(replies);
  const fault = ctx.fault();
  if (!fault) {
    answer(ctx, res, 200, { ...headers, 'Content-Length': whole.length }, whole);
    return;
  }
  const bad = replies.map((r) => corruptReply(fault, r, false));
  const bytes = Buffer.concat(bad.map((b) => b.bytes));
  if (!bad.some((b) => b.close)) {
    answer(ctx, res, 200, { ...headers, 'Content-Length': bytes.length }, bytes);
    return;
  }
  // Truncation: announce the whole body, send part of it, hang up.
  ctx.beforeAnswer?.();
  const socket = res.socket;
  res.writeHead(200, { ...headers, 'Content-Length': whole.length });
  res.write(bytes, () => socket?.end());
}
