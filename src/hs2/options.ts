/**
 * Options of one direct HS2 connection, their defaults and their validation.
 *
 * @module
 */
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  boolOption,
  describe,
  enumOption,
  intOption,
  msOption,
  rejectUnknown,
  stringMapOption,
  stringOption,
} from '../util/validate.js';
import { Secret } from '../util/secret.js';
import { DEFAULT_FETCH_ROWS_TIMEOUT_MS } from './fetch-wait.js';

/** No SASL: plain Thrift over TCP (impalad without authentication). */
export interface NoSaslAuth {
  /** No SASL layer. */
  mechanism: 'NOSASL';
}

/** SASL PLAIN: user name and password (impalad with LDAP authentication). */
export interface PlainAuth {
  /** SASL PLAIN. */
  mechanism: 'PLAIN';
  /** User name sent in the SASL exchange. */
  username: string;
  /** Password sent in the SASL exchange; never logged, never in errors. */
  password: string;
}

/** How the connection authenticates. */
export type AuthOptions = NoSaslAuth | PlainAuth;

/**
 * SASL PLAIN after validation. The password is boxed in a {@link Secret} so
 * that options kept for reconnecting render it redacted wherever they end up.
 *
 * @internal
 */
export interface ResolvedPlainAuth {
  /** SASL PLAIN. */
  mechanism: 'PLAIN';
  /** User name sent in the SASL exchange. */
  username: string;
  /** Password; revealed only to build the SASL response. */
  password: Secret;
}

/**
 * Authentication after validation.
 *
 * @internal
 */
export type ResolvedAuth = NoSaslAuth | ResolvedPlainAuth;

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
export type TlsOptions = boolean | Pick<TlsConnectionOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized' | 'checkServerIdentity' | 'minVersion'>;

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Host name or IP of the impalad coordinator. Required. */
  host: string;
  /** HS2 port. Default 21050. */
  port?: number;
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
  connectTimeoutMs: number;
  rpcTimeoutMs: number;
  maxMessageBytes: number;
  auth: ResolvedAuth;
  tls: false | Exclude<TlsOptions, boolean>;
  username: string | undefined;
  database: string | undefined;
  queryOptions: Record<string, string>;
  fetchSize: number;
  maxPollIntervalMs: number;
  fetchRowsTimeoutMs: number;
  timestampsAsDate: boolean;
}

/** The connection options whose values are numbers (a URL's query sets these from text). */
export const CONNECTION_NUMBER_KEYS = ['connectTimeoutMs', 'rpcTimeoutMs', 'maxMessageBytes', 'fetchSize', 'maxPollIntervalMs', 'fetchRowsTimeoutMs'] as const;

/** Connection option names other than the address (shared with the pool's options). */
export const CONNECTION_OPTION_KEYS = ['auth', 'tls', 'username', 'database', 'queryOptions', 'timestampsAsDate', ...CONNECTION_NUMBER_KEYS] as const;

const KNOWN = ['host', 'port', ...CONNECTION_OPTION_KEYS] as const;

/** Default HS2 binary port of impalad. */
export const DEFAULT_HS2_PORT = 21050;

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
  return {
    host,
    port: intOption('port', options.port, DEFAULT_HS2_PORT, 1, 65535),
    connectTimeoutMs: msOption('connectTimeoutMs', options.connectTimeoutMs, 5000),
    rpcTimeoutMs: msOption('rpcTimeoutMs', options.rpcTimeoutMs, 60_000),
    maxMessageBytes: intOption('maxMessageBytes', options.maxMessageBytes, 128 * 1024 * 1024, 1024, 2 ** 31 - 1),
    auth: resolveAuth(options.auth),
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

/**
 * Checks `auth` and returns a new object with the password in a
 * {@link Secret}; the caller's object is left as it is. Accepts an
 * already-resolved auth (its Secret is kept as it is).
 *
 * @throws TypeError naming the bad field, never describing the password
 * @internal
 */
export function resolveAuth(auth: unknown): ResolvedAuth {
  if (auth === undefined) return { mechanism: 'NOSASL' };
  if (auth === null || typeof auth !== 'object') throw new TypeError(`option auth must be an object, got ${describe(auth)}`);
  const a = auth as Record<string, unknown>;
  const mechanism = enumOption('auth.mechanism', a.mechanism, ['NOSASL', 'PLAIN'] as const, 'NOSASL');
  if (mechanism === 'NOSASL') {
    rejectUnknown('auth', a, ['mechanism']);
    return { mechanism };
  }
  // Fields of another mechanism (a token, a keytab) would otherwise be ignored without a word.
  rejectUnknown('auth', a, ['mechanism', 'username', 'password']);
  const username = stringOption('auth.username', a.username);
  if (username === undefined) throw new TypeError('option auth.username is required for PLAIN');
  // SASL PLAIN separates its fields with NUL: one inside a field would shift them.
  if (username.includes('\0')) throw new TypeError('option auth.username must not contain a NUL character');
  // The password's value is never described, even when it is of the wrong type.
  if (Secret.isSecret(a.password)) return { mechanism, username, password: a.password };
  if (typeof a.password !== 'string') throw new TypeError('option auth.password must be a string');
  if (a.password.includes('\0')) throw new TypeError('option auth.password must not contain a NUL character');
  return { mechanism, username, password: new Secret(a.password) };
}

function resolveTls(tls: unknown): ResolvedConnectOptions['tls'] {
  if (tls === undefined || tls === false) return false;
  if (tls === true) return {};
  if (tls === null || typeof tls !== 'object' || Array.isArray(tls)) {
    throw new TypeError(`option tls must be a boolean or an object, got ${describe(tls)}`);
  }
  const t = tls as Record<string, unknown>;
  rejectUnknown('tls', t, ['ca', 'cert', 'key', 'servername', 'rejectUnauthorized', 'checkServerIdentity', 'minVersion']);
  boolOption('tls.rejectUnauthorized', t.rejectUnauthorized, true);
  stringOption('tls.servername', t.servername);
  return { ...(t as Exclude<TlsOptions, boolean>) };
}
