/**
 * The round-trip half of the binding property test: bound values go to the
 * test cluster over a real HS2 socket and must read back exactly, and
 * templates whose placeholders sit next to operators, comment openers and
 * other operands must keep their shape. Each check returns failure
 * descriptions instead of throwing, so one run reports every kind of failure.
 */
import type { BindParams, BindScalar, BindValue } from '../../src/sql/bind.js';
import {
  describeValue,
  genBigint,
  genBigString,
  genBuffer,
  genDate,
  genNumber,
  genScalar,
  genString,
  timestampText,
  ALL_BYTES,
  type Gen,
} from './bind-fuzz-support.js';

/** Runs one statement with params and returns its rows as objects. */
export type QueryFn = (sql: string, params: BindParams) => Promise<{ rows: ReadonlyArray<Record<string, unknown>> }>;

/** The table values are inserted into: one column per bindable type. */
export const ROUND_TRIP_DDL = 'CREATE TABLE bind_rt (id INT, s STRING, i BIGINT, d DOUBLE, b BOOLEAN, bin BINARY, ts TIMESTAMP)';

const COLUMNS = ['s', 'i', 'd', 'b', 'bin', 'ts'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * The test cluster reads results through @duckdb/node-api, whose default
 * TextDecoder drops a leading U+FEFF; Impala keeps it. Round trips start such
 * strings with another character (the structure test keeps them as they are).
 */
export function clusterSafe<T extends BindScalar>(v: T): T {
  return (typeof v === 'string' && v.startsWith('\ufeff') ? `x${v}` : v) as T;
}

/** Whether `got` (number, bigint or DECIMAL text) is the integer `want`. */
function sameInteger(got: unknown, want: bigint): boolean {
  if (typeof got === 'bigint') return got === want;
  if (typeof got === 'number') return Number.isSafeInteger(got) && BigInt(got) === want;
  return typeof got === 'string' && /^-?\d+$/.test(got) && BigInt(got) === want;
}

/** Whether `got` is what reading back `want` from a column of its type must give. */
export function sameValue(got: unknown, want: BindScalar): boolean {
  if (want === null || want === undefined) return got === null;
  if (typeof want === 'bigint') return sameInteger(got, want);
  if (typeof want === 'number') {
    if (Number.isSafeInteger(want) && !Object.is(want, -0)) return sameInteger(got, BigInt(want));
    return typeof got === 'number' && Object.is(got, want);
  }
  if (want instanceof Date) return got === timestampText(want);
  if (want instanceof Uint8Array) return Buffer.isBuffer(got) && got.equals(want);
  return got === want;
}

function columnValue(g: Gen, column: Column): BindScalar {
  if (g.chance(0.1)) return null;
  switch (column) {
    case 's':
      return clusterSafe(genString(g));
    case 'i': {
      const n = genNumber(g);
      return g.chance(0.6) || !Number.isSafeInteger(n) || Object.is(n, -0) ? genBigint(g) : n;
    }
    case 'd':
      return genNumber(g);
    case 'b':
      return g.chance(0.5);
    case 'bin':
      return genBuffer(g);
    default:
      return genDate(g);
  }
}

/**
 * Inserts `count` rows of generated values (ids from `firstId`) in one
 * statement and reads them back. `bigStrings` go into the STRING column of
 * the first rows; the first row's BINARY holds every byte value.
 */
export async function insertRound(
  g: Gen,
  query: QueryFn,
  firstId: number,
  count: number,
  options: { bigStrings?: number; inList?: boolean } = {},
): Promise<string[]> {
  const rows = Array.from({ length: count }, (_, k) => {
    const row: Record<Column, BindScalar> = { s: null, i: null, d: null, b: null, bin: null, ts: null };
    for (const c of COLUMNS) row[c] = columnValue(g, c);
    if (k < (options.bigStrings ?? 0)) row.s = clusterSafe(genBigString(g));
    if (k === 0) row.bin = ALL_BYTES;
    return { id: firstId + k, row };
  });
  const params: BindValue[] = rows.flatMap(({ id, row }) => [id, ...COLUMNS.map((c) => row[c])]);
  const failures: string[] = [];
  try {
    await query(`INSERT INTO bind_rt VALUES ${rows.map(() => '(?,?,?,?,?,?,?)').join(', ')}`, params);
  } catch (err) {
    return [`INSERT of ids ${firstId}..${firstId + count - 1} failed: ${(err as Error).message.split('\n')[0]}`];
  }
  const ids = rows.map((r) => r.id);
  const select =
    options.inList === false
      ? query('SELECT id, s, i, d, b, bin, ts FROM bind_rt WHERE id >= ? AND id <= ? ORDER BY id', [ids[0]!, ids[ids.length - 1]!])
      : query('SELECT id, s, i, d, b, bin, ts FROM bind_rt WHERE id IN (?) ORDER BY id', [ids]);
  const got = (await select).rows;
  if (got.length !== rows.length)
    failures.push(`read back ${got.length} rows for ids ${firstId}..${firstId + count - 1}, expected ${rows.length}`);
  for (const [k, { id, row }] of rows.entries()) {
    const back = got[k];
    for (const c of COLUMNS) {
      if (!back || !sameValue(back[c], row[c])) {
        failures.push(`id ${id} column ${c}: bound ${describeValue(row[c])}, read back ${describeValue(back?.[c])}`);
      }
    }
  }
  return failures;
}

/** A numeric value and the exact integer it is, when it binds as an integer literal. */
interface Operand {
  value: number | bigint;
  exact?: bigint;
}

function operand(g: Gen, small: boolean): Operand {
  for (;;) {
    switch (g.int(0, 5)) {
      case 0: {
        const n = g.int(-(2 ** 29), 2 ** 29);
        return g.chance(0.5) ? { value: n, exact: BigInt(n) } : { value: BigInt(n), exact: BigInt(n) };
      }
      case 1: {
        if (small) continue;
        // BIGINT-sized, far from overflow in one operation with a small constant.
        const big = BigInt(g.int(1, 2 ** 27)) * BigInt(g.int(2 ** 6, 2 ** 33)) * (g.chance(0.5) ? -1n : 1n);
        return Number.isSafeInteger(Number(big)) && g.chance(0.5) ? { value: Number(big), exact: big } : { value: big, exact: big };
      }
      default: {
        const d = genNumber(g);
        if (Math.abs(d) > 1e300) continue;
        if (Number.isSafeInteger(d) && !Object.is(d, -0)) {
          if (Math.abs(d) >= 2 ** 29) continue;
          return { value: d, exact: BigInt(d) };
        }
        return { value: d };
      }
    }
  }
}

/** Templates with a placeholder next to an operator or comment opener, and what they compute. */
const ARITHMETIC: ReadonlyArray<{ sql: string; small?: boolean; int?: (x: bigint) => bigint; dbl: (x: number) => number }> = [
  { sql: '10-?', int: (x) => 10n - x, dbl: (x) => 10 - x },
  { sql: '?-1', int: (x) => x - 1n, dbl: (x) => x - 1 },
  { sql: '1+?', int: (x) => 1n + x, dbl: (x) => 1 + x },
  { sql: '-?', int: (x) => -x, dbl: (x) => -x },
  { sql: '2*?', small: true, int: (x) => 2n * x, dbl: (x) => 2 * x },
  { sql: '?*3', small: true, int: (x) => x * 3n, dbl: (x) => x * 3 },
  { sql: '?/2', dbl: (x) => x / 2 },
  { sql: '4/?', dbl: (x) => 4 / x },
  { sql: '(?)', int: (x) => x, dbl: (x) => x },
  { sql: '?--c\n', int: (x) => x, dbl: (x) => x },
  { sql: '?/*c*/', int: (x) => x, dbl: (x) => x },
  { sql: '1-(?)', int: (x) => 1n - x, dbl: (x) => 1 - x },
];

/**
 * One SELECT of many arithmetic items (`10-? AS v0, ?-1 AS v1, …, 'tail' AS w`)
 * and some identity items `(?)` holding any scalar; every column must come
 * back with the computed value, and `w` must still be there. With `named`,
 * the items use `:pK` placeholders and the first is used twice.
 */
export async function arithmeticRound(g: Gen, query: QueryFn, named: boolean): Promise<string[]> {
  const items: Array<{ sql: string; value: BindValue; check: (got: unknown) => boolean }> = [];
  for (let k = 0; k < 30; k += 1) {
    if (g.chance(0.25)) {
      const value = clusterSafe(genScalar(g));
      items.push({ sql: '(?)', value, check: (got) => sameValue(got, value) });
      continue;
    }
    const t = g.pick(ARITHMETIC);
    const op = operand(g, t.small === true);
    const { value, exact } = op;
    // Division by zero (or by a denormal, overflowing to infinity) is not what this is about.
    if (t.sql === '4/?' && Math.abs(Number(value)) < 1e-290) continue;
    const check =
      exact !== undefined && t.int
        ? (got: unknown) => sameInteger(got, t.int!(exact))
        : (got: unknown) => typeof got === 'number' && Object.is(got, t.dbl(Number(value)));
    items.push({ sql: t.sql, value, check });
  }
  let params: BindParams;
  let sql: string;
  if (named) {
    const object: Record<string, BindValue> = {};
    const parts = items.map((item, k) => {
      object[`p${k}`] = item.value;
      return `${item.sql.replace('?', `:p${k}`)} AS v${k}`;
    });
    parts.push(`${items[0]!.sql.replace('?', ':p0')} AS again`);
    items.push(items[0]!);
    params = object;
    sql = `SELECT ${parts.join(', ')}, 'tail' AS w`;
  } else {
    params = items.map((item) => item.value);
    sql = `SELECT ${items.map((item, k) => `${item.sql} AS v${k}`).join(', ')}, 'tail' AS w`;
  }
  let row: Record<string, unknown> | undefined;
  try {
    row = (await query(sql, params)).rows[0];
  } catch (err) {
    return [`${JSON.stringify(sql)} failed: ${(err as Error).message.split('\n')[0]}`];
  }
  if (!row) return [`${JSON.stringify(sql)} returned no row`];
  const failures: string[] = [];
  const names = items.map((_, k) => (named && k === items.length - 1 ? 'again' : `v${k}`));
  const keys = Object.keys(row);
  if (keys.length !== names.length + 1 || row.w !== 'tail') {
    failures.push(
      `${JSON.stringify(sql)} with ${describeValue(items.map((i) => i.value))}: columns ${keys.join(',')}, w=${describeValue(row.w)}`,
    );
  }
  items.forEach((item, k) => {
    if (!item.check(row[names[k]!])) {
      failures.push(`${item.sql.replace('\n', '\\n')} with ${describeValue(item.value)}: got ${describeValue(row[names[k]!])}`);
    }
  });
  return failures;
}

/** Two operands side by side, which no literal may join into one token. */
const GLUE = [
  'SELECT 1? AS v',
  'SELECT ?1 AS v',
  "SELECT 'abc'? AS v",
  "SELECT ?'abc' AS v",
  'SELECT ?? AS v',
  'SELECT ?e1 AS v',
  'SELECT 1e? AS v',
];

/** A scalar whose literal does not start with `-` (a leading minus after an operand is subtraction, and valid). */
function unsignedScalar(g: Gen): BindScalar {
  for (;;) {
    const v = genScalar(g);
    if (typeof v === 'bigint' && v < 0n) continue;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v < 0) continue;
    return v;
  }
}

/** `count` statements with two operands glued by the template; the server must reject every one. */
export async function glueRound(g: Gen, query: QueryFn, count: number): Promise<string[]> {
  const failures: string[] = [];
  for (let k = 0; k < count; k += 1) {
    const sql = g.pick(GLUE);
    const params = sql.includes('??') ? [unsignedScalar(g), unsignedScalar(g)] : [unsignedScalar(g)];
    const outcome = await query(sql, params).then(
      (r) => r.rows,
      () => undefined,
    );
    if (outcome)
      failures.push(
        `${sql} with ${describeValue(params)} was accepted: ${describeValue(JSON.stringify(outcome, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))}`,
      );
  }
  return failures;
}
