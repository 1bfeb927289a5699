/**
 * Options of the local test cluster, their defaults and validation.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { enumOption, intOption, msOption, rejectUnknown, stringOption } from '../util/validate.js';
import type { PlainUsers } from './server-connection.js';
import type { ServerTls } from './hs2-server.js';
import { resolveHttpOptions, type HttpEndpointOptions, type ResolvedHttpOptions } from './http/http-options.js';

/** SASL PLAIN authentication (what LDAP-backed impalads ask for). */
export interface PlainServerAuth {
  /** The only mechanism emulated. */
  mechanism: 'PLAIN';
  /** Accepted users: name → password. */
  users: Record<string, string>;
}

/** TLS for the coordinators' HS2 ports. */
export interface ClusterTls {
  /** Private key, PEM. */
  key: string | Buffer;
  /** Certificate (chain), PEM. */
  cert: string | Buffer;
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Number of coordinators, 1–64. Default 1. */
  coordinators?: number;
  /** Interface the coordinators listen on. Default `'127.0.0.1'`. */
  host?: string;
  /** Port per coordinator (0 lets the OS pick). Default all 0. */
  ports?: number[];
  /** SASL PLAIN with these users; default none (NOSASL: unframed binary Thrift, as impalad without auth). */
  auth?: PlainServerAuth;
  /** TLS around the transport; default none. */
  tls?: ClusterTls;
  /** Largest message accepted from a client, in bytes; a bigger one closes that connection. Default 64 MiB. */
  maxMessageBytes?: number;
  /** DuckDB worker threads per coordinator. Default min(4, available CPUs). */
  duckdbThreads?: number;
  /**
   * How long a session outlives the connection that opened it, in ms, before
   * it is closed with its operations. impalad keeps them 15 minutes; the
   * test cluster's default 0 closes them with the connection, so tests see
   * clean counters.
   */
  disconnectedSessionTimeoutMs?: number;
  /** Expire sessions idle this long, in ms (impalad's idle_session_timeout); 0 never. Default 0. */
  idleSessionTimeoutMs?: number;
  /**
   * Metadata propagation delay between coordinators, in ms: DDL and DML
   * that succeed on one coordinator reach the others this much later (as
   * impalad's catalog updates do through catalogd and the statestore).
   * Statements with SYNC_DDL=1 finish only once every coordinator has them.
   * Default 0: the others have a change before its statement finishes.
   */
  catalogDelayMs?: number;
  /**
   * Expire queries whose client has not fetched or polled for this long, in
   * ms (impalad's idle_query_timeout); 0 never. As in impalad, the time
   * counts once a query's rows are ready, and not while a fetch is served.
   * Default 0.
   */
  idleQueryTimeoutMs?: number;
  /**
   * Where coordinators run. `'inline'` (default): in this process, quickest
   * to start, and what unit tests want. `'process'`: one child process each,
   * so servers do not share the client's event loop (benchmarks) and
   * `kill()`/`pause()` are real SIGKILL/SIGSTOP (a paused coordinator's
   * running statements freeze too). Child processes exit with this one.
   * (`'in-process'` is accepted for `'inline'`.)
   */
  isolation?: 'inline' | 'process' | 'in-process';
  /** Admission control per coordinator. Default: none (unlimited). */
  admission?: AdmissionOptions;
  /** Delay added to every answer of every coordinator, in ms (`setLatency` changes it later). Default 0. */
  latencyMs?: number;
  /**
   * Also serve HS2 over HTTP on every coordinator (impalad's
   * `--hs2_http_port`): `true` for the defaults, or options. HTTPS when `tls`
   * is set; HTTP Basic against `auth`'s users, JWT and SPNEGO as configured,
   * with impalad's auth cookie. Default off.
   */
  http?: boolean | HttpEndpointOptions;
}

/** Impala admission control, per coordinator (one resource pool). */
export interface AdmissionOptions {
  /** Statements running at once; more wait in the queue. */
  maxConcurrent: number;
  /** Statements waiting at once; more are rejected at once ("queue full"). Default 0. */
  maxQueued?: number;
  /** Longest wait in the queue, in ms, before rejection. Default 60000 (impalad's queue_wait_timeout_ms). */
  queueTimeoutMs?: number;
}

/** Options after defaults and validation. */
export interface ResolvedClusterOptions {
  coordinators: number;
  host: string;
  ports: number[];
  users: PlainUsers | undefined;
  tls: ServerTls | undefined;
  maxMessageBytes: number;
  duckdbThreads: number;
  disconnectedSessionTimeoutMs: number;
  idleSessionTimeoutMs: number;
  catalogDelayMs: number;
  idleQueryTimeoutMs: number;
  isolation: 'inline' | 'process';
  admission: Required<AdmissionOptions> | undefined;
  latencyMs: number;
  http: ResolvedHttpOptions | undefined;
}

const KNOWN = [
  'coordinators',
  'host',
  'ports',
  'auth',
  'tls',
  'maxMessageBytes',
  'duckdbThreads',
  'disconnectedSessionTimeoutMs',
  'idleSessionTimeoutMs',
  'catalogDelayMs',
  'isolation',
  'idleQueryTimeoutMs',
  'admission',
  'latencyMs',
  'http',
] as const;

/**
 * Applies defaults and checks every option.
 *
 * @throws TypeError naming the option that is wrong
 */
export function resolveClusterOptions(options: ClusterOptions = {}): ResolvedClusterOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('startCluster options must be an object');
  rejectUnknown('startCluster', options, KNOWN);
  const coordinators = intOption('coordinators', options.coordinators, 1, 1, 64);
  const host = stringOption('host', options.host, '127.0.0.1')!;
  let ports: number[] = Array.from({ length: coordinators }, () => 0);
  if (options.ports !== undefined) {
    if (!Array.isArray(options.ports) || options.ports.length !== coordinators) {
      throw new TypeError(`option ports must be an array of ${coordinators} port numbers`);
    }
    ports = options.ports.map((p, i) => intOption(`ports[${i}]`, p, 0, 0, 65535));
  }
  const catalogDelayMs = msOption('catalogDelayMs', options.catalogDelayMs, 0, true);
  const isolation = enumOption('isolation', options.isolation, ['inline', 'process', 'in-process'] as const, 'inline');
  return {
    coordinators,
    host,
    ports,
    users: resolveAuth(options.auth),
    tls: resolveTls(options.tls),
    maxMessageBytes: intOption('maxMessageBytes', options.maxMessageBytes, 64 * 1024 * 1024, 1024, 2 ** 31 - 1),
    duckdbThreads: intOption('duckdbThreads', options.duckdbThreads, Math.max(1, Math.min(4, availableParallelism())), 1, 256),
    disconnectedSessionTimeoutMs: msOption('disconnectedSessionTimeoutMs', options.disconnectedSessionTimeoutMs, 0, true),
    idleSessionTimeoutMs: msOption('idleSessionTimeoutMs', options.idleSessionTimeoutMs, 0, true),
    idleQueryTimeoutMs: msOption('idleQueryTimeoutMs', options.idleQueryTimeoutMs, 0, true),
    catalogDelayMs,
    isolation: isolation === 'in-process' ? 'inline' : isolation,
    admission: resolveAdmission(options.admission),
    latencyMs: msOption('latencyMs', options.latencyMs, 0, true),
    http: resolveHttpOptions(options.http, coordinators),
  };
}

function resolveAdmission(value: unknown): Required<AdmissionOptions> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') throw new TypeError('option admission must be { maxConcurrent, maxQueued?, queueTimeoutMs? }');
  rejectUnknown('admission', value, ['maxConcurrent', 'maxQueued', 'queueTimeoutMs']);
  const a = value as Partial<AdmissionOptions>;
  if (a.maxConcurrent === undefined) throw new TypeError('option admission.maxConcurrent is required');
  return {
    maxConcurrent: intOption('admission.maxConcurrent', a.maxConcurrent, 1, 1, 100_000),
    maxQueued: intOption('admission.maxQueued', a.maxQueued, 0, 0, 100_000),
    queueTimeoutMs: msOption('admission.queueTimeoutMs', a.queueTimeoutMs, 60_000),
  };
}

function resolveAuth(auth: unknown): PlainUsers | undefined {
  if (auth === undefined) return undefined;
  if (auth === null || typeof auth !== 'object') throw new TypeError('option auth must be { mechanism: "PLAIN", users: { name: password } }');
  rejectUnknown('auth', auth, ['mechanism', 'users']);
  const { mechanism, users } = auth as Partial<PlainServerAuth>;
  if (mechanism !== 'PLAIN') throw new TypeError(`option auth.mechanism must be 'PLAIN', got ${JSON.stringify(mechanism)}`);
  if (users === null || typeof users !== 'object' || Array.isArray(users) || Object.keys(users).length === 0) {
    throw new TypeError('option auth.users must be a non-empty object of name → password');
  }
  for (const [name, password] of Object.entries(users)) {
    if (typeof password !== 'string') throw new TypeError(`option auth.users.${name} must be a string password`);
  }
  return { ...users };
}

function resolveTls(value: unknown): ServerTls | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') throw new TypeError('option tls must be { key, cert }');
  rejectUnknown('tls', value, ['key', 'cert']);
  const { key, cert } = value as Partial<ClusterTls>;
  const pem = (v: unknown): boolean => (typeof v === 'string' && v.length > 0) || Buffer.isBuffer(v);
  if (!pem(key)) throw new TypeError('option tls.key must be a PEM string or Buffer');
  if (!pem(cert)) throw new TypeError('option tls.cert must be a PEM string or Buffer');
  return { key: key!, cert: cert! };
}
