/**
 * MIT keytab files (format 0x0502, big-endian), as `kadmin ktadd` and
 * `ktutil` write them: a version word, then entries of a signed 32-bit size
 * (negative sizes are holes left by deleted entries) holding a principal, a
 * timestamp, a key version and one key.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { EncryptionKey } from './crypto.js';
import { KerberosAcceptError } from './errors.js';
import { formatPrincipal } from './principal.js';

/** One key of one principal. */
export interface KeytabEntry {
  /** `components/…@REALM`. */
  principal: string;
  /** Realm. */
  realm: string;
  /** Name components. */
  components: string[];
  /** Name type (1 principal, 3 service with host). */
  nameType: number;
  /** When the key was written, ms since the epoch. */
  timestamp: number;
  /** Key version number. */
  kvno: number;
  /** The key. Never log it. */
  key: EncryptionKey;
}

class Cursor {
  off = 0;
  constructor(
    readonly buf: Buffer,
    readonly end: number,
  ) {}
  need(n: number): void {
    if (this.off + n > this.end) throw new RangeError('entry ends early');
  }
  u8(): number {
    this.need(1);
    return this.buf[this.off++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.off);
    this.off += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return v;
  }
  counted(): Buffer {
    return this.bytes(this.u16());
  }
}

/**
 * Parses keytab bytes. `source` names the file in error messages.
 * Throws `no-key` for anything that is not a 0x0502 keytab.
 */
export function parseKeytab(bytes: Buffer, source = 'keytab'): KeytabEntry[] {
  const fail = (why: string): KerberosAcceptError => new KerberosAcceptError('no-key', `${source} is not a usable keytab: ${why}`);
  if (bytes.length < 2 || bytes[0] !== 0x05) throw fail('it does not start with a keytab version (0x05 0x02)');
  if (bytes[1] !== 0x02) throw fail(`keytab version 0x05 0x0${bytes[1]} is not supported (only 0x0502, what MIT and Java write)`);
  const entries: KeytabEntry[] = [];
  let off = 2;
  while (off + 4 <= bytes.length) {
    const size = bytes.readInt32BE(off);
    off += 4;
    if (size === 0) break;
    const len = Math.abs(size);
    if (off + len > bytes.length) throw fail(`entry at byte ${off - 4} says ${len} bytes but the file ends first`);
    if (size > 0) {
      try {
        entries.push(parseEntry(new Cursor(bytes.subarray(0, off + len), off + len), off));
      } catch (err) {
        throw fail(`entry at byte ${off - 4}: ${(err as Error).message}`);
      }
    }
    off += len;
  }
  return entries;
}

function parseEntry(c: Cursor, start: number): KeytabEntry {
  c.off = start;
  const count = c.u16();
  const realm = c.counted().toString('utf8');
  const components: string[] = [];
  for (let i = 0; i < count; i++) components.push(c.counted().toString('utf8'));
  const nameType = c.u32();
  const timestamp = c.u32() * 1000;
  let kvno = c.u8();
  const etype = c.u16();
  const value = Buffer.from(c.counted());
  // Since krb5 1.14 a 32-bit kvno may follow; it wins over the 8-bit one when present and nonzero.
  if (c.end - c.off >= 4) {
    const wide = c.u32();
    if (wide !== 0) kvno = wide;
  }
  return { principal: formatPrincipal(components, realm), realm, components, nameType, timestamp, kvno, key: { etype, value } };
}

/** Reads a keytab from a file path, or parses the given bytes. */
export function readKeytab(source: string | Buffer): KeytabEntry[] {
  if (typeof source !== 'string') return parseKeytab(source);
  let bytes: Buffer;
  try {
    bytes = readFileSync(source);
  } catch (err) {
    throw new KerberosAcceptError(
      'no-key',
      `cannot read keytab ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseKeytab(bytes, `keytab ${source}`);
}
