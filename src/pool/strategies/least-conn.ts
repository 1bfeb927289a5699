/**
 * `leastconn` (the default, HAProxy's `balance leastconn`): the coordinator
 * with the fewest in-flight operations per unit of weight; equals take turns
 * (round-robin), so a burst on an idle cluster still spreads evenly.
 *
 * Unlike HAProxy, which sees only connections, the pool knows how fast each
 * coordinator answers the calls that do not wait for a statement's work
 * (status, metadata, close, ping: {@link Candidate.latencyMs}). Answer
 * times within {@link SLOWER_THAN} times the fastest one's (or under the
 * {@link LATENCY_FLOOR_MS} floor that loopback noise stays under) count as
 * equal. A coordinator answering `r` times slower than that has each of its
 * operations count as `(r − 1)²` (1 at the threshold, so the rule has no
 * step): `r − 1` is how much longer each of a statement's round trips waits
 * there, in units of the fastest coordinator's whole answer time, and it is
 * squared because a statement there pays it on every round trip while
 * another statement on a fast coordinator only shares capacity with the ones
 * already running. Measured from one busy client, every answer time carries
 * the same added delay (the client's own event loop, a loaded machine), which
 * shrinks every ratio; the square keeps a coordinator 30 ms slower out of
 * the way even when the fast ones seem to take 5 ms (r = 7: 36). So equal
 * coordinators are balanced exactly as by connection count, a slow one gets
 * work only once the fast ones are that many times busier, and one that
 * speeds up again gets its share back as its answers (and its health checks'
 * pings) show it.
 *
 * @module
 */
import type { Candidate, PickRequest, Strategy } from './strategy.js';

/**
 * Answer times below this many ms count as equal: scheduling noise on a
 * loopback or LAN, and on a busy client machine, where two equal
 * coordinators' answers can seem 1 and 2.5 ms apart for seconds at a time.
 */
export const LATENCY_FLOOR_MS = 3;

/** A coordinator answering more than this many times slower than the fastest is penalised. */
export const SLOWER_THAN = 2;

/** Least in-flight operations, weighted, latency-aware, round-robin among equals. */
export class LeastConnStrategy implements Strategy {
  readonly name = 'leastconn';
  private turn = 0;

  /** Picks the least loaded candidate. */
  pick(candidates: readonly Candidate[], _request: PickRequest): Candidate | undefined {
    const fastest = fastestLatency(candidates);
    let best = Number.POSITIVE_INFINITY;
    const tied: Candidate[] = [];
    for (const c of candidates) {
      // +1: the request being placed; with weights 1 and 3, loads 0 and 2 tie.
      const load = ((c.inFlight + 1) * slowness(c, fastest)) / c.weight;
      if (load < best - 1e-9) {
        best = load;
        tied.length = 0;
        tied.push(c);
      } else if (Math.abs(load - best) <= 1e-9) {
        tied.push(c);
      }
    }
    if (tied.length === 0) return undefined;
    const pick = tied[this.turn % tied.length];
    this.turn = (this.turn + 1) % 1_000_000_007;
    return pick;
  }
}

/** The fastest known answer time among `candidates` (floored), or undefined when none is known. */
export function fastestLatency(candidates: readonly Candidate[]): number | undefined {
  let fastest: number | undefined;
  for (const c of candidates) {
    if (c.latencyMs > 0) fastest = Math.min(fastest ?? Infinity, Math.max(c.latencyMs, LATENCY_FLOOR_MS));
  }
  return fastest;
}

/**
 * How many operations one operation on `c` counts as: 1 unless `c` answers
 * markedly slower than `fastest` (more than {@link SLOWER_THAN} times), else
 * `(r − 1)²` for `r` times slower. Unknown latencies count as fast, so a new
 * coordinator gets traffic.
 */
export function slowness(c: Candidate, fastest: number | undefined): number {
  if (fastest === undefined || c.latencyMs <= 0) return 1;
  const r = Math.max(c.latencyMs, LATENCY_FLOOR_MS) / fastest;
  return r > SLOWER_THAN ? (r - 1) * (r - 1) : 1;
}
