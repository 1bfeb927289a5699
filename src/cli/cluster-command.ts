/**
 * `impala-pool cluster`: a local test cluster in the foreground, for trying
 * an app, a pool or impala-shell against it. Ctrl-C shuts it down cleanly.
 *
 * @module
 * @internal
 */
import { startCluster, type ClusterOptions } from '../testing/index.js';
import { parseCommand } from './parse-command.js';

const HELP = `usage: impala-pool cluster [options]

Starts local HS2 coordinators on loopback (SQL on DuckDB) and prints their
addresses, one per line (with --http, then each HS2-over-HTTP URL), then runs
until Ctrl-C.

options:
  --coordinators N          number of coordinators (default 3)
  --catalog-delay-ms MS     metadata propagation delay between coordinators (default 0)
  --port P                  first port; the others follow (default: OS-picked)
  --idle-session-timeout-ms MS  expire idle sessions (default 0: never)
  --latency-ms MS           delay every answer (default 0)
  --isolation MODE          inline (default: in this process) or process
                            (one child process per coordinator)
  --http                    also serve HS2 over HTTP on each coordinator
                            (as impalad's --hs2_http_port; no authentication)
  --http-port P             first HTTP port; the others follow (default:
                            OS-picked; implies --http)`;

/** Runs until SIGINT/SIGTERM; returns the exit code. */
export async function runCluster(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      coordinators: { type: 'string', default: '3' },
      'catalog-delay-ms': { type: 'string', default: '0' },
      port: { type: 'string' },
      'idle-session-timeout-ms': { type: 'string', default: '0' },
      'latency-ms': { type: 'string', default: '0' },
      isolation: { type: 'string', default: 'inline' },
      http: { type: 'boolean', default: false },
      'http-port': { type: 'string' },
    },
    HELP,
  );
  const count = integer('--coordinators', values.coordinators);
  const options: ClusterOptions = {
    coordinators: count,
    catalogDelayMs: integer('--catalog-delay-ms', values['catalog-delay-ms']),
    idleSessionTimeoutMs: integer('--idle-session-timeout-ms', values['idle-session-timeout-ms']),
    latencyMs: integer('--latency-ms', values['latency-ms']),
    isolation: isolation(values.isolation),
  };
  if (values.port !== undefined) {
    const first = integer('--port', values.port);
    options.ports = Array.from({ length: count }, (_, i) => first + i);
  }
  if (values.http || values['http-port'] !== undefined) {
    const first = values['http-port'] === undefined ? undefined : integer('--http-port', values['http-port']);
    options.http = first === undefined ? true : { ports: Array.from({ length: count }, (_, i) => first + i) };
  }
  const cluster = await startCluster(options);
  console.log(cluster.hosts.join('\n'));
  // impala-shell --protocol=hs2-http uses the path /cliservice; any path is served.
  if (cluster.httpHosts.length > 0) console.log(cluster.httpHosts.map((h) => `http://${h}/cliservice`).join('\n'));
  const http = cluster.httpHosts.length > 0 ? ', HS2 over HTTP too' : '';
  console.error(`local cluster running (${count} coordinators, ${options.isolation}, catalog delay ${options.catalogDelayMs} ms${http}); Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await cluster.close();
  console.error('stopped');
  return 0;
}

function isolation(text: string | undefined): 'inline' | 'process' {
  if (text === 'inline' || text === 'process') return text;
  throw new TypeError(`--isolation must be inline or process, got ${JSON.stringify(text)}`);
}

function integer(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`${flag} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return n;
}
