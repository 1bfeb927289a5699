/**
 * Impala's datetime patterns (from_timestamp, to_timestamp, from_unixtime,
 * unix_timestamp: `yyyy-MM-dd HH:mm:ss.SSS`, impala_datetime_functions.xml)
 * as DuckDB strftime/strptime formats.
 *
 * @module
 */
import { analysisError } from '../impala-errors.js';

/** Pattern letters runs → strftime specifiers. Fraction runs keep the digits asked for (3, 6 or 9). */
const RUNS: ReadonlyArray<[RegExp, string | ((run: string) => string)]> = [
  [/^y{4,}/, '%Y'],
  [/^y{2}/, '%y'],
  [/^M{3,}/, '%b'],
  [/^M{1,2}/, '%m'],
  [/^d{1,2}/, '%d'],
  [/^D{1,3}/, '%j'],
  [/^H{1,2}/, '%H'],
  [/^h{1,2}/, '%I'],
  [/^m{1,2}/, '%M'],
  [/^s{1,2}/, '%S'],
  [/^a/, '%p'],
  [/^S+/, (run) => (run.length <= 3 ? '%g' : run.length <= 6 ? '%f' : '%n')],
];

/** The strftime format for an Impala pattern. @throws StatementError for an empty pattern */
export function strftimeFormat(pattern: string): string {
  if (pattern.length === 0) throw analysisError('Bad date/time conversion format: ');
  let out = '';
  let rest = pattern;
  while (rest.length > 0) {
    const hit = RUNS.map(([re, spec]) => [re.exec(rest), spec] as const).find(([m]) => m !== null);
    if (hit) {
      const run = hit[0]![0];
      out += typeof hit[1] === 'string' ? hit[1] : hit[1](run);
      rest = rest.slice(run.length);
    } else {
      out += rest[0] === '%' ? '%%' : rest[0];
      rest = rest.slice(1);
    }
  }
  return out;
}

/** Impala's default pattern for from_unixtime and unix_timestamp. */
export const DEFAULT_PATTERN = 'yyyy-MM-dd HH:mm:ss';

/** DuckDB date_trunc units for Impala's TRUNC(ts, unit) units (impala_datetime_functions.xml, TRUNC). */
export const TRUNC_UNITS: Readonly<Record<string, string>> = {
  SYYYY: 'year',
  YYYY: 'year',
  YEAR: 'year',
  SYEAR: 'year',
  YYY: 'year',
  YY: 'year',
  Y: 'year',
  Q: 'quarter',
  MONTH: 'month',
  MON: 'month',
  MM: 'month',
  RM: 'month',
  WW: 'week',
  W: 'week',
  DAY: 'week',
  DY: 'week',
  D: 'week',
  DDD: 'day',
  DD: 'day',
  J: 'day',
  HH: 'hour',
  HH12: 'hour',
  HH24: 'hour',
  MI: 'minute',
};
