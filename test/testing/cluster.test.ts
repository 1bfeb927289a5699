/**
 * The cluster as a resource: options, ports, lifecycle (close leaves no
 * listening port), hostile clients, counters, session cleanup and the
 * coordinator controls (stop/start, drop, latency, pause, shutdown).
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { impala, tcli } from '../../src/wire/gen.js';
import { encodeSaslMessage, SaslStatus } from '../../src/wire/sasl-frames.js';
import { startCluster, type ClusterOptions, type LocalCluster } from '../../src/testing/index.js';
import { waitFor } from '../support/pool-fixtures.js';
import { columnValues, expectOk, rawConnect, run, submit, waitDone } from './support/raw-client.js';

const clusters: LocalCluster[] = [];
async function cluster(options?: ClusterOptions): Promise<LocalCluster> {
  const c = await startCluster(options);
  clusters.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()));
});

/** Listening servers in this process, after closing handles have settled. */
async function listeningServers(): Promise<number> {
  // Not a guess at how long closing takes: libuv finishes closing handles at the
  // end of the loop iteration, and any timer runs in a later one.
  await new Promise((r) => setTimeout(r, 20));
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Sends bytes; resolves with whether the server closed the socket within `ms`
 * (a hang guard: the server closes at once, a server that never does is the failure).
 */
function closedByServer(port: number, bytes: Buffer, ms = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, ms);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** An ExecuteStatement call message with a statement of `n` bytes (no session: only its size matters). */
function bigCall(n: number): Buffer {
  const name = Buffer.from('ExecuteStatement');
  const head = Buffer.alloc(8);
  head.writeInt32BE(0x80010001 | 0, 0);
  head.writeInt32BE(name.length, 4);
  const seq = Buffer.alloc(4);
  seq.writeInt32BE(1, 0);
  const stmtHead = Buffer.from([12, 0, 1, 11, 0, 2, 0, 0, 0, 0]);
  stmtHead.writeInt32BE(n, 6);
  return Buffer.concat([head, name, seq, stmtHead, Buffer.alloc(n, 0x61), Buffer.from([0, 0])]);
}

describe('startCluster', () => {
  it('starts one coordinator on 127.0.0.1 with an OS-picked port by default', async () => {
    const c = await cluster();
    expect(c.hosts).toHaveLength(1);
    expect(c.hosts[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(c.coordinators[0]!.host).toBe(c.hosts[0]);
    expect(c.coordinators[0]!.port).toBeGreaterThan(0);
    expect(c.stats()).toEqual([
      {
        host: c.hosts[0],
        sessionsOpen: 0,
        operationsOpen: 0,
        queries: 0,
        inFlight: 0,
        peakInFlight: 0,
        byKind: { query: 0, dml: 0, ddl: 0, other: 0 },
        connectionsOpen: 0,
        connectionsTotal: 0,
        rpcs: {},
        rpcsPipelined: 0,
      },
    ]);
  });

  it('gives each coordinator its own port and catalog; with catalogDelayMs 0 DDL/DML reach the others before the statement finishes', async () => {
    const c = await cluster({ coordinators: 2 });
    expect(new Set(c.hosts).size).toBe(2);
    const a = await rawConnect(c.coordinators[0]!.port);
    const b = await rawConnect(c.coordinators[1]!.port);
    try {
      await run(a, 'CREATE TABLE shared (x INT, c CHAR(3))');
      await run(a, "INSERT INTO shared VALUES (1, 'a'), (2, 'b')");
      const { rowSets } = await run(b, 'SELECT x, c FROM shared ORDER BY x');
      expect(columnValues(rowSets, 0)).toEqual([1, 2]);
      // Declared types travel too.
      expect(columnValues(rowSets, 1)).toEqual(['a  ', 'b  ']);
      expect(c.stats().map((x) => x.queries)).toEqual([2, 1]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('propagates DDL and DML after catalogDelayMs; SYNC_DDL=1 waits for it', async () => {
    // Long enough that each look straight after a change comes well before it, even on a loaded machine.
    const delayMs = 1000;
    const c = await cluster({ coordinators: 3, catalogDelayMs: delayMs });
    const [a, b, d] = await Promise.all(c.coordinators.map((x) => rawConnect(x.port)));
    try {
      const created = performance.now();
      await run(a!, 'CREATE TABLE later (x INT)');
      const early = await submit(b!, 'SELECT * FROM later');
      expect(early.status.errorMessage).toBe("AnalysisException: Could not resolve table reference: 'later'");
      const reached = (): Promise<boolean> =>
        run(b!, 'SELECT count(*) FROM later').then(
          () => true,
          () => false,
        );
      await waitFor(reached, 20_000, 'the table to reach the second coordinator');
      // Not before the delay: the bus holds each change that long.
      expect(performance.now() - created).toBeGreaterThanOrEqual(delayMs - 50);
      expect(columnValues((await run(b!, 'SELECT count(*) FROM later')).rowSets, 0)).toEqual([0n]);
      // INSERT data reaches the others with the same delay, in order.
      await run(a!, 'INSERT INTO later VALUES (1)');
      expect(columnValues((await run(d!, 'SELECT count(*) FROM later')).rowSets, 0)).toEqual([0n]);
      await run(a!, 'SET SYNC_DDL=1');
      const started = performance.now();
      await run(a!, 'CREATE TABLE synced (x INT)');
      expect(performance.now() - started).toBeGreaterThanOrEqual(delayMs - 50);
      expect(columnValues((await run(d!, 'SELECT count(*) FROM synced')).rowSets, 0)).toEqual([0n]);
      expect(columnValues((await run(d!, 'SELECT count(*) FROM later')).rowSets, 0)).toEqual([1n]);
    } finally {
      await Promise.all([a, b, d].map((x) => x!.close()));
    }
  });

  it('INVALIDATE METADATA and REFRESH pull changes made elsewhere at once, as from catalogd', async () => {
    const c = await cluster({ coordinators: 2, catalogDelayMs: 5000 });
    const [a, b] = await Promise.all(c.coordinators.map((x) => rawConnect(x.port)));
    try {
      await run(a!, 'CREATE TABLE fresh (x INT)');
      expect((await submit(b!, 'SELECT * FROM fresh')).status.errorMessage).toMatch(/Could not resolve table reference/);
      await run(b!, 'INVALIDATE METADATA fresh');
      expect(columnValues((await run(b!, 'SELECT count(*) FROM fresh')).rowSets, 0)).toEqual([0n]);
      await run(a!, 'INSERT INTO fresh VALUES (7)');
      expect(columnValues((await run(b!, 'SELECT count(*) FROM fresh')).rowSets, 0)).toEqual([0n]);
      await run(b!, 'REFRESH fresh');
      expect(columnValues((await run(b!, 'SELECT x FROM fresh')).rowSets, 0)).toEqual([7]);
    } finally {
      await Promise.all([a, b].map((x) => x!.close()));
    }
  });

  it.each<[string, ClusterOptions, RegExp]>([
    ['coordinators: 0', { coordinators: 0 }, /option coordinators must be an integer from 1 to 64/],
    ['coordinators: 1.5', { coordinators: 1.5 }, /option coordinators/],
    ['a typo', { coordinator: 2 } as never, /unknown startCluster option coordinator/],
    ['ports of the wrong length', { coordinators: 2, ports: [0] }, /option ports must be an array of 2/],
    ['a negative port', { ports: [-1] }, /option ports\[0\]/],
    ['maxMessageBytes: "big"', { maxMessageBytes: 'big' } as never, /option maxMessageBytes/],
    ['auth without users', { auth: { mechanism: 'PLAIN', users: {} } }, /option auth.users/],
    ['auth GSSAPI with PLAIN fields', { auth: { mechanism: 'GSSAPI', users: { a: 'b' } } } as never, /unknown auth option users/],
    ['auth GSSAPI without a keytab', { auth: { mechanism: 'GSSAPI' } } as never, /option auth.keytab must be the path of a keytab file/],
    [
      'an unknown auth mechanism',
      { auth: { mechanism: 'LDAP', users: { a: 'b' } } } as never,
      /option auth.mechanism must be 'PLAIN' or 'GSSAPI'/,
    ],
    [
      'hosts that do not match the coordinators',
      { coordinators: 2, host: ['127.0.0.1'] },
      /option host must be a string or an array of 2 hosts/,
    ],
    ['mutual TLS without a CA', { tls: { key: 'k', cert: 'c', requestCert: true } } as never, /option tls.requestCert needs tls.ca/],
    ['tls without cert', { tls: { key: 'k' } } as never, /option tls.cert/],
    ['idleSessionTimeoutMs: -1', { idleSessionTimeoutMs: -1 }, /option idleSessionTimeoutMs/],
    ['catalogDelayMs: -5', { catalogDelayMs: -5 }, /option catalogDelayMs/],
    ['an unknown isolation', { isolation: 'vm' } as never, /option isolation/],
    ['admission without maxConcurrent', { admission: {} } as never, /option admission.maxConcurrent/],
    ['a negative idleQueryTimeoutMs', { idleQueryTimeoutMs: -1 }, /option idleQueryTimeoutMs/],
  ])('rejects %s with a TypeError naming the option', async (_name, options, message) => {
    const err = await startCluster(options).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(message);
  });

  it('listens on the ports asked for', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const free = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const c = await cluster({ ports: [free] });
    expect(c.hosts).toEqual([`127.0.0.1:${free}`]);
  });
});

describe('close()', () => {
  it('leaves no listening port, no socket and no session behind; is idempotent', async () => {
    const before = await listeningServers();
    const c = await startCluster({ coordinators: 2 });
    expect(await listeningServers()).toBe(before + 2);
    const ports = c.coordinators.map((x) => x.port);
    const s = await rawConnect(ports[0]!);
    const running = await submit(s, 'SELECT sleep(10000)');
    expectOk(running.status);
    await c.close();
    await c.close();
    expect(await listeningServers()).toBe(before);
    for (const p of ports) expect(await canConnect(p)).toBe(false);
    expect(c.stats().map((x) => [x.sessionsOpen, x.operationsOpen, x.inFlight])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    await s.close();
  });
});

describe('hostile clients close their own socket, never the server', () => {
  it.each<[string, ClusterOptions, Buffer]>([
    ['random garbage', {}, Buffer.from('\x7f\x45\x4c\x46garbage-bytes-that-are-not-thrift'.repeat(4), 'latin1')],
    ['an HTTP request', {}, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a message over maxMessageBytes', { maxMessageBytes: 4096 }, bigCall(8192)],
    ['a SASL handshake on a NOSASL port', {}, encodeSaslMessage(SaslStatus.START, Buffer.from('PLAIN'))],
    ['plain Thrift on a SASL port', { auth: { mechanism: 'PLAIN', users: { u: 'p' } } }, bigCall(10)],
    [
      'a SASL frame announcing 2 GB',
      { auth: { mechanism: 'PLAIN', users: { u: 'p' } }, maxMessageBytes: 4096 },
      Buffer.from([0x01, 0x7f, 0xff, 0xff, 0xff]),
    ],
    [
      'an unsupported SASL mechanism',
      { auth: { mechanism: 'PLAIN', users: { u: 'p' } } },
      encodeSaslMessage(SaslStatus.START, Buffer.from('GSSAPI')),
    ],
  ])('%s', async (_name, options, bytes) => {
    const c = await cluster(options);
    const port = c.coordinators[0]!.port;
    expect(await closedByServer(port, bytes)).toBe(true);
    expect(c.coordinators[0]!.running).toBe(true);
    expect(await canConnect(port)).toBe(true);
  });

  it('a message under the cap is served', async () => {
    const c = await cluster({ maxMessageBytes: 64 * 1024 });
    const s = await rawConnect(c.coordinators[0]!.port);
    try {
      const { rowSets } = await run(s, `SELECT '${'x'.repeat(30_000)}' AS s`);
      expect((columnValues(rowSets, 0)[0] as string).length).toBe(30_000);
    } finally {
      await s.close();
    }
  });
});

describe('counters and session cleanup', () => {
  it('counts statements, in-flight and its peak', async () => {
    const c = await cluster();
    const s = await rawConnect(c.coordinators[0]!.port);
    try {
      const ops = await Promise.all(Array.from({ length: 5 }, () => submit(s, 'SELECT sleep(150)')));
      const st = c.stats()[0]!;
      expect(st.inFlight).toBe(5);
      expect(st.operationsOpen).toBe(5);
      expect(st.sessionsOpen).toBe(1);
      expect(st.connectionsOpen).toBe(1);
      for (const op of ops) {
        await waitDone(s, op.operationHandle!);
        await s.client.FetchResults(
          new tcli.TFetchResultsReq({ operationHandle: op.operationHandle!, orientation: 0, maxRows: 10 as never }),
        );
        await s.client.CloseOperation(new tcli.TCloseOperationReq({ operationHandle: op.operationHandle! }));
      }
      const after = c.stats()[0]!;
      expect(after).toMatchObject({ inFlight: 0, peakInFlight: 5, operationsOpen: 0, queries: 5 });
      expect(after.byKind.query).toBe(5);
    } finally {
      await s.close();
    }
  });

  it('closes the sessions of a connection that goes away', async () => {
    const c = await cluster();
    const s = await rawConnect(c.coordinators[0]!.port);
    await submit(s, 'SELECT sleep(10000)');
    expect(c.stats()[0]!.sessionsOpen).toBe(1);
    await c.coordinators[0]!.dropConnections();
    // The server notices each socket close a moment later, not before dropConnections returns.
    const cleaned = (): boolean => {
      const st = c.stats()[0]!;
      return st.sessionsOpen + st.operationsOpen + st.inFlight + st.connectionsOpen === 0;
    };
    await waitFor(cleaned, 10_000, 'the connection and its session closed on the server');
    expect(c.stats()[0]).toMatchObject({ sessionsOpen: 0, operationsOpen: 0, inFlight: 0, connectionsOpen: 0 });
  });

  it('expires idle sessions with Impala’s message', async () => {
    const c = await cluster({ idleSessionTimeoutMs: 100 });
    const s = await rawConnect(c.coordinators[0]!.port);
    try {
      await waitFor(() => c.stats()[0]!.sessionsOpen === 0, 10_000, 'the idle session expired');
      const resp = await submit(s, 'SELECT 1');
      expect(resp.status.errorMessage).toMatch(/^Client session expired due to more than 0\.1s of inactivity/);
    } finally {
      await s.close();
    }
  });
});

describe('coordinator controls', () => {
  it('stop() closes the port and sessions; start() brings it back with its tables', async () => {
    const c = await cluster();
    const coord = c.coordinators[0]!;
    const s = await rawConnect(coord.port);
    await run(s, 'CREATE TABLE kept (a INT)');
    await run(s, 'INSERT INTO kept VALUES (7)');
    await coord.stop();
    expect(await canConnect(coord.port)).toBe(false);
    expect(c.stats()[0]!.sessionsOpen).toBe(0);
    await coord.start();
    const s2 = await rawConnect(coord.port);
    try {
      expect(columnValues((await run(s2, 'SELECT a FROM kept')).rowSets, 0)).toEqual([7]);
    } finally {
      await s2.close();
    }
  });

  it('setLatency() delays every answer', async () => {
    const c = await cluster();
    const s = await rawConnect(c.coordinators[0]!.port);
    try {
      await c.coordinators[0]!.setLatency(100);
      const started = Date.now();
      await s.client.PingImpalaHS2Service(new impala.TPingImpalaHS2ServiceReq({ sessionHandle: s.session }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(95);
      await c.coordinators[0]!.setLatency(0);
      expect(() => c.coordinators[0]!.setLatency(-1)).toThrow(TypeError);
    } finally {
      await s.close();
    }
  });

  it('pause() holds answers until resume()', async () => {
    const c = await cluster();
    const s = await rawConnect(c.coordinators[0]!.port);
    try {
      c.coordinators[0]!.pause();
      let answered = false;
      const ping = s.client
        .PingImpalaHS2Service(new impala.TPingImpalaHS2ServiceReq({ sessionHandle: s.session }))
        .then(() => (answered = true));
      await new Promise((r) => setTimeout(r, 150));
      expect(answered).toBe(false);
      c.coordinators[0]!.resume();
      await ping;
      expect(answered).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('shutdown() refuses new statements at once, lets running ones finish, then stops', async () => {
    const c = await cluster();
    const coord = c.coordinators[0]!;
    const s = await rawConnect(coord.port);
    const running = await submit(s, 'SELECT sleep(200)');
    const done = coord.shutdown({ graceMs: 5000 });
    const before = c.stats()[0]!.queries;
    const refused = await submit(s, 'SELECT 1');
    expect(refused.status.errorMessage).toMatch(/^Server is being shut down/);
    expect(c.stats()[0]!.queries).toBe(before);
    expect((await waitDone(s, running.operationHandle!)).operationState).toBe(tcli.TOperationState.FINISHED_STATE);
    await s.client.FetchResults(
      new tcli.TFetchResultsReq({ operationHandle: running.operationHandle!, orientation: 0, maxRows: 10 as never }),
    );
    await done;
    expect(coord.running).toBe(false);
    expect(await canConnect(coord.port)).toBe(false);
  });
});
