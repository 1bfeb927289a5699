/**
 * The RFC 4752 state machine on its own: an initiator context of ours plays
 * the client (so it can also send what MIT's client never would, such as a
 * request for a confidentiality layer). The real clients drive it in
 * sasl-gssapi.kdc.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SaslStatus } from '../../../src/wire/sasl-frames.js';
import {
  GssapiSaslServer,
  GssFlag,
  GssSecurityContext,
  KerberosAcceptError,
  KRB5_MECH_OID,
  randomKey,
  type AcceptedContext,
} from '../../../src/testing/kerberos/index.js';

const AP_REQ = Buffer.from('pretend AP-REQ');
const AP_REP = Buffer.from('pretend AP-REP');

/** A stand-in acceptor that "accepts" AP_REQ and shares keys with the returned initiator context. */
function setup(mutual = true) {
  const initiatorKey = randomKey(18);
  const acceptorSubkey = mutual ? randomKey(18) : undefined;
  const flags = GssFlag.SEQUENCE | (mutual ? GssFlag.MUTUAL : 0);
  const client = new GssSecurityContext({ role: 'initiator', initiatorKey, acceptorSubkey, sendSeq: 5, recvSeq: 900, flags });
  const acceptor = {
    accept(token: Buffer): AcceptedContext {
      if (!token.equals(AP_REQ)) throw new KerberosAcceptError('bad-token', 'not the pretend AP-REQ');
      return {
        context: new GssSecurityContext({ role: 'acceptor', initiatorKey, acceptorSubkey, sendSeq: 900, recvSeq: 5, flags }),
        outputToken: mutual ? AP_REP : undefined,
        client: 'alice/admin@EXAMPLE.TEST',
        server: 'impala/host1@EXAMPLE.TEST',
        flags,
        mech: KRB5_MECH_OID,
        ticketEndTime: 0,
      };
    },
  };
  return { client, server: new GssapiSaslServer(acceptor) };
}

/** The client's answer to the wrapped offer: a chosen layer, our max buffer, an authzid. */
function choice(client: GssSecurityContext, layer: number, authzid = '', confidential = false): Buffer {
  return client.wrap(Buffer.concat([Buffer.from([layer, 0x00, 0x10, 0x00]), Buffer.from(authzid)]), { confidential });
}

describe('GssapiSaslServer', () => {
  it.each([
    { name: 'OK everywhere (hive-driver)', last: SaslStatus.OK, authzid: 'anonymous', expected: 'anonymous' },
    { name: 'COMPLETE on the last step (Java)', last: SaslStatus.COMPLETE, authzid: '', expected: undefined },
  ])('$name', ({ last, authzid, expected }) => {
    const { client, server } = setup();
    expect(server.receive(SaslStatus.START, Buffer.from('GSSAPI'))).toEqual({ send: [] });
    const rep = server.receive(SaslStatus.OK, AP_REQ);
    expect(rep.send).toEqual([{ status: SaslStatus.OK, payload: AP_REP }]);
    const offer = server.receive(SaslStatus.OK, Buffer.alloc(0));
    expect(offer.send).toHaveLength(1);
    expect(offer.send[0]!.status).toBe(SaslStatus.OK);
    // Integrity-protected, not sealed: layer 0x01 (none) and a 65536-byte max buffer.
    expect(client.unwrap(offer.send[0]!.payload)).toEqual({ message: Buffer.from([0x01, 0x01, 0x00, 0x00]), confidential: false });
    const end = server.receive(last, choice(client, 0x01, authzid));
    expect(end.send).toEqual([{ status: SaslStatus.COMPLETE, payload: Buffer.alloc(0) }]);
    expect(end.done).toEqual({
      principal: 'alice/admin@EXAMPLE.TEST',
      user: 'alice',
      authzid: expected,
      server: 'impala/host1@EXAMPLE.TEST',
    });
    expect(server.complete).toBe(true);
  });

  it('without mutual authentication offers the layers straight after the AP-REQ', () => {
    const { client, server } = setup(false);
    server.receive(SaslStatus.START, Buffer.from('GSSAPI'));
    const offer = server.receive(SaslStatus.COMPLETE, AP_REQ);
    expect(client.unwrap(offer.send[0]!.payload).message[0]).toBe(0x01);
    expect(server.receive(SaslStatus.OK, choice(client, 0x01, 'alice', true)).done?.authzid).toBe('alice');
  });

  it.each([
    {
      name: 'another mechanism',
      steps: [[SaslStatus.START, 'PLAIN']],
      status: SaslStatus.BAD,
      message: 'Unsupported mechanism type PLAIN',
    },
    { name: 'no START first', steps: [[SaslStatus.OK, 'x']], status: SaslStatus.ERROR, message: 'Expected START status' },
    {
      name: 'START twice',
      steps: [
        [SaslStatus.START, 'GSSAPI'],
        [SaslStatus.START, 'GSSAPI'],
      ],
      status: SaslStatus.ERROR,
      message: /Expected OK or COMPLETE status/,
    },
    {
      name: 'a token the acceptor refuses',
      steps: [
        [SaslStatus.START, 'GSSAPI'],
        [SaslStatus.OK, 'nonsense'],
      ],
      status: SaslStatus.ERROR,
      message: /not the pretend AP-REQ/,
    },
  ])('answers $name with an error', ({ steps, status, message }) => {
    const { server } = setup();
    let last;
    for (const [s, p] of steps) last = server.receive(s as number, Buffer.from(p as string));
    expect(last!.send).toHaveLength(1);
    expect(last!.send[0]!.status).toBe(status);
    expect(last!.send[0]!.payload.toString()).toMatch(message);
    expect(last!.error).toMatch(message);
    expect(server.complete).toBe(false);
  });

  it('reports the acceptor refusal as the cause', () => {
    const { server } = setup();
    server.receive(SaslStatus.START, Buffer.from('GSSAPI'));
    expect(server.receive(SaslStatus.OK, Buffer.from('nonsense')).cause?.reason).toBe('bad-token');
  });

  it.each([
    {
      name: 'a confidentiality layer it did not offer',
      wrapped: (c: GssSecurityContext) => choice(c, 0x04),
      message: /chose security layer 0x4/,
    },
    {
      name: 'an integrity layer it did not offer',
      wrapped: (c: GssSecurityContext) => choice(c, 0x02),
      message: /chose security layer 0x2/,
    },
    {
      name: 'a choice shorter than 4 octets',
      wrapped: (c: GssSecurityContext) => c.wrap(Buffer.from([1, 0])),
      message: /is 2 bytes, expected at least 4/,
    },
    { name: 'an altered choice', wrapped: (c: GssSecurityContext) => flipLast(choice(c, 0x01)), message: /checksum does not match/ },
  ])('refuses $name', ({ wrapped, message }) => {
    const { client, server } = setup();
    server.receive(SaslStatus.START, Buffer.from('GSSAPI'));
    server.receive(SaslStatus.OK, AP_REQ);
    client.unwrap(server.receive(SaslStatus.OK, Buffer.alloc(0)).send[0]!.payload);
    const result = server.receive(SaslStatus.OK, wrapped(client));
    expect(result.send[0]!.status).toBe(SaslStatus.ERROR);
    expect(result.error).toMatch(message);
    expect(result.done).toBeUndefined();
  });

  it('stops when the client aborts, sending nothing back', () => {
    const { server } = setup();
    server.receive(SaslStatus.START, Buffer.from('GSSAPI'));
    expect(server.receive(SaslStatus.ERROR, Buffer.from('client gave up'))).toEqual({
      send: [],
      error: 'client aborted the negotiation: client gave up',
    });
  });

  it('refuses anything after it completed', () => {
    const { client, server } = setup();
    server.receive(SaslStatus.START, Buffer.from('GSSAPI'));
    server.receive(SaslStatus.OK, AP_REQ);
    client.unwrap(server.receive(SaslStatus.OK, Buffer.alloc(0)).send[0]!.payload);
    expect(server.receive(SaslStatus.OK, choice(client, 1)).done).toBeDefined();
    expect(server.receive(SaslStatus.OK, Buffer.alloc(0)).send[0]!.status).toBe(SaslStatus.ERROR);
  });
});

function flipLast(b: Buffer): Buffer {
  const out = Buffer.from(b);
  out[out.length - 1]! ^= 1;
  return out;
}
