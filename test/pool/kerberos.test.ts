/**
 * Kerberos end to end against a real MIT KDC that this test sets up in a
 * temporary realm: the pool authenticates to three coordinators that each
 * hold their own host's principal (impala/127.0.0.N), then to three that all
 * hold one shared principal (Impala's proxy guide: merged keytabs,
 * `--principal=impala/proxy_host`) with `kerberosHostFqdn`; a wrong service
 * principal and a missing ticket fail with typed errors. Over TCP (SASL
 * GSSAPI) and over HTTP (SPNEGO).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createPool, NoHealthyCoordinatorError, type AuthenticationError, type AuthOptions } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { requireKdcTools, requireKerberosModule, TestKdc } from '../support/kdc.js';

const krb = requireKdcTools() ? requireKerberosModule() : undefined;
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
const SHARED = 'lb.impala.test';

type Transport = 'tcp' | 'http';

describe.runIf(krb !== undefined)('Kerberos against a real KDC', () => {
  let kdc: TestKdc;
  let perHost: LocalCluster;
  let shared: LocalCluster;
  let aliceCache: string;
  let aliceKeytab: string;

  beforeAll(async () => {
    kdc = await TestKdc.start();
    for (const h of HOSTS) kdc.addPrincipal(`impala/${h}`);
    kdc.addPrincipal(`impala/${SHARED}`);
    kdc.addPrincipal('alice', { password: 'alice-pw' });
    // Each coordinator accepts only the principal of its own host from one keytab ...
    const hostKeytab = kdc.keytab(HOSTS.map((h) => `impala/${h}`));
    // ... or, in the proxy setup, only the shared one (merged with its own, as the guide does it).
    const mergedKeytab = kdc.keytab([`impala/${SHARED}`, ...HOSTS.map((h) => `impala/${h}`)]);
    perHost = await startCluster({
      coordinators: 3,
      host: HOSTS,
      auth: { mechanism: 'GSSAPI', keytab: hostKeytab, principal: 'impala/_HOST' },
      http: true,
    });
    shared = await startCluster({
      coordinators: 3,
      host: HOSTS,
      auth: { mechanism: 'GSSAPI', keytab: mergedKeytab, principal: `impala/${SHARED}` },
      http: true,
    });
    aliceKeytab = kdc.keytab(['alice']);
    aliceCache = kdc.kinit('alice', { password: 'alice-pw' });
  }, 60_000);

  afterAll(async () => {
    await perHost?.close();
    await shared?.close();
    await kdc?.close();
  });

  const hostsOf = (c: LocalCluster, transport: Transport) => (transport === 'http' ? c.httpHosts : c.hosts);

  describe.each<Transport>(['tcp', 'http'])('over %s', (transport) => {
    it('per-host principals: the pool reaches all three coordinators', async () => {
      process.env.KRB5CCNAME = aliceCache;
      const pool = createPool({ hosts: hostsOf(perHost, transport), transport, auth: { mechanism: 'GSSAPI' }, healthCheckIntervalMs: 200 });
      try {
        const seen = new Set<string>();
        for (let i = 0; i < 12; i++) {
          const r = await pool.query<{ one: number }>('SELECT 1 AS one');
          expect(r.rows).toEqual([{ one: 1 }]);
          seen.add(r.coordinator);
        }
        expect(seen.size).toBe(3);
        expect(pool.stats().coordinators.map((c) => c.state)).toEqual(['up', 'up', 'up']);
      } finally {
        await pool.end();
      }
    });

    it('a shared principal: refused as each host, accepted with kerberosHostFqdn', async () => {
      process.env.KRB5CCNAME = aliceCache;
      const [host, port] = hostsOf(shared, transport)[0]!.split(':');
      const asHost = (await connect({
        host: host!,
        port: Number(port),
        transport,
        auth: { mechanism: 'GSSAPI' },
        connectTimeoutMs: 5000,
      }).catch((e: unknown) => e)) as AuthenticationError;
      expect(asHost.code).toBe('IMPALA_AUTH');
      expect(asHost.reason).toBe('rejected');
      const pool = createPool({
        hosts: hostsOf(shared, transport),
        transport,
        auth: { mechanism: 'GSSAPI', kerberosHostFqdn: SHARED },
        healthCheckIntervalMs: 200,
      });
      try {
        const seen = new Set<string>();
        for (let i = 0; i < 12; i++) seen.add((await pool.query('SELECT 1')).coordinator);
        expect(seen.size).toBe(3);
      } finally {
        await pool.end();
      }
    });

    it('no ticket in the cache: one comes from the client keytab given in auth.keytab', async () => {
      process.env.KRB5CCNAME = `FILE:${kdc.dir}/empty-${transport}`;
      const pool = createPool({
        hosts: hostsOf(perHost, transport),
        transport,
        auth: { mechanism: 'GSSAPI', clientPrincipal: `alice@${kdc.realm}`, keytab: aliceKeytab },
        healthCheckIntervalMs: 0,
      });
      try {
        expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await pool.end();
        // Process-wide, as in any MIT program: the cases below need it gone.
        delete process.env.KRB5_CLIENT_KTNAME;
        process.env.KRB5CCNAME = aliceCache;
      }
    });

    it.each<[string, AuthOptions, () => void, string]>([
      [
        'a service principal the KDC does not know',
        { mechanism: 'GSSAPI', service: 'hive' },
        () => (process.env.KRB5CCNAME = aliceCache),
        'unknown-principal',
      ],
      ['no ticket', { mechanism: 'GSSAPI' }, () => (process.env.KRB5CCNAME = `FILE:${kdc.dir}/no-such-cache`), 'no-ticket'],
    ])('%s: a typed AuthenticationError, and the pool says so for every coordinator', async (_name, auth, setup, reason) => {
      setup();
      const [host, port] = hostsOf(perHost, transport)[0]!.split(':');
      const err = (await connect({ host: host!, port: Number(port), transport, auth, connectTimeoutMs: 5000 }).catch(
        (e: unknown) => e,
      )) as AuthenticationError;
      expect(err.code).toBe('IMPALA_AUTH');
      expect(err.reason).toBe(reason);
      expect(err.statementSent).toBe(false);
      expect(err.message).not.toContain(kdc.dir);
      const pool = createPool({ hosts: hostsOf(perHost, transport), transport, auth, healthCheckIntervalMs: 0, connectTimeoutMs: 5000 });
      try {
        const failed = await pool.query('SELECT 1').catch((e: unknown) => e);
        expect(failed).toBeInstanceOf(NoHealthyCoordinatorError);
        const attempts = (failed as NoHealthyCoordinatorError).attempts;
        expect(attempts.map((a) => a.code)).toEqual(['IMPALA_AUTH', 'IMPALA_AUTH', 'IMPALA_AUTH']);
      } finally {
        pool.destroy();
        process.env.KRB5CCNAME = aliceCache;
      }
    });
  });
});
