/**
 * What `impala-pool/testing` exports at run time. Only index.ts imports this
 * file, and only after it has made sure `@duckdb/node-api` is installed: a
 * static import chain from the entry point would fail at link time with
 * Node's bare "Cannot find package" before any check could run.
 *
 * @module
 */
export { startCluster, LocalCluster } from './cluster.js';
export { Coordinator } from './coordinator.js';
export { formatQueryId } from './hs2/query-id.js';
export { PROTOCOL_FAULTS } from './hs2/protocol-fault.js';
export { IMPALA_VERSION } from './hs2/server-info.js';
