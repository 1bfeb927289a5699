/**
 * The systems compared, each with `open()`, `run(statement)` for a worker
 * and `close()`:
 *
 * - `direct`: one coordinator, impala-pool `connect()` connections held by
 *   the workers (a {@link ConnectionSet}) — no balancing at all, the baseline
 *   where one coordinator makes sense;
 * - `pool-<strategy>` for every built-in strategy: one `createPool` over all
 *   coordinators, shared by the workers;
 * - `haproxy-<balance>` for leastconn, source and roundrobin: persistent
 *   `connect()` connections to haproxy's listen, held as a JDBC application
 *   holds them (a {@link ConnectionSet}: validated after idling, evicted on
 *   connection errors, reopened through the proxy, failures counted);
 * - `haproxy-leastconn-per-query`: a new connection through haproxy for
 *   every statement (connect, run, close);
 * - `hive-driver`: the hive-driver npm package, one connection per worker
 *   straight to a coordinator (worker i on coordinator i mod n) — the other
 *   client of the `rtt` scenario.
 *
 * @module
 */
import { connect, createPool, STRATEGY_NAMES, type ImpalaError, type ImpalaPool, type PoolOptions } from '../../src/index.js';
import { resolvePoolOptions } from '../../src/pool/options.js';
import { hiveConnect, hiveRun, type HiveConn } from '../clients/hive-driver.js';
import { ConnectionSet, type ConnectionSetCounters } from './connection-set.js';
import type { Balance, Haproxy } from './haproxy.js';
import type { Statement } from './workload.js';

/** How one statement went. */
export interface Outcome {
  ok: boolean;
  /** `CODE: message` when it failed. */
  error?: string;
  /** Rows of a query that succeeded (checked by chains). */
  rows?: unknown[];
  /** Where it ran, when the client knows (the pool does; a proxy hides it). */
  coordinator?: string;
}

/** A system under test. */
export interface System {
  readonly name: string;
  open(): Promise<void>;
  /** Runs one statement for worker `worker`; never throws. */
  run(statement: Statement, worker: number): Promise<Outcome>;
  close(): Promise<void>;
  /** Client-side counters (reconnects, evictions…), by name. */
  counters(): Record<string, number>;
}

/** What systems are built from. */
export interface SystemEnv {
  /** Coordinators, `host:port`. */
  hosts: readonly string[];
  /** The running haproxy, for `haproxy-*` systems. */
  proxy?: Haproxy;
  /** Workers that will use the system (hive-driver opens one connection each). */
  workers: number;
  /** Connections a JDBC-style client set holds (`direct`, `haproxy-<balance>`). Default `workers`. */
  connections?: number;
  /** Options for the pools (over the defaults). */
  pool?: Partial<PoolOptions>;
}

/** A system's name, what it is, and how to make it. */
export interface SystemSpec {
  name: string;
  description: string;
  /** Needs haproxy. */
  proxied: boolean;
  create(env: SystemEnv): System;
}

/** The strategy a pool gets when none is given (today's default, whatever it is). */
export function defaultStrategyName(): string {
  const s = resolvePoolOptions({ hosts: ['127.0.0.1:1'] }).strategy;
  return typeof s === 'string' ? s : 'custom';
}

/** The system that stands for "the pool" in headlines: the pool with its default strategy. */
export function headlinePool(): string {
  return `pool-${defaultStrategyName()}`;
}

/** The reference every ratio is taken against. */
export const REFERENCE = 'haproxy-leastconn';

function describeError(err: unknown): string {
  const e = err as Partial<ImpalaError> & { message?: string };
  const msg = (e?.message ?? String(err)).split('\n', 1)[0]!.slice(0, 200);
  return `${e?.code ?? 'ERROR'}: ${msg}`;
}

function splitHost(h: string): { host: string; port: number } {
  const i = h.lastIndexOf(':');
  return { host: h.slice(0, i), port: Number(h.slice(i + 1)) };
}

/** Connection-set systems: `direct` and the persistent haproxy ones. */
class ConnectionSetSystem implements System {
  private set: ConnectionSet | undefined;
  constructor(
    readonly name: string,
    private readonly size: number,
    private readonly target: () => { host: string; port: number },
  ) {}

  async open(): Promise<void> {
    const { host, port } = this.target();
    this.set = new ConnectionSet({ size: this.size, open: () => connect({ host, port }) });
    await this.set.fill();
  }

  async run(st: Statement): Promise<Outcome> {
    let lease;
    try {
      lease = await this.set!.borrow();
    } catch (err) {
      return { ok: false, error: describeError(err) };
    }
    try {
      const rows = st.kind === 'query' ? (await lease.conn.query(st.sql)).rows : (await lease.conn.execute(st.sql), undefined);
      lease.release();
      return { ok: true, ...(rows ? { rows } : {}) };
    } catch (err) {
      lease.release(err);
      return { ok: false, error: describeError(err) };
    }
  }

  async close(): Promise<void> {
    await this.set?.close();
  }

  counters(): Record<string, number> {
    return { ...(this.set?.counters ?? ({} as ConnectionSetCounters)) };
  }
}

/** A new connection through the proxy per statement. */
class PerQuerySystem implements System {
  private opened = 0;
  private openFailures = 0;
  constructor(
    readonly name: string,
    private readonly target: () => { host: string; port: number },
  ) {}

  async open(): Promise<void> {}

  async run(st: Statement): Promise<Outcome> {
    const { host, port } = this.target();
    let conn;
    try {
      conn = await connect({ host, port });
      this.opened += 1;
    } catch (err) {
      this.openFailures += 1;
      return { ok: false, error: describeError(err) };
    }
    try {
      const rows = st.kind === 'query' ? (await conn.query(st.sql)).rows : (await conn.execute(st.sql), undefined);
      return { ok: true, ...(rows ? { rows } : {}) };
    } catch (err) {
      return { ok: false, error: describeError(err) };
    } finally {
      await conn.close(2000).catch(() => undefined);
    }
  }

  async close(): Promise<void> {}

  counters(): Record<string, number> {
    return { opened: this.opened, openFailures: this.openFailures };
  }
}

/** One createPool shared by the workers. */
class PoolSystem implements System {
  private pool: ImpalaPool | undefined;
  private retries = 0;
  private downs = 0;
  constructor(
    readonly name: string,
    private readonly options: PoolOptions,
  ) {}

  async open(): Promise<void> {
    this.pool = createPool(this.options);
    this.pool.on('retry', () => (this.retries += 1));
    this.pool.on('coordinatorDown', () => (this.downs += 1));
  }

  async run(st: Statement): Promise<Outcome> {
    try {
      if (st.kind === 'query') {
        const r = await this.pool!.query(st.sql);
        return { ok: true, rows: r.rows, coordinator: r.coordinator };
      }
      const r = await this.pool!.execute(st.sql);
      return { ok: true, coordinator: r.coordinator };
    } catch (err) {
      return { ok: false, error: describeError(err) };
    }
  }

  async close(): Promise<void> {
    const p = this.pool;
    if (!p) return;
    const ended = p.end();
    const timer = new Promise<'late'>((r) => setTimeout(r, 5000, 'late').unref());
    if ((await Promise.race([ended.then(() => 'ok' as const), timer])) === 'late') p.destroy();
  }

  counters(): Record<string, number> {
    return { retries: this.retries, coordinatorDown: this.downs };
  }
}

/** hive-driver, one connection per worker straight to coordinator `worker mod n`. */
class HiveDriverSystem implements System {
  readonly name = 'hive-driver';
  private conns: HiveConn[] = [];
  constructor(
    private readonly hosts: readonly string[],
    private readonly workers: number,
  ) {}

  async open(): Promise<void> {
    for (let w = 0; w < this.workers; w++) this.conns.push(await hiveConnect(splitHost(this.hosts[w % this.hosts.length]!).port));
  }

  async run(st: Statement, worker: number): Promise<Outcome> {
    try {
      const r = await hiveRun(this.conns[worker]!, st.sql);
      return { ok: true, rows: r.rows };
    } catch (err) {
      return { ok: false, error: describeError(err) };
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.conns.map((c) => c.close()));
  }

  counters(): Record<string, number> {
    return {};
  }
}

function proxyTarget(env: SystemEnv, balance: Balance): () => { host: string; port: number } {
  return () => {
    if (!env.proxy) throw new Error('this system needs haproxy');
    return env.proxy.address(balance);
  };
}

function poolSpec(strategy: string): SystemSpec {
  return {
    name: `pool-${strategy}`,
    description: `impala-pool createPool({ strategy: '${strategy}' }) over every coordinator, shared by the workers`,
    proxied: false,
    create: (env) =>
      new PoolSystem(`pool-${strategy}`, {
        hosts: [...env.hosts],
        strategy: strategy as PoolOptions['strategy'],
        // The guide's haproxy has no per-server maxconn: neither side caps a coordinator below the workers.
        maxConnectionsPerCoordinator: Math.max(10, env.workers),
        ...env.pool,
      }),
  };
}

function haproxySpec(balance: Balance): SystemSpec {
  return {
    name: `haproxy-${balance}`,
    description: `haproxy balance ${balance}; persistent connect() connections through it, JDBC-style (validated after 500 ms idle, evicted on connection errors, reopened)`,
    proxied: true,
    create: (env) => new ConnectionSetSystem(`haproxy-${balance}`, env.connections ?? env.workers, proxyTarget(env, balance)),
  };
}

/** Every system, by name. */
export const SYSTEMS: Record<string, SystemSpec> = Object.fromEntries(
  [
    {
      name: 'direct',
      description: 'one coordinator, no balancing: persistent connect() connections held by the workers',
      proxied: false,
      create: (env: SystemEnv) => new ConnectionSetSystem('direct', env.connections ?? env.workers, () => splitHost(env.hosts[0]!)),
    },
    ...STRATEGY_NAMES.map(poolSpec),
    ...(['leastconn', 'source', 'roundrobin'] as const).map(haproxySpec),
    {
      name: 'haproxy-leastconn-per-query',
      description: 'haproxy balance leastconn; a new connect() through it for every statement, closed after',
      proxied: true,
      create: (env: SystemEnv) => new PerQuerySystem('haproxy-leastconn-per-query', proxyTarget(env, 'leastconn')),
    },
    {
      name: 'hive-driver',
      description: 'the hive-driver npm package, one connection per worker straight to coordinator (worker mod n)',
      proxied: false,
      create: (env: SystemEnv) => new HiveDriverSystem(env.hosts, env.workers),
    },
  ].map((s) => [s.name, s]),
);

/** Pool systems, one per built-in strategy. */
export const POOL_SYSTEMS: readonly string[] = STRATEGY_NAMES.map((s) => `pool-${s}`);
/** The haproxy systems. */
export const HAPROXY_SYSTEMS: readonly string[] = [
  'haproxy-leastconn',
  'haproxy-source',
  'haproxy-roundrobin',
  'haproxy-leastconn-per-query',
];

/** Looks systems up by name. */
export function specs(names: readonly string[]): SystemSpec[] {
  return names.map((n) => {
    const s = SYSTEMS[n];
    if (!s) throw new Error(`unknown system ${n}`);
    return s;
  });
}
