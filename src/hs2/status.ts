/**
 * Turning HS2 status structs into typed errors.
 *
 * @module
 * @internal
 */
import { ProtocolError, ServerError } from '../errors.js';
import { tcli, type TCLITypes } from '../wire/gen.js';

/** Context added to a server error. */
export interface StatusContext {
  coordinator: string;
  queryId?: string;
  statementSent?: boolean;
}

/** Throws a {@link ServerError} unless `status` is a success. */
export function checkStatus(status: TCLITypes.TStatus | undefined | null, what: string, ctx: StatusContext): void {
  // TStatus is required in every HS2 answer: one without it is not an answer.
  if (!status) throw new ProtocolError(`${what} answer from ${ctx.coordinator} has no status`, ctx);
  const code = status.statusCode;
  if (
    code === tcli.TStatusCode.SUCCESS_STATUS ||
    code === tcli.TStatusCode.SUCCESS_WITH_INFO_STATUS ||
    code === tcli.TStatusCode.STILL_EXECUTING_STATUS
  ) {
    return;
  }
  throw serverError(status.errorMessage, status.sqlState, status.errorCode, `${what} failed`, ctx);
}

/** Builds a {@link ServerError} from the server's message parts. */
export function serverError(
  message: string | null | undefined,
  sqlState: string | null | undefined,
  errorCode: number | null | undefined,
  fallback: string,
  ctx: StatusContext,
): ServerError {
  const text = message && message.trim().length > 0 ? message.trim() : fallback;
  return new ServerError(text, {
    ...ctx,
    ...(sqlState ? { sqlState } : {}),
    ...(typeof errorCode === 'number' ? { errorCode } : {}),
  });
}
