/**
 * TLS as Impala's proxy guide's setups need it, over TCP and over HTTP:
 * certificates made for the test by openssl (a CA, coordinator certificates
 * for their own name, for another name, and one shared name as in the
 * guide's passthrough setup, and a client certificate for mutual TLS).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ConnectOptions, type ImpalaError } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { requireTool } from '../support/system-tool.js';

type Transport = 'tcp' | 'http';

describe.runIf(requireTool('openssl', 'openssl'))('TLS', () => {
  let dir: string;
  const pem = (name: string): Buffer => readFileSync(join(dir, name));
  const clusters: Record<'own' | 'other' | 'shared' | 'mutual', LocalCluster> = {} as never;

  /** A key and a certificate signed by the test CA, for `cn` with these subjectAltNames. */
  function issue(name: string, cn: string, san: string): void {
    const ssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    ssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
    ssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      `${name}.pem`,
      '-extfile',
      `${name}.ext`,
    ]);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'impala-pool-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca-key.pem',
        '-out',
        'ca.pem',
        '-days',
        '1',
        '-subj',
        '/CN=impala-pool test CA',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    issue('own', 'localhost', 'DNS:localhost,IP:127.0.0.1');
    issue('other', 'impalad-9.example.com', 'DNS:impalad-9.example.com');
    issue('shared', 'impala-lb.example.com', 'DNS:impala-lb.example.com');
    issue('client', 'etl-client', 'DNS:etl-client');
    const tls = (name: string) => ({ key: pem(`${name}-key.pem`), cert: pem(`${name}.pem`) });
    clusters.own = await startCluster({ tls: tls('own'), http: true });
    clusters.other = await startCluster({ tls: tls('other'), http: true });
    clusters.shared = await startCluster({ coordinators: 2, tls: tls('shared'), http: true });
    clusters.mutual = await startCluster({ tls: { ...tls('own'), ca: pem('ca.pem'), requestCert: true }, http: true });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(Object.values(clusters).map((c) => c?.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function target(cluster: LocalCluster, transport: Transport, i = 0): Pick<ConnectOptions, 'host' | 'port' | 'transport'> {
    const c = cluster.coordinators[i]!;
    return { host: 'localhost', port: transport === 'http' ? c.httpPort! : c.port, transport };
  }

  async function outcome(options: ConnectOptions): Promise<'ok' | ImpalaError> {
    try {
      const c = await connect({ connectTimeoutMs: 5000, ...options });
      await c.query('SELECT 1');
      await c.close();
      return 'ok';
    } catch (err) {
      return err as ImpalaError;
    }
  }

  describe.each<Transport>(['tcp', 'http'])('over %s', (transport) => {
    it('a certificate for the host, from a CA given in tls.ca: verified and used', async () => {
      expect(await outcome({ ...target(clusters.own, transport), tls: { ca: pem('ca.pem') } })).toBe('ok');
    });

    it.each([
      [
        'a certificate for another host',
        () => clusters.other,
        () => ({ ca: pem('ca.pem') }),
        /not issued for "localhost".*tls\.servername/,
      ],
      ['a CA nobody named', () => clusters.own, () => ({}), /not signed by a trusted CA.*tls\.ca/],
    ])('%s is refused with a ConnectError that says what to set', async (_name, cluster, tls, message) => {
      const err = await outcome({ ...target(cluster(), transport), tls: tls() });
      expect(err).not.toBe('ok');
      expect((err as ImpalaError).code).toBe('IMPALA_CONNECT_FAILED');
      expect((err as ImpalaError).message).toMatch(message);
      expect((err as ImpalaError).statementSent).toBe(false);
    });

    it("one certificate shared by every coordinator (the guide's passthrough setup): tls.servername", async () => {
      for (const i of [0, 1]) {
        expect(
          await outcome({ ...target(clusters.shared, transport, i), tls: { ca: pem('ca.pem'), servername: 'impala-lb.example.com' } }),
        ).toBe('ok');
      }
      expect(await outcome({ ...target(clusters.shared, transport), tls: { ca: pem('ca.pem') } })).not.toBe('ok');
    });

    it('mutual TLS: a client certificate from the CA is accepted, no certificate is refused', async () => {
      const key = pem('client-key.pem');
      expect(await outcome({ ...target(clusters.mutual, transport), tls: { ca: pem('ca.pem'), cert: pem('client.pem'), key } })).toBe('ok');
      const refused = await outcome({ ...target(clusters.mutual, transport), tls: { ca: pem('ca.pem') } });
      expect(refused).not.toBe('ok');
      expect(['IMPALA_CONNECT_FAILED', 'IMPALA_CONNECTION_CLOSED']).toContain((refused as ImpalaError).code);
    });
  });

  it('the client key never shows in inspect output of a connection or its errors', async () => {
    const key = pem('client-key.pem');
    const keyLine = key.toString().split('\n')[1]!;
    const c = await connect({ ...target(clusters.mutual, 'tcp'), tls: { ca: pem('ca.pem'), cert: pem('client.pem'), key } });
    try {
      expect(inspect(c, { depth: 10 })).not.toContain(keyLine);
    } finally {
      await c.close();
    }
    const err = await outcome({ ...target(clusters.other, 'tcp'), tls: { ca: pem('ca.pem'), cert: pem('client.pem'), key } });
    expect(inspect(err, { depth: 10 })).not.toContain(keyLine);
  });
});
