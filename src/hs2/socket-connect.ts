/**
 * Opening the TCP or TLS socket to one coordinator, within a deadline.
 *
 * @module
 * @internal
 */
import net from 'node:net';
import tls from 'node:tls';
import { ConnectError, ConnectTimeoutError, ImpalaError } from '../errors.js';
import type { ResolvedConnectOptions } from './options.js';

/**
 * Node's TLS options for a coordinator: the hostname checked against its
 * certificate (or `servername`), and the client key revealed for the
 * handshake only.
 *
 * @internal
 */
export function tlsConnectOptions(opts: Pick<ResolvedConnectOptions, 'host' | 'tls'>): tls.ConnectionOptions {
  if (!opts.tls) return {};
  const { key, passphrase, ...rest } = opts.tls;
  const servername = opts.tls.servername ?? (net.isIP(opts.host) ? undefined : opts.host);
  return {
    ...rest,
    ...(key ? { key: key.reveal() } : {}),
    ...(passphrase ? { passphrase: passphrase.reveal() } : {}),
    ...(servername === undefined ? {} : { servername }),
    rejectUnauthorized: opts.tls.rejectUnauthorized ?? true,
  };
}

/** Certificate checks that failed for want of a trusted CA. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/**
 * What a TLS failure means and what to set, for the errors users meet when
 * pointing a client at a cluster's certificates (undefined for other errors).
 *
 * @internal
 */
export function tlsAdvice(err: NodeJS.ErrnoException, opts: Pick<ResolvedConnectOptions, 'host' | 'tls'>): string | undefined {
  if (!opts.tls || err.code === undefined) return undefined;
  const name = opts.tls.servername ?? opts.host;
  if (err.code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `the certificate it presented is not issued for "${name}" (${err.code}); when every coordinator presents one certificate for a shared or wildcard name, set tls.servername to that name`;
  }
  if (UNTRUSTED.has(err.code))
    return `its certificate is not signed by a trusted CA (${err.code}); set tls.ca to the certificate of the CA that issued it`;
  if (err.code === 'CERT_HAS_EXPIRED' || err.code === 'CERT_NOT_YET_VALID') return `its certificate is not valid now (${err.code})`;
  return undefined;
}

/**
 * Connects and, with TLS, completes the handshake (certificate and hostname
 * verified unless the caller turned that off).
 *
 * @param deadline - absolute `Date.now()` time by which the socket must be ready
 */
export function openSocket(opts: ResolvedConnectOptions, deadline: number): Promise<net.Socket> {
  const coordinator = `${opts.host}:${opts.port}`;
  return new Promise((resolve, reject) => {
    let socket: net.Socket;
    const readyEvent = opts.tls ? 'secureConnect' : 'connect';
    if (opts.tls) {
      socket = tls.connect({ ...tlsConnectOptions(opts), host: opts.host, port: opts.port });
    } else {
      socket = net.connect({ host: opts.host, port: opts.port });
    }
    const timer = setTimeout(
      () => {
        fail(new ConnectTimeoutError(`connect to ${coordinator} timed out after ${opts.connectTimeoutMs} ms`, { coordinator }));
      },
      Math.max(0, deadline - Date.now()),
    );
    timer.unref();

    function cleanup(): void {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      socket.removeListener(readyEvent, onReady);
    }
    function fail(err: ImpalaError): void {
      cleanup();
      socket.destroy();
      reject(err);
    }
    function onError(err: NodeJS.ErrnoException): void {
      const what = opts.tls && socket.connecting === false ? 'TLS handshake with' : 'connect to';
      fail(
        new ConnectError(`${what} ${coordinator} failed: ${tlsAdvice(err, opts) ?? err.code ?? err.message}`, { cause: err, coordinator }),
      );
    }
    function onReady(): void {
      cleanup();
      socket.setNoDelay(true);
      resolve(socket);
    }
    socket.once('error', onError);
    socket.once(readyEvent, onReady);
  });
}
