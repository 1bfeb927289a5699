/**
 * SASL GSSAPI over Thrift's SASL framing with real clients: hive-driver's
 * own KerberosTcpAuthentication, MongoKerberosAuthProcess and KerberosStep
 * (MIT GSSAPI underneath, tickets from a real KDC) against a small socket
 * server that runs GssapiSaslServer, and the same exchange driven by hand
 * with Java's status bytes (COMPLETE on the client's last step).
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeSaslMessage, FrameParser, SaslStatus } from '../../../src/wire/sasl-frames.js';
import { GssapiSaslServer, KerberosAcceptor, type SaslGssapiIdentity } from '../../../src/testing/kerberos/index.js';
import { kerberosForHiveDriver, requireKdcTools, requireKerberosModule, TestKdc } from '../../support/kdc.js';

const kerberos = requireKdcTools() ? requireKerberosModule() : undefined;
const b64 = (b: Buffer): string => b.toString('base64');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64');

interface HiveDriverAuth {
  auth: {
    KerberosTcpAuthentication: new (options: { username?: string; password?: string }, process: unknown) => unknown;
    helpers: { MongoKerberosAuthProcess: new (options: { fqdn: string; service: string }, kerberos: unknown) => unknown };
  };
  connections: { TcpConnection: new () => { connect(o: object, auth: unknown): Promise<{ getConnection(): { end(): void } }> } };
}
const hive = createRequire(import.meta.url)('hive-driver') as HiveDriverAuth;

/** What the server saw on one connection. */
interface Seen {
  received: number[];
  sent: number[];
  done?: SaslGssapiIdentity;
  error?: string;
  reason?: string;
}

/** A Thrift-SASL listener that only authenticates: enough to run a client's handshake. */
async function saslListener(acceptor: KerberosAcceptor): Promise<{ port: number; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = net.createServer((socket) => {
    const record: Seen = { received: [], sent: [] };
    seen.push(record);
    const frames = new FrameParser(1 << 20);
    const sasl = new GssapiSaslServer(acceptor);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      frames.push(chunk);
      for (let m = frames.nextSaslMessage(); m && !sasl.complete; m = sasl.complete ? undefined : frames.nextSaslMessage()) {
        record.received.push(m.status);
        const result = sasl.receive(m.status, m.payload);
        for (const out of result.send) {
          socket.write(encodeSaslMessage(out.status, out.payload));
          record.sent.push(out.status);
        }
        if (result.done) record.done = result.done;
        if (result.error) {
          record.error = result.error;
          record.reason = result.cause?.reason;
          socket.end();
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.runIf(kerberos !== undefined)('SASL GSSAPI with a real KDC', () => {
  const k = kerberos!;
  let kdc: TestKdc;
  let R: string;
  let keytab: string;

  beforeAll(async () => {
    kdc = await TestKdc.start();
    R = kdc.realm;
    kdc.addPrincipal('impala/localhost');
    kdc.addPrincipal('impala/other');
    kdc.addPrincipal('alice', { password: 'alice pw' });
    kdc.addPrincipal('etl/batch01');
    keytab = kdc.keytab(['impala/localhost']);
  });
  afterAll(async () => kdc?.close());
  beforeEach(() => void kdc.kinit('alice', { password: 'alice pw' }));

  function hiveDriverConnect(port: number, options: { username?: string }, service = 'impala', fqdn = 'localhost') {
    const process = new hive.auth.helpers.MongoKerberosAuthProcess({ fqdn, service }, kerberosForHiveDriver(k));
    const auth = new hive.auth.KerberosTcpAuthentication(options, process);
    return new hive.connections.TcpConnection().connect({ host: '127.0.0.1', port, options: {} }, auth);
  }

  describe("hive-driver's own Kerberos classes", () => {
    it.each([
      { options: { username: 'alice' }, authzid: 'alice' },
      { options: {}, authzid: 'anonymous' },
    ])('authenticate (options $options): START, OK×3 in; OK, OK, COMPLETE out', async ({ options, authzid }) => {
      const listener = await saslListener(new KerberosAcceptor({ keytab, principal: 'impala/_HOST', hostname: 'localhost' }));
      try {
        const connection = await hiveDriverConnect(listener.port, options);
        connection.getConnection().end();
        const [seen] = listener.seen;
        expect(seen).toMatchObject({
          received: [SaslStatus.START, SaslStatus.OK, SaslStatus.OK, SaslStatus.OK],
          sent: [SaslStatus.OK, SaslStatus.OK, SaslStatus.COMPLETE],
          done: { principal: `alice@${R}`, user: 'alice', authzid, server: `impala/localhost@${R}` },
        });
        expect(seen!.error).toBeUndefined();
      } finally {
        await listener.close();
      }
    });

    it('maps a multi-component principal (logged in from its keytab) to its short name', async () => {
      kdc.kinit('etl/batch01', { keytab: kdc.keytab(['etl/batch01']) });
      const listener = await saslListener(new KerberosAcceptor({ keytab }));
      try {
        (await hiveDriverConnect(listener.port, { username: 'etl' })).getConnection().end();
        expect(listener.seen[0]!.done).toMatchObject({ principal: `etl/batch01@${R}`, user: 'etl' });
      } finally {
        await listener.close();
      }
    });

    it('fails with the reason when the ticket is for another principal', async () => {
      const listener = await saslListener(new KerberosAcceptor({ keytab }));
      try {
        await expect(hiveDriverConnect(listener.port, { username: 'alice' }, 'impala', 'other')).rejects.toThrow(
          `Authentication error: GSSAPI authentication failed: the ticket is for impala/other@${R}, but the keytab has impala/localhost@${R}`,
        );
        expect(listener.seen[0]).toMatchObject({ sent: [SaslStatus.ERROR], reason: 'wrong-principal' });
      } finally {
        await listener.close();
      }
    });
  });

  describe('the same exchange by hand, with the status bytes each client family sends', () => {
    it.each([
      { name: 'hive-driver (OK everywhere)', ack: SaslStatus.OK, last: SaslStatus.OK },
      { name: 'Java TSaslClientTransport (COMPLETE on its last step)', ack: SaslStatus.OK, last: SaslStatus.COMPLETE },
      { name: 'COMPLETE for the acknowledgement too', ack: SaslStatus.COMPLETE, last: SaslStatus.COMPLETE },
    ])('$name', async ({ ack, last }) => {
      const server = new GssapiSaslServer(new KerberosAcceptor({ keytab }));
      const client = await k.initializeClient('impala@localhost', { mechOID: k.GSS_MECH_OID_KRB5 });
      expect(server.receive(SaslStatus.START, Buffer.from('GSSAPI')).send).toEqual([]);
      const apRep = server.receive(SaslStatus.OK, unb64(await client.step('')));
      expect(apRep.send.map((m) => m.status)).toEqual([SaslStatus.OK]);
      expect(await client.step(b64(apRep.send[0]!.payload))).toBeFalsy();
      const offer = server.receive(ack, Buffer.alloc(0));
      const offered = unb64(await client.unwrap(b64(offer.send[0]!.payload)));
      expect([...offered]).toEqual([0x01, 0x01, 0x00, 0x00]);
      expect(client.responseConf).toBeFalsy();
      const end = server.receive(last, unb64(await client.wrap(b64(offered), { user: 'alice' })));
      expect(end.send).toEqual([{ status: SaslStatus.COMPLETE, payload: Buffer.alloc(0) }]);
      expect(end.done).toEqual({ principal: `alice@${R}`, user: 'alice', authzid: 'alice', server: `impala/localhost@${R}` });
    });

    it('without mutual authentication: the offer comes right after the AP-REQ', async () => {
      const server = new GssapiSaslServer(new KerberosAcceptor({ keytab }));
      const client = await k.initializeClient('impala@localhost', { mechOID: k.GSS_MECH_OID_KRB5, flags: k.GSS_C_SEQUENCE_FLAG });
      server.receive(SaslStatus.START, Buffer.from('GSSAPI'));
      const offer = server.receive(SaslStatus.OK, unb64(await client.step('')));
      const offered = await client.unwrap(b64(offer.send[0]!.payload));
      const end = server.receive(SaslStatus.COMPLETE, unb64(await client.wrap(offered, { user: 'alice' })));
      expect(end.done?.principal).toBe(`alice@${R}`);
    });

    it('a replayed AP-REQ on a second connection is refused', async () => {
      const acceptor = new KerberosAcceptor({ keytab });
      const client = await k.initializeClient('impala@localhost', { mechOID: k.GSS_MECH_OID_KRB5 });
      const token = unb64(await client.step(''));
      for (const expected of [SaslStatus.OK, SaslStatus.ERROR]) {
        const server = new GssapiSaslServer(acceptor);
        server.receive(SaslStatus.START, Buffer.from('GSSAPI'));
        const result = server.receive(SaslStatus.OK, token);
        expect(result.send[0]!.status).toBe(expected);
        if (expected === SaslStatus.ERROR) expect(result.cause?.reason).toBe('replay');
      }
    });
  });
});
