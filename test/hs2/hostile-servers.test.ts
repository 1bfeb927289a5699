/**
 * Acceptance: broken or hostile servers give a typed ImpalaError, bounded by
 * the configured timeout — no hang, no crash, no giant allocation.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, ImpalaError } from '../../src/index.js';
import { SaslStatus, encodeSaslMessage } from '../../src/wire/sasl-frames.js';

type Behaviour = (socket: net.Socket) => void;

const servers: Array<net.Server | http.Server> = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(server: net.Server | http.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s: net.Socket) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

function tcpServer(onConnect: Behaviour): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    onConnect(socket);
  });
  return listen(server);
}

/** A reply header for OpenSession, then a string field announcing 2^31-1 bytes. */
function hugeStringReply(): Buffer {
  const name = Buffer.from('OpenSession');
  const head = Buffer.alloc(8);
  head.writeInt32BE(0x80010002 | 0, 0);
  head.writeInt32BE(name.length, 4);
  const seq = Buffer.alloc(4);
  seq.writeInt32BE(1, 0);
  // field 0 (success) STRUCT, then inside: field 1 STRING of length 0x7fffffff
  const body = Buffer.from([12, 0, 0, 11, 0, 1, 0x7f, 0xff, 0xff, 0xff]);
  return Buffer.concat([head, name, seq, body, randomBytes(1024)]);
}

// Short enough that five times it stays under the 5 s default, so the bound
// below still tells a client that ignores the option; the servers that do
// answer, answer within milliseconds.
const CONNECT_TIMEOUT_MS = 800;

const cases: Array<{ name: string; start: () => Promise<number>; sasl?: boolean; codes: string[] }> = [
  {
    name: 'a port that speaks HTTP',
    start: () => listen(http.createServer((_req, res) => res.end('hello'))),
    codes: ['IMPALA_PROTOCOL', 'IMPALA_CONNECTION_CLOSED'],
  },
  {
    name: 'a server that sends random bytes',
    start: () => tcpServer((s) => s.on('data', () => s.write(randomBytes(64 * 1024)))),
    codes: ['IMPALA_PROTOCOL', 'IMPALA_MESSAGE_TOO_LARGE', 'IMPALA_CONNECT_TIMEOUT'],
  },
  {
    name: 'a server that sends random bytes over SASL',
    sasl: true,
    start: () => tcpServer((s) => s.on('data', () => s.write(randomBytes(64 * 1024)))),
    codes: ['IMPALA_PROTOCOL', 'IMPALA_MESSAGE_TOO_LARGE', 'IMPALA_CONNECT_TIMEOUT'],
  },
  {
    name: 'a server that closes at once',
    start: () => tcpServer((s) => s.destroy()),
    codes: ['IMPALA_CONNECTION_CLOSED', 'IMPALA_CONNECT_FAILED'],
  },
  {
    name: 'a server that accepts and never answers',
    start: () => tcpServer(() => {}),
    codes: ['IMPALA_CONNECT_TIMEOUT'],
  },
  {
    name: 'a server that accepts and never answers SASL',
    sasl: true,
    start: () => tcpServer(() => {}),
    codes: ['IMPALA_CONNECT_TIMEOUT'],
  },
  {
    name: 'a server announcing a 2 GB string',
    start: () => tcpServer((s) => s.once('data', () => s.write(hugeStringReply()))),
    codes: ['IMPALA_MESSAGE_TOO_LARGE'],
  },
  {
    name: 'a server announcing a 2 GB SASL frame',
    sasl: true,
    start: () =>
      tcpServer((s) =>
        s.once('data', () => {
          s.write(encodeSaslMessage(SaslStatus.COMPLETE, Buffer.alloc(0)));
          s.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
        }),
      ),
    codes: ['IMPALA_MESSAGE_TOO_LARGE'],
  },
  {
    name: 'a server announcing a 2 GB SASL negotiation message',
    sasl: true,
    start: () => tcpServer((s) => s.once('data', () => s.write(Buffer.from([SaslStatus.COMPLETE, 0x7f, 0xff, 0xff, 0xff])))),
    codes: ['IMPALA_MESSAGE_TOO_LARGE'],
  },
];

describe('hostile servers', () => {
  it.each(cases)('$name → typed ImpalaError, no hang', async ({ start, sasl, codes }) => {
    const port = await start();
    const before = process.memoryUsage();
    const started = Date.now();
    const err = await connect({
      host: '127.0.0.1',
      port,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      ...(sasl ? { auth: { mechanism: 'PLAIN' as const, username: 'u', password: 'hunter2-secret', allowCleartext: true } } : {}),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(ImpalaError);
    expect(codes).toContain((err as ImpalaError).code);
    // No hang: the deadline fires at CONNECT_TIMEOUT_MS; five times it leaves room for a loaded machine.
    expect(elapsed).toBeLessThan(CONNECT_TIMEOUT_MS * 5);
    expect(String((err as Error).message)).not.toContain('hunter2-secret');
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
  });
});
