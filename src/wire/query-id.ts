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
