/**
 * `impala-pool demo`: the main job, end to end, on the embedded cluster —
 * start a coordinator, create a table, insert, query with parameters, stream,
 * and print what came back and where it ran.
 *
 * @module
 * @internal
 */
import { connect } from '../hs2/connection.js';
import { formatColumnType } from '../hs2/columns.js';
import { startCluster } from '../testing/index.js';
import { parseCommand } from './parse-command.js';

const HELP = `usage: impala-pool demo [--coordinators N]

Starts an embedded local Impala test cluster (real HS2 over loopback, SQL on
DuckDB), runs a short session on it and prints the results.`;

/** Runs the demo; returns the exit code. */
export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { coordinators: { type: 'string', default: '1' } }, HELP);
  const coordinators = Number(values.coordinators);
  if (!Number.isInteger(coordinators) || coordinators < 1 || coordinators > 16) {
    throw new TypeError('--coordinators must be an integer from 1 to 16');
  }
  const cluster = await startCluster({ coordinators });
  console.log(`local cluster up: ${cluster.hosts.join(', ')}`);
  const [host, port] = cluster.hosts[0]!.split(':');
  const conn = await connect({ host: host!, port: Number(port) });
  try {
    await conn.execute('CREATE TABLE IF NOT EXISTS demo_orders (id BIGINT, customer STRING, total DECIMAL(12,2), placed TIMESTAMP)');
    const ins = await conn.execute(
      `INSERT INTO demo_orders VALUES
        (1, 'Ada', 120.50, '2026-11-01 09:30:00'),
        (2, 'Grace', 75.00, '2026-11-02 14:05:00'),
        (3, 'Ada', 19.99, '2026-11-03 18:45:00'),
        (4, 'Linus', 310.00, '2026-11-04 08:00:00')`,
    );
    console.log(`inserted ${ins.rowsAffected} rows (query ${ins.queryId})`);

    const result = await conn.query(
      'SELECT customer, COUNT(*) AS orders, SUM(total) AS spent FROM demo_orders WHERE total > ? GROUP BY customer ORDER BY spent DESC',
      [10],
    );
    console.log(`\nquery ${result.queryId} ran on ${result.coordinator}`);
    console.log(`columns: ${result.columns.map((c) => `${c.name} ${formatColumnType(c)}`).join(', ')}`);
    console.table(result.rows);

    console.log('\nstreaming orders:');
    for await (const row of conn.stream('SELECT id, customer, placed FROM demo_orders ORDER BY id')) {
      console.log(`  #${String(row.id)} ${String(row.customer)} at ${String(row.placed)}`);
    }
    await conn.execute('DROP TABLE demo_orders');
    console.log('\ncoordinator counters:', cluster.stats());
  } finally {
    await conn.close();
    await cluster.close();
  }
  return 0;
}
