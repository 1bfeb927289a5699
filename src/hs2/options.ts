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
  /**
   * Send the password over a connection without TLS. Default false: without
   * `tls` the options are refused, as impala-shell refuses LDAP without SSL
   * unless given `--auth_creds_ok_in_clear`.
   */
  allowCleartext?: boolean;
}

/**
 * Kerberos (SASL GSSAPI; SPNEGO over HTTP). Needs the optional `kerberos`
 * package. The ticket comes from the credential cache (`kinit`; `KRB5CCNAME`
 * picks the cache) or from `keytab`.
 *
 * Each coordinator is asked for as `<service>/<its host>@REALM`, the realm
 * being the one krb5.conf maps the host to (domain_realm, else
 * default_realm) — or, with {@link kerberosHostFqdn}, every coordinator as
 * `<service>/<kerberosHostFqdn>@REALM`: the setup Impala's proxy guide
 * describes, where all impalads hold one shared principal in merged
 * keytabs (impala-shell's `-b`).
 */
export interface GssapiAuth {
  /** SASL GSSAPI (Kerberos). */
  mechanism: 'GSSAPI';
  /** Service part of the server principal. Default `impala` (impalad's `--principal=impala/_HOST@REALM`). */
  service?: string;
  /**
   * The server principal as a pattern, instead of `service`: e.g.
   * `impala/_HOST@EXAMPLE.COM`, where `_HOST` stands for each coordinator's
   * host; a pattern with a fixed host is the same as {@link kerberosHostFqdn}.
   */
  principal?: string;
  /** One host name put into every coordinator's service principal (a shared principal). Default: each coordinator's own host. */
  kerberosHostFqdn?: string;
  /** Client principal whose ticket to use (`user@REALM`). Default: the credential cache's default principal. */
  clientPrincipal?: string;
  /** Path of a client keytab to get the ticket from when the cache has none; never logged, never in errors. */
  keytab?: string;
}

/**
 * A JSON Web Token sent as `Authorization: Bearer` (impalad's
 * `--jwt_token_auth`); HS2 over HTTP only.
 */
export interface JwtAuth {
  /** JWT bearer token. */
  mechanism: 'JWT';
  /** The token; never logged, never in errors. */
  token: string;
}

/** How the connection authenticates. */
export type AuthOptions = NoSaslAuth | PlainAuth | GssapiAuth | JwtAuth;

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
  /** Whether the password may go out without TLS. */
  allowCleartext: boolean;
}

/**
 * Kerberos after validation: the principal pattern taken apart, the keytab
 * path in a {@link Secret}.
 *
 * @internal
 */
export interface ResolvedGssapiAuth {
  /** SASL GSSAPI. */
  mechanism: 'GSSAPI';
  /** Service part of the server principal. */
  service: string;
  /** Host put into every server principal, when one is shared. */
  kerberosHostFqdn: string | undefined;
  /** Client principal, when not the cache's default. */
  clientPrincipal: string | undefined;
  /** Client keytab path, when given. */
  keytab: Secret | undefined;
}

/**
 * A JWT after validation.
 *
 * @internal
 */
export interface ResolvedJwtAuth {
  /** JWT bearer token. */
  mechanism: 'JWT';
  /** The token. */
  token: Secret;
}

/**
 * Authentication after validation.
 *
 * @internal
 */
export type ResolvedAuth = NoSaslAuth | ResolvedPlainAuth | ResolvedGssapiAuth | ResolvedJwtAuth;

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
export type TlsOptions = boolean | Pick<TlsConnectionOptions, 'ca' | 'cert' | 'key' | 'passphrase' | 'servername' | 'rejectUnauthorized' | 'checkServerIdentity' | 'minVersion'>;

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
export const CONNECTION_NUMBER_KEYS = ['connectTimeoutMs', 'rpcTimeoutMs', 'maxMessageBytes', 'fetchSize', 'maxPollIntervalMs', 'fetchRowsTimeoutMs'] as const;

/** Connection option names other than the address (shared with the pool's options). */
export const CONNECTION_OPTION_KEYS = ['auth', 'tls', 'transport', 'httpPath', 'httpHeaders', 'username', 'database', 'queryOptions', 'timestampsAsDate', ...CONNECTION_NUMBER_KEYS] as const;

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
  const mechanism = enumOption('auth.mechanism', a.mechanism, ['NOSASL', 'PLAIN', 'GSSAPI', 'JWT'] as const, 'NOSASL');
  if (mechanism === 'NOSASL') {
    rejectUnknown('auth', a, ['mechanism']);
    return { mechanism };
  }
  if (mechanism === 'GSSAPI') return resolveGssapi(a);
  if (mechanism === 'JWT') {
    rejectUnknown('auth', a, ['mechanism', 'token']);
    if (Secret.isSecret(a.token)) return { mechanism, token: a.token };
    // A token is never described, even of the wrong type.
    if (typeof a.token !== 'string' || a.token.length === 0 || /[\s]/.test(a.token)) throw new TypeError('option auth.token must be a non-empty string without white space');
    return { mechanism, token: new Secret(a.token) };
  }
  // Fields of another mechanism (a token, a keytab) would otherwise be ignored without a word.
  rejectUnknown('auth', a, ['mechanism', 'username', 'password', 'allowCleartext']);
  const username = stringOption('auth.username', a.username);
  if (username === undefined) throw new TypeError('option auth.username is required for PLAIN');
  // SASL PLAIN separates its fields with NUL: one inside a field would shift them.
  if (username.includes('\0')) throw new TypeError('option auth.username must not contain a NUL character');
  const allowCleartext = boolOption('auth.allowCleartext', a.allowCleartext, false);
  // The password's value is never described, even when it is of the wrong type.
  if (Secret.isSecret(a.password)) return { mechanism, username, password: a.password, allowCleartext };
  if (typeof a.password !== 'string') throw new TypeError('option auth.password must be a string');
  if (a.password.includes('\0')) throw new TypeError('option auth.password must not contain a NUL character');
  return { mechanism, username, password: new Secret(a.password), allowCleartext };
}

// service/host@REALM, host optional (a principal pattern's parts).
const PRINCIPAL = /^([^/@\s]+)(?:\/([^/@\s]+))?(?:@([^/@\s]+))?$/;

// Kerberos auth this module resolved (the pool resolves once and passes the result on).
const resolvedGssapi = new WeakSet<object>();

function resolveGssapi(a: Record<string, unknown>): ResolvedGssapiAuth {
  if (resolvedGssapi.has(a)) return a as unknown as ResolvedGssapiAuth;
  rejectUnknown('auth', a, ['mechanism', 'service', 'principal', 'kerberosHostFqdn', 'clientPrincipal', 'keytab']);
  let service = stringOption('auth.service', a.service);
  let kerberosHostFqdn = stringOption('auth.kerberosHostFqdn', a.kerberosHostFqdn);
  const principal = stringOption('auth.principal', a.principal);
  if (principal !== undefined) {
    if (service !== undefined) throw new TypeError('options auth.principal and auth.service exclude each other: the pattern names the service');
    const m = PRINCIPAL.exec(principal);
    if (!m) throw new TypeError(`option auth.principal must look like service/_HOST@REALM, got ${describe(principal)}`);
    service = m[1]!;
    const host = m[2];
    if (host !== undefined && host !== '_HOST') {
      if (kerberosHostFqdn !== undefined && kerberosHostFqdn !== host) throw new TypeError('option auth.principal names a host other than auth.kerberosHostFqdn');
      kerberosHostFqdn = host;
    }
  }
  for (const [name, v] of [['auth.service', service], ['auth.kerberosHostFqdn', kerberosHostFqdn]] as const) {
    if (v !== undefined && !/^[^\s/@]+$/.test(v)) throw new TypeError(`option ${name} must be a name without spaces, "/" or "@", got ${describe(v)}`);
  }
  const clientPrincipal = stringOption('auth.clientPrincipal', a.clientPrincipal);
  // The keytab path is a secret: never described.
  let keytab: Secret | undefined;
  if (Secret.isSecret(a.keytab)) keytab = a.keytab;
  else if (a.keytab !== undefined) {
    if (typeof a.keytab !== 'string' || a.keytab.length === 0) throw new TypeError('option auth.keytab must be a non-empty string (a file path)');
    keytab = new Secret(a.keytab);
  }
  const resolved: ResolvedGssapiAuth = { mechanism: 'GSSAPI', service: service ?? 'impala', kerberosHostFqdn, clientPrincipal, keytab };
  resolvedGssapi.add(resolved);
  return resolved;
}

/**
 * Refuses what a transport cannot carry: a JWT over TCP (impalad takes JWTs
 * on its HTTP endpoint only).
 *
 * @throws TypeError naming the option
 * @internal
 */
export function checkTransport(auth: ResolvedAuth, transport: 'tcp' | 'http'): ResolvedAuth {
  if (auth.mechanism === 'JWT' && transport !== 'http') throw new TypeError("option auth: JWT works over HS2's HTTP transport only; set transport: 'http'");
  return auth;
}

function httpPathOption(value: unknown): string {
  const path = stringOption('httpPath', value) ?? '/cliservice';
  if (!/^\/[\x21-\x7e]*$/.test(path)) throw new TypeError('option httpPath must start with "/" and hold no spaces or control characters');
  return path;
}

// Headers the transport sets itself: a caller's value would break framing or authentication.
const OWN_HEADERS = new Set(['content-type', 'content-length', 'accept', 'authorization', 'cookie', 'host', 'transfer-encoding', 'connection']);

function httpHeadersOption(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`option httpHeaders must be an object of header name → string, got ${describe(value)}`);
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

/**
 * Refuses a password in clear text: SASL PLAIN without TLS needs
 * `auth.allowCleartext`.
 *
 * @throws TypeError naming the option
 * @internal
 */
export function checkCleartext(auth: ResolvedAuth, tls: ResolvedConnectOptions['tls']): ResolvedAuth {
  if (auth.mechanism === 'PLAIN' && tls === false && !auth.allowCleartext) {
    throw new TypeError('option auth: SASL PLAIN would send the password in clear text; set tls, or auth.allowCleartext: true to allow it (impala-shell: --auth_creds_ok_in_clear)');
  }
  return auth;
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
    if (!Secret.isSecret(key) && typeof key !== 'string' && !Buffer.isBuffer(key) && !Array.isArray(key)) throw new TypeError('option tls.key must be a PEM string, a Buffer or an array of them');
    resolved.key = Secret.isSecret<NonNullable<TlsConnectionOptions['key']>>(key) ? key : new Secret(key);
  }
  if (passphrase !== undefined) {
    if (!Secret.isSecret(passphrase) && typeof passphrase !== 'string') throw new TypeError('option tls.passphrase must be a string');
    resolved.passphrase = Secret.isSecret(passphrase) ? passphrase : new Secret(passphrase);
  }
  return resolved;
}
