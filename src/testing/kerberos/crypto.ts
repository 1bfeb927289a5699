/**
 * Kerberos encryption and checksum types on node:crypto alone: the RFC 3961
 * simplified profile with n-fold and DK key derivation, as RFC 3962 uses it
 * for aes128-cts-hmac-sha1-96 (17) and aes256-cts-hmac-sha1-96 (18), and
 * RFC 8009's aes128-cts-hmac-sha256-128 (19) and aes256-cts-hmac-sha384-192
 * (20). All four encrypt with AES in CBC mode with ciphertext stealing (CS3,
 * the last two blocks swapped), IV 0, behind a random 16-byte confounder.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { KerberosAcceptError } from './errors.js';

/** Key usage numbers (RFC 4120 section 7.5.1, RFC 4121 section 2). */
export const KeyUsage = {
  /** Ticket's EncTicketPart, in the service key. */
  TICKET: 2,
  /** AP-REQ Authenticator, in the session key. */
  AP_REQ_AUTHENTICATOR: 11,
  /** AP-REP EncAPRepPart, in the session key. */
  AP_REP: 12,
  /** GSS wrap token sealed by the acceptor. */
  ACCEPTOR_SEAL: 22,
  /** GSS wrap/MIC token signed by the acceptor. */
  ACCEPTOR_SIGN: 23,
  /** GSS wrap token sealed by the initiator. */
  INITIATOR_SEAL: 24,
  /** GSS wrap/MIC token signed by the initiator. */
  INITIATOR_SIGN: 25,
} as const;

/** A key with its encryption type. */
export interface EncryptionKey {
  /** Encryption type number (17, 18, 19 or 20 for keys this module can use). */
  etype: number;
  /** Key bytes. Never log these. */
  value: Buffer;
}

/** One encryption type: what the acceptor needs of it. */
export interface Enctype {
  /** Enctype number. */
  readonly id: number;
  /** MIT name, e.g. `aes256-cts-hmac-sha1-96`. */
  readonly name: string;
  /** Key length in bytes. */
  readonly keyBytes: number;
  /** Checksum type number of its keyed checksum. */
  readonly cksumtype: number;
  /** Length of that checksum (and of the encryption's integrity tag), bytes. */
  readonly checksumBytes: number;
  /** Encrypts; `confounder` is for test vectors only (default random). */
  encrypt(key: Buffer, usage: number, plain: Buffer, confounder?: Buffer): Buffer;
  /** Decrypts and verifies; throws `integrity` when the tag does not match. Returns the plaintext without the confounder. */
  decrypt(key: Buffer, usage: number, cipher: Buffer): Buffer;
  /** The keyed checksum of `data`. */
  checksum(key: Buffer, usage: number, data: Buffer): Buffer;
  /** Derives a key from a password and salt (RFC 3962 section 4 / RFC 8009 section 4). */
  stringToKey(password: string, salt: string | Buffer, iterations?: number): Buffer;
}

/**
 * RFC 3961 n-fold: stretches or folds `input` to `outBytes` by repeating it
 * rotated 13 bits right each time and adding the copies in ones'-complement.
 */
export function nfold(input: Buffer, outBytes: number): Buffer {
  const inBytes = input.length;
  const lcm = (inBytes * outBytes) / gcd(inBytes, outBytes);
  const out = new Array<number>(outBytes).fill(0);
  let carry = 0;
  // Walk the lcm-long stream from the least significant byte, as MIT does.
  for (let i = lcm - 1; i >= 0; i--) {
    const msbit =
      ((inBytes << 3) - 1 + ((inBytes << 3) + 13) * Math.floor(i / inBytes) + ((inBytes - (i % inBytes)) << 3)) % (inBytes << 3);
    const hi = input[(inBytes - 1 - (msbit >> 3)) % inBytes]!;
    const lo = input[(inBytes - (msbit >> 3)) % inBytes]!;
    const byte = (((hi << 8) | lo) >> ((msbit & 7) + 1)) & 0xff;
    carry += byte + out[i % outBytes]!;
    out[i % outBytes] = carry & 0xff;
    carry >>= 8;
  }
  // End-around carry (ones'-complement addition), one pass as MIT does it.
  for (let i = outBytes - 1; carry > 0 && i >= 0; i--) {
    carry += out[i]!;
    out[i] = carry & 0xff;
    carry >>= 8;
  }
  return Buffer.from(out);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function aesName(key: Buffer, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 32) throw new RangeError(`AES key of ${key.length} bytes`);
  return `aes-${key.length * 8}-${mode}`;
}

function cbc(key: Buffer, iv: Buffer, data: Buffer, encrypt: boolean): Buffer {
  const c = encrypt ? createCipheriv(aesName(key, 'cbc'), key, iv) : createDecipheriv(aesName(key, 'cbc'), key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

function ecbBlock(key: Buffer, block: Buffer, encrypt: boolean): Buffer {
  const c = encrypt ? createCipheriv(aesName(key, 'ecb'), key, null) : createDecipheriv(aesName(key, 'ecb'), key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** AES-CBC with ciphertext stealing as RFC 3962 defines it (input of at least one block). */
export function aesCtsEncrypt(key: Buffer, iv: Buffer, plain: Buffer): Buffer {
  if (plain.length < 16) throw new RangeError('AES-CTS needs at least 16 bytes');
  const m = Math.ceil(plain.length / 16);
  const padded = Buffer.alloc(m * 16);
  plain.copy(padded);
  const c = cbc(key, iv, padded, true);
  if (m === 1) return c;
  // CBC over the zero-padded input, then swap the last two blocks and cut the new last one short.
  const d = plain.length - 16 * (m - 1);
  return Buffer.concat([c.subarray(0, 16 * (m - 2)), c.subarray(16 * (m - 1)), c.subarray(16 * (m - 2), 16 * (m - 2) + d)]);
}

/** Inverse of {@link aesCtsEncrypt}. */
export function aesCtsDecrypt(key: Buffer, iv: Buffer, cipher: Buffer): Buffer {
  if (cipher.length < 16) throw new RangeError('AES-CTS needs at least 16 bytes');
  const m = Math.ceil(cipher.length / 16);
  if (m === 1) return cbc(key, iv, cipher, false);
  const d = cipher.length - 16 * (m - 1);
  const head = cipher.subarray(0, 16 * (m - 2));
  const last = cipher.subarray(16 * (m - 2), 16 * (m - 1));
  const tail = cipher.subarray(16 * (m - 1));
  const prev = m > 2 ? head.subarray(head.length - 16) : iv;
  const dn = ecbBlock(key, last, false);
  // The stolen bytes of the second-to-last cipher block are the tail of dn (the plaintext padding was zeros).
  const full = Buffer.concat([tail, dn.subarray(d)]);
  const pm = xor(dn.subarray(0, d), tail);
  const pm1 = xor(ecbBlock(key, full, false), prev);
  return Buffer.concat([m > 2 ? cbc(key, iv, head, false) : Buffer.alloc(0), pm1, pm]);
}

const ZERO_IV = Buffer.alloc(16);

function usageConstant(usage: number, kind: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt32BE(usage, 0);
  b[4] = kind;
  return b;
}

/** RFC 3961 DK(key, constant) with AES as E (random-to-key is the identity for AES). */
export function deriveKeyDk(key: Buffer, constant: Buffer): Buffer {
  let block = constant.length === 16 ? constant : nfold(constant, 16);
  const parts: Buffer[] = [];
  let have = 0;
  while (have < key.length) {
    block = ecbBlock(key, block, true);
    parts.push(block);
    have += 16;
  }
  return Buffer.concat(parts).subarray(0, key.length);
}

/** RFC 8009 KDF-HMAC-SHA2(key, label, k) with an empty context. */
export function kdfHmacSha2(hash: 'sha256' | 'sha384', key: Buffer, label: Buffer, bits: number): Buffer {
  const k = Buffer.alloc(4);
  k.writeUInt32BE(bits, 0);
  const mac = createHmac(hash, key)
    .update(Buffer.from([0, 0, 0, 1]))
    .update(label)
    .update(Buffer.from([0]))
    .update(k)
    .digest();
  return mac.subarray(0, bits / 8);
}

function integrityFailure(): KerberosAcceptError {
  return new KerberosAcceptError('integrity', 'decryption integrity check failed: wrong key, or the data was altered');
}

function checkTag(expected: Buffer, got: Buffer): void {
  if (expected.length !== got.length || !timingSafeEqual(expected, got)) throw integrityFailure();
}

/** RFC 3962: AES with HMAC-SHA1-96 and n-fold/DK key derivation. */
function sha1Profile(id: number, name: string, keyBytes: number, cksumtype: number): Enctype {
  const h = 12;
  const derive = (key: Buffer, usage: number, kind: number): Buffer => deriveKeyDk(key, usageConstant(usage, kind));
  const hmac = (key: Buffer, data: Buffer): Buffer => createHmac('sha1', key).update(data).digest().subarray(0, h);
  return {
    id,
    name,
    keyBytes,
    cksumtype,
    checksumBytes: h,
    encrypt(key, usage, plain, confounder = randomBytes(16)) {
      const data = Buffer.concat([confounder, plain]);
      return Buffer.concat([aesCtsEncrypt(derive(key, usage, 0xaa), ZERO_IV, data), hmac(derive(key, usage, 0x55), data)]);
    },
    decrypt(key, usage, cipher) {
      if (cipher.length < 16 + h) throw integrityFailure();
      const data = aesCtsDecrypt(derive(key, usage, 0xaa), ZERO_IV, cipher.subarray(0, cipher.length - h));
      checkTag(hmac(derive(key, usage, 0x55), data), cipher.subarray(cipher.length - h));
      return data.subarray(16);
    },
    checksum(key, usage, data) {
      return hmac(derive(key, usage, 0x99), data);
    },
    stringToKey(password, salt, iterations = 4096) {
      const tkey = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, keyBytes, 'sha1');
      return deriveKeyDk(tkey, Buffer.from('kerberos', 'latin1'));
    },
  };
}

/** RFC 8009: AES with HMAC-SHA2 and KDF-HMAC-SHA2 key derivation. */
function sha2Profile(id: number, name: string, keyBytes: number, cksumtype: number, hash: 'sha256' | 'sha384'): Enctype {
  const h = hash === 'sha256' ? 16 : 24;
  const keBits = keyBytes * 8;
  const derive = (key: Buffer, usage: number, kind: number): Buffer =>
    kdfHmacSha2(hash, key, usageConstant(usage, kind), kind === 0xaa ? keBits : h * 8);
  const hmac = (key: Buffer, ...data: Buffer[]): Buffer => {
    const m = createHmac(hash, key);
    for (const d of data) m.update(d);
    return m.digest().subarray(0, h);
  };
  return {
    id,
    name,
    keyBytes,
    cksumtype,
    checksumBytes: h,
    encrypt(key, usage, plain, confounder = randomBytes(16)) {
      const c = aesCtsEncrypt(derive(key, usage, 0xaa), ZERO_IV, Buffer.concat([confounder, plain]));
      // RFC 8009 MACs the cipher state (IV) and the ciphertext, not the plaintext.
      return Buffer.concat([c, hmac(derive(key, usage, 0x55), ZERO_IV, c)]);
    },
    decrypt(key, usage, cipher) {
      if (cipher.length < 16 + h) throw integrityFailure();
      const c = cipher.subarray(0, cipher.length - h);
      checkTag(hmac(derive(key, usage, 0x55), ZERO_IV, c), cipher.subarray(cipher.length - h));
      return aesCtsDecrypt(derive(key, usage, 0xaa), ZERO_IV, c).subarray(16);
    },
    checksum(key, usage, data) {
      return hmac(derive(key, usage, 0x99), data);
    },
    stringToKey(password, salt, iterations = 32768) {
      const saltp = Buffer.concat([Buffer.from(name, 'latin1'), Buffer.from([0]), Buffer.from(salt)]);
      const tkey = pbkdf2Sync(Buffer.from(password, 'utf8'), saltp, iterations, keyBytes, hash);
      return kdfHmacSha2(hash, tkey, Buffer.from('kerberos', 'latin1'), keBits);
    },
  };
}

const ENCTYPES: ReadonlyMap<number, Enctype> = new Map(
  [
    sha1Profile(17, 'aes128-cts-hmac-sha1-96', 16, 15),
    sha1Profile(18, 'aes256-cts-hmac-sha1-96', 32, 16),
    sha2Profile(19, 'aes128-cts-hmac-sha256-128', 16, 19, 'sha256'),
    sha2Profile(20, 'aes256-cts-hmac-sha384-192', 32, 20, 'sha384'),
  ].map((e) => [e.id, e]),
);

/** Names of enctypes this module cannot do, so refusals can name them. */
const OTHER_NAMES: Readonly<Record<number, string>> = {
  1: 'des-cbc-crc',
  3: 'des-cbc-md5',
  16: 'des3-cbc-sha1',
  23: 'arcfour-hmac (rc4)',
  24: 'arcfour-hmac-exp',
  25: 'camellia128-cts-cmac',
  26: 'camellia256-cts-cmac',
};

/** A readable name for an enctype number, known or not. */
export function enctypeName(etype: number): string {
  return ENCTYPES.get(etype)?.name ?? OTHER_NAMES[etype] ?? `enctype ${etype}`;
}

/** The implementation of `etype`; throws `unsupported-enctype` for any other. */
export function getEnctype(etype: number): Enctype {
  const e = ENCTYPES.get(etype);
  if (!e) {
    throw new KerberosAcceptError(
      'unsupported-enctype',
      `${enctypeName(etype)} is not supported: use aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96, aes128-cts-hmac-sha256-128 or aes256-cts-hmac-sha384-192`,
    );
  }
  return e;
}

/** Whether `etype` is one this module implements. */
export function isSupportedEnctype(etype: number): boolean {
  return ENCTYPES.has(etype);
}

/** A fresh random key of `etype` (random-to-key is the identity for AES). */
export function randomKey(etype: number): EncryptionKey {
  return { etype, value: randomBytes(getEnctype(etype).keyBytes) };
}
