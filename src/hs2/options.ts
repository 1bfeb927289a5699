/**
 * Options of one direct HS2 connection, their defaults and their validation.
 *
 * @module
 */
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { boolOption, describe, enumOption, intOption, msOption, rejectUnknown, stringMapOption, stringOption } from '../util/validate.js';
import { Secret } from '../util/secret.js';
import { checkCleartext, checkTransport, resolveAuth, type AuthOptions, type ResolvedAuth } from './auth-options.js';
import { DEFAULT_FETCH_ROWS_TIMEOUT_MS } from './fetch-wait.js';

/**
 * What {@link resolveConnectOptions} accepts: {@link ConnectOptions}, or
 * options whose `auth` was already resolved (the pool resolves it once and
 * keeps only that form, so it never holds the plain password).
 *
 * @internal
 */
export type ConnectInput = Omit<ConnectOptions, 'auth'> & { auth?: AuthOptions | ResolvedAuth };

/**
 * TLS settings. `true` means TLS with the system's CAs and hostname checks.
 * Hostnames are always verified unless you pass `rejectUnauthorized: false`.
 */
export type TlsOptions =
  | boolean
  | Pick<
      TlsConnectionOptions,
      'ca' | 'cert' | 'key' | 'passphrase' | 'servername' | 'rejectUnauthorized' | 'checkServerIdentity' | 'minVersion'
    >;

/**
 * TLS settings after validation: the client key and its passphrase (mutual
 * TLS) held in {@link Secret}s, revealed only to the TLS handshake.
 *
 * @internal
 */
export type ResolvedTls = Omit<Exclude<TlsOptions, boolean>, 'key' | 'passphrase'> & {
  key?: Secret<NonNullable<TlsConnectionOptions['key']>>;
  passphrase?: Secret;
};

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Host name or IP of the impalad coordinator. Required. */
  host: string;
  /** HS2 port. Default 21050, or 28000 with `transport: 'http'`. */
  port?: number;
  /**
   * `tcp`: Thrift over a socket (impalad's `--hs2_port`). `http`: Thrift over
   * HTTP POSTs (`--hs2_http_port`; Knox, cloud and proxied setups), with
   * Basic, SPNEGO or JWT authentication and impalad's auth cookie. Default `tcp`.
   */
  transport?: 'tcp' | 'http';
  /** HTTP path of the HS2 endpoint (`transport: 'http'`). Default `/cliservice`. */
  httpPath?: string;
  /** Extra HTTP headers sent with every request (`transport: 'http'`), e.g. for a gateway. Default none. */
  httpHeaders?: Record<string, string>;
  /** Deadline for TCP connect + TLS + SASL + OpenSession, in ms. Default 5000 (HAProxy's `timeout connect` in Impala's proxy guide). */
  connectTimeoutMs?: number;
  /** Deadline for any single RPC's answer, in ms; past it the connection is discarded. Default 60000. */
  rpcTimeoutMs?: number;
  /** Largest server message or frame accepted, in bytes. Default 128 MiB. */
  maxMessageBytes?: number;
  /** Authentication. Default `{ mechanism: 'NOSASL' }`. */
  auth?: AuthOptions;
  /** TLS. Default off. */
  tls?: TlsOptions;
  /** User name put in OpenSession (who the queries run as without SASL). Default: none. */
  username?: string;
  /** Database the session starts in (`use:database`). Default: the server's (`default`). */
  database?: string;
  /** Query options set for the whole session, e.g. `{ MEM_LIMIT: '2g' }`. Default none. */
  queryOptions?: Record<string, string | number | boolean>;
  /** Rows per FetchResults call. Default 10240 (impala-shell's). */
  fetchSize?: number;
  /**
   * Longest pause between GetOperationStatus polls, in ms (polls back off
   * from 1 ms to this); also the longest pause between FetchResults calls
   * that a server answers at once with "no rows yet". Default 100.
   */
  maxPollIntervalMs?: number;
  /**
   * How long, in ms, the server may hold one FetchResults call while a
   * query's rows are not ready yet before it answers "no rows yet" (the
   * client then asks again; callers never see those answers): Impala's
   * query option `FETCH_ROWS_TIMEOUT_MS`, sent with every statement. A
   * query's rows are fetched without polling GetOperationStatus first, and a
   * connection answers one call at a time, so this is also how long a stop
   * (`timeoutMs`, `signal`) may wait before CancelOperation can go out, and
   * the longest a running query leaves its connection without an answer
   * (the pool's hang detection relies on that). A statement's own
   * `queryOptions.FETCH_ROWS_TIMEOUT_MS` wins; a session-level SET of it
   * does not apply, since every statement carries its value. 0, or a value
   * not below `rpcTimeoutMs`, is sent as half of `rpcTimeoutMs`, so that a
   * blocking fetch never runs into the RPC deadline. Default 100, so that a
   * stopped statement is normally cancelled and closed within the 250 ms a
   * stop waits for the server (Impala's own default is 10000).
   */
  fetchRowsTimeoutMs?: number;
  /** Return TIMESTAMP and DATE values as `Date` instead of the server's string. Default false. */
  timestampsAsDate?: boolean;
}

/** Validated options with defaults filled in. */
export interface ResolvedConnectOptions {
  host: string;
  port: number;
  transport: 'tcp' | 'http';
  httpPath: string;
  httpHeaders: Record<string, string>;
  connectTimeoutMs: number;
  rpcTimeoutMs: number;
  maxMessageBytes: number;
  auth: ResolvedAuth;
  tls: false | ResolvedTls;
  username: string | undefined;
  database: string | undefined;
  queryOptions: Record<string, string>;
  fetchSize: number;
  maxPollIntervalMs: number;
  fetchRowsTimeoutMs: number;
  timestampsAsDate: boolean;
}

/** The connection options whose values are numbers (a URL's query sets these from text). */
export const CONNECTION_NUMBER_KEYS = [
  'connectTimeoutMs',
  'rpcTimeoutMs',
  'maxMessageBytes',
  'fetchSize',
  'maxPollIntervalMs',
  'fetchRowsTimeoutMs',
] as const;

/** Connection option names other than the address (shared with the pool's options). */
export const CONNECTION_OPTION_KEYS = [
  'auth',
  'tls',
  'transport',
  'httpPath',
  'httpHeaders',
  'username',
  'database',
  'queryOptions',
  'timestampsAsDate',
  ...CONNECTION_NUMBER_KEYS,
] as const;

const KNOWN = ['host', 'port', ...CONNECTION_OPTION_KEYS] as const;

/** Default HS2 binary port of impalad. */
export const DEFAULT_HS2_PORT = 21050;

/** Default HS2-over-HTTP port of impalad. */
export const DEFAULT_HS2_HTTP_PORT = 28000;

/**
 * Checks options and fills defaults. Does not change `options`.
 *
 * @throws TypeError naming the first bad option
 */
export function resolveConnectOptions(options: ConnectInput): ResolvedConnectOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`connect options must be an object, got ${describe(options)}`);
  }
  rejectUnknown('connect', options, KNOWN);
  const host = stringOption('host', options.host);
  if (host === undefined) throw new TypeError('option host is required');
  const transport = enumOption('transport', options.transport, ['tcp', 'http'] as const, 'tcp');
  const auth = checkTransport(checkCleartext(resolveAuth(options.auth), resolveTls(options.tls)), transport);
  return {
    host,
    port: intOption('port', options.port, transport === 'http' ? DEFAULT_HS2_HTTP_PORT : DEFAULT_HS2_PORT, 1, 65535),
    transport,
    httpPath: httpPathOption(options.httpPath),
    httpHeaders: httpHeadersOption(options.httpHeaders),
    connectTimeoutMs: msOption('connectTimeoutMs', options.connectTimeoutMs, 5000),
    rpcTimeoutMs: msOption('rpcTimeoutMs', options.rpcTimeoutMs, 60_000),
    maxMessageBytes: intOption('maxMessageBytes', options.maxMessageBytes, 128 * 1024 * 1024, 1024, 2 ** 31 - 1),
    auth,
    tls: resolveTls(options.tls),
    username: stringOption('username', options.username),
    database: stringOption('database', options.database),
    queryOptions: stringMapOption('queryOptions', options.queryOptions),
    fetchSize: intOption('fetchSize', options.fetchSize, 10240, 1, 1_000_000),
    maxPollIntervalMs: msOption('maxPollIntervalMs', options.maxPollIntervalMs, 100),
    fetchRowsTimeoutMs: msOption('fetchRowsTimeoutMs', options.fetchRowsTimeoutMs, DEFAULT_FETCH_ROWS_TIMEOUT_MS, true),
    timestampsAsDate: boolOption('timestampsAsDate', options.timestampsAsDate, false),
  };
}

function httpPathOption(value: unknown): string {
  const path = stringOption('httpPath', value) ?? '/cliservice';
  if (!/^\/[\x21-\x7e]*$/.test(path)) throw new TypeError('option httpPath must start with "/" and hold no spaces or control characters');
  return path;
}

// Headers the transport sets itself: a caller's value would break framing or authentication.
const OWN_HEADERS = new Set([
  'content-type',
  'content-length',
  'accept',
  'authorization',
  'cookie',
  'host',
  'transfer-encoding',
  'connection',
]);

function httpHeadersOption(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(`option httpHeaders must be an object of header name → string, got ${describe(value)}`);
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new TypeError(`option httpHeaders has an invalid header name ${describe(name)}`);
    if (OWN_HEADERS.has(name.toLowerCase())) throw new TypeError(`option httpHeaders.${name} is set by the transport itself`);
    // Header values are not described: they may carry a gateway's token.
    if (typeof v !== 'string' || /[\r\n\0]/.test(v)) throw new TypeError(`option httpHeaders.${name} must be a string without line breaks`);
    out[name] = v;
  }
  return out;
}

function resolveTls(tls: unknown): ResolvedConnectOptions['tls'] {
  if (tls === undefined || tls === false) return false;
  if (tls === true) return {};
  if (tls === null || typeof tls !== 'object' || Array.isArray(tls)) {
    throw new TypeError(`option tls must be a boolean or an object, got ${describe(tls)}`);
  }
  const t = tls as Record<string, unknown>;
  rejectUnknown('tls', t, ['ca', 'cert', 'key', 'passphrase', 'servername', 'rejectUnauthorized', 'checkServerIdentity', 'minVersion']);
  boolOption('tls.rejectUnauthorized', t.rejectUnauthorized, true);
  stringOption('tls.servername', t.servername);
  const { key, passphrase, ...rest } = t as Exclude<TlsOptions, boolean>;
  const resolved: ResolvedTls = { ...rest };
  // Key material is never described, even of the wrong type.
  if (key !== undefined) {
    if (!Secret.isSecret(key) && typeof key !== 'string' && !Buffer.isBuffer(key) && !Array.isArray(key))
      throw new TypeError('option tls.key must be a PEM string, a Buffer or an array of them');
    resolved.key = Secret.isSecret<NonNullable<TlsConnectionOptions['key']>>(key) ? key : new Secret(key);
  }
  if (passphrase !== undefined) {
    if (!Secret.isSecret(passphrase) && typeof passphrase !== 'string') throw new TypeError('option tls.passphrase must be a string');
    resolved.passphrase = Secret.isSecret(passphrase) ? passphrase : new Secret(passphrase);
  }
  return resolved;
}
