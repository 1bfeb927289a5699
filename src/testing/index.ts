// Node's types back these declarations (Buffer, node:events, …), also for a consumer whose tsconfig lists no `types`.
/// <reference types="node" preserve="true" />
/**
 * `impala-pool/testing`: a local Impala test cluster for tests, demos and
 * benchmarks. Each coordinator is a real HiveServer2 Thrift server on
 * loopback that answers like impalad (sessions, async operations, columnar
 * results, Impala's errors, ping, runtime profile, exec summary), with SQL run
 * on DuckDB; optionally also HS2 over HTTP, with impalad's authentication.
 *
 * It needs `@duckdb/node-api`, an optional peer dependency of impala-pool
 * (`npm install --save-dev @duckdb/node-api`); importing this module without
 * it rejects with an Error that says so.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as Api from './api.js';

/** Throws, with the command that fixes it, when `@duckdb/node-api` cannot be resolved from here. */
function requireDuckDB(): void {
  const require = createRequire(import.meta.url);
  try {
    require.resolve('@duckdb/node-api');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error(
      'impala-pool/testing runs its SQL on DuckDB, and @duckdb/node-api is not installed (impala-pool declares it as an ' +
        'optional peer dependency, so that installing the pool alone does not download DuckDB). ' +
        `Install it next to impala-pool: npm install --save-dev @duckdb/node-api@${duckdbRange(require)}`,
      { cause: err },
    );
  }
}

/** The range impala-pool's package.json accepts, read from it so that the hint cannot drift from it. */
function duckdbRange(require: NodeJS.Require): string {
  try {
    // A self-reference: it finds this package's manifest from src/ in a checkout and from dist/src/ when installed.
    const manifest = require('impala-pool/package.json') as { peerDependencies?: Record<string, string> };
    return manifest.peerDependencies?.['@duckdb/node-api'] ?? 'latest';
  } catch {
    return 'latest';
  }
}

requireDuckDB();
const api = await import('./api.js');

// The values come from the dynamic import; @reexport has typedoc document each as the declaration it
// aliases, with that declaration's TSDoc, and the type of the same name keeps classes usable as types.
/** @reexport */
export const startCluster = api.startCluster;
/** @reexport */
export const LocalCluster = api.LocalCluster;
export type LocalCluster = Api.LocalCluster;
/** @reexport */
export const Coordinator = api.Coordinator;
export type Coordinator = Api.Coordinator;
/** @reexport */
export const formatQueryId = api.formatQueryId;
/** @reexport */
export const PROTOCOL_FAULTS = api.PROTOCOL_FAULTS;
/** @reexport */
export const IMPALA_VERSION = api.IMPALA_VERSION;

export type { ClusterCoordinator } from './cluster-coordinator.js';
export type { CoordinatorStats } from './coordinator-stats.js';
export type { ClusterOptions, ClusterTls, PlainServerAuth, KerberosServerAuth, AdmissionOptions } from './options.js';
export type { HttpEndpointOptions, JwtOptions, NegotiateAcceptor, NegotiateResult } from './http/http-options.js';
export type { HttpEndpointStats, HttpAuthCounts } from './http/http-stats.js';
export type { StatementKind } from './sql/statement-plan.js';
export type { ProtocolFault } from './hs2/protocol-fault.js';
