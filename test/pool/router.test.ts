/**
 * Routing precedence and eligibility, over fake coordinators (plain objects
 * with just the fields the router reads), the real AffinityTable on a manual
 * clock, and every real strategy: whatever the strategy, table pins beat the
 * lease's coordinator, which beats affinity keys, which beat the strategy;
 * silent or connect-failing coordinators are avoided while a responsive one
 * can take the work (a table pin holds through silence); down and probing ones only in panic; draining, removed
 * and already-tried ones never.
 */
import { describe, expect, it } from 'vitest';
import { AffinityTable } from '../../src/pool/affinity.js';
import type { Coordinator } from '../../src/pool/coordinator.js';
import type { HealthState } from '../../src/pool/health-state.js';
import { Router, type RouteReason } from '../../src/pool/router.js';
import { createStrategy, STRATEGY_NAMES, type Strategy } from '../../src/pool/strategies/index.js';
import { classify } from '../../src/sql/classify.js';
import { ManualClock, seededRandom } from '../../src/util/clock.js';
import { fakeHealth, type FakeSpec } from '../support/fake-coordinator.js';

// lru-cache takes a clock reading of 0 for "no time", so the clock starts later.
const T0 = 10_000;
const CATALOG_MS = 5_000;
const KEY_TTL_MS = 60_000;
// Enough picks per case for the random strategies to have shown any coordinator they would choose.
const ROUNDS = 24;

function fake(spec: FakeSpec): Coordinator {
  return {
    id: spec.id,
    weight: spec.weight ?? 1,
    inFlight: spec.inFlight ?? 0,
    latencyMs: spec.latencyMs ?? 0,
    health: fakeHealth(spec.state ?? 'up'),
    silent: spec.silent ?? false,
    connectFailing: spec.connectFailing ?? false,
  } as unknown as Coordinator;
}

interface Setup {
  coordinators: FakeSpec[];
  /** DDL/DML that succeeded on a coordinator, pinning what it wrote. */
  tables?: Array<[sql: string, coordinator: string]>;
  keys?: Array<[key: string, coordinator: string]>;
  pinTables?: boolean;
}

interface Request {
  /** Omitted: a lease's first connect, which routes with no statement. */
  sql?: string;
  affinityKey?: string;
  prefer?: string;
  exclude?: string[];
}

function build(setup: Setup, strategy: Strategy, clock = new ManualClock(T0)) {
  const coordinators = setup.coordinators.map(fake);
  const affinity = new AffinityTable({ affinityTtlMs: KEY_TTL_MS, catalogPropagationMs: CATALOG_MS, maxEntries: 100 }, () => clock.now());
  for (const [sql, c] of setup.tables ?? []) affinity.pinWrites(classify(sql), 'default', c);
  for (const [key, c] of setup.keys ?? []) affinity.pinKey(key, c);
  const router = new Router(() => coordinators, strategy, affinity, setup.pinTables ?? true);
  const byId = (id: string): Coordinator => {
    const c = coordinators.find((x) => x.id === id);
    if (!c) throw new Error(`no fake coordinator ${id}`);
    return c;
  };
  const route = (req: Request) =>
    router.route({
      statement: req.sql === undefined ? undefined : classify(req.sql),
      database: 'default',
      affinityKey: req.affinityKey,
      exclude: new Set(req.exclude ?? []),
      prefer: req.prefer === undefined ? undefined : byId(req.prefer),
    });
  return { coordinators, affinity, router, route, clock };
}

const up = (id: string, extra: Omit<FakeSpec, 'id'> = {}): FakeSpec => ({ id, ...extra });
const inState = (id: string, state: HealthState, extra: Omit<FakeSpec, 'id'> = {}): FakeSpec => ({ id, state, ...extra });
const ABC = [up('a'), up('b'), up('c')];

interface Case {
  name: string;
  setup: Setup;
  request: Request;
  /** The coordinators the pick may be, and why; undefined: nothing to route to. */
  expected: { among: string[]; reason: RouteReason } | undefined;
}

const CASES: Case[] = [
  // Precedence.
  {
    name: 'a table pin beats the lease, the affinity key and the strategy',
    setup: { coordinators: ABC, tables: [['CREATE TABLE t (x INT)', 'c']], keys: [['k', 'b']] },
    request: { sql: 'SELECT * FROM t', prefer: 'a', affinityKey: 'k' },
    expected: { among: ['c'], reason: 'table-pin' },
  },
  {
    name: 'a DML write pins as DDL does',
    setup: { coordinators: ABC, tables: [['INSERT INTO t VALUES (1)', 'b']] },
    request: { sql: 'SELECT count(*) FROM t', prefer: 'a' },
    expected: { among: ['b'], reason: 'table-pin' },
  },
  {
    name: "the lease's coordinator beats the affinity key",
    setup: { coordinators: ABC, tables: [['CREATE TABLE t (x INT)', 'c']], keys: [['k', 'b']] },
    request: { sql: 'SELECT * FROM other', prefer: 'a', affinityKey: 'k' },
    expected: { among: ['a'], reason: 'lease' },
  },
  {
    name: 'an affinity key beats the strategy, however loaded its coordinator',
    setup: { coordinators: [up('a'), up('b'), up('c', { inFlight: 50 })], keys: [['k', 'c']] },
    request: { sql: 'SELECT 1', affinityKey: 'k' },
    expected: { among: ['c'], reason: 'affinity' },
  },
  {
    name: 'the strategy picks among the healthy ones otherwise',
    setup: { coordinators: ABC },
    request: { sql: 'SELECT 1' },
    expected: { among: ['a', 'b', 'c'], reason: 'strategy' },
  },
  {
    name: 'table pins are not consulted when pinning is off',
    setup: { coordinators: ABC, tables: [['CREATE TABLE t (x INT)', 'c']], pinTables: false },
    request: { sql: 'SELECT * FROM t', prefer: 'a' },
    expected: { among: ['a'], reason: 'lease' },
  },
  {
    name: 'a lease opening (no statement yet) goes by its affinity key, not table pins',
    setup: { coordinators: ABC, tables: [['CREATE TABLE t (x INT)', 'c']], keys: [['k', 'b']] },
    request: { affinityKey: 'k' },
    expected: { among: ['b'], reason: 'affinity' },
  },
  // Silent and connect-failing coordinators.
  {
    name: 'a silent coordinator is skipped while a responsive healthy one exists',
    setup: { coordinators: [up('a', { silent: true }), up('b'), up('c')] },
    request: { sql: 'SELECT 1' },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: 'a connect-failing coordinator is skipped while a responsive healthy one exists',
    setup: { coordinators: [up('a', { connectFailing: true }), up('b'), up('c')] },
    request: { sql: 'SELECT 1' },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    // The pinned coordinator is the one known to have the table; silence may be mere busyness.
    name: 'a table pin holds through silence',
    setup: { coordinators: [up('a', { silent: true }), up('b'), up('c')], tables: [['CREATE TABLE t (x INT)', 'a']] },
    request: { sql: 'SELECT * FROM t' },
    expected: { among: ['a'], reason: 'table-pin' },
  },
  {
    name: 'a table pin to a coordinator whose connects fail gives way to a responsive one',
    setup: { coordinators: [up('a', { connectFailing: true }), up('b'), up('c')], tables: [['CREATE TABLE t (x INT)', 'a']] },
    request: { sql: 'SELECT * FROM t' },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: "a lease's connect-failing coordinator gives way to a responsive one",
    setup: { coordinators: [up('a', { connectFailing: true }), up('b'), up('c')] },
    request: { sql: 'SELECT 1', prefer: 'a' },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: "an affinity key's silent coordinator gives way to a responsive one",
    setup: { coordinators: [up('a', { silent: true }), up('b'), up('c')], keys: [['k', 'a']] },
    request: { sql: 'SELECT 1', affinityKey: 'k' },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: 'silent and connect-failing coordinators are used when only they are healthy',
    setup: { coordinators: [up('a', { silent: true }), up('b', { connectFailing: true }), inState('c', 'down')] },
    request: { sql: 'SELECT 1' },
    expected: { among: ['a', 'b'], reason: 'strategy' },
  },
  {
    name: 'a table pin to a silent coordinator holds when no healthy one is responsive',
    setup: {
      coordinators: [up('a', { silent: true }), up('b', { silent: true }), inState('c', 'down')],
      tables: [['CREATE TABLE t (x INT)', 'a']],
    },
    request: { sql: 'SELECT * FROM t' },
    expected: { among: ['a'], reason: 'table-pin' },
  },
  // Health states.
  {
    name: 'down and probing coordinators are skipped while one is healthy',
    setup: { coordinators: [inState('a', 'down'), inState('b', 'probing'), up('c', { inFlight: 50 })] },
    request: { sql: 'SELECT 1' },
    expected: { among: ['c'], reason: 'strategy' },
  },
  {
    name: 'a suspect coordinator still takes work',
    setup: { coordinators: [inState('a', 'suspect'), inState('b', 'down')] },
    request: { sql: 'SELECT 1' },
    expected: { among: ['a'], reason: 'strategy' },
  },
  {
    name: 'a table pin to a down coordinator does not hold',
    setup: { coordinators: [inState('a', 'down'), up('b'), up('c')], tables: [['CREATE TABLE t (x INT)', 'a']] },
    request: { sql: 'SELECT * FROM t' },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: 'panic: with nothing healthy, down and probing coordinators are tried',
    setup: { coordinators: [inState('a', 'down'), inState('b', 'probing')] },
    request: { sql: 'SELECT 1' },
    expected: { among: ['a', 'b'], reason: 'panic' },
  },
  {
    name: 'panic ignores table pins and affinity keys',
    setup: { coordinators: [inState('a', 'down'), inState('b', 'down')], tables: [['CREATE TABLE t (x INT)', 'a']], keys: [['k', 'a']] },
    request: { sql: 'SELECT * FROM t', affinityKey: 'k' },
    expected: { among: ['a', 'b'], reason: 'panic' },
  },
  {
    name: 'a draining coordinator is never picked while others are up, however idle',
    setup: { coordinators: [inState('a', 'draining'), up('b', { inFlight: 50 }), up('c', { inFlight: 50 })] },
    request: { sql: 'SELECT 1' },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: "a lease's draining coordinator is left",
    setup: { coordinators: [inState('a', 'draining'), up('b'), up('c')] },
    request: { sql: 'SELECT 1', prefer: 'a' },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: 'a draining coordinator is not picked in panic either',
    setup: { coordinators: [inState('a', 'draining'), inState('b', 'down')] },
    request: { sql: 'SELECT 1' },
    expected: { among: ['b'], reason: 'panic' },
  },
  {
    name: 'only draining coordinators: nothing to route to',
    setup: { coordinators: [inState('a', 'draining'), inState('b', 'draining')] },
    request: { sql: 'SELECT 1' },
    expected: undefined,
  },
  {
    name: 'a removed coordinator is never picked, even in panic',
    setup: { coordinators: [inState('a', 'removed'), inState('b', 'down')], keys: [['k', 'a']] },
    request: { sql: 'SELECT 1', affinityKey: 'k', prefer: 'a' },
    expected: { among: ['b'], reason: 'panic' },
  },
  // Coordinators already tried.
  {
    name: 'a tried coordinator is never picked, even when a table pin names it',
    setup: { coordinators: ABC, tables: [['CREATE TABLE t (x INT)', 'a']] },
    request: { sql: 'SELECT * FROM t', exclude: ['a'] },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: 'a tried lease coordinator is left for another',
    setup: { coordinators: ABC },
    request: { sql: 'SELECT 1', prefer: 'a', exclude: ['a'] },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: "a tried affinity key's coordinator is left for another",
    setup: { coordinators: ABC, keys: [['k', 'a']] },
    request: { sql: 'SELECT 1', affinityKey: 'k', exclude: ['a'] },
    expected: { among: ['b', 'c'], reason: 'strategy' },
  },
  {
    name: 'a tried coordinator is not picked in panic either',
    setup: { coordinators: [inState('a', 'down'), inState('b', 'down')] },
    request: { sql: 'SELECT 1', exclude: ['a'] },
    expected: { among: ['b'], reason: 'panic' },
  },
  {
    name: 'every coordinator tried: nothing to route to',
    setup: { coordinators: ABC },
    request: { sql: 'SELECT 1', exclude: ['a', 'b', 'c'] },
    expected: undefined,
  },
];

describe.each(STRATEGY_NAMES)('Router with %s', (strategyName) => {
  it.each(CASES)('$name', ({ setup, request, expected }) => {
    // One strategy across the rounds, so rotating strategies move on; fresh pins each round.
    const strategy = createStrategy(strategyName, seededRandom(11));
    for (let round = 0; round < ROUNDS; round++) {
      const route = build(setup, strategy).route(request);
      if (expected === undefined) {
        expect(route).toBeUndefined();
        continue;
      }
      expect(route, `round ${round}`).toBeDefined();
      expect(expected.among, `round ${round}`).toContain(route!.coordinator.id);
      expect(route!.reason, `round ${round}`).toBe(expected.reason);
    }
  });

  it('pins an affinity key to the coordinator the strategy picked, and keeps it there', () => {
    const { route, affinity, coordinators } = build({ coordinators: ABC }, createStrategy(strategyName, seededRandom(5)));
    const first = route({ sql: 'SELECT 1', affinityKey: 'tenant-7' })!;
    expect(first.reason).toBe('strategy');
    expect(affinity.keyCoordinator('tenant-7')).toBe(first.coordinator.id);
    // Even once it is the busiest, the key stays with it.
    (coordinators.find((c) => c === first.coordinator) as unknown as { inFlight: number }).inFlight = 50;
    for (let i = 0; i < ROUNDS; i++) {
      const again = route({ sql: 'SELECT 1', affinityKey: 'tenant-7' })!;
      expect(again.coordinator).toBe(first.coordinator);
      expect(again.reason).toBe('affinity');
    }
  });

  it("re-pins a key whose coordinator stopped answering to the strategy's new pick", () => {
    const { route, affinity } = build(
      { coordinators: [up('a', { silent: true }), up('b'), up('c')], keys: [['k', 'a']] },
      createStrategy(strategyName, seededRandom(5)),
    );
    const moved = route({ sql: 'SELECT 1', affinityKey: 'k' })!;
    expect(['b', 'c']).toContain(moved.coordinator.id);
    expect(affinity.keyCoordinator('k')).toBe(moved.coordinator.id);
  });

  it('does not pin a key to a panic pick', () => {
    const { route, affinity } = build(
      { coordinators: [inState('a', 'down'), inState('b', 'down')] },
      createStrategy(strategyName, seededRandom(5)),
    );
    expect(route({ sql: 'SELECT 1', affinityKey: 'k' })!.reason).toBe('panic');
    expect(affinity.keyCoordinator('k')).toBeUndefined();
  });
});

describe('Router and the clock', () => {
  it.each<[string, number, RouteReason]>([
    // lru-cache counts an entry stale once it is older than its TTL, not at exactly its TTL.
    ['a table pin holds for catalogPropagationMs', CATALOG_MS, 'table-pin'],
    ['a table pin lapses after catalogPropagationMs', CATALOG_MS + 1, 'lease'],
  ])('%s', (_name, elapsed, reason) => {
    const clock = new ManualClock(T0);
    const { route } = build(
      { coordinators: ABC, tables: [['CREATE TABLE t (x INT)', 'c']] },
      createStrategy('leastconn', seededRandom(1)),
      clock,
    );
    clock.advance(elapsed);
    expect(route({ sql: 'SELECT * FROM t', prefer: 'a' })!.reason).toBe(reason);
  });

  it.each<[string, number, RouteReason]>([
    ['an affinity key holds for affinityTtlMs of disuse', KEY_TTL_MS, 'affinity'],
    ['an affinity key lapses after affinityTtlMs of disuse', KEY_TTL_MS + 1, 'strategy'],
  ])('%s', (_name, elapsed, reason) => {
    const clock = new ManualClock(T0);
    const { route } = build({ coordinators: ABC, keys: [['k', 'c']] }, createStrategy('leastconn', seededRandom(1)), clock);
    clock.advance(elapsed);
    expect(route({ sql: 'SELECT 1', affinityKey: 'k' })!.reason).toBe(reason);
  });
});
