import { describe, expect, it } from 'vitest';
import { replayStatements, trackSessionState, type SessionState } from '../../src/hs2/session-state.js';

describe('session state', () => {
  it.each([
    ['USE sales', { database: 'sales', options: {} }, true],
    ['use `Sales`;', { database: 'Sales', options: {} }, true],
    ['SET mem_limit=2g', { database: undefined, options: { MEM_LIMIT: '2g' } }, true],
    ["SET REQUEST_POOL='etl pool'", { database: undefined, options: { REQUEST_POOL: 'etl pool' } }, true],
    ['SELECT 1', { database: undefined, options: {} }, false],
  ])('%s', (sql, expected, changes) => {
    const state: SessionState = { database: undefined, options: {} };
    expect(trackSessionState(state, sql)).toBe(changes);
    expect(state).toEqual(expected);
  });

  it('unsets with an empty value and replays the rest', () => {
    const state: SessionState = { database: 'd', options: { A: '1', B: "it's" } };
    trackSessionState(state, 'SET A=');
    expect(replayStatements(state)).toEqual(['USE `d`', "SET B='it\\'s'"]);
  });
});
