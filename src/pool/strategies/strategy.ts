/**
 * The balancing strategy contract: given the coordinators that may take a
 * request, pick one.
 *
 * @module
 */

/** What a strategy may know about a coordinator. */
export interface Candidate {
  /** `host:port`; stable identity for hashing. */
  readonly id: string;
  /** Relative capacity, > 0 (default 1). */
  readonly weight: number;
  /** Operations this pool has in flight on it now. */
  readonly inFlight: number;
  /**
   * How fast it answers calls that do not wait for a statement's work
   * (status, metadata, close, ping), in ms, as a time-weighted mean (0 when
   * unknown). A slow coordinator and an expensive query do not look alike here.
   */
  readonly latencyMs: number;
}

/** What a strategy may know about the request. */
export interface PickRequest {
  /** Affinity key, for strategies that hash it (`sticky`). */
  readonly affinityKey?: string | undefined;
}

/** A balancing strategy. Implementations may keep state (rotation counters). */
export interface Strategy {
  /** Name used in options and stats. */
  readonly name: string;
  /** Picks one of `candidates` (never empty), or undefined to decline. */
  pick(candidates: readonly Candidate[], request: PickRequest): Candidate | undefined;
}
