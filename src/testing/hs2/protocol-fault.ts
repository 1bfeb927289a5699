/**
 * Protocol-breaking answers for fuzzing clients: a coordinator in a fault
 * mode turns each of its replies into bytes a correct client must reject with
 * a clear error — never hang on, crash on, or allocate for.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { encodeFrame } from '../../wire/sasl-frames.js';

/** Fault modes. */
export type ProtocolFault =
  /** Random bytes of the reply's length. */
  | 'garbage'
  /** The first half of the reply, then the connection closes. */
  | 'truncate'
  /** A well-formed reply carrying the wrong sequence id. */
  | 'wrong-seqid'
  /** A reply (or SASL frame) that announces a 2 GiB string. */
  | 'huge-length'
  /** A well-formed reply whose result struct is empty: every required field (status, handles) missing. */
  | 'empty-reply';

/** All fault modes, for table-driven tests. */
export const PROTOCOL_FAULTS: readonly ProtocolFault[] = ['garbage', 'truncate', 'wrong-seqid', 'huge-length', 'empty-reply'];

/** What to put on the wire instead of `reply`; `close` ends the connection after it. */
export function corruptReply(fault: ProtocolFault, reply: Buffer, framed: boolean): { bytes: Buffer; close: boolean } {
  const wrap = (b: Buffer): Buffer => (framed ? encodeFrame(b) : b);
  switch (fault) {
    case 'garbage':
      return { bytes: randomBytes(Math.max(16, reply.length)), close: false };
    case 'truncate': {
      const whole = wrap(reply);
      return { bytes: whole.subarray(0, Math.max(1, Math.floor(whole.length / 2))), close: true };
    }
    case 'wrong-seqid': {
      const copy = Buffer.from(reply);
      // Strict header: version(4) name-length(4) name seqid(4).
      const nameLen = copy.readInt32BE(4);
      const at = 8 + nameLen;
      copy.writeInt32BE((copy.readInt32BE(at) + 7919) | 0, at);
      return { bytes: wrap(copy), close: false };
    }
    case 'huge-length': {
      if (framed) return { bytes: Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]), close: false };
      const nameLen = reply.readInt32BE(4);
      const header = reply.subarray(0, 8 + nameLen + 4);
      // Field 0 (the result struct), then a string field claiming 2^31-1 bytes.
      return { bytes: Buffer.concat([header, Buffer.from([12, 0, 0, 11, 0, 1, 0x7f, 0xff, 0xff, 0xff]), randomBytes(64)]), close: false };
    }
    case 'empty-reply': {
      const nameLen = reply.readInt32BE(4);
      const header = reply.subarray(0, 8 + nameLen + 4);
      // Field 0 (the result struct) with no fields, then the end of the reply.
      return { bytes: wrap(Buffer.concat([header, Buffer.from([12, 0, 0, 0, 0])])), close: false };
    }
  }
}
