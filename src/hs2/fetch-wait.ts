/**
 * How long the server may hold one FetchResults call: Impala's query option
 * FETCH_ROWS_TIMEOUT_MS, and the confOverlay that sets it for a statement.
 *
 * What impalad does with it (Impala 3.4 and later), from Impala's source:
 * - `ImpalaServer::FetchInternal` (be/src/service/impala-hs2-server.cc)
 *   first waits for the query's rows to be ready (`WaitForResults` →
 *   `ClientRequestState::BlockOnWait`), at most the query's
 *   `fetch_rows_timeout_us()`; when that runs out it answers
 *   `STILL_EXECUTING_STATUS` with `hasMoreRows = true` and no row set.
 * - Once rows are ready, the time left bounds the wait for row batches
 *   (`ClientRequestState::FetchRows` → `Coordinator::GetNext`,
 *   be/src/runtime/coordinator.cc), so a fetch can also answer SUCCESS with
 *   0 rows and `hasMoreRows = true`.
 * - 0 means wait as long as it takes (`ClientRequestState::BlockOnWait`,
 *   be/src/service/client-request-state.cc; Impala's docs for the option:
 *   "When this query option is set to 0, fetch requests wait indefinitely").
 * - It is read once, when the query is registered (`ClientRequestState`'s
 *   constructor), from the session's options with the statement's
 *   confOverlay on top (`TExecuteStatementReqToTQueryContext`).
 * - Default 10000 (common/thrift/Query.thrift, `fetch_rows_timeout_ms`).
 *
 * @module
 * @internal
 */

/** The query option's name, as impalad spells it. */
export const FETCH_ROWS_TIMEOUT_OPTION = 'FETCH_ROWS_TIMEOUT_MS';

/** Impala's default FETCH_ROWS_TIMEOUT_MS, in ms (Query.thrift: `fetch_rows_timeout_ms = 10000`). */
export const IMPALA_FETCH_ROWS_TIMEOUT_MS = 10_000;

/**
 * The FETCH_ROWS_TIMEOUT_MS a connection sends by default, in ms. An HS2
 * connection answers one call at a time, so a CancelOperation for a stopped
 * statement can only go out once the fetch the server holds is answered:
 * this is short enough that a live server has answered well within the
 * 250 ms a stop waits for it (the connection's STOP_SETTLE_MS), so the
 * statement is cancelled and closed before the caller hears; and a long
 * query costs at most ten fetches a second, no more calls than status
 * polling made (100 ms apart at most).
 */
export const DEFAULT_FETCH_ROWS_TIMEOUT_MS = 100;

/** A statement's confOverlay and the fetch wait it runs with. */
export interface FetchWait {
  /** The confOverlay to send. */
  overlay: Record<string, string>;
  /** How long the server may hold one FetchResults call, in ms (never 0). */
  waitMs: number;
}

/**
 * The confOverlay for a statement with `queryOptions`, and how long the
 * server will hold its fetches: the statement's own FETCH_ROWS_TIMEOUT_MS
 * if it has one, else the connection's `connectionMs`. A value of 0 (wait
 * as long as it takes) or one not below `rpcTimeoutMs` is sent as half of
 * `rpcTimeoutMs`, so that a blocking fetch never runs into the RPC deadline.
 */
export function fetchWait(queryOptions: Readonly<Record<string, string>>, connectionMs: number, rpcTimeoutMs: number): FetchWait {
  const overlay: Record<string, string> = { ...queryOptions };
  const keys = Object.keys(overlay).filter((k) => k.toUpperCase() === FETCH_ROWS_TIMEOUT_OPTION);
  const given = keys.length > 0 ? overlay[keys[keys.length - 1]!]! : undefined;
  let ms = given === undefined ? connectionMs : parseMs(given);
  // A value the server refuses fails the statement there; until then, assume the server's default.
  if (ms === undefined) return { overlay, waitMs: IMPALA_FETCH_ROWS_TIMEOUT_MS };
  if (ms === 0 || ms >= rpcTimeoutMs) ms = Math.max(1, Math.floor(rpcTimeoutMs / 2));
  for (const k of keys) delete overlay[k];
  overlay[FETCH_ROWS_TIMEOUT_OPTION] = String(ms);
  return { overlay, waitMs: ms };
}

/** A non-negative integer as impalad parses it; undefined for anything else. */
function parseMs(value: string): number | undefined {
  const t = value.trim();
  if (!/^\d{1,15}$/.test(t)) return undefined;
  return Number(t);
}
