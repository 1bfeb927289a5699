/**
 * Per-statement options shared by `query`, `execute` and `stream`.
 *
 * @module
 */
import { boolOption, describe, enumOption, msOption, rejectUnknown, stringMapOption } from '../util/validate.js';

/** Options of one statement. */
export interface StatementOptions {
  /** Cancels the statement on the server when it fires; the call rejects with AbortError (a silent server is treated as for `timeoutMs`). */
  signal?: AbortSignal;
  /**
   * Deadline for the whole call in ms, fetching included (for `stream`, the
   * whole iteration). On expiry the statement is cancelled on the server and
   * the call rejects with QueryTimeoutError. A server that owes an answer
   * then gets 250 ms more to give it (so the statement is closed before the
   * call rejects); one that stays silent does not hold the call, and its
   * connection is dropped if still silent a second later (a second plus
   * the statement's FETCH_ROWS_TIMEOUT_MS when what it owes is a fetch,
   * which a live server may hold that long). Default: none.
   */
  timeoutMs?: number;
  /** Query options for this statement only (HS2 confOverlay), e.g. `{ MEM_LIMIT: '1g' }`. */
  queryOptions?: Record<string, string | number | boolean>;
  /** `'object'` (default): rows keyed by column name; `'array'`: rows as arrays in column order. */
  rowMode?: 'object' | 'array';
  /** With `query`: also fetch the runtime profile into `result.profile`. Default false. */
  profile?: boolean;
}

/** Validated statement options. */
export interface ResolvedStatementOptions {
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  queryOptions: Record<string, string>;
  rowMode: 'object' | 'array';
  profile: boolean;
}

const KNOWN = ['signal', 'timeoutMs', 'queryOptions', 'rowMode', 'profile'] as const;

/**
 * Checks statement options.
 *
 * @throws TypeError naming the bad option
 */
export function resolveStatementOptions(
  options: StatementOptions | undefined,
  extraKnown: readonly string[] = [],
): ResolvedStatementOptions {
  if (options === undefined) return { signal: undefined, timeoutMs: undefined, queryOptions: {}, rowMode: 'object', profile: false };
  if (options === null || typeof options !== 'object') throw new TypeError(`statement options must be an object, got ${describe(options)}`);
  rejectUnknown('statement', options, [...KNOWN, ...extraKnown]);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('option signal must be an AbortSignal');
  return {
    signal,
    timeoutMs: options.timeoutMs === undefined ? undefined : msOption('timeoutMs', options.timeoutMs, 0),
    queryOptions: stringMapOption('queryOptions', options.queryOptions),
    rowMode: enumOption('rowMode', options.rowMode, ['object', 'array'] as const, 'object'),
    profile: boolOption('profile', options.profile, false),
  };
}
