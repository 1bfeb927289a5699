/**
 * Impala built-in functions DuckDB lacks or runs differently: string,
 * conditional, aggregate and session functions. Each entry cites where
 * Impala defines the behaviour (docs/topics/impala_*.xml).
 *
 * @module
 */
import { analysisError } from '../impala-errors.js';
import { VERSION_STRING } from '../hs2/server-info.js';
import { DATETIME_FUNCTIONS } from './datetime-functions.js';
import { sqlString, type FunctionCall, type FunctionRewrite } from './function-call.js';

/** Requires exactly `n` arguments (or one of several counts). */
function arity(call: FunctionCall, ...counts: number[]): void {
  if (!counts.includes(call.args.length)) {
    throw analysisError(`No matching function with signature: ${call.name}(${call.raw.map(() => 'ANY').join(', ')}).`);
  }
}

const coalesce: FunctionRewrite = (c) => `coalesce(${c.args.join(', ')})`;

const GENERAL: Record<string, FunctionRewrite> = {
  // impala_string_functions.xml CONCAT: "If any argument is NULL, it returns NULL" (DuckDB's concat skips NULLs).
  // The outer CAST keeps the type when DuckDB folds a NULL operand.
  concat: (c) => (c.args.length === 0 ? undefined : `CAST((${c.args.map((a) => `CAST(${a} AS VARCHAR)`).join(' || ')}) AS VARCHAR)`),
  // REGEXP_REPLACE replaces every match (DuckDB: the first unless 'g').
  regexp_replace: (c) => (c.args.length === 3 ? `regexp_replace(${c.args.join(', ')}, 'g')` : undefined),
  // GROUP_CONCAT: "the default separator is a comma followed by a space".
  group_concat: (c) => {
    arity(c, 1, 2);
    return `string_agg(${c.args[0]}, ${c.args[1] ?? "', '"})`;
  },
  strleft: (c) => `left(${c.args.join(', ')})`,
  strright: (c) => `right(${c.args.join(', ')})`,
  // impala_conditional_functions.xml
  nvl: coalesce,
  isnull: coalesce,
  ifnull: coalesce,
  nvl2: (c) => {
    arity(c, 3);
    return `CASE WHEN (${c.args[0]}) IS NOT NULL THEN ${c.args[1]} ELSE ${c.args[2]} END`;
  },
  zeroifnull: (c) => {
    arity(c, 1);
    return `coalesce(${c.args[0]}, 0)`;
  },
  nullifzero: (c) => {
    arity(c, 1);
    return `nullif(${c.args[0]}, 0)`;
  },
  // DECODE compares with IS NOT DISTINCT FROM; an odd trailing argument is the default.
  decode: (c) => {
    if (c.args.length < 3) arity(c, 3);
    const [subject, ...rest] = c.args;
    let out = 'CASE';
    for (let i = 0; i + 1 < rest.length; i += 2) out += ` WHEN (${subject}) IS NOT DISTINCT FROM (${rest[i]}) THEN ${rest[i + 1]}`;
    if (rest.length % 2 === 1) out += ` ELSE ${rest[rest.length - 1]}`;
    return `${out} END`;
  },
  // impala_aggregate_functions.xml: NDV is an estimate of COUNT(DISTINCT); exact here, so tests stay deterministic.
  ndv: (c) => {
    arity(c, 1, 2);
    return `count(DISTINCT ${c.args[0]})`;
  },
  // APPX_MEDIAN returns a value of the input (not an interpolation), of its type.
  appx_median: (c) => {
    arity(c, 1);
    return `quantile_disc(${c.args[0]}, 0.5)`;
  },
  // impala_misc_functions.xml: typeof() names Impala's types; literals typed as Impala types them.
  typeof: (c) => {
    arity(c, 1);
    return `main.impala_type_name(typeof(${c.args[0]}))`;
  },
  current_database: (c) => {
    arity(c, 0);
    return sqlString(c.state.database);
  },
  user: (c) => sqlString(c.state.user),
  effective_user: (c) => sqlString(c.state.user),
  logged_in_user: (c) => sqlString(c.state.user),
  version: (c) => (c.args.length === 0 ? sqlString(VERSION_STRING) : undefined),
  // impala_math_functions.xml RAND; DuckDB calls it random.
  rand: (c) => (c.args.length === 0 ? 'random()' : undefined),
};

/** Every function rewrite, by lower-cased name. */
export const FUNCTION_REWRITES: Readonly<Record<string, FunctionRewrite>> = { ...GENERAL, ...DATETIME_FUNCTIONS };
