/**
 * A bounded replay cache of authenticators, as RFC 4120 section 3.2.3 asks
 * of a server: an authenticator seen within the clock-skew window is a
 * replay. Entries are keyed by a hash of the authenticator ciphertext (what
 * MIT's rcache has used since 1.18) and forgotten once their time has left
 * the window, or, past `capacity`, oldest first.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** Remembers authenticators until they could no longer pass the skew check. */
export class ReplayCache {
  // Insertion order is expiry order, because every entry lives equally long.
  private readonly entries = new Map<string, number>();

  /**
   * @param windowMs - how long an authenticator stays acceptable (the clock skew)
   * @param capacity - most entries kept
   */
  constructor(
    private readonly windowMs: number,
    private readonly capacity: number,
  ) {}

  /** Number of remembered authenticators. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Records an authenticator's ciphertext seen at `now` (ms, the acceptor's
   * clock); returns false when it was seen before.
   */
  check(cipher: Buffer, now: number): boolean {
    this.expire(now);
    const key = createHash('sha256').update(cipher).digest('base64');
    if (this.entries.has(key)) return false;
    // It passed the skew check, so ctime <= now + window, and it stays acceptable
    // until ctime + window: at most two windows from now. A fixed lifetime keeps
    // insertion order equal to expiry order.
    this.entries.set(key, now + 2 * this.windowMs);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return true;
  }

  private expire(now: number): void {
    for (const [key, until] of this.entries) {
      if (until >= now) break;
      this.entries.delete(key);
    }
  }
}
