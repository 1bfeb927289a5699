/**
 * When a failed statement may run again, and where. The rule that matters: a
 * statement that may have reached a server runs again only if it is an
 * idempotent read that has delivered no rows; DML/DDL whose outcome is unknown
 * fail with OutcomeUnknownError and are never run twice.
 *
 * @module
 */
import { ImpalaError, OutcomeUnknownError } from '../errors.js';
import type { Classification } from '../sql/classify.js';
import { serverErrorKind } from './server-error-kind.js';

/** What to do after a failure. */
export type RetryDecision =
  /** Run it again on another coordinator (the failed one is avoided). */
  | { action: 'redispatch'; budgeted: boolean; reason: string }
  /** Give the caller this error. */
  | { action: 'fail'; error: ImpalaError };

/** Facts about the failed attempt. */
export interface AttemptFacts {
  error: ImpalaError;
  statement: Classification;
  /** Rows already handed to the caller (streams). */
  rowsDelivered: number;
}

/** Decides whether and how a failed attempt is retried. */
export function decideRetry({ error, statement, rowsDelivered }: AttemptFacts): RetryDecision {
  // Rows already reached the caller: running it again would hand them over twice.
  if (rowsDelivered > 0) return { action: 'fail', error };
  const kind = serverErrorKind(error);
  // The server said no before running it: safe for any statement.
  if (kind === 'shutting-down' || kind === 'admission' || kind === 'session-gone') {
    return { action: 'redispatch', budgeted: kind === 'admission', reason: kind };
  }
  if (error.code === 'IMPALA_SERVER') return { action: 'fail', error };
  if (error.code === 'IMPALA_ABORTED' || error.code === 'IMPALA_QUERY_TIMEOUT') return { action: 'fail', error };
  if (error.statementSent === false) return { action: 'redispatch', budgeted: false, reason: 'not sent' };
  if (statement.idempotent && statement.kind !== 'dml' && statement.kind !== 'ddl') {
    return { action: 'redispatch', budgeted: true, reason: `idempotent ${statement.kind} failed after send` };
  }
  return {
    action: 'fail',
    error: new OutcomeUnknownError(
      `${statement.verb || 'statement'} was sent to ${error.coordinator ?? 'a coordinator'} and then the connection failed ` +
        `(${error.message}); it may or may not have been applied, and it was not run again`,
      {
        cause: error,
        ...(error.coordinator ? { coordinator: error.coordinator } : {}),
        ...(error.queryId ? { queryId: error.queryId } : {}),
      },
    ),
  };
}
