/**
 * One client connection to a coordinator: transport (unframed binary, or
 * SASL negotiation — PLAIN, or GSSAPI through the Kerberos acceptor — then
 * 4-byte-length frames, as Hive's TSaslTransport does it), message cutting with a size cap, and dispatch to the generated
 * Processor, answering requests in the order they came. Garbage, oversized
 * messages or a failed handshake close this socket and nothing else.
 *
 * @module
 */
import type net from 'node:net';
import { service } from '../../wire/gen.js';
import { MessageReader } from '../../wire/message-reader.js';
import { encodeFrame, encodeSaslMessage, FrameParser, SaslStatus } from '../../wire/sasl-frames.js';
import type { ConnectionInfo } from './handler.js';
import { GssapiSaslServer } from '../kerberos/sasl-gssapi-server.js';
import type { KerberosAcceptor } from '../kerberos/acceptor.js';
import { corruptReply, type ProtocolFault } from './protocol-fault.js';
import { processMessage, type Hs2Processor } from './thrift-dispatch.js';
import type { PlainUsers } from '../options.js';

/** What a connection needs from its server. */
export interface ConnectionConfig {
  /** SASL PLAIN users; undefined unless the cluster authenticates with PLAIN. */
  users: PlainUsers | undefined;
  /** The Kerberos acceptor for SASL GSSAPI; undefined unless the cluster authenticates with Kerberos. */
  kerberos?: KerberosAcceptor | undefined;
  /** Largest message or frame accepted from the client, in bytes. */
  maxMessageBytes: number;
  /** The service handler for this connection. */
  createHandler(info: ConnectionInfo): object;
  /** Milliseconds to hold each answer back (injected latency); 0 for none. */
  latencyMs(): number;
  /** The protocol fault to inject into answers, if any. */
  fault(): ProtocolFault | undefined;
  /** Called just before an answer is written. */
  beforeAnswer?(): void;
  /** Called for a request that arrived before the answer ahead of it was written (the client pipelined it). */
  onPipelined?(): void;
}

// Beyond this many unanswered requests, stop reading until the backlog clears.
const PAUSE_BACKLOG = 32;

/** The server side of one client connection. */
export class ServerConnection {
  /** Connection info shared with the handler. */
  readonly info: ConnectionInfo;
  private readonly reader: MessageReader;
  private readonly frames: FrameParser;
  private phase: 'plain' | 'sasl-start' | 'sasl-response' | 'gssapi' | 'framed';
  private gssapi: GssapiSaslServer | undefined;
  private processor: Hs2Processor | undefined;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private closed = false;
  private paused: { promise: Promise<void>; resume: () => void } | undefined;
  private idleWaiters: Array<() => void> = [];
  /** Answers computed and not yet written (held back by the injected latency, or a pause). */
  private unsent = 0;
  private outbound: Promise<void> = Promise.resolve();

  /**
   * @param socket - the accepted (TLS-wrapped, if configured) socket
   * @param id - connection number on this coordinator
   * @param config - transport and dispatch settings
   */
  constructor(
    readonly socket: net.Socket,
    id: number,
    private readonly config: ConnectionConfig,
  ) {
    this.info = { id, user: undefined, peer: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}` };
    this.reader = new MessageReader(config.maxMessageBytes);
    this.frames = new FrameParser(config.maxMessageBytes);
    const sasl = config.users !== undefined || config.kerberos !== undefined;
    this.phase = sasl ? 'sasl-start' : 'plain';
    if (!sasl) this.processor = new service.Processor(config.createHandler(this.info));
    socket.setNoDelay(true);
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Stops reading and answering (a black hole) until {@link resume}. */
  pause(): void {
    if (this.paused) return;
    let resume!: () => void;
    const promise = new Promise<void>((r) => (resume = r));
    this.paused = { promise, resume };
    this.socket.pause();
  }

  /** Undoes {@link pause}: held answers go out, reading continues. */
  resume(): void {
    const p = this.paused;
    if (!p) return;
    this.paused = undefined;
    this.socket.resume();
    p.resume();
  }

  /** Resolves once every request received so far has been answered. */
  whenAnswered(): Promise<void> {
    if (!this.busy && this.queue.length === 0 && this.unsent === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      if (this.phase === 'plain') {
        for (const msg of this.reader.push(chunk)) this.enqueue(msg);
        return;
      }
      this.frames.push(chunk);
      if (this.phase !== 'framed') this.negotiate();
      if (this.phase === 'framed') {
        for (let frame = this.frames.nextFrame(); frame; frame = this.frames.nextFrame()) {
          // A message may span frames (or share one); cut messages from the payload stream.
          for (const msg of this.reader.push(frame)) this.enqueue(msg);
        }
      }
    } catch {
      // Not Thrift, not SASL, or over the size cap: this client is done.
      this.destroy();
    }
  }

  /** Advances SASL negotiation with whatever messages have arrived. */
  private negotiate(): void {
    for (let msg = this.frames.nextSaslMessage(); msg; msg = this.phase === 'framed' ? undefined : this.frames.nextSaslMessage()) {
      if (this.phase === 'sasl-start') {
        const mechanism = msg.payload.toString('utf8');
        if (msg.status !== SaslStatus.START) return this.refuse(SaslStatus.ERROR, 'Expected START status');
        if (mechanism === 'GSSAPI' && this.config.kerberos) {
          this.gssapi = new GssapiSaslServer(this.config.kerberos);
          this.phase = 'gssapi';
          this.gssapi.receive(msg.status, msg.payload);
          continue;
        }
        if (mechanism !== 'PLAIN' || !this.config.users) return this.refuse(SaslStatus.BAD, `Unsupported mechanism type ${mechanism}`);
        this.phase = 'sasl-response';
        continue;
      }
      if (this.phase === 'gssapi') {
        const step = this.gssapi!.receive(msg.status, msg.payload);
        if (step.error !== undefined) {
          const last = step.send.at(-1);
          return this.refuse(last?.status ?? SaslStatus.ERROR, last?.payload.toString('utf8') ?? step.error);
        }
        for (const out of step.send) {
          // COMPLETE ends negotiation: data frames follow it.
          if (out.status === SaslStatus.COMPLETE && step.done) continue;
          this.socket.write(encodeSaslMessage(out.status, out.payload));
        }
        if (step.done) this.authenticated(step.done.user);
        continue;
      }
      if (msg.status !== SaslStatus.OK && msg.status !== SaslStatus.COMPLETE)
        return this.refuse(SaslStatus.ERROR, 'Expected OK or COMPLETE status');
      // authzid \0 authcid \0 password
      const parts = msg.payload.toString('utf8').split('\0');
      const user = parts[1] ?? '';
      const password = parts.slice(2).join('\0');
      const users = this.config.users ?? {};
      const expected = Object.hasOwn(users, user) ? users[user] : undefined;
      if (parts.length < 3 || expected === undefined || expected !== password)
        return this.refuse(SaslStatus.ERROR, 'Error validating the login');
      this.authenticated(user);
    }
  }

  /** Ends negotiation for `user`: COMPLETE goes out, and framed Thrift follows. */
  private authenticated(user: string): void {
    this.info.user = user;
    this.processor = new service.Processor(this.config.createHandler(this.info));
    this.socket.write(encodeSaslMessage(SaslStatus.COMPLETE, Buffer.alloc(0)));
    this.frames.startData();
    this.phase = 'framed';
  }

  private refuse(status: number, reason: string): void {
    this.closed = true;
    this.socket.end(encodeSaslMessage(status, Buffer.from(reason, 'utf8')));
    // A client that never reads must not keep the socket half-open.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private enqueue(msg: Buffer): void {
    if (this.busy || this.unsent > 0) this.config.onPipelined?.();
    this.queue.push(msg);
    if (this.queue.length >= PAUSE_BACKLOG) this.socket.pause();
    if (!this.busy) void this.pump();
  }

  /**
   * Answers queued requests one at a time, in order. The injected latency
   * holds each answer back on its way out, as a network would, without
   * holding back work on the requests behind it: a client that pipelines
   * two requests waits one delay for both, one that waits for each answer
   * waits one per answer.
   */
  private async pump(): Promise<void> {
    this.busy = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const msg = this.queue.shift()!;
        if (this.queue.length < PAUSE_BACKLOG / 2 && !this.paused) this.socket.resume();
        const reply = await this.process(msg);
        const dueAt = performance.now() + this.config.latencyMs();
        this.unsent += 1;
        this.outbound = this.outbound
          .then(() => this.send(reply, dueAt))
          .finally(() => {
            this.unsent -= 1;
            this.wakeIfAnswered();
          });
        // Bounded: answers held back pile up no further than requests read ahead do.
        if (this.unsent >= PAUSE_BACKLOG) await this.outbound;
      }
    } catch {
      this.destroy();
    } finally {
      this.busy = false;
      this.wakeIfAnswered();
    }
  }

  /** Writes one answer once its delay has passed (and while not paused), faults applied. */
  private async send(reply: Buffer, dueAt: number): Promise<void> {
    try {
      const wait = dueAt - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref());
      while (this.paused) await this.paused.promise;
      if (this.closed) return;
      this.config.beforeAnswer?.();
      const fault = this.config.fault();
      if (fault) {
        const bad = corruptReply(fault, reply, this.phase === 'framed');
        if (bad.close) this.socket.end(bad.bytes);
        else this.socket.write(bad.bytes);
        return;
      }
      const bytes = this.phase === 'framed' ? encodeFrame(reply) : reply;
      if (!this.socket.write(bytes)) await new Promise<void>((r) => this.socket.once('drain', r).once('close', r));
    } catch {
      this.destroy();
    }
  }

  private wakeIfAnswered(): void {
    if (this.busy || this.queue.length > 0 || this.unsent > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private process(msg: Buffer): Promise<Buffer> {
    return processMessage(this.processor!, msg);
  }
}
