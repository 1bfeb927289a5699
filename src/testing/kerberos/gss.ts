/**
 * The Kerberos GSS-API mechanism's tokens: the InitialContextToken framing
 * context-establishment tokens travel in (RFC 2743 section 3.1, RFC 1964
 * section 1.1: `0x60 len OID TOK_ID inner`), and the RFC 4121 per-message
 * wrap tokens (TOK_ID 05 04) of an established context, sealed or
 * integrity-only, in either direction.
 *
 * @module
 */
import { type EncryptionKey, getEnctype, KeyUsage } from './crypto.js';
import { DerClass, derOid, encodeDer, der, readDerPrefix } from './der.js';
import { badToken, KerberosAcceptError } from './errors.js';

/** The Kerberos V5 GSS-API mechanism (RFC 1964). */
export const KRB5_MECH_OID = '1.2.840.113554.1.2.2';
/** The OID Microsoft clients list for Kerberos (a historical typo of the real one, accepted alike). */
export const KRB5_MS_MECH_OID = '1.2.840.48018.1.2.2';

/** Context-establishment TOK_IDs. */
export const TokId = { AP_REQ: 0x0100, AP_REP: 0x0200, KRB_ERROR: 0x0300, WRAP: 0x0504, MIC: 0x0404 } as const;

/** GSS context flags (RFC 2744). */
export const GssFlag = { DELEG: 1, MUTUAL: 2, REPLAY: 4, SEQUENCE: 8, CONF: 16, INTEG: 32 } as const;

const FLAG_SENT_BY_ACCEPTOR = 0x01;
const FLAG_SEALED = 0x02;
const FLAG_ACCEPTOR_SUBKEY = 0x04;

/** Splits an InitialContextToken into its mech OID, TOK_ID and inner token. */
export function unframeToken(token: Buffer): { mech: string; tokId: number; inner: Buffer } {
  const { el, rest } = readDerPrefix(token, 'GSS-API token');
  if (el.cls !== DerClass.APPLICATION || el.tag !== 0 || !el.constructed) {
    throw badToken('not a GSS-API initial context token (it must start with 0x60)');
  }
  if (rest.length > 0) throw badToken(`${rest.length} bytes after the end of the GSS-API token`);
  const oid = readDerPrefix(el.body, 'GSS-API token mech');
  const mech = derOid(oid.el, 'GSS-API token mech');
  if (oid.rest.length < 2) throw badToken('GSS-API token has no TOK_ID');
  return { mech, tokId: oid.rest.readUInt16BE(0), inner: oid.rest.subarray(2) };
}

/** Frames an inner krb5 token with the mech OID and TOK_ID. */
export function frameToken(mech: string, tokId: number, inner: Buffer): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(tokId, 0);
  return encodeDer(DerClass.APPLICATION, true, 0, Buffer.concat([der.oid(mech), id, inner]));
}

/** What a security context is made of once established. */
export interface GssContextKeys {
  /** Which side this context object is. */
  role: 'acceptor' | 'initiator';
  /** The initiator's subkey (from the authenticator), or the session key if it sent none. */
  initiatorKey: EncryptionKey;
  /** The acceptor's subkey from the AP-REP, if one was asserted. */
  acceptorSubkey: EncryptionKey | undefined;
  /** First sequence number this side sends. */
  sendSeq: number;
  /** First sequence number expected from the peer. */
  recvSeq: number;
  /** GSS flags of the context (GssFlag bits). */
  flags: number;
}

/** Options for {@link GssSecurityContext.wrap}. */
export interface WrapOptions {
  /** Encrypt (sealed token, default) or only protect integrity. */
  confidential?: boolean;
  /** Right-rotation count to apply (RFC 4121 section 4.2.5); default 0 as MIT sends. */
  rrc?: number;
  /** Extra filler bytes for sealed tokens (the EC field); default 0. */
  ec?: number;
}

/**
 * An established krb5 security context: wraps and unwraps RFC 4121 tokens
 * with the acceptor subkey when one was asserted, else the initiator's
 * subkey, else the session key, and the key usage of the sending side.
 */
export class GssSecurityContext {
  /** GSS flags the initiator asked for. */
  readonly flags: number;
  private readonly role: 'acceptor' | 'initiator';
  private readonly initiatorKey: EncryptionKey;
  private readonly acceptorSubkey: EncryptionKey | undefined;
  private sendSeq: bigint;
  private recvSeq: bigint;
  private readonly seen = new Set<bigint>();

  /** @param keys - keys, sequence numbers and flags of the context */
  constructor(keys: GssContextKeys) {
    this.role = keys.role;
    this.flags = keys.flags;
    this.initiatorKey = keys.initiatorKey;
    this.acceptorSubkey = keys.acceptorSubkey;
    this.sendSeq = BigInt(keys.sendSeq);
    this.recvSeq = BigInt(keys.recvSeq);
  }

  /** Protects `message` in a wrap token for the peer. */
  wrap(message: Buffer, options: WrapOptions = {}): Buffer {
    const confidential = options.confidential ?? true;
    const key = this.acceptorSubkey ?? this.initiatorKey;
    const enctype = getEnctype(key.etype);
    const acceptor = this.role === 'acceptor';
    const header = Buffer.alloc(16);
    header.writeUInt16BE(TokId.WRAP, 0);
    header[2] =
      (acceptor ? FLAG_SENT_BY_ACCEPTOR : 0) | (confidential ? FLAG_SEALED : 0) | (this.acceptorSubkey ? FLAG_ACCEPTOR_SUBKEY : 0);
    header[3] = 0xff;
    header.writeBigUInt64BE(this.sendSeq, 8);
    // RFC 4121 section 2: every Wrap token, sealed or not, uses the SEAL usage; SIGN is for MIC tokens.
    const usage = acceptor ? KeyUsage.ACCEPTOR_SEAL : KeyUsage.INITIATOR_SEAL;
    let body: Buffer;
    if (confidential) {
      const ec = options.ec ?? 0;
      header.writeUInt16BE(ec, 4);
      // The encrypted copy of the header has RRC 0, whatever the outer one says.
      body = enctype.encrypt(key.value, usage, Buffer.concat([message, Buffer.alloc(ec, 0xff), header]));
    } else {
      // The checksum covers the header with EC and RRC both 0; EC then carries the checksum length.
      const sum = enctype.checksum(key.value, usage, Buffer.concat([message, header]));
      header.writeUInt16BE(sum.length, 4);
      body = Buffer.concat([message, sum]);
    }
    const rrc = options.rrc ?? 0;
    header.writeUInt16BE(rrc, 6);
    this.sendSeq = (this.sendSeq + 1n) & 0xffffffffffffffffn;
    return Buffer.concat([header, rotateRight(body, rrc)]);
  }

  /** Verifies (and decrypts) a wrap token from the peer. */
  unwrap(token: Buffer): { message: Buffer; confidential: boolean } {
    if (token.length < 16) throw badToken(`wrap token of ${token.length} bytes is shorter than its 16-byte header`);
    const tokId = token.readUInt16BE(0);
    if (tokId !== TokId.WRAP) throw badToken(`expected a wrap token (TOK_ID 05 04), got ${token.subarray(0, 2).toString('hex')}`);
    const flags = token[2]!;
    if (token[3] !== 0xff) throw badToken('wrap token filler byte is not 0xFF');
    const fromAcceptor = (flags & FLAG_SENT_BY_ACCEPTOR) !== 0;
    if (fromAcceptor !== (this.role === 'initiator')) {
      throw badToken(`wrap token says it was sent by the ${fromAcceptor ? 'acceptor' : 'initiator'}: a reflected token`);
    }
    let key = this.initiatorKey;
    if (flags & FLAG_ACCEPTOR_SUBKEY) {
      if (!this.acceptorSubkey) throw badToken('wrap token is protected with an acceptor subkey, but none was agreed');
      key = this.acceptorSubkey;
    }
    const enctype = getEnctype(key.etype);
    const ec = token.readUInt16BE(4);
    const rrc = token.readUInt16BE(6);
    const seq = token.readBigUInt64BE(8);
    const body = rotateLeft(token.subarray(16), rrc);
    const sealed = (flags & FLAG_SEALED) !== 0;
    const usage = fromAcceptor ? KeyUsage.ACCEPTOR_SEAL : KeyUsage.INITIATOR_SEAL;
    let message: Buffer;
    if (sealed) {
      const plain = decryptOrIntegrity(() => enctype.decrypt(key.value, usage, body));
      if (plain.length < 16 + ec) throw badToken('sealed wrap token is too short for its filler and header');
      const inner = Buffer.from(plain.subarray(plain.length - 16));
      const outer = Buffer.from(token.subarray(0, 16));
      // RRC is not protected (rotation happens after encryption); everything else must match.
      inner.writeUInt16BE(0, 6);
      outer.writeUInt16BE(0, 6);
      if (!inner.equals(outer)) throw new KerberosAcceptError('integrity', 'sealed wrap token header does not match its encrypted copy');
      message = plain.subarray(0, plain.length - 16 - ec);
    } else {
      if (ec !== enctype.checksumBytes || body.length < ec) {
        throw badToken(`integrity wrap token has EC ${ec}, expected the ${enctype.checksumBytes}-byte checksum length`);
      }
      message = body.subarray(0, body.length - ec);
      const header = Buffer.from(token.subarray(0, 16));
      header.writeUInt32BE(0, 4);
      const expected = enctype.checksum(key.value, usage, Buffer.concat([message, header]));
      if (!expected.equals(body.subarray(body.length - ec))) {
        throw new KerberosAcceptError('integrity', 'wrap token checksum does not match: the message was altered or the key is wrong');
      }
    }
    this.checkSequence(seq);
    return { message: Buffer.from(message), confidential: sealed };
  }

  private checkSequence(seq: bigint): void {
    const ordered = (this.flags & GssFlag.SEQUENCE) !== 0;
    const replayDetect = (this.flags & (GssFlag.REPLAY | GssFlag.SEQUENCE)) !== 0;
    if (replayDetect && (seq < this.recvSeq || this.seen.has(seq))) {
      throw new KerberosAcceptError('replay', `wrap token sequence number ${seq} was already used (next expected ${this.recvSeq})`);
    }
    if (ordered && seq !== this.recvSeq) {
      throw badToken(`wrap token sequence number ${seq} is out of order (expected ${this.recvSeq})`);
    }
    if (seq === this.recvSeq) {
      this.recvSeq += 1n;
      while (this.seen.delete(this.recvSeq)) this.recvSeq += 1n;
    } else if (seq > this.recvSeq) {
      this.seen.add(seq);
    }
  }
}

function decryptOrIntegrity(run: () => Buffer): Buffer {
  try {
    return run();
  } catch (err) {
    if (err instanceof KerberosAcceptError) {
      throw new KerberosAcceptError(err.reason, `wrap token: ${err.message}`);
    }
    throw badToken(`wrap token cannot be decrypted: ${(err as Error).message}`);
  }
}

function rotateRight(b: Buffer, n: number): Buffer {
  if (b.length === 0) return b;
  const r = n % b.length;
  return r === 0 ? b : Buffer.concat([b.subarray(b.length - r), b.subarray(0, b.length - r)]);
}

function rotateLeft(b: Buffer, n: number): Buffer {
  if (b.length === 0) return b;
  const r = n % b.length;
  return r === 0 ? b : Buffer.concat([b.subarray(r), b.subarray(0, r)]);
}
