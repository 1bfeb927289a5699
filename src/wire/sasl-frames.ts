/**
 * SASL transport framing as HiveServer2 uses it (TSaslTransport): during
 * negotiation each message is `[status:1][length:4][payload]`; afterwards every
 * Thrift write is one `[length:4][payload]` frame. Lengths are checked against
 * a cap before anything is allocated, so a peer that announces a 2 GB frame is
 * refused at once.
 *
 * @module
 * @internal
 */
import { MessageTooLargeError, ProtocolError } from '../errors.js';

/** SASL negotiation status bytes. */
export const SaslStatus = {
  START: 0x01,
  OK: 0x02,
  BAD: 0x03,
  ERROR: 0x04,
  COMPLETE: 0x05,
} as const;

/** One negotiation message. */
export interface SaslMessage {
  status: number;
  payload: Buffer;
}

/** Encodes a negotiation message. */
export function encodeSaslMessage(status: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out[0] = status;
  out.writeUInt32BE(payload.length, 1);
  payload.copy(out, 5);
  return out;
}

/** Encodes one data frame. */
export function encodeFrame(payload: Buffer): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(payload.length, 0);
  return Buffer.concat([head, payload]);
}

/**
 * Incremental parser for both phases: negotiation messages first, then data
 * frames. Switch with {@link FrameParser.startData}.
 */
export class FrameParser {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private negotiating = true;

  /** @param maxFrameBytes - largest frame or negotiation payload accepted */
  constructor(private readonly maxFrameBytes: number) {}

  /** Switches from negotiation messages to data frames. */
  startData(): void {
    this.negotiating = false;
  }

  /** Adds bytes. */
  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingLen += chunk.length;
  }

  /** Next whole negotiation message, or undefined when more bytes are needed. */
  nextSaslMessage(): SaslMessage | undefined {
    if (!this.negotiating) throw new Error('SASL negotiation is over');
    const head = this.peek(5);
    if (!head) return undefined;
    const status = head[0]!;
    if (status < SaslStatus.START || status > SaslStatus.COMPLETE) {
      throw new ProtocolError(`not a SASL negotiation message (status byte 0x${status.toString(16)})`);
    }
    const len = head.readUInt32BE(1);
    this.checkLength(len);
    const whole = this.take(5 + len);
    if (!whole) return undefined;
    return { status, payload: whole.subarray(5) };
  }

  /** Next whole data-frame payload, or undefined when more bytes are needed. */
  nextFrame(): Buffer | undefined {
    const head = this.peek(4);
    if (!head) return undefined;
    const len = head.readUInt32BE(0);
    this.checkLength(len);
    const whole = this.take(4 + len);
    return whole?.subarray(4);
  }

  private checkLength(len: number): void {
    if (len > this.maxFrameBytes) {
      throw new MessageTooLargeError(`peer announced a frame of ${len} bytes, over maxMessageBytes (${this.maxFrameBytes})`);
    }
  }

  private peek(n: number): Buffer | undefined {
    if (this.pendingLen < n) return undefined;
    this.flatten();
    return this.pending[0]!.subarray(0, n);
  }

  private take(n: number): Buffer | undefined {
    if (this.pendingLen < n) return undefined;
    this.flatten();
    const all = this.pending[0]!;
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingLen = rest.length;
    return out;
  }

  private flatten(): void {
    if (this.pending.length > 1) this.pending = [Buffer.concat(this.pending, this.pendingLen)];
  }
}
