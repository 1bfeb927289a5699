/**
 * A TCP forwarder on loopback that counts the connections it accepts: put it
 * in front of one coordinator and give the pool its address, and every
 * connect the pool makes there (pool connections and health probes alike) is
 * counted at the socket level.
 */
import net from 'node:net';

/** A running forwarder. */
export interface CountingProxy {
  /** `127.0.0.1:port` to give the pool instead of the target's address. */
  readonly host: string;
  readonly port: number;
  /** Connections accepted since start or the last {@link reset}. */
  readonly accepted: number;
  /** Starts counting from zero again. */
  reset(): void;
  /** Stops listening and drops every forwarded connection. */
  close(): Promise<void>;
}

/**
 * Listens on an ephemeral loopback port and pipes each accepted connection
 * to `target`. When the target cannot be reached, the client's socket is
 * destroyed (the client sees its connection fail right after connecting);
 * when either side closes or fails, so does the other.
 */
export async function startCountingProxy(target: { host: string; port: number }): Promise<CountingProxy> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = net.createServer((client) => {
    accepted += 1;
    track(client);
    const upstream = net.connect({ host: target.host, port: target.port });
    track(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    get accepted() {
      return accepted;
    },
    reset() {
      accepted = 0;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
