/**
 * Minimal ASN.1 DER reader and writer: just what Kerberos (RFC 4120), the
 * GSS-API token framing (RFC 2743) and SPNEGO (RFC 4178) need. The reader
 * is strict about lengths (definite form only, no bytes past the end) and
 * names the thing it was reading when it refuses, so a bad token says where
 * it went wrong.
 *
 * @module
 */
import { badToken } from './errors.js';

/** Tag classes. */
export const DerClass = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;

/** Universal tag numbers used here. */
export const DerTag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  OID: 6,
  ENUMERATED: 10,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  IA5_STRING: 22,
  GENERALIZED_TIME: 24,
  GENERAL_STRING: 27,
} as const;

/** One decoded element. */
export interface Der {
  /** Tag class (see {@link DerClass}). */
  cls: number;
  /** Whether the element is constructed (holds elements). */
  constructed: boolean;
  /** Tag number. */
  tag: number;
  /** Contents octets. */
  body: Buffer;
  /** The whole element, header included. */
  raw: Buffer;
}

/** Reads the element at the start of `buf`; returns it and what follows. */
export function readDerPrefix(buf: Buffer, what: string): { el: Der; rest: Buffer } {
  if (buf.length < 2) throw badToken(`${what}: truncated (${buf.length} bytes)`);
  const first = buf[0]!;
  const tag = first & 0x1f;
  if (tag === 0x1f) throw badToken(`${what}: high tag numbers are not used in Kerberos`);
  let len = buf[1]!;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    // Indefinite lengths are BER, not DER; over 4 length bytes cannot be a real token.
    if (n === 0 || n > 4) throw badToken(`${what}: unsupported length encoding`);
    if (buf.length < 2 + n) throw badToken(`${what}: truncated length`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[2 + i]!;
    off = 2 + n;
  }
  if (buf.length < off + len) throw badToken(`${what}: says ${len} bytes but only ${buf.length - off} follow`);
  const el: Der = {
    cls: first >> 6,
    constructed: (first & 0x20) !== 0,
    tag,
    body: buf.subarray(off, off + len),
    raw: buf.subarray(0, off + len),
  };
  return { el, rest: buf.subarray(off + len) };
}

/** Reads exactly one element: trailing bytes are an error. */
export function readDer(buf: Buffer, what: string): Der {
  const { el, rest } = readDerPrefix(buf, what);
  if (rest.length > 0) throw badToken(`${what}: ${rest.length} unexpected bytes after the end`);
  return el;
}

/** The elements inside a constructed element. */
export function derChildren(el: Der, what: string): Der[] {
  if (!el.constructed) throw badToken(`${what}: expected a constructed element`);
  const out: Der[] = [];
  let rest = el.body;
  while (rest.length > 0) {
    const next = readDerPrefix(rest, what);
    out.push(next.el);
    rest = next.rest;
  }
  return out;
}

/** Throws unless `el` has the given class and tag. */
export function expectTag(el: Der, cls: number, tag: number, what: string): Der {
  if (el.cls !== cls || el.tag !== tag) {
    throw badToken(`${what}: expected ${className(cls)} ${tag}, found ${className(el.cls)} ${el.tag}`);
  }
  return el;
}

/** Unwraps `[APPLICATION n] SEQUENCE`, Kerberos's message envelope. */
export function application(el: Der, n: number, what: string): Der {
  expectTag(el, DerClass.APPLICATION, n, what);
  return expectTag(readDer(el.body, what), DerClass.UNIVERSAL, DerTag.SEQUENCE, what);
}

/**
 * The explicitly tagged fields (`[n] Type`) of a SEQUENCE, by tag number,
 * each unwrapped to its inner element.
 */
export function contextFields(seq: Der, what: string): Map<number, Der> {
  expectTag(seq, DerClass.UNIVERSAL, DerTag.SEQUENCE, what);
  const fields = new Map<number, Der>();
  for (const child of derChildren(seq, what)) {
    if (child.cls !== DerClass.CONTEXT || !child.constructed) throw badToken(`${what}: expected a tagged field`);
    if (fields.has(child.tag)) throw badToken(`${what}: field [${child.tag}] appears twice`);
    fields.set(child.tag, readDer(child.body, `${what} [${child.tag}]`));
  }
  return fields;
}

/** The field `[n]` of {@link contextFields}; throws when absent. */
export function field(fields: Map<number, Der>, n: number, what: string): Der {
  const el = fields.get(n);
  if (!el) throw badToken(`${what}: field [${n}] is missing`);
  return el;
}

/** An INTEGER (or ENUMERATED) that fits a JS number exactly (Kerberos uses 32-bit ones). */
export function derInt(el: Der, what: string): number {
  if (el.cls !== DerClass.UNIVERSAL || (el.tag !== DerTag.INTEGER && el.tag !== DerTag.ENUMERATED)) {
    throw badToken(`${what}: expected an INTEGER`);
  }
  const b = el.body;
  if (b.length === 0 || b.length > 6) throw badToken(`${what}: integer of ${b.length} bytes`);
  return b.readIntBE(0, b.length);
}

/** An OCTET STRING's contents. */
export function derOctets(el: Der, what: string): Buffer {
  return expectTag(el, DerClass.UNIVERSAL, DerTag.OCTET_STRING, what).body;
}

/** A KerberosString (GeneralString restricted to IA5) or other string type. */
export function derString(el: Der, what: string): string {
  const ok = [DerTag.GENERAL_STRING, DerTag.IA5_STRING, DerTag.UTF8_STRING] as number[];
  if (el.cls !== DerClass.UNIVERSAL || !ok.includes(el.tag)) throw badToken(`${what}: expected a string`);
  return el.body.toString('utf8');
}

/** A KerberosTime (GeneralizedTime `YYYYMMDDHHMMSSZ`), in ms since the epoch. */
export function derTime(el: Der, what: string): number {
  expectTag(el, DerClass.UNIVERSAL, DerTag.GENERALIZED_TIME, what);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(el.body.toString('latin1'));
  if (!m) throw badToken(`${what}: not a KerberosTime`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** An OBJECT IDENTIFIER in dotted form. */
export function derOid(el: Der, what: string): string {
  expectTag(el, DerClass.UNIVERSAL, DerTag.OID, what);
  const b = el.body;
  if (b.length === 0) throw badToken(`${what}: empty OID`);
  const arcs: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if ((b[i]! & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    } else if (i === b.length - 1) {
      throw badToken(`${what}: truncated OID`);
    }
  }
  return arcs.join('.');
}

/** A BIT STRING's bits, as bytes (the unused-bits count dropped). */
export function derBits(el: Der, what: string): Buffer {
  expectTag(el, DerClass.UNIVERSAL, DerTag.BIT_STRING, what);
  if (el.body.length === 0) throw badToken(`${what}: empty BIT STRING`);
  return el.body.subarray(1);
}

// ---- writer ----

/** Encodes one element from its class, form, tag and contents. */
export function encodeDer(cls: number, constructed: boolean, tag: number, body: Buffer): Buffer {
  const first = (cls << 6) | (constructed ? 0x20 : 0) | tag;
  return Buffer.concat([Buffer.from([first]), encodeLength(body.length), body]);
}

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Builders for the element types Kerberos and SPNEGO messages use. */
export const der = {
  /** SEQUENCE of the given encoded elements (undefined ones are left out: OPTIONAL fields). */
  seq: (...els: Array<Buffer | undefined>): Buffer =>
    encodeDer(DerClass.UNIVERSAL, true, DerTag.SEQUENCE, Buffer.concat(els.filter((e): e is Buffer => e !== undefined))),
  /** Explicit context tag `[n]`. */
  ctx: (n: number, el: Buffer): Buffer => encodeDer(DerClass.CONTEXT, true, n, el),
  /** Explicit application tag `[APPLICATION n]`. */
  app: (n: number, el: Buffer): Buffer => encodeDer(DerClass.APPLICATION, true, n, el),
  /** INTEGER (two's complement, minimal). */
  int: (n: number): Buffer => encodeDer(DerClass.UNIVERSAL, false, DerTag.INTEGER, intBytes(n)),
  /** ENUMERATED. */
  enumerated: (n: number): Buffer => encodeDer(DerClass.UNIVERSAL, false, DerTag.ENUMERATED, intBytes(n)),
  /** OCTET STRING. */
  octets: (b: Buffer): Buffer => encodeDer(DerClass.UNIVERSAL, false, DerTag.OCTET_STRING, b),
  /** KerberosString (GeneralString). */
  string: (s: string): Buffer => encodeDer(DerClass.UNIVERSAL, false, DerTag.GENERAL_STRING, Buffer.from(s, 'utf8')),
  /** KerberosTime, whole seconds. */
  time: (ms: number): Buffer => {
    const s = new Date(Math.floor(ms / 1000) * 1000)
      .toISOString()
      .replace(/[-:T]/g, '')
      .replace(/\.\d{3}/, '');
    return encodeDer(DerClass.UNIVERSAL, false, DerTag.GENERALIZED_TIME, Buffer.from(s, 'latin1'));
  },
  /** OBJECT IDENTIFIER from dotted form. */
  oid: (dotted: string): Buffer => encodeDer(DerClass.UNIVERSAL, false, DerTag.OID, oidBytes(dotted)),
  /** BIT STRING with no unused bits. */
  bits: (b: Buffer): Buffer => encodeDer(DerClass.UNIVERSAL, false, DerTag.BIT_STRING, Buffer.concat([Buffer.from([0]), b])),
};

function intBytes(n: number): Buffer {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
  const bytes: number[] = [];
  let v = BigInt(n);
  for (;;) {
    bytes.unshift(Number(v & 0xffn));
    const sign = bytes[0]! & 0x80;
    v >>= 8n;
    if ((v === 0n && !sign) || (v === -1n && sign)) break;
  }
  return Buffer.from(bytes);
}

/** The contents octets of an OID (no tag or length). */
export function oidBytes(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new RangeError(`not an OID: ${dotted}`);
  const out: number[] = [];
  const first = [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)];
  for (const arc of first) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return Buffer.from(out);
}

function className(cls: number): string {
  return ['UNIVERSAL', 'APPLICATION', 'CONTEXT', 'PRIVATE'][cls] ?? String(cls);
}
