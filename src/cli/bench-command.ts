/**
 * `impala-pool bench [--quick] [--scenario NAME]… [--out DIR]`: the
 * benchmarks of this repository (impala-pool against haproxy, and client
 * overhead), the same code as `npm run bench`.
 *
 * The benchmarks live in the repository's `benchmarks/` folder, beside
 * `src/`, and are not part of the published package (they need haproxy,
 * hive-driver, vega and a TypeScript loader). So they are imported only when
 * this command runs, from a path the compiler does not follow; the packaged
 * CLI, or a checkout run without tsx, says where to run them instead.
 *
 * @module
 * @internal
 */

/** The part of benchmarks/runner.ts this command uses. */
interface BenchRunner {
  runBench(argv: readonly string[], io?: { out(line: string): void; err(line: string): void }, command?: string): Promise<number>;
}

// From src/cli/ (run by tsx), ../../benchmarks/ is the repository's benchmarks folder.
const RUNNER = new URL('../../benchmarks/runner.js', import.meta.url);

const MISSING = `impala-pool bench runs the benchmarks of a checkout of the impala-pool repository:
they are not part of the installed package. In a checkout, run

  npm run bench [-- --quick] [-- --scenario NAME]
  npx tsx src/cli/main.ts bench [--quick] [--scenario NAME]... [--out DIR]`;

function isMissingModule(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNKNOWN_FILE_EXTENSION' || code === 'MODULE_NOT_FOUND';
}

/** Runs the benchmarks; returns the exit code. */
export async function runBenchCommand(argv: string[]): Promise<number> {
  let runner: BenchRunner;
  try {
    runner = (await import(RUNNER.href)) as BenchRunner;
  } catch (err) {
    // Only the runner itself missing means "not a checkout"; a missing import inside it is a real error.
    if (isMissingModule(err) && String((err as Error).message).includes('benchmarks')) {
      console.error(MISSING);
      return 2;
    }
    throw err;
  }
  return runner.runBench(argv, undefined, 'impala-pool bench');
}
