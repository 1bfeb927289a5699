/**
 * `impala-pool/testing`: a local Impala test cluster for tests, demos and
 * benchmarks. Each coordinator is a real HiveServer2 Thrift server on
 * loopback that answers like impalad (sessions, async operations, columnar
 * results, Impala's errors, ping, runtime profile, exec summary), with SQL run
 * on DuckDB; optionally also HS2 over HTTP, with impalad's authentication.
 *
 * @module
 */
export { startCluster, LocalCluster } from './cluster.js';
export { Coordinator } from './coordinator.js';
export type { ClusterCoordinator } from './cluster-coordinator.js';
export type { CoordinatorStats } from './coordinator-state.js';
export type { ClusterOptions, ClusterTls, PlainServerAuth, KerberosServerAuth, AdmissionOptions } from './options.js';
export type { HttpEndpointOptions, JwtOptions, NegotiateAcceptor, NegotiateResult } from './http/http-options.js';
export type { HttpEndpointStats, HttpAuthCounts } from './http/http-stats.js';
export type { StatementKind } from './sql/statement-plan.js';
export { formatQueryId } from './hs2/query-id.js';
export { PROTOCOL_FAULTS } from './hs2/protocol-fault.js';
export type { ProtocolFault } from './hs2/protocol-fault.js';
export { IMPALA_VERSION } from './hs2/server-info.js';
