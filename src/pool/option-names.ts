/**
 * The pool's option names, in one place for the options check and the URL
 * parser (which must know which ones take numbers).
 *
 * @module
 * @internal
 */

/** Pool options whose values are numbers. */
export const POOL_NUMBER_KEYS = [
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
] as const;

/** Every pool option name (connection options come on top). */
export const POOL_KEYS = ['hosts', 'strategy', 'ddl', 'clock', 'random', ...POOL_NUMBER_KEYS] as const;
