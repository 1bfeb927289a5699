/**
 * Dialect cases, part 1: INSERT OVERWRITE of partitions, TIMESTAMP, and the
 * values Impala computes differently from DuckDB. See dialect-case.ts for
 * the fields; `was` records how the case fared on the code before this
 * suite's fixes (run against an unmodified copy of the sources).
 */
import type { DialectCase } from './dialect-case.js';

const TS_TABLE = [
  'CREATE TABLE ts_t (id INT, ts TIMESTAMP, s STRING)',
  "INSERT INTO ts_t VALUES (1, '2024-01-31 10:11:12.5', 'a'), (2, NULL, NULL), (3, '2024-02-29 00:00:00', 'c')",
];

export const CORE_CASES: DialectCase[] = [
  // --- INSERT OVERWRITE … PARTITION: only the partitions written are replaced ---
  {
    name: 'static INSERT OVERWRITE PARTITION keeps the other partitions',
    setup: ['CREATE TABLE ow1 (id INT) PARTITIONED BY (dt STRING)', "INSERT INTO ow1 PARTITION (dt='a') VALUES (1), (2)", "INSERT INTO ow1 PARTITION (dt='b') VALUES (3)"],
    sql: ["INSERT OVERWRITE ow1 PARTITION (dt='a') VALUES (10)", 'SELECT dt, id FROM ow1 ORDER BY dt, id'],
    rows: [['a', 10], ['b', 3]], types: ['STRING', 'INT'], source: 'impala_insert.xml (INSERT OVERWRITE … PARTITION)', was: 'fail',
  },
  {
    name: 'dynamic INSERT OVERWRITE PARTITION replaces only the partitions it writes',
    setup: ['CREATE TABLE ow2 (id INT) PARTITIONED BY (dt STRING)', "INSERT INTO ow2 PARTITION (dt='a') VALUES (1)", "INSERT INTO ow2 PARTITION (dt='b') VALUES (2), (3)"],
    sql: ["INSERT OVERWRITE ow2 PARTITION (dt) SELECT 20, 'b'", 'SELECT dt, id FROM ow2 ORDER BY dt, id'],
    rows: [['a', 1], ['b', 20]], types: ['STRING', 'INT'], source: 'impala_insert.xml (dynamic partition inserts)', was: 'fail',
  },
  {
    name: 'static INSERT OVERWRITE PARTITION with no rows empties just that partition',
    setup: ['CREATE TABLE ow3 (id INT) PARTITIONED BY (dt STRING)', "INSERT INTO ow3 PARTITION (dt='a') VALUES (1)", "INSERT INTO ow3 PARTITION (dt='b') VALUES (2)"],
    sql: ["INSERT OVERWRITE ow3 PARTITION (dt='a') SELECT id FROM ow3 WHERE false", 'SELECT dt, id FROM ow3'],
    rows: [['b', 2]], types: ['STRING', 'INT'], source: 'impala_insert.xml (INSERT OVERWRITE … PARTITION)', was: 'fail',
  },
  {
    name: 'INSERT OVERWRITE of an unpartitioned table replaces all rows, reading the old ones first',
    setup: ['CREATE TABLE ow4 (id INT)', 'INSERT INTO ow4 VALUES (1), (2), (3)'],
    sql: ['INSERT OVERWRITE ow4 SELECT id * 10 FROM ow4 WHERE id < 3', 'SELECT id FROM ow4 ORDER BY id'],
    rows: [[10], [20]], types: ['INT'], source: 'impala_insert.xml (INSERT OVERWRITE)', was: 'pass',
  },
  // --- TIMESTAMP is a timestamp ---
  { name: 'year() of a TIMESTAMP column', setup: TS_TABLE, sql: 'SELECT year(ts) FROM ts_t WHERE id = 1', rows: [[2024]], types: ['INT'], source: 'impala_datetime_functions.xml (YEAR: INT)', was: 'fail' },
  { name: 'month(), day(), hour(), minute(), second()', sql: 'SELECT month(ts), day(ts), hour(ts), minute(ts), second(ts) FROM ts_t WHERE id = 1', rows: [[1, 31, 10, 11, 12]], types: ['INT', 'INT', 'INT', 'INT', 'INT'], source: 'impala_datetime_functions.xml (MONTH, DAY, HOUR, MINUTE, SECOND)', was: 'fail' },
  { name: 'to_date() is STRING', sql: 'SELECT to_date(ts) FROM ts_t WHERE id = 1', rows: [['2024-01-31']], types: ['STRING'], source: 'impala_datetime_functions.xml (TO_DATE: STRING)', was: 'fail' },
  { name: 'date_add() and date_sub() of days', sql: 'SELECT date_add(ts, 1), date_sub(ts, 31) FROM ts_t WHERE id = 1', rows: [['2024-02-01 10:11:12.500000000', '2023-12-31 10:11:12.500000000']], types: ['TIMESTAMP', 'TIMESTAMP'], source: 'impala_datetime_functions.xml (DATE_ADD, DATE_SUB)', was: 'fail' },
  { name: 'date_add() with an INTERVAL', sql: 'SELECT date_add(ts, INTERVAL 3 HOURS) FROM ts_t WHERE id = 3', rows: [['2024-02-29 03:00:00']], types: ['TIMESTAMP'], source: 'impala_datetime_functions.xml (DATE_ADD … INTERVAL)', was: 'fail' },
  { name: 'datediff() counts days, times ignored', sql: "SELECT datediff(ts, '2024-01-01 23:00:00') FROM ts_t WHERE id = 1", rows: [[30]], types: ['INT'], source: 'impala_datetime_functions.xml (DATEDIFF: INT)', was: 'fail' },
  { name: "trunc(ts, 'MM') and trunc(ts, 'YYYY')", sql: "SELECT trunc(ts, 'MM'), trunc(ts, 'YYYY') FROM ts_t WHERE id = 1", rows: [['2024-01-01 00:00:00', '2024-01-01 00:00:00']], types: ['TIMESTAMP', 'TIMESTAMP'], source: 'impala_datetime_functions.xml (TRUNC)', was: 'fail' },
  { name: 'extract(unit FROM ts) and extract(ts, unit) are BIGINT', sql: "SELECT extract(YEAR FROM ts), extract(ts, 'month'), extract(MILLISECOND FROM ts) FROM ts_t WHERE id = 1", rows: [[2024n, 1n, 12500n]], types: ['BIGINT', 'BIGINT', 'BIGINT'], source: 'impala_datetime_functions.xml (EXTRACT: BIGINT)', was: 'fail' },
  { name: 'ts + INTERVAL 1 DAY', sql: 'SELECT ts + INTERVAL 1 DAY, ts - INTERVAL 2 MONTHS FROM ts_t WHERE id = 3', rows: [['2024-03-01 00:00:00', '2023-12-29 00:00:00']], types: ['TIMESTAMP', 'TIMESTAMP'], source: 'impala_timestamp.xml (INTERVAL arithmetic)', was: 'fail' },
  { name: 'CAST(… AS TIMESTAMP) is TIMESTAMP in result metadata', sql: "SELECT CAST('2024-01-02 03:04:05' AS TIMESTAMP)", rows: [['2024-01-02 03:04:05']], types: ['TIMESTAMP'], source: 'impala_timestamp.xml', was: 'fail' },
  { name: 'CAST(0 AS TIMESTAMP) is the epoch', sql: 'SELECT CAST(0 AS TIMESTAMP), CAST(1.5 AS TIMESTAMP)', rows: [['1970-01-01 00:00:00', '1970-01-01 00:00:01.500000000']], types: ['TIMESTAMP', 'TIMESTAMP'], source: 'impala_timestamp.xml (numbers are seconds since the epoch)', was: 'fail' },
  { name: 'from_unixtime() with and without a pattern', sql: "SELECT from_unixtime(0), from_unixtime(86400, 'yyyy-MM-dd')", rows: [['1970-01-01 00:00:00', '1970-01-02']], types: ['STRING', 'STRING'], source: 'impala_datetime_functions.xml (FROM_UNIXTIME)', was: 'fail' },
  { name: 'unix_timestamp() of a string, with a pattern, of a TIMESTAMP', sql: "SELECT unix_timestamp('2024-01-01 00:00:00'), unix_timestamp('01/02/2024', 'MM/dd/yyyy'), unix_timestamp(CAST(86400 AS TIMESTAMP))", rows: [[1704067200n, 1704153600n, 86400n]], types: ['BIGINT', 'BIGINT', 'BIGINT'], source: 'impala_datetime_functions.xml (UNIX_TIMESTAMP: BIGINT)', was: 'fail' },
  { name: 'current_timestamp() and now() are TIMESTAMP', sql: 'SELECT typeof(current_timestamp()), typeof(now()), now() > CAST(0 AS TIMESTAMP)', rows: [['TIMESTAMP', 'TIMESTAMP', true]], types: ['STRING', 'STRING', 'BOOLEAN'], source: 'impala_datetime_functions.xml (CURRENT_TIMESTAMP, NOW)', was: 'fail' },
  { name: 'add_months()', sql: "SELECT add_months(CAST('2013-02-18 16:46:00.01' AS TIMESTAMP), 1)", rows: [['2013-03-18 16:46:00.010000000']], types: ['TIMESTAMP'], source: 'QueryTest/exprs.test (ADD_MONTHS)', was: 'fail' },
  { name: 'add_months() keeps a month end a month end', sql: "SELECT add_months(CAST('2019-01-31' AS TIMESTAMP), 1), add_months(CAST('2019-02-28' AS TIMESTAMP), -1)", rows: [['2019-02-28 00:00:00', '2019-01-31 00:00:00']], types: ['TIMESTAMP', 'TIMESTAMP'], source: 'impala_datetime_functions.xml (MONTHS_ADD, MONTHS_SUB: last day of month)', was: 'fail' },
  { name: 'months_between(): whole months, or days / 31', sql: "SELECT months_between(CAST('2024-03-31' AS TIMESTAMP), CAST('2024-02-29' AS TIMESTAMP)), months_between(CAST('2024-03-15' AS TIMESTAMP), CAST('2024-02-01' AS TIMESTAMP))", rows: [[1, 1 + 14 / 31]], types: ['DOUBLE', 'DOUBLE'], source: 'impala_datetime_functions.xml (MONTHS_BETWEEN)', was: 'fail' },
  { name: 'from_timestamp() with a pattern', sql: "SELECT from_timestamp(ts, 'yyyy/MM/dd HH:mm') FROM ts_t WHERE id = 1", rows: [['2024/01/31 10:11']], types: ['STRING'], source: 'impala_datetime_functions.xml (FROM_TIMESTAMP: STRING)', was: 'fail' },
  { name: 'to_timestamp(string, pattern) and to_timestamp(bigint)', sql: "SELECT to_timestamp('2024-05-06', 'yyyy-MM-dd'), to_timestamp(60), to_timestamp('junk', 'yyyy-MM-dd')", rows: [['2024-05-06 00:00:00', '1970-01-01 00:01:00', null]], types: ['TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP'], source: 'impala_datetime_functions.xml (TO_TIMESTAMP)', was: 'fail' },
  { name: 'dayofweek(): 1 is Sunday', sql: "SELECT dayofweek(CAST('2024-01-07' AS TIMESTAMP)), dayofweek(CAST('2024-01-13' AS TIMESTAMP))", rows: [[1, 7]], types: ['INT', 'INT'], source: 'impala_datetime_functions.xml (DAYOFWEEK)', was: 'fail' },
  { name: 'CAST(TIMESTAMP AS STRING) and AS BIGINT', sql: 'SELECT CAST(ts AS STRING), CAST(ts AS BIGINT) FROM ts_t WHERE id = 1', rows: [['2024-01-31 10:11:12.500000000', 1706695872n]], types: ['STRING', 'BIGINT'], source: 'impala_timestamp.xml (conversions)', was: 'fail' },
  { name: 'TIMESTAMP range ends, and NULL outside it', sql: "SELECT CAST('1400-01-01' AS TIMESTAMP), CAST('9999-12-31 23:59:59.999999' AS TIMESTAMP), CAST('1399-12-31' AS TIMESTAMP)", rows: [['1400-01-01 00:00:00', '9999-12-31 23:59:59.999999000', null]], types: ['TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP'], source: 'impala_timestamp.xml (range 1400-01-01 to 9999-12-31)', was: 'fail' },
  { name: 'TIMESTAMP columns compare with strings and sort in time order', sql: "SELECT id FROM ts_t WHERE ts > '2024-02-01' OR ts < '2024-02-01 00:00:00' ORDER BY ts", rows: [[1], [3]], types: ['INT'], source: 'impala_timestamp.xml (implicit STRING → TIMESTAMP)', was: 'pass' },
  { name: 'DESCRIBE reports a TIMESTAMP column as timestamp', sql: 'DESCRIBE ts_t', rows: [['id', 'int', ''], ['ts', 'timestamp', ''], ['s', 'string', '']], types: ['STRING', 'STRING', 'STRING'], source: 'impala_describe.xml', was: 'pass' },
  // --- values Impala computes differently ---
  { name: 'ORDER BY … DESC puts NULLs first', sql: 'SELECT id FROM ts_t ORDER BY ts DESC', rows: [[2], [3], [1]], types: ['INT'], source: 'impala_order_by.xml (NULLS FIRST is the default for DESC)', was: 'fail' },
  { name: 'ORDER BY … ASC puts NULLs last', sql: 'SELECT id FROM ts_t ORDER BY s', rows: [[1], [3], [2]], types: ['INT'], source: 'impala_order_by.xml (NULLS LAST is the default for ASC)', was: 'pass' },
  { name: 'ORDER BY … DESC LIMIT 1 returns the NULL row', sql: 'SELECT s FROM ts_t ORDER BY s DESC LIMIT 1', rows: [[null]], types: ['STRING'], source: 'impala_order_by.xml', was: 'fail' },
  { name: 'rank() OVER (ORDER BY … DESC) ranks NULL first', sql: 'SELECT id, rank() OVER (ORDER BY s DESC) AS r FROM ts_t ORDER BY id', rows: [[1, 3n], [2, 1n], [3, 2n]], types: ['INT', 'BIGINT'], source: 'impala_analytic_functions.xml (RANK), impala_order_by.xml', was: 'fail' },
  { name: 'ORDER BY … NULLS LAST still wins', sql: 'SELECT id FROM ts_t ORDER BY s DESC NULLS LAST', rows: [[3], [1], [2]], types: ['INT'], source: 'impala_order_by.xml (NULLS FIRST | NULLS LAST)', was: 'pass' },
  { name: 'concat() with a NULL argument is NULL', sql: "SELECT concat('a', NULL), concat('a', 'b', 'c')", rows: [[null, 'abc']], types: ['STRING', 'STRING'], source: 'impala_string_functions.xml (CONCAT: "If any argument is NULL, it returns NULL")', was: 'fail' },
  { name: 'regexp_replace() replaces every match', sql: "SELECT regexp_replace('aaa', 'a', 'b'), regexp_replace('a1b22', '[0-9]+', '#')", rows: [['bbb', 'a#b#']], types: ['STRING', 'STRING'], source: 'impala_string_functions.xml (REGEXP_REPLACE)', was: 'fail' },
  { name: "group_concat() separates with ', '", sql: "SELECT group_concat(s) FROM (SELECT 'x' AS s UNION ALL SELECT 'x') v", rows: [['x, x']], types: ['STRING'], source: 'impala_string_functions.xml (GROUP_CONCAT)', was: 'fail' },
  { name: 'group_concat() with a separator', sql: "SELECT group_concat(s, '|') FROM (SELECT 'x' AS s UNION ALL SELECT 'x') v", rows: [['x|x']], types: ['STRING'], source: 'impala_string_functions.xml (GROUP_CONCAT)', was: 'pass' },
  { name: '|| is logical OR', sql: 'SELECT false || true, false || false', rows: [[true, false]], types: ['BOOLEAN', 'BOOLEAN'], source: 'impala_operators.xml (OR: ||)', was: 'fail' },
  { name: 'names Impala does not reserve (at, window, some) work as columns', setup: ['CREATE TABLE kw_t (at INT, window STRING, some DOUBLE)', "INSERT INTO kw_t VALUES (1, 'w', 0.5)"], sql: 'SELECT at, window, some FROM kw_t WHERE at = 1', rows: [[1, 'w', 0.5]], types: ['INT', 'STRING', 'DOUBLE'], source: 'fe sql-scanner.flex (keywordMap: not keywords)', was: 'fail' },
  // --- DECIMAL division (DECIMAL_V2, Impala 4's default) ---
  { name: 'DECIMAL / integer is DECIMAL with Impala’s precision and scale', sql: 'SELECT CAST(10 AS DECIMAL(9,2)) / 4, 1.5 / 3 / 2', rows: [['2.500000', '0.2500000000']], types: ['DECIMAL(13,6)', 'DECIMAL(11,10)'], source: 'fe TypesUtil.getDecimalArithmeticResultTypeV2 (DIVIDE), ScalarType.getMinResolutionDecimal', was: 'fail' },
  { name: 'DECIMAL / DECIMAL rounds half away from zero', sql: 'SELECT CAST(2 AS DECIMAL(3,0)) / CAST(3 AS DECIMAL(3,0)), CAST(-2 AS DECIMAL(3,0)) / CAST(3 AS DECIMAL(3,0))', rows: [['0.666667', '-0.666667']], types: ['DECIMAL(9,6)', 'DECIMAL(9,6)'], source: 'be runtime/decimal-value.inline.h (Divide: round); QueryTest/decimal-exprs.test', was: 'fail' },
  { name: 'sum(DECIMAL) / count(*) stays DECIMAL', setup: ['CREATE TABLE dec_div (amt DECIMAL(9,2))', 'INSERT INTO dec_div VALUES (1.50), (2.25), (NULL)'], sql: 'SELECT sum(amt) / count(*), max(amt) / 2 FROM dec_div', rows: [['1.250000', '1.125000']], types: ['DECIMAL(38,6)', 'DECIMAL(13,6)'], source: 'fe TypesUtil.getDecimalArithmeticResultTypeV2 (precision over 38: createAdjustedDecimalType)', was: 'fail' },
  { name: 'DECIMAL ÷ 0 is an error', sql: 'SELECT 10.0 / 0', error: 'UDF ERROR: Cannot divide decimal by zero', source: 'QueryTest/decimal-exprs.test (DECIMAL V2 division by zero); be decimal-operators-ir.cc', was: 'fail' },
  { name: 'a DECIMAL column ÷ 0 is an error too', sql: 'SELECT amt / 0 FROM dec_div', error: 'UDF ERROR: Cannot divide decimal by zero', source: 'be decimal-operators-ir.cc', was: 'fail' },
  { name: 'a NULL DECIMAL ÷ 0 is NULL', sql: 'SELECT amt / 0 FROM dec_div WHERE amt IS NULL', rows: [[null]], types: ['DECIMAL(13,6)'], source: 'be decimal-operators-ir.cc (NULL operands return NULL before the zero check)', was: 'fail' },
  { name: 'integer / integer is DOUBLE, and ÷ 0 is Infinity', sql: 'SELECT 10 / 4, 1 / 0', rows: [[2.5, Infinity]], types: ['DOUBLE', 'DOUBLE'], source: 'fe TypesUtil.getArithmeticResultType (DIVIDE: DOUBLE); be expr-test.cc (division by zero)', was: 'pass' },
  { name: 'CAST(DOUBLE/DECIMAL AS INT) truncates', sql: 'SELECT CAST(2.7 AS INT), CAST(-2.7 AS INT), CAST(2.7e0 AS BIGINT), CAST(-0.5e0 AS TINYINT)', rows: [[2, -2, 2n, 0]], types: ['INT', 'INT', 'BIGINT', 'TINYINT'], source: 'impala_conversion_functions.xml (CAST truncates), be cast-functions-ir.cc', was: 'fail' },
  { name: 'integer literals are typed by value', sql: "SELECT typeof(1), typeof(1000), typeof(100000), typeof(10000000000), typeof('a'), typeof(1.5)", rows: [['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'STRING', 'DECIMAL(2,1)']], types: ['STRING', 'STRING', 'STRING', 'STRING', 'STRING', 'STRING'], source: 'impala_literals.xml (numeric literals), impala_misc_functions.xml (TYPEOF)', was: 'fail' },
  { name: 'SELECT 1 is TINYINT', sql: 'SELECT 1, 300', rows: [[1, 300]], types: ['TINYINT', 'SMALLINT'], source: 'impala_literals.xml; fe NumericLiteral.java', was: 'fail' },
  { name: 'current_database() is the session database', fresh: true, setup: ['CREATE DATABASE IF NOT EXISTS dialect_db', 'USE dialect_db'], sql: 'SELECT current_database()', rows: [['dialect_db']], types: ['STRING'], source: 'impala_misc_functions.xml (CURRENT_DATABASE)', was: 'fail' },
  { name: 'user(), effective_user() and logged_in_user() are the session user', fresh: true, sql: 'SELECT user(), effective_user(), logged_in_user()', rows: [['dialect_user', 'dialect_user', 'dialect_user']], types: ['STRING', 'STRING', 'STRING'], source: 'impala_misc_functions.xml (USER, EFFECTIVE_USER, LOGGED_IN_USER)', was: 'fail' },
];
