/**
 * Impala's date and time functions on DuckDB (impala_datetime_functions.xml).
 * Arguments go through main.impala_timestamp, so STRING and DATE arguments
 * work as Impala's implicit casts make them work; the coordinator's time zone
 * is UTC.
 *
 * @module
 */
import { analysisError } from '../impala-errors.js';
import { isWord } from './lexer.js';
import { DEFAULT_PATTERN, strftimeFormat, TRUNC_UNITS } from './datetime-pattern.js';
import { literalArg, sqlString, type FunctionCall, type FunctionRewrite } from './function-call.js';

const ts = (sql: string): string => `main.impala_timestamp(${sql})`;

/** The DuckDB format for the pattern argument `i` (a constant, as Impala requires for these). */
function format(call: FunctionCall, i: number): string {
  const pattern = call.args.length > i ? literalArg(call, i) : DEFAULT_PATTERN;
  if (pattern === undefined) throw analysisError(`${call.name}() needs a constant format in the impala-pool test cluster`);
  return sqlString(strftimeFormat(pattern));
}

/** year(), month()…: Impala returns INT (DuckDB BIGINT). */
const part =
  (duck: string, plus = 0): FunctionRewrite =>
  (c) =>
    c.args.length === 1 ? `CAST(${duck}(${ts(c.args[0]!)})${plus ? ` + ${plus}` : ''} AS INTEGER)` : undefined;

/** date_add(ts, n) / date_add(ts, INTERVAL n unit) and the subtracting forms. */
const shiftDays =
  (sign: '+' | '-'): FunctionRewrite =>
  (c) => {
    if (c.args.length !== 2) return undefined;
    const by = isWord(c.raw[1]![0], 'INTERVAL') ? c.args[1] : `to_days(CAST(${c.args[1]} AS INTEGER))`;
    return `(${ts(c.args[0]!)} ${sign} ${by})`;
  };

const now: FunctionRewrite = (c) => (c.args.length === 0 ? 'main.impala_now()' : undefined);

const EXTRACT_UNITS = new Set(['YEAR', 'QUARTER', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'EPOCH']);

/** extract(unit FROM ts) and extract(ts, 'unit'): BIGINT. */
const extract: FunctionRewrite = (c) => {
  let unit: string | undefined;
  let value: string;
  if (c.args.length === 1 && isWord(c.raw[0]![1], 'FROM')) {
    unit = c.raw[0]![0]!.value.toUpperCase();
    value = c.rewriteFrom(0, 2);
  } else if (c.args.length === 2) {
    unit = literalArg(c, 1)?.toUpperCase();
    value = c.args[0]!;
  } else return undefined;
  if (!unit || !EXTRACT_UNITS.has(unit)) throw analysisError(`Time unit '${unit ?? ''}' in expression '${c.name}' is invalid.`);
  const v = ts(value);
  if (unit === 'MILLISECOND') return `CAST(floor(extract(microsecond FROM ${v}) / 1000) AS BIGINT)`;
  if (unit === 'EPOCH') return `CAST(floor(epoch(${v})) AS BIGINT)`;
  return `CAST(extract(${unit.toLowerCase()} FROM ${v}) AS BIGINT)`;
};

/** Impala name → rewrite. */
export const DATETIME_FUNCTIONS: Readonly<Record<string, FunctionRewrite>> = {
  year: part('year'),
  month: part('month'),
  day: part('day'),
  dayofmonth: part('day'),
  hour: part('hour'),
  minute: part('minute'),
  second: part('second'),
  quarter: part('quarter'),
  dayofyear: part('dayofyear'),
  weekofyear: part('weekofyear'),
  // DAYOFWEEK: 1 = Sunday … 7 = Saturday (DuckDB counts from 0).
  dayofweek: part('dayofweek', 1),
  // TO_DATE returns STRING.
  to_date: (c) => (c.args.length === 1 ? `strftime(${ts(c.args[0]!)}, '%Y-%m-%d')` : undefined),
  date_add: shiftDays('+'),
  adddate: shiftDays('+'),
  days_add: shiftDays('+'),
  date_sub: shiftDays('-'),
  subdate: shiftDays('-'),
  days_sub: shiftDays('-'),
  // DATEDIFF: whole days between the dates, times ignored; INT.
  datediff: (c) =>
    c.args.length === 2 ? `CAST(datediff('day', CAST(${ts(c.args[1]!)} AS DATE), CAST(${ts(c.args[0]!)} AS DATE)) AS INTEGER)` : undefined,
  trunc: (c) => {
    const unit = c.args.length === 2 ? literalArg(c, 1) : undefined;
    if (unit === undefined) return undefined;
    const duck = TRUNC_UNITS[unit.toUpperCase()];
    if (!duck) throw analysisError(`Invalid Truncate Unit: ${unit}`);
    return `date_trunc('${duck}', ${ts(c.args[0]!)})`;
  },
  date_trunc: (c) => (c.args.length === 2 ? `date_trunc(${c.args[0]}, ${ts(c.args[1]!)})` : undefined),
  extract,
  now,
  current_timestamp: now,
  utc_timestamp: now,
  // FROM_UNIXTIME: STRING in the pattern (default yyyy-MM-dd HH:mm:ss).
  from_unixtime: (c) => `strftime(make_timestamp(CAST(${c.args[0]} AS BIGINT) * 1000000), ${format(c, 1)})`,
  unix_timestamp: (c) => {
    if (c.args.length === 0) return 'CAST(floor(epoch(main.impala_now())) AS BIGINT)';
    if (c.args.length === 1) return `CAST(floor(epoch(${ts(c.args[0]!)})) AS BIGINT)`;
    return `CAST(floor(epoch(try_strptime(CAST(${c.args[0]} AS VARCHAR), ${format(c, 1)}))) AS BIGINT)`;
  },
  add_months: (c) => (c.args.length === 2 ? `main.impala_add_months(${ts(c.args[0]!)}, ${c.args[1]})` : undefined),
  months_add: (c) => (c.args.length === 2 ? `main.impala_add_months(${ts(c.args[0]!)}, ${c.args[1]})` : undefined),
  months_sub: (c) => (c.args.length === 2 ? `main.impala_add_months(${ts(c.args[0]!)}, -(${c.args[1]}))` : undefined),
  months_between: (c) => (c.args.length === 2 ? `main.impala_months_between(${ts(c.args[0]!)}, ${ts(c.args[1]!)})` : undefined),
  from_timestamp: (c) => (c.args.length === 2 ? `strftime(${ts(c.args[0]!)}, ${format(c, 1)})` : undefined),
  // TO_TIMESTAMP(BIGINT) is seconds since the epoch; TO_TIMESTAMP(STRING, pattern) NULL when it does not parse.
  to_timestamp: (c) => {
    if (c.args.length === 1) return ts(c.args[0]!);
    if (c.args.length === 2) return `try_strptime(CAST(${c.args[0]} AS VARCHAR), ${format(c, 1)})`;
    return undefined;
  },
};
