#!/usr/bin/env node
/**
 * The `impala-pool` command: `demo` runs the main job on an embedded local
 * cluster, `query` runs SQL against real coordinators, `cluster` starts a
 * local test cluster in the foreground.
 *
 * @module
 * @internal
 */
import { ImpalaError } from '../errors.js';
import { runBenchCommand } from './bench-command.js';
import { runCluster } from './cluster-command.js';
import { runDemo } from './demo-command.js';
import { runQuery } from './query-command.js';

const USAGE = `usage: impala-pool <command> [options]

commands:
  demo                         start an embedded local cluster and run a short DDL/DML/query session on it
  query --host H[:P] SQL...    run statements on a coordinator and print the results
  cluster [--coordinators N]   run a local test cluster in the foreground (Ctrl-C stops it)
  bench [--quick] [--scenario NAME]... [--out DIR]
                               run the benchmarks (a repository checkout): impala-pool vs haproxy

run 'impala-pool <command> --help' for a command's options`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      return runDemo(rest);
    case 'query':
      return runQuery(rest);
    case 'cluster':
      return runCluster(rest);
    case 'bench':
      return runBenchCommand(rest);
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
    if (err instanceof ImpalaError) console.error(`error [${err.code}]: ${err.message}`);
    else if (err instanceof TypeError) console.error(`error: ${err.message}`);
    else console.error(err);
    process.exitCode = 1;
  },
);
