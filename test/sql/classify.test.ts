import { describe, expect, it } from 'vitest';
import { classify, qualify, type Classification, type StatementKind, type TableRef } from '../../src/sql/classify.js';

/** 't' → { table: 't' }, 'db.t' → { database: 'db', table: 't' }. */
function ref(name: string): TableRef {
  const dot = name.indexOf('.');
  return dot === -1 ? { table: name } : { database: name.slice(0, dot), table: name.slice(dot + 1) };
}

interface Case {
  sql: string;
  kind: StatementKind;
  verb: string;
  reads?: string[];
  writes?: string[];
  databases?: string[];
  global?: boolean;
  /** Defaults to true for query/session, false otherwise. */
  idempotent?: boolean;
}

const cases: Case[] = [
  // ── queries ──────────────────────────────────────────────────────────────
  { sql: 'SELECT 1', kind: 'query', verb: 'SELECT' },
  { sql: 'SELECT * FROM t', kind: 'query', verb: 'SELECT', reads: ['t'] },
  { sql: 'select a from DB.T where x = 1;', kind: 'query', verb: 'SELECT', reads: ['db.t'] },
  { sql: 'SeLeCt * FrOm Sales.Orders', kind: 'query', verb: 'SELECT', reads: ['sales.orders'] },
  { sql: 'SELECT * FROM `db`.`tbl`', kind: 'query', verb: 'SELECT', reads: ['db.tbl'] },
  { sql: 'SELECT * FROM `db.tbl` x', kind: 'query', verb: 'SELECT', reads: ['db.tbl'] },
  { sql: 'SELECT * FROM `my table`', kind: 'query', verb: 'SELECT', reads: ['my table'] },
  { sql: 'SELECT from_date, to_date FROM t', kind: 'query', verb: 'SELECT', reads: ['t'] },
  { sql: 'SELECT `from`, `select` FROM `where`', kind: 'query', verb: 'SELECT', reads: ['where'] },
  { sql: 'SELECT * FROM t1 a, t2 AS b WHERE a.id = b.id', kind: 'query', verb: 'SELECT', reads: ['t1', 't2'] },
  { sql: 'SELECT * FROM t1, t2, db.t3', kind: 'query', verb: 'SELECT', reads: ['t1', 't2', 'db.t3'] },
  {
    sql: 'SELECT * FROM a JOIN b ON a.id = b.id LEFT OUTER JOIN c USING (id) LEFT SEMI JOIN d ON d.k = a.k CROSS JOIN e',
    kind: 'query',
    verb: 'SELECT',
    reads: ['a', 'b', 'c', 'd', 'e'],
  },
  { sql: 'SELECT * FROM a JOIN [SHUFFLE] b ON a.x = b.x', kind: 'query', verb: 'SELECT', reads: ['a', 'b'] },
  { sql: 'SELECT * FROM a JOIN b ON a.x = b.x, c', kind: 'query', verb: 'SELECT', reads: ['a', 'b', 'c'] },
  { sql: 'SELECT x FROM a UNION ALL SELECT x FROM b UNION SELECT x FROM c', kind: 'query', verb: 'SELECT', reads: ['a', 'b', 'c'] },
  { sql: '(SELECT x FROM a) UNION (SELECT x FROM b)', kind: 'query', verb: 'SELECT', reads: ['a', 'b'] },
  {
    sql: 'SELECT * FROM (SELECT id FROM (SELECT id FROM deep.t) x) v, other WHERE v.id IN (SELECT id FROM s WHERE EXISTS (SELECT 1 FROM u))',
    kind: 'query',
    verb: 'SELECT',
    reads: ['deep.t', 'other', 's', 'u'],
  },
  { sql: 'SELECT (SELECT max(x) FROM m) AS mx FROM t', kind: 'query', verb: 'SELECT', reads: ['m', 't'] },
  {
    sql: 'WITH recent AS (SELECT * FROM events WHERE d > 1), top AS (SELECT * FROM recent) SELECT * FROM top JOIN users u ON u.id = top.uid',
    kind: 'query',
    verb: 'SELECT',
    reads: ['events', 'users'],
  },
  { sql: 'WITH c (a, b) AS (SELECT 1, 2) SELECT * FROM c', kind: 'query', verb: 'SELECT' },
  // A qualified name is never a CTE.
  { sql: 'WITH t AS (SELECT 1) SELECT * FROM db.t, t', kind: 'query', verb: 'SELECT', reads: ['db.t'] },
  // CTE inside a subquery is visible only there.
  { sql: 'SELECT * FROM (WITH x AS (SELECT * FROM a) SELECT * FROM x) q, x', kind: 'query', verb: 'SELECT', reads: ['a', 'x'] },
  { sql: 'SELECT \'FROM secret_table\', "JOIN x" FROM t', kind: 'query', verb: 'SELECT', reads: ['t'] },
  { sql: "SELECT 'it\\'s FROM x' FROM t WHERE s = 'a\\\\' AND u = 'FROM y'", kind: 'query', verb: 'SELECT', reads: ['t'] },
  { sql: 'SELECT a -- FROM commented\nFROM t /* JOIN hidden */', kind: 'query', verb: 'SELECT', reads: ['t'] },
  { sql: '-- header\n/* block\n comment */  SELECT * FROM t', kind: 'query', verb: 'SELECT', reads: ['t'] },
  { sql: 'SELECT EXTRACT(YEAR FROM ts) FROM t', kind: 'query', verb: 'SELECT', reads: ['t'] },
  { sql: 'SELECT rand(), now() FROM t', kind: 'query', verb: 'SELECT', reads: ['t'] },
  { sql: 'SELECT sleep(1000)', kind: 'query', verb: 'SELECT' },
  { sql: 'SELECT c.name, o.total FROM customers c, c.orders o', kind: 'query', verb: 'SELECT', reads: ['customers'] },
  { sql: 'SELECT * FROM t TABLESAMPLE SYSTEM(10) REPEATABLE(1) s, u', kind: 'query', verb: 'SELECT', reads: ['t', 'u'] },
  { sql: "SELECT * FROM ice FOR SYSTEM_TIME AS OF '2024-01-01', u", kind: 'query', verb: 'SELECT', reads: ['ice', 'u'] },
  { sql: 'SELECT * FROM 2024_sales', kind: 'query', verb: 'SELECT', reads: ['2024_sales'] },
  { sql: 'SELECT 1; DROP TABLE t', kind: 'query', verb: 'SELECT' },
  { sql: 'VALUES (1, 2), (3, 4)', kind: 'query', verb: 'VALUES' },
  // ── SHOW / DESCRIBE / EXPLAIN ────────────────────────────────────────────
  { sql: 'SHOW TABLES', kind: 'query', verb: 'SHOW TABLES' },
  { sql: "SHOW TABLES IN db LIKE 'x*'", kind: 'query', verb: 'SHOW TABLES' },
  { sql: 'SHOW DATABASES', kind: 'query', verb: 'SHOW DATABASES' },
  { sql: 'SHOW CREATE TABLE db.t', kind: 'query', verb: 'SHOW CREATE TABLE', reads: ['db.t'] },
  { sql: 'SHOW CREATE VIEW v', kind: 'query', verb: 'SHOW CREATE VIEW', reads: ['v'] },
  { sql: 'SHOW PARTITIONS t', kind: 'query', verb: 'SHOW PARTITIONS', reads: ['t'] },
  { sql: 'SHOW RANGE PARTITIONS k', kind: 'query', verb: 'SHOW RANGE PARTITIONS', reads: ['k'] },
  { sql: 'SHOW FILES IN db.t', kind: 'query', verb: 'SHOW FILES', reads: ['db.t'] },
  { sql: 'SHOW TABLE STATS t', kind: 'query', verb: 'SHOW TABLE STATS', reads: ['t'] },
  { sql: 'show column stats DB.T', kind: 'query', verb: 'SHOW COLUMN STATS', reads: ['db.t'] },
  { sql: 'DESCRIBE t', kind: 'query', verb: 'DESCRIBE', reads: ['t'] },
  { sql: 'DESCRIBE FORMATTED db.t', kind: 'query', verb: 'DESCRIBE', reads: ['db.t'] },
  { sql: 'DESC `db`.`t`', kind: 'query', verb: 'DESCRIBE', reads: ['db.t'] },
  { sql: 'DESCRIBE DATABASE db', kind: 'query', verb: 'DESCRIBE' },
  { sql: 'EXPLAIN SELECT * FROM a JOIN b ON a.x = b.x', kind: 'query', verb: 'EXPLAIN', reads: ['a', 'b'] },
  { sql: 'EXPLAIN INSERT INTO t SELECT * FROM s', kind: 'query', verb: 'EXPLAIN', reads: ['s'] },
  { sql: 'EXPLAIN CREATE TABLE t AS SELECT * FROM s', kind: 'query', verb: 'EXPLAIN', reads: ['s'] },
  // ── DML ──────────────────────────────────────────────────────────────────
  { sql: "INSERT INTO t VALUES (1, 'FROM x')", kind: 'dml', verb: 'INSERT', writes: ['t'] },
  { sql: 'INSERT INTO TABLE db.t (a, b) SELECT a, b FROM src', kind: 'dml', verb: 'INSERT', reads: ['src'], writes: ['db.t'] },
  {
    sql: 'INSERT OVERWRITE TABLE db.t PARTITION (y=2024) SELECT * FROM db.src',
    kind: 'dml',
    verb: 'INSERT',
    reads: ['db.src'],
    writes: ['db.t'],
  },
  {
    sql: 'INSERT INTO t PARTITION (y, m) (a, b) [SHUFFLE] SELECT a, b, y, m FROM s',
    kind: 'dml',
    verb: 'INSERT',
    reads: ['s'],
    writes: ['t'],
  },
  { sql: 'INSERT INTO t (SELECT * FROM s)', kind: 'dml', verb: 'INSERT', reads: ['s'], writes: ['t'] },
  { sql: 'INSERT INTO t SELECT * FROM t', kind: 'dml', verb: 'INSERT', reads: ['t'], writes: ['t'] },
  { sql: 'WITH c AS (SELECT * FROM s) INSERT INTO t SELECT * FROM c', kind: 'dml', verb: 'INSERT', reads: ['s'], writes: ['t'] },
  { sql: 'INSERT INTO t WITH c AS (SELECT * FROM s) SELECT * FROM c', kind: 'dml', verb: 'INSERT', reads: ['s'], writes: ['t'] },
  { sql: 'UPSERT INTO kudu_t (id, v) VALUES (1, 2)', kind: 'dml', verb: 'UPSERT', writes: ['kudu_t'] },
  { sql: 'UPSERT INTO TABLE k SELECT * FROM s', kind: 'dml', verb: 'UPSERT', reads: ['s'], writes: ['k'] },
  { sql: "UPDATE k SET v = 'FROM z' WHERE id = 1", kind: 'dml', verb: 'UPDATE', writes: ['k'] },
  { sql: 'UPDATE db.k SET v = v + 1 WHERE id IN (SELECT id FROM s)', kind: 'dml', verb: 'UPDATE', reads: ['s'], writes: ['db.k'] },
  {
    sql: 'UPDATE a SET a.v = b.v FROM db.k a JOIN other b ON a.id = b.id',
    kind: 'dml',
    verb: 'UPDATE',
    reads: ['other'],
    writes: ['db.k'],
  },
  { sql: 'DELETE FROM k WHERE id = 3', kind: 'dml', verb: 'DELETE', writes: ['k'] },
  { sql: 'DELETE k WHERE id = 3', kind: 'dml', verb: 'DELETE', writes: ['k'] },
  { sql: 'DELETE FROM db.k WHERE id NOT IN (SELECT id FROM keep)', kind: 'dml', verb: 'DELETE', reads: ['keep'], writes: ['db.k'] },
  { sql: 'DELETE a FROM k a JOIN gone g ON a.id = g.id', kind: 'dml', verb: 'DELETE', reads: ['gone'], writes: ['k'] },
  {
    sql: "LOAD DATA INPATH '/user/x/INTO TABLE fake' OVERWRITE INTO TABLE db.t PARTITION (y=1)",
    kind: 'dml',
    verb: 'LOAD DATA',
    writes: ['db.t'],
  },
  {
    sql: 'MERGE INTO ice t USING src s ON t.id = s.id WHEN MATCHED THEN DELETE',
    kind: 'dml',
    verb: 'MERGE',
    reads: ['src'],
    writes: ['ice'],
  },
  // ── DDL ──────────────────────────────────────────────────────────────────
  { sql: 'TRUNCATE t', kind: 'ddl', verb: 'TRUNCATE', writes: ['t'] },
  { sql: 'TRUNCATE TABLE IF EXISTS db.t', kind: 'ddl', verb: 'TRUNCATE', writes: ['db.t'] },
  { sql: 'CREATE TABLE t (id INT, from_date DATE) STORED AS PARQUET', kind: 'ddl', verb: 'CREATE TABLE', writes: ['t'] },
  {
    sql: "CREATE EXTERNAL TABLE IF NOT EXISTS db.t (a STRING COMMENT 'FROM x') PARTITIONED BY (y INT) LOCATION '/data/t'",
    kind: 'ddl',
    verb: 'CREATE TABLE',
    writes: ['db.t'],
  },
  { sql: 'CREATE TABLE t2 LIKE db.t1', kind: 'ddl', verb: 'CREATE TABLE', reads: ['db.t1'], writes: ['t2'] },
  { sql: "CREATE TABLE t2 LIKE PARQUET '/p/f.parq'", kind: 'ddl', verb: 'CREATE TABLE', writes: ['t2'] },
  {
    sql: 'CREATE TABLE db.summary STORED AS PARQUET AS SELECT k, count(*) FROM db.facts f JOIN dims d ON f.k = d.k GROUP BY k',
    kind: 'ddl',
    verb: 'CREATE TABLE',
    reads: ['db.facts', 'dims'],
    writes: ['db.summary'],
  },
  { sql: 'CREATE VIEW v AS SELECT * FROM t WHERE x > 0', kind: 'ddl', verb: 'CREATE VIEW', reads: ['t'], writes: ['v'] },
  { sql: 'CREATE VIEW IF NOT EXISTS db.v (a, b) AS SELECT a, b FROM s', kind: 'ddl', verb: 'CREATE VIEW', reads: ['s'], writes: ['db.v'] },
  { sql: 'ALTER TABLE t ADD COLUMNS (c INT)', kind: 'ddl', verb: 'ALTER TABLE', writes: ['t'] },
  { sql: 'ALTER TABLE db.old RENAME TO db.new', kind: 'ddl', verb: 'ALTER TABLE', writes: ['db.old', 'db.new'] },
  { sql: 'ALTER TABLE old RENAME TO other_db.new', kind: 'ddl', verb: 'ALTER TABLE', writes: ['old', 'other_db.new'] },
  { sql: 'ALTER VIEW v AS SELECT * FROM s2', kind: 'ddl', verb: 'ALTER VIEW', reads: ['s2'], writes: ['v'] },
  { sql: 'ALTER VIEW v RENAME TO w', kind: 'ddl', verb: 'ALTER VIEW', writes: ['v', 'w'] },
  { sql: 'DROP TABLE t', kind: 'ddl', verb: 'DROP TABLE', writes: ['t'] },
  { sql: 'DROP TABLE IF EXISTS db.t PURGE', kind: 'ddl', verb: 'DROP TABLE', writes: ['db.t'] },
  { sql: 'DROP VIEW IF EXISTS v', kind: 'ddl', verb: 'DROP VIEW', writes: ['v'] },
  { sql: 'CREATE DATABASE IF NOT EXISTS Analytics', kind: 'ddl', verb: 'CREATE DATABASE', databases: ['analytics'] },
  { sql: "CREATE SCHEMA s COMMENT 'x' LOCATION '/s'", kind: 'ddl', verb: 'CREATE DATABASE', databases: ['s'] },
  { sql: 'DROP DATABASE IF EXISTS d CASCADE', kind: 'ddl', verb: 'DROP DATABASE', databases: ['d'] },
  { sql: 'DROP SCHEMA `d`', kind: 'ddl', verb: 'DROP DATABASE', databases: ['d'] },
  { sql: 'ALTER DATABASE d SET OWNER USER bob', kind: 'ddl', verb: 'ALTER DATABASE', databases: ['d'] },
  { sql: 'COMPUTE STATS db.t', kind: 'ddl', verb: 'COMPUTE STATS', writes: ['db.t'] },
  { sql: 'COMPUTE INCREMENTAL STATS t PARTITION (y=2024)', kind: 'ddl', verb: 'COMPUTE STATS', writes: ['t'] },
  { sql: 'DROP STATS t', kind: 'ddl', verb: 'DROP STATS', writes: ['t'] },
  { sql: 'DROP INCREMENTAL STATS t PARTITION (y=1)', kind: 'ddl', verb: 'DROP STATS', writes: ['t'] },
  { sql: 'REFRESH db.t', kind: 'ddl', verb: 'REFRESH', writes: ['db.t'] },
  { sql: "REFRESH t PARTITION (y=2024, m='01')", kind: 'ddl', verb: 'REFRESH', writes: ['t'] },
  { sql: 'REFRESH FUNCTIONS udfs', kind: 'ddl', verb: 'REFRESH FUNCTIONS', databases: ['udfs'] },
  { sql: 'INVALIDATE METADATA', kind: 'ddl', verb: 'INVALIDATE METADATA', global: true },
  { sql: 'invalidate metadata db.t;', kind: 'ddl', verb: 'INVALIDATE METADATA', writes: ['db.t'] },
  {
    sql: "CREATE FUNCTION udfs.f(INT) RETURNS INT LOCATION '/f.so' SYMBOL='F'",
    kind: 'ddl',
    verb: 'CREATE FUNCTION',
    databases: ['udfs'],
  },
  { sql: 'CREATE AGGREGATE FUNCTION f(INT) RETURNS INT', kind: 'ddl', verb: 'CREATE FUNCTION' },
  { sql: 'DROP FUNCTION IF EXISTS f(INT)', kind: 'ddl', verb: 'DROP FUNCTION' },
  { sql: "COMMENT ON TABLE db.t IS 'FROM nowhere'", kind: 'ddl', verb: 'COMMENT ON', writes: ['db.t'] },
  { sql: "COMMENT ON COLUMN db.t.c IS 'x'", kind: 'ddl', verb: 'COMMENT ON', writes: ['db.t'] },
  { sql: "COMMENT ON DATABASE d IS 'x'", kind: 'ddl', verb: 'COMMENT ON', databases: ['d'] },
  { sql: 'GRANT SELECT ON TABLE t TO ROLE r', kind: 'ddl', verb: 'GRANT' },
  { sql: 'REVOKE ALL ON DATABASE d FROM ROLE r', kind: 'ddl', verb: 'REVOKE' },
  { sql: 'CREATE ROLE analyst', kind: 'ddl', verb: 'CREATE ROLE' },
  // ── session ──────────────────────────────────────────────────────────────
  { sql: 'SET', kind: 'session', verb: 'SET' },
  { sql: 'SET MEM_LIMIT=1g', kind: 'session', verb: 'SET' },
  { sql: "set sync_ddl = 'true';", kind: 'session', verb: 'SET' },
  { sql: 'UNSET MEM_LIMIT', kind: 'session', verb: 'UNSET' },
  { sql: 'USE db', kind: 'session', verb: 'USE' },
  { sql: '/* lead */ use `Analytics`', kind: 'session', verb: 'USE' },
  // ── other / garbage ──────────────────────────────────────────────────────
  { sql: '', kind: 'other', verb: '' },
  { sql: '   -- only a comment', kind: 'other', verb: '' },
  { sql: ';;', kind: 'other', verb: '' },
  { sql: "%%% garbage ((( 'unterminated", kind: 'other', verb: '' },
  { sql: 'FOO BAR FROM t', kind: 'other', verb: 'FOO' },
  { sql: "KILL QUERY '1234:5678'", kind: 'other', verb: 'KILL' },
  { sql: 'SELECT * FROM (((((', kind: 'query', verb: 'SELECT' },
  { sql: 'SELECT * FROM t WHERE a = "unterminated', kind: 'query', verb: 'SELECT', reads: ['t'] },
  { sql: '(garbage) FROM t', kind: 'other', verb: '' },
  { sql: 'WITH x AS (SELECT * FROM a) DROP TABLE b', kind: 'other', verb: 'WITH', reads: ['a'] },
  { sql: 'WITH x AS (SELECT * FROM a) (SELECT * FROM x)', kind: 'query', verb: 'SELECT', reads: ['a'] },
  { sql: 'INSERT', kind: 'dml', verb: 'INSERT' },
  { sql: 'CREATE', kind: 'ddl', verb: 'CREATE' },
];

describe('classify', () => {
  it.each(cases)('$sql', (c) => {
    const expected: Classification = {
      kind: c.kind,
      verb: c.verb,
      idempotent: c.idempotent ?? (c.kind === 'query' || c.kind === 'session'),
      reads: (c.reads ?? []).map(ref),
      writes: (c.writes ?? []).map(ref),
      databases: c.databases ?? [],
      global: c.global ?? false,
    };
    expect(classify(c.sql)).toStrictEqual(expected);
  });

  it('marks exactly reads, SHOW, DESCRIBE, EXPLAIN, VALUES, SET and USE idempotent', () => {
    for (const c of cases) {
      expect(classify(c.sql).idempotent, c.sql).toBe(c.kind === 'query' || c.kind === 'session');
    }
  });

  it('never throws, whatever it is given', () => {
    const nasty = [
      '('.repeat(100_000) + 'SELECT 1 FROM t',
      'SELECT * FROM ' + 'a JOIN '.repeat(5_000) + 'b',
      '`'.repeat(999),
      "'\\",
      'SELECT * FROM t AS',
      'WITH',
      'WITH x AS',
      'UPDATE',
      'DELETE FROM',
      'EXPLAIN',
      'SHOW CREATE',
      'ALTER TABLE t RENAME TO',
      '\u0000\uffff\ud800',
      'EXPLAIN '.repeat(50_000) + 'SELECT 1',
    ];
    for (const sql of nasty) expect(() => classify(sql)).not.toThrow();
    expect(classify(undefined as unknown as string).kind).toBe('other');
    expect(classify('('.repeat(100_000) + 'SELECT 1 FROM t').kind).toBe('query');
  });
});

describe('qualify', () => {
  it.each([
    [{ table: 't' }, 'db', 'db.t'],
    [{ database: 'other', table: 't' }, 'db', 'other.t'],
    [{ table: 'T' }, 'Sales', 'sales.t'],
    [{ table: 't' }, '', 'default.t'],
  ] as const)('%o in %s → %s', (r, db, expected) => {
    expect(qualify(r, db)).toBe(expected);
  });

  it('agrees with classify for unqualified and qualified names', () => {
    const { reads, writes } = classify('INSERT INTO t SELECT * FROM other.s');
    expect(writes.map((r) => qualify(r, 'app'))).toEqual(['app.t']);
    expect(reads.map((r) => qualify(r, 'app'))).toEqual(['other.s']);
  });
});
