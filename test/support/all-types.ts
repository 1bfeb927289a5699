/**
 * A table with every supported type, its rows (NULLs and extremes included)
 * and the values a client must read back, shared by the tests that prove our
 * client and an independent client (hive-driver) agree with the server.
 */

/** DDL for the table. */
export const ALL_TYPES_DDL = `CREATE TABLE all_types (
  id INT, b BOOLEAN, ti TINYINT, si SMALLINT, i INT, bi BIGINT, f FLOAT, d DOUBLE,
  dec DECIMAL(38,10), s STRING, vc VARCHAR(10), c CHAR(5), ts TIMESTAMP, dt DATE, bin BINARY)`;

/** Rows: extremes, a row of NULLs, empty and non-ASCII strings, bytes with 0x00. */
export const ALL_TYPES_INSERT = `INSERT INTO all_types VALUES
  (1, true, 127, 32767, 2147483647, 9223372036854775807, 1.5, 1.7976931348623157e308,
   CAST('1234567890123456789012345678.0123456789' AS DECIMAL(38,10)), '', 'varchar', 'abc',
   CAST('2026-11-24 18:05:01.123456789' AS TIMESTAMP), CAST('2026-11-24' AS DATE), unhex('00FF00')),
  (2, false, -128, -32768, -2147483648, -9223372036854775807, -0.25, -4.9e-324,
   CAST('-9999999999999999999999999999.9999999999' AS DECIMAL(38,10)), '日本語 ü 🎉', '', 'x',
   CAST('1400-01-01 00:00:00' AS TIMESTAMP), CAST('0001-01-01' AS DATE), unhex('00')),
  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`;

/** Column types as result metadata must report them. */
export const ALL_TYPES_COLUMNS = [
  ['id', 'INT'],
  ['b', 'BOOLEAN'],
  ['ti', 'TINYINT'],
  ['si', 'SMALLINT'],
  ['i', 'INT'],
  ['bi', 'BIGINT'],
  ['f', 'FLOAT'],
  ['d', 'DOUBLE'],
  ['dec', 'DECIMAL(38,10)'],
  ['s', 'STRING'],
  ['vc', 'VARCHAR(10)'],
  ['c', 'CHAR(5)'],
  ['ts', 'TIMESTAMP'],
  ['dt', 'DATE'],
  ['bin', 'BINARY'],
] as const;

/**
 * What impala-pool's client returns for each row (CHAR is blank-padded, as Impala does).
 * The test cluster keeps TIMESTAMP to the microsecond (docs/testing.md), so the
 * inserted nanoseconds come back as …123456000; impalad would return …123456789.
 */
export const ALL_TYPES_EXPECTED = [
  {
    id: 1,
    b: true,
    ti: 127,
    si: 32767,
    i: 2147483647,
    bi: 9223372036854775807n,
    f: 1.5,
    d: 1.7976931348623157e308,
    dec: '1234567890123456789012345678.0123456789',
    s: '',
    vc: 'varchar',
    c: 'abc  ',
    ts: '2026-11-24 18:05:01.123456000',
    dt: '2026-11-24',
    bin: Buffer.from([0, 255, 0]),
  },
  {
    id: 2,
    b: false,
    ti: -128,
    si: -32768,
    i: -2147483648,
    bi: -9223372036854775807n,
    f: -0.25,
    d: -4.9e-324,
    dec: '-9999999999999999999999999999.9999999999',
    s: '日本語 ü 🎉',
    vc: '',
    c: 'x    ',
    ts: '1400-01-01 00:00:00',
    dt: '0001-01-01',
    bin: Buffer.from([0]),
  },
  {
    id: 3,
    b: null,
    ti: null,
    si: null,
    i: null,
    bi: null,
    f: null,
    d: null,
    dec: null,
    s: null,
    vc: null,
    c: null,
    ts: null,
    dt: null,
    bin: null,
  },
];
