import { describe, expect, it } from 'vitest';
import { bindParameters, literal } from '../../src/sql/bind.js';

describe('literal', () => {
  it.each([
    [null, 'NULL'],
    [undefined, 'NULL'],
    [true, 'TRUE'],
    [false, 'FALSE'],
    [42, '42'],
    [-7, '-7'],
    [1.5, 'CAST(1.5 AS DOUBLE)'],
    [9223372036854775807n, '9223372036854775807'],
    ['plain', "'plain'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ['line\nbreak\ttab', "'line\\nbreak\\ttab'"],
    ['日本語 🎉', "'日本語 🎉'"],
    [new Date(Date.UTC(2026, 10, 24, 18, 5, 1, 250)), "CAST('2026-11-24 18:05:01.250' AS TIMESTAMP)"],
    [Buffer.from([0, 255, 0]), "unhex('00FF00')"],
  ] as const)('%# → %s', (value, expected) => {
    expect(literal(value as never)).toBe(expected);
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY], [new Date(Number.NaN)], [{}], [Symbol('x')]])('rejects %s', (v) => {
    expect(() => literal(v as never)).toThrow(TypeError);
  });
});

describe('bindParameters', () => {
  it.each([
    ['SELECT ?', [1], 'SELECT 1'],
    ['SELECT * FROM t WHERE a = ? AND b = ?', ['x', null], "SELECT * FROM t WHERE a = 'x' AND b = NULL"],
    ["SELECT '?' , ?", [2], "SELECT '?' , 2"],
    ['SELECT `a?b`, ?', [3], 'SELECT `a?b`, 3'],
    ['SELECT ? -- what?\n', [4], 'SELECT 4 -- what?\n'],
    ['SELECT /* ? */ ?', [5], 'SELECT /* ? */ 5'],
    ["SELECT 'it\\'s ?', ?", [6], "SELECT 'it\\'s ?', 6"],
    ['SELECT 1', undefined, 'SELECT 1'],
  ] as const)('%s', (sql, params, expected) => {
    expect(bindParameters(sql, params as never)).toBe(expected);
  });

  it('counts placeholders', () => {
    expect(() => bindParameters('SELECT ?, ?', [1])).toThrow(/more \? placeholders/);
    expect(() => bindParameters('SELECT ?', [1, 2])).toThrow(/1 \? placeholders but 2 params/);
  });
});
