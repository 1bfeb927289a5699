/**
 * Type mapping, table-driven: DuckDB result types → Impala types and HS2
 * type descriptors, Impala DDL types → storage, and the value texts HS2
 * sends for DECIMAL, DATE and TIMESTAMP.
 */
import { describe, expect, it } from 'vitest';
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  FLOAT,
  HUGEINT,
  INTEGER,
  INTERVAL,
  LIST,
  SMALLINT,
  SQLNULL,
  TIMESTAMP,
  TIMESTAMP_NS,
  TIMESTAMPTZ,
  TINYINT,
  UBIGINT,
  UHUGEINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  UUID,
  VARCHAR,
  type DuckDBType,
} from '@duckdb/node-api';
import { tcli } from '../../src/wire/gen.js';
import {
  duckdbStorageType,
  formatImpalaType,
  impalaTypeOfDuckDB,
  impalaTypeOfDuckDBName,
  parseImpalaType,
  valueKind,
} from '../../src/testing/impala-types.js';
import { typeDesc } from '../../src/testing/hs2/type-desc.js';
import { formatDate, formatDecimal, formatTimestampNanos } from '../../src/testing/hs2/value-format.js';
import { formatQueryId, newQueryId } from '../../src/testing/hs2/query-id.js';

describe('DuckDB result type → Impala type', () => {
  it.each<[DuckDBType, string, string]>([
    [BOOLEAN, 'BOOLEAN', 'bool'],
    [TINYINT, 'TINYINT', 'byte'],
    [SMALLINT, 'SMALLINT', 'i16'],
    [INTEGER, 'INT', 'i32'],
    [BIGINT, 'BIGINT', 'i64'],
    [UTINYINT, 'SMALLINT', 'i16'],
    [USMALLINT, 'INT', 'i32'],
    [UINTEGER, 'BIGINT', 'i64'],
    [UBIGINT, 'DECIMAL(20,0)', 'string'],
    [HUGEINT, 'BIGINT', 'i64'],
    [UHUGEINT, 'DECIMAL(38,0)', 'string'],
    [FLOAT, 'FLOAT', 'double'],
    [DOUBLE, 'DOUBLE', 'double'],
    [DECIMAL(38, 10), 'DECIMAL(38,10)', 'string'],
    [DECIMAL(4, 2), 'DECIMAL(4,2)', 'string'],
    [VARCHAR, 'STRING', 'string'],
    [BLOB, 'BINARY', 'binary'],
    [DATE, 'DATE', 'string'],
    [TIMESTAMP, 'TIMESTAMP', 'string'],
    [TIMESTAMP_NS, 'TIMESTAMP', 'string'],
    [TIMESTAMPTZ, 'TIMESTAMP', 'string'],
    [SQLNULL, 'BOOLEAN', 'bool'],
    [INTERVAL, 'STRING', 'string'],
    [UUID, 'STRING', 'string'],
    [LIST(INTEGER), 'STRING', 'string'],
  ])('%s → %s (%s column)', (duck, impala, kind) => {
    const t = impalaTypeOfDuckDB(duck);
    expect(formatImpalaType(t)).toBe(impala);
    expect(valueKind(t)).toBe(kind);
  });

  it.each([
    ['INTEGER', 'INT'],
    ['VARCHAR', 'STRING'],
    ['DECIMAL(38,10)', 'DECIMAL(38,10)'],
    ['BLOB', 'BINARY'],
    ['TIMESTAMP WITH TIME ZONE', 'TIMESTAMP'],
    ['HUGEINT', 'BIGINT'],
    ['UBIGINT', 'DECIMAL(20,0)'],
  ])('information_schema %s → %s', (name, impala) => {
    expect(formatImpalaType(impalaTypeOfDuckDBName(name))).toBe(impala);
  });
});

describe('Impala DDL type → storage', () => {
  it.each([
    ['STRING', 'STRING', 'VARCHAR'],
    ['varchar(10)', 'VARCHAR(10)', 'VARCHAR'],
    ['CHAR(5)', 'CHAR(5)', 'VARCHAR'],
    // DuckDB's TIMESTAMP: Impala's range, microseconds (docs/testing.md).
    ['TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP'],
    ['DECIMAL', 'DECIMAL(9,0)', 'DECIMAL(9,0)'],
    ['decimal( 38 , 10 )', 'DECIMAL(38,10)', 'DECIMAL(38,10)'],
    ['INT', 'INT', 'INTEGER'],
    ['INTEGER', 'INT', 'INTEGER'],
    ['REAL', 'DOUBLE', 'DOUBLE'],
    ['FLOAT', 'FLOAT', 'FLOAT'],
    ['BINARY', 'BINARY', 'BLOB'],
    ['DATE', 'DATE', 'DATE'],
    ['BOOLEAN', 'BOOLEAN', 'BOOLEAN'],
  ])('%s → %s stored as %s', (text, impala, storage) => {
    const t = parseImpalaType(text)!;
    expect(formatImpalaType(t)).toBe(impala);
    expect(duckdbStorageType(t)).toBe(storage);
  });

  it.each(['DECIMAL(39,0)', 'DECIMAL(5,6)', 'INT(3)', 'ARRAY<INT>', 'FOO'])('%s is not a supported type', (text) => {
    expect(parseImpalaType(text)).toBeUndefined();
  });
});

describe('HS2 type descriptors', () => {
  it.each([
    ['INT', tcli.TTypeId.INT_TYPE, undefined],
    ['DECIMAL(38,10)', tcli.TTypeId.DECIMAL_TYPE, { precision: 38, scale: 10 }],
    ['VARCHAR(10)', tcli.TTypeId.VARCHAR_TYPE, { characterMaximumLength: 10 }],
    ['CHAR(5)', tcli.TTypeId.CHAR_TYPE, { characterMaximumLength: 5 }],
    ['TIMESTAMP', tcli.TTypeId.TIMESTAMP_TYPE, undefined],
    ['BINARY', tcli.TTypeId.BINARY_TYPE, undefined],
  ])('%s', (text, id, qualifiers) => {
    const entry = typeDesc(parseImpalaType(text)!).types[0]!.primitiveEntry!;
    expect(entry.type).toBe(id);
    const q = entry.typeQualifiers?.qualifiers;
    expect(q ? Object.fromEntries(Object.entries(q).map(([k, v]) => [k, v.i32Value])) : undefined).toEqual(qualifiers);
  });
});

describe('value texts', () => {
  it.each([
    [1234n, 2, '12.34'],
    [123400n, 4, '12.3400'],
    [-15n, 1, '-1.5'],
    [-5n, 3, '-0.005'],
    [0n, 2, '0.00'],
    [42n, 0, '42'],
    [12345678901234567890123456780123456789n, 10, '1234567890123456789012345678.0123456789'],
  ])('DECIMAL %s scale %i → %s', (unscaled, scale, text) => {
    expect(formatDecimal(unscaled, scale)).toBe(text);
  });

  it.each([
    [0, '1970-01-01'],
    [-1, '1969-12-31'],
    [20781, '2026-11-24'],
    [-719162, '0001-01-01'],
    [2932896, '9999-12-31'],
  ])('DATE %i → %s', (days, text) => {
    expect(formatDate(days)).toBe(text);
  });

  it.each([
    [0n, '1970-01-01 00:00:00'],
    [1_795_975_501_123_456_789n, '2026-11-29 18:05:01.123456789'],
    [1_500_000_000n, '1970-01-01 00:00:01.500000000'],
    [-1n, '1969-12-31 23:59:59.999999999'],
    [-17987443200n * 1_000_000_000n, '1400-01-01 00:00:00'],
  ])('TIMESTAMP %s ns → %s', (nanos, text) => {
    expect(formatTimestampNanos(nanos)).toBe(text);
  });
});

describe('query ids', () => {
  it('prints hi:lo from two little-endian halves, as impala-shell does', () => {
    const guid = Buffer.alloc(16);
    guid.writeBigUInt64LE(0x5b4a3f2e1d0c9b8an, 0);
    guid.writeBigUInt64LE(0x7f6e5d4c00000000n, 8);
    expect(formatQueryId(guid)).toBe('5b4a3f2e1d0c9b8a:7f6e5d4c00000000');
    expect(formatQueryId(Buffer.alloc(16))).toBe('0000000000000000:0000000000000000');
    expect(() => formatQueryId(Buffer.alloc(8))).toThrow(TypeError);
  });

  it('makes ids whose low 32 bits are zero, like impalad', () => {
    const ids = new Set(Array.from({ length: 100 }, () => formatQueryId(newQueryId())));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}:[0-9a-f]{8}0{8}$/);
  });
});
