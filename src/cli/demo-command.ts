/**
 * `impala-pool demo`: the main job, end to end, on the embedded cluster —
 * start local coordinators, put a pool over them, run DDL, DML and queries
 * through it, and show where each statement ran and how the pool balanced.
 *
 * @module
 * @internal
 */
import { formatColumnType } from '../hs2/columns.js';
import { createPool } from '../pool/pool.js';
import { startCluster } from '../testing/index.js';
import { parseCommand } from './parse-command.js';

const HELP = `usage: impala-pool demo [--coordinators N]

Starts an embedded local Impala test cluster (real HS2 over loopback, SQL on
DuckDB), puts an impala-pool over it, runs a short workload and prints the
results, where each statement ran, and the pool's view of the coordinators.`;

/** Runs the demo; returns the exit code. */
export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { coordinators: { type: 'string', default: '3' } }, HELP);
  const coordinators = Number(values.coordinators);
  if (!Number.isInteger(coordinators) || coordinators < 1 || coordinators > 16) {
    throw new TypeError('--coordinators must be an integer from 1 to 16');
  }
  const cluster = await startCluster({ coordinators });
  console.log(`local cluster up: ${cluster.hosts.join(', ')}`);
  const pool = createPool({ hosts: cluster.hosts });
  pool.on('retry', (e) => console.log(`  (retry: ${e.coordinator} ${e.code}, ${e.reason})`));
  try {
    // DDL and DML through the pool: the table is pinned to the coordinator
    // that created it until the others' catalogs have caught up.
    const created = await pool.execute('CREATE TABLE IF NOT EXISTS demo_orders (id BIGINT, customer STRING, total DECIMAL(12,2), placed TIMESTAMP)');
    console.log(`\nCREATE TABLE ran on ${created.coordinator}`);
    const ins = await pool.execute(
      `INSERT INTO demo_orders VALUES
        (1, 'Ada', 120.50, '2026-11-01 09:30:00'),
        (2, 'Grace', 75.00, '2026-11-02 14:05:00'),
        (3, 'Ada', 19.99, '2026-11-03 18:45:00'),
        (4, 'Linus', 310.00, '2026-11-04 08:00:00')`,
    );
    console.log(`INSERT of ${ins.rowsAffected} rows ran on ${ins.coordinator} (query ${ins.queryId})`);

    const result = await pool.query(
      'SELECT customer, COUNT(*) AS orders, SUM(total) AS spent FROM demo_orders WHERE total > ? GROUP BY customer ORDER BY spent DESC',
      [10],
    );
    console.log(`\nquery ${result.queryId} ran on ${result.coordinator}`);
    console.log(`columns: ${result.columns.map((c) => `${c.name} ${formatColumnType(c)}`).join(', ')}`);
    console.table(result.rows);

    // Independent reads spread over the coordinators (leastconn).
    const spread = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.query(`SELECT sleep(50) AS slept, ${i} AS n`)));
    const byCoordinator: Record<string, number> = {};
    for (const r of spread) byCoordinator[r.coordinator] = (byCoordinator[r.coordinator] ?? 0) + 1;
    console.log('\n12 concurrent queries, by coordinator:', byCoordinator);

    // A sticky session: one HS2 session on one coordinator.
    const rows = await pool.session(async (s) => {
      await s.execute('SET MEM_LIMIT=1g');
      const out = [];
      for await (const row of s.stream('SELECT id, customer, placed FROM demo_orders ORDER BY id')) out.push(row);
      console.log(`\nsession streamed ${out.length} rows on ${s.coordinator}`);
      return out;
    });
    for (const row of rows) console.log(`  #${String(row.id)} ${String(row.customer)} at ${String(row.placed)}`);

    await pool.execute('DROP TABLE demo_orders');
    console.log('\npool stats:');
    console.table(pool.stats().coordinators.map(({ host, state, statements, errors, p50Ms, p99Ms }) => ({ host, state, statements, errors, p50Ms, p99Ms })));
  } finally {
    await pool.end();
    await cluster.close();
  }
  return 0;
}
