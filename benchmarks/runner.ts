/**
 * The benchmark runner behind `npm run bench`, `tsx benchmarks/run.ts` and
 * `impala-pool bench`: `[--quick] [--scenario NAME]… [--out DIR]`. Runs the
 * scenarios one after another, writes JSON, markdown and SVG per scenario
 * and the index under the output folder, and prints each headline with its
 * target — met, or by how much it missed. A skipped scenario (haproxy
 * missing) writes nothing, so committed results stay. Missed targets do not
 * fail the run (they are findings); a scenario that throws does.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { environment } from './harness/environment.js';
import { closeKeptClusters, keepClusters } from './harness/rig.js';
import { writeResults } from './report/write-results.js';
import { SCENARIOS } from './scenarios/index.js';

/** Where the runner's output goes. */
export interface RunnerIo {
  out(line: string): void;
  err(line: string): void;
}

const CONSOLE: RunnerIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** The usage text. */
export function benchUsage(command = 'tsx benchmarks/run.ts'): string {
  return [
    `usage: ${command} [--quick] [--scenario NAME]... [--out DIR]`,
    '',
    '  --quick          smoke size (seconds per scenario; CI runs this)',
    '  --scenario NAME  run only this scenario (repeatable); default: all',
    '  --out DIR        where results go; default benchmarks/results (benchmarks/results/quick with --quick)',
    '',
    'scenarios:',
    ...SCENARIOS.map((s) => `  ${s.name.padEnd(14)} ${s.description}`),
  ].join('\n');
}

/** Runs the benchmarks; returns the exit code. */
export async function runBench(argv: readonly string[], io: RunnerIo = CONSOLE, command?: string): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        scenario: { type: 'string', multiple: true },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${benchUsage(command)}`);
    return 2;
  }
  if (values.help) {
    io.out(benchUsage(command));
    return 0;
  }
  const wanted = values.scenario ?? SCENARIOS.map((s) => s.name);
  const unknown = wanted.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    io.err(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  // Quick runs are smoke tests: they must not overwrite the committed full results.
  const out = values.out ?? (values.quick ? 'benchmarks/results/quick' : 'benchmarks/results');
  const startedAll = performance.now();
  let failed: number;
  keepClusters(true);
  try {
    failed = await runScenarios(wanted, values.quick, out, io);
  } finally {
    keepClusters(false);
    await closeKeptClusters();
  }
  io.out(`all done in ${((performance.now() - startedAll) / 1000).toFixed(1)} s${failed > 0 ? `; ${failed} scenario(s) FAILED` : ''}`);
  return failed > 0 ? 1 : 0;
}

async function runScenarios(wanted: readonly string[], quick: boolean, out: string, io: RunnerIo): Promise<number> {
  let failed = 0;
  for (const scenario of SCENARIOS.filter((s) => wanted.includes(s.name))) {
    const started = performance.now();
    const env = environment();
    io.out(`${scenario.name}: ${scenario.description}${quick ? ' (quick)' : ''}`);
    let result;
    try {
      result = await scenario.run({ quick, log: (m) => io.out(`  ${m}`) });
    } catch (err) {
      failed += 1;
      io.err(`${scenario.name}: FAILED: ${(err as Error)?.stack ?? String(err)}`);
      continue;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result.skipped) {
      io.err(`${scenario.name}: SKIPPED after ${seconds} s: ${result.skipped}`);
      continue;
    }
    const files = await writeResults(out, result, env);
    io.out(`${scenario.name}: done in ${seconds} s`);
    for (const r of result.ratios) {
      const v = `${Number.isFinite(r.value) ? r.value.toFixed(r.unit === 'statements' ? 0 : 3) : 'n/a'}${r.unit ? ` ${r.unit}` : ''}`;
      const verdict = r.met === undefined ? '' : r.met ? `  (target ${r.target} met)` : `  (TARGET ${r.target} NOT MET: ${r.miss ?? ''})`;
      io.out(`  ${r.label}: ${v}${verdict}`);
    }
    io.out(`  wrote ${files.join(', ')}`);
  }
  return failed;
}
