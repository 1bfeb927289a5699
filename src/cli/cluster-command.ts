/**
 * `impala-pool cluster`: a local test cluster in the foreground, for trying
 * an app or impala-shell against it. Ctrl-C shuts it down cleanly.
 *
 * @module
 * @internal
 */
import { startCluster } from '../testing/index.js';
import { parseCommand } from './parse-command.js';

const HELP = `usage: impala-pool cluster [--coordinators N]

Starts N local HS2 coordinators on loopback and prints their addresses.`;

/** Runs until SIGINT/SIGTERM; returns the exit code. */
export async function runCluster(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, { coordinators: { type: 'string', default: '1' } }, HELP);
  const coordinators = Number(values.coordinators);
  if (!Number.isInteger(coordinators) || coordinators < 1 || coordinators > 64) {
    throw new TypeError('--coordinators must be an integer from 1 to 64');
  }
  const cluster = await startCluster({ coordinators });
  console.log(cluster.hosts.join('\n'));
  console.error('local cluster running; Ctrl-C to stop');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await cluster.close();
  console.error('stopped');
  return 0;
}
