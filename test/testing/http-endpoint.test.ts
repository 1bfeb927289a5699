/**
 * HS2 over HTTP (impalad's --hs2_http_port) on the test coordinators:
 * hive-driver's HttpConnection — a client nobody here wrote — runs SQL over
 * it with and without HTTP Basic; the generated Thrift client over node:http
 * checks keep-alive, sessions that move between connections, paths,
 * methods, HTTPS; bare sockets check what hostile input gets.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hive from 'hive-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { tcli } from '../../src/wire/gen.js';
import { requireTool } from '../support/system-tool.js';
import { waitFor } from '../support/pool-fixtures.js';
import { HttpStatusError, basic, httpClient, httpSession, openSessionBody, post, type HttpTarget } from './support/http-hs2.js';
import { columnValues, rawConnect, run } from './support/raw-client.js';
import { postHead, rawHttp } from './support/raw-http.js';
import { selfSignedCert } from '../support/certs.js';

const { TCLIService, TCLIService_types } = hive.thrift;
const utils = new hive.HiveUtils(TCLIService_types);

/** hive-driver over its HttpConnection; Basic when `auth`. */
async function hiveHttp(hostPort: string, opts: { auth?: { username: string; password: string }; https?: boolean } = {}) {
  const [host, port] = hostPort.split(':');
  const client = new hive.HiveClient(TCLIService, TCLIService_types);
  client.on('error', () => undefined);
  const auth = opts.auth ? new hive.auth.PlainHttpAuthentication(opts.auth) : new hive.auth.NoSaslAuthentication();
  await client.connect(
    { host: host!, port: Number(port), options: { path: '/cliservice', ...(opts.https ? { https: true } : {}) } } as never,
    new hive.connections.HttpConnection(),
    auth,
  );
  const session = await client.openSession({ client_protocol: TCLIService_types.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10! });
  return {
    async query(sql: string): Promise<Array<Record<string, unknown>>> {
      const op = await session.executeStatement(sql, { runAsync: true });
      await utils.waitUntilReady(op, false, () => undefined);
      await utils.fetchAll(op);
      const rows = utils.getResult(op).getValue() as Array<Record<string, unknown>>;
      await op.close();
      return rows;
    },
    async close() {
      await session.close().catch(() => undefined);
      client.close();
    },
  };
}

const target = (hostPort: string, extra: Partial<HttpTarget> = {}): HttpTarget => ({ origin: `http://${hostPort}`, ...extra });

describe('hive-driver over HTTP', () => {
  let cluster: LocalCluster;
  let withAuth: LocalCluster;

  beforeAll(async () => {
    cluster = await startCluster({ http: true });
    withAuth = await startCluster({ http: true, auth: { mechanism: 'PLAIN', users: { alice: 's3cret' } } });
  });
  afterAll(async () => {
    await cluster?.close();
    await withAuth?.close();
  });

  it('exposes the HTTP addresses next to the TCP ones', () => {
    const c = cluster.coordinators[0]!;
    expect(cluster.httpHosts).toEqual([`127.0.0.1:${c.httpPort}`]);
    expect(c.httpHost).toBe(cluster.httpHosts[0]);
    expect(c.httpPort).not.toBe(c.port);
    expect(cluster.hosts).toEqual([`127.0.0.1:${c.port}`]);
  });

  it('runs DDL, DML and queries without authentication, on the same catalog and counters as TCP', async () => {
    const tcp = await rawConnect(cluster.coordinators[0]!.port);
    await run(tcp, 'CREATE TABLE over_tcp (id INT, name STRING)');
    await run(tcp, "INSERT INTO over_tcp VALUES (1, 'a'), (2, 'b')");
    await tcp.close();
    const before = cluster.stats()[0]!;
    const conn = await hiveHttp(cluster.httpHosts[0]!);
    try {
      expect(await conn.query('SELECT id, name FROM over_tcp ORDER BY id')).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      await conn.query('CREATE TABLE over_http (x INT)');
      await conn.query('INSERT INTO over_http VALUES (7)');
    } finally {
      await conn.close();
    }
    const after = cluster.stats()[0]!;
    expect(after.queries - before.queries).toBe(3);
    expect(after.rpcs.OpenSession! - (before.rpcs.OpenSession ?? 0)).toBe(1);
    expect(after.http!.requests).toBeGreaterThan(before.http!.requests);
    expect(after.http!.authSuccess).toEqual({ basic: 0, jwt: 0, negotiate: 0, cookie: 0 });
    await waitFor(() => cluster.stats()[0]!.sessionsOpen === 0, 10_000, 'the HTTP session closed');
    // And back over TCP: what HTTP wrote is there.
    const again = await rawConnect(cluster.coordinators[0]!.port);
    expect(columnValues((await run(again, 'SELECT x FROM over_http')).rowSets, 0)).toEqual([7]);
    await again.close();
  });

  it('authenticates HTTP Basic once, then rides on the auth cookie', async () => {
    const before = withAuth.stats()[0]!.http!;
    const conn = await hiveHttp(withAuth.httpHosts[0]!, { auth: { username: 'alice', password: 's3cret' } });
    try {
      expect(await conn.query("SELECT 41 + 1 AS answer, '日本語' AS s")).toEqual([{ answer: 42, s: '日本語' }]);
    } finally {
      await conn.close();
    }
    const after = withAuth.stats()[0]!.http!;
    expect(after.authSuccess.basic - before.authSuccess.basic).toBe(1);
    // hive-driver sends the cookie back with every later request; those skip re-authentication.
    expect(after.authSuccess.cookie - before.authSuccess.cookie).toBeGreaterThan(3);
    expect(after.unauthorized).toBe(before.unauthorized);
  });

  it('refuses a wrong password with 401', async () => {
    const [host, port] = withAuth.httpHosts[0]!.split(':');
    const client = new hive.HiveClient(TCLIService, TCLIService_types);
    // thrift's HttpConnection reports a bad status as an error event (the call itself never settles).
    const failed = new Promise<Error>((resolve) => client.on('error', resolve));
    const auth = new hive.auth.PlainHttpAuthentication({ username: 'alice', password: 'wrong' });
    await client.connect(
      { host: host!, port: Number(port), options: { path: '/cliservice' } } as never,
      new hive.connections.HttpConnection(),
      auth,
    );
    void client.openSession({ client_protocol: TCLIService_types.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10! }).catch(() => undefined);
    const err = await failed;
    client.close();
    expect(err.message).toMatch(/bad HTTP status code: 401/);
    expect(JSON.stringify(withAuth.stats())).not.toContain('s3cret');
    expect(JSON.stringify(withAuth.stats())).not.toContain('wrong');
  });
});

describe('the HTTP transport', () => {
  let cluster: LocalCluster;
  let hostPort: string;

  beforeAll(async () => {
    cluster = await startCluster({ http: true });
    hostPort = cluster.httpHosts[0]!;
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('keeps one connection alive across many requests, with impalad’s answer headers', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const t = target(hostPort, { agent });
      const opened = cluster.stats()[0]!.connectionsTotal;
      const reply = await post(t, openSessionBody());
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/x-thrift');
      expect(reply.headers.connection).toMatch(/^keep-alive$/i);
      expect(reply.headers['access-control-allow-origin']).toBe('*');
      expect(reply.headers['set-cookie']).toBeUndefined();
      const s = await httpSession(t);
      for (let i = 0; i < 40; i++) {
        expect(columnValues((await run(s, `SELECT ${i} AS n`)).rowSets, 0)).toEqual([i]);
      }
      await s.close();
      expect(cluster.stats()[0]!.connectionsTotal - opened).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('serves a session over different connections, and keeps it when the one that opened it closes', async () => {
    const a = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const b = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const opened = cluster.stats()[0]!.connectionsTotal;
      const viaA = await httpSession(target(hostPort, { agent: a }));
      const viaB = { ...viaA, client: httpClient(target(hostPort, { agent: b })) };
      expect(columnValues((await run(viaB, 'SELECT 1 AS one')).rowSets, 0)).toEqual([1]);
      expect(cluster.stats()[0]!.connectionsTotal - opened).toBe(2);
      const open = cluster.stats()[0]!.connectionsOpen;
      a.destroy();
      await waitFor(() => cluster.stats()[0]!.connectionsOpen === open - 1, 10_000, 'connection A closed on the server');
      expect(columnValues((await run(viaB, 'SELECT 2 AS two')).rowSets, 0)).toEqual([2]);
      await viaB.close();
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('closes a session whose last connection went away when disconnectedSessionTimeoutMs is 0', async () => {
    const c = await startCluster({ http: { disconnectedSessionTimeoutMs: 0 } });
    const a = new http.Agent({ keepAlive: true });
    try {
      const s = await httpSession(target(c.httpHosts[0]!, { agent: a }));
      expect(c.stats()[0]!.sessionsOpen).toBe(1);
      a.destroy();
      await waitFor(() => c.stats()[0]!.sessionsOpen === 0, 10_000, 'the disconnected session closed');
      const later = { ...s, client: httpClient(target(c.httpHosts[0]!, { agent: new http.Agent() })) };
      await expect(run(later, 'SELECT 1')).rejects.toThrow(/^Invalid session id: /);
    } finally {
      a.destroy();
      await c.close();
    }
  });

  it.each(['/', '/cliservice', '/a/b/c?doAs=nobody&x=1'])('accepts POSTs to any path (%s)', async (path) => {
    expect((await post(target(hostPort, { path }), openSessionBody())).status).toBe(200);
  });

  it('answers a CORS preflight and ignores custom headers', async () => {
    const pre = await post(target(hostPort), Buffer.alloc(0), { method: 'OPTIONS' });
    expect(pre.status).toBe(200);
    expect(pre.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    const s = await httpSession(target(hostPort, { headers: { 'X-Request-Id': 'req-1', 'X-Tenant': 'seven', 'User-Agent': 'tests' } }));
    expect(columnValues((await run(s, 'SELECT 3 AS three')).rowSets, 0)).toEqual([3]);
    expect(cluster.stats()[0]!.http!.lastRequestHeaders).toMatchObject({
      'x-request-id': 'req-1',
      'x-tenant': 'seven',
      'user-agent': 'tests',
    });
    await s.close();
  });

  it('closes the connection on other methods without an answer, as impalad does', async () => {
    await expect(post(target(hostPort), Buffer.alloc(0), { method: 'GET' })).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('sends 100 Continue to a client that waits for it', async () => {
    const body = openSessionBody();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `http://${hostPort}/cliservice`,
        { method: 'POST', headers: { Expect: '100-continue', 'Content-Length': body.length }, agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('continue', () => req.end(body));
      req.on('error', reject);
    });
    expect(status).toBe(200);
  });
});

describe('hostile HTTP input', () => {
  let cluster: LocalCluster;
  let port: number;

  beforeAll(async () => {
    cluster = await startCluster({ http: { requestTimeoutMs: 300, idleTimeoutMs: 60_000 }, maxMessageBytes: 4096 });
    port = cluster.coordinators[0]!.httpPort!;
  });
  afterAll(async () => {
    await cluster?.close();
  });

  /** A keep-alive connection that must survive what the other connections do. */
  async function bystander(): Promise<{ check(): Promise<void>; close(): void }> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const s = await httpSession(target(`127.0.0.1:${port}`, { agent }));
    return {
      async check() {
        expect(columnValues((await run(s, 'SELECT 5 AS five')).rowSets, 0)).toEqual([5]);
      },
      close: () => agent.destroy(),
    };
  }

  it.each([
    ['a declared body over maxMessageBytes', [postHead(['Content-Length: 4097'])]],
    ['a chunked body that grows past maxMessageBytes', [postHead(['Transfer-Encoding: chunked']), `1001\r\n${'a'.repeat(0x1001)}\r\n`]],
  ])('answers 413 and closes the connection for %s', async (_name, writes) => {
    const other = await bystander();
    const raw = await rawHttp(port);
    for (const w of writes) raw.socket.write(w);
    expect(await raw.closed(10_000)).toBe(true);
    expect(raw.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw.received()).toMatch(/\r\nConnection: close\r\n/i);
    await other.check();
    other.close();
  });

  it.each([
    ['a body that is not Thrift', postHead(['Content-Length: 16']) + 'GET / HTTP/1.1\r\n'],
    ['an empty body', postHead(['Content-Length: 0'])],
    ['a truncated Thrift message', postHead([`Content-Length: 10`]) + openSessionBody().subarray(0, 10).toString('latin1')],
    ['bytes that are not HTTP', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n'],
  ])('closes only that connection, without an answer, for %s', async (_name, bytes) => {
    const other = await bystander();
    const raw = await rawHttp(port);
    raw.socket.write(Buffer.from(bytes, 'latin1'));
    expect(await raw.closed(10_000)).toBe(true);
    expect(raw.received()).toBe('');
    await other.check();
    other.close();
  });

  it('times a slow sender out with 408 (slow loris)', async () => {
    const raw = await rawHttp(port);
    raw.socket.write('POST /cliservice HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(await raw.closed(15_000)).toBe(true);
    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('times a body that never finishes out too', async () => {
    const raw = await rawHttp(port);
    raw.socket.write(postHead(['Content-Length: 100']) + 'abc');
    expect(await raw.closed(15_000)).toBe(true);
    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 431 to headers over node’s limit', async () => {
    const raw = await rawHttp(port);
    raw.socket.write(postHead([`X-Big: ${'b'.repeat(20_000)}`, 'Content-Length: 0']));
    expect(await raw.closed(10_000)).toBe(true);
    expect(raw.received()).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('closes keep-alive connections idle for idleTimeoutMs', async () => {
    const c = await startCluster({ http: { idleTimeoutMs: 200 } });
    try {
      const raw = await rawHttp(c.coordinators[0]!.httpPort!);
      const body = openSessionBody();
      raw.socket.write(postHead([`Content-Length: ${body.length}`]));
      raw.socket.write(body);
      expect(await raw.receivedMatch(/^HTTP\/1\.1 200 /, 10_000)).toBe(true);
      expect(await raw.closed(10_000)).toBe(true);
      await waitFor(() => c.stats()[0]!.connectionsOpen === 0, 10_000, 'the server counted the connection closed');
    } finally {
      await c.close();
    }
  });
});

describe('HTTPS', () => {
  if (!requireTool('openssl', 'openssl')) return;
  let dir: string;
  let cert: Buffer;
  let cluster: LocalCluster;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'impala-pool-https-'));
    selfSignedCert(dir, 'IP:127.0.0.1');
    cert = readFileSync(join(dir, 'cert.pem'));
    cluster = await startCluster({
      tls: { key: readFileSync(join(dir, 'key.pem')), cert },
      http: true,
      auth: { mechanism: 'PLAIN', users: { bob: 'pw' } },
    });
  });
  afterAll(async () => {
    await cluster?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves hive-driver over HTTPS with the cluster’s certificate', async () => {
    const conn = await hiveHttp(cluster.httpHosts[0]!, { https: true, auth: { username: 'bob', password: 'pw' } });
    try {
      expect(await conn.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    } finally {
      await conn.close();
    }
  });

  it('verifies against the certificate, and marks the auth cookie Secure', async () => {
    const t: HttpTarget = { origin: `https://${cluster.httpHosts[0]}`, ca: cert, headers: { Authorization: basic('bob', 'pw') } };
    const reply = await post(t, openSessionBody());
    expect(reply.status).toBe(200);
    expect(reply.headers['set-cookie']![0]).toMatch(/;HttpOnly;Max-Age=86400;Secure$/);
  });

  it('does not speak plain HTTP on the HTTPS port', async () => {
    const err = await post(target(cluster.httpHosts[0]!), openSessionBody()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(HttpStatusError);
  });
});

describe('HTTP in process isolation', () => {
  it('serves the same endpoint from a child process, and counts there', async () => {
    const c = await startCluster({
      isolation: 'process',
      http: { idleTimeoutMs: 30_000 },
      auth: { mechanism: 'PLAIN', users: { carol: 'pw' } },
    });
    try {
      const conn = await hiveHttp(c.httpHosts[0]!, { auth: { username: 'carol', password: 'pw' } });
      expect(await conn.query('SELECT 6 * 7 AS n')).toEqual([{ n: 42 }]);
      await conn.close();
      await waitFor(() => (c.stats()[0]!.http?.authSuccess.cookie ?? 0) > 0, 10_000, 'the child reported its HTTP counters');
      const s = c.stats()[0]!;
      expect(s.http!.authSuccess.basic).toBe(1);
      expect(s.rpcs.ExecuteStatement).toBe(1);
      const client = httpClient(target(c.httpHosts[0]!, { headers: { Authorization: basic('carol', 'nope') } }));
      const err = (await client.OpenSession(new tcli.TOpenSessionReq({ client_protocol: 5 })).catch((e: unknown) => e)) as HttpStatusError;
      expect(err.reply.status).toBe(401);
      // The child's report and its answer travel on different channels.
      await waitFor(() => c.stats()[0]!.http!.unauthorized === 1, 10_000, 'the refusal counted');
      expect(c.stats()[0]!.http!.authFailure.basic).toBe(1);
    } finally {
      await c.close();
    }
  }, 60_000);
});
