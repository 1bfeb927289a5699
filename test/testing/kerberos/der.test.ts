/**
 * The DER reader and writer: what the writer encodes the reader reads back
 * (integers at every sign and length boundary, long lengths, OIDs with big
 * arcs, KerberosTime), known encodings byte for byte, and malformed input
 * refused as `bad-token` with a message naming what was being read.
 */
import { describe, expect, it } from 'vitest';
import {
  contextFields,
  der,
  derBits,
  derChildren,
  derInt,
  derOctets,
  derOid,
  derString,
  derTime,
  field,
  readDer,
  readDerPrefix,
} from '../../../src/testing/kerberos/der.js';
import { parsePrincipal, formatPrincipal, shortName } from '../../../src/testing/kerberos/index.js';

describe('DER round trips', () => {
  it.each([0, 1, 127, 128, 255, 256, -1, -128, -129, 32767, 32768, 2 ** 31 - 1, -(2 ** 31), 2 ** 32 - 1, 2 ** 40 + 5])(
    'INTEGER %i',
    (n) => {
      expect(derInt(readDer(der.int(n), 'int'), 'int')).toBe(n);
    },
  );

  it.each([
    [0, '020100'],
    [127, '02017f'],
    [128, '02020080'],
    [-1, '0201ff'],
    [-129, '0202ff7f'],
    [5, '020105'],
  ])('INTEGER %i encodes minimally as %s', (n, encoded) => {
    expect(der.int(n).toString('hex')).toBe(encoded);
  });

  it.each([
    ['1.2.840.113554.1.2.2', '06092a864886f712010202'],
    ['1.3.6.1.5.5.2', '06062b0601050502'],
    ['1.2.840.48018.1.2.2', '06092a864882f712010202'],
  ])('OID %s encodes as %s and reads back', (oid, encoded) => {
    expect(der.oid(oid).toString('hex')).toBe(encoded);
    expect(derOid(readDer(Buffer.from(encoded, 'hex'), 'oid'), 'oid')).toBe(oid);
  });

  it.each([0, 1, 127, 128, 255, 256, 65535, 70000])('OCTET STRING of %i bytes (short and long length forms)', (n) => {
    const body = Buffer.alloc(n, 0xab);
    const encoded = der.octets(body);
    expect(derOctets(readDer(encoded, 'octets'), 'octets').equals(body)).toBe(true);
    expect(encoded.length).toBe(n + 2 + (n < 128 ? 0 : n < 256 ? 1 : n < 65536 ? 2 : 3));
  });

  it('KerberosTime keeps whole seconds in YYYYMMDDHHMMSSZ form', () => {
    const t = Date.UTC(2031, 0, 2, 3, 4, 5);
    const encoded = der.time(t + 999);
    expect(encoded.subarray(2).toString('latin1')).toBe('20310102030405Z');
    expect(derTime(readDer(encoded, 'time'), 'time')).toBe(t);
  });

  it('a Kerberos-style SEQUENCE of tagged fields reads back by tag, optional ones left out', () => {
    const encoded = der.app(
      3,
      der.seq(
        der.ctx(0, der.int(18)),
        undefined,
        der.ctx(2, der.string('ALICE.TEST')),
        der.ctx(3, der.seq(der.string('a'), der.string('b'))),
      ),
    );
    const outer = readDer(encoded, 'msg');
    expect(outer.cls).toBe(1);
    expect(outer.tag).toBe(3);
    const fields = contextFields(readDer(outer.body, 'seq'), 'seq');
    expect([...fields.keys()]).toEqual([0, 2, 3]);
    expect(derInt(field(fields, 0, 'seq'), 'etype')).toBe(18);
    expect(derString(field(fields, 2, 'seq'), 'realm')).toBe('ALICE.TEST');
    expect(derChildren(field(fields, 3, 'seq'), 'names').map((c) => derString(c, 'n'))).toEqual(['a', 'b']);
    expect(() => field(fields, 1, 'seq')).toThrow(/field \[1\] is missing/);
  });

  it('BIT STRING drops the unused-bits byte', () => {
    expect(derBits(readDer(der.bits(Buffer.from([0x20, 0, 0, 0])), 'bits'), 'bits').toString('hex')).toBe('20000000');
  });

  it('readDerPrefix returns what follows the element', () => {
    const { el, rest } = readDerPrefix(Buffer.concat([der.int(7), Buffer.from([1, 0])]), 'x');
    expect(derInt(el, 'x')).toBe(7);
    expect(rest.toString('hex')).toBe('0100');
  });
});

describe('DER refusals', () => {
  it.each([
    ['empty input', '', /truncated/],
    ['a length past the end', '0405aabb', /says 5 bytes but only 2 follow/],
    ['an indefinite length', '30800201000000', /unsupported length encoding/],
    ['a high tag number', '1f8101', /high tag numbers/],
    ['trailing bytes', '020100ff', /1 unexpected bytes after the end/],
  ])('%s', (_what, input, message) => {
    expect(() => readDer(Buffer.from(input, 'hex'), 'the token')).toThrow(
      expect.objectContaining({ reason: 'bad-token', message: expect.stringMatching(message) }),
    );
  });

  it('a field that appears twice', () => {
    const seq = der.seq(der.ctx(0, der.int(1)), der.ctx(0, der.int(2)));
    expect(() => contextFields(readDer(seq, 'AP-REQ'), 'AP-REQ')).toThrow(/AP-REQ: field \[0\] appears twice/);
  });

  it('a string where an INTEGER belongs, and a malformed time', () => {
    expect(() => derInt(readDer(der.string('5'), 'pvno'), 'pvno')).toThrow(/pvno: expected an INTEGER/);
    const badTime = Buffer.from([0x18, 4, 0x32, 0x30, 0x32, 0x31]);
    expect(() => derTime(readDer(badTime, 'authtime'), 'authtime')).toThrow(/authtime: not a KerberosTime/);
  });
});

describe('principal names', () => {
  it.each([
    ['impala/host1.example.com@EXAMPLE.COM', ['impala', 'host1.example.com'], 'EXAMPLE.COM', 'impala'],
    ['alice@EXAMPLE.COM', ['alice'], 'EXAMPLE.COM', 'alice'],
    ['alice/admin@EXAMPLE.COM', ['alice', 'admin'], 'EXAMPLE.COM', 'alice'],
    ['impala/_HOST', ['impala', '_HOST'], undefined, 'impala'],
    ['we\\/ird\\@name@R', ['we/ird@name'], 'R', 'we/ird@name'],
  ])('%s', (text, components, realm, short) => {
    expect(parsePrincipal(text)).toEqual({ components, realm });
    expect(shortName(text)).toBe(short);
    if (realm !== undefined) expect(formatPrincipal(components, realm)).toBe(text);
  });
});
