/**
 * `impala-pool cluster`: a local test cluster in the foreground, for trying
 * an app, a pool or impala-shell against it. Ctrl-C shuts it down cleanly.
 *
 * @module
 * @internal
 */
import { readFileSync } from 'node:fs';
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
                            OS-picked; implies --http)
  --user NAME               LDAP-style SASL PLAIN (HTTP Basic on --http): accept
                            NAME with the password in IMPALA_CLUSTER_PASSWORD
  --keytab FILE             Kerberos (SASL GSSAPI; SPNEGO on --http) from FILE
  --principal P             the service principal with --keytab, impalad's
                            --principal (default impala/_HOST)
  --jwt-secret-file FILE    accept HS256 JWTs signed with FILE's contents (--http)
  --tls-cert FILE, --tls-key FILE
                            TLS with this certificate and key (PEM)
  --tls-client-ca FILE      mutual TLS: require client certificates from this CA`;

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
      user: { type: 'string' },
      keytab: { type: 'string' },
      principal: { type: 'string' },
      'jwt-secret-file': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-client-ca': { type: 'string' },
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
  if (values.http || values['http-port'] !== undefined || values['jwt-secret-file'] !== undefined) {
    const first = values['http-port'] === undefined ? undefined : integer('--http-port', values['http-port']);
    options.http = {
      ...(first === undefined ? {} : { ports: Array.from({ length: count }, (_, i) => first + i) }),
      ...(values['jwt-secret-file'] === undefined ? {} : { jwt: { secret: readFileSync(values['jwt-secret-file'], 'utf8').trim() } }),
    };
  }
  Object.assign(options, securityOptions(values));
  const cluster = await startCluster(options);
  console.log(cluster.hosts.join('\n'));
  // impala-shell --protocol=hs2-http uses the path /cliservice; any path is served.
  const scheme = options.tls ? 'https' : 'http';
  if (cluster.httpHosts.length > 0) console.log(cluster.httpHosts.map((h) => `${scheme}://${h}/cliservice`).join('\n'));
  const http = cluster.httpHosts.length > 0 ? ', HS2 over HTTP too' : '';
  console.error(
    `local cluster running (${count} coordinators, ${options.isolation}, catalog delay ${options.catalogDelayMs} ms${http}); Ctrl-C to stop`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await cluster.close();
  console.error('stopped');
  return 0;
}

/** Authentication and TLS from the flags; secrets come from files or the environment, never the command line. */
function securityOptions(values: Record<string, string | boolean | undefined>): Pick<ClusterOptions, 'auth' | 'tls'> {
  const out: Pick<ClusterOptions, 'auth' | 'tls'> = {};
  const user = values.user as string | undefined;
  const keytab = values.keytab as string | undefined;
  if (user !== undefined && keytab !== undefined)
    throw new TypeError('--user and --keytab exclude each other: the cluster speaks one SASL mechanism');
  if (values.principal !== undefined && keytab === undefined) throw new TypeError('--principal needs --keytab');
  if (user !== undefined) {
    const password = process.env.IMPALA_CLUSTER_PASSWORD;
    if (!password) throw new TypeError('--user needs the password in the IMPALA_CLUSTER_PASSWORD environment variable');
    out.auth = { mechanism: 'PLAIN', users: { [user]: password } };
  }
  if (keytab !== undefined)
    out.auth = { mechanism: 'GSSAPI', keytab, ...(values.principal ? { principal: values.principal as string } : {}) };
  const cert = values['tls-cert'] as string | undefined;
  const key = values['tls-key'] as string | undefined;
  const ca = values['tls-client-ca'] as string | undefined;
  if ((cert === undefined) !== (key === undefined)) throw new TypeError('--tls-cert and --tls-key go together');
  if (ca !== undefined && cert === undefined) throw new TypeError('--tls-client-ca needs --tls-cert and --tls-key');
  if (cert !== undefined && key !== undefined) {
    out.tls = {
      cert: readFileSync(cert),
      key: readFileSync(key),
      ...(ca === undefined ? {} : { ca: readFileSync(ca), requestCert: true }),
    };
  }
  return out;
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
