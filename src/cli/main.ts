#!/usr/bin/env node
/**
 * The `impala-pool` command: `demo` runs the main job on an embedded local
 * cluster, `query` runs SQL through a pool over real coordinators, `cluster`
 * starts a local test cluster in the foreground, `bench` runs the
 * benchmarks; `--version` prints the package's version. docs/cli.md
 * describes them all, with the exit codes (2 for usage errors).
 *
 * @module
 * @internal
 */
import { ImpalaError } from '../errors.js';
import { isUsageError } from './usage-error.js';
import { packageVersion } from './version.js';

const USAGE = `usage: impala-pool <command> [options]
       impala-pool --version

commands:
  demo                         start an embedded local cluster and run a short DDL/DML/query session on it
  query --host H[:P][,H[:P]...] [SQL...]
                               run SQL (arguments, -f files or stdin) through a pool over the coordinators
                               and print the results as a table, csv, tsv, json or ndjson
  cluster [--coordinators N]   run a local test cluster in the foreground (Ctrl-C stops it)
  bench [--quick] [--scenario NAME]... [--out DIR]
                               run the benchmarks (a repository checkout): impala-pool vs haproxy

exit status: 0 success, 1 failure (query: a statement failed), 2 usage error;
run 'impala-pool <command> --help' for a command's options, and see docs/cli.md`;

// Each command is loaded only when it runs: demo and cluster bring the test
// cluster and its DuckDB engine, which query, --version and --help never need.
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      return (await import('./demo-command.js')).runDemo(rest);
    case 'query':
      return (await import('./query-command.js')).runQuery(rest);
    case 'cluster':
      return (await import('./cluster-command.js')).runCluster(rest);
    case 'bench':
      return (await import('./bench-command.js')).runBenchCommand(rest);
    case '--version':
      console.log(packageVersion());
      return 0;
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isUsageError(err)) {
      // A bad flag or value: say what, and where the usage is.
      const command = ['demo', 'query', 'cluster', 'bench'].includes(process.argv[2] ?? '') ? `${process.argv[2]} ` : '';
      console.error(`error: ${err.message}\nrun 'impala-pool ${command}--help' for usage`);
      process.exitCode = 2;
      return;
    }
    if (err instanceof ImpalaError) console.error(`error [${err.code}]: ${err.message}`);
    // A message is what a user needs (a missing engine, a bad value); the stack only with NODE_DEBUG=impala-pool.
    else if (err instanceof Error && !/\bimpala-pool\b/.test(process.env.NODE_DEBUG ?? '')) console.error(`error: ${err.message}`);
    else console.error(err);
    process.exitCode = 1;
  },
);
