import Int64 from 'node-int64';
import { describe, expect, it } from 'vitest';
import type { Column } from '../../src/hs2/columns.js';
import { decodeColumns } from '../../src/hs2/result-decode.js';
import { parseImpalaDate, toRowArrays, toRowObjects } from '../../src/hs2/row-set.js';
import { tcli } from '../../src/wire/gen.js';

function i64(v: bigint): Int64 {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v);
  return new Int64(b);
}

const opts = { timestampsAsDate: false };

describe('decodeColumns', () => {
  it.each([
    ['BOOLEAN', { boolVal: new tcli.TBoolColumn({ values: [true, false, false], nulls: Buffer.from([0b010]) }) }, [true, null, false]],
    ['INT', { i32Val: new tcli.TI32Column({ values: [1, 0, -2147483648], nulls: Buffer.from([0b010]) }) }, [1, null, -2147483648]],
    [
      'BIGINT',
      { i64Val: new tcli.TI64Column({ values: [i64(9223372036854775807n), i64(0n), i64(-9223372036854775807n)], nulls: Buffer.alloc(0) }) },
      [9223372036854775807n, 0n, -9223372036854775807n],
    ],
    ['DOUBLE', { doubleVal: new tcli.TDoubleColumn({ values: [1.5, 0, -0.25], nulls: Buffer.from([0b100]) }) }, [1.5, 0, null]],
    ['STRING', { stringVal: new tcli.TStringColumn({ values: ['', '日本語', 'x'], nulls: Buffer.alloc(0) }) }, ['', '日本語', 'x']],
    [
      'BINARY',
      {
        binaryVal: new tcli.TBinaryColumn({
          values: [Buffer.from([0, 255, 0]), Buffer.alloc(0), Buffer.alloc(0)],
          nulls: Buffer.from([0b110]),
        }),
      },
      [Buffer.from([0, 255, 0]), null, null],
    ],
  ] as const)('%s with nulls', (type, column, expected) => {
    const meta: Column[] = [{ name: 'c', type: type as Column['type'] }];
    const rowSet = new tcli.TRowSet({ startRowOffset: i64(0n), rows: [], columns: [new tcli.TColumn(column as never)] });
    expect(decodeColumns(rowSet, meta, opts)).toEqual([expected]);
  });

  it('treats a short null bitmap as "not null" for the missing rows', () => {
    const values = Array.from({ length: 20 }, (_, i) => i);
    const rowSet = new tcli.TRowSet({
      startRowOffset: i64(0n),
      rows: [],
      columns: [new tcli.TColumn({ i32Val: new tcli.TI32Column({ values, nulls: Buffer.from([1]) }) })],
    });
    const [col] = decodeColumns(rowSet, [{ name: 'c', type: 'INT' }], opts);
    expect(col![0]).toBeNull();
    expect(col!.slice(1)).toEqual(values.slice(1));
  });

  it('rejects a column count that disagrees with the metadata', () => {
    const rowSet = new tcli.TRowSet({ startRowOffset: i64(0n), rows: [], columns: [] });
    expect(() => decodeColumns(rowSet, [{ name: 'c', type: 'INT' }], opts)).toThrow(/0 result columns/);
  });
});

describe('rows', () => {
  it('builds objects, arrays, and keeps a __proto__ column as data', () => {
    const cols: Column[] = [
      { name: 'a', type: 'INT' },
      { name: '__proto__', type: 'STRING' },
    ];
    const rows = toRowObjects(cols, [
      [1, 2],
      ['x', 'y'],
    ]);
    expect(rows[1]!.a).toBe(2);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect(Object.keys(rows[0]!)).toEqual(['a', '__proto__']);
    expect(
      toRowArrays([
        [1, 2],
        ['x', 'y'],
      ]),
    ).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });

  it.each([
    ['2026-11-24', Date.UTC(2026, 10, 24)],
    ['2026-11-24 18:05:01', Date.UTC(2026, 10, 24, 18, 5, 1)],
    ['2026-11-24 18:05:01.123456789', Date.UTC(2026, 10, 24, 18, 5, 1, 123)],
    ['1400-01-01 00:00:00', Date.UTC(1400, 0, 1)],
  ])('parses %s', (text, ms) => {
    expect(parseImpalaDate(text).getTime()).toBe(ms);
  });
});
