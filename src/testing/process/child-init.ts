/**
 * What a coordinator's child process is told at start.
 *
 * @module
 */
import type { SequencedChange } from '../catalog/bus.js';
import type { CoordinatorConfig } from '../coordinator.js';

/** Settings of the coordinator a child runs (what crosses the IPC channel; `http.negotiate` does not, see {@link ChildInit}). */
export type ChildCoordinatorConfig = Omit<CoordinatorConfig, 'bus' | 'beforeAnswer'>;

/** The `init` request's argument. */
export interface ChildInit {
  /** The coordinator's settings; `port` is the one to bind (0: any), `latencyMs` and `fault` the current ones. */
  config: ChildCoordinatorConfig;
  /** The cluster's propagation delay, in ms. */
  delayMs: number;
  /** Every change published so far: the catalog to rebuild before listening. */
  log: readonly SequencedChange[];
  /**
   * The cluster has a SPNEGO acceptor: a function cannot cross the channel,
   * so the child sends each Negotiate token to its parent (`negotiate`
   * request) and the acceptor runs there.
   */
  negotiateInParent: boolean;
}

/** The `init` request's answer. */
export interface ChildReady {
  /** The port bound. */
  port: number;
  /** The HTTP port bound, when the coordinator has one. */
  httpPort: number | undefined;
}
