/**
 * Client side of SASL PLAIN negotiation as HiveServer2's TSaslClientTransport
 * does it: START "PLAIN", then COMPLETE with `authzid \0 user \0 password`;
 * the server answers COMPLETE, or BAD/ERROR with a reason.
 *
 * @module
 * @internal
 */
import type net from 'node:net';
import { AuthenticationError, ConnectTimeoutError, ConnectionClosedError, ImpalaError, ProtocolError } from '../errors.js';
import { FrameParser, SaslStatus, encodeSaslMessage } from '../wire/sasl-frames.js';
import type { ResolvedPlainAuth } from './options.js';

/**
 * Runs the negotiation on a fresh socket. Resolves with the parser, which
 * already holds any bytes that followed the server's COMPLETE.
 */
export function saslPlainHandshake(
  socket: net.Socket,
  auth: ResolvedPlainAuth,
  coordinator: string,
  deadline: number,
  maxFrameBytes: number,
): Promise<FrameParser> {
  const parser = new FrameParser(maxFrameBytes);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new ConnectTimeoutError(`SASL negotiation with ${coordinator} timed out`, { coordinator })),
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
      cleanup();
      socket.destroy();
      reject(err);
    }
    function onClose(): void {
      fail(new ConnectionClosedError(`${coordinator} closed the connection during SASL negotiation`, { coordinator, statementSent: false }));
    }
    function onError(err: Error): void {
      fail(new ConnectionClosedError(`SASL negotiation with ${coordinator} failed: ${err.message}`, { coordinator, cause: err, statementSent: false }));
    }
    function onData(chunk: Buffer): void {
      try {
        parser.push(chunk);
        const msg = parser.nextSaslMessage();
        if (!msg) return;
        if (msg.status === SaslStatus.COMPLETE) {
          cleanup();
          parser.startData();
          resolve(parser);
          return;
        }
        // The server's reason text is safe to show: it never echoes the password.
        const reason = msg.payload.toString('utf8').slice(0, 500);
        if (msg.status === SaslStatus.BAD || msg.status === SaslStatus.ERROR) {
          fail(new AuthenticationError(`${coordinator} rejected SASL PLAIN authentication: ${reason || 'no reason given'}`, { coordinator }));
        } else {
          fail(new ProtocolError(`unexpected SASL status ${msg.status} from ${coordinator}`, { coordinator, statementSent: false }));
        }
      } catch (err) {
        fail(err instanceof ImpalaError ? Object.assign(err, { coordinator, statementSent: false }) : new ProtocolError(String(err), { coordinator }));
      }
    }
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onError);
    // The one place the password is revealed: straight into the bytes on the wire.
    const response = Buffer.concat([Buffer.from([0]), Buffer.from(auth.username, 'utf8'), Buffer.from([0]), Buffer.from(auth.password.reveal(), 'utf8')]);
    socket.write(encodeSaslMessage(SaslStatus.START, Buffer.from('PLAIN')));
    socket.write(encodeSaslMessage(SaslStatus.COMPLETE, response));
  });
}
