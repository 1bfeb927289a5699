/**
 * The TStatus of an HS2 answer: success, or an error with Impala's message
 * and SQLSTATE.
 *
 * @module
 */
import { tcli, type TCLITypes } from '../../wire/gen.js';
import { StatementError } from '../impala-errors.js';

/** SUCCESS_STATUS. */
export const ok = (): TCLITypes.TStatus => new tcli.TStatus({ statusCode: tcli.TStatusCode.SUCCESS_STATUS });

/** ERROR_STATUS with the error's message (any error: it becomes a StatementError's HY000). */
export function failed(err: unknown): TCLITypes.TStatus {
  const e = err instanceof StatementError ? err : new StatementError(err instanceof Error ? err.message : String(err));
  return new tcli.TStatus({ statusCode: tcli.TStatusCode.ERROR_STATUS, errorMessage: e.message, sqlState: e.sqlState, errorCode: 0 });
}
