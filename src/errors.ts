/**
 * Typed errors. Every error impala-pool throws for a server, network or pool
 * problem is an {@link ImpalaError} with a stable `code`; bad arguments throw a
 * plain `TypeError` naming the option instead.
 *
 * @module
 */

/**
 * Stable error codes; match on these, not on messages. `IMPALA_ERROR` is only
 * the base class's default for errors an application builds itself: the
 * library raises one of the specific codes.
 */
export type ImpalaErrorCode =
  | 'IMPALA_ERROR'
  | 'IMPALA_CONNECT_FAILED'
  | 'IMPALA_CONNECT_TIMEOUT'
  | 'IMPALA_CONNECTION_CLOSED'
  | 'IMPALA_RPC_TIMEOUT'
  | 'IMPALA_PROTOCOL'
  | 'IMPALA_MESSAGE_TOO_LARGE'
  | 'IMPALA_AUTH'
  | 'IMPALA_SERVER'
  | 'IMPALA_ABORTED'
  | 'IMPALA_QUERY_TIMEOUT'
  | 'IMPALA_CLIENT_CLOSED'
  | 'IMPALA_OUTCOME_UNKNOWN'
  | 'IMPALA_NO_HEALTHY_COORDINATOR'
  | 'IMPALA_ACQUIRE_TIMEOUT'
  | 'IMPALA_POOL_CLOSED'
  | 'IMPALA_ALREADY_RELEASED';

/** Extra facts an error may carry. */
export interface ImpalaErrorDetails {
  /** The underlying error. */
  cause?: unknown;
  /** `host:port` of the coordinator involved. */
  coordinator?: string;
  /** Impala query id (`hi:lo` in hex) of the statement involved, when known. */
  queryId?: string;
  /**
   * Whether the statement may have reached the server. `false` means it
   * certainly did not, so running it elsewhere cannot run it twice.
   */
  statementSent?: boolean;
}

/**
 * Base class of every error impala-pool raises for a server, network or pool
 * problem.
 */
export class ImpalaError extends Error {
  /** Stable machine-readable code. */
  readonly code: ImpalaErrorCode;
  /** `host:port` of the coordinator involved, when there is one. */
  coordinator?: string;
  /** Impala query id of the statement involved, when known. */
  queryId?: string;
  /** See {@link ImpalaErrorDetails.statementSent}. */
  statementSent?: boolean;

  /**
   * @param message - human-readable description (never contains secrets)
   * @param code - stable code
   * @param details - cause and context
   */
  constructor(message: string, code: ImpalaErrorCode = 'IMPALA_ERROR', details: ImpalaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    if (details.coordinator !== undefined) this.coordinator = details.coordinator;
    if (details.queryId !== undefined) this.queryId = details.queryId;
    if (details.statementSent !== undefined) this.statementSent = details.statementSent;
  }
}

/** The TCP/TLS connection could not be established (refused, unreachable, TLS failure). */
export class ConnectError extends ImpalaError {
  /** @param message - description; @param details - cause and context */
  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(message, 'IMPALA_CONNECT_FAILED', { statementSent: false, ...details });
  }
}

/** Connecting (TCP, TLS, SASL and OpenSession) took longer than `connectTimeoutMs`. */
export class ConnectTimeoutError extends ImpalaError {
  /** @param message - description; @param details - cause and context */
  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(message, 'IMPALA_CONNECT_TIMEOUT', { statementSent: false, ...details });
  }
}

/** The server closed or reset the connection, or it was closed locally. */
export class ConnectionClosedError extends ImpalaError {
  /** @param message - description; @param details - cause and context */
  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(message, 'IMPALA_CONNECTION_CLOSED', details);
  }
}

/** An RPC got no complete answer within `rpcTimeoutMs`; the connection is discarded. */
export class RpcTimeoutError extends ImpalaError {
  /** @param message - description; @param details - cause and context */
  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(message, 'IMPALA_RPC_TIMEOUT', details);
  }
}

/** The server's bytes are not a valid answer (not Thrift, wrong sequence id, bad frame). */
export class ProtocolError extends ImpalaError {
  /** @param message - description; @param details - cause and context */
  constructor(message: string, details: ImpalaErrorDetails = {}, code: ImpalaErrorCode = 'IMPALA_PROTOCOL') {
    super(message, code, details);
  }
}

/** A message or frame announced or reached more than `maxMessageBytes`. */
export class MessageTooLargeError extends ProtocolError {
  /** @param message - description; @param details - cause and context */
  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(message, details, 'IMPALA_MESSAGE_TOO_LARGE');
  }
}

/** SASL negotiation or OpenSession rejected the credentials. */
export class AuthenticationError extends ImpalaError {
  /** Why authentication failed, when that is known more precisely than "the server said no". */
  readonly reason: AuthFailureReason;

  /** @param message - description; @param details - cause, context and reason */
  constructor(message: string, details: ImpalaErrorDetails & { reason?: AuthFailureReason } = {}) {
    const { reason, ...rest } = details;
    super(message, 'IMPALA_AUTH', { statementSent: false, ...rest });
    this.reason = reason ?? 'rejected';
  }
}

/**
 * Stable reasons on an {@link AuthenticationError}:
 * - `rejected`: the server refused the credentials (wrong password, a
 *   Kerberos ticket for another service, an expired or bad token);
 * - `no-ticket`: no Kerberos ticket to present (no credential cache, or it
 *   holds nothing for the client principal) and no keytab to get one;
 * - `unknown-principal`: the KDC does not know the service principal asked
 *   for (a wrong host, service name or `kerberosHostFqdn`);
 * - `clock-skew`: this machine's clock and the KDC's or server's differ too much;
 * - `kdc-unreachable`: no KDC of the realm answered;
 * - `module-missing`: GSSAPI needs the optional `kerberos` package, which is not installed;
 * - `kerberos`: another failure reported by the Kerberos library (the message says which).
 */
export type AuthFailureReason =
  'rejected' | 'no-ticket' | 'unknown-principal' | 'clock-skew' | 'kdc-unreachable' | 'module-missing' | 'kerberos';

/** Facts a server-reported error carries. */
export interface ServerErrorDetails extends ImpalaErrorDetails {
  /** SQLSTATE the server reported (Impala: mostly `HY000`). */
  sqlState?: string;
  /** The server's internal error code. */
  errorCode?: number;
}

/**
 * The server ran the request and reported an error: analysis errors, missing
 * tables, admission rejections, runtime failures. `message` is the server's text.
 */
export class ServerError extends ImpalaError {
  /** SQLSTATE the server reported. */
  sqlState?: string;
  /** The server's internal error code. */
  errorCode?: number;

  /** @param message - the server's message; @param details - SQLSTATE and context */
  constructor(message: string, details: ServerErrorDetails = {}) {
    super(message, 'IMPALA_SERVER', details);
    if (details.sqlState !== undefined) this.sqlState = details.sqlState;
    if (details.errorCode !== undefined) this.errorCode = details.errorCode;
  }
}

/** The caller's AbortSignal fired; the operation was cancelled on the server. */
export class AbortError extends ImpalaError {
  /** @param message - description; @param details - cause and context */
  constructor(message = 'The operation was aborted', details: ImpalaErrorDetails = {}) {
    super(message, 'IMPALA_ABORTED', details);
  }
}

/** The statement ran longer than its `timeoutMs`; it was cancelled on the server. */
export class QueryTimeoutError extends ImpalaError {
  /** @param message - description; @param details - cause and context */
  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(message, 'IMPALA_QUERY_TIMEOUT', details);
  }
}

/** The connection or pool was closed by this process before or during the call. */
export class ClientClosedError extends ImpalaError {
  /** @param message - description; @param details - cause and context */
  constructor(message = 'The connection is closed', details: ImpalaErrorDetails = {}) {
    super(message, 'IMPALA_CLIENT_CLOSED', details);
  }
}

/**
 * A statement that changes data or metadata (DML/DDL) was sent, and then the
 * connection failed before its outcome was known. It may or may not have been
 * applied; impala-pool never runs it again on its own.
 */
export class OutcomeUnknownError extends ImpalaError {
  /** @param message - description; @param details - cause and context */
  constructor(message: string, details: ImpalaErrorDetails = {}) {
    super(message, 'IMPALA_OUTCOME_UNKNOWN', { statementSent: true, ...details });
  }
}

/** True for errors that say the connection itself is unusable afterwards. */
export function isConnectionFatal(err: unknown): boolean {
  if (!(err instanceof ImpalaError)) return true;
  switch (err.code) {
    case 'IMPALA_CONNECT_FAILED':
    case 'IMPALA_CONNECT_TIMEOUT':
    case 'IMPALA_CONNECTION_CLOSED':
    case 'IMPALA_RPC_TIMEOUT':
    case 'IMPALA_PROTOCOL':
    case 'IMPALA_MESSAGE_TOO_LARGE':
    case 'IMPALA_AUTH':
    case 'IMPALA_CLIENT_CLOSED':
      return true;
    default:
      return false;
  }
}

/** One coordinator tried for a request, and why it failed. */
export interface AttemptFailure {
  /** `host:port`. */
  coordinator: string;
  /** The error's code. */
  code: ImpalaErrorCode;
  /** The error's message. */
  message: string;
}

/**
 * No coordinator could take the request: every one tried failed (or none was
 * eligible). `attempts` names each coordinator and its last error.
 */
export class NoHealthyCoordinatorError extends ImpalaError {
  /** Each coordinator tried and why it failed. */
  readonly attempts: AttemptFailure[];

  /** @param attempts - the coordinators tried; @param details - cause and context */
  constructor(attempts: AttemptFailure[], details: ImpalaErrorDetails = {}) {
    const list = attempts.length === 0 ? 'no coordinator is available' : attempts.map((a) => `${a.coordinator}: ${a.message}`).join('; ');
    super(`no healthy coordinator could run the request (${list})`, 'IMPALA_NO_HEALTHY_COORDINATOR', details);
    this.attempts = attempts;
  }
}

/** The pool was ended or destroyed. */
export class PoolClosedError extends ImpalaError {
  /** @param message - description */
  constructor(message = 'The pool is closed') {
    super(message, 'IMPALA_POOL_CLOSED', { statementSent: false });
  }
}

/** A lease was released a second time (the first release already returned its session). */
export class AlreadyReleasedError extends ImpalaError {
  /** @param message - description; @param details - context */
  constructor(message = 'this pool connection was already released', details: ImpalaErrorDetails = {}) {
    super(message, 'IMPALA_ALREADY_RELEASED', { statementSent: false, ...details });
  }
}
