/**
 * hive-driver — an HS2 client we did not write, with Hive's own generated
 * Thrift code — lists schemas, tables, columns, functions, types, catalogs
 * and table types from the test cluster with its HiveSession metadata
 * calls, the way JDBC/ODBC tools and get_tables-style helpers do.
 */
import hive from 'hive-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { hiveConnect, hiveRun, type HiveConn } from '../../benchmarks/clients/hive-driver.js';

const utils = new hive.HiveUtils(hive.thrift.TCLIService_types);

type Operation = Awaited<ReturnType<HiveConn['session']['getTables']>>;

/** Waits, fetches every row with hive-driver's helpers, closes the operation. */
async function rowsOf(opening: Promise<Operation>): Promise<Array<Record<string, unknown>>> {
  const op = await opening;
  try {
    await utils.waitUntilReady(op, false, () => undefined);
    await utils.fetchAll(op);
    return utils.getResult(op).getValue() as Array<Record<string, unknown>>;
  } finally {
    await op.close();
  }
}

let cluster: LocalCluster;
let conn: HiveConn;

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 1 });
  conn = await hiveConnect(cluster.coordinators[0]!.port);
  await hiveRun(conn, 'CREATE DATABASE hd_db');
  await hiveRun(conn, 'CREATE TABLE hd_db.orders (id BIGINT, amount DECIMAL(12,2), note VARCHAR(40)) PARTITIONED BY (day DATE)');
  await hiveRun(conn, 'CREATE VIEW hd_db.big_orders AS SELECT id FROM hd_db.orders WHERE amount > 100');
});

afterAll(async () => {
  await conn?.close();
  await cluster?.close();
});

describe('hive-driver metadata calls', () => {
  it('getSchemas lists the databases', async () => {
    const rows = await rowsOf(conn.session.getSchemas({}));
    expect(rows).toEqual([
      { TABLE_SCHEM: '_impala_builtins', TABLE_CATALOG: '' },
      { TABLE_SCHEM: 'default', TABLE_CATALOG: '' },
      { TABLE_SCHEM: 'hd_db', TABLE_CATALOG: '' },
    ]);
    expect(await rowsOf(conn.session.getSchemas({ schemaName: 'hd%' }))).toEqual([{ TABLE_SCHEM: 'hd_db', TABLE_CATALOG: '' }]);
  });

  it('getTables lists tables and views, by pattern and type', async () => {
    expect(await rowsOf(conn.session.getTables({ schemaName: 'hd_db' }))).toEqual([
      { TABLE_CAT: '', TABLE_SCHEM: 'hd_db', TABLE_NAME: 'big_orders', TABLE_TYPE: 'VIEW', REMARKS: '' },
      { TABLE_CAT: '', TABLE_SCHEM: 'hd_db', TABLE_NAME: 'orders', TABLE_TYPE: 'TABLE', REMARKS: '' },
    ]);
    const views = await rowsOf(conn.session.getTables({ schemaName: 'hd_db', tableName: '%', tableTypes: ['VIEW'] }));
    expect(views.map((r) => r.TABLE_NAME)).toEqual(['big_orders']);
  });

  it('getColumns lists the columns with their JDBC types, partition column included', async () => {
    const rows = await rowsOf(conn.session.getColumns({ schemaName: 'hd_db', tableName: 'orders' }));
    // impalad names the schema column TABLE_MD (MetadataOp.java); hive-driver keys rows by the server's names.
    expect(
      rows.map((r) => [
        r.TABLE_MD,
        r.TABLE_NAME,
        r.COLUMN_NAME,
        r.DATA_TYPE,
        r.TYPE_NAME,
        r.COLUMN_SIZE,
        r.DECIMAL_DIGITS,
        r.ORDINAL_POSITION,
      ]),
    ).toEqual([
      ['hd_db', 'orders', 'id', -5, 'BIGINT', 19, 0, 2],
      ['hd_db', 'orders', 'amount', 3, 'DECIMAL', 12, 2, 3],
      ['hd_db', 'orders', 'note', 12, 'VARCHAR', 40, null, 4],
      ['hd_db', 'orders', 'day', 91, 'DATE', 10, 0, 1],
    ]);
    const view = await rowsOf(conn.session.getColumns({ schemaName: 'hd_db', tableName: 'big%', columnName: 'i_' }));
    expect(view.map((r) => [r.TABLE_NAME, r.COLUMN_NAME])).toEqual([['big_orders', 'id']]);
  });

  it('getFunctions, getTypeInfo, getCatalogs and getTableTypes', async () => {
    const fns = await rowsOf(conn.session.getFunctions({ functionName: 'lower' }));
    expect(fns).toEqual([
      {
        FUNCTION_CAT: null,
        FUNCTION_SCHEM: '_impala_builtins',
        FUNCTION_NAME: 'lower',
        REMARKS: '',
        FUNCTION_TYPE: 1,
        SPECIFIC_NAME: 'lower(STRING)',
      },
    ]);
    const types = await rowsOf(conn.session.getTypeInfo());
    expect(types.map((r) => r.TYPE_NAME)).toEqual([
      'BOOLEAN',
      'TINYINT',
      'SMALLINT',
      'INT',
      'BIGINT',
      'FLOAT',
      'DOUBLE',
      'TIMESTAMP',
      'DATE',
      'STRING',
      'VARCHAR',
      'BINARY',
      'DECIMAL',
      'CHAR',
      'ARRAY',
      'MAP',
      'STRUCT',
    ]);
    expect(await rowsOf(conn.session.getCatalogs())).toEqual([]);
    expect(await rowsOf(conn.session.getTableTypes())).toEqual([{ TABLE_TYPE: 'TABLE' }, { TABLE_TYPE: 'VIEW' }]);
  });

  it('a bad pattern is hive-driver’s error with impalad’s message, and nothing stays open', async () => {
    await expect(conn.session.getTables({ schemaName: 'hd_db', tableName: 'or(ders' })).rejects.toThrow(/PatternSyntaxException/);
    expect(cluster.stats()[0]!.operationsOpen).toBe(0);
  });
});
