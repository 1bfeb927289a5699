/**
 * Strategy names and construction.
 *
 * @module
 */
import type { RandomSource } from '../../util/clock.js';
import { LeastConnStrategy } from './least-conn.js';
import { P2cStrategy } from './p2c.js';
import { RandomStrategy } from './random.js';
import { RoundRobinStrategy } from './round-robin.js';
import { StickyStrategy } from './sticky.js';
import type { Strategy } from './strategy.js';

/** Built-in strategy names. */
export const STRATEGY_NAMES = ['leastconn', 'p2c', 'roundrobin', 'random', 'sticky'] as const;

/** A built-in strategy name. */
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Creates a built-in strategy. */
export function createStrategy(name: StrategyName, random: RandomSource): Strategy {
  switch (name) {
    case 'leastconn':
      return new LeastConnStrategy();
    case 'p2c':
      return new P2cStrategy(random);
    case 'roundrobin':
      return new RoundRobinStrategy();
    case 'random':
      return new RandomStrategy(random);
    case 'sticky':
      return new StickyStrategy();
  }
}

export type { Candidate, PickRequest, Strategy } from './strategy.js';
export { LeastConnStrategy, P2cStrategy, RandomStrategy, RoundRobinStrategy, StickyStrategy };
