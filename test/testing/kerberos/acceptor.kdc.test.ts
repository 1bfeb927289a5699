/**
 * The acceptor against real Kerberos: a real MIT KDC issues the tickets and
 * the `kerberos` npm package (MIT GSSAPI) is the client. The client must
 * accept our AP-REP and unwrap our RFC 4121 tokens, and we must unwrap its
 * tokens, which proves the two interoperate. Failures (wrong principal,
 * stale keytab, altered tokens, clock skew, expired tickets, replays) are
 * refused with the documented reason.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  decodeApReq,
  decodeNegTokenResp,
  frameToken,
  getEnctype,
  GssFlag,
  KerberosAcceptor,
  KRB5_MECH_OID,
  KRB5_MS_MECH_OID,
  NegState,
  readKeytab,
  ReplayCache,
  SPNEGO_OID,
  TokId,
  unframeToken,
  type ApReq,
} from '../../../src/testing/kerberos/index.js';
import { application, contextFields, der, DerClass, encodeDer, readDer } from '../../../src/testing/kerberos/der.js';
import { requireKdcTools, requireKerberosModule, TestKdc, type KerberosClient } from '../../support/kdc.js';

const kerberos = requireKdcTools() ? requireKerberosModule() : undefined;
const PASSWORD = 'alice-password-1';
const NTLMSSP_OID = '1.3.6.1.4.1.311.2.2.10';
const b64 = (b: Buffer): string => b.toString('base64');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64');

describe.runIf(kerberos !== undefined)('KerberosAcceptor with a real MIT KDC and the kerberos npm client', () => {
  const k = kerberos!;
  let kdc: TestKdc;
  let R: string;
  let merged: string;

  beforeAll(async () => {
    kdc = await TestKdc.start();
    R = kdc.realm;
    for (const p of ['impala/localhost', 'HTTP/localhost', 'impala/other', 'impala/lb', 'impala/host1', 'impala/host2', 'impala/stale'])
      kdc.addPrincipal(p);
    kdc.addPrincipal('alice', { password: PASSWORD });
    kdc.addPrincipal('carol', { password: 'carol pass' });
    merged = kdc.keytab(['impala/localhost', 'HTTP/localhost']);
  });
  afterAll(async () => kdc?.close());
  // A fresh credential cache per test: no service ticket carries over.
  beforeEach(() => void kdc.kinit('alice', { password: PASSWORD }));

  async function firstToken(service = 'impala@localhost', options: { mechOID?: number; flags?: number } = {}) {
    const client = await k.initializeClient(service, {
      mechOID: options.mechOID ?? k.GSS_MECH_OID_KRB5,
      ...(options.flags === undefined ? {} : { flags: options.flags }),
    });
    return { client, token: unb64(await client.step('')) };
  }

  /** Both directions, several times over, so sequence numbers advance on each side. */
  async function exchange(client: KerberosClient, context: ReturnType<KerberosAcceptor['accept']>['context']) {
    for (let i = 0; i < 3; i++) {
      for (const confidential of [false, true]) {
        const message = Buffer.from(`server says ${i} (${confidential})`);
        expect(unb64(await client.unwrap(b64(context.wrap(message, { confidential })))).equals(message)).toBe(true);
        expect(Boolean(client.responseConf)).toBe(confidential);
      }
      for (const protect of [false, true]) {
        // The npm package wraps SASL-style: a 4-octet choice (first octet forced to 0x01) and the user.
        const wrapped = await client.wrap(b64(Buffer.from([0x07, 0x01, 0x00, i])), { user: `alice-${i}`, protect });
        const got = context.unwrap(unb64(wrapped));
        expect(got.confidential).toBe(protect);
        expect(got.message.equals(Buffer.concat([Buffer.from([0x01, 0x01, 0x00, i]), Buffer.from(`alice-${i}`)]))).toBe(true);
      }
    }
  }

  describe('the KDC harness', () => {
    it('reports kadmin.local and kinit failures (which kadmin.local -q exits 0 on) without echoing passwords', () => {
      expect(() => kdc.addPrincipal('alice', { password: 'second secret' })).toThrow(/already exists/);
      expect(() => kdc.addPrincipal('alice', { password: 'second secret' })).not.toThrow(/second secret/);
      expect(() => kdc.keytab(['nobody'])).toThrow(/nobody@\S+ does not exist/);
      expect(() => kdc.kinit('alice', { password: 'wrong guess' })).toThrow(/Password incorrect/);
      expect(() => kdc.kinit('alice', { password: 'wrong guess' })).not.toThrow(/wrong guess/);
    });
  });

  describe('keytab', () => {
    it('parses a keytab made by kadmin.local: both principals, both AES enctypes, key version 1', () => {
      const entries = readKeytab(merged);
      expect(entries.map((e) => [e.principal, e.key.etype, e.kvno, e.key.value.length]).sort()).toEqual(
        [
          [`HTTP/localhost@${R}`, 17, 1, 16],
          [`HTTP/localhost@${R}`, 18, 1, 32],
          [`impala/localhost@${R}`, 17, 1, 16],
          [`impala/localhost@${R}`, 18, 1, 32],
        ].sort(),
      );
      expect(entries.every((e) => e.components.length === 2 && e.realm === R && e.nameType === 1 && e.timestamp > 0)).toBe(true);
      expect(readKeytab(readFileSync(merged))).toEqual(entries);
    });

    it('reads the exact keys MIT derived from a password (RFC 3962 string-to-key with the default salt)', () => {
      const entries = readKeytab(kdc.keytab(['carol']));
      const salt = `${R}carol`;
      for (const etype of [17, 18]) {
        const entry = entries.find((e) => e.key.etype === etype)!;
        expect(entry.key.value.equals(getEnctype(etype).stringToKey('carol pass', salt))).toBe(true);
      }
    });

    it.each([
      ['a file that does not exist', () => '/nonexistent/impala.keytab', /cannot read keytab \/nonexistent\/impala.keytab: ENOENT/],
      ['bytes that are not a keytab', () => Buffer.from('not a keytab'), /is not a usable keytab/],
      ['an empty keytab', () => Buffer.from([5, 2]), /holds no keys/],
    ])('refuses %s as no-key', (_what, source, message) => {
      expect(() => new KerberosAcceptor({ keytab: source() })).toThrow(
        expect.objectContaining({ reason: 'no-key', message: expect.stringMatching(message) }),
      );
    });
  });

  describe('the krb5 mechanism', () => {
    it('needs credentials: after kdestroy the client cannot even start', async () => {
      kdc.kdestroy();
      await expect(firstToken()).rejects.toThrow(/credentials cache|No Kerberos credentials|not found/i);
    });

    it.each([
      { acceptorSubkey: true, flagBit: 0x04 },
      { acceptorSubkey: false, flagBit: 0 },
    ])('mutual authentication (acceptor subkey: $acceptorSubkey), then wrap and unwrap both ways', async ({ acceptorSubkey, flagBit }) => {
      const acceptor = new KerberosAcceptor({ keytab: merged, acceptorSubkey });
      const { client, token } = await firstToken();
      const accepted = acceptor.accept(token);
      expect(accepted.client).toBe(`alice@${R}`);
      expect(accepted.server).toBe(`impala/localhost@${R}`);
      expect(accepted.mech).toBe(KRB5_MECH_OID);
      expect(accepted.flags & (GssFlag.MUTUAL | GssFlag.SEQUENCE)).toBe(GssFlag.MUTUAL | GssFlag.SEQUENCE);
      expect(unframeToken(accepted.outputToken!).tokId).toBe(TokId.AP_REP);
      expect(client.contextComplete).toBe(false);
      // MIT checks the AP-REP (our ctime/cusec echo, sealed in the session key) before completing.
      expect(await client.step(b64(accepted.outputToken!))).toBeFalsy();
      expect(client.contextComplete).toBe(true);
      expect(client.username).toBe(`alice@${R}`);
      const probe = accepted.context.wrap(Buffer.from('probe'));
      expect(probe[2]! & 0x04).toBe(flagBit);
      expect(unb64(await client.unwrap(b64(probe))).toString()).toBe('probe');
      await exchange(client, accepted.context);
    });

    it('without mutual authentication: no AP-REP, and the tokens still interoperate', async () => {
      const acceptor = new KerberosAcceptor({ keytab: merged });
      const { client, token } = await firstToken('impala@localhost', { flags: k.GSS_C_SEQUENCE_FLAG });
      expect(client.contextComplete).toBe(true);
      const accepted = acceptor.accept(token);
      expect(accepted.outputToken).toBeUndefined();
      expect(accepted.flags & GssFlag.MUTUAL).toBe(0);
      await exchange(client, accepted.context);
    });
  });

  describe('SPNEGO (HTTP Negotiate)', () => {
    it('answers accept-completed with the krb5 mech and its AP-REP; the client completes and both wrap', async () => {
      const acceptor = new KerberosAcceptor({ keytab: merged, principal: 'HTTP/_HOST', hostname: 'localhost' });
      const { client, token } = await firstToken('HTTP@localhost', { mechOID: k.GSS_MECH_OID_SPNEGO });
      const accepted = acceptor.acceptSpnego(token);
      expect(accepted.server).toBe(`HTTP/localhost@${R}`);
      const resp = decodeNegTokenResp(accepted.outputToken!);
      expect(resp.negState).toBe(NegState.ACCEPT_COMPLETED);
      expect(resp.supportedMech).toBe(KRB5_MECH_OID);
      expect(unframeToken(resp.responseToken!).tokId).toBe(TokId.AP_REP);
      expect(await client.step(b64(accepted.outputToken!))).toBeFalsy();
      expect(client.contextComplete).toBe(true);
      await exchange(client, accepted.context);
    });

    it.each([
      { mechTypes: [KRB5_MS_MECH_OID, KRB5_MECH_OID], ok: true },
      { mechTypes: [NTLMSSP_OID, KRB5_MECH_OID], ok: false },
    ])('a client listing $mechTypes first', async ({ mechTypes, ok }) => {
      const acceptor = new KerberosAcceptor({ keytab: merged });
      const krb5 = await firstToken('HTTP@localhost');
      const token = encodeDer(
        DerClass.APPLICATION,
        true,
        0,
        Buffer.concat([
          der.oid(SPNEGO_OID),
          der.ctx(0, der.seq(der.ctx(0, der.seq(...mechTypes.map((m) => der.oid(m)))), der.ctx(2, der.octets(krb5.token)))),
        ]),
      );
      if (ok) {
        // Microsoft's OID is answered in kind, as Windows clients expect.
        const resp = decodeNegTokenResp(acceptor.acceptSpnego(token).outputToken!);
        expect(resp.supportedMech).toBe(KRB5_MS_MECH_OID);
        expect(unframeToken(resp.responseToken!).tokId).toBe(TokId.AP_REP);
      } else {
        expect(() => acceptor.acceptSpnego(token)).toThrow(
          expect.objectContaining({ reason: 'bad-token', message: expect.stringMatching(/prefers mechanism 1.3.6.1.4.1.311.2.2.10/) }),
        );
      }
    });

    it('refuses a bare krb5 token where SPNEGO is expected, and SPNEGO where krb5 is', async () => {
      const acceptor = new KerberosAcceptor({ keytab: merged });
      const krb5 = await firstToken('HTTP@localhost');
      expect(() => acceptor.acceptSpnego(krb5.token)).toThrow(
        expect.objectContaining({ reason: 'bad-token', message: expect.stringMatching(/not SPNEGO/) }),
      );
      const spnego = await firstToken('HTTP@localhost', { mechOID: k.GSS_MECH_OID_SPNEGO });
      expect(() => acceptor.accept(spnego.token)).toThrow(
        expect.objectContaining({ reason: 'bad-token', message: expect.stringMatching(/not Kerberos V5/) }),
      );
    });
  });

  describe('refusals', () => {
    it('a ticket for a principal the keytab does not have: wrong-principal, naming both', async () => {
      const acceptor = new KerberosAcceptor({ keytab: merged });
      const { token } = await firstToken('impala@other');
      expect(() => acceptor.accept(token)).toThrow(
        expect.objectContaining({
          reason: 'wrong-principal',
          message: `the ticket is for impala/other@${R}, but the keytab has impala/localhost@${R} and HTTP/localhost@${R}`,
        }),
      );
    });

    it('a stale keytab (the key was changed since): no-key, naming the key versions', async () => {
      const stale = kdc.keytab(['impala/stale']);
      kdc.keytab(['impala/stale'], { rotate: true });
      const { token } = await firstToken('impala@stale');
      expect(() => new KerberosAcceptor({ keytab: stale }).accept(token)).toThrow(
        expect.objectContaining({
          reason: 'no-key',
          message: expect.stringMatching(/needs key version 2, but the keytab has version 1: the keytab is stale/),
        }),
      );
    });

    it('a keytab without the enctype of the ticket: no-key', async () => {
      const only128 = keepEnctypes(readFileSync(merged), [17]);
      const { token } = await firstToken();
      expect(() => new KerberosAcceptor({ keytab: only128 }).accept(token)).toThrow(
        expect.objectContaining({
          reason: 'no-key',
          message: expect.stringMatching(/encrypted with aes256-cts-hmac-sha1-96, but the keytab has .* only with aes128-cts-hmac-sha1-96/),
        }),
      );
    });

    it.each<[string, (t: Buffer, ap: ApReq) => Buffer, RegExp | string]>([
      ['a flipped byte in the ticket', (t, ap) => flip(t, ap.ticket.encPart.cipher, 40), 'integrity'],
      ['a flipped byte in the authenticator', (t, ap) => flip(t, ap.authenticator.cipher, 40), 'integrity'],
      ['a flipped ticket integrity tag', (t, ap) => flip(t, ap.ticket.encPart.cipher, ap.ticket.encPart.cipher.length - 1), 'integrity'],
      ['a truncated token', (t) => t.subarray(0, t.length - 10), 'bad-token'],
      ['the AP-REP TOK_ID', (t) => setByte(t, t.length - unframeToken(t).inner.length - 2, 0x02), 'bad-token'],
      ['protocol version 4', (t, ap) => reencode(ap, { pvno: 4 }), 'bad-token'],
      ['an rc4 ticket', (_t, ap) => reencode(ap, { ticketEtype: 23 }), 'unsupported-enctype'],
      ['a ticket for key version 9', (_t, ap) => reencode(ap, { kvno: 9 }), 'no-key'],
      ['garbage', () => Buffer.from('YII garbage, not a token'), 'bad-token'],
    ])('%s', async (_what, mutate, reason) => {
      const acceptor = new KerberosAcceptor({ keytab: merged });
      const { token } = await firstToken();
      const ap = decodeApReq(unframeToken(token).inner);
      expect(() => acceptor.accept(mutate(token, ap))).toThrow(expect.objectContaining({ reason }));
      // The untouched token is still good: the refusal was for the change.
      expect(acceptor.accept(token).client).toBe(`alice@${R}`);
    });

    it.each([
      [+10, 'clock-skew', /the clock of alice@\S+ is 10 min( \d+ s)? behind this server's \(at most 5 min allowed\)/],
      [-10, 'clock-skew', /is (9 min \d+ s|10 min) ahead of this server's/],
      [+4, undefined, undefined],
      [-4, undefined, undefined],
    ])('acceptor clock %i min off: %s', async (minutes, reason, message) => {
      const acceptor = new KerberosAcceptor({ keytab: merged, clock: { now: () => Date.now() + minutes * 60_000 } });
      const { token } = await firstToken();
      if (reason)
        expect(() => acceptor.accept(token)).toThrow(expect.objectContaining({ reason, message: expect.stringMatching(message!) }));
      else expect(acceptor.accept(token).client).toBe(`alice@${R}`);
    });

    it.each([
      ['expired an hour ago', 7, -3_600_000, /expired at .* run kinit again/],
      ['valid only from an hour ahead', 5, +3_600_000, /is not valid until/],
    ])('a ticket %s: expired', async (_what, tag, shiftMs, message) => {
      const acceptor = new KerberosAcceptor({ keytab: merged });
      const { token } = await firstToken();
      const ap = decodeApReq(unframeToken(token).inner);
      const forged = withTicketTime(ap, readKeytab(merged), tag, Date.now() + shiftMs);
      expect(() => acceptor.accept(forged)).toThrow(
        expect.objectContaining({ reason: 'expired', message: expect.stringMatching(message) }),
      );
    });

    it('a replayed AP-REQ: replay, also at another acceptor sharing the replay cache', async () => {
      const cache = new ReplayCache(5 * 60_000, 100);
      const a = new KerberosAcceptor({ keytab: merged, replayCache: cache });
      const b = new KerberosAcceptor({ keytab: merged, replayCache: cache });
      const { token } = await firstToken();
      expect(a.accept(token).client).toBe(`alice@${R}`);
      expect(() => a.accept(token)).toThrow(
        expect.objectContaining({ reason: 'replay', message: expect.stringMatching(/replayed authenticator from alice@/) }),
      );
      expect(() => b.accept(token)).toThrow(expect.objectContaining({ reason: 'replay' }));
      expect(cache.size).toBe(1);
    });
  });

  describe('principal restrictions and shared keytabs', () => {
    let all: string;
    beforeAll(() => {
      all = kdc.keytab(['impala/localhost', 'impala/other', 'HTTP/localhost']);
    });

    it.each([
      { principal: 'impala/_HOST@REALM', service: 'impala@localhost', ok: true },
      { principal: 'impala/_HOST', service: 'impala@localhost', ok: true },
      { principal: 'impala/_HOST@REALM', service: 'impala@other', ok: false },
      { principal: 'impala/_HOST@REALM', service: 'HTTP@localhost', ok: false },
      { principal: 'HTTP/_HOST@REALM', service: 'HTTP@localhost', ok: true },
    ])('restricted to $principal (host "localhost"): ticket for $service accepted: $ok', async ({ principal, service, ok }) => {
      const acceptor = new KerberosAcceptor({ keytab: all, principal: principal.replace('REALM', R), hostname: 'localhost' });
      expect(acceptor.principals).toEqual([`${principal.split(/[/@]/)[0]}/localhost@${R}`]);
      const { token } = await firstToken(service);
      if (ok) expect(acceptor.accept(token).client).toBe(`alice@${R}`);
      else {
        expect(() => acceptor.accept(token)).toThrow(
          expect.objectContaining({
            reason: 'wrong-principal',
            message: expect.stringMatching(new RegExp(`this server accepts only ${principal.split('/')[0]}/localhost`)),
          }),
        );
      }
    });

    it('a restriction the keytab cannot serve fails at construction, listing what it has', () => {
      expect(() => new KerberosAcceptor({ keytab: merged, principal: `impala/_HOST@${R}`, hostname: 'nowhere.example.com' })).toThrow(
        expect.objectContaining({
          reason: 'no-key',
          message: expect.stringMatching(/has no key for impala\/nowhere.example.com@.*; it has impala\/localhost@/),
        }),
      );
    });

    it('one shared load-balancer principal in each coordinator keytab, beside its own (merged keytabs)', async () => {
      const host1 = new KerberosAcceptor({ keytab: kdc.keytab(['impala/lb', 'impala/host1']) });
      const host2 = new KerberosAcceptor({ keytab: kdc.keytab(['impala/lb', 'impala/host2']) });
      for (const acceptor of [host1, host2]) {
        const { client, token } = await firstToken('impala@lb');
        const accepted = acceptor.accept(token);
        expect(accepted.server).toBe(`impala/lb@${R}`);
        await client.step(b64(accepted.outputToken!));
        await exchange(client, accepted.context);
      }
      const direct = await firstToken('impala@host1');
      expect(() => host2.accept(direct.token)).toThrow(expect.objectContaining({ reason: 'wrong-principal' }));
      expect(host1.accept(direct.token).server).toBe(`impala/host1@${R}`);
    });
  });
});

/** A copy of `token` with byte `at` set to `value`. */
function setByte(token: Buffer, at: number, value: number): Buffer {
  const out = Buffer.from(token);
  out[at] = value;
  return out;
}

/** Flips one byte of `part` (a view into `token`) at `index`. */
function flip(token: Buffer, part: Buffer, index: number): Buffer {
  const out = Buffer.from(token);
  const at = part.byteOffset - token.byteOffset + index;
  out[at]! ^= 0x5a;
  return out;
}

/** Re-encodes an AP-REQ with some fields changed (to forge what a KDC would not issue). */
function reencode(ap: ApReq, change: { pvno?: number; ticketEtype?: number; kvno?: number }): Buffer {
  const enc = (etype: number, kvno: number | undefined, cipher: Buffer) =>
    der.seq(der.ctx(0, der.int(etype)), kvno === undefined ? undefined : der.ctx(1, der.int(kvno)), der.ctx(2, der.octets(cipher)));
  const t = ap.ticket;
  const sname = der.seq(der.ctx(0, der.int(t.sname.nameType)), der.ctx(1, der.seq(...t.sname.components.map((c) => der.string(c)))));
  const ticket = der.app(
    1,
    der.seq(
      der.ctx(0, der.int(5)),
      der.ctx(1, der.string(t.realm)),
      der.ctx(2, sname),
      der.ctx(3, enc(change.ticketEtype ?? t.encPart.etype, change.kvno ?? t.encPart.kvno, t.encPart.cipher)),
    ),
  );
  const options = Buffer.alloc(4);
  options.writeUInt32BE(ap.apOptions >>> 0, 0);
  const body = der.seq(
    der.ctx(0, der.int(change.pvno ?? 5)),
    der.ctx(1, der.int(14)),
    der.ctx(2, der.bits(options)),
    der.ctx(3, ticket),
    der.ctx(4, enc(ap.authenticator.etype, ap.authenticator.kvno, ap.authenticator.cipher)),
  );
  return frameToken(KRB5_MECH_OID, TokId.AP_REQ, der.app(14, body));
}

/** Re-seals the ticket with one of its times ([5] authtime, [7] endtime) set to `ms`, using the service key. */
function withTicketTime(ap: ApReq, keytab: ReturnType<typeof readKeytab>, tag: number, ms: number): Buffer {
  const key = keytab.find(
    (e) => e.principal === `${ap.ticket.sname.components.join('/')}@${ap.ticket.realm}` && e.key.etype === ap.ticket.encPart.etype,
  )!.key;
  const plain = Buffer.from(getEnctype(key.etype).decrypt(key.value, 2, ap.ticket.encPart.cipher));
  const fields = contextFields(application(readDer(plain, 'x'), 3, 'x'), 'x');
  // A ticket's start is its starttime (6) when the KDC sent one — it does once the
  // service ticket was issued in a later second than the TGT — else its authtime (5).
  const timeEl = (tag === 5 ? (fields.get(6) ?? fields.get(5)) : fields.get(tag))!;
  der
    .time(ms)
    .subarray(2)
    .copy(plain, timeEl.body.byteOffset - plain.byteOffset);
  const cipher = getEnctype(key.etype).encrypt(key.value, 2, plain);
  return reencode({ ...ap, ticket: { ...ap.ticket, encPart: { ...ap.ticket.encPart, cipher } } }, {});
}

/** A copy of keytab bytes keeping only entries of the given enctypes. */
function keepEnctypes(bytes: Buffer, etypes: number[]): Buffer {
  const kept = [bytes.subarray(0, 2)];
  for (let off = 2; off + 4 <= bytes.length;) {
    const size = bytes.readInt32BE(off);
    const entry = bytes.subarray(off, off + 4 + Math.abs(size));
    off += 4 + Math.abs(size);
    if (size <= 0) continue;
    // The enctype sits after the principal, timestamp (4) and 8-bit kvno (1).
    let p = 4;
    const count = entry.readUInt16BE(p);
    p += 2;
    for (let i = 0; i <= count; i++) p += 2 + entry.readUInt16BE(p);
    p += 4 + 4 + 1;
    if (etypes.includes(entry.readUInt16BE(p))) kept.push(entry);
  }
  return Buffer.concat(kept);
}
