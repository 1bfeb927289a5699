/**
 * The SPNEGO hook of the HTTP endpoint (`http.negotiate`), as impalad's
 * NegotiateAuth (authentication.cc) behaves around its Kerberos step: no
 * token asks for `WWW-Authenticate: Negotiate`, the acceptor gets the
 * decoded token, its output token goes back in `WWW-Authenticate: Negotiate
 * <base64>`, the cookie carries the principal and sessions run as the short
 * name. The acceptor here is a stand-in that knows two tokens; in process
 * isolation it still runs in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster, type NegotiateResult } from '../../src/testing/index.js';
import { waitFor } from '../support/pool-fixtures.js';
import { USERS, cookieOf, open, profileUser, sessionAs, to } from './support/http-auth-requests.js';
import { basic, httpClient } from './support/http-hs2.js';

/** A stand-in for the Kerberos acceptor: it knows two tokens. */
function fakeAcceptor(calls: Buffer[]): (token: Buffer) => NegotiateResult {
  return (token) => {
    calls.push(token);
    if (token.toString() === 'good') return { principal: 'alice@EXAMPLE.COM', user: 'alice', response: Buffer.from('server-token') };
    if (token.toString() === 'quiet') return { principal: 'bob/host.example.com@EXAMPLE.COM', user: 'bob' };
    throw new Error('GSS failure: defective token');
  };
}

const negotiate = (token: string): Record<string, string> => ({ Authorization: `Negotiate ${Buffer.from(token).toString('base64')}` });

describe.each(['inline', 'process'] as const)('the SPNEGO hook (%s)', (isolation) => {
  const calls: Buffer[] = [];
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = await startCluster({ isolation, http: { negotiate: fakeAcceptor(calls) } });
  }, 60_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('asks for Negotiate when no token came', async () => {
    const r = await open(to(cluster));
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Negotiate');
  });

  it('hands the decoded token to the acceptor, sends its answer token and a SPNEGO cookie', async () => {
    calls.length = 0;
    const r = await open(to(cluster), negotiate('good'));
    expect(r.status).toBe(200);
    expect(calls.map(String)).toEqual(['good']);
    expect(r.headers['www-authenticate']).toBe(`Negotiate ${Buffer.from('server-token').toString('base64')}`);
    expect(cookieOf(r)).toMatch(/&u=alice@EXAMPLE\.COM&t=\d+&r=\d+&a=SPNEGO$/);
    // beeline's `Negotiate : <token>` too (its header name ends in ": Negotiate "); no answer token, no header.
    const quiet = await open(to(cluster), { Authorization: `Negotiate : ${Buffer.from('quiet').toString('base64')}` });
    expect(quiet.status).toBe(200);
    expect(quiet.headers['www-authenticate']).toBeUndefined();
    await waitFor(() => cluster.stats()[0]!.http!.authSuccess.negotiate >= 2, 10_000, 'two SPNEGO successes counted');
  });

  it('runs the session as the short user name, by token and by the cookie', async () => {
    const first = await open(to(cluster), negotiate('good'));
    const s = await sessionAs(to(cluster), negotiate('good'));
    expect(await profileUser(s)).toBe('alice');
    const byCookie = { ...s, client: httpClient({ origin: to(cluster), headers: { Cookie: cookieOf(first)! } }) };
    expect(await profileUser(byCookie)).toBe('alice');
  });

  it('refuses a token the acceptor rejects, and one that is not base64 without asking it', async () => {
    calls.length = 0;
    const bad = await open(to(cluster), negotiate('forged'));
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toBeUndefined();
    expect(calls).toHaveLength(1);
    const garbage = await open(to(cluster), { Authorization: 'Negotiate ***' });
    expect(garbage.status).toBe(401);
    expect(calls).toHaveLength(1);
    await waitFor(() => cluster.stats()[0]!.http!.authFailure.negotiate >= 2, 10_000, 'two SPNEGO failures counted');
  });
});

describe('SPNEGO next to Basic', () => {
  it('offers Basic and Negotiate to a client that chose neither, and keeps Basic away from the acceptor', async () => {
    const calls: Buffer[] = [];
    const both = await startCluster({ auth: { mechanism: 'PLAIN', users: USERS }, http: { negotiate: fakeAcceptor(calls) } });
    try {
      const r = await open(to(both));
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe('Basic, Negotiate');
      expect((await open(to(both), { Authorization: basic('alice', 's3cret') })).status).toBe(200);
      expect((await open(to(both), negotiate('good'))).status).toBe(200);
      expect(calls.map(String)).toEqual(['good']);
    } finally {
      await both.close();
    }
  });
});
