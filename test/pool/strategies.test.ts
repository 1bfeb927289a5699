import { describe, expect, it } from 'vitest';
import {
  LeastConnStrategy,
  P2cStrategy,
  RandomStrategy,
  RoundRobinStrategy,
  StickyStrategy,
  type Candidate,
  type Strategy,
} from '../../src/pool/strategies/index.js';
import { seededRandom } from '../../src/util/clock.js';

const c = (id: string, inFlight = 0, weight = 1, latencyMs = 0): Candidate => ({ id, inFlight, weight, latencyMs });

function picks(strategy: Strategy, candidates: Candidate[], n: number, affinityKey?: string): string[] {
  return Array.from({ length: n }, () => strategy.pick(candidates, { affinityKey })!.id);
}

function counts(ids: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}

describe('leastconn', () => {
  it.each([
    ['fewest in flight wins', [c('a', 3), c('b', 1), c('c', 2)], ['b', 'b', 'b']],
    ['equals take turns', [c('a', 1), c('b', 1), c('c', 1)], ['a', 'b', 'c', 'a']],
    ['weight divides load', [c('a', 2, 3), c('b', 1, 1)], ['a', 'a']],
    ['weighted tie rotates', [c('a', 2, 3), c('b', 0, 1)], ['a', 'b', 'a', 'b']],
    ['single candidate', [c('only', 50)], ['only', 'only']],
    // The answer-latency signal: below the 3 ms floor and within 2× of the fastest, coordinators are equals.
    ['noise below the floor is ignored', [c('a', 1, 1, 0.2), c('b', 1, 1, 2.9), c('c', 1, 1, 0.4)], ['a', 'b', 'c']],
    ['within 2× of the fastest is equal', [c('a', 1, 1, 3), c('b', 1, 1, 5.9)], ['a', 'b', 'a']],
    // r times slower than the fastest (beyond 2×): each operation there counts as (r − 1)²; 30× → 841.
    ['a markedly slower one counts each operation as many', [c('fast', 800, 1, 3), c('slow', 0, 1, 90)], ['fast', 'fast', 'fast']],
    ['…until the fast ones are that many times busier', [c('fast', 850, 1, 3), c('slow', 0, 1, 90)], ['slow']],
    ['4× slower counts each operation as 9 (here a tie)', [c('fast', 8, 1, 3), c('slower', 0, 1, 12)], ['fast', 'slower']],
    ['the floor: 1 ms against 30 ms counts as 10× slower', [c('fast', 80, 1, 1), c('slow', 0, 1, 30)], ['fast']],
    // Just over 2× counts 1.1: no step at the threshold, one more operation on the fast one outweighs it.
    ['just over 2× counts about 1', [c('fast', 1, 1, 10), c('slower', 0, 1, 20.5)], ['slower']],
    ['an unknown latency counts as fast', [c('new', 1, 1, 0), c('fast', 1, 1, 1), c('slow', 1, 1, 30)], ['new', 'fast', 'new']],
  ])('%s', (_name, candidates, expected) => {
    expect(picks(new LeastConnStrategy(), candidates, expected.length)).toEqual(expected);
  });
});

describe('roundrobin', () => {
  it.each([
    ['equal weights cycle', [c('a'), c('b'), c('c')], 'abcabc'],
    ['smooth weights 3:1', [c('a', 0, 3), c('b', 0, 1)], 'aaba' + 'aaba'],
    ['ignores load', [c('a', 100), c('b', 0)], 'abab'],
  ])('%s', (_name, candidates, expected) => {
    expect(picks(new RoundRobinStrategy(), candidates, expected.length).join('')).toBe(expected);
  });
});

describe('random', () => {
  it('follows weights (seeded)', () => {
    const got = counts(picks(new RandomStrategy(seededRandom(7)), [c('a', 0, 1), c('b', 0, 3)], 4000));
    expect(got.b! / got.a!).toBeGreaterThan(2.6);
    expect(got.b! / got.a!).toBeLessThan(3.4);
  });
});

describe('p2c', () => {
  it.each([
    ['avoids the slow one', [c('fast', 0, 1, 5), c('slow', 0, 1, 100), c('fast2', 0, 1, 6)], 'slow', 0.05],
    ['avoids the busy one', [c('idle', 0, 1, 10), c('busy', 20, 1, 10)], 'busy', 0.01],
  ])('%s', (_name, candidates, avoid, maxShare) => {
    const got = counts(picks(new P2cStrategy(seededRandom(1)), candidates, 3000));
    expect((got[avoid] ?? 0) / 3000).toBeLessThanOrEqual(maxShare);
  });

  it('spreads equal candidates', () => {
    const got = counts(picks(new P2cStrategy(seededRandom(3)), [c('a'), c('b'), c('c')], 3000));
    for (const id of ['a', 'b', 'c']) expect(got[id]).toBeGreaterThan(800);
  });
});

describe('sticky', () => {
  const three = [c('h1:21050'), c('h2:21050'), c('h3:21050')];

  it('keeps a key on one coordinator', () => {
    const s = new StickyStrategy();
    for (const key of ['tenant-1', 'tenant-2', 'hue-session-9']) {
      expect(new Set(picks(s, three, 20, key)).size).toBe(1);
    }
  });

  it('moves only the keys of a coordinator that leaves', () => {
    const s = new StickyStrategy();
    const keys = Array.from({ length: 600 }, (_, i) => `k${i}`);
    const before = new Map(keys.map((k) => [k, s.pick(three, { affinityKey: k })!.id]));
    const two = three.filter((x) => x.id !== 'h2:21050');
    for (const k of keys) {
      const after = s.pick(two, { affinityKey: k })!.id;
      if (before.get(k) !== 'h2:21050') expect(after).toBe(before.get(k));
    }
    const spread = counts([...before.values()]);
    for (const id of ['h1:21050', 'h2:21050', 'h3:21050']) expect(spread[id]).toBeGreaterThan(150);
  });

  it('falls back to leastconn without a key', () => {
    expect(picks(new StickyStrategy(), [c('a', 5), c('b', 0)], 2)).toEqual(['b', 'b']);
  });
});
