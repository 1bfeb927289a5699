/**
 * Clients that vanish mid-statement: the coordinator cleans up behind them
 * and keeps serving. Closing a session cancels its statements while DuckDB
 * may still be working on them on a worker thread; the DuckDB connection is
 * closed only once that work is over (closing it under the thread crashed the
 * whole process). The same holds when the cluster itself closes.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connect, type Hs2Connection } from '../../src/index.js';
import { startCluster, type ClusterOptions } from '../../src/testing/index.js';
import { waitFor } from '../support/pool-fixtures.js';

const STATEMENTS = [
  'SELECT count(*) AS n FROM range(200000)',
  'SELECT * FROM range(50000)',
  'INSERT INTO t SELECT * FROM range(1000)',
  'SELECT a FROM t ORDER BY a DESC LIMIT 5',
];

describe.each<ClusterOptions['isolation']>(['inline', 'process'])('connections dropped mid-statement (%s)', (isolation) => {
  it('300 clients drop their connection at every stage of a statement; the coordinator survives and serves', async () => {
    const cluster = await startCluster({ coordinators: 1, isolation });
    try {
      const [host, port] = cluster.hosts[0]!.split(':');
      const open = () => connect({ host: host!, port: Number(port) });
      const setup = await open();
      await setup.execute('CREATE TABLE t (a BIGINT)');
      await setup.close();
      for (let i = 0; i < 300; i++) {
        const conn: Hs2Connection = await open();
        const running = conn.query(STATEMENTS[i % STATEMENTS.length]!).catch(() => undefined);
        // Drop after 0..7 turns of the event loop: before, during and after ExecuteStatement and fetches.
        for (let turn = 0; turn < i % 8; turn++) await new Promise((r) => setImmediate(r));
        conn.destroy();
        await running;
      }
      const check = await open();
      const r = await check.query<{ n: bigint }>('SELECT count(*) AS n FROM range(10)');
      expect(r.rows).toEqual([{ n: 10n }]);
      await check.close();
      await waitFor(
        () => cluster.stats()[0]!.sessionsOpen === 0 && cluster.stats()[0]!.operationsOpen === 0,
        30_000,
        'every dropped session cleaned up',
      );
    } finally {
      await cluster.close();
    }
  }, 120_000);
});

describe('a cluster closed while DuckDB is busy', () => {
  it('40 inline clusters closed under queries, fetches, DML, metadata calls and replays: the process survives and then exits by itself', async () => {
    // In a process of its own: the crash this guards against is a SIGSEGV, not an exception.
    const fixture = fileURLToPath(new URL('./fixtures/close-while-busy.ts', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const out = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', tsx, fixture, '40'], { timeout: 150_000 }, (_err, stdout, stderr) =>
        resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
      );
    });
    expect({ code: out.code, signal: out.signal, stderr: out.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    expect(JSON.parse(out.stdout.trim())).toEqual({ cycles: 40, settled: 480 });
  }, 180_000);
});
