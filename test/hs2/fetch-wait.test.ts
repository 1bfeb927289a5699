/**
 * The FETCH_ROWS_TIMEOUT_MS a statement carries in its confOverlay, and how
 * long its fetches may then be held on the server. impalad reads the option
 * once per query, from the session's options with the confOverlay on top
 * (Impala's be/src/service/impala-hs2-server.cc,
 * `TExecuteStatementReqToTQueryContext`; `ClientRequestState`'s constructor);
 * 0 waits as long as it takes (`ClientRequestState::BlockOnWait`).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_FETCH_ROWS_TIMEOUT_MS, fetchWait } from '../../src/hs2/fetch-wait.js';

const RPC_TIMEOUT_MS = 60_000;

describe('fetchWait', () => {
  it.each<[string, Record<string, string>, number, Record<string, string>, number]>([
    ['the connection value when the statement has none', { MEM_LIMIT: '1g' }, 100, { MEM_LIMIT: '1g', FETCH_ROWS_TIMEOUT_MS: '100' }, 100],
    [
      "the statement's own value wins, whatever its key's case",
      { fetch_rows_timeout_ms: '250' },
      100,
      { FETCH_ROWS_TIMEOUT_MS: '250' },
      250,
    ],
    [
      '0 (wait as long as it takes) is sent as half the RPC deadline',
      { FETCH_ROWS_TIMEOUT_MS: '0' },
      100,
      { FETCH_ROWS_TIMEOUT_MS: '30000' },
      30_000,
    ],
    ['a value not below the RPC deadline likewise', {}, 60_000, { FETCH_ROWS_TIMEOUT_MS: '30000' }, 30_000],
    [
      "a value impalad will refuse is left for it to refuse (Impala's default assumed)",
      { FETCH_ROWS_TIMEOUT_MS: 'soon' },
      100,
      { FETCH_ROWS_TIMEOUT_MS: 'soon' },
      10_000,
    ],
  ])('%s', (_name, queryOptions, connectionMs, overlay, waitMs) => {
    expect(fetchWait(queryOptions, connectionMs, RPC_TIMEOUT_MS)).toEqual({ overlay, waitMs });
  });

  it('leaves the caller’s options object alone', () => {
    const options = { fetch_rows_timeout_ms: '0' };
    fetchWait(options, DEFAULT_FETCH_ROWS_TIMEOUT_MS, RPC_TIMEOUT_MS);
    expect(options).toEqual({ fetch_rows_timeout_ms: '0' });
  });

  it('stays at least 1 ms under a tiny RPC deadline', () => {
    expect(fetchWait({}, 0, 1).waitMs).toBe(1);
  });
});
