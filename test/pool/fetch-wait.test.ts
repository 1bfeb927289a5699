/**
 * How long a pooled connection lets the server hold a FetchResults call: at
 * most half the stall window (healthCheckTimeoutMs), also when the option
 * asks to wait as long as it takes (0), so that a coordinator busy with a
 * long query never looks silent. Counted in FetchResults calls the test
 * coordinator served for one long query.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, type ImpalaPool } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';

let cluster: LocalCluster | undefined;
let pool: ImpalaPool | undefined;

afterEach(async () => {
  await pool?.end();
  await cluster?.close();
  pool = undefined;
  cluster = undefined;
});

describe('fetch wait in a pool', () => {
  it.each([
    { fetchRowsTimeoutMs: 0, name: '0 (as long as it takes)' },
    { fetchRowsTimeoutMs: 60_000, name: 'longer than the stall window' },
  ])(
    'fetchRowsTimeoutMs $name is held to half of healthCheckTimeoutMs',
    async ({ fetchRowsTimeoutMs }) => {
      cluster = await startCluster({ coordinators: 1 });
      // Stall window 400 ms: the server may hold each fetch 200 ms, so a 1 s query takes several.
      pool = createPool({ hosts: cluster.hosts, healthCheckTimeoutMs: 400, healthCheckIntervalMs: 0, fetchRowsTimeoutMs });
      const fetchesBefore = cluster.stats()[0]!.rpcs.FetchResults ?? 0;
      const r = await pool.query('SELECT sleep(1000) AS slept');
      expect(r.rows).toHaveLength(1);
      // Held for the whole query (0), or for 30 s (half of rpcTimeoutMs), the query would take a single fetch.
      expect((cluster.stats()[0]!.rpcs.FetchResults ?? 0) - fetchesBefore).toBeGreaterThanOrEqual(3);
    },
    30_000,
  );
});
