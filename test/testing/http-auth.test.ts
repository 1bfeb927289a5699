/**
 * Authentication on the HTTP endpoint, as impalad's THttpServer and
 * authentication.cc do it: HTTP Basic against the PLAIN users, JWT bearer
 * tokens (HS256, RS256, ES256; exp, nbf, the username claim), the signed
 * `impala.auth` cookie that lets later requests skip re-authentication
 * (SPNEGO: http-spnego.test.ts). Every request is plain node:http, so
 * status codes and headers are checked as sent.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { tcli } from '../../src/wire/gen.js';
import { MessageReader } from '../../src/wire/message-reader.js';
import { USERS, cookieOf, open, profileUser, sessionAs, to } from './support/http-auth-requests.js';
import { basic, encodeCall, httpClient, post, type HttpTarget } from './support/http-hs2.js';
import { run } from './support/raw-client.js';

const b64url = (v: string | Buffer): string => Buffer.from(v).toString('base64url');

/** A compact JWT, signed here with node:crypto. */
function jwt(payload: Record<string, unknown>, alg: string, key: string | Buffer | KeyObject | undefined): string {
  const data = `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  if (key === undefined) return `${data}.`;
  const sig =
    alg === 'HS256'
      ? createHmac('sha256', key as string | Buffer)
          .update(data)
          .digest()
      : sign('sha256', Buffer.from(data), alg === 'ES256' ? { key: key as KeyObject, dsaEncoding: 'ieee-p1363' } : (key as KeyObject));
  return `${data}.${b64url(sig)}`;
}

const nowS = (): number => Math.floor(Date.now() / 1000);

describe('HTTP Basic and the auth cookie', () => {
  let cluster: LocalCluster;
  let origin: string;

  beforeAll(async () => {
    cluster = await startCluster({ coordinators: 2, auth: { mechanism: 'PLAIN', users: USERS }, http: true });
    origin = to(cluster);
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it.each<[string, Record<string, string>, boolean]>([
    ['no credentials', {}, false],
    ['a wrong password', { Authorization: basic('alice', 'wrong') }, true],
    ['an unknown user', { Authorization: basic('mallory', 's3cret') }, true],
    ['a token that is not base64', { Authorization: 'Basic %%%' }, true],
    ['a token without a colon', { Authorization: `Basic ${Buffer.from('alice').toString('base64')}` }, true],
    ['a bearer token while JWT is off', { Authorization: 'Bearer a.b.c' }, false],
    ['Negotiate while SPNEGO is off', { Authorization: 'Negotiate Zm9v' }, false],
  ])('answers 401 with WWW-Authenticate: Basic and closes, for %s', async (_name, headers, countsAsFailure) => {
    const before = cluster.stats()[0]!.http!;
    const r = await open(origin, headers);
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Basic');
    expect(r.headers.connection).toBe('close');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.body.length).toBe(0);
    const after = cluster.stats()[0]!.http!;
    expect(after.unauthorized - before.unauthorized).toBe(1);
    expect(after.authFailure.basic - before.authFailure.basic).toBe(countsAsFailure ? 1 : 0);
    expect(JSON.stringify(cluster.stats())).not.toMatch(/s3cret|hunter2|wrong/);
  });

  it('sets impalad’s cookie after Basic; the cookie alone then lets requests in without re-authentication', async () => {
    const first = await open(origin, { Authorization: basic('alice', 's3cret') });
    expect(first.status).toBe(200);
    const set = first.headers['set-cookie']!;
    expect(set).toHaveLength(1);
    expect(set[0]).toMatch(/^impala\.auth=[A-Za-z0-9_-]{43}=&u=alice&t=\d+&r=\d+&a=LDAP;HttpOnly;Max-Age=86400$/);
    const before = cluster.stats()[0]!.http!;
    const again = await open(origin, { Cookie: cookieOf(first)! });
    expect(again.status).toBe(200);
    expect(again.headers['set-cookie']).toBeUndefined();
    const after = cluster.stats()[0]!.http!;
    expect(after.authSuccess.cookie - before.authSuccess.cookie).toBe(1);
    expect(after.authSuccess.basic).toBe(before.authSuccess.basic);
    // Among other cookies, and with the attributes a naive client echoes (as hive-driver does).
    expect((await open(origin, { Cookie: `theme=dark; ${set[0]}` })).status).toBe(200);
    expect(cluster.stats()[0]!.http!.lastRequestHeaders.cookie).toBe('[redacted]');
  });

  it.each<[string, (cookie: string) => string]>([
    ['another user under the same signature', (c) => c.replace('&u=alice&', '&u=bob&')],
    ['a changed signature', (c) => c.replace(/^impala\.auth=./, (m) => `impala.auth=${m.endsWith('A') ? 'B' : 'A'}`)],
    ['a value without a signature', () => 'impala.auth=u=alice&t=1&r=1&a=LDAP'],
    ['a short signature', (c) => c.replace(/^impala\.auth=[^&]+/, 'impala.auth=AAAA')],
  ])('refuses a cookie with %s, deletes it and falls back to credentials', async (_name, tamper) => {
    const good = cookieOf(await open(origin, { Authorization: basic('alice', 's3cret') }))!;
    const bad = tamper(good);
    const before = cluster.stats()[0]!.http!;
    const refused = await open(origin, { Cookie: bad });
    expect(refused.status).toBe(401);
    expect(refused.headers['set-cookie']).toEqual(['impala.auth=;HttpOnly;Max-Age=0']);
    expect(refused.headers['www-authenticate']).toBe('Basic');
    expect(cluster.stats()[0]!.http!.authFailure.cookie - before.authFailure.cookie).toBe(1);
    const rescued = await open(origin, { Cookie: bad, Authorization: basic('bob', 'hunter2') });
    expect(rescued.status).toBe(200);
    expect(rescued.headers['set-cookie']![0]).toBe('impala.auth=;HttpOnly;Max-Age=0');
    expect(rescued.headers['set-cookie']![1]).toMatch(/^impala\.auth=[^;]+&u=bob&/);
  });

  it('signs with a key of its own per coordinator and per start, as impalad without --cookie_secret_file', async () => {
    const cookie = cookieOf(await open(origin, { Authorization: basic('alice', 's3cret') }))!;
    expect((await open(to(cluster, 1), { Cookie: cookie })).status).toBe(401);
    expect((await open(origin, { Cookie: cookie })).status).toBe(200);
    const c0 = cluster.coordinators[0]!;
    const port = c0.httpPort;
    await c0.stop();
    await c0.start();
    expect(c0.httpPort).toBe(port);
    expect((await open(origin, { Cookie: cookie })).status).toBe(401);
  });

  it('ties a session to the user who opened it (impalad’s UNAUTHORIZED_SESSION_USER)', async () => {
    const alice = await sessionAs(origin, { Authorization: basic('alice', 's3cret') });
    expect(await profileUser(alice)).toBe('alice');
    const asBob = { ...alice, client: httpClient({ origin, headers: { Authorization: basic('bob', 'hunter2') } }) };
    await expect(run(asBob, 'SELECT 1')).rejects.toThrow(
      "The user authorized on the connection 'bob' does not match the session username 'alice'",
    );
    await alice.client.CloseSession(new tcli.TCloseSessionReq({ sessionHandle: alice.session }));
  });
});

describe('the auth cookie with a shared key (cookieSecret)', () => {
  const SECRET = Buffer.alloc(32, 7);
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await startCluster({
      coordinators: 2,
      auth: { mechanism: 'PLAIN', users: USERS },
      http: { cookieSecret: SECRET, cookieLifetimeMs: 60_000 },
    });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  /** A cookie made by hand the way impalad's GenerateCookie makes it. */
  function forge(user: string, createdMs: number): string {
    const value = `u=${user}&t=${createdMs}&r=12345&a=LDAP`;
    const sig = createHmac('sha256', SECRET).update(value).digest('base64').replace(/\+/g, '-').replace(/\//g, '_');
    return `impala.auth=${sig}&${value}`;
  }
  const monotonicMs = (): number => Number(process.hrtime.bigint() / 1_000_000n);

  it('is accepted by every coordinator and after a restart, with Max-Age from cookieLifetimeMs', async () => {
    const first = await open(to(cluster), { Authorization: basic('alice', 's3cret') });
    expect(first.headers['set-cookie']![0]).toMatch(/;HttpOnly;Max-Age=60$/);
    const cookie = cookieOf(first)!;
    expect((await open(to(cluster, 1), { Cookie: cookie })).status).toBe(200);
    await cluster.coordinators[1]!.stop();
    await cluster.coordinators[1]!.start();
    expect((await open(to(cluster, 1), { Cookie: cookie })).status).toBe(200);
  });

  it('takes a cookie signed the way impalad signs it, and refuses it past its lifetime', async () => {
    const s = await sessionAs(to(cluster), { Cookie: forge('bob', monotonicMs()) });
    expect(await profileUser(s)).toBe('bob');
    const old = forge('bob', monotonicMs() - 61_000);
    const refused = await open(to(cluster), { Cookie: old });
    expect(refused.status).toBe(401);
    expect(refused.headers['set-cookie']).toEqual(['impala.auth=;HttpOnly;Max-Age=0']);
    expect((await open(to(cluster), { Cookie: old, Authorization: basic('bob', 'hunter2') })).status).toBe(200);
  });
});

describe('cookies off, and no authentication at all', () => {
  it('sets no cookie with cookieLifetimeMs 0, and authenticates every request', async () => {
    const c = await startCluster({ auth: { mechanism: 'PLAIN', users: USERS }, http: { cookieLifetimeMs: 0 } });
    try {
      const r = await open(to(c), { Authorization: basic('alice', 's3cret') });
      expect(r.status).toBe(200);
      expect(r.headers['set-cookie']).toBeUndefined();
      expect((await open(to(c), { Cookie: 'impala.auth=whatever' })).status).toBe(401);
      expect(c.stats()[0]!.http!.authFailure.cookie).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('ignores credentials and cookies when the cluster has no authentication', async () => {
    const c = await startCluster({ http: true });
    try {
      const r = await open(to(c), { Authorization: basic('nobody', 'x'), Cookie: 'impala.auth=junk' });
      expect(r.status).toBe(200);
      expect(r.headers['set-cookie']).toBeUndefined();
      expect(c.stats()[0]!.http!.authFailure).toEqual({ basic: 0, jwt: 0, negotiate: 0, cookie: 0 });
    } finally {
      await c.close();
    }
  });
});

describe('JWT bearer tokens', () => {
  const SECRET = 'your-256-bit-secret';
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let cluster: LocalCluster;
  let ecCluster: LocalCluster;
  let withBasic: LocalCluster;

  beforeAll(async () => {
    cluster = await startCluster({ http: { jwt: { secret: SECRET, publicKey: rsaPem } } });
    ecCluster = await startCluster({ http: { jwt: { publicKey: ec.publicKey, usernameClaim: 'username' } } });
    withBasic = await startCluster({ auth: { mechanism: 'PLAIN', users: USERS }, http: { jwt: { secret: SECRET } } });
  });
  afterAll(async () => {
    await cluster?.close();
    await ecCluster?.close();
    await withBasic?.close();
  });

  const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

  it('takes jwt.io’s example HS256 token (made elsewhere) as its subject', async () => {
    const token =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    const s = await sessionAs(to(cluster), bearer(token));
    expect(await profileUser(s)).toBe('1234567890');
  });

  it.each<[string, () => string]>([
    ['HS256 with exp and nbf in range', () => jwt({ sub: 'alice', exp: nowS() + 600, nbf: nowS() - 60 }, 'HS256', SECRET)],
    ['RS256', () => jwt({ sub: 'alice', exp: nowS() + 600 }, 'RS256', rsa.privateKey)],
  ])('accepts %s, sets a JWT cookie, and the cookie then suffices', async (_name, make) => {
    const before = cluster.stats()[0]!.http!;
    const r = await open(to(cluster), bearer(make()));
    expect(r.status).toBe(200);
    const cookie = cookieOf(r)!;
    expect(cookie).toMatch(/&u=alice&t=\d+&r=\d+&a=JWT$/);
    expect((await open(to(cluster), { Cookie: cookie })).status).toBe(200);
    const after = cluster.stats()[0]!.http!;
    expect(after.authSuccess.jwt - before.authSuccess.jwt).toBe(1);
    expect(after.authSuccess.cookie - before.authSuccess.cookie).toBe(1);
  });

  it.each<[string, () => string, RegExp | undefined]>([
    ['an expired token', () => jwt({ sub: 'alice', exp: nowS() - 5 }, 'HS256', SECRET), /token expired/],
    ['a token not valid yet', () => jwt({ sub: 'alice', nbf: nowS() + 600 }, 'HS256', SECRET), /not yet valid/],
    ['a wrong HS256 signature', () => jwt({ sub: 'alice' }, 'HS256', 'another-secret'), /invalid signature/],
    [
      'a payload changed after signing',
      () => jwt({ sub: 'alice' }, 'HS256', SECRET).replace(/\.[^.]+\./, `.${b64url(JSON.stringify({ sub: 'root' }))}.`),
      /invalid signature/,
    ],
    ['an RS256 token from another key', () => jwt({ sub: 'alice' }, 'RS256', otherRsa.privateKey), /invalid signature/],
    // The algorithm-confusion attack: the public key used as an HMAC secret.
    ['an HS256 token keyed with the RSA public key', () => jwt({ sub: 'alice' }, 'HS256', rsaPem), /invalid signature/],
    ['an unsigned token (alg none)', () => jwt({ sub: 'alice' }, 'none', undefined), /Unsecured JWT/],
    [
      'an ES256 token while only HS256 and RS256 keys are set',
      () => jwt({ sub: 'alice' }, 'ES256', ec.privateKey),
      /Unsupported cryptographic algorithm 'es256'/,
    ],
    [
      'an algorithm name that would break the header',
      () => `${b64url(JSON.stringify({ alg: 'x\r\nSet-Cookie: a=b' }))}.${b64url('{"sub":"a"}')}.${b64url('sig')}`,
      /Unsupported cryptographic algorithm '\?'/,
    ],
    ['a token without the username claim', () => jwt({ name: 'alice' }, 'HS256', SECRET), undefined],
    ['a token that is not JSON', () => `${b64url('{')}.${b64url('}')}.${b64url('sig')}`, undefined],
  ])('refuses %s with 401', async (_name, make, bearerError) => {
    const before = cluster.stats()[0]!.http!;
    const r = await open(to(cluster), bearer(make()));
    expect(r.status).toBe(401);
    expect(r.headers['set-cookie']).toBeUndefined();
    const www = r.headers['www-authenticate'];
    if (bearerError) {
      expect(www).toMatch(/^Bearer error="invalid_token",error_description="Error verifying JWT Token: /);
      expect(www).toMatch(bearerError);
    } else {
      expect(www).toBeUndefined();
    }
    expect(cluster.stats()[0]!.http!.authFailure.jwt - before.authFailure.jwt).toBe(1);
  });

  it('carries a non-ASCII user name through the cookie as UTF-8 bytes, as impalad does', async () => {
    const r = await open(to(cluster), bearer(jwt({ sub: 'jürgen-日本' }, 'HS256', SECRET)));
    expect(r.status).toBe(200);
    expect(Buffer.from(cookieOf(r)!, 'latin1').toString('utf8')).toMatch(/&u=jürgen-日本&/);
    const s = await sessionAs(to(cluster), { Cookie: cookieOf(r)! });
    expect(await profileUser(s)).toBe('jürgen-日本');
  });

  it('names the user by the configured claim (ES256, usernameClaim)', async () => {
    const s = await sessionAs(to(ecCluster), bearer(jwt({ sub: 'svc-1', username: 'dave', exp: nowS() + 600 }, 'ES256', ec.privateKey)));
    expect(await profileUser(s)).toBe('dave');
    expect((await open(to(ecCluster), bearer(jwt({ sub: 'svc-1' }, 'ES256', ec.privateKey)))).status).toBe(401);
  });

  it('tells a client with a bad token about Basic too, and takes Basic instead', async () => {
    const r = await open(to(withBasic), bearer(jwt({ sub: 'alice', exp: nowS() - 5 }, 'HS256', SECRET)));
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toEqual(expect.stringMatching(/^Bearer error="invalid_token".*, Basic$/));
    expect((await open(to(withBasic), { Authorization: basic('bob', 'hunter2') })).status).toBe(200);
    expect((await open(to(withBasic), bearer(jwt({ sub: 'alice' }, 'HS256', SECRET)))).status).toBe(200);
  });
});

describe('several messages in one body', () => {
  it('answers each, in order, in one response', async () => {
    const c = await startCluster({ auth: { mechanism: 'PLAIN', users: USERS }, http: true });
    try {
      const t: HttpTarget = { origin: to(c), headers: { Authorization: basic('alice', 's3cret') } };
      const s = await sessionAs(to(c), t.headers!);
      const info = (type: number) =>
        encodeCall<{ infoValue: { stringValue: string } }>('GetInfo', new tcli.TGetInfoReq({ sessionHandle: s.session, infoType: type }));
      const name = info(tcli.TGetInfoType.CLI_DBMS_NAME);
      const version = info(tcli.TGetInfoType.CLI_DBMS_VER);
      const r = await post(t, Buffer.concat([name.bytes, version.bytes]));
      expect(r.status).toBe(200);
      const replies = new MessageReader(1 << 20).push(r.body);
      expect(replies).toHaveLength(2);
      expect((await name.decode(replies[0]!)).infoValue.stringValue).toBe('Impala');
      expect((await version.decode(replies[1]!)).infoValue.stringValue).toMatch(/impala-pool-testing$/);
    } finally {
      await c.close();
    }
  });
});
