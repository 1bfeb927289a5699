/**
 * Every enctype the acceptor implements, with tickets from a real MIT KDC:
 * one service principal per enctype (its only key type and its session key
 * type, so its tickets, session keys and subkeys all use it), the `kerberos` npm client authenticating to each and exchanging wrap
 * tokens both ways. This is what shows the RFC 8009 enctypes interoperate
 * with MIT, beyond the published vectors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeApReq, KerberosAcceptor, readKeytab, unframeToken } from '../../../src/testing/kerberos/index.js';
import { requireKdcTools, requireKerberosModule, TestKdc } from '../../support/kdc.js';

const kerberos = requireKdcTools() ? requireKerberosModule() : undefined;
const b64 = (b: Buffer): string => b.toString('base64');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64');

const ENCTYPES = [
  { etype: 17, name: 'aes128-cts-hmac-sha1-96', keyBytes: 16, checksum: 12 },
  { etype: 18, name: 'aes256-cts-hmac-sha1-96', keyBytes: 32, checksum: 12 },
  { etype: 19, name: 'aes128-cts-hmac-sha256-128', keyBytes: 16, checksum: 16 },
  { etype: 20, name: 'aes256-cts-hmac-sha384-192', keyBytes: 32, checksum: 24 },
];

describe.runIf(kerberos !== undefined)('each AES enctype end to end with MIT', () => {
  const k = kerberos!;
  let kdc: TestKdc;
  let keytab: string;

  beforeAll(async () => {
    kdc = await TestKdc.start({ enctypes: ENCTYPES.map((e) => e.name) });
    for (const e of ENCTYPES) {
      const principal = kdc.addPrincipal(`impala/e${e.etype}`, { enctypes: [e.name] });
      // Without this the KDC picks an aes-sha1 session key, and the wrap tokens would not use the enctype under test.
      kdc.kadmin(['setstr', principal, 'session_enctypes', e.name]);
    }
    kdc.addPrincipal('alice', { password: 'alice pw' });
    keytab = kdc.keytab(ENCTYPES.map((e) => `impala/e${e.etype}`));
    kdc.kinit('alice', { password: 'alice pw' });
  });
  afterAll(async () => kdc?.close());

  it('the keytab holds one key per principal, of its enctype and length', () => {
    const entries = readKeytab(keytab);
    expect(entries.map((e) => [e.components[1], e.key.etype, e.key.value.length])).toEqual(
      ENCTYPES.map((e) => [`e${e.etype}`, e.etype, e.keyBytes]),
    );
  });

  it.each(ENCTYPES)('$name ($etype): ticket, AP-REP and wrap tokens', async ({ etype, checksum }) => {
    const acceptor = new KerberosAcceptor({ keytab, principal: `impala/e${etype}@${kdc.realm}` });
    const client = await k.initializeClient(`impala@e${etype}`, { mechOID: k.GSS_MECH_OID_KRB5 });
    const token = unb64(await client.step(''));
    expect(decodeApReq(unframeToken(token).inner).ticket.encPart.etype).toBe(etype);
    const accepted = acceptor.accept(token);
    expect(await client.step(b64(accepted.outputToken!))).toBeFalsy();
    expect(client.contextComplete).toBe(true);
    for (const confidential of [false, true]) {
      const token = accepted.context.wrap(Buffer.from(`hello ${etype}`), { confidential });
      if (!confidential) expect(token.readUInt16BE(4)).toBe(checksum);
      expect(unb64(await client.unwrap(b64(token))).toString()).toBe(`hello ${etype}`);
    }
    for (const protect of [false, true]) {
      const wrapped = unb64(await client.wrap(b64(Buffer.from([1, 0, 0, 0])), { user: 'alice', protect }));
      expect(accepted.context.unwrap(wrapped)).toEqual({ message: Buffer.from('\x01\x00\x00\x00alice', 'latin1'), confidential: protect });
    }
  });
});
