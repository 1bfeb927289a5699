/**
 * Impala SQL → DuckDB SQL, table-driven: what each statement becomes, which
 * catalog checks guard it, and what Impala says when it is wrong.
 */
import { describe, expect, it } from 'vitest';
import { statementKind, translate } from '../../src/testing/sql/translate.js';
import type { DuckPlan } from '../../src/testing/sql/statement-plan.js';

const ctx = { database: 'default', dataColumns: (r: { table: string }) => (r.table === 'p' ? ['a', 'b'] : undefined) };
const duck = (sql: string): DuckPlan => {
  const plan = translate(sql, ctx);
  if (plan.type !== 'duckdb') throw new Error(`not a DuckDB plan: ${plan.type}`);
  return plan;
};

describe('queries', () => {
  // Unaliased expressions get Impala's label (SelectListItem.toColumnLabel); a bare
  // integer literal Impala's type (NumericLiteral: the smallest integer type).
  it.each([
    ['SELECT 1', 'SELECT CAST(1 AS TINYINT) AS "1"'],
    ['select 1;', 'select CAST(1 AS TINYINT) AS "1"'],
    ['SELECT `select`, `a b` FROM t', 'SELECT "select", "a b" FROM t'],
    // Impala: double quotes make strings; backslash escapes.
    [`SELECT "x" AS a, 'it\\'s' b, 'a\\\\b' c, 'tab\\there' d`, `SELECT 'x' AS a, 'it''s' b, 'a\\b' c, 'tab\there' d`],
    [`SELECT 'it\\'s'`, `SELECT 'it''s' AS "'it\\'s'"`],
    ["SELECT 'nul\\0byte'", "SELECT ('nul' || chr(0) || 'byte')"],
    ['SELECT * FROM default.t', 'SELECT * FROM "default".t'],
    ['SELECT CAST(x AS STRING) s FROM t', 'SELECT main.impala_string(x) s FROM t'],
    ['SELECT CAST(x AS VARCHAR(5)) a, CAST(y AS CHAR(2)) b', 'SELECT left(main.impala_string(x), 5) a, left(main.impala_string(y), 2) b'],
    [
      'SELECT CAST(1 AS DECIMAL) a, CAST(1 AS REAL) b, CAST(x AS BINARY) c',
      'SELECT TRY_CAST(1 AS DECIMAL(9,0)) a, TRY_CAST(1 AS DOUBLE) b, CAST(x AS BLOB) c',
    ],
    ["SELECT CAST('2020-01-01 10:00:00' AS TIMESTAMP) t", "SELECT main.impala_timestamp('2020-01-01 10:00:00') t"],
    [
      'SELECT CAST(CAST(z AS INT) AS BIGINT) n',
      'SELECT TRY_CAST(main.impala_int_text(TRY_CAST(main.impala_int_text(z) AS INTEGER)) AS BIGINT) n',
    ],
    ["SELECT TIMESTAMP '2020-01-01' t", "SELECT main.impala_timestamp('2020-01-01') t"],
    ['SELECT version() v', "SELECT 'impalad version 4.4.0-impala-pool-testing RELEASE (build impala-pool-testing)' v"],
    ['SELECT nvl(a, 1), 7 DIV 2', 'SELECT coalesce(a, CAST(1 AS TINYINT)) AS "nvl(a, 1)", 7 // 2 AS "7 div 2"'],
    [
      'SELECT 99999999999999999999 a, 9223372036854775807 b',
      "SELECT CAST('99999999999999999999' AS DECIMAL(38,0)) a, CAST(9223372036854775807 AS BIGINT) b",
    ],
    ['SELECT 1 -- note\n /* c */ + 2', 'SELECT 1 + 2 AS "1 + 2"'],
    [
      'SELECT count(*), Year(Now()), a||b, x <> y FROM t',
      'SELECT count(*) AS "count(*)", CAST(year(main.impala_timestamp(main.impala_now())) AS INTEGER) AS "year(now())", a OR b AS "a or b", x <> y AS "x != y" FROM t',
    ],
    ['SELECT rank() OVER (ORDER BY a) FROM t', 'SELECT rank() OVER (ORDER BY a) AS "rank() OVER(...)" FROM t'],
    ['WITH w AS (SELECT 1 AS a) SELECT a FROM w', 'WITH w AS (SELECT CAST(1 AS TINYINT) AS a) SELECT a FROM w'],
    ['VALUES (1, 2)', 'VALUES (1, 2)'],
  ])('%s', (impala, duckdb) => {
    const plan = duck(impala);
    expect(plan.kind).toBe('query');
    expect(plan.hasResultSet).toBe(true);
    expect(plan.statements).toEqual([duckdb]);
  });

  it('replaces sleep(ms) by true and adds up the time to wait', () => {
    const plan = duck('SELECT sleep(100) AND sleep(50) AS s');
    expect(plan.statements).toEqual(['SELECT true AND true AS s']);
    expect(plan.sleepMs).toBe(150);
  });
});

describe('DDL', () => {
  it('CREATE TABLE: Impala types → storage types, storage clauses dropped, partition keys last, declared types noted', () => {
    const plan = duck(
      "CREATE TABLE IF NOT EXISTS db1.t (id INT COMMENT 'the id', s STRING, c CHAR(5), v VARCHAR(10), ts TIMESTAMP, d DECIMAL(10,2), r REAL, b BINARY) " +
        "PARTITIONED BY (year INT) SORT BY (id) COMMENT 'tbl' ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' STORED AS PARQUET LOCATION '/x' TBLPROPERTIES ('a'='b')",
    );
    expect(plan.statements).toEqual([
      'CREATE TABLE IF NOT EXISTS "db1"."t" ("id" INTEGER, "s" VARCHAR, "c" VARCHAR, "v" VARCHAR, "ts" TIMESTAMP, "d" DECIMAL(10,2), "r" DOUBLE, "b" BLOB, "year" INTEGER)',
    ]);
    expect(plan.checks).toEqual([{ type: 'db-exists', db: 'db1' }]);
    const effect = plan.effects[0]!;
    expect(effect.type === 'create-table' && effect.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', { name: 'INT' }],
      ['s', { name: 'STRING' }],
      ['c', { name: 'CHAR', length: 5 }],
      ['v', { name: 'VARCHAR', length: 10 }],
      ['ts', { name: 'TIMESTAMP' }],
      ['d', { name: 'DECIMAL', precision: 10, scale: 2 }],
      ['r', { name: 'DOUBLE' }],
      ['b', { name: 'BINARY' }],
      ['year', { name: 'INT' }],
    ]);
    expect(effect.type === 'create-table' && effect.partitionColumns).toEqual(['year']);
  });

  it.each([
    ['CREATE TABLE t2 STORED AS PARQUET AS SELECT * FROM t', ['CREATE TABLE "default"."t2" AS SELECT * FROM t']],
    ['CREATE TABLE t3 LIKE t STORED AS TEXTFILE', ['CREATE TABLE "default"."t3" AS SELECT * FROM "default"."t" LIMIT 0']],
    ['CREATE VIEW v (a, b) AS SELECT x, y FROM t', ['CREATE VIEW "default"."v" ("a", "b") AS SELECT x, y FROM t']],
    ['DROP TABLE IF EXISTS t PURGE', ['DROP TABLE IF EXISTS "default"."t"']],
    ['DROP VIEW v', ['DROP VIEW "default"."v"']],
    ["CREATE DATABASE IF NOT EXISTS db1 COMMENT 'x' LOCATION '/y'", ['CREATE SCHEMA IF NOT EXISTS "db1"']],
    ['CREATE SCHEMA db2', ['CREATE SCHEMA "db2"']],
    ['DROP DATABASE IF EXISTS db1 CASCADE', ['DROP SCHEMA IF EXISTS "db1" CASCADE']],
    [
      'ALTER TABLE t ADD COLUMNS (x INT, y STRING)',
      ['ALTER TABLE "default"."t" ADD COLUMN "x" INTEGER', 'ALTER TABLE "default"."t" ADD COLUMN "y" VARCHAR'],
    ],
    ['ALTER TABLE t DROP COLUMN x', ['ALTER TABLE "default"."t" DROP COLUMN "x"']],
    ['ALTER TABLE t RENAME TO u', ['ALTER TABLE "default"."t" RENAME TO "u"']],
    ['ALTER VIEW v AS SELECT 3 AS x', ['CREATE OR REPLACE VIEW "default"."v" AS SELECT CAST(3 AS TINYINT) AS x']],
    ['TRUNCATE TABLE t', ['DELETE FROM "default"."t"']],
  ])('%s', (impala, statements) => {
    const plan = duck(impala);
    expect(plan.kind).toBe('ddl');
    expect(plan.hasResultSet).toBe(false);
    expect(plan.statements).toEqual(statements);
  });

  it.each([
    'INVALIDATE METADATA',
    'INVALIDATE METADATA db1.t',
    'REFRESH t',
    "ALTER TABLE t SET TBLPROPERTIES ('a'='b')",
    "COMMENT ON TABLE t IS 'x'",
  ])('%s is a metadata no-op', (sql) => {
    const plan = translate(sql, ctx);
    expect(plan.type).toBe('noop');
  });

  it.each([
    ['CREATE TABLE t (a INT, a STRING)', 'AnalysisException: Duplicate column name: a'],
    ['CREATE TABLE t (a ARRAY<INT>)', 'AnalysisException: complex type ARRAY is not supported by the impala-pool test cluster'],
    ['CREATE TABLE t (a FOO)', 'AnalysisException: Unsupported data type: FOO'],
    ['DROP DATABASE default', 'AnalysisException: Cannot drop default database'],
    ['CREATE FUNCTION f()', 'AnalysisException: CREATE FUNCTION is not supported by the impala-pool test cluster'],
    ["LOAD DATA INPATH '/x' INTO TABLE t", 'AnalysisException: LOAD is not supported by the impala-pool test cluster'],
  ])('%s → %s', (sql, message) => {
    expect(() => translate(sql, ctx)).toThrow(message);
  });
});

describe('DML', () => {
  it.each([
    ["INSERT INTO TABLE t VALUES (1, 'a')", ['INSERT INTO "default"."t" VALUES (1, \'a\')']],
    ['INSERT INTO db1.t (b, a) SELECT x, y FROM u', ['INSERT INTO "db1"."t" ("b", "a") SELECT x, y FROM u']],
    // Static partition values go last, after data and dynamic partition columns.
    [
      'INSERT INTO p PARTITION (y=2020, m) SELECT a, b, m FROM src',
      ['INSERT INTO "default"."p" ("a", "b", "m", "y") SELECT *, 2020 FROM (SELECT a, b, m FROM src) AS __impala_insert'],
    ],
    [
      "INSERT INTO p (b, a) PARTITION (y='x') VALUES (1, 2)",
      ['INSERT INTO "default"."p" ("b", "a", "y") SELECT *, \'x\' FROM (VALUES (1, 2)) AS __impala_insert'],
    ],
    // Without a column list the query gives the data columns, then the dynamic keys.
    ['INSERT INTO p PARTITION (y, m) SELECT * FROM src', ['INSERT INTO "default"."p" ("a", "b", "y", "m") SELECT * FROM src']],
    [
      'WITH w AS (SELECT x AS a FROM u) INSERT INTO t SELECT a FROM w',
      ['INSERT INTO "default"."t" WITH w AS (SELECT x AS a FROM u) SELECT a FROM w'],
    ],
    ['UPDATE t SET a = 1', ['UPDATE t SET a = 1']],
    ['DELETE FROM t WHERE a = 1', ['DELETE FROM t WHERE a = 1']],
  ])('%s', (impala, statements) => {
    const plan = duck(impala);
    expect(plan.kind).toBe('dml');
    expect(plan.reportsRows).toBe(true);
    expect(plan.statements).toEqual(statements);
  });

  it('conforms inserted values to declared TIMESTAMP, CHAR(n) and VARCHAR(n) columns', () => {
    const declared = [
      { name: 'id', type: { name: 'INT' as const } },
      { name: 'ts', type: { name: 'TIMESTAMP' as const } },
      { name: 'c', type: { name: 'CHAR' as const, length: 3 } },
    ];
    const plan = translate("INSERT INTO t VALUES (1, now(), 'abcdef')", { ...ctx, tableColumns: () => declared });
    expect(plan.type === 'duckdb' && plan.statements).toEqual([
      'INSERT INTO "default"."t" SELECT c0, main.impala_timestamp(c1), left(CAST(c2 AS VARCHAR), 3) ' +
        "FROM (VALUES (1, main.impala_now(), 'abcdef')) AS __impala_values(c0, c1, c2)",
    ]);
    const listed = translate('INSERT INTO t (ts) SELECT x FROM u', { ...ctx, tableColumns: () => declared });
    expect(listed.type === 'duckdb' && listed.statements).toEqual([
      'INSERT INTO "default"."t" ("ts") SELECT main.impala_timestamp(c0) FROM (SELECT x FROM u) AS __impala_values(c0)',
    ]);
  });

  it('INSERT OVERWRITE … PARTITION replaces only the partitions it writes', () => {
    const stat = duck("INSERT OVERWRITE p PARTITION (y='x') SELECT a, b FROM q");
    expect(stat.statements[1]).toBe('DELETE FROM "default"."p" WHERE "y" IS NOT DISTINCT FROM (\'x\')');
    const dyn = duck('INSERT OVERWRITE p PARTITION (y) SELECT a, b, y FROM q');
    expect(dyn.statements[1]).toBe(
      'DELETE FROM "default"."p" WHERE EXISTS (SELECT 1 FROM temp.__impala_overwrite AS w WHERE w."y" IS NOT DISTINCT FROM "default"."p"."y")',
    );
  });

  it('INSERT OVERWRITE reads the old rows before replacing them', () => {
    const plan = duck('INSERT OVERWRITE t SELECT * FROM t');
    expect(plan.statements).toEqual([
      'CREATE OR REPLACE TEMP TABLE __impala_overwrite AS SELECT * FROM t',
      'DELETE FROM "default"."t"',
      'INSERT INTO "default"."t" SELECT * FROM temp.__impala_overwrite',
      'DROP TABLE temp.__impala_overwrite',
    ]);
    expect(plan.analyze).toBe('INSERT INTO "default"."t" SELECT * FROM t');
    expect(plan.resultIndex).toBe(2);
  });
});

describe('session and catalog statements', () => {
  it.each([
    ['USE db1', { type: 'use', db: 'db1' }],
    ['use `DB1`', { type: 'use', db: 'db1' }],
    ['SET mem_limit = 2gb', { type: 'set', key: 'mem_limit', value: '2gb' }],
    ["SET MEM_LIMIT='1g'", { type: 'set', key: 'MEM_LIMIT', value: '1g' }],
    ['SET', { type: 'set-list', all: false }],
    ['SET ALL', { type: 'set-list', all: true }],
    ["SHOW TABLES IN db1 LIKE 'a*|b*'", { type: 'show-tables', db: 'db1', pattern: 'a*|b*' }],
    ['SHOW TABLES', { type: 'show-tables', db: 'default' }],
    ['SHOW SCHEMAS', { type: 'show-databases' }],
    ['DESCRIBE FORMATTED db1.t', { type: 'describe-formatted', ref: { db: 'db1', table: 't' } }],
    ['COMPUTE INCREMENTAL STATS t', { type: 'compute-stats', ref: { db: 'default', table: 't' } }],
    ['SHOW CREATE TABLE db1.t', { type: 'show-create-table', ref: { db: 'db1', table: 't' } }],
    ['SHOW PARTITIONS t', { type: 'show-partitions', ref: { db: 'default', table: 't' } }],
    ['SHOW TABLE STATS t', { type: 'show-table-stats', ref: { db: 'default', table: 't' } }],
    ['SHOW COLUMN STATS t', { type: 'show-column-stats', ref: { db: 'default', table: 't' } }],
    ['SHOW FUNCTIONS IN db1', { type: 'show-functions', db: 'db1' }],
    ['DESC t', { type: 'describe', ref: { db: 'default', table: 't' } }],
    ['DESCRIBE DATABASE db1', { type: 'describe-db', db: 'db1' }],
  ])('%s', (sql, plan) => {
    expect(translate(sql, ctx)).toEqual(plan);
  });
});

describe('syntax errors', () => {
  it.each([
    ['SELEKT 1', /^ParseException: Syntax error in line 1:\nSELEKT 1\n\^\nEncountered: IDENTIFIER\nExpected: ALTER, COMMENT/],
    ['', /^ParseException: Syntax error in line 1:\n\n\^\nEncountered: EOF/],
    ['SELECT 1;\nSELECT 2', /^ParseException: Syntax error in line 2:\nSELECT 2\n\^\nEncountered: IDENTIFIER/],
    ["SELECT 'open", /^ParseException: Syntax error in line 1:\nSELECT 'open\n {7}\^\nEncountered: Unmatched string literal/],
    ['SELECT /* open', /Encountered: EOF/],
    ['INSERT t VALUES (1)', /Encountered: IDENTIFIER\nExpected: INTO/],
    ['SET x', /Expected: =/],
  ])('%j', (sql, message) => {
    expect(() => translate(sql, ctx)).toThrow(message);
  });
});

describe('statementKind', () => {
  it.each([
    ['SELECT 1', 'query'],
    ['  /* hint */ (SELECT 1)', 'query'],
    ['-- c\nshow tables', 'query'],
    ['WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a', 'dml'],
    ['insert into t values (1)', 'dml'],
    ['CREATE TABLE t (a INT)', 'ddl'],
    ['INVALIDATE METADATA', 'ddl'],
    ['SELEKT 1', 'other'],
    ['SET a=1', 'other'],
    ['use db', 'other'],
    ['', 'other'],
  ])('%j → %s', (sql, kind) => {
    expect(statementKind(sql)).toBe(kind);
  });
});
