/**
 * Cuts a byte stream into whole Thrift binary-protocol messages, with a cap on
 * how much it will hold for one message.
 *
 * @module
 * @internal
 */
import { MessageScanner } from './message-scanner.js';

/** Accumulates chunks and returns each message once all of it has arrived. */
export class MessageReader {
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  private scanner: MessageScanner;
  private readonly maxMessageBytes: number;

  /** @param maxMessageBytes - largest message accepted, in bytes */
  constructor(maxMessageBytes: number) {
    this.maxMessageBytes = maxMessageBytes;
    this.scanner = new MessageScanner({ maxMessageBytes });
  }

  /** Bytes held that do not yet form a whole message. */
  get buffered(): number {
    return this.len;
  }

  /**
   * Adds a chunk; returns the messages it completed (often none or one).
   *
   * @throws ProtocolError / MessageTooLargeError for bytes that cannot be a message
   */
  push(chunk: Buffer): Buffer[] {
    this.append(chunk);
    const out: Buffer[] = [];
    for (;;) {
      if (this.len === 0) break;
      const n = this.scanner.scan(this.buf, this.len);
      if (n === undefined) break;
      this.scanner = new MessageScanner({ maxMessageBytes: this.maxMessageBytes });
      if (n === this.len) {
        out.push(this.buf.subarray(0, n));
        this.buf = Buffer.alloc(0);
        this.len = 0;
      } else {
        out.push(Buffer.from(this.buf.subarray(0, n)));
        this.buf.copy(this.buf, 0, n, this.len);
        this.len -= n;
      }
    }
    return out;
  }

  private append(chunk: Buffer): void {
    const need = this.len + chunk.length;
    if (need > this.buf.length) {
      // Geometric growth keeps accumulation linear; the scanner rejects a
      // message before it passes the cap, so this never grows much past it.
      let size = Math.max(this.buf.length * 2, 4096);
      while (size < need) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    chunk.copy(this.buf, this.len);
    this.len = need;
  }
}
