/**
 * RFC 4121 wrap tokens between two of our own contexts (an initiator and an
 * acceptor sharing keys), GSS framing and SPNEGO encodings. Interop with
 * MIT is in the KDC tests; these pin the token rules: header fields, key
 * choice, rotation, filler, sequence numbers, and that any altered byte is
 * refused.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeNegTokenInit,
  decodeNegTokenResp,
  encodeNegTokenResp,
  frameToken,
  GssFlag,
  GssSecurityContext,
  KRB5_MECH_OID,
  NegState,
  randomKey,
  ReplayCache,
  SPNEGO_OID,
  TokId,
  unframeToken,
} from '../../../src/testing/kerberos/index.js';
import { der, DerClass, encodeDer } from '../../../src/testing/kerberos/der.js';

function pair(etype: number, withAcceptorSubkey: boolean, flags = GssFlag.MUTUAL | GssFlag.SEQUENCE) {
  const initiatorKey = randomKey(etype);
  const acceptorSubkey = withAcceptorSubkey ? randomKey(etype) : undefined;
  return {
    acceptor: new GssSecurityContext({ role: 'acceptor', initiatorKey, acceptorSubkey, sendSeq: 1000, recvSeq: 7, flags }),
    initiator: new GssSecurityContext({ role: 'initiator', initiatorKey, acceptorSubkey, sendSeq: 7, recvSeq: 1000, flags }),
  };
}

const cases = [17, 18, 19, 20].flatMap((etype) =>
  [true, false].flatMap((subkey) => [true, false].map((confidential) => ({ etype, subkey, confidential }))),
);

describe('RFC 4121 wrap tokens', () => {
  it.each(cases)(
    'enctype $etype, acceptor subkey $subkey, confidential $confidential: both directions',
    ({ etype, subkey, confidential }) => {
      const { acceptor, initiator } = pair(etype, subkey);
      for (const rrc of [0, 1, 16, 28, 1000]) {
        const message = Buffer.from(`message with rrc ${rrc}`);
        const fromAcceptor = acceptor.wrap(message, { confidential, rrc, ec: confidential ? rrc % 7 : 0 });
        expect(initiator.unwrap(fromAcceptor)).toEqual({ message, confidential });
        const fromInitiator = initiator.wrap(message, { confidential, rrc });
        expect(acceptor.unwrap(fromInitiator)).toEqual({ message, confidential });
      }
    },
  );

  it('writes the header fields RFC 4121 section 4.2.6.2 defines', () => {
    const { acceptor } = pair(18, true);
    const sealed = acceptor.wrap(Buffer.from('abc'));
    expect(sealed.readUInt16BE(0)).toBe(TokId.WRAP);
    expect(sealed[2]).toBe(0x01 | 0x02 | 0x04); // SentByAcceptor | Sealed | AcceptorSubkey
    expect(sealed[3]).toBe(0xff);
    expect(sealed.readUInt16BE(4)).toBe(0); // EC: no filler, as MIT sends
    expect(sealed.readUInt16BE(6)).toBe(0); // RRC 0
    expect(sealed.readBigUInt64BE(8)).toBe(1000n);
    const signed = acceptor.wrap(Buffer.from('abc'), { confidential: false });
    expect(signed[2]).toBe(0x01 | 0x04);
    expect(signed.readUInt16BE(4)).toBe(12); // EC carries the HMAC-SHA1-96 length
    expect(signed.readBigUInt64BE(8)).toBe(1001n);
    expect(signed.subarray(16, 19).toString()).toBe('abc'); // integrity-only: the message travels in clear
    const { initiator } = pair(20, false);
    const fromInitiator = initiator.wrap(Buffer.from('x'), { confidential: false });
    expect(fromInitiator[2]).toBe(0);
    expect(fromInitiator.readUInt16BE(4)).toBe(24); // HMAC-SHA384-192
  });

  it.each([
    { etype: 18, confidential: true },
    { etype: 18, confidential: false },
    { etype: 19, confidential: true },
  ])('refuses a token with any byte altered (enctype $etype, confidential $confidential)', ({ etype, confidential }) => {
    const { acceptor, initiator } = pair(etype, true);
    const token = initiator.wrap(Buffer.from('integrity matters'), { confidential });
    for (let i = 0; i < token.length; i++) {
      const bad = Buffer.from(token);
      bad[i]! ^= 0x10;
      let reason: string | undefined;
      try {
        acceptor.unwrap(bad);
      } catch (err) {
        reason = (err as { reason?: string }).reason;
      }
      expect(['integrity', 'bad-token'], `byte ${i}`).toContain(reason);
    }
    expect(acceptor.unwrap(token).message.toString()).toBe('integrity matters');
  });

  it('refuses a token reflected back to its sender', () => {
    const { acceptor } = pair(17, true);
    expect(() => acceptor.unwrap(acceptor.wrap(Buffer.from('me')))).toThrow(
      expect.objectContaining({ reason: 'bad-token', message: expect.stringMatching(/reflected/) }),
    );
  });

  it('refuses a replayed token, and with the sequence flag a token out of order', () => {
    const { acceptor, initiator } = pair(17, false);
    const first = initiator.wrap(Buffer.from('1'));
    const second = initiator.wrap(Buffer.from('2'));
    expect(() => acceptor.unwrap(second)).toThrow(
      expect.objectContaining({ reason: 'bad-token', message: expect.stringMatching(/out of order/) }),
    );
    expect(acceptor.unwrap(first).message.toString()).toBe('1');
    expect(() => acceptor.unwrap(first)).toThrow(expect.objectContaining({ reason: 'replay' }));
    expect(acceptor.unwrap(second).message.toString()).toBe('2');
  });

  it('with only replay detection, accepts tokens out of order but each once', () => {
    const { acceptor, initiator } = pair(18, true, GssFlag.REPLAY);
    const tokens = [0, 1, 2].map((i) => initiator.wrap(Buffer.from(String(i))));
    expect(acceptor.unwrap(tokens[2]!).message.toString()).toBe('2');
    expect(acceptor.unwrap(tokens[0]!).message.toString()).toBe('0');
    expect(() => acceptor.unwrap(tokens[2]!)).toThrow(expect.objectContaining({ reason: 'replay' }));
    expect(acceptor.unwrap(tokens[1]!).message.toString()).toBe('1');
    expect(() => acceptor.unwrap(tokens[0]!)).toThrow(expect.objectContaining({ reason: 'replay' }));
  });

  it('refuses a token protected with an acceptor subkey the context does not have', () => {
    const withSubkey = pair(17, true);
    const without = new GssSecurityContext({
      role: 'initiator',
      initiatorKey: randomKey(17),
      acceptorSubkey: undefined,
      sendSeq: 0,
      recvSeq: 1000,
      flags: 0,
    });
    expect(() => without.unwrap(withSubkey.acceptor.wrap(Buffer.from('x')))).toThrow(/acceptor subkey, but none was agreed/);
  });
});

describe('GSS-API framing', () => {
  it('frames and unframes a krb5 token', () => {
    const inner = Buffer.from('inner token bytes');
    const framed = frameToken(KRB5_MECH_OID, TokId.AP_REP, inner);
    expect(framed[0]).toBe(0x60);
    expect(unframeToken(framed)).toEqual({ mech: KRB5_MECH_OID, tokId: TokId.AP_REP, inner });
  });

  it.each([
    ['a bare AP-REQ', Buffer.from([0x6e, 0x03, 0x02, 0x01, 0x05])],
    ['no TOK_ID', Buffer.concat([Buffer.from([0x60, 11]), der.oid(KRB5_MECH_OID)])],
  ])('refuses %s', (_what, token) => {
    expect(() => unframeToken(token)).toThrow(expect.objectContaining({ reason: 'bad-token' }));
  });
});

describe('SPNEGO encodings', () => {
  it('NegTokenResp round-trips', () => {
    const resp = {
      negState: NegState.ACCEPT_COMPLETED,
      supportedMech: KRB5_MECH_OID,
      responseToken: Buffer.from('rep'),
      mechListMIC: undefined,
    };
    const encoded = encodeNegTokenResp(resp);
    expect(encoded[0]).toBe(0xa1);
    expect(decodeNegTokenResp(encoded)).toEqual(resp);
  });

  it('reads a NegTokenInit with several mechanisms and an optimistic token', () => {
    const init = der.seq(
      der.ctx(0, der.seq(der.oid('1.2.840.48018.1.2.2'), der.oid(KRB5_MECH_OID))),
      der.ctx(2, der.octets(Buffer.from('tok'))),
    );
    const token = encodeDer(DerClass.APPLICATION, true, 0, Buffer.concat([der.oid(SPNEGO_OID), der.ctx(0, init)]));
    expect(decodeNegTokenInit(token)).toEqual({ mechTypes: ['1.2.840.48018.1.2.2', KRB5_MECH_OID], mechToken: Buffer.from('tok') });
  });

  it('refuses a krb5 token where a SPNEGO one belongs', () => {
    expect(() => decodeNegTokenInit(frameToken(KRB5_MECH_OID, TokId.AP_REQ, Buffer.alloc(4)))).toThrow(/not SPNEGO/);
  });
});

describe('ReplayCache', () => {
  const WINDOW = 60_000;
  const a = Buffer.from('authenticator a');
  const b = Buffer.from('authenticator b');

  it('refuses what it saw within two skew windows, and forgets it after', () => {
    const cache = new ReplayCache(WINDOW, 100);
    expect(cache.check(a, 0)).toBe(true);
    expect(cache.check(a, 1)).toBe(false);
    expect(cache.check(a, 2 * WINDOW)).toBe(false);
    expect(cache.check(b, 2 * WINDOW + 1)).toBe(true);
    expect(cache.size).toBe(1);
    expect(cache.check(a, 2 * WINDOW + 2)).toBe(true);
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const cache = new ReplayCache(WINDOW, 2);
    const c = Buffer.from('authenticator c');
    for (const x of [a, b, c]) expect(cache.check(x, 0)).toBe(true);
    expect(cache.size).toBe(2);
    expect(cache.check(c, 1)).toBe(false);
    expect(cache.check(b, 1)).toBe(false);
    expect(cache.check(a, 1)).toBe(true);
  });
});
