/**
 * Dialect cases, part 2: CAST failures, column labels, Impala-only
 * functions and clauses, SHOW/DESCRIBE/COMPUTE STATS, SET, analysis errors, and
 * what must keep working (typed extremes, DDL/DML, CTE, UNION, windows,
 * views, CTAS, ALTER, REFRESH, INVALIDATE METADATA).
 */
import type { DialectCase } from './dialect-case.js';

const STATS_TABLE = [
  'CREATE TABLE st (id INT, v STRING, b BOOLEAN) PARTITIONED BY (dt STRING)',
  "INSERT INTO st PARTITION (dt='a') VALUES (1, 'x', true), (2, 'yy', false)",
  "INSERT INTO st PARTITION (dt='b') VALUES (3, NULL, NULL)",
];
const LOC = 'hdfs://localhost:20500/test-warehouse/st';
const S = 'STRING';

export const MORE_CASES: DialectCase[] = [
  // --- CAST failures are NULL, not DuckDB's Conversion Error ---
  { name: "CAST('x' AS INT) is NULL", sql: "SELECT CAST('x' AS INT), CAST('1.5' AS BIGINT), CAST(' 12 ' AS SMALLINT)", rows: [[null, null, 12]], types: ['INT', 'BIGINT', 'SMALLINT'], source: 'impala_conversion_functions.xml (CAST: NULL when the string does not convert)', was: 'fail' },
  { name: "CAST('x' AS DOUBLE / DECIMAL / BOOLEAN) is NULL", sql: "SELECT CAST('x' AS DOUBLE), CAST('abc' AS DECIMAL(9,2)), CAST('maybe' AS BOOLEAN)", rows: [[null, null, null]], types: ['DOUBLE', 'DECIMAL(9,2)', 'BOOLEAN'], source: 'impala_conversion_functions.xml (CAST)', was: 'fail' },
  { name: 'CAST of good text still converts', sql: "SELECT CAST('12' AS INT), CAST('1.25' AS DECIMAL(9,2)), CAST('2024-02-29' AS DATE), CAST(true AS INT)", rows: [[12, '1.25', '2024-02-29', 1]], types: ['INT', 'DECIMAL(9,2)', 'DATE', 'INT'], source: 'impala_conversion_functions.xml (CAST)', was: 'pass' },
  { name: "CAST('x' AS DATE) fails as in Impala", sql: "SELECT CAST('x' AS DATE)", error: "UDF ERROR: String to Date parse failed. Invalid string val: 'x'", source: 'be/src/exprs/cast-functions-ir.cc; QueryTest/date.test', was: 'fail' },
  // --- column labels are Impala's SQL text ---
  { name: 'count(*) is labelled count(*)', sql: 'SELECT count(*) FROM (SELECT 1 AS a) v', rows: [[1n]], types: ['BIGINT'], labels: ['count(*)'], source: 'fe SelectListItem.toColumnLabel, FunctionCallExpr.toSql', was: 'fail' },
  { name: 'arithmetic is labelled with spaced operators', sql: 'SELECT a+b, (a * b) - a FROM (SELECT CAST(1 AS DOUBLE) a, CAST(2 AS DOUBLE) b) v', rows: [[3, 1]], types: ['DOUBLE', 'DOUBLE'], labels: ['a + b', '(a * b) - a'], source: 'fe ArithmeticExpr.toSql', was: 'fail' },
  { name: 'function calls are labelled in lower case', sql: 'SELECT YEAR(NOW()) > 2000, Upper(\'a\')', rows: [[true, 'A']], types: ['BOOLEAN', S], labels: ['year(now()) > 2000', "upper('a')"], source: 'fe FunctionName (lower-cased), SelectListItem.toColumnLabel', was: 'fail' },
  { name: 'CAST, CASE, IS NULL, IN and string literals keep their SQL text', sql: "SELECT CAST(1 AS BIGINT), CASE WHEN 1 > 0 THEN 'y' END, NULL IS NULL, 2 IN (1, 2), \"Hi\"", labels: ['cast(1 as bigint)', "case when 1 > 0 then 'y' end", 'null is null', '2 in (1, 2)', "'hi'"], rows: [[1n, 'y', true, true, 'Hi']], types: ['BIGINT', S, 'BOOLEAN', 'BOOLEAN', S], source: 'fe CastExpr, CaseExpr, IsNullPredicate, InPredicate, StringLiteral toSql', was: 'fail' },
  { name: 'aliases and column references keep their names', sql: 'SELECT a AS Foo, v.a, a FROM (SELECT 1 AS a) v', labels: ['foo', 'a', 'a'], rows: [[1, 1, 1]], types: ['TINYINT', 'TINYINT', 'TINYINT'], source: 'fe SelectListItem.toColumnLabel (alias, SlotRef); NumericLiteral.java', was: 'fail' },
  { name: 'analytic calls are labelled fn(args) OVER(...)', sql: 'SELECT row_number() OVER (ORDER BY a) FROM (SELECT 1 AS a) v', labels: ['row_number() over(...)'], rows: [[1n]], types: ['BIGINT'], source: 'fe SelectListItem.toColumnLabel (AnalyticExpr)', was: 'fail' },
  { name: 'CTAS columns take the labels', sql: ['CREATE TABLE ctas_l AS SELECT count(*), upper(\'a\') FROM (SELECT 1 AS a) v', 'DESCRIBE ctas_l'], rows: [['count(*)', 'bigint', ''], ["upper('a')", 'string', '']], types: [S, S, S], source: 'fe CreateTableAsSelectStmt (column names from the select labels)', was: 'fail' },
  // --- functions and clauses DuckDB lacks ---
  { name: 'ndv() and appx_median()', sql: 'SELECT ndv(id), appx_median(id) FROM (SELECT id FROM ts_t UNION ALL SELECT id FROM ts_t WHERE id = 3) v', rows: [[3n, 2]], types: ['BIGINT', 'INT'], source: 'impala_aggregate_functions.xml (NDV, APPX_MEDIAN)', was: 'fail' },
  { name: 'zeroifnull() and nullifzero()', sql: 'SELECT zeroifnull(CAST(NULL AS INT)), zeroifnull(5), nullifzero(0), nullifzero(7)', rows: [[0, 5, null, 7]], types: ['INT', 'TINYINT', 'TINYINT', 'TINYINT'], source: 'impala_conditional_functions.xml (ZEROIFNULL, NULLIFZERO)', was: 'fail' },
  { name: 'isnull() and nvl2()', sql: "SELECT isnull(NULL, 3), isnull('a', 'b'), nvl2(NULL, 999, 0), nvl2('ABC', 'Is Not Null', 'Is Null')", rows: [[3, 'a', 0, 'Is Not Null']], types: ['TINYINT', S, 'SMALLINT', S], source: 'impala_conditional_functions.xml (ISNULL, NVL2)', was: 'fail' },
  { name: 'decode() matches NULL and falls back to its default', sql: "SELECT decode(2, 1, 'one', 2, 'two', 'other'), decode(NULL, NULL, 'null', 'x'), decode(5, 1, 'one', 'other'), decode(5, 1, 'one')", rows: [['two', 'null', 'other', null]], types: [S, S, S, S], source: 'impala_conditional_functions.xml (DECODE: IS NOT DISTINCT FROM)', was: 'fail' },
  { name: 'strleft() and strright()', sql: "SELECT strleft('hello', 2), strright('hello', 3)", rows: [['he', 'llo']], types: [S, S], source: 'impala_string_functions.xml (STRLEFT, STRRIGHT)', was: 'fail' },
  { name: 'RLIKE and REGEXP match anywhere', sql: "SELECT 'abc' RLIKE 'b', 'abc' REGEXP '^b', 'abc' NOT RLIKE 'x', 'a\nb' RLIKE 'a.b', 'a\nb' RLIKE 'b$'", rows: [[true, false, true, false, true]], types: ['BOOLEAN', 'BOOLEAN', 'BOOLEAN', 'BOOLEAN', 'BOOLEAN'], source: 'impala_operators.xml (REGEXP, RLIKE); be like-predicate.cc (RE2 partial match)', was: 'fail' },
  { name: 'TABLESAMPLE SYSTEM(100) REPEATABLE keeps every row', sql: 'SELECT count(*) FROM ts_t TABLESAMPLE SYSTEM(100) REPEATABLE(7)', rows: [[3n]], types: ['BIGINT'], source: 'impala_tablesample.xml', was: 'fail' },
  { name: 'STRAIGHT_JOIN as a hint and as a join', sql: 'SELECT STRAIGHT_JOIN a.id FROM ts_t a STRAIGHT_JOIN ts_t b ON a.id = b.id ORDER BY a.id', rows: [[1], [2], [3]], types: ['INT'], source: 'impala_hints.xml (STRAIGHT_JOIN)', was: 'fail' },
  // --- SHOW, DESCRIBE FORMATTED, COMPUTE STATS ---
  {
    name: 'SHOW CREATE TABLE', setup: STATS_TABLE, sql: 'SHOW CREATE TABLE st',
    rows: [[`CREATE EXTERNAL TABLE default.st (\n  id INT,\n  v STRING,\n  b BOOLEAN\n)\nPARTITIONED BY (\n  dt STRING\n)\nSTORED AS TEXTFILE\nLOCATION '${LOC}'\nTBLPROPERTIES ('TRANSLATED_TO_EXTERNAL'='TRUE', 'external.table.purge'='TRUE')`]],
    types: [S], labels: ['result'], source: 'QueryTest/show-create-table.test (RESULTS-HIVE-3)', was: 'fail',
  },
  {
    name: 'SHOW PARTITIONS before COMPUTE STATS', sql: 'SHOW PARTITIONS st',
    rows: [
      ['a', -1n, 1n, '0B', 'NOT CACHED', 'NOT CACHED', 'TEXT', 'false', `${LOC}/dt=a`, 'NONE'],
      ['b', -1n, 1n, '0B', 'NOT CACHED', 'NOT CACHED', 'TEXT', 'false', `${LOC}/dt=b`, 'NONE'],
      ['Total', -1n, 2n, '0B', '0B', '', '', '', '', ''],
    ],
    labels: ['dt', '#Rows', '#Files', 'Size', 'Bytes Cached', 'Cache Replication', 'Format', 'Incremental stats', 'Location', 'EC Policy'],
    types: [S, 'BIGINT', 'BIGINT', S, S, S, S, S, S, S], source: 'QueryTest/show-stats.test; fe FeFsTable.buildTableStatsSchema', was: 'fail',
  },
  { name: 'SHOW PARTITIONS of an unpartitioned table', sql: 'SHOW PARTITIONS ts_t', error: 'AnalysisException: Table is not partitioned: default.ts_t', source: 'fe ShowStatsStmt (Table is not partitioned)', was: 'fail' },
  { name: 'COMPUTE STATS answers one summary row', sql: 'COMPUTE STATS st', rows: [['Updated 2 partition(s) and 3 column(s).']], labels: ['summary'], types: [S], source: 'fe CatalogOpExecutor (UPDATE_STATS summary); QueryTest/compute-stats.test', was: 'fail' },
  { name: 'COMPUTE STATS of an unpartitioned table', sql: 'COMPUTE STATS ts_t', rows: [['Updated 1 partition(s) and 3 column(s).']], types: [S], source: 'fe CatalogOpExecutor (UPDATE_STATS summary)', was: 'fail' },
  {
    name: 'SHOW TABLE STATS after COMPUTE STATS', sql: 'SHOW TABLE STATS st', types: [S, 'BIGINT', 'BIGINT', S, S, S, S, S, S, S],
    rows: [
      ['a', 2n, 1n, '0B', 'NOT CACHED', 'NOT CACHED', 'TEXT', 'false', `${LOC}/dt=a`, 'NONE'],
      ['b', 1n, 1n, '0B', 'NOT CACHED', 'NOT CACHED', 'TEXT', 'false', `${LOC}/dt=b`, 'NONE'],
      ['Total', 3n, 2n, '0B', '0B', '', '', '', '', ''],
    ],
    source: 'QueryTest/show-stats.test (SHOW TABLE STATS)', was: 'fail',
  },
  {
    name: 'SHOW COLUMN STATS after COMPUTE STATS', sql: 'SHOW COLUMN STATS st',
    rows: [['id', 'INT', 3n, 0n, 4n, 4, -1n, -1n], ['v', 'STRING', 2n, 1n, 2n, 1.5, -1n, -1n], ['b', 'BOOLEAN', 2n, 1n, 1n, 1, 1n, 1n], ['dt', 'STRING', 2n, 0n, 1n, 1, -1n, -1n]],
    labels: ['Column', 'Type', '#Distinct Values', '#Nulls', 'Max Size', 'Avg Size', '#Trues', '#Falses'],
    types: [S, S, 'BIGINT', 'BIGINT', 'BIGINT', 'DOUBLE', 'BIGINT', 'BIGINT'], source: 'QueryTest/show-stats.test (SHOW COLUMN STATS); fe Frontend.doGetColumnStats', was: 'fail',
  },
  { name: 'SHOW COLUMN STATS before COMPUTE STATS', setup: ['CREATE TABLE cs0 (i INT, s STRING)'], sql: 'SHOW COLUMN STATS cs0', rows: [['i', 'INT', -1n, -1n, 4n, 4, -1n, -1n], ['s', 'STRING', -1n, -1n, -1n, -1, -1n, -1n]], types: [S, S, 'BIGINT', 'BIGINT', 'BIGINT', 'DOUBLE', 'BIGINT', 'BIGINT'], source: 'QueryTest/show-stats.test', was: 'fail' },
  { name: 'SHOW FUNCTIONS of a database without UDFs', sql: 'SHOW FUNCTIONS IN default', rows: [], labels: ['return type', 'signature', 'binary type', 'is persistent'], types: [S, S, S, S], source: 'impala_show.xml (SHOW FUNCTIONS)', was: 'fail' },
  { name: 'DESCRIBE FORMATTED lists columns, partition keys and table facts', sql: 'DESCRIBE FORMATTED st', rowsPrefix: [['# col_name', 'data_type', 'comment'], ['', null, null], ['id', 'int', null], ['v', 'string', null], ['b', 'boolean', null], ['', null, null], ['# Partition Information', null, null], ['# col_name', 'data_type', 'comment'], ['', null, null], ['dt', 'string', null]], labels: ['name', 'type', 'comment'], types: [S, S, S], source: 'impala_describe.xml (DESCRIBE FORMATTED)', was: 'fail' },
  // --- SET lists impalad's query options ---
  {
    name: 'SET lists REGULAR and ADVANCED options in byte order of the name', sql: 'SET', fresh: true,
    rowsPrefix: [
      ['ABORT_JAVA_UDF_ON_EXCEPTION', '0', 'ADVANCED'], ['ABORT_ON_ERROR', '0', 'REGULAR'], ['AGGREGATED_PROFILE', '0', 'ADVANCED'],
    ],
    labels: ['option', 'value', 'level'], types: [S, S, S],
    source: 'be client-request-state.cc PopulateResultForSet; be query-options.h QUERY_OPTS_TABLE', was: 'fail',
  },
  {
    name: 'SET ALL adds DEVELOPMENT and REMOVED options', sql: 'SET ALL', fresh: true,
    rowsPrefix: [
      ['ABORT_JAVA_UDF_ON_EXCEPTION', '0', 'ADVANCED'], ['ABORT_ON_DEFAULT_LIMIT_EXCEEDED', '', 'REMOVED'],
      ['ABORT_ON_ERROR', '0', 'REGULAR'], ['AGGREGATED_PROFILE', '0', 'ADVANCED'],
      ['AGG_MEM_CORRELATION_FACTOR', '0.500000', 'ADVANCED'], ['ALLOW_ERASURE_CODED_FILES', '1', 'DEVELOPMENT'],
    ],
    labels: ['option', 'value', 'level'], types: [S, S, S],
    source: 'be client-request-state.cc PopulateResultForSet; be query-options.cc TQueryOptionsToMap; QueryTest/set.test', was: 'fail',
  },
  {
    name: 'SET shows a value set in the session', sql: ['SET abort_on_error=1', 'SET'], fresh: true,
    rowsPrefix: [['ABORT_JAVA_UDF_ON_EXCEPTION', '0', 'ADVANCED'], ['ABORT_ON_ERROR', '1', 'REGULAR']],
    types: [S, S, S], source: 'be ImpalaServer::SessionState::QueryOptions; QueryTest/set.test', was: 'fail',
  },
  {
    name: 'SET of a removed option is ignored', sql: ['SET ABORT_ON_DEFAULT_LIMIT_EXCEEDED=1', 'SET ALL'], fresh: true,
    rowsPrefix: [['ABORT_JAVA_UDF_ON_EXCEPTION', '0', 'ADVANCED'], ['ABORT_ON_DEFAULT_LIMIT_EXCEEDED', '', 'REMOVED']],
    types: [S, S, S], source: 'be query-options.cc SetQueryOption (IsRemovedQueryOption)', was: 'fail',
  },
  {
    name: 'SET of an unknown option fails', sql: 'SET foo=bar', fresh: true, error: 'Invalid query option: foo',
    source: 'QueryTest/set.test; be query-options.cc SetQueryOption', was: 'fail',
  },
  // --- analysis errors ---
  { name: 'OFFSET without ORDER BY', sql: 'SELECT id FROM ts_t LIMIT 1 OFFSET 1', error: 'AnalysisException: OFFSET requires an ORDER BY clause: LIMIT 1 OFFSET 1', source: 'impala_offset.xml; fe QueryStmt.analyzeLimit', was: 'fail' },
  { name: 'OFFSET with ORDER BY', sql: 'SELECT id FROM ts_t ORDER BY id LIMIT 1 OFFSET 1', rows: [[2]], types: ['INT'], source: 'impala_offset.xml', was: 'pass' },
  { name: 'a missing table is quoted as written', sql: 'SELECT * FROM no_such', error: "AnalysisException: Could not resolve table reference: 'no_such'", source: 'fe Analyzer.resolveTableRef', was: 'fail' },
  { name: 'a missing qualified table keeps its database', sql: 'SELECT * FROM default.no_such', error: "AnalysisException: Could not resolve table reference: 'default.no_such'", source: 'fe Analyzer.resolveTableRef', was: 'pass' },
  // --- must keep working ---
  { name: 'typed extremes', sql: 'SELECT CAST(127 AS TINYINT), CAST(-32768 AS SMALLINT), CAST(2147483647 AS INT), CAST(-9223372036854775808 AS BIGINT), CAST(1.7976931348623157e308 AS DOUBLE)', rows: [[127, -32768, 2147483647, -9223372036854775808n, 1.7976931348623157e308]], types: ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'DOUBLE'], source: 'impala_tinyint.xml, impala_smallint.xml, impala_int.xml, impala_bigint.xml, impala_double.xml', was: 'pass' },
  { name: 'DECIMAL keeps precision and scale', sql: "SELECT CAST('1234567890123456789012345678.0123456789' AS DECIMAL(38,10)), CAST(1.5 AS DECIMAL(9,2))", rows: [['1234567890123456789012345678.0123456789', '1.50']], types: ['DECIMAL(38,10)', 'DECIMAL(9,2)'], source: 'impala_decimal.xml', was: 'pass' },
  { name: 'CREATE TABLE, INSERT, SELECT', setup: ['CREATE TABLE basic (id INT, name STRING, amt DECIMAL(9,2))', "INSERT INTO basic VALUES (1, 'a', 1.50), (2, 'b', 2.25)"], sql: 'SELECT id, name, amt FROM basic ORDER BY id', rows: [[1, 'a', '1.50'], [2, 'b', '2.25']], types: ['INT', S, 'DECIMAL(9,2)'], source: 'impala_create_table.xml, impala_insert.xml', was: 'pass' },
  { name: 'SUM of DECIMAL is DECIMAL(38,s)', sql: 'SELECT sum(amt) AS total FROM basic', rows: [['3.75']], types: ['DECIMAL(38,2)'], source: 'impala_decimal.xml (SUM of DECIMAL)', was: 'pass' },
  { name: 'UPDATE-free DML: INSERT … SELECT', sql: ['INSERT INTO basic SELECT id + 10, name, amt FROM basic', 'SELECT count(*) AS n FROM basic'], rows: [[4n]], types: ['BIGINT'], source: 'impala_insert.xml', was: 'pass' },
  { name: 'WITH (CTE)', sql: 'WITH w AS (SELECT id FROM basic WHERE id < 10) SELECT count(*) AS n FROM w', rows: [[2n]], types: ['BIGINT'], source: 'impala_with.xml', was: 'pass' },
  { name: 'UNION ALL and UNION', sql: 'SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 1 UNION SELECT 2) u ORDER BY x', rows: [[1], [2]], types: ['TINYINT'], source: 'impala_union.xml; NumericLiteral.java (TINYINT literals)', was: 'fail' },
  { name: 'window functions', sql: 'SELECT id, sum(id) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM basic WHERE id < 10 ORDER BY id', rows: [[1, 1n], [2, 3n]], types: ['INT', 'BIGINT'], source: 'impala_analytic_functions.xml (SUM OVER)', was: 'pass' },
  { name: 'views', setup: ['CREATE VIEW basic_v AS SELECT id, upper(name) AS uname FROM basic WHERE id < 10'], sql: 'SELECT * FROM basic_v ORDER BY id', rows: [[1, 'A'], [2, 'B']], types: ['INT', S], source: 'impala_create_view.xml', was: 'pass' },
  { name: 'CTAS keeps column types', sql: ['CREATE TABLE basic_c AS SELECT id, amt FROM basic', 'SELECT id, amt FROM basic_c ORDER BY id LIMIT 1'], rows: [[1, '1.50']], types: ['INT', 'DECIMAL(9,2)'], source: 'impala_create_table.xml (CREATE TABLE AS SELECT)', was: 'pass' },
  { name: 'ALTER TABLE ADD COLUMNS and RENAME TO', sql: ['ALTER TABLE basic_c ADD COLUMNS (note STRING)', 'ALTER TABLE basic_c RENAME TO basic_r', 'SELECT id, note FROM basic_r ORDER BY id LIMIT 1'], rows: [[1, null]], types: ['INT', S], source: 'impala_alter_table.xml', was: 'pass' },
  { name: 'REFRESH and INVALIDATE METADATA', sql: ['REFRESH basic', 'INVALIDATE METADATA basic', 'INVALIDATE METADATA', 'SELECT count(*) AS n FROM basic'], rows: [[4n]], types: ['BIGINT'], source: 'impala_refresh.xml, impala_invalidate_metadata.xml', was: 'pass' },
];
