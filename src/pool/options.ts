/**
 * Pool options, their defaults (HAProxy's from Impala's proxy guide where
 * it speaks) and their validation; also the `impala://` connection URL.
 *
 * @module
 */
import { checkCleartext, resolveAuth, type ResolvedAuth } from '../hs2/auth-options.js';
import type { ConnectOptions } from '../hs2/options.js';
import { CONNECTION_OPTION_KEYS, DEFAULT_HS2_HTTP_PORT, DEFAULT_HS2_PORT, resolveConnectOptions } from '../hs2/options.js';
import { systemClock, systemRandom, type Clock, type RandomSource } from '../util/clock.js';
import { describe, enumOption, intOption, msOption, rejectUnknown, stringMapOption } from '../util/validate.js';
import { parseAddress, type ParsedAddress } from './address.js';
import { POOL_KEYS } from './option-names.js';
import { readPoolUrl } from './pool-url.js';
import { STRATEGY_NAMES, type Strategy, type StrategyName } from './strategies/index.js';

/** A coordinator address with an optional weight. */
export interface CoordinatorAddress {
  /** Host name or IP. */
  host: string;
  /** Default: the pool's `port` (21050). */
  port?: number;
  /** Relative capacity for weighted strategies. Default 1. */
  weight?: number;
  /**
   * This coordinator's transport, when it differs from the pool's
   * `transport` (a pool may balance HTTP and TCP coordinators together).
   * Without `port`, `http` means the pool's `port` if given, else 28000.
   */
  transport?: 'tcp' | 'http';
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
  coordinators: ParsedAddress[];
  /** Port of an address given without one (the `port` option, else the transport's default). */
  defaultPort: number;
  /** Port of an `http` address object given without one. */
  defaultHttpPort: number;
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

/**
 * Checks pool options and fills defaults. Connection options are checked
 * here and again when each connection opens; `auth` is resolved (the result
 * keeps no plain password). Does not change `options`.
 *
 * @throws TypeError naming the first bad option
 */
export function resolvePoolOptions(options: PoolOptions | string): ResolvedPoolOptions {
  const o = typeof options === 'string' ? readPoolUrl(options) : options;
  if (o === null || typeof o !== 'object') throw new TypeError(`pool options must be an object or an impala:// URL, got ${describe(o)}`);
  rejectUnknown('pool', o, [...POOL_KEYS, ...CONNECTION_KEYS]);
  const port = intOption('port', o.port, o.transport === 'http' ? DEFAULT_HS2_HTTP_PORT : DEFAULT_HS2_PORT, 1, 65535);
  if (!Array.isArray(o.hosts) || o.hosts.length === 0) throw new TypeError('option hosts must be a non-empty array');
  const coordinators = o.hosts.map((h, i) => parseAddress(h, port, `hosts[${i}]`, o.port ?? DEFAULT_HS2_HTTP_PORT));
  const ids = new Set<string>();
  for (const c of coordinators) {
    const id = `${c.host}:${c.port}`;
    if (ids.has(id)) throw new TypeError(`option hosts lists ${id} twice`);
    ids.add(id);
  }
  const connection: ResolvedPooledConnectionOptions = {};
  for (const k of CONNECTION_KEYS) if (o[k] !== undefined) (connection as Record<string, unknown>)[k] = o[k];
  // Replaces the caller's auth object, which holds the password as a string.
  if (o.auth !== undefined) connection.auth = checkCleartext(resolveAuth(o.auth), o.tls === undefined || o.tls === false ? false : {});
  stringMapOption('queryOptions', o.queryOptions);
  const strategy = o.strategy;
  if (strategy !== undefined && typeof strategy !== 'string' && (typeof strategy !== 'object' || typeof strategy.pick !== 'function')) {
    throw new TypeError('option strategy must be a strategy name or an object with pick()');
  }
  const maxConn = intOption('maxConnectionsPerCoordinator', o.maxConnectionsPerCoordinator, 10, 1, 100_000);
  const minConn = intOption('minConnectionsPerCoordinator', o.minConnectionsPerCoordinator, 0, 0, maxConn);
  const ratio = o.retryBudgetRatio ?? 0.2;
  if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 10))
    throw new TypeError(`option retryBudgetRatio must be a number from 0 to 10, got ${describe(ratio)}`);
  if (o.clock !== undefined && typeof o.clock?.now !== 'function') throw new TypeError('option clock must have a now() method');
  if (o.random !== undefined && typeof o.random !== 'function') throw new TypeError('option random must be a function');
  // Each connection checks them again; checking once here reports a bad one at construction.
  resolveConnectOptions({ ...connection, host: coordinators[0]!.host, port: coordinators[0]!.port });
  return {
    coordinators,
    defaultPort: port,
    defaultHttpPort: o.port ?? DEFAULT_HS2_HTTP_PORT,
    connection,
    strategy: typeof strategy === 'string' ? enumOption('strategy', strategy, STRATEGY_NAMES, 'leastconn') : (strategy ?? 'leastconn'),
    maxConnectionsPerCoordinator: maxConn,
    minConnectionsPerCoordinator: minConn,
    maxWaitingPerCoordinator: intOption('maxWaitingPerCoordinator', o.maxWaitingPerCoordinator, 1000, 1, 1_000_000),
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
 *   The password is refused without `tls=true` unless `allowCleartext=true`.
 * - Options are form-encoded (`+` is a space). `tls`, `timestampsAsDate` and
 *   `allowCleartext` take `true`/`false`; `strategy`, `ddl`, `username` and `database` take
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
  const options = readPoolUrl(url);
  resolvePoolOptions(options);
  return options;
}
