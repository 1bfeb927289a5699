// Node's types back these declarations (Buffer, node:events, …), also for a consumer whose tsconfig lists no `types`.
/// <reference types="node" preserve="true" />
/**
 * impala-pool: a client-side load balancer and connection pool for Apache
 * Impala over HiveServer2.
 *
 * This entry point exports the direct connection ({@link connect}), the typed
 * errors, and the types of results and options.
 *
 * @packageDocumentation
 */
export { createPool, ImpalaPool } from './pool/pool.js';
export type { PoolStatementOptions, SessionOptions, PoolStats, AffinityOption } from './pool/pool.js';
export { PoolConnection } from './pool/pool-connection.js';
export type { PoolOptions, CoordinatorAddress, PooledConnectionOptions } from './pool/options.js';
export { parsePoolUrl } from './pool/options.js';
export type { CoordinatorStats } from './pool/coordinator.js';
export type { HealthState } from './pool/health-state.js';
export type { PoolEventMap, CoordinatorStateEvent, RetryEvent, ReconnectEvent, DrainEvent, StatementDiagnostic } from './pool/events.js';
export {
  STRATEGY_NAMES,
  LeastConnStrategy,
  P2cStrategy,
  RoundRobinStrategy,
  RandomStrategy,
  StickyStrategy,
} from './pool/strategies/index.js';
export type { Strategy, StrategyName, Candidate, PickRequest } from './pool/strategies/index.js';
export type { Clock, RandomSource } from './util/clock.js';
export { connect, Hs2Connection } from './hs2/connection.js';
export type { QueryResult, ExecuteResult, PingResult, PendingCall } from './hs2/connection.js';
export type {
  MetadataCallOptions,
  SchemasOptions,
  TablesOptions,
  ColumnsOptions,
  FunctionsOptions,
  PrimaryKeysOptions,
  CrossReferenceOptions,
  MetadataResult,
} from './hs2/metadata.js';
export type {
  CatalogRow,
  SchemaRow,
  TableRow,
  TableTypeRow,
  ColumnRow,
  TypeInfoRow,
  FunctionRow,
  PrimaryKeyRow,
  CrossReferenceRow,
} from './hs2/metadata-rows.js';
export type { Column, ImpalaTypeName } from './hs2/columns.js';
export type { ScalarTypeName } from './wire/type-ids.js';
export { formatColumnType } from './hs2/columns.js';
export type { Row, Value } from './hs2/row-set.js';
export type { ConnectOptions, TlsOptions } from './hs2/options.js';
export type { AuthOptions, NoSaslAuth, PlainAuth, GssapiAuth, JwtAuth } from './hs2/auth-options.js';
export { DEFAULT_HS2_HTTP_PORT } from './hs2/options.js';
export { DEFAULT_HS2_PORT } from './hs2/options.js';
export type { StatementOptions } from './hs2/statement-options.js';
export type { SessionState } from './hs2/session-state.js';
export type { BindParams, BindScalar, BindValue } from './sql/bind.js';
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
  NoHealthyCoordinatorError,
  PoolClosedError,
  AlreadyReleasedError,
  isConnectionFatal,
} from './errors.js';
export type { ImpalaErrorCode, ImpalaErrorDetails, ServerErrorDetails, AttemptFailure, AuthFailureReason } from './errors.js';
