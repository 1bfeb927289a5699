/**
 * Recognising the server errors the pool reacts to, by Impala's messages
 * (ErrorCodes.thrift), since HS2 gives them all SQLSTATE HY000.
 *
 * @module
 */
import { ImpalaError } from '../errors.js';

/** What a server error means for routing. */
export type ServerErrorKind =
  /** The coordinator is shutting down: drain it; the statement did not run. */
  | 'shutting-down'
  /** Admission control rejected or timed out the statement: it did not run; another coordinator may take it. */
  | 'admission'
  /** The HS2 session is gone (idle expiry, restart): reconnect, replay state; the statement did not run. */
  | 'session-gone'
  /** A table the statement names is unknown here (stale catalog after DDL elsewhere). */
  | 'table-not-found'
  /** Anything else: a definite answer to give the caller. */
  | 'other';

const PATTERNS: Array<[RegExp, ServerErrorKind]> = [
  [/Server is being shut down|shutting down/i, 'shutting-down'],
  [/Rejected query from pool|Admission for query exceeded timeout|queue full/i, 'admission'],
  [/Invalid session id|Session expired due to inactivity|Client session expired|session (?:is )?closed/i, 'session-gone'],
  [/Could not resolve table reference|Table does not exist|Database does not exist/i, 'table-not-found'],
];

/** Classifies a server-reported error; non-server errors are 'other'. */
export function serverErrorKind(err: unknown): ServerErrorKind {
  if (!(err instanceof ImpalaError) || err.code !== 'IMPALA_SERVER') return 'other';
  for (const [re, kind] of PATTERNS) if (re.test(err.message)) return kind;
  return 'other';
}
