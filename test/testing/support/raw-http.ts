/**
 * Bytes on a bare socket to an HTTP port, for requests no HTTP client would
 * send (oversized, garbage, slow): what came back, and whether the server
 * closed the connection.
 */
import net from 'node:net';

/** A bare connection and what it received. */
export interface RawHttpSocket {
  socket: net.Socket;
  /** Everything received so far (latin1). */
  received(): string;
  /** Resolves once the server closed the connection (true), or after `timeoutMs` (false). */
  closed(timeoutMs: number): Promise<boolean>;
  /** Resolves once `pattern` is in what was received (true), or after `timeoutMs` (false). */
  receivedMatch(pattern: RegExp, timeoutMs: number): Promise<boolean>;
}

/** Connects to `127.0.0.1:port`. */
export async function rawHttp(port: number): Promise<RawHttpSocket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let text = '';
  let isClosed = false;
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  socket.on('data', (c: Buffer) => {
    text += c.toString('latin1');
    wake();
  });
  socket.on('close', () => {
    isClosed = true;
    wake();
  });
  const until = (done: () => boolean, timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (done()) return resolve(true);
      const timer = setTimeout(() => {
        waiters.delete(check);
        resolve(false);
      }, timeoutMs);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(true);
      };
      waiters.add(check);
    });
  return {
    socket,
    received: () => text,
    closed: (ms) => until(() => isClosed, ms),
    receivedMatch: (pattern, ms) => until(() => pattern.test(text), ms),
  };
}

/** An HTTP/1.1 POST head for `/cliservice` with these extra header lines. */
export function postHead(headers: string[]): string {
  return ['POST /cliservice HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/x-thrift', ...headers, '', ''].join('\r\n');
}
