/**
 * `overhead`: what one statement costs through our client versus an HS2
 * client we did not write. Serial `SELECT 1` round trips on one direct
 * connection each — impala-pool's `connect()` and the `hive-driver` package —
 * against the same local coordinator, in a process of its own so the server
 * does not share the clients' event loop. Headline: mean latency ratio
 * (target: ours ≤ theirs).
 *
 * @module
 */
import { connect } from '../../src/index.js';
import { startCluster } from '../../src/testing/index.js';
import { hiveConnect, hiveRun } from '../clients/hive-driver.js';
import { interleave } from '../harness/interleave.js';
import type { RunContext, Scenario, ScenarioResult } from '../harness/scenario.js';
import { summarize } from '../harness/stats.js';

const SQL = 'SELECT 1';

/** Iteration counts for a run. */
export interface OverheadSize {
  iterations: number;
  warmup: number;
}

/** Sizes by mode. */
export const OVERHEAD_SIZES: Record<'quick' | 'full', OverheadSize> = {
  quick: { iterations: 200, warmup: 20 },
  full: { iterations: 5000, warmup: 200 },
};

/** Runs the scenario with explicit sizes (the smoke test uses smaller ones). */
export async function runOverhead(ctx: RunContext, size: OverheadSize): Promise<ScenarioResult> {
  const cluster = await startCluster({ coordinators: 1, isolation: 'process' });
  const [host, portText] = cluster.hosts[0]!.split(':');
  const port = Number(portText);
  const ours = await connect({ host: host!, port });
  const theirs = await hiveConnect(port);
  try {
    ctx.log(`overhead: ${size.iterations} × ${SQL} per client, interleaved in blocks of 50`);
    const [oursMs, theirsMs] = await interleave([() => ours.query(SQL), () => hiveRun(theirs, SQL)], {
      iterations: size.iterations,
      warmup: size.warmup,
      blockSize: 50,
    });
    const a = summarize(oursMs!);
    const b = summarize(theirsMs!);
    const ratio = a.mean / b.mean;
    return {
      scenario: 'overhead',
      description:
        'Serial `SELECT 1` round trips on one direct HS2 connection: impala-pool `connect()` vs the `hive-driver` npm package, same local coordinator (in a child process of its own), interleaved in blocks so both see the same machine state.',
      quick: ctx.quick,
      unit: 'ms',
      contenders: [
        { name: 'impala-pool', description: 'connect() + query()', summary: a },
        { name: 'hive-driver', description: 'executeStatement + waitUntilReady + fetchAll + close', summary: b },
      ],
      ratios: [
        { label: 'impala-pool / hive-driver, mean latency', value: ratio, target: '≤ 1', met: ratio <= 1 },
        { label: 'impala-pool / hive-driver, p99 latency', value: a.p99 / b.p99 },
      ],
      notes: [
        'Both clients run the same HS2 sequence: ExecuteStatement, GetOperationStatus, GetResultSetMetadata, FetchResults, Close(Impala)Operation.',
        'Lower is better for every latency figure.',
      ],
    };
  } finally {
    await ours.close();
    await theirs.close();
    await cluster.close();
  }
}

/** The `overhead` scenario. */
export const overhead: Scenario = {
  name: 'overhead',
  description: 'per-statement client overhead: impala-pool vs hive-driver',
  run: (ctx) => runOverhead(ctx, ctx.quick ? OVERHEAD_SIZES.quick : OVERHEAD_SIZES.full),
};
