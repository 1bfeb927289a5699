/**
 * The client side of Thrift's SASL negotiation, as HiveServer2's
 * TSaslClientTransport runs it and impalad's TSaslServerTransport answers
 * it: START with the mechanism's name, then the mechanism's first message;
 * each server challenge (status OK) gets the mechanism's answer, sent as
 * COMPLETE once the client side is done; the server's COMPLETE ends it, and
 * BAD or ERROR carries its reason. After it, every message travels in
 * 4-byte-length frames (see {@link FrameParser}).
 *
 * The mechanisms (PLAIN, GSSAPI) only say what to send; this file owns the
 * socket, the deadline and the errors.
 *
 * @module
 * @internal
 */
import type net from 'node:net';
import { ConnectTimeoutError, ConnectionClosedError, ImpalaError, ProtocolError } from '../errors.js';
import { FrameParser, SaslStatus, encodeSaslMessage } from '../wire/sasl-frames.js';

/** One message the client sends. */
export interface SaslStep {
  payload: Buffer;
  /** The client has nothing more to say after this (sent as COMPLETE, else OK). */
  complete: boolean;
}

/** What one SASL mechanism says. */
export interface SaslMechanism {
  /** Name sent with START, e.g. `PLAIN`, `GSSAPI`. */
  readonly name: string;
  /** The first message after START. */
  initial(): Promise<SaslStep> | SaslStep;
  /** The answer to a server challenge (a message with status OK). */
  challenge(payload: Buffer): Promise<SaslStep> | SaslStep;
  /** The error for a refusal, given the server's reason text (never containing a secret). */
  refused(reason: string): ImpalaError;
}

/**
 * Runs the negotiation on a fresh socket. Resolves with the frame parser,
 * which already holds any bytes that followed the server's COMPLETE.
 */
export function saslHandshake(
  socket: net.Socket,
  mechanism: SaslMechanism,
  coordinator: string,
  deadline: number,
  maxFrameBytes: number,
): Promise<FrameParser> {
  const parser = new FrameParser(maxFrameBytes);
  return new Promise((resolve, reject) => {
    let done = false;
    // Set once the server's COMPLETE was read: what follows are data frames, left in the parser.
    let completed = false;
    // Mechanism steps are asynchronous (Kerberos calls): server messages are handled one at a time, in order.
    let work: Promise<void> = Promise.resolve();
    const timer = setTimeout(
      () => fail(new ConnectTimeoutError(`SASL ${mechanism.name} negotiation with ${coordinator} timed out`, { coordinator })),
      Math.max(0, deadline - Date.now()),
    );
    timer.unref();
    function cleanup(): void {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.removeListener('error', onError);
    }
    function fail(err: ImpalaError): void {
      if (done) return;
      done = true;
      cleanup();
      socket.destroy();
      reject(err);
    }
    function send(status: number, step: SaslStep | { payload: Buffer }): void {
      if (!done) socket.write(encodeSaslMessage(status, step.payload));
    }
    function onClose(): void {
      fail(
        new ConnectionClosedError(`${coordinator} closed the connection during SASL negotiation`, { coordinator, statementSent: false }),
      );
    }
    function onError(err: Error): void {
      fail(
        new ConnectionClosedError(`SASL negotiation with ${coordinator} failed: ${err.message}`, {
          coordinator,
          cause: err,
          statementSent: false,
        }),
      );
    }
    function failWith(err: unknown): void {
      if (err instanceof ImpalaError) {
        err.coordinator ??= coordinator;
        err.statementSent = false;
        fail(err);
      } else {
        fail(
          new ProtocolError(`SASL ${mechanism.name} negotiation with ${coordinator} failed: ${(err as Error)?.message ?? String(err)}`, {
            coordinator,
            cause: err,
            statementSent: false,
          }),
        );
      }
    }
    async function handle(status: number, payload: Buffer): Promise<void> {
      if (done) return;
      if (status === SaslStatus.COMPLETE) {
        done = true;
        cleanup();
        parser.startData();
        resolve(parser);
        return;
      }
      if (status === SaslStatus.BAD || status === SaslStatus.ERROR) {
        // The server's reason text is safe to show: it never echoes a password or key.
        fail(mechanism.refused(payload.toString('utf8').slice(0, 500) || 'no reason given'));
        return;
      }
      if (status !== SaslStatus.OK) {
        fail(new ProtocolError(`unexpected SASL status ${status} from ${coordinator}`, { coordinator, statementSent: false }));
        return;
      }
      const answer = await mechanism.challenge(payload);
      send(answer.complete ? SaslStatus.COMPLETE : SaslStatus.OK, answer);
    }
    function onData(chunk: Buffer): void {
      try {
        parser.push(chunk);
        if (completed) return;
        for (let msg = parser.nextSaslMessage(); msg; msg = parser.nextSaslMessage()) {
          const { status, payload } = msg;
          work = work.then(() => handle(status, payload)).catch(failWith);
          if (status === SaslStatus.COMPLETE) {
            completed = true;
            break;
          }
        }
      } catch (err) {
        failWith(err);
      }
    }
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onError);
    work = Promise.resolve()
      .then(() => mechanism.initial())
      .then((first) => {
        send(SaslStatus.START, { payload: Buffer.from(mechanism.name) });
        send(first.complete ? SaslStatus.COMPLETE : SaslStatus.OK, first);
      })
      .catch(failWith);
  });
}
