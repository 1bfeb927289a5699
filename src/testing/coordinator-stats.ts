/**
 * What a coordinator's `stats()` reports. It is apart from coordinator-state.ts
 * because the public API's declarations reach this file: coordinator-state.ts
 * declares the engine's state, whose types reach DuckDB and the generated
 * Thrift bindings.
 *
 * @module
 */
import type { HttpEndpointStats } from './http/http-stats.js';
import type { StatementKind } from './sql/statement-plan.js';

/** Counters of one coordinator, as `stats()` reports them. */
export interface CoordinatorStats {
  /** `host:port`. */
  host: string;
  /** Sessions open now. */
  sessionsOpen: number;
  /** Operations registered and not yet closed. */
  operationsOpen: number;
  /** Statements received (ExecuteStatement calls in a valid session), total. */
  queries: number;
  /**
   * Statements executing now: from ExecuteStatement until execution ends;
   * for queries, until the last row is fetched or the query is closed or
   * cancelled (impalad holds a query's resources that long too).
   */
  inFlight: number;
  /** Highest `inFlight` seen. */
  peakInFlight: number;
  /** Statements received, by class. */
  byKind: Record<StatementKind, number>;
  /** Client connections open now. */
  connectionsOpen: number;
  /** Client connections accepted, total. */
  connectionsTotal: number;
  /** HS2 requests received, by method name (`ExecuteStatement`, `FetchResults`, …), total. */
  rpcs: Record<string, number>;
  /**
   * HS2 requests that arrived on a TCP connection before the answer to the
   * one ahead of them was written: the client pipelined them rather than
   * wait a round trip. `rpcs` minus this is the round trips clients waited for.
   */
  rpcsPipelined: number;
  /** The HTTP endpoint's counters; only when the cluster has HTTP on. */
  http?: HttpEndpointStats;
}
