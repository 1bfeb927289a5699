/**
 * Opening the RPC channel to one coordinator, whatever carries it: a TCP or
 * TLS socket, with the SASL negotiation its auth needs (none, PLAIN,
 * GSSAPI), or HS2 over HTTP with credentials on each request.
 *
 * @module
 * @internal
 */
import type { FrameParser } from '../wire/sasl-frames.js';
import { HttpWire, type Credentials } from './http-wire.js';
import type { ResolvedConnectOptions } from './options.js';
import { RpcChannel } from './rpc-channel.js';
import { saslHandshake } from './sasl-exchange.js';
import { gssapiMechanism, spnegoToken } from './sasl-gssapi.js';
import { plainMechanism } from './sasl-plain.js';
import { openSocket } from './socket-connect.js';

/**
 * Opens the channel; the caller opens the HS2 session on it.
 *
 * @param deadline - absolute `Date.now()` time by which the transport must be ready
 */
export async function openChannel(opts: ResolvedConnectOptions, deadline: number): Promise<RpcChannel> {
  const coordinator = `${opts.host}:${opts.port}`;
  const channelOptions = { coordinator, rpcTimeoutMs: opts.rpcTimeoutMs, maxMessageBytes: opts.maxMessageBytes };
  if (opts.transport === 'http') {
    // Nothing to open up front: the first request (OpenSession) connects, and every request authenticates or shows the cookie.
    const wire = new HttpWire({ opts, credentials: httpCredentials(opts, coordinator) });
    return new RpcChannel(wire, { ...channelOptions, pipelining: false });
  }
  const socket = await openSocket(opts, deadline);
  let frames: FrameParser | undefined;
  try {
    if (opts.auth.mechanism === 'PLAIN')
      frames = await saslHandshake(socket, plainMechanism(opts.auth, coordinator), coordinator, deadline, opts.maxMessageBytes);
    else if (opts.auth.mechanism === 'GSSAPI')
      frames = await saslHandshake(
        socket,
        await gssapiMechanism(opts.auth, opts.host, coordinator),
        coordinator,
        deadline,
        opts.maxMessageBytes,
      );
  } catch (err) {
    socket.destroy();
    throw err;
  }
  return new RpcChannel(socket, { ...channelOptions, ...(frames ? { frames } : {}) });
}

/** The Authorization header each HTTP request carries when it shows no cookie. */
function httpCredentials(opts: ResolvedConnectOptions, coordinator: string): Credentials {
  const auth = opts.auth;
  switch (auth.mechanism) {
    case 'NOSASL':
      return () => Promise.resolve(undefined);
    case 'PLAIN':
      return () => Promise.resolve(`Basic ${Buffer.from(`${auth.username}:${auth.password.reveal()}`, 'utf8').toString('base64')}`);
    case 'JWT':
      return () => Promise.resolve(`Bearer ${auth.token.reveal()}`);
    case 'GSSAPI':
      return async () => `Negotiate ${await spnegoToken(auth, opts.host, coordinator)}`;
  }
}
