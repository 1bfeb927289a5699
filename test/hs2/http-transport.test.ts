/**
 * HS2 over HTTP from our side: a direct connection and a pool talk to the
 * test cluster's HTTP endpoints with no auth, HTTP Basic (LDAP) and a JWT;
 * impalad's auth cookie spares re-authentication; wrong credentials and bad
 * options get clear errors without the secret.
 */
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createPool, type AuthenticationError, type ImpalaError } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';

const PASSWORD = 'Zq9-http-secret';
const JWT_SECRET = 'a-test-signing-key-of-at-least-32-bytes!';

function jwt(claims: Record<string, unknown>, secret = JWT_SECRET): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

function address(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
}

let open: LocalCluster;
let secured: LocalCluster;

beforeAll(async () => {
  open = await startCluster({ coordinators: 2, http: true });
  secured = await startCluster({
    coordinators: 2,
    auth: { mechanism: 'PLAIN', users: { alice: PASSWORD } },
    http: { jwt: { secret: JWT_SECRET } },
  });
});

afterAll(async () => {
  await open?.close();
  await secured?.close();
});

const httpStats = (c: LocalCluster, i = 0) => c.stats()[i]!.http!;

describe('HS2 over HTTP', () => {
  it('a direct connection without auth runs queries, DML and a stream over HTTP', async () => {
    const c = await connect({ ...address(open.httpHosts[0]!), transport: 'http' });
    try {
      await c.execute('CREATE TABLE IF NOT EXISTS h (a INT)');
      expect((await c.execute('INSERT INTO h VALUES (1), (2), (3)')).rowsAffected).toBe(3);
      expect((await c.query<{ n: bigint }>('SELECT count(*) AS n FROM h')).rows).toEqual([{ n: 3n }]);
      const seen: number[] = [];
      for await (const row of c.stream<{ a: number }>('SELECT a FROM h ORDER BY a')) seen.push(row.a);
      expect(seen).toEqual([1, 2, 3]);
    } finally {
      await c.close();
    }
    expect(httpStats(open).requests).toBeGreaterThan(5);
  });

  it.each([
    ['HTTP Basic (LDAP)', { mechanism: 'PLAIN' as const, username: 'alice', password: PASSWORD, allowCleartext: true }, 'basic'],
    ['a JWT', { mechanism: 'JWT' as const, token: jwt({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 3600 }) }, 'jwt'],
  ] as const)('%s authenticates once; later requests show the auth cookie instead', async (_name, auth, method) => {
    const before = httpStats(secured);
    const c = await connect({ ...address(secured.httpHosts[0]!), transport: 'http', auth });
    try {
      for (let i = 0; i < 5; i++) expect((await c.query<{ i: number }>('SELECT ? AS i', [i])).rows).toEqual([{ i }]);
    } finally {
      await c.close();
    }
    const after = httpStats(secured);
    expect(after.authSuccess[method] - before.authSuccess[method]).toBe(1);
    expect(after.authSuccess.cookie - before.authSuccess.cookie).toBeGreaterThan(5);
  });

  it.each([
    [
      'a wrong password',
      { mechanism: 'PLAIN' as const, username: 'alice', password: `${PASSWORD}-wrong`, allowCleartext: true },
      `${PASSWORD}-wrong`,
    ],
    [
      'a JWT signed with another key',
      { mechanism: 'JWT' as const, token: jwt({ sub: 'alice' }, 'another-key-that-is-also-32-bytes-long') },
      'another-key',
    ],
    ['no credentials at all', undefined, undefined],
  ])('%s: AuthenticationError, nothing secret in it', async (_name, auth, secret) => {
    const err = (await connect({
      ...address(secured.httpHosts[0]!),
      transport: 'http',
      ...(auth ? { auth } : {}),
      connectTimeoutMs: 3000,
    }).catch((e: unknown) => e)) as AuthenticationError;
    expect(err.code).toBe('IMPALA_AUTH');
    expect(err.statementSent).toBe(false);
    if (secret) expect(inspect(err, { depth: 10 })).not.toContain(secret);
    if (auth?.mechanism === 'JWT') expect(inspect(err, { depth: 10 })).not.toContain(auth.token.split('.')[2]);
  });

  it('a pool balances over HTTP coordinators', async () => {
    const pool = createPool({ hosts: open.httpHosts, transport: 'http', healthCheckIntervalMs: 100 });
    try {
      await pool.execute('CREATE TABLE IF NOT EXISTS hp (a INT)');
      const coordinators = new Set<string>();
      await Promise.all(Array.from({ length: 20 }, async () => coordinators.add((await pool.query('SELECT 1 AS one')).coordinator)));
      expect(coordinators.size).toBe(2);
      expect(pool.stats().coordinators.map((c) => c.state)).toEqual(['up', 'up']);
    } finally {
      await pool.end();
    }
  });

  it.each([
    [
      'a JWT over TCP',
      { transport: 'tcp' as const, auth: { mechanism: 'JWT' as const, token: 'x.y.z' } },
      /JWT works over HS2's HTTP transport only/,
    ],
    ['an HTTP path without a slash', { transport: 'http' as const, httpPath: 'cliservice' }, /option httpPath must start with "\/"/],
    [
      'a header the transport sets',
      { transport: 'http' as const, httpHeaders: { Authorization: 'Basic x' } },
      /httpHeaders.Authorization is set by the transport itself/,
    ],
    [
      'a header value with a line break',
      { transport: 'http' as const, httpHeaders: { 'X-Gateway': 'a\r\nInjected: 1' } },
      /must be a string without line breaks/,
    ],
    ['an unknown transport', { transport: 'ws' as never }, /option transport/],
  ])('%s is a TypeError naming the option', async (_name, extra, message) => {
    await expect(connect({ host: '127.0.0.1', port: 1, ...extra } as never)).rejects.toThrow(message);
  });

  it('custom headers reach the server', async () => {
    const c = await connect({ ...address(open.httpHosts[1]!), transport: 'http', httpHeaders: { 'X-Request-Source': 'etl-7' } });
    try {
      await c.query('SELECT 1');
      expect(httpStats(open, 1).lastRequestHeaders['x-request-source']).toBe('etl-7');
    } finally {
      await c.close();
    }
  });

  it('a refused HTTP connect is a connection error that says nothing was sent', async () => {
    const err = (await connect({ host: '127.0.0.1', port: 1, transport: 'http', connectTimeoutMs: 2000 }).catch(
      (e: unknown) => e,
    )) as ImpalaError;
    expect(['IMPALA_CONNECTION_CLOSED', 'IMPALA_CONNECT_FAILED']).toContain(err.code);
    expect(err.statementSent).toBe(false);
  });
});
