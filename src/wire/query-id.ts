/**
 * Impala's printable query id. An operation handle's 16-byte guid holds the
 * query id as two 64-bit halves, each stored little-endian; impala-shell and
 * the web UI print them as `hi:lo` in 16 hex digits each.
 *
 * @module
 * @internal
 */

/** Formats an operation guid as Impala prints query ids; `undefined` for a malformed guid. */
export function queryIdFromGuid(guid: Buffer | undefined | null): string | undefined {
  if (!guid || guid.length < 16) return undefined;
  const hi = guid.readBigUInt64LE(0).toString(16).padStart(16, '0');
  const lo = guid.readBigUInt64LE(8).toString(16).padStart(16, '0');
  return `${hi}:${lo}`;
}

/** The inverse of {@link queryIdFromGuid}: the 16 guid bytes of a printable query id. */
export function guidFromQueryId(id: string): Buffer {
  const m = /^([0-9a-f]{1,16}):([0-9a-f]{1,16})$/i.exec(id);
  if (!m) throw new TypeError(`not an Impala query id: ${JSON.stringify(id)}`);
  const out = Buffer.alloc(16);
  out.writeBigUInt64LE(BigInt(`0x${m[1]}`), 0);
  out.writeBigUInt64LE(BigInt(`0x${m[2]}`), 8);
  return out;
}
