/**
 * impala-pool: a client-side load balancer and connection pool for Apache
 * Impala over HiveServer2.
 *
 * This entry point exports the direct connection ({@link connect}), the typed
 * errors, and the types of results and options.
 *
 * @packageDocumentation
 */
export { connect, Hs2Connection } from './hs2/connection.js';
export type { QueryResult, ExecuteResult, PingResult } from './hs2/connection.js';
export type { Column, ImpalaTypeName } from './hs2/columns.js';
export { formatColumnType } from './hs2/columns.js';
export type { Row, Value } from './hs2/row-set.js';
export type { ConnectOptions, AuthOptions, NoSaslAuth, PlainAuth, TlsOptions } from './hs2/options.js';
export { DEFAULT_HS2_PORT } from './hs2/options.js';
export type { StatementOptions } from './hs2/statement-options.js';
export type { SessionState } from './hs2/session-state.js';
export type { BindValue } from './sql/bind.js';
export { bindParameters, literal, quoteString } from './sql/bind.js';
export {
  ImpalaError,
  ConnectError,
  ConnectTimeoutError,
  ConnectionClosedError,
  RpcTimeoutError,
  ProtocolError,
  MessageTooLargeError,
  AuthenticationError,
  ServerError,
  AbortError,
  QueryTimeoutError,
  ClientClosedError,
  OutcomeUnknownError,
  isConnectionFatal,
} from './errors.js';
export type { ImpalaErrorCode, ImpalaErrorDetails, ServerErrorDetails } from './errors.js';
