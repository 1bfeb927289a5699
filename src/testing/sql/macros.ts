/**
 * DuckDB macros the SQL translation calls where Impala's semantics differ
 * from DuckDB's built-ins. They live in the `main` schema, which every
 * session's search path includes, and are created once per coordinator.
 *
 * Several take an argument of any type and decide by `typeof(x)`: a macro
 * cannot be overloaded by type, and every branch must bind whatever the
 * argument is, so branches work on the argument's text.
 *
 * @module
 */

/** Impala's TIMESTAMP range (impala_timestamp.xml: 1400-01-01 to 9999-12-31). */
const MIN_YEAR = 1400;
const MAX_YEAR = 9999;
/** The largest HUGEINT, the bound below which DECIMAL division's digit products are exact. */
const HUGEINT_MAX = "CAST('170141183460469231731687303715884105727' AS HUGEINT)";

/** The CREATE MACRO statements, in dependency order. */
export const MACROS: readonly string[] = [
  // Impala's string → TIMESTAMP: a date with an optional time after a space or `T`
  // (up to nine fraction digits; DuckDB keeps six), NULL when it does not parse or
  // lies outside 1400–9999.
  `CREATE MACRO main.impala_ts_parts(m) AS CASE
     WHEN m.d = '' OR try_cast(m.d AS DATE) IS NULL OR year(try_cast(m.d AS DATE)) NOT BETWEEN ${MIN_YEAR} AND ${MAX_YEAR} THEN NULL
     ELSE try_cast(m.d || ' ' || coalesce(nullif(m.t, ''), '00:00:00') || CASE WHEN m.f = '' THEN '' ELSE '.' || left(m.f, 6) END AS TIMESTAMP) END`,
  // CAST(x AS TIMESTAMP): numbers are seconds since the epoch (impala_timestamp.xml,
  // "CAST(0 AS TIMESTAMP)"), text and DATE/TIMESTAMP values go through their text.
  `CREATE MACRO main.impala_ts_text(s) AS CASE
     WHEN regexp_full_match(s, '[+-]?(\\d+\\.?\\d*|\\.\\d+)') THEN make_timestamp(CAST(CAST(s AS DECIMAL(38,9)) * 1000000 AS BIGINT))
     ELSE main.impala_ts_parts(regexp_extract(s, '^(\\d{4}-\\d{1,2}-\\d{1,2})(?:[ T](\\d{1,2}:\\d{2}:\\d{2})(?:\\.(\\d{1,9}))?)?', ['d', 't', 'f'])) END`,
  `CREATE MACRO main.impala_timestamp(x) AS main.impala_ts_text(trim(CAST(x AS VARCHAR)))`,
  // The session's "now": DuckDB's current_timestamp is TIMESTAMPTZ; the coordinator's zone is UTC.
  `CREATE MACRO main.impala_now() AS CAST(get_current_timestamp() AS TIMESTAMP)`,
  // CAST(x AS <integer type>): Impala truncates fractions (DuckDB rounds), turns
  // TIMESTAMP into epoch seconds, and gives NULL for text that is not an integer
  // (DuckDB raises a Conversion Error, or rounds '1.5'). Result: the integer's text.
  `CREATE MACRO main.impala_int_text(x) AS CASE
     WHEN typeof(x) IN ('VARCHAR', 'CHAR') THEN CASE WHEN regexp_full_match(trim(CAST(x AS VARCHAR)), '[+-]?\\d+') THEN trim(CAST(x AS VARCHAR)) END
     WHEN typeof(x) = 'BOOLEAN' THEN CASE WHEN CAST(x AS VARCHAR) = 'true' THEN '1' ELSE '0' END
     WHEN typeof(x) LIKE 'TIMESTAMP%' THEN CAST(CAST(floor(epoch(try_cast(CAST(x AS VARCHAR) AS TIMESTAMP))) AS BIGINT) AS VARCHAR)
     WHEN contains(lower(CAST(x AS VARCHAR)), 'e') OR contains(lower(CAST(x AS VARCHAR)), 'n') THEN printf('%.0f', trunc(try_cast(CAST(x AS VARCHAR) AS DOUBLE)))
     ELSE split_part(CAST(x AS VARCHAR), '.', 1) END`,
  // CAST(x AS DATE): text that is not a date is an error in Impala (cast-functions-ir.cc), not NULL.
  `CREATE MACRO main.impala_date(x) AS CASE
     WHEN typeof(x) IN ('VARCHAR', 'CHAR') AND x IS NOT NULL AND try_cast(trim(CAST(x AS VARCHAR)) AS DATE) IS NULL
       THEN error('UDF ERROR: String to Date parse failed. Invalid string val: ''' || CAST(x AS VARCHAR) || '''')
     ELSE try_cast(x AS DATE) END`,
  // CAST(x AS STRING): Impala writes TIMESTAMP fractions with nine digits.
  `CREATE MACRO main.impala_string(x) AS CASE
     WHEN typeof(x) LIKE 'TIMESTAMP%' AND contains(CAST(x AS VARCHAR), '.') THEN rpad(CAST(x AS VARCHAR), 29, '0')
     ELSE CAST(x AS VARCHAR) END`,
  // typeof(): Impala's type names (INT, STRING, BIGINT for DuckDB's HUGEINT sums).
  `CREATE MACRO main.impala_type_name(t) AS CASE t
     WHEN 'INTEGER' THEN 'INT' WHEN 'VARCHAR' THEN 'STRING' WHEN 'HUGEINT' THEN 'BIGINT' WHEN 'BLOB' THEN 'BINARY'
     WHEN 'TIMESTAMP_NS' THEN 'TIMESTAMP' WHEN 'TIMESTAMP WITH TIME ZONE' THEN 'TIMESTAMP' WHEN '"NULL"' THEN 'NULL' ELSE t END`,
  // months_between (impala_datetime_functions.xml): whole months, plus the day
  // difference / 31 unless both days are equal or both are month ends; time ignored.
  `CREATE MACRO main.impala_months_between(e, s) AS CAST(
     (year(e) - year(s)) * 12 + (month(e) - month(s))
     + CASE WHEN day(e) = day(s) OR (e::DATE = last_day(e) AND s::DATE = last_day(s)) THEN 0 ELSE (day(e) - day(s)) / 31.0 END AS DOUBLE)`,
  // add_months keeps a month end a month end (impala_datetime_functions.xml, ADD_MONTHS).
  `CREATE MACRO main.impala_add_months(t, n) AS CASE
     WHEN t::DATE = last_day(t) THEN CAST(last_day(t + to_months(CAST(n AS INTEGER))) AS TIMESTAMP) + (t - date_trunc('day', t))
     ELSE t + to_months(CAST(n AS INTEGER)) END`,
  // Division as DuckDB does it, for a `/` sql/decimal-division.ts found not decimal.
  `CREATE MACRO main.impala_fdiv(a, b) AS a / b`,
  // A DECIMAL's digits as an integer: 1.50 is 150 (DuckDB prints exactly its scale's digits).
  `CREATE MACRO main.impala_decimal_digits(x) AS CAST(replace(CAST(x AS VARCHAR), '.', '') AS HUGEINT)`,
  // n / d rounded half away from zero, as Impala's DECIMAL_V2 division rounds (decimal-value.inline.h).
  `CREATE MACRO main.impala_round_div(n, d) AS (n // d) + CASE WHEN abs(n % d) >= abs(d) - abs(n % d) THEN sign(n) * sign(d) ELSE 0 END`,
  // The text of q · 10^-s: 150 at scale 2 is 1.50 (p: |q|'s digits with at least s + 1 of them).
  `CREATE MACRO main.impala_padded_digits(q, s) AS repeat('0', greatest(0, s + 1 - length(CAST(abs(q) AS VARCHAR)))) || CAST(abs(q) AS VARCHAR)`,
  `CREATE MACRO main.impala_scaled_text(q, s) AS CASE WHEN s = 0 THEN CAST(q AS VARCHAR) ELSE
     (CASE WHEN q < 0 THEN '-' ELSE '' END) || main.impala_padded_digits(q, s)[:-(s + 1)] || '.' || main.impala_padded_digits(q, s)[-s:] END`,
  // DECIMAL a / b at scale s, as text for the caller's CAST to the result type: exact
  // through HUGEINT digits (a's scaled by ma, b's by mb) where those fit, else through
  // DOUBLE. Dividing by zero fails as in Impala (decimal-operators-ir.cc), after the
  // NULL check.
  `CREATE MACRO main.impala_decimal_div(a, b, ma, mb, s) AS CASE
     WHEN a IS NULL THEN NULL
     WHEN b = 0 THEN error('UDF ERROR: Cannot divide decimal by zero')
     WHEN abs(main.impala_decimal_digits(a)) <= ${HUGEINT_MAX} // ma AND abs(main.impala_decimal_digits(b)) <= ${HUGEINT_MAX} // mb
       THEN main.impala_scaled_text(main.impala_round_div(main.impala_decimal_digits(a) * ma, main.impala_decimal_digits(b) * mb), s)
     ELSE CAST(CAST(a AS DOUBLE) / CAST(b AS DOUBLE) AS VARCHAR) END`,
];
