/**
 * Query ids and handle secrets as impalad makes them.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { queryIdFromGuid } from '../../wire/query-id.js';

/**
 * A fresh 16-byte query id in handle layout: `hi` then `lo`, each a
 * little-endian 64-bit integer. As in impalad, the low 32 bits of `lo` are
 * zero, because fragment instance ids are made by adding to them.
 */
export function newQueryId(): Buffer {
  const guid = randomBytes(16);
  guid.writeUInt32LE(0, 8);
  return guid;
}

/** A fresh 16-byte session id (a random UUID's bytes, as impalad uses). */
export function newSessionId(): Buffer {
  return randomBytes(16);
}

/** A fresh 16-byte handle secret. */
export function newSecret(): Buffer {
  return randomBytes(16);
}

/**
 * Formats a 16-byte handle guid the way impala-shell and the web UI print
 * query ids: `hex16(hi):hex16(lo)`, e.g. `5b4a3f2e1d0c9b8a:7f6e5d4c00000000`.
 *
 * @param guid - the 16 guid bytes of an operation (or session) handle
 * @throws TypeError when `guid` is not a Buffer of at least 16 bytes
 */
export function formatQueryId(guid: Buffer | Uint8Array): string {
  const buf = Buffer.isBuffer(guid) ? guid : Buffer.from(guid.buffer, guid.byteOffset, guid.byteLength);
  const id = queryIdFromGuid(buf);
  if (id === undefined) throw new TypeError(`guid must be 16 bytes, got ${buf.length}`);
  return id;
}

/** Map key for a handle guid; hex, so any bytes the client sends are a valid key. */
export function guidKey(guid: Buffer | null | undefined): string {
  return guid ? guid.toString('hex') : '';
}
