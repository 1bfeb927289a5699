/**
 * Options of the local test cluster, their defaults and validation.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { enumOption, intOption, msOption, rejectUnknown, stringOption } from '../util/validate.js';
import { resolveHttpOptions, type HttpEndpointOptions, type ResolvedHttpOptions } from './http/http-options.js';

/** SASL PLAIN users: name → password. */
export type PlainUsers = Readonly<Record<string, string>>;

/** TLS material for the server side. */
export interface ServerTls {
  /** Private key (PEM). */
  key: string | Buffer;
  /** Certificate chain (PEM). */
  cert: string | Buffer;
  /** CA certificates client certificates must chain to. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Require a client certificate signed by `ca` (mutual TLS). */
  requestCert: boolean;
}

/** SASL PLAIN authentication (what LDAP-backed impalads ask for). */
export interface PlainServerAuth {
  /** The only mechanism emulated. */
  mechanism: 'PLAIN';
  /** Accepted users: name → password. */
  users: Record<string, string>;
}

/**
 * Kerberos (SASL GSSAPI on the HS2 port, SPNEGO on the HTTP port), served
 * from a keytab as impalad's `--keytab_file` and `--principal`: tickets from
 * a real KDC are checked by the cluster's own acceptor.
 */
export interface KerberosServerAuth {
  /** SASL GSSAPI. */
  mechanism: 'GSSAPI';
  /** Path of the keytab holding the service principal's keys. */
  keytab: string;
  /**
   * The service principal each coordinator accepts, impalad's
   * `--principal`: `_HOST` stands for the coordinator's own host (its entry
   * in `host`), so `impala/_HOST` gives every coordinator its own; a fixed
   * host (`impala/proxy.example.com`) makes them all accept one shared
   * principal, as Impala's proxy guide sets them up. Without a realm, any
   * realm. Default `impala/_HOST`.
   */
  principal?: string;
}

/** TLS for the coordinators' HS2 ports. */
export interface ClusterTls {
  /** Private key, PEM. */
  key: string | Buffer;
  /** Certificate (chain), PEM. */
  cert: string | Buffer;
  /** CA certificates that client certificates must chain to (mutual TLS, with `requestCert`). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Ask every client for a certificate signed by `ca` and refuse clients without one (impalad's `--ssl_client_ca_certificate`). Default false. */
  requestCert?: boolean;
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Number of coordinators, 1–64. Default 1. */
  coordinators?: number;
  /**
   * Interface the coordinators listen on, or one per coordinator (e.g.
   * `['127.0.0.1', '127.0.0.2', '127.0.0.3']`: every loopback address works on
   * Linux, so coordinators get hosts of their own). Default `'127.0.0.1'`.
   */
  host?: string | string[];
  /** Port per coordinator (0 lets the OS pick). Default all 0. */
  ports?: number[];
  /** SASL PLAIN with these users, or Kerberos; default none (NOSASL: unframed binary Thrift, as impalad without auth). */
  auth?: PlainServerAuth | KerberosServerAuth;
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
  hosts: string[];
  ports: number[];
  users: PlainUsers | undefined;
  kerberos: { keytab: string; principal: string } | undefined;
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
  const hosts = resolveHosts(options.host, coordinators);
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
    hosts,
    ports,
    ...resolveAuth(options.auth),
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
  if (value === null || typeof value !== 'object')
    throw new TypeError('option admission must be { maxConcurrent, maxQueued?, queueTimeoutMs? }');
  rejectUnknown('admission', value, ['maxConcurrent', 'maxQueued', 'queueTimeoutMs']);
  const a = value as Partial<AdmissionOptions>;
  if (a.maxConcurrent === undefined) throw new TypeError('option admission.maxConcurrent is required');
  return {
    maxConcurrent: intOption('admission.maxConcurrent', a.maxConcurrent, 1, 1, 100_000),
    maxQueued: intOption('admission.maxQueued', a.maxQueued, 0, 0, 100_000),
    queueTimeoutMs: msOption('admission.queueTimeoutMs', a.queueTimeoutMs, 60_000),
  };
}

function resolveHosts(value: unknown, coordinators: number): string[] {
  if (!Array.isArray(value)) return Array.from({ length: coordinators }, () => stringOption('host', value, '127.0.0.1')!);
  if (value.length !== coordinators)
    throw new TypeError(`option host must be a string or an array of ${coordinators} hosts, one per coordinator`);
  return value.map((h, i) => stringOption(`host[${i}]`, h)!);
}

function resolveAuth(auth: unknown): Pick<ResolvedClusterOptions, 'users' | 'kerberos'> {
  if (auth === undefined) return { users: undefined, kerberos: undefined };
  const shape = 'option auth must be { mechanism: "PLAIN", users: { name: password } } or { mechanism: "GSSAPI", keytab, principal? }';
  if (auth === null || typeof auth !== 'object') throw new TypeError(shape);
  const mechanism = (auth as { mechanism?: unknown }).mechanism;
  if (mechanism === 'GSSAPI') {
    rejectUnknown('auth', auth, ['mechanism', 'keytab', 'principal']);
    const { keytab, principal } = auth as Partial<KerberosServerAuth>;
    if (typeof keytab !== 'string' || keytab === '') throw new TypeError('option auth.keytab must be the path of a keytab file');
    return { users: undefined, kerberos: { keytab, principal: stringOption('auth.principal', principal, 'impala/_HOST')! } };
  }
  rejectUnknown('auth', auth, ['mechanism', 'users']);
  const { users } = auth as Partial<PlainServerAuth>;
  if (mechanism !== 'PLAIN') throw new TypeError(`option auth.mechanism must be 'PLAIN' or 'GSSAPI', got ${JSON.stringify(mechanism)}`);
  if (users === null || typeof users !== 'object' || Array.isArray(users) || Object.keys(users).length === 0) {
    throw new TypeError('option auth.users must be a non-empty object of name → password');
  }
  for (const [name, password] of Object.entries(users)) {
    if (typeof password !== 'string') throw new TypeError(`option auth.users.${name} must be a string password`);
  }
  return { users: { ...users }, kerberos: undefined };
}

function resolveTls(value: unknown): ServerTls | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') throw new TypeError('option tls must be { key, cert, ca?, requestCert? }');
  rejectUnknown('tls', value, ['key', 'cert', 'ca', 'requestCert']);
  const { key, cert, ca, requestCert } = value as Partial<ClusterTls>;
  const pem = (v: unknown): boolean => (typeof v === 'string' && v.length > 0) || Buffer.isBuffer(v);
  if (!pem(key)) throw new TypeError('option tls.key must be a PEM string or Buffer');
  if (!pem(cert)) throw new TypeError('option tls.cert must be a PEM string or Buffer');
  if (ca !== undefined && !(pem(ca) || (Array.isArray(ca) && ca.every(pem))))
    throw new TypeError('option tls.ca must be PEM strings or Buffers');
  if (requestCert !== undefined && typeof requestCert !== 'boolean') throw new TypeError('option tls.requestCert must be a boolean');
  if (requestCert && ca === undefined) throw new TypeError('option tls.requestCert needs tls.ca, the CA client certificates must chain to');
  return { key: key!, cert: cert!, ...(ca === undefined ? {} : { ca }), requestCert: requestCert ?? false };
}
