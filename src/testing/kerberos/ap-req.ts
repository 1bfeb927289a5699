/**
 * The Kerberos messages of one authentication (RFC 4120 sections 5.3 and
 * 5.5): the AP-REQ a client sends (its ticket, encrypted in the service key
 * under key usage 2, and its authenticator, in the ticket's session key
 * under usage 11), the GSS-API checksum (type 0x8003, RFC 4121 section
 * 4.1.1) the authenticator carries the context flags in, and the AP-REP
 * (usage 12) that proves to the client that we could read its ticket.
 *
 * @module
 */
import { type EncryptionKey, getEnctype, KeyUsage } from './crypto.js';
import {
  application,
  type Der,
  der,
  derBits,
  derChildren,
  contextFields,
  derInt,
  derOctets,
  derString,
  derTime,
  field,
  readDer,
} from './der.js';
import { badToken } from './errors.js';
import { formatPrincipal } from './principal.js';

/** A principal as Kerberos messages carry it. */
export interface PrincipalName {
  /** Name type. */
  nameType: number;
  /** Components. */
  components: string[];
}

/** An EncryptedData: ciphertext with its enctype and key version. */
export interface EncryptedData {
  /** Enctype of the key it is encrypted in. */
  etype: number;
  /** Key version, when the sender gave one. */
  kvno: number | undefined;
  /** Ciphertext. */
  cipher: Buffer;
}

/** A ticket as it travels (its secret part still encrypted). */
export interface Ticket {
  /** Realm of the service. */
  realm: string;
  /** Service principal. */
  sname: PrincipalName;
  /** The EncTicketPart, encrypted in the service key. */
  encPart: EncryptedData;
}

/** A decoded AP-REQ. */
export interface ApReq {
  /** AP options (bit 1 use-session-key, bit 2 mutual-required), as the first 32 bits. */
  apOptions: number;
  /** Whether the client asked for mutual authentication in the AP options. */
  mutualRequired: boolean;
  /** The ticket. */
  ticket: Ticket;
  /** The authenticator, encrypted in the session key. */
  authenticator: EncryptedData;
}

/** The secret part of a ticket. */
export interface EncTicketPart {
  /** Ticket flags as the first 32 bits (bit 0 is the most significant). */
  flags: number;
  /** The session key the KDC chose for client and service. */
  sessionKey: EncryptionKey;
  /** Client realm. */
  crealm: string;
  /** Client principal name. */
  cname: PrincipalName;
  /** When the client first authenticated, ms. */
  authtime: number;
  /** When the ticket becomes valid (defaults to authtime), ms. */
  starttime: number | undefined;
  /** When the ticket expires, ms. */
  endtime: number;
}

/** A decrypted authenticator. */
export interface Authenticator {
  /** Client realm. */
  crealm: string;
  /** Client principal name. */
  cname: PrincipalName;
  /** Checksum type and value, when present. */
  cksum: { type: number; value: Buffer } | undefined;
  /** Client time, ms (whole seconds). */
  ctime: number;
  /** Microseconds part of the client time. */
  cusec: number;
  /** The initiator's subkey, when it sent one. */
  subkey: EncryptionKey | undefined;
  /** The initiator's initial sequence number (unsigned 32-bit). */
  seqNumber: number | undefined;
}

/** The GSS-API checksum type that carries context flags (RFC 4121 section 4.1.1). */
export const GSS_CHECKSUM_TYPE = 0x8003;

/** Ticket flag `invalid` (postdated, not yet validated), as a mask of the first 32 bits. */
export const TICKET_FLAG_INVALID = 0x80000000 >>> 7;

function principalName(el: Der, what: string): PrincipalName {
  const f = contextFields(el, what);
  const nameType = derInt(field(f, 0, what), `${what} name-type`);
  const components = derChildren(field(f, 1, what), what).map((c) => derString(c, `${what} name-string`));
  return { nameType, components };
}

/** `components@realm` text of a principal name. */
export function principalText(name: PrincipalName, realm: string): string {
  return formatPrincipal(name.components, realm);
}

function encryptedData(el: Der, what: string): EncryptedData {
  const f = contextFields(el, what);
  const kvno = f.get(1);
  return {
    etype: derInt(field(f, 0, what), `${what} etype`),
    kvno: kvno ? derInt(kvno, `${what} kvno`) >>> 0 : undefined,
    cipher: derOctets(field(f, 2, what), `${what} cipher`),
  };
}

function encryptionKey(el: Der, what: string): EncryptionKey {
  const f = contextFields(el, what);
  return { etype: derInt(field(f, 0, what), `${what} keytype`), value: Buffer.from(derOctets(field(f, 1, what), `${what} keyvalue`)) };
}

function flags32(bits: Buffer): number {
  const b = Buffer.alloc(4);
  bits.copy(b, 0, 0, Math.min(4, bits.length));
  return b.readUInt32BE(0);
}

function checkVersion(fields: Map<number, Der>, n: number, expected: number, what: string): void {
  const v = derInt(field(fields, n, what), what);
  if (v !== expected) throw badToken(`${what} is ${v}, expected ${expected}`);
}

/** Decodes an AP-REQ (`[APPLICATION 14]`). */
export function decodeApReq(bytes: Buffer): ApReq {
  const outer = readDer(bytes, 'AP-REQ');
  if (outer.cls === 1 && outer.tag === 30) throw badToken('the client sent a KRB-ERROR instead of an AP-REQ');
  const f = contextFields(application(outer, 14, 'AP-REQ'), 'AP-REQ');
  checkVersion(f, 0, 5, 'AP-REQ pvno');
  checkVersion(f, 1, 14, 'AP-REQ msg-type');
  const apOptions = flags32(derBits(field(f, 2, 'AP-REQ'), 'AP-REQ ap-options'));
  const t = contextFields(application(field(f, 3, 'AP-REQ'), 1, 'Ticket'), 'Ticket');
  checkVersion(t, 0, 5, 'Ticket tkt-vno');
  const ticket: Ticket = {
    realm: derString(field(t, 1, 'Ticket'), 'Ticket realm'),
    sname: principalName(field(t, 2, 'Ticket'), 'Ticket sname'),
    encPart: encryptedData(field(t, 3, 'Ticket'), 'Ticket enc-part'),
  };
  return {
    apOptions,
    mutualRequired: (apOptions & 0x20000000) !== 0,
    ticket,
    authenticator: encryptedData(field(f, 4, 'AP-REQ'), 'AP-REQ authenticator'),
  };
}

/**
 * Decrypts a ticket's EncTicketPart with the service key (usage 2).
 * Throws `integrity` when the key is not the one it was sealed with.
 */
export function decryptTicket(ticket: Ticket, serviceKey: EncryptionKey): EncTicketPart {
  const plain = getEnctype(serviceKey.etype).decrypt(serviceKey.value, KeyUsage.TICKET, ticket.encPart.cipher);
  return decodeEncTicketPart(plain);
}

/** Decodes a decrypted EncTicketPart (`[APPLICATION 3]`). */
export function decodeEncTicketPart(plain: Buffer): EncTicketPart {
  const what = 'EncTicketPart';
  const f = contextFields(application(readDer(plain, what), 3, what), what);
  const start = f.get(6);
  return {
    flags: flags32(derBits(field(f, 0, what), `${what} flags`)),
    sessionKey: encryptionKey(field(f, 1, what), `${what} key`),
    crealm: derString(field(f, 2, what), `${what} crealm`),
    cname: principalName(field(f, 3, what), `${what} cname`),
    authtime: derTime(field(f, 5, what), `${what} authtime`),
    starttime: start ? derTime(start, `${what} starttime`) : undefined,
    endtime: derTime(field(f, 7, what), `${what} endtime`),
  };
}

/** Decrypts and decodes the authenticator (usage 11) with the session key. */
export function decryptAuthenticator(apReq: ApReq, sessionKey: EncryptionKey): Authenticator {
  const what = 'Authenticator';
  if (apReq.authenticator.etype !== sessionKey.etype) {
    throw badToken(`authenticator is encrypted with enctype ${apReq.authenticator.etype}, the session key is enctype ${sessionKey.etype}`);
  }
  const plain = getEnctype(sessionKey.etype).decrypt(sessionKey.value, KeyUsage.AP_REQ_AUTHENTICATOR, apReq.authenticator.cipher);
  const f = contextFields(application(readDer(plain, what), 2, what), what);
  checkVersion(f, 0, 5, `${what} authenticator-vno`);
  const cksum = f.get(3);
  let checksum: Authenticator['cksum'];
  if (cksum) {
    const c = contextFields(cksum, `${what} cksum`);
    checksum = { type: derInt(field(c, 0, what), `${what} cksumtype`), value: derOctets(field(c, 1, what), `${what} checksum`) };
  }
  const subkey = f.get(6);
  const seq = f.get(7);
  return {
    crealm: derString(field(f, 1, what), `${what} crealm`),
    cname: principalName(field(f, 2, what), `${what} cname`),
    cksum: checksum,
    cusec: derInt(field(f, 4, what), `${what} cusec`),
    ctime: derTime(field(f, 5, what), `${what} ctime`),
    subkey: subkey ? encryptionKey(subkey, `${what} subkey`) : undefined,
    // Old MIT releases encoded sequence numbers as signed 32-bit; read them back as unsigned.
    seqNumber: seq ? derInt(seq, `${what} seq-number`) >>> 0 : undefined,
  };
}

/** What the 0x8003 checksum says. */
export interface GssChecksum {
  /** GSS context flags the initiator asked for (GSS_C_*_FLAG bits). */
  flags: number;
  /** MD5 of the initiator's channel bindings, or zeros. */
  channelBindings: Buffer;
  /** Whether a delegated credential (KRB-CRED) is attached. */
  delegated: boolean;
}

/** Parses a 0x8003 checksum value (Lgth, Bnd, Flags, optional delegation). */
export function parseGssChecksum(value: Buffer): GssChecksum {
  if (value.length < 24) throw badToken(`GSS checksum of ${value.length} bytes is shorter than its fixed 24-byte part`);
  const bndLength = value.readUInt32LE(0);
  if (bndLength !== 16) throw badToken(`GSS checksum channel-binding length is ${bndLength}, expected 16`);
  const flags = value.readUInt32LE(20);
  return { flags, channelBindings: value.subarray(4, 20), delegated: (flags & 1) !== 0 && value.length >= 28 };
}

/** The fields of an AP-REP's secret part. */
export interface ApRepParts {
  /** The authenticator's ctime, echoed. */
  ctime: number;
  /** The authenticator's cusec, echoed. */
  cusec: number;
  /** Acceptor subkey, if we chose one. */
  subkey: EncryptionKey | undefined;
  /** Our initial sequence number. */
  seqNumber: number | undefined;
}

/** Builds an AP-REP (`[APPLICATION 15]`), its EncAPRepPart sealed in the session key (usage 12). */
export function encodeApRep(sessionKey: EncryptionKey, parts: ApRepParts): Buffer {
  const encPart = der.app(
    27,
    der.seq(
      der.ctx(0, der.time(parts.ctime)),
      der.ctx(1, der.int(parts.cusec)),
      parts.subkey ? der.ctx(2, der.seq(der.ctx(0, der.int(parts.subkey.etype)), der.ctx(1, der.octets(parts.subkey.value)))) : undefined,
      parts.seqNumber === undefined ? undefined : der.ctx(3, der.int(parts.seqNumber)),
    ),
  );
  const cipher = getEnctype(sessionKey.etype).encrypt(sessionKey.value, KeyUsage.AP_REP, encPart);
  return der.app(
    15,
    der.seq(
      der.ctx(0, der.int(5)),
      der.ctx(1, der.int(15)),
      der.ctx(2, der.seq(der.ctx(0, der.int(sessionKey.etype)), der.ctx(2, der.octets(cipher)))),
    ),
  );
}
