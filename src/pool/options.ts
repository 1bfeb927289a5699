/**
 * Pool options, their defaults (HAProxy's from the seed configuration where
 * it speaks) and their validation; also the `impala://` connection URL.
 *
 * @module
 */
import type { ConnectOptions } from '../hs2/options.js';
import { CONNECTION_OPTION_KEYS, DEFAULT_HS2_PORT } from '../hs2/options.js';
import { systemClock, systemRandom, type Clock, type RandomSource } from '../util/clock.js';
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
  connection: PooledConnectionOptions;
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
 * again when each connection opens; here only their names are.
 *
 * @throws TypeError naming the first bad option
 */
export function resolvePoolOptions(options: PoolOptions | string): ResolvedPoolOptions {
  const o = typeof options === 'string' ? parsePoolUrl(options) : options;
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
  const connection: PooledConnectionOptions = {};
  for (const k of CONNECTION_KEYS) if (o[k] !== undefined) (connection as Record<string, unknown>)[k] = o[k];
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

/** Parses `'host'`, `'host:port'`, `'[::1]:port'` or an address object. */
export function parseAddress(value: unknown, defaultPort: number, name: string): { host: string; port: number; weight: number } {
  if (typeof value === 'string') {
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(value.trim());
    if (!m) throw new TypeError(`option ${name} must be 'host' or 'host:port', got ${describe(value)}`);
    const port = m[3] === undefined ? defaultPort : Number(m[3]);
    if (!(port >= 1 && port <= 65535)) throw new TypeError(`option ${name} has an invalid port ${m[3]}`);
    return { host: (m[1] ?? m[2])!, port, weight: 1 };
  }
  if (value === null || typeof value !== 'object') throw new TypeError(`option ${name} must be a string or { host, port, weight }, got ${describe(value)}`);
  const v = value as CoordinatorAddress;
  rejectUnknown(name, v, ['host', 'port', 'weight']);
  const host = stringOption(`${name}.host`, v.host);
  if (host === undefined) throw new TypeError(`option ${name}.host is required`);
  const weight = v.weight ?? 1;
  if (typeof weight !== 'number' || !(weight > 0 && weight <= 1000)) throw new TypeError(`option ${name}.weight must be a number above 0 and at most 1000, got ${describe(weight)}`);
  return { host, port: intOption(`${name}.port`, v.port, defaultPort, 1, 65535), weight };
}

/**
 * Parses `impala://[user[:password]@]h1[:port],h2[:port]/[database]?option=value&…`.
 * Numeric and boolean options are converted; `user`+`password` select SASL PLAIN.
 */
export function parsePoolUrl(url: string): PoolOptions {
  const m = /^impala:\/\/(?:([^@/]*)@)?([^/?#]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/.exec(url);
  if (!m) throw new TypeError('pool URL must look like impala://host1:21050,host2:21050/database?option=value');
  const options: PoolOptions = { hosts: m[2]!.split(',').filter((h) => h.length > 0) };
  if (m[1]) {
    const [user, password] = m[1].split(':').map((s) => decodeURIComponent(s));
    if (password !== undefined) options.auth = { mechanism: 'PLAIN', username: user!, password };
    else options.username = user!;
  }
  if (m[3]) options.database = decodeURIComponent(m[3]);
  for (const [key, raw] of new URLSearchParams(m[4] ?? '')) {
    const target = options as unknown as Record<string, unknown>;
    if (key === 'tls' || key === 'timestampsAsDate') target[key] = boolOption(key, raw === 'true' ? true : raw === 'false' ? false : raw, false);
    else if (key === 'strategy' || key === 'ddl' || key === 'username' || key === 'database') target[key] = raw;
    else if (/^[A-Z_]+$/.test(key)) (options.queryOptions ??= {})[key] = raw;
    else if (/^-?\d+(\.\d+)?$/.test(raw)) target[key] = Number(raw);
    else throw new TypeError(`pool URL option ${key} has an unusable value`);
  }
  return options;
}
