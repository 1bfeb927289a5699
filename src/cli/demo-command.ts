/**
 * `impala-pool demo`: the main job, end to end, on the embedded cluster —
 * start local coordinators, put a pool over them, run DDL, DML and queries
 * through it, and show where each statement ran and how the pool balanced.
 *
 * @module
 * @internal
 */
import { formatColumnType } from '../hs2/columns.js';
import { connect } from '../hs2/connection.js';
import { createPool } from '../pool/pool.js';
import { startCluster } from '../testing/index.js';
import type { Value } from '../hs2/row-set.js';
import { createFormatter } from './output.js';
import { parseCommand } from './parse-command.js';

/** How long a DDL change takes to reach the other coordinators (catalogd's propagation, here 2 s). */
const CATALOG_DELAY_MS = 2000;
/** Reads sent right after each CREATE TABLE in the stickiness part. */
const DEPENDENT_READS = 12;

const HELP = `usage: impala-pool demo [--coordinators N]

Starts an embedded local Impala test cluster (real HS2 over loopback, SQL on
DuckDB, one process per coordinator, a ${CATALOG_DELAY_MS / 1000} s metadata
delay between them as catalogd has), puts an impala-pool over it, runs a short
workload, shows what DDL pins prevent, kills a coordinator under load and
brings it back, and prints the results, where each statement ran, and the
pool's view of the coordinators.`;

// Quicker than the defaults, so the demo shows a coordinator coming back in a second or two.
const DEMO_HEALTH = { healthCheckIntervalMs: 250, healthCheckTimeoutMs: 500, rise: 2, ejectBaseMs: 500 };

/** Runs the demo; returns the exit code. */
export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { coordinators: { type: 'string', default: '3' } }, HELP);
  const coordinators = Number(values.coordinators);
  if (!Number.isInteger(coordinators) || coordinators < 1 || coordinators > 16) {
    throw new TypeError('--coordinators must be an integer from 1 to 16');
  }
  const cluster = await startCluster({ coordinators, isolation: 'process', catalogDelayMs: CATALOG_DELAY_MS });
  console.log(`local cluster up: ${cluster.hosts.join(', ')}`);
  const pool = createPool({ hosts: cluster.hosts, ...DEMO_HEALTH });
  let retries = 0;
  pool.on('retry', () => (retries += 1));
  try {
    // DDL and DML through the pool: the table is pinned to the coordinator
    // that created it until the others' catalogs have caught up.
    const created = await pool.execute(
      'CREATE TABLE IF NOT EXISTS demo_orders (id BIGINT, customer STRING, total DECIMAL(12,2), placed TIMESTAMP)',
    );
    console.log(`\nCREATE TABLE ran on ${created.coordinator}`);
    const ins = await pool.execute(
      `INSERT INTO demo_orders VALUES
        (1, 'Ada', 120.50, '2026-11-01 09:30:00'),
        (2, 'Grace', 75.00, '2026-11-02 14:05:00'),
        (3, 'Ada', 19.99, '2026-11-03 18:45:00'),
        (4, 'Linus', 310.00, '2026-11-04 08:00:00')`,
    );
    console.log(`INSERT of ${ins.rowsAffected} rows ran on ${ins.coordinator} (query ${ins.queryId})`);

    const result = await pool.query<Value[]>(
      'SELECT customer, COUNT(*) AS orders, SUM(total) AS spent FROM demo_orders WHERE total > ? GROUP BY customer ORDER BY spent DESC',
      [10],
      { rowMode: 'array' },
    );
    console.log(`\nquery ${result.queryId} ran on ${result.coordinator}`);
    console.log(`columns: ${result.columns.map((c) => `${c.name} ${formatColumnType(c)}`).join(', ')}`);
    // The query command's table: BIGINT and DECIMAL as Impala prints them.
    const { columns, rows: resultRows, coordinator, queryId } = result;
    process.stdout.write(
      createFormatter('table').statement({ kind: 'rows', index: 1, sql: '', columns, rows: resultRows, coordinator, queryId }),
    );

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

    if (coordinators > 1) await showDdlStickiness(cluster.hosts);

    if (coordinators > 1) {
      // A coordinator killed (SIGKILL on its process) under load: reads that
      // were running there run again elsewhere; nothing fails.
      const victim = cluster.coordinators[coordinators - 1]!;
      const before = retries;
      const reads = Array.from({ length: 30 }, (_, i) => pool.query(`SELECT sleep(100) AS slept, ${i} AS n`));
      setTimeout(() => victim.kill(), 50);
      const view = liveView(pool);
      const settled = await Promise.allSettled(reads).finally(() => view.stop());
      const ok = settled.filter((x) => x.status === 'fulfilled').length;
      console.log(`\nkilled ${victim.host} under 30 concurrent reads: ${ok}/30 succeeded, ${retries - before} ran again elsewhere`);
      await victim.start();
      const back = await until(() => pool.stats().coordinators.find((c) => c.host === victim.host)?.state === 'up', 10_000);
      // Straight to the restarted coordinator: its catalog came back with it.
      const direct = await connect({ host: victim.hostname, port: victim.port });
      const seen = await direct.query<{ n: bigint }>('SELECT count(*) AS n FROM demo_orders').finally(() => direct.close());
      console.log(
        `restarted ${victim.host}: ${back ? 'back in the pool' : 'not back yet'}, and demo_orders there still has ${seen.rows[0]!.n} rows`,
      );
    }

    await pool.execute('DROP TABLE demo_orders');
    console.log('\npool stats:');
    console.table(
      pool
        .stats()
        .coordinators.map(({ host, state, statements, errors, p50Ms, p99Ms }) => ({ host, state, statements, errors, p50Ms, p99Ms })),
    );
  } finally {
    await pool.end();
    await cluster.close();
  }
  return 0;
}

/**
 * DDL and the reads that depend on it, with and without table pins: other
 * coordinators learn of a new table only after the metadata delay, so a
 * balancer that spreads the reads sends some where the table is unknown.
 */
async function showDdlStickiness(hosts: string[]): Promise<void> {
  console.log(`\nDDL stickiness (metadata reaches the other coordinators after ${CATALOG_DELAY_MS / 1000} s):`);
  for (const ddl of ['none', 'pin'] as const) {
    const pool = createPool({ hosts, ddl, strategy: 'roundrobin' });
    try {
      const table = `demo_sticky_${ddl}`;
      const created = await pool.execute(`CREATE TABLE ${table} (id INT)`);
      const reads = await Promise.allSettled(
        Array.from({ length: DEPENDENT_READS }, () => pool.query(`SELECT count(*) AS n FROM ${table}`)),
      );
      const failed = reads.filter((r) => r.status === 'rejected').length;
      const where = new Set(reads.flatMap((r) => (r.status === 'fulfilled' ? [r.value.coordinator] : [])));
      if (ddl === 'none') {
        console.log(
          `  without pins (ddl: 'none', round-robin): ${failed}/${DEPENDENT_READS} reads right after CREATE TABLE on ${created.coordinator} failed ` +
            `(the coordinators they reached did not know the table yet)`,
        );
      } else {
        console.log(
          `  with pins (the default): ${failed}/${DEPENDENT_READS} failed; they ran on ${[...where].join(', ')}, where the table was made`,
        );
      }
      // On the coordinator that made it: a pool without pins might send the DROP where the table is not known yet.
      const [host, port] = created.coordinator.split(':');
      const direct = await connect({ host: host!, port: Number(port) });
      await direct.execute(`DROP TABLE ${table}`).finally(() => direct.close());
    } finally {
      await pool.end();
    }
  }
}

/** Prints the pool's per-coordinator view every 150 ms until stopped: state and running statements. */
function liveView(pool: ReturnType<typeof createPool>): { stop(): void } {
  const started = Date.now();
  const print = (): void => {
    const cells = pool.stats().coordinators.map((c) => `${c.host} ${c.state} ${c.inFlight} running`);
    console.log(`  +${((Date.now() - started) / 1000).toFixed(2)}s  ${cells.join(' | ')}`);
  };
  print();
  const timer = setInterval(print, 150);
  return {
    stop() {
      clearInterval(timer);
      print();
    },
  };
}

/** Polls `check` every 50 ms for up to `ms`; whether it became true. */
async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
