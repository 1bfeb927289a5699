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
      const servername = opts.tls.servername ?? (net.isIP(opts.host) ? undefined : opts.host);
      socket = tls.connect({
        ...opts.tls,
        host: opts.host,
        port: opts.port,
        ...(servername === undefined ? {} : { servername }),
        rejectUnauthorized: opts.tls.rejectUnauthorized ?? true,
      });
    } else {
      socket = net.connect({ host: opts.host, port: opts.port });
    }
    const timer = setTimeout(() => {
      fail(new ConnectTimeoutError(`connect to ${coordinator} timed out after ${opts.connectTimeoutMs} ms`, { coordinator }));
    }, Math.max(0, deadline - Date.now()));
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
      fail(new ConnectError(`${what} ${coordinator} failed: ${err.code ?? err.message}`, { cause: err, coordinator }));
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
