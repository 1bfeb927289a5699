/**
 * The metadata calls of the pool, its sessions and its leases against a
 * real local cluster: they take the statements' one pipeline, so they are
 * published on `impala-pool:statement`, routed (table pins, affinity keys,
 * the lease's coordinator) and retried like reads, under the call's one
 * deadline.
 *
 * Routing is made deterministic with a strategy that picks a chosen
 * coordinator while it is a candidate; the failing attempt is the
 * 'empty-reply' protocol fault (a well-formed answer with every required
 * field missing) set once the call's connection is open, so the call itself
 * is sent and its answer is what breaks.
 */
import diagnostics from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  ClientClosedError,
  createPool,
  PoolClosedError,
  QueryTimeoutError,
  type ImpalaPool,
  type PoolConnection,
  type RetryEvent,
  type StatementDiagnostic,
  type Strategy,
  type TableRow,
} from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';

type Scope = 'pool' | 'session' | 'lease';
const SCOPES: Scope[] = ['pool', 'session', 'lease'];

/** Collects what is published on a diagnostics channel until `stop()`. */
function listen<T>(name: string): { seen: T[]; stop(): void } {
  const seen: T[] = [];
  const listener = (m: unknown): void => void seen.push(m as T);
  diagnostics.subscribe(name, listener);
  return { seen, stop: () => diagnostics.unsubscribe(name, listener) };
}

let cluster: LocalCluster;
let pool: ImpalaPool | undefined;
let preferred = '';
const preferChosen: Strategy = { name: 'prefer', pick: (c) => c.find((x) => x.id === preferred) ?? c[0] };

beforeAll(async () => {
  // No propagation delay worth the name: every coordinator knows md_pool.orders.
  cluster = await startCluster({ coordinators: 3, catalogDelayMs: 0 });
  const setup = createPool({ hosts: cluster.hosts, ddl: 'sync', healthCheckIntervalMs: 0 });
  try {
    await setup.execute('CREATE DATABASE md_pool');
    await setup.execute('CREATE TABLE md_pool.orders (id BIGINT, total DECIMAL(10,2))');
  } finally {
    await setup.end();
  }
});

afterAll(async () => {
  await cluster?.close();
});

afterEach(async () => {
  pool?.destroy();
  pool = undefined;
  for (const c of cluster.coordinators) {
    await c.setFault(undefined);
    c.resume();
  }
});

function makePool(): ImpalaPool {
  pool = createPool({
    hosts: cluster.hosts,
    strategy: preferChosen,
    healthCheckIntervalMs: 0,
    fall: 100,
    validateAfterIdleMs: 600_000,
    connectTimeoutMs: 2000,
    rpcTimeoutMs: 5000,
  });
  return pool;
}

function coordinatorAt(host: string) {
  const c = cluster.coordinators.find((x) => x.host === host);
  if (!c) throw new Error(`no coordinator ${host}`);
  return c;
}

/**
 * Runs getTables the way `scope` says; `before(coordinator)` runs first with
 * the coordinator it will go to. Returns the rows, who answered, and where a
 * session or lease ended up.
 */
async function getTablesVia(
  p: ImpalaPool,
  scope: Scope,
  before: (coordinator: string) => Promise<void>,
): Promise<{ rows: TableRow[]; coordinator: string; sessionOn?: string }> {
  const call = (target: ImpalaPool | PoolConnection) => target.getTables({ schemaPattern: 'md_pool' });
  switch (scope) {
    case 'pool': {
      await before(preferred);
      return call(p);
    }
    case 'session':
      return p.session(async (s) => {
        await before(s.coordinator);
        return { ...(await call(s)), sessionOn: s.coordinator };
      });
    case 'lease': {
      const lease = await p.connect();
      try {
        await before(lease.coordinator);
        return { ...(await call(lease)), sessionOn: lease.coordinator };
      } finally {
        lease.release();
      }
    }
  }
}

describe.each(SCOPES)('%s metadata calls', (scope) => {
  it('take the statement pipeline: one impala-pool:statement message, verb GET_TABLES, on the coordinator routing chose', async () => {
    const p = makePool();
    preferred = cluster.hosts[1]!;
    const statements = listen<StatementDiagnostic>('impala-pool:statement');
    let ranOn = '';
    let out;
    try {
      out = await getTablesVia(p, scope, async (c) => void (ranOn = c));
    } finally {
      statements.stop();
    }
    expect(ranOn).toBe(preferred);
    expect(out.coordinator).toBe(preferred);
    expect(out.rows.map((r) => [r.TABLE_SCHEM, r.TABLE_NAME, r.TABLE_TYPE])).toEqual([['md_pool', 'orders', 'TABLE']]);
    expect(statements.seen.map((m) => ({ coordinator: m.coordinator, verb: m.verb, attempt: m.attempt, ok: m.ok }))).toEqual([
      { coordinator: preferred, verb: 'GET_TABLES', attempt: 1, ok: true },
    ]);
  });

  it('are retried like reads: an answer that breaks after the call was sent runs it again on another coordinator', async () => {
    const p = makePool();
    preferred = cluster.hosts[0]!;
    // Pool calls borrow an idle connection: open one on the preferred coordinator first.
    if (scope === 'pool') await p.query('SELECT 0 AS warm');
    const statements = listen<StatementDiagnostic>('impala-pool:statement');
    const retries: RetryEvent[] = [];
    p.on('retry', (e) => retries.push(e));
    let broken = '';
    let out;
    try {
      out = await getTablesVia(p, scope, async (c) => {
        broken = c;
        await coordinatorAt(c).setFault('empty-reply');
      });
    } finally {
      statements.stop();
    }
    expect(broken).toBe(preferred);
    expect(out.rows.map((r) => r.TABLE_NAME)).toEqual(['orders']);
    const messages = statements.seen.map((m) => ({ coordinator: m.coordinator, verb: m.verb, attempt: m.attempt, ok: m.ok, code: m.code }));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({ coordinator: broken, verb: 'GET_TABLES', attempt: 1, ok: false, code: 'IMPALA_PROTOCOL' });
    expect(messages[1]).toMatchObject({ verb: 'GET_TABLES', attempt: 2, ok: true });
    expect(messages[1]!.coordinator).not.toBe(broken);
    expect(out.coordinator).toBe(messages[1]!.coordinator);
    if (out.sessionOn !== undefined) expect(out.sessionOn).toBe(out.coordinator);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ coordinator: broken, attempt: 1, code: 'IMPALA_PROTOCOL' });
    expect(retries[0]!.reason).toMatch(/after send/);
  });
});

describe('deadlines and options', () => {
  it('timeoutMs covers waiting and every attempt: with every coordinator silent the call gives QueryTimeoutError in time', async () => {
    const p = makePool();
    preferred = cluster.hosts[2]!;
    await p.query('SELECT 0 AS warm');
    for (const c of cluster.coordinators) c.pause();
    const started = performance.now();
    await expect(p.getColumns({ schemaPattern: 'md_pool', timeoutMs: 300 })).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('a signal that fired stops the call (AbortError) before anything is sent', async () => {
    const p = makePool();
    const before = cluster.stats().map((s) => s.rpcs.GetSchemas ?? 0);
    await expect(p.getSchemas({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(cluster.stats().map((s) => s.rpcs.GetSchemas ?? 0)).toEqual(before);
  });

  it('an affinity key keeps metadata calls with the statements of that key', async () => {
    const p = makePool();
    preferred = cluster.hosts[2]!;
    const first = await p.query('SELECT 1 AS x', [], { affinityKey: 'tenant-1' });
    preferred = cluster.hosts[0]!;
    const listed = await p.getSchemas({ schemaPattern: 'md_pool', affinityKey: 'tenant-1' });
    expect(listed.coordinator).toBe(first.coordinator);
    expect(listed.rows).toEqual([{ TABLE_SCHEM: 'md_pool', TABLE_CATALOG: '' }]);
  });

  it('bad options are TypeErrors; a released lease and an ended pool refuse with their errors', async () => {
    const p = makePool();
    await expect(p.getTables({ affinityKey: 5 as never })).rejects.toThrow(/option affinityKey must be a string/);
    await expect(p.getTables({ tablePattern: ['orders'] as never })).rejects.toThrow(/option tablePattern must be a string/);
    const lease = await p.connect();
    // A lease keeps the key it was opened with; it takes none per call.
    await expect(lease.getSchemas({ affinityKey: 'k' } as never)).rejects.toThrow(/unknown getSchemas option affinityKey/);
    lease.release();
    await expect(lease.getSchemas()).rejects.toBeInstanceOf(ClientClosedError);
    await p.end();
    await expect(p.getSchemas()).rejects.toBeInstanceOf(PoolClosedError);
  });
});

describe('table pins', () => {
  let slow: LocalCluster;
  let slowPool: ImpalaPool | undefined;

  beforeAll(async () => {
    // Changes take far longer than the test to reach the other coordinators.
    slow = await startCluster({ coordinators: 3, catalogDelayMs: 60_000 });
  });
  afterAll(async () => {
    slowPool?.destroy();
    await slow?.close();
  });

  it('a call naming a table changed moments ago goes to the coordinator that changed it; a session moves there', async () => {
    const p = (slowPool = createPool({ hosts: slow.hosts, strategy: 'roundrobin', healthCheckIntervalMs: 0 }));
    const created = await p.execute('CREATE TABLE pinned_t (a INT, b STRING)');
    for (let i = 0; i < 4; i += 1) {
      const cols = await p.getColumns({ schemaPattern: 'default', tablePattern: 'pinned_t' });
      expect(cols.coordinator).toBe(created.coordinator);
      expect(cols.rows.map((r) => r.COLUMN_NAME)).toEqual(['a', 'b']);
      // Without a schema pattern, the current database's table decides.
      const tables = await p.getTables({ tablePattern: 'pinned_t' });
      expect(tables.coordinator).toBe(created.coordinator);
      expect(tables.rows.map((r) => r.TABLE_NAME)).toEqual(['pinned_t']);
    }
    // A lease that starts elsewhere (round robin brings one within as many tries as coordinators)…
    const opened: PoolConnection[] = [];
    try {
      let lease: PoolConnection | undefined;
      for (let i = 0; i < slow.hosts.length && !lease; i += 1) {
        const l = await p.connect();
        opened.push(l);
        if (l.coordinator !== created.coordinator) lease = l;
      }
      expect(lease).toBeDefined();
      // …moves to where the table is for a call that names it, as for a statement reading it.
      const cols = await lease!.getColumns({ schemaPattern: 'default', tablePattern: 'pinned_t' });
      expect(cols.coordinator).toBe(created.coordinator);
      expect(lease!.coordinator).toBe(created.coordinator);
      expect(cols.rows).toHaveLength(2);
    } finally {
      for (const l of opened) l.release();
    }
    // The other coordinators really have not seen it: a pattern that names no table routes anywhere.
    const unpinned = await Promise.all(slow.hosts.map(() => p.getTables({ schemaPattern: 'default', tablePattern: 'pinned%' })));
    const seenOn = new Set(unpinned.filter((r) => r.rows.length > 0).map((r) => r.coordinator));
    expect([...seenOn]).toEqual([created.coordinator]);
    expect(unpinned.some((r) => r.rows.length === 0)).toBe(true);
  });
});
