/**
 * Pool options, their defaults (HAProxy's from the seed configuration where
 * it speaks) and their validation; also the `impala://` connection URL.
 *
 * @module
 */
import net from 'node:net';
import type { ConnectOptions, ResolvedAuth } from '../hs2/options.js';
import { CONNECTION_OPTION_KEYS, DEFAULT_HS2_PORT, resolveAuth, resolveConnectOptions } from '../hs2/options.js';
import { systemClock, systemRandom, type Clock, type RandomSource } from '../util/clock.js';
import { describe, enumOption, intOption, msOption, rejectUnknown, stringMapOption } from '../util/validate.js';
import { STRATEGY_NAMES, type Strategy, type StrategyName } from './strategies/index.js';

/** A coordinator address with an optional weight. */
export interface CoordinatorAddress {
  /** Host name or IP. */
  host: string;
  /** Default: the pool's `port` (21050). */
  port?: number;
  /** Relative capacity for weighted strategies. Default 1. */
  weight?: number;
}

/** Connection options every pooled connection uses (all of {@link ConnectOptions} but the address). */
export type PooledConnectionOptions = Omit<ConnectOptions, 'host' | 'port'>;

/**
 * Pooled connection options as the pool keeps them: `auth` already resolved,
 * its password in a Secret, so nothing reachable from a pool holds it plain.
 *
 * @internal
 */
export type ResolvedPooledConnectionOptions = Omit<PooledConnectionOptions, 'auth'> & { auth?: ResolvedAuth };

/** Options of {@link createPool}. */
export interface PoolOptions extends PooledConnectionOptions {
  /** Coordinators: `'host'`, `'host:port'` or `{ host, port, weight }`. Required, at least one. */
  hosts: Array<string | CoordinatorAddress>;
  /** Default port for hosts given without one. Default 21050. */
  port?: number;
  /** Balancing: a built-in name or your own {@link Strategy}. Default `'leastconn'`. */
  strategy?: StrategyName | Strategy;
  /** Most connections (HS2 sessions) per coordinator (HAProxy `maxconn`). Default 10. */
  maxConnectionsPerCoordinator?: number;
  /** Connections kept open per coordinator even when idle. Default 0. */
  minConnectionsPerCoordinator?: number;
  /** Most callers waiting for a connection, per coordinator; more get an error at once. Default 1000. */
  maxWaitingPerCoordinator?: number;
  /** Longest wait for a free connection, in ms. Default 10000. */
  acquireTimeoutMs?: number;
  /** Coordinators tried for one statement before giving up (HAProxy `retries 3` + redispatch). Default 3. */
  maxAttempts?: number;
  /** Interval of active health checks (PingImpalaHS2Service), in ms; 0 turns them off. Default 2000 (HAProxy `inter`). */
  healthCheckIntervalMs?: number;
  /**
   * Deadline of one health check, in ms; also how long a quick RPC (status poll,
   * ping, close) may go unanswered before new work is routed around that
   * coordinator. Default 1000.
   */
  healthCheckTimeoutMs?: number;
  /** Consecutive good checks before a down coordinator takes traffic again. Default 2 (HAProxy `rise`). */
  rise?: number;
  /** Consecutive failures (checks or real traffic) before a coordinator is taken out. Default 3 (HAProxy `fall`). */
  fall?: number;
  /** First ejection's length in ms (doubles per ejection in a row). Default 1000. */
  ejectBaseMs?: number;
  /** Longest ejection in ms. Default 30000. */
  ejectMaxMs?: number;
  /** Validate (ping) a connection on borrow when it was idle longer than this, in ms; 0 validates always. Default 10000. */
  validateAfterIdleMs?: number;
  /** Ping idle connections this often, in ms, so balancers and servers do not drop them; 0 is off. Default 0. */
  keepaliveIntervalMs?: number;
  /** Close connections idle longer than this, in ms. Default 600000. */
  idleTimeoutMs?: number;
  /** Replace connections older than this (±10% jitter), in ms; 0 is never. Default 1800000. */
  maxLifetimeMs?: number;
  /** How DDL/DML is kept consistent: `'pin'` routes dependents to the coordinator that ran it; `'sync'` runs it with SYNC_DDL=1; `'none'` does neither. Default `'pin'`. */
  ddl?: 'pin' | 'sync' | 'none';
  /** How long after DDL/DML on a table statements on it stay on that coordinator, in ms. Default 10000. */
  catalogPropagationMs?: number;
  /** How long an affinity key stays on its coordinator after its last use, in ms. Default 600000. */
  affinityTtlMs?: number;
  /** Retries allowed as a share of recent requests (retry budget). Default 0.2. */
  retryBudgetRatio?: number;
  /** Retries per second always allowed. Default 10. */
  retryBudgetMinPerSecond?: number;
  /** Clock for health, backoff and latency (tests inject one). Default: performance.now(). */
  clock?: Clock;
  /** Random source for `p2c`/`random` and jitter (tests inject one). Default Math.random. */
  random?: RandomSource;
}

/** Validated pool options. */
export interface ResolvedPoolOptions {
  coordinators: Array<{ host: string; port: number; weight: number }>;
  connection: ResolvedPooledConnectionOptions;
  strategy: StrategyName | Strategy;
  maxConnectionsPerCoordinator: number;
  minConnectionsPerCoordinator: number;
  maxWaitingPerCoordinator: number;
  acquireTimeoutMs: number;
  maxAttempts: number;
  healthCheckIntervalMs: number;
  healthCheckTimeoutMs: number;
  rise: number;
  fall: number;
  ejectBaseMs: number;
  ejectMaxMs: number;
  validateAfterIdleMs: number;
  keepaliveIntervalMs: number;
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  ddl: 'pin' | 'sync' | 'none';
  catalogPropagationMs: number;
  affinityTtlMs: number;
  retryBudgetRatio: number;
  retryBudgetMinPerSecond: number;
  clock: Clock;
  random: RandomSource;
}

const CONNECTION_KEYS = CONNECTION_OPTION_KEYS;

const POOL_KEYS = [
  'hosts',
  'port',
  'strategy',
  'maxConnectionsPerCoordinator',
  'minConnectionsPerCoordinator',
  'maxWaitingPerCoordinator',
  'acquireTimeoutMs',
  'maxAttempts',
  'healthCheckIntervalMs',
  'healthCheckTimeoutMs',
  'rise',
  'fall',
  'ejectBaseMs',
  'ejectMaxMs',
  'validateAfterIdleMs',
  'keepaliveIntervalMs',
  'idleTimeoutMs',
  'maxLifetimeMs',
  'ddl',
  'catalogPropagationMs',
  'affinityTtlMs',
  'retryBudgetRatio',
  'retryBudgetMinPerSecond',
  'clock',
  'random',
] as const;

/**
 * Checks pool options and fills defaults. Connection options are checked
 * here and again when each connection opens; `auth` is resolved (the result
 * keeps no plain password). Does not change `options`.
 *
 * @throws TypeError naming the first bad option
 */
export function resolvePoolOptions(options: PoolOptions | string): ResolvedPoolOptions {
  const o = typeof options === 'string' ? parseUrl(options) : options;
  if (o === null || typeof o !== 'object') throw new TypeError(`pool options must be an object or an impala:// URL, got ${describe(o)}`);
  rejectUnknown('pool', o, [...POOL_KEYS, ...CONNECTION_KEYS]);
  const port = intOption('port', o.port, DEFAULT_HS2_PORT, 1, 65535);
  if (!Array.isArray(o.hosts) || o.hosts.length === 0) throw new TypeError('option hosts must be a non-empty array');
  const coordinators = o.hosts.map((h, i) => parseAddress(h, port, `hosts[${i}]`));
  const ids = new Set<string>();
  for (const c of coordinators) {
    const id = `${c.host}:${c.port}`;
    if (ids.has(id)) throw new TypeError(`option hosts lists ${id} twice`);
    ids.add(id);
  }
  const connection: ResolvedPooledConnectionOptions = {};
  for (const k of CONNECTION_KEYS) if (o[k] !== undefined) (connection as Record<string, unknown>)[k] = o[k];
  // Replaces the caller's auth object, which holds the password as a string.
  if (o.auth !== undefined) connection.auth = resolveAuth(o.auth);
  stringMapOption('queryOptions', o.queryOptions);
  const strategy = o.strategy;
  if (strategy !== undefined && typeof strategy !== 'string' && (typeof strategy !== 'object' || typeof strategy.pick !== 'function')) {
    throw new TypeError('option strategy must be a strategy name or an object with pick()');
  }
  const maxConn = intOption('maxConnectionsPerCoordinator', o.maxConnectionsPerCoordinator, 10, 1, 100_000);
  const minConn = intOption('minConnectionsPerCoordinator', o.minConnectionsPerCoordinator, 0, 0, maxConn);
  const ratio = o.retryBudgetRatio ?? 0.2;
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 10)) throw new TypeError(`option retryBudgetRatio must be a number from 0 to 10, got ${describe(ratio)}`);
  if (o.clock !== undefined && typeof o.clock?.now !== 'function') throw new TypeError('option clock must have a now() method');
  if (o.random !== undefined && typeof o.random !== 'function') throw new TypeError('option random must be a function');
  // Each connection checks them again; checking once here reports a bad one at construction.
  resolveConnectOptions({ ...connection, host: coordinators[0]!.host, port: coordinators[0]!.port });
  return {
    coordinators,
    connection,
    strategy: typeof strategy === 'string' ? enumOption('strategy', strategy, STRATEGY_NAMES, 'leastconn') : (strategy ?? 'leastconn'),
    maxConnectionsPerCoordinator: maxConn,
    minConnectionsPerCoordinator: minConn,
    maxWaitingPerCoordinator: intOption('maxWaitingPerCoordinator', o.maxWaitingPerCoordinator, 1000, 0, 1_000_000),
    acquireTimeoutMs: msOption('acquireTimeoutMs', o.acquireTimeoutMs, 10_000),
    maxAttempts: intOption('maxAttempts', o.maxAttempts, 3, 1, 100),
    healthCheckIntervalMs: msOption('healthCheckIntervalMs', o.healthCheckIntervalMs, 2000, true),
    healthCheckTimeoutMs: msOption('healthCheckTimeoutMs', o.healthCheckTimeoutMs, 1000),
    rise: intOption('rise', o.rise, 2, 1, 100),
    fall: intOption('fall', o.fall, 3, 1, 100),
    ejectBaseMs: msOption('ejectBaseMs', o.ejectBaseMs, 1000),
    ejectMaxMs: msOption('ejectMaxMs', o.ejectMaxMs, 30_000),
    validateAfterIdleMs: msOption('validateAfterIdleMs', o.validateAfterIdleMs, 10_000, true),
    keepaliveIntervalMs: msOption('keepaliveIntervalMs', o.keepaliveIntervalMs, 0, true),
    idleTimeoutMs: msOption('idleTimeoutMs', o.idleTimeoutMs, 600_000),
    maxLifetimeMs: msOption('maxLifetimeMs', o.maxLifetimeMs, 1_800_000, true),
    ddl: enumOption('ddl', o.ddl, ['pin', 'sync', 'none'] as const, 'pin'),
    catalogPropagationMs: msOption('catalogPropagationMs', o.catalogPropagationMs, 10_000, true),
    affinityTtlMs: msOption('affinityTtlMs', o.affinityTtlMs, 600_000),
    retryBudgetRatio: ratio,
    retryBudgetMinPerSecond: intOption('retryBudgetMinPerSecond', o.retryBudgetMinPerSecond, 10, 0, 1_000_000),
    clock: o.clock ?? systemClock,
    random: o.random ?? systemRandom,
  };
}

// Host names as DNS and /etc/hosts spell them (plus '_', which some internal
// zones use). Anything else is refused rather than echoed, because a
// mistyped address may be a pasted URL's credentials.
const HOST_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,252}$/;

function isHostName(host: string): boolean {
  return HOST_NAME.test(host) || net.isIP(host) !== 0;
}

/**
 * Parses `'host'`, `'host:port'`, `'[::1]:port'` or an address object. Error
 * messages name the option but never repeat the string, which may be a
 * pasted URL with its credentials.
 *
 * @param defaultPort - port of a host given without one
 * @param name - the option's name in error messages, e.g. `hosts[2]`
 * @throws TypeError naming `name`
 */
export function parseAddress(value: unknown, defaultPort: number, name: string): { host: string; port: number; weight: number } {
  if (typeof value === 'string') {
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(value.trim());
    const host = m?.[1] ?? m?.[2];
    if (!m || host === undefined || !(m[1] === undefined ? isHostName(host) : net.isIPv6(host))) {
      throw new TypeError(`option ${name} must be 'host', 'host:port' or '[IPv6 address]:port' with a host name or IP address`);
    }
    const port = m[3] === undefined ? defaultPort : Number(m[3]);
    if (!(port >= 1 && port <= 65535)) throw new TypeError(`option ${name} has an invalid port (must be 1 to 65535)`);
    return { host, port, weight: 1 };
  }
  if (value === null || typeof value !== 'object') throw new TypeError(`option ${name} must be a string or { host, port, weight }, got ${describe(value)}`);
  const v = value as CoordinatorAddress;
  rejectUnknown(name, v, ['host', 'port', 'weight']);
  if (v.host === undefined) throw new TypeError(`option ${name}.host is required`);
  if (typeof v.host !== 'string' || !isHostName(v.host)) throw new TypeError(`option ${name}.host must be a host name or IP address`);
  const weight = v.weight ?? 1;
  if (typeof weight !== 'number' || !(weight > 0 && weight <= 1000)) throw new TypeError(`option ${name}.weight must be a number above 0 and at most 1000, got ${describe(weight)}`);
  return { host: v.host, port: intOption(`${name}.port`, v.port, defaultPort, 1, 65535), weight };
}

const URL_SHAPE = 'impala://[user[:password]@]host[:port][,host[:port]…][/database][?option=value&…]';

/** Options a URL's query sets, by how their value is read. */
const URL_BOOLEANS = ['tls', 'timestampsAsDate'] as const satisfies ReadonlyArray<keyof PoolOptions>;
const URL_STRINGS = ['strategy', 'ddl', 'username', 'database'] as const satisfies ReadonlyArray<keyof PoolOptions>;
const URL_NUMBERS = [
  'port',
  'maxConnectionsPerCoordinator',
  'minConnectionsPerCoordinator',
  'maxWaitingPerCoordinator',
  'acquireTimeoutMs',
  'maxAttempts',
  'healthCheckIntervalMs',
  'healthCheckTimeoutMs',
  'rise',
  'fall',
  'ejectBaseMs',
  'ejectMaxMs',
  'validateAfterIdleMs',
  'keepaliveIntervalMs',
  'idleTimeoutMs',
  'maxLifetimeMs',
  'catalogPropagationMs',
  'affinityTtlMs',
  'retryBudgetRatio',
  'retryBudgetMinPerSecond',
  'connectTimeoutMs',
  'rpcTimeoutMs',
  'maxMessageBytes',
  'fetchSize',
  'maxPollIntervalMs',
] as const satisfies ReadonlyArray<keyof PoolOptions>;
const URL_OPTION_NAMES: readonly string[] = [...URL_BOOLEANS, ...URL_STRINGS, ...URL_NUMBERS];
// Impala's rule for database names (backticks do not widen it).
const DATABASE_NAME = /^[A-Za-z0-9_]{1,128}$/;
// Impala query options are upper-case by convention (S3_SKIP_INSERT_STAGING has a digit).
const QUERY_OPTION_NAME = /^[A-Z][A-Z0-9_]*$/;
// Query parameter names are repeated in messages only when they have this shape.
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function urlError(what: string): TypeError {
  return new TypeError(`invalid pool URL: ${what}`);
}

/**
 * Parses and validates an `impala://` connection URL:
 *
 * `impala://[user[:password]@]host[:port][,host[:port]…][/database][?option=value&…]`
 *
 * - The host list ends at the first `/`, `?` or `#` (as the WHATWG URL parser
 *   reads an authority); within it the credentials end at the last `@`, and
 *   the user name at the first `:`. User name and password are
 *   percent-decoded (`+` stays `+`). A `/`, `?` or `#` in them must be
 *   percent-encoded; so should `@` and `:` be (`%40`, `%3A`), though an
 *   unencoded one in the password still reads as intended. An `@` anywhere
 *   after the host list is an error: it means a `/`, `?` or `#` in the
 *   credentials was not encoded (encode one in an option value too).
 * - Hosts are names, IPv4 addresses or IPv6 addresses in brackets, each with
 *   an optional port 1–65535; the pool's `port` (default 21050) for the rest.
 * - `user:password` selects SASL PLAIN (`auth`); `user` alone sets `username`.
 * - Options are form-encoded (`+` is a space). `tls` and `timestampsAsDate`
 *   take `true`/`false`; `strategy`, `ddl`, `username` and `database` take
 *   strings; UPPER_CASE names are Impala query options (`MEM_LIMIT=2g`); the
 *   pool's and connections' numeric options take numbers. Other names are
 *   errors, and so is a name given twice.
 *
 * Returns the {@link PoolOptions} the URL stands for (with the password as a
 * plain string, as the options object takes it).
 *
 * @throws TypeError naming the part that is wrong (scheme, user name,
 *   password, host N, port of host N, database, option NAME). The message
 *   never contains the credentials or any other text of the host list: when
 *   a URL is malformed, there is no knowing which of it is a password.
 */
export function parsePoolUrl(url: string): PoolOptions {
  const options = parseUrl(url);
  resolvePoolOptions(options);
  return options;
}

function parseUrl(url: unknown): PoolOptions {
  if (typeof url !== 'string') throw new TypeError(`pool URL must be a string, got ${describe(url)}`);
  // Surrounding whitespace (the newline of an environment file) is dropped, as the WHATWG parser does.
  const text = url.trim();
  if (/[\u0000-\u001f\u007f]/.test(text)) throw urlError('it contains a control character; percent-encode it');
  const scheme = /^impala:\/\//i.exec(text);
  if (!scheme) throw urlError(`the scheme must be impala:// (${URL_SHAPE})`);
  const afterScheme = text.slice(scheme[0].length);
  const end = afterScheme.search(/[/?#]/);
  const authority = end < 0 ? afterScheme : afterScheme.slice(0, end);
  const rest = end < 0 ? '' : afterScheme.slice(end);
  // An '@' past the host list means it ended inside the credentials, at an
  // unencoded '/', '?' or '#': the "hosts" hold a piece of the password, so
  // nothing of the URL may be repeated.
  if (rest.includes('@')) {
    throw urlError("an '@' appears after the host list; '/', '?', '#' and '@' in credentials must be percent-encoded (%2F, %3F, %23, %40), as must an '@' in an option");
  }
  if (rest.includes('#')) throw urlError("it has a '#' fragment, which means nothing to a pool; a '#' in a password must be percent-encoded as %23");
  const at = authority.lastIndexOf('@');
  const options: PoolOptions = { hosts: parseHostList(at < 0 ? authority : authority.slice(at + 1)) };
  if (at >= 0) parseUserinfo(authority.slice(0, at), options);
  const query = rest.indexOf('?');
  const path = query < 0 ? rest : rest.slice(0, query);
  if (path.length > 1) options.database = databaseName(decodePart(path.slice(1), 'database'), 'database');
  if (query >= 0) parseQuery(rest.slice(query + 1), options);
  rejectDuplicateHosts(options);
  return options;
}

function decodePart(raw: string, part: string): string {
  // The URIError says nothing useful and, as a cause, would carry nothing either: dropped.
  try {
    return decodeURIComponent(raw);
  } catch {
    throw urlError(`${part} has malformed percent-encoding (a literal '%' is written %25)`);
  }
}

function parseUserinfo(info: string, options: PoolOptions): void {
  const colon = info.indexOf(':');
  const user = decodePart(colon < 0 ? info : info.slice(0, colon), 'user name');
  if (user === '') throw urlError(colon < 0 ? "user name is empty (nothing before '@')" : 'user name is empty but a password is given');
  if (user.includes('\0')) throw urlError('user name contains a NUL character');
  if (colon < 0) {
    options.username = user;
    return;
  }
  const password = decodePart(info.slice(colon + 1), 'password');
  if (password === '') throw urlError("password is empty; leave out the ':' to connect without one");
  if (password.includes('\0')) throw urlError('password contains a NUL character');
  options.auth = { mechanism: 'PLAIN', username: user, password };
}

function parseHostList(list: string): string[] {
  if (list === '') throw urlError('host 1 is empty: the URL names no host');
  return list.split(',').map((host, i) => urlHost(host, i + 1));
}

/** Checks one `host[:port]` of the list; returns it as parseAddress takes it. */
function urlHost(raw: string, n: number): string {
  if (raw === '') throw urlError(`host ${n} is empty`);
  let tail: string;
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']');
    if (close < 0) throw urlError(`host ${n} opens an IPv6 address with '[' and does not close it`);
    const address = raw.slice(1, close);
    if (address.includes('%')) throw urlError(`host ${n} has an IPv6 zone identifier, which is not supported`);
    if (!net.isIPv6(address)) throw urlError(`host ${n} is not a valid IPv6 address`);
    tail = raw.slice(close + 1);
    if (tail !== '' && !tail.startsWith(':')) throw urlError(`host ${n} has something other than ':port' after its IPv6 address`);
  } else {
    const colon = raw.indexOf(':');
    if (colon >= 0 && raw.indexOf(':', colon + 1) >= 0) throw urlError(`host ${n} has more than one ':'; an IPv6 address goes in brackets, e.g. [::1]:21050`);
    const name = colon < 0 ? raw : raw.slice(0, colon);
    if (name === '') throw urlError(`host ${n} has a port but no name`);
    if (!isHostName(name)) throw urlError(`host ${n} is not a host name or IP address (letters, digits, '.', '-' and '_'; IPv6 in brackets)`);
    tail = colon < 0 ? '' : raw.slice(colon);
  }
  if (tail !== '') {
    const port = tail.slice(1);
    if (!/^\d{1,5}$/.test(port) || !(Number(port) >= 1 && Number(port) <= 65535)) throw urlError(`port of host ${n} must be a number from 1 to 65535`);
  }
  return raw;
}

function rejectDuplicateHosts(options: PoolOptions): void {
  // A bad port option is reported by the option checks that follow, by name.
  const p = options.port;
  const port = typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535 ? p : DEFAULT_HS2_PORT;
  const seen = new Map<string, number>();
  options.hosts.forEach((h, i) => {
    const a = parseAddress(h, port, `hosts[${i}]`);
    // Host names are case-insensitive: H1 and h1 are one coordinator.
    const id = `${a.host.toLowerCase()}:${a.port}`;
    const first = seen.get(id);
    if (first !== undefined) throw urlError(`host ${i + 1} is the same coordinator as host ${first + 1}`);
    seen.set(id, i);
  });
}

function databaseName(name: string, part: string): string {
  if (!DATABASE_NAME.test(name)) throw urlError(`${part} must be 1 to 128 letters, digits or underscores (Impala's rule for database names)`);
  return name;
}

function parseQuery(query: string, options: PoolOptions): void {
  const target = options as unknown as Record<string, unknown>;
  const seen = new Set<string>();
  // Empty pairs (`a=1&&b=2`, a trailing '&') are skipped, as URLSearchParams does.
  const pairs = query.split('&').filter((p) => p !== '');
  pairs.forEach((pair, i) => {
    const eq = pair.indexOf('=');
    const key = decodeForm(eq < 0 ? pair : pair.slice(0, eq), `the name of query parameter ${i + 1}`);
    if (!OPTION_NAME.test(key)) throw urlError(`query parameter ${i + 1} does not have an option's name`);
    const value = decodeForm(eq < 0 ? '' : pair.slice(eq + 1), `option ${key}`);
    if (seen.has(key)) throw urlError(`option ${key} is given twice`);
    seen.add(key);
    if ((URL_BOOLEANS as readonly string[]).includes(key)) {
      if (value !== 'true' && value !== 'false') throw urlError(`option ${key} must be true or false`);
      target[key] = value === 'true';
    } else if ((URL_STRINGS as readonly string[]).includes(key)) {
      if (value === '') throw urlError(`option ${key} is empty`);
      if (key === 'database') {
        if (options.database !== undefined) throw urlError('database is given twice: in the path and as option database');
        target[key] = databaseName(value, 'option database');
      } else if (key === 'username' && options.username !== undefined) {
        throw urlError("user name is given twice: before '@' and as option username");
      } else {
        target[key] = value;
      }
    } else if (QUERY_OPTION_NAME.test(key)) {
      if (value === '') throw urlError(`option ${key} is empty`);
      (options.queryOptions ??= {})[key] = value;
    } else if ((URL_NUMBERS as readonly string[]).includes(key)) {
      if (!/^-?\d+(\.\d+)?$/.test(value)) throw urlError(`option ${key} must be a number`);
      target[key] = Number(value);
    } else if (key === 'password' || key === 'user') {
      throw urlError(`unknown option ${key}: the user name and password go before the host list, as impala://user:password@host`);
    } else {
      throw urlError(`unknown option ${key}; a URL can set ${URL_OPTION_NAMES.join(', ')} and UPPER_CASE Impala query options`);
    }
  });
}

/** Form decoding, as URLSearchParams does it, except that malformed escapes are errors. */
function decodeForm(raw: string, part: string): string {
  return decodePart(raw.replace(/\+/g, ' '), part);
}
