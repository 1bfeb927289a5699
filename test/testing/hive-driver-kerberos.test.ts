/**
 * hive-driver (an HS2 client we did not write, MIT GSSAPI underneath through
 * the kerberos package) authenticates to the test cluster with Kerberos
 * tickets from a real KDC, and runs statements: the cluster's SASL GSSAPI
 * is the protocol real clients speak. A ticket for a principal the
 * coordinator does not hold is refused.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { hiveConnect, hiveRun } from '../../benchmarks/clients/hive-driver.js';
import { kerberosForHiveDriver, requireKdcTools, requireKerberosModule, TestKdc } from '../support/kdc.js';

const krb = requireKdcTools() ? requireKerberosModule() : undefined;

interface HiveDriverAuth {
  auth: {
    KerberosTcpAuthentication: new (options: { username?: string }, process: unknown) => object;
    helpers: { MongoKerberosAuthProcess: new (options: { fqdn: string; service: string }, kerberos: unknown) => object };
  };
}
const hive = createRequire(import.meta.url)('hive-driver') as HiveDriverAuth;

describe.runIf(krb !== undefined)('hive-driver with Kerberos', () => {
  let kdc: TestKdc;
  let cluster: LocalCluster;

  beforeAll(async () => {
    kdc = await TestKdc.start();
    kdc.addPrincipal('impala/127.0.0.1');
    kdc.addPrincipal('impala/elsewhere.test');
    kdc.addPrincipal('bob', { password: 'bob pw' });
    cluster = await startCluster({ auth: { mechanism: 'GSSAPI', keytab: kdc.keytab(['impala/127.0.0.1']), principal: 'impala/_HOST' } });
    kdc.kinit('bob', { password: 'bob pw' });
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await kdc?.close();
  });

  const kerberosAuth = (fqdn: string) =>
    new hive.auth.KerberosTcpAuthentication(
      { username: 'bob' },
      new hive.auth.helpers.MongoKerberosAuthProcess({ fqdn, service: 'impala' }, kerberosForHiveDriver(krb!)),
    );

  it('authenticates, opens a session and runs DDL, DML and a query', async () => {
    const conn = await hiveConnect(cluster.coordinators[0]!.port, { authentication: kerberosAuth('127.0.0.1') });
    try {
      await hiveRun(conn, 'CREATE TABLE kt (a INT)');
      await hiveRun(conn, 'INSERT INTO kt VALUES (1), (2)');
      expect((await hiveRun(conn, 'SELECT count(*) AS n FROM kt')).rows).toEqual([{ n: 2 }]);
    } finally {
      await conn.close();
    }
    expect(cluster.stats()[0]!.sessionsOpen).toBe(0);
  });

  it('a ticket for a principal the coordinator does not hold is refused', async () => {
    await expect(hiveConnect(cluster.coordinators[0]!.port, { authentication: kerberosAuth('elsewhere.test') })).rejects.toThrow(
      /GSSAPI|Kerberos|authentication/i,
    );
  });
});
