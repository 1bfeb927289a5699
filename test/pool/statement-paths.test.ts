/**
 * Every way to run a statement — pool query/execute/stream, the same in a
 * session and in a lease — takes one pipeline, so each must look the same from
 * outside: one `impala-pool:statement` message per attempt; a read that fails
 * after it was sent runs again on another coordinator, seen on the `retry`
 * event and on `impala-pool:retry`; DML whose attempt fails after send is
 * never run again and reports an unknown outcome, whichever path ran it.
 *
 * Routing is made deterministic with a strategy that picks a chosen
 * coordinator while it is a candidate. The failing attempt is a protocol fault
 * ('empty-reply': a well-formed answer with every required field missing) set
 * on the coordinator the statement is about to use, once its connection is
 * open — so the statement itself is sent, and its answer is what breaks.
 */
import diagnostics from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createPool,
  OutcomeUnknownError,
  type ImpalaPool,
  type PoolConnection,
  type RetryEvent,
  type StatementDiagnostic,
  type Strategy,
} from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';

type Kind = 'query' | 'execute' | 'stream';
type Scope = 'pool' | 'session' | 'lease';

interface Path {
  name: string;
  scope: Scope;
  kind: Kind;
}

const PATHS: Path[] = [
  { name: 'pool.query', scope: 'pool', kind: 'query' },
  { name: 'pool.execute', scope: 'pool', kind: 'execute' },
  { name: 'pool.stream', scope: 'pool', kind: 'stream' },
  { name: 'session query', scope: 'session', kind: 'query' },
  { name: 'session execute', scope: 'session', kind: 'execute' },
  { name: 'session stream', scope: 'session', kind: 'stream' },
  { name: 'lease query', scope: 'lease', kind: 'query' },
  { name: 'lease execute', scope: 'lease', kind: 'execute' },
  { name: 'lease stream', scope: 'lease', kind: 'stream' },
];

const TABLE = 'statement_paths';
const THREE_ROWS = 'SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3';

/** What one run of a statement gave back: the coordinator it reports (streams report none) and its rows. */
interface Outcome {
  coordinator: string | undefined;
  rows: number;
  /** The query id the result reports (streams report none). */
  queryId: string | undefined;
  /** Where the session was when the statement finished (sessions and leases). */
  sessionOn: string | undefined;
}

type Target = ImpalaPool | PoolConnection;

async function runOn(target: Target, kind: Kind, sql: string): Promise<Omit<Outcome, 'sessionOn'>> {
  switch (kind) {
    case 'query': {
      const r = await target.query(sql);
      return { coordinator: r.coordinator, rows: r.rows.length, queryId: r.queryId };
    }
    case 'execute': {
      const r = await target.execute(sql);
      return { coordinator: r.coordinator, rows: 0, queryId: r.queryId };
    }
    case 'stream': {
      let rows = 0;
      for await (const _row of target.stream(sql)) rows += 1;
      return { coordinator: undefined, rows, queryId: undefined };
    }
  }
}

/**
 * Runs `sql` the way `path` says. `before(coordinator)` runs first, with the
 * coordinator the statement will go to: the lease's or session's, once it is
 * open; the strategy's choice for pool calls.
 */
async function runPath(
  pool: ImpalaPool,
  path: Path,
  sql: string,
  poolTarget: string,
  before: (coordinator: string) => Promise<void>,
): Promise<Outcome> {
  switch (path.scope) {
    case 'pool': {
      await before(poolTarget);
      return { ...(await runOn(pool, path.kind, sql)), sessionOn: undefined };
    }
    case 'session':
      return pool.session(async (s) => {
        await before(s.coordinator);
        const out = await runOn(s, path.kind, sql);
        return { ...out, sessionOn: s.coordinator };
      });
    case 'lease': {
      const lease = await pool.connect();
      try {
        await before(lease.coordinator);
        const out = await runOn(lease, path.kind, sql);
        return { ...out, sessionOn: lease.coordinator };
      } finally {
        lease.release();
      }
    }
  }
}

/** Collects what is published on a diagnostics channel until `stop()`. */
function listen<T>(name: string): { seen: T[]; stop(): void } {
  const seen: T[] = [];
  const listener = (m: unknown): void => void seen.push(m as T);
  diagnostics.subscribe(name, listener);
  return { seen, stop: () => diagnostics.unsubscribe(name, listener) };
}

let cluster: LocalCluster;
let pool: ImpalaPool | undefined;
/** The coordinator the strategy picks while it is a candidate. */
let preferred = '';
const preferFirst: Strategy = { name: 'prefer', pick: (c) => c.find((x) => x.id === preferred) ?? c[0] };

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 3, catalogDelayMs: 0 });
  // SYNC_DDL: the table is on every coordinator before any case runs.
  const setup = createPool({ hosts: cluster.hosts, ddl: 'sync', healthCheckIntervalMs: 0 });
  try {
    await setup.execute(`CREATE TABLE ${TABLE} (id INT)`);
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
  for (const c of cluster.coordinators) await c.setFault(undefined);
});

/**
 * A pool over the whole cluster that routes to `preferred` when it can; no
 * active checks and a high `fall`, so the faults of one case leave every
 * coordinator in rotation; idle connections are reused without a ping.
 */
function makePool(): ImpalaPool {
  pool = createPool({
    hosts: cluster.hosts,
    strategy: preferFirst,
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

describe.each(PATHS)('$name', (path) => {
  it('publishes each statement once on impala-pool:statement, ok, with its verb and coordinator', async () => {
    const p = makePool();
    preferred = cluster.hosts[1]!;
    const sql = path.kind === 'execute' ? `INSERT INTO ${TABLE} VALUES (1)` : path.kind === 'stream' ? THREE_ROWS : 'SELECT 1 AS x';
    const verb = path.kind === 'execute' ? 'INSERT' : 'SELECT';
    const statements = listen<StatementDiagnostic>('impala-pool:statement');
    const retries: RetryEvent[] = [];
    p.on('retry', (e) => retries.push(e));
    let ranOn = '';
    let out: Outcome;
    try {
      out = await runPath(p, path, sql, preferred, async (c) => void (ranOn = c));
    } finally {
      statements.stop();
    }
    expect(ranOn).toBe(preferred);
    if (out.coordinator !== undefined) expect(out.coordinator).toBe(ranOn);
    if (path.kind === 'stream') expect(out.rows).toBe(3);
    // A lease's or session's own connect is not a statement: nothing for it.
    expect(statements.seen.map((m) => ({ coordinator: m.coordinator, verb: m.verb, attempt: m.attempt, ok: m.ok }))).toEqual([
      { coordinator: ranOn, verb, attempt: 1, ok: true },
    ]);
    expect(statements.seen[0]!.code).toBeUndefined();
    // The message names the query the caller got back, so the two can be matched up.
    if (path.kind === 'stream') expect(statements.seen[0]!.queryId).toBeUndefined();
    else expect(statements.seen[0]!.queryId).toMatch(/^[0-9a-f]{16}:[0-9a-f]{16}$/);
    if (path.kind !== 'stream') expect(statements.seen[0]!.queryId).toBe(out.queryId);
    expect(retries).toEqual([]);
  });

  it('a read whose answer breaks after it was sent runs again on another coordinator, announced on the retry event and on impala-pool:retry', async () => {
    const p = makePool();
    preferred = cluster.hosts[0]!;
    // Pool calls borrow an idle connection: open one on the preferred coordinator first.
    if (path.scope === 'pool') await p.query('SELECT 0 AS warm');
    const sql = path.kind === 'stream' ? THREE_ROWS : 'SELECT 1 AS x';
    const statements = listen<StatementDiagnostic>('impala-pool:statement');
    const retryChannel = listen<RetryEvent>('impala-pool:retry');
    const retries: RetryEvent[] = [];
    p.on('retry', (e) => retries.push(e));
    let broken = '';
    let out: Outcome;
    try {
      out = await runPath(p, path, sql, preferred, async (c) => {
        broken = c;
        await coordinatorAt(c).setFault('empty-reply');
      });
    } finally {
      statements.stop();
      retryChannel.stop();
    }
    expect(broken).toBe(preferred);
    expect(out.rows).toBe(path.kind === 'stream' ? 3 : path.kind === 'query' ? 1 : 0);

    const messages = statements.seen.map((m) => ({ coordinator: m.coordinator, verb: m.verb, attempt: m.attempt, ok: m.ok, code: m.code }));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({ coordinator: broken, verb: 'SELECT', attempt: 1, ok: false, code: 'IMPALA_PROTOCOL' });
    const second = messages[1]!;
    expect(second).toMatchObject({ verb: 'SELECT', attempt: 2, ok: true, code: undefined });
    expect(second.coordinator).not.toBe(broken);
    expect(cluster.hosts).toContain(second.coordinator);
    if (out.coordinator !== undefined) expect(out.coordinator).toBe(second.coordinator);
    // A session or lease moves with its statement.
    if (out.sessionOn !== undefined) expect(out.sessionOn).toBe(second.coordinator);

    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ coordinator: broken, attempt: 1, code: 'IMPALA_PROTOCOL' });
    // Retried because it is a read, not because it never left: it was sent.
    expect(retries[0]!.reason).toMatch(/after send/);
    expect(retryChannel.seen).toEqual(retries);
  });
});

// execute is DML's own path, but query and stream run an INSERT too (no rows): the rule holds on all of them.
describe.each(PATHS)('$name of DML', (path) => {
  it('an INSERT whose answer breaks after it was sent fails with OutcomeUnknownError and is never run again', async () => {
    const p = makePool();
    preferred = cluster.hosts[2]!;
    if (path.scope === 'pool') await p.query('SELECT 0 AS warm');
    const statements = listen<StatementDiagnostic>('impala-pool:statement');
    const retryChannel = listen<RetryEvent>('impala-pool:retry');
    const retries: RetryEvent[] = [];
    p.on('retry', (e) => retries.push(e));
    let broken = '';
    let err: unknown;
    try {
      err = await runPath(p, path, `INSERT INTO ${TABLE} VALUES (2)`, preferred, async (c) => {
        broken = c;
        await coordinatorAt(c).setFault('empty-reply');
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
    } finally {
      statements.stop();
      retryChannel.stop();
    }
    expect(broken).toBe(preferred);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect((err as OutcomeUnknownError).code).toBe('IMPALA_OUTCOME_UNKNOWN');
    expect((err as OutcomeUnknownError).coordinator).toBe(broken);
    expect(retries).toEqual([]);
    expect(retryChannel.seen).toEqual([]);
    // One attempt, on the broken coordinator, and no other.
    expect(statements.seen.map((m) => ({ coordinator: m.coordinator, verb: m.verb, attempt: m.attempt, ok: m.ok }))).toEqual([
      { coordinator: broken, verb: 'INSERT', attempt: 1, ok: false },
    ]);
  });
});
