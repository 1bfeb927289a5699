/**
 * DDL chains: with Impala's catalog propagation delay, chains of
 * CREATE → INSERT → SELECT → DROP issued as separate pool calls succeed with
 * the default table pins — and fail without them (so the test can fail).
 */
import { describe, expect, it } from 'vitest';
import { useRig, runConcurrently, type Rig } from '../support/pool-fixtures.js';

const startRig = useRig();
let r: Rig | undefined;

// Generous connect and silence deadlines: opening many connections at once on
// a loaded machine must not look like a failing coordinator here.
const patient = { connectTimeoutMs: 10_000, healthCheckTimeoutMs: 5_000 };

async function chain(r: Rig, i: number): Promise<void> {
  const t = `chain_${i}`;
  await r.pool.execute(`CREATE TABLE ${t} (id INT, v STRING)`);
  await r.pool.execute(`INSERT INTO ${t} VALUES (${i}, 'x')`);
  const res = await r.pool.query(`SELECT count(*) AS n FROM ${t}`);
  if (res.rows[0]!.n !== 1n) throw new Error(`chain ${i} read ${String(res.rows[0]!.n)} rows`);
  await r.pool.execute(`DROP TABLE ${t}`);
}

describe('DDL chains across coordinators', () => {
  it('200 concurrent chains, catalogDelayMs 1000: zero errors with default settings', async () => {
    r = await startRig({ coordinators: 3, catalogDelayMs: 1000 }, patient);
    const results = await runConcurrently(200, 20, (i) => chain(r!, i));
    const failed = results.filter((x) => !x.ok);
    expect(failed.map((f) => String((f as { error: Error }).error.message)).slice(0, 3)).toEqual([]);
    // Work was spread, not funnelled into one coordinator.
    const busy = r.cluster.stats().filter((s) => s.queries > 50);
    expect(busy.length).toBeGreaterThan(1);
  }, 120_000);

  it('the same chains with pins off and round-robin produce errors', async () => {
    r = await startRig({ coordinators: 3, catalogDelayMs: 1000 }, { ...patient, ddl: 'none', strategy: 'roundrobin' });
    const results = await runConcurrently(30, 10, (i) => chain(r!, i));
    expect(results.filter((x) => !x.ok).length).toBeGreaterThan(0);
  }, 120_000);

  it("ddl: 'sync' runs DDL with SYNC_DDL=1 and chains succeed without pins", async () => {
    r = await startRig({ coordinators: 3, catalogDelayMs: 300 }, { ...patient, ddl: 'sync', strategy: 'roundrobin' });
    const results = await runConcurrently(12, 6, (i) => chain(r!, i));
    expect(results.filter((x) => !x.ok)).toEqual([]);
  }, 60_000);
});
