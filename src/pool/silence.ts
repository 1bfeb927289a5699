/**
 * Telling a hung coordinator from a busy one, from the pool's own traffic: a
 * healthy impalad answers status polls, fetches and pings within milliseconds
 * even while it plans or runs long statements, so a coordinator that owes an
 * answer (an RPC or a connect) and has answered nothing at all for the stall
 * window is hung — seen long before health checks reach `fall` or an RPC
 * timeout fires. Time comes only from the injected clock: a request counts
 * from when the watchdog first saw it outstanding.
 *
 * @module
 * @internal
 */
import type { Clock } from '../util/clock.js';

/** One coordinator's silence. */
export class Silence {
  private readonly firstSeen = new WeakMap<object, number>();
  private heardAt: number;
  private since: number | undefined;

  /** @param clock - the pool's clock */
  constructor(private readonly clock: Clock) {
    this.heardAt = clock.now();
  }

  /** Whether the coordinator is judged silent now (until it next answers). */
  get silent(): boolean {
    return this.since !== undefined;
  }

  /** The coordinator answered something. */
  heard(): void {
    this.heardAt = this.clock.now();
    this.since = undefined;
  }

  /**
   * Looks at what is outstanding now (each object stands for one request).
   * Returns true when this look found the coordinator newly silent.
   */
  look(outstanding: Iterable<object>, stallMs: number): boolean {
    const owed = this.owedFor(outstanding);
    if (this.since !== undefined || owed < stallMs) return false;
    this.since = this.clock.now();
    return true;
  }

  /**
   * How long, in ms, the coordinator has owed an answer while saying nothing
   * (0 when nothing is outstanding); records when each request was first seen.
   */
  owedFor(outstanding: Iterable<object>): number {
    const now = this.clock.now();
    let oldest = Infinity;
    for (const request of outstanding) {
      let t = this.firstSeen.get(request);
      if (t === undefined) {
        t = now;
        this.firstSeen.set(request, t);
      }
      oldest = Math.min(oldest, t);
    }
    return oldest === Infinity ? 0 : Math.max(0, now - Math.max(oldest, this.heardAt));
  }

  /** The watchdog itself was held up (a blocked event loop): nobody's silence can be judged over that gap. */
  forgive(): void {
    if (this.since === undefined) this.heardAt = this.clock.now();
  }
}
