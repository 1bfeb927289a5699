/**
 * One socket carrying Thrift RPCs to one coordinator.
 *
 * HS2 servers read a connection's requests one after another and answer
 * them in order (impalad serves each connection on one thread), so a call
 * is normally written once the one before it was answered, and each has its
 * own deadline. A call marked `pipeline` is written as soon as the calls
 * before it are written: the server finds it waiting when it is done with
 * them, which saves a round trip per pipelined call on a real network. Its
 * answers are matched to the calls in the order they were written. Any transport or protocol fault (timeout,
 * reset, garbage, oversized message, wrong sequence id) poisons the channel:
 * the socket is destroyed and every pending and later call fails with a typed
 * error, because after such a fault nobody can tell which answer belongs to
 * which request.
 *
 * @module
 * @internal
 */
import { ConnectionClosedError, ImpalaError, ProtocolError, RpcTimeoutError, ServerError } from '../errors.js';
import { service } from '../wire/gen.js';
import { MessageReader } from '../wire/message-reader.js';
import { encodeFrame, type FrameParser } from '../wire/sasl-frames.js';
import { BinaryProtocol, MessageType, inputProtocol, outputTransport, type MessageHeader } from '../wire/thrift-codec.js';
import { finishesWithin } from '../util/finishes-within.js';
import type { Wire } from './http-wire.js';

/** The generated client's method names that the channel may call. */
export type RpcMethod =
  | 'OpenSession'
  | 'CloseSession'
  | 'GetInfo'
  | 'ExecuteStatement'
  | 'GetTypeInfo'
  | 'GetCatalogs'
  | 'GetSchemas'
  | 'GetTables'
  | 'GetTableTypes'
  | 'GetColumns'
  | 'GetFunctions'
  | 'GetPrimaryKeys'
  | 'GetCrossReference'
  | 'GetOperationStatus'
  | 'CancelOperation'
  | 'CloseOperation'
  | 'GetResultSetMetadata'
  | 'FetchResults'
  | 'GetLog'
  | 'PingImpalaHS2Service'
  | 'CloseImpalaOperation'
  | 'GetRuntimeProfile'
  | 'GetExecSummary';

type GeneratedClient = InstanceType<typeof service.Client> & {
  _reqs: Record<number, unknown>;
  seqid(): number;
  [k: `recv_${string}`]: (input: unknown, mtype: number, rseqid: number) => void;
};

interface InFlight {
  method: RpcMethod;
  seqid: number;
  sentAt: number;
  /** What {@link RpcChannel.pendingCall} shows: one object per call, so watchers can tell calls apart. */
  view: PendingRpc;
  reject: (err: ImpalaError) => void;
  timer: NodeJS.Timeout;
}

/** A call waiting for its answer, as {@link RpcChannel.pendingCall} shows it. */
export interface PendingRpc {
  /** The HS2 method. */
  readonly method: RpcMethod;
  /** When it was sent (performance.now() time, ms). */
  readonly sentAt: number;
  /** Sent as background work: nobody is waiting for its answer (see {@link RpcChannel.call}). */
  readonly background: boolean;
}

/** How one call is made (see {@link RpcChannel.call}). */
export interface CallOptions {
  /** Deadline for the answer, in ms, from when the call is written. Default: the channel's `rpcTimeoutMs`. */
  timeoutMs?: number;
  /** Work on the connection's own behalf that nobody waits for. Default false. */
  background?: boolean;
  /** Write it as soon as the calls before it are written, without waiting for their answers. Default false. */
  pipeline?: boolean;
}

/** Options of a channel. */
export interface RpcChannelOptions {
  coordinator: string;
  rpcTimeoutMs: number;
  maxMessageBytes: number;
  /** Present when SASL negotiated: data frames are length-prefixed. */
  frames?: FrameParser;
  /**
   * Whether the transport may carry a request while an earlier one is
   * unanswered. Default true; false makes every call wait for the answer
   * before it (a transport with one request per exchange).
   */
  pipelining?: boolean;
}

/** A Thrift RPC channel over an open socket. */
export class RpcChannel {
  private readonly client: GeneratedClient;
  private readonly reader: MessageReader;
  /** Settles once every call made so far has been written (or failed). */
  private written: Promise<unknown> = Promise.resolve();
  /** Settles once every call made so far has been answered (or failed). */
  private answered: Promise<unknown> = Promise.resolve();
  /** Written calls waiting for their answers, oldest first: answers come in this order. */
  private readonly inFlight: InFlight[] = [];
  private failure: ImpalaError | undefined;
  private failureReported = false;
  private readonly closedListeners: Array<(err: ImpalaError) => void> = [];
  /**
   * When the server last answered anything (performance.now() time; 0 before
   * the first answer). The pool reads it for idle checks and hang detection.
   */
  lastAnswerAt = 0;
  /** Calls made for a caller (not background) that are queued or in flight. */
  private callerCalls = 0;
  private readonly answerListeners: Array<(method: RpcMethod, ms: number) => void> = [];

  constructor(
    private readonly socket: Wire,
    private readonly opts: RpcChannelOptions,
  ) {
    this.reader = new MessageReader(opts.maxMessageBytes);
    const framed = opts.frames !== undefined;
    const transport = outputTransport((bytes) => {
      socket.write(framed ? encodeFrame(bytes) : bytes);
    });
    this.client = new service.Client(transport, BinaryProtocol) as GeneratedClient;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A transport that already knows what went wrong (an HTTP 401, an oversized answer) says so itself.
      if (err instanceof ImpalaError) {
        err.coordinator ??= opts.coordinator;
        this.fail(err);
      } else {
        this.fail(
          new ConnectionClosedError(`connection to ${opts.coordinator} failed: ${err.code ?? err.message}`, {
            cause: err,
            coordinator: opts.coordinator,
          }),
        );
      }
    });
    socket.on('close', () =>
      this.fail(new ConnectionClosedError(`${opts.coordinator} closed the connection`, { coordinator: opts.coordinator })),
    );
    // Bytes that arrived with the end of SASL negotiation.
    if (opts.frames) this.onData(Buffer.alloc(0));
  }

  /** True until the channel failed or was closed. */
  get open(): boolean {
    return this.failure === undefined;
  }

  /** Why the channel closed, once it has. */
  get closedReason(): ImpalaError | undefined {
    return this.failure;
  }

  /** The call waiting for its answer now, if any (`sentAt` is performance.now() time). */
  get pendingCall(): PendingRpc | undefined {
    return this.inFlight[0]?.view;
  }

  /** Whether a call made for a caller (not background) is queued or in flight. */
  get owesCaller(): boolean {
    return this.callerCalls > 0;
  }

  /** Registers a callback for every answer the server gives: which call, and how long it took (ms). */
  onAnswer(listener: (method: RpcMethod, ms: number) => void): void {
    this.answerListeners.push(listener);
  }

  /** Registers a callback for when the channel fails or closes (once). */
  onClosed(listener: (err: ImpalaError) => void): void {
    if (this.failure) listener(this.failure);
    else this.closedListeners.push(listener);
  }

  /**
   * Sends one request and resolves with the decoded response struct. Errors
   * are typed; `statementSent` on the error is false when the request was never
   * written to the socket.
   *
   * `background` marks a call made on the connection's own behalf (closing
   * an operation whose caller already has its answer): {@link pendingCall}
   * says so, and such a call never takes the report of a failure that
   * nobody saw yet, which goes to the next caller instead.
   *
   * `pipeline` writes the call without waiting for the answers before it.
   * Should the channel fail while such a call is written but unanswered,
   * nobody can tell whether the server ran it: its error does not say
   * `statementSent: false`.
   */
  call<T>(method: RpcMethod, request: unknown, options: CallOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.opts.rpcTimeoutMs;
    const background = options.background ?? false;
    const gate = options.pipeline && this.opts.pipelining !== false ? this.written : this.answered;
    let wrote!: () => void;
    const isWritten = new Promise<void>((resolve) => (wrote = resolve));
    const run = (): Promise<T> => this.send<T>(method, request, timeoutMs, background, wrote);
    const result = gate.then(run, run);
    const settled = result.catch(() => undefined);
    this.written = Promise.race([isWritten, settled]);
    this.answered = settled;
    if (!background) {
      this.callerCalls += 1;
      // Registered before the caller's own handlers: it counts down first.
      const done = (): void => void (this.callerCalls -= 1);
      result.then(done, done);
    }
    return result;
  }

  /** Whether every call queued so far settles within `ms` milliseconds. */
  settlesWithin(ms: number): Promise<boolean> {
    return finishesWithin(this.answered, ms);
  }

  /** Closes the socket; pending calls fail with ConnectionClosedError. */
  close(reason?: ImpalaError): void {
    this.fail(
      reason ??
        new ConnectionClosedError(`connection to ${this.opts.coordinator} was closed by the client`, {
          coordinator: this.opts.coordinator,
        }),
    );
  }

  private send<T>(method: RpcMethod, request: unknown, timeoutMs: number, background: boolean, wrote: () => void): Promise<T> {
    if (this.failure) {
      // The first caller after a failure nobody saw yet learns its real cause.
      if (!this.failureReported && !background) {
        this.failureReported = true;
        this.failure.statementSent = false;
        return Promise.reject(this.failure);
      }
      const err = new ConnectionClosedError(this.failure.message, {
        cause: this.failure,
        coordinator: this.opts.coordinator,
        statementSent: false,
      });
      return Promise.reject(err);
    }
    return new Promise<T>((resolve, reject) => {
      const seqid = this.client.seqid() + 1;
      const timer = setTimeout(() => {
        this.fail(
          new RpcTimeoutError(`${method} to ${this.opts.coordinator} got no answer within ${timeoutMs} ms`, {
            coordinator: this.opts.coordinator,
          }),
        );
      }, timeoutMs);
      timer.unref();
      const sentAt = performance.now();
      const call: InFlight = { method, seqid, reject, timer, sentAt, view: { method, sentAt, background } };
      this.inFlight.push(call);
      const generated = (this.client as unknown as Record<string, (req: unknown) => Promise<T>>)[method]!;
      let pending: Promise<T>;
      try {
        pending = generated.call(this.client, request);
      } catch (err) {
        clearTimeout(timer);
        this.inFlight.pop();
        delete this.client._reqs[seqid];
        reject(
          new ProtocolError(`could not encode ${method}: ${(err as Error).message}`, {
            cause: err,
            coordinator: this.opts.coordinator,
            statementSent: false,
          }),
        );
        return;
      } finally {
        wrote();
      }
      pending.then(resolve, (err: unknown) => reject(this.applicationError(method, err)));
    });
  }

  /** The generated client rejects with a TApplicationException or a string. */
  private applicationError(method: RpcMethod, err: unknown): ImpalaError {
    if (err instanceof ImpalaError) return err;
    const coordinator = this.opts.coordinator;
    if (typeof err === 'string') return new ProtocolError(`${coordinator}: ${err}`, { coordinator });
    const message = (err as { message?: string })?.message ?? String(err);
    return new ServerError(`${method} failed on ${coordinator}: ${message}`, { coordinator, cause: err });
  }

  private onData(chunk: Buffer): void {
    if (this.failure) return;
    try {
      if (this.opts.frames) {
        this.opts.frames.push(chunk);
        this.drainFrames();
      } else {
        this.dispatch(this.reader.push(chunk));
      }
    } catch (err) {
      const e =
        err instanceof ImpalaError
          ? err
          : new ProtocolError(`bad answer from ${this.opts.coordinator}: ${(err as Error).message}`, { cause: err });
      e.coordinator = this.opts.coordinator;
      this.fail(e);
    }
  }

  private drainFrames(): void {
    for (let frame = this.opts.frames!.nextFrame(); frame; frame = this.opts.frames!.nextFrame()) {
      this.dispatch(this.reader.push(frame));
    }
  }

  private dispatch(messages: Buffer[]): void {
    for (const bytes of messages) {
      const proto = inputProtocol(bytes);
      let header: MessageHeader;
      try {
        header = proto.readMessageBegin() as MessageHeader;
      } catch (err) {
        throw new ProtocolError(`unreadable message header from ${this.opts.coordinator}`, { cause: err });
      }
      const expected = this.inFlight[0];
      if (!expected || header.rseqid !== expected.seqid || String(header.fname) !== expected.method) {
        throw new ProtocolError(
          `unexpected answer from ${this.opts.coordinator}: ${String(header.fname)}#${header.rseqid}` +
            (expected ? `, waiting for ${expected.method}#${expected.seqid}` : ' while no call was pending'),
        );
      }
      if (header.mtype !== MessageType.REPLY && header.mtype !== MessageType.EXCEPTION) {
        throw new ProtocolError(`message type ${header.mtype} from ${this.opts.coordinator} is not a reply`);
      }
      this.answer(expected);
      try {
        this.client[`recv_${expected.method}`]!(proto, header.mtype, header.rseqid);
      } catch (err) {
        throw new ProtocolError(`malformed ${expected.method} answer from ${this.opts.coordinator}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
  }

  /**
   * Takes the oldest call off the list as its answer arrives (before
   * decoding it, so that a second answer in the same chunk meets the next
   * call) and tells the listeners how long the server took: from when it
   * could start on the call — when it was written, or when the answer
   * before it went out, for a call that waited behind another.
   */
  private answer(call: InFlight): void {
    this.inFlight.shift();
    clearTimeout(call.timer);
    const now = performance.now();
    const ms = now - Math.max(call.sentAt, this.lastAnswerAt);
    this.lastAnswerAt = now;
    for (const listener of this.answerListeners) listener(call.method, ms);
  }

  private fail(err: ImpalaError): void {
    if (this.failure) return;
    this.failure = err;
    this.socket.destroy();
    for (const pending of this.inFlight.splice(0)) {
      // A background call's rejection reaches nobody: the next caller still learns the cause.
      if (!pending.view.background) this.failureReported = true;
      clearTimeout(pending.timer);
      delete this.client._reqs[pending.seqid];
      pending.reject(err);
    }
    for (const listener of this.closedListeners.splice(0)) listener(err);
  }
}
