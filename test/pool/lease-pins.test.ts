/**
 * Sessions and leases keep DDL and its dependents together: one opened right
 * after DDL elsewhere lands where the table is known, whatever coordinator the
 * balancer first gave it — and without table pins the same workload fails,
 * which is what shows the pins are doing the work.
 */
import { describe, expect, it } from 'vitest';
import type { ImpalaPool } from '../../src/index.js';
import { runConcurrently, useRig } from '../support/pool-fixtures.js';

const startRig = useRig();

/** DDL + DML on one coordinator, then 200 sessions and 50 leases that read the table at once. */
async function ddlThenReaders(pool: ImpalaPool, table: string) {
  // One session, so that the DDL and the DML run together with pins on or off.
  await pool.session(async (s) => {
    await s.execute(`CREATE TABLE ${table} (id INT, name STRING)`);
    await s.execute(`INSERT INTO ${table} VALUES (1, 'a'), (2, 'b')`);
  });
  return runConcurrently(250, 250, async (i) => {
    if (i < 200) {
      return pool.session(async (s) => {
        const r = await s.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
        return { n: r.rows[0]!.n, coordinator: r.coordinator };
      });
    }
    const lease = await pool.connect();
    try {
      const r = await lease.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table} WHERE id > ?`, [0]);
      return { n: r.rows[0]!.n, coordinator: r.coordinator };
    } finally {
      lease.release();
    }
  });
}

describe('sessions and leases after DDL', () => {
  it('200 sessions and 50 leases opened right after DDL (catalogDelayMs 3000): no failures, each ran where the table was made', async () => {
    const r = await startRig({ coordinators: 3, catalogDelayMs: 3000 }, { maxConnectionsPerCoordinator: 10 });
    const outcomes = await ddlThenReaders(r.pool, 'fresh');
    const failures = outcomes.filter((o) => !o.ok).map((o) => String((o as { error: unknown }).error));
    expect(failures).toEqual([]);
    const values = outcomes.map((o) => (o as { value: { n: bigint; coordinator: string } }).value);
    expect(values.every((v) => v.n === 2n)).toBe(true);
    expect(new Set(values.map((v) => v.coordinator)).size).toBe(1);
  }, 60_000);

  it('the same workload with table pins off fails on the coordinators that have not seen the DDL yet', async () => {
    const r = await startRig(
      { coordinators: 3, catalogDelayMs: 3000 },
      { ddl: 'none', strategy: 'roundrobin', maxConnectionsPerCoordinator: 10 },
    );
    const outcomes = await ddlThenReaders(r.pool, 'fresh');
    const failures = outcomes.filter((o) => !o.ok).map((o) => String((o as { error: Error }).error.message));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((m) => !/Could not resolve table reference|Table does not exist/.test(m))).toEqual([]);
  }, 60_000);

  it('a lease on one coordinator moves, with its SET, when it reads a table just made elsewhere', async () => {
    const r = await startRig({ coordinators: 2, catalogDelayMs: 3000 }, { strategy: 'roundrobin' });
    // Round-robin gives the lease the first coordinator and the DDL below the second.
    const lease = await r.pool.connect();
    try {
      const home = lease.coordinator;
      await lease.execute("SET MEM_LIMIT='1g'");
      const made = await r.pool.execute('CREATE TABLE orders (id INT)');
      expect(made.coordinator).not.toBe(home);
      await r.pool.execute('INSERT INTO orders VALUES (7)');
      const rows = await lease.query<{ id: number }>('SELECT id FROM orders');
      expect(rows.rows).toEqual([{ id: 7 }]);
      expect(lease.coordinator).toBe(made.coordinator);
      const options = await lease.query<{ option: string; value: string }>('SET');
      expect(options.rows.find((o) => o.option === 'MEM_LIMIT')?.value).toBe('1g');
    } finally {
      lease.release();
    }
  }, 30_000);
});
