import { describe, expect, it } from 'vitest';
import { AffinityTable } from '../../src/pool/affinity.js';
import { classify } from '../../src/sql/classify.js';

// lru-cache treats a start time of 0 as "no TTL", so the test clock starts later.
const T0 = 10_000;

function table(now: { t: number }): AffinityTable {
  return new AffinityTable({ affinityTtlMs: 1000, catalogPropagationMs: 500, maxEntries: 100 }, () => T0 + now.t);
}

describe('AffinityTable', () => {
  it.each([
    ['a read of the created table', 'CREATE TABLE sales.t (a INT)', 'SELECT * FROM sales.t', 'h2'],
    ['an unqualified read in the same database', 'CREATE TABLE t (a INT)', 'SELECT * FROM t', 'h2'],
    ['an insert after create', 'CREATE TABLE t (a INT)', 'INSERT INTO t VALUES (1)', 'h2'],
    ['a read after insert', 'INSERT INTO t VALUES (1)', 'SELECT count(*) FROM t', 'h2'],
    ['a join touching it', 'CREATE TABLE t (a INT)', 'SELECT * FROM u JOIN t ON u.a = t.a', 'h2'],
    ['a new table in a new database', 'CREATE DATABASE sales', 'CREATE TABLE sales.x (a INT)', 'h2'],
    ['an unrelated table', 'CREATE TABLE t (a INT)', 'SELECT * FROM other', undefined],
    ['a read does not pin', 'SELECT * FROM t', 'SELECT * FROM t', undefined],
  ])('pins %s', (_name, first, second, expected) => {
    const now = { t: 0 };
    const a = table(now);
    a.pinWrites(classify(first), 'default', 'h2');
    expect(a.tableCoordinator(classify(second), 'default')).toBe(expected);
  });

  it('expires pins after catalogPropagationMs and keys after affinityTtlMs of disuse', () => {
    const now = { t: 0 };
    const a = table(now);
    a.pinWrites(classify('CREATE TABLE t (a INT)'), 'default', 'h1');
    a.pinKey('tenant', 'h3');
    now.t = 400;
    expect(a.tableCoordinator(classify('SELECT * FROM t'), 'default')).toBe('h1');
    expect(a.keyCoordinator('tenant')).toBe('h3');
    now.t = 600;
    expect(a.tableCoordinator(classify('SELECT * FROM t'), 'default')).toBeUndefined();
    now.t = 1300;
    expect(a.keyCoordinator('tenant')).toBe('h3'); // used at 400: TTL restarted
    now.t = 2500;
    expect(a.keyCoordinator('tenant')).toBeUndefined();
  });

  it('INVALIDATE METADATA without a table pins everything briefly; forgetting a coordinator drops its pins', () => {
    const now = { t: 0 };
    const a = table(now);
    a.pinWrites(classify('INVALIDATE METADATA'), 'default', 'h1');
    expect(a.tableCoordinator(classify('SELECT * FROM anything'), 'default')).toBe('h1');
    a.pinWrites(classify('CREATE TABLE t (a INT)'), 'default', 'h2');
    a.pinKey('k', 'h2');
    a.forgetCoordinator('h2');
    a.forgetCoordinator('h1');
    expect(a.tableCoordinator(classify('SELECT * FROM t'), 'default')).toBeUndefined();
    expect(a.keyCoordinator('k')).toBeUndefined();
  });
});
