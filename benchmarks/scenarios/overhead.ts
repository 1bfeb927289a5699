/**
 * `overhead`: what one statement costs through our client, and through the
 * pool on top of it, versus an HS2 client we did not write. Serial `SELECT 1`
 * round trips against the same local coordinator (in a process of its own,
 * so the server does not share the clients' event loop; the first of the
 * run's three-coordinator cluster, the others idle): impala-pool's
 * `connect()` (`direct`), a `createPool` over that one coordinator (`pool`),
 * and the `hive-driver` package. Headline: the pool's mean latency ÷
 * direct's (target ≤ 1.02); also direct ÷ hive-driver (target ≤ 1).
 *
 * @module
 */
import { connect, createPool } from '../../src/index.js';
import { hiveConnect, hiveRun } from '../clients/hive-driver.js';
import { interleave } from '../harness/interleave.js';
import { loadSince, markLoad, type LoadMark, type RoundLoad } from '../harness/machine-load.js';
import { startProgress } from '../harness/progress.js';
import { keepingClusters, withRig } from '../harness/rig.js';
import type { RunContext, Scenario, ScenarioResult } from '../harness/scenario.js';
import { median, ratio, summarize } from '../harness/stats.js';
import { defaultStrategyName } from '../harness/systems.js';
import { judge } from '../harness/targets.js';

const SQL = 'SELECT 1';
const BLOCK = 50;

/** Iteration counts for a run. */
export interface OverheadSize {
  iterations: number;
  warmup: number;
  /** The run is cut into this many segments for per-segment ratios and load figures. Default 10. */
  segments?: number;
}

/** Sizes by mode. */
export const OVERHEAD_SIZES: Record<'quick' | 'full', OverheadSize> = {
  quick: { iterations: 200, warmup: 20, segments: 4 },
  full: { iterations: 3000, warmup: 200, segments: 10 },
};

function segmentRatios(a: number[], b: number[], segments: number): number[] {
  const per = Math.max(BLOCK, Math.ceil(a.length / segments / BLOCK) * BLOCK);
  const out: number[] = [];
  for (let i = 0; i < a.length; i += per) {
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    out.push(ratio(mean(a.slice(i, i + per)), mean(b.slice(i, i + per))));
  }
  return out;
}

/** Runs the scenario with explicit sizes (the smoke test uses smaller ones). */
export async function runOverhead(ctx: RunContext, size: OverheadSize): Promise<ScenarioResult> {
  // In a run, the three-coordinator cluster the next scenarios share (only the first is used); alone, one coordinator.
  const coordinators = keepingClusters() ? 3 : 1;
  const out = await withRig({ scenario: 'overhead', cluster: { coordinators }, proxy: false }, (rig) =>
    measure(ctx, size, rig.cluster.hosts[0]!),
  );
  if ('skipped' in out) throw new Error(out.skipped);
  return out;
}

async function measure(ctx: RunContext, size: OverheadSize, coordinator: string): Promise<ScenarioResult> {
  const [host, portText] = coordinator.split(':');
  const port = Number(portText);
  const direct = await connect({ host: host!, port });
  const pool = createPool({ hosts: [coordinator] });
  const theirs = await hiveConnect(port);
  const segments = size.segments ?? 10;
  const passes = Math.ceil(size.iterations / BLOCK);
  const loadEvery = Math.max(1, Math.round(passes / segments));
  const load: RoundLoad[] = [];
  let mark: LoadMark = markLoad();
  const progress = startProgress(ctx, 'overhead', passes);
  try {
    progress.log(`overhead: ${size.iterations} × ${SQL} per client, interleaved in blocks of ${BLOCK}`);
    const [directMs, poolMs, theirsMs] = await interleave([() => direct.query(SQL), () => pool.query(SQL), () => hiveRun(theirs, SQL)], {
      iterations: size.iterations,
      warmup: size.warmup,
      blockSize: BLOCK,
      onPass: (pass) => {
        progress.tick(`pass ${pass + 1}`);
        if ((pass + 1) % loadEvery === 0 || pass + 1 === passes) {
          load.push(loadSince(mark, { phase: 'serial', round: load.length, system: 'all (interleaved)' }));
          mark = markLoad();
        }
      },
    });
    const d = summarize(directMs!);
    const p = summarize(poolMs!);
    const h = summarize(theirsMs!);
    const poolVsDirect = segmentRatios(poolMs!, directMs!, segments);
    const directVsHive = segmentRatios(directMs!, theirsMs!, segments);
    return {
      scenario: 'overhead',
      description:
        'Serial `SELECT 1` round trips against one local coordinator (in a child process of its own): impala-pool `connect()` (direct), `createPool` over that one coordinator, and the `hive-driver` npm package, interleaved in blocks (A B C, C B A, …) so all see the same machine state.',
      quick: ctx.quick,
      unit: 'ms',
      contenders: [
        { name: 'direct', description: 'impala-pool connect() + query()', summary: d },
        {
          name: 'pool',
          description: `impala-pool createPool({ hosts: [one] }) + query() (strategy ${defaultStrategyName()}, defaults)`,
          summary: p,
        },
        { name: 'hive-driver', description: 'executeStatement + waitUntilReady + fetchAll + close', summary: h },
      ],
      ratios: [
        judge('pool / direct, mean latency (one coordinator)', p.mean / d.mean, '<=', 1.02, { rounds: poolVsDirect }),
        judge('direct / hive-driver, mean latency', d.mean / h.mean, '<=', 1, { rounds: directVsHive }),
        { label: 'pool / direct, p99 latency', value: p.p99 / d.p99 },
        { label: 'direct / hive-driver, p99 latency', value: d.p99 / h.p99 },
        { label: 'pool / direct, mean latency, median of segments', value: median(poolVsDirect), rounds: poolVsDirect },
        { label: 'pool − direct, mean latency', value: (p.mean - d.mean) * 1000, unit: 'µs' },
      ],
      load,
      size: { ...size },
      notes: [
        "impala-pool fetches at once (Impala's FetchResults waits for rows) and closes the operation after the caller has its rows; hive-driver polls GetOperationStatus, fetches metadata and rows, then closes.",
        `Per-segment ratios cut the run into ${segments} stretches of whole passes; the headline ratios are over all samples.`,
        'Lower is better for every latency figure.',
        'The ratio is against what one round trip costs here: the faster the coordinator answers, the larger the same pool work looks in it. "pool − direct" is that work in µs (routing, the borrow and return of a connection, health, latency and event bookkeeping).',
      ],
    };
  } finally {
    progress.stop();
    await direct.close();
    await pool.end();
    await theirs.close();
  }
}

/** The `overhead` scenario. */
export const overhead: Scenario = {
  name: 'overhead',
  description: 'per-statement client overhead: pool vs direct connect() vs hive-driver',
  run: (ctx) => runOverhead(ctx, ctx.quick ? OVERHEAD_SIZES.quick : OVERHEAD_SIZES.full),
};
