/**
 * Fuzzing the client with a coordinator that breaks the protocol mid-session:
 * every fault mode gives a typed ImpalaError promptly, leaves no pending call,
 * and a pool steers reads to the healthy coordinators meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createPool, ImpalaError } from '../../src/index.js';
import { PROTOCOL_FAULTS, startCluster, type LocalCluster } from '../../src/testing/index.js';

let cluster: LocalCluster;
beforeAll(async () => {
  cluster = await startCluster({ coordinators: 3 });
});
afterAll(async () => {
  await cluster.close();
});

const codes: Record<string, string[]> = {
  garbage: ['IMPALA_PROTOCOL', 'IMPALA_MESSAGE_TOO_LARGE', 'IMPALA_RPC_TIMEOUT'],
  truncate: ['IMPALA_CONNECTION_CLOSED'],
  'wrong-seqid': ['IMPALA_PROTOCOL'],
  'huge-length': ['IMPALA_MESSAGE_TOO_LARGE'],
  'empty-reply': ['IMPALA_PROTOCOL'],
};

describe.each(PROTOCOL_FAULTS)('coordinator answering with fault %s', (fault) => {
  it('a connected client gets a typed error within its RPC timeout, and the connection is closed', async () => {
    const [host, port] = cluster.hosts[0]!.split(':');
    const rpcTimeoutMs = 500;
    const conn = await connect({ host: host!, port: Number(port), rpcTimeoutMs });
    await cluster.coordinators[0]!.setFault(fault);
    try {
      const started = Date.now();
      const err = (await conn.query('SELECT 1 AS one').catch((e: unknown) => e)) as ImpalaError;
      expect(err).toBeInstanceOf(ImpalaError);
      expect(codes[fault]).toContain(err.code);
      // No hang: a bound with room for a loaded machine (the RPC deadline is 500 ms), not a speed claim.
      expect(Date.now() - started).toBeLessThan(rpcTimeoutMs * 10);
      expect(conn.open).toBe(false);
    } finally {
      await cluster.coordinators[0]!.setFault(undefined);
      conn.destroy();
    }
  });

  it('a pool keeps answering reads from the healthy coordinators', async () => {
    const pool = createPool({ hosts: cluster.hosts, rpcTimeoutMs: 500, healthCheckIntervalMs: 0, fall: 1 });
    try {
      // Open a session on each coordinator first, then break one.
      await Promise.all(cluster.hosts.map((_, i) => pool.query(`SELECT ${i} AS i`)));
      await cluster.coordinators[1]!.setFault(fault);
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.query(`SELECT ${i} AS i`)));
      expect(results.map((r) => r.rows[0]!.i)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(results.every((r) => r.coordinator !== cluster.hosts[1])).toBe(true);
      expect(pool.stats().coordinators.find((c) => c.host === cluster.hosts[1])!.state).toBe('down');
    } finally {
      await cluster.coordinators[1]!.setFault(undefined);
      pool.destroy();
    }
  });
});
