/**
 * The coordinator's answers to the HS2 metadata calls, compared with what
 * impalad 4.x returns, through the stock thrift runtime and the generated
 * client (raw-metadata.ts). Each expectation names its source in Impala's
 * tree:
 * - MetadataOp = fe/src/main/java/org/apache/impala/service/MetadataOp.java
 * - Type = fe/src/main/java/org/apache/impala/catalog/Type.java
 * - hs2-server = be/src/service/impala-hs2-server.cc
 * - hs2-util = be/src/service/hs2-util.cc
 * - FrontendTest, JdbcTest = fe/src/test/java/org/apache/impala/service/…
 * - test_hs2 = tests/hs2/test_hs2.py
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { impala, tcli } from '../../../src/wire/gen.js';
import { startCluster, type LocalCluster } from '../../../src/testing/index.js';
import { expectOk, rawConnect, run, type RawSession } from '../support/raw-client.js';
import { callMetadata, metadata, type MetadataMethod } from '../support/raw-metadata.js';

let cluster: LocalCluster;
let s: RawSession;

const T = tcli.TTypeId;
const STRING = T.STRING_TYPE;
const INT = T.INT_TYPE;
const SMALLINT = T.SMALLINT_TYPE;
const BOOLEAN = T.BOOLEAN_TYPE;

beforeAll(async () => {
  cluster = await startCluster();
  s = await rawConnect(cluster.coordinators[0]!.port);
  await run(s, 'CREATE DATABASE meta_db');
  // Partitioned by two columns, as functional.alltypessmall (year, month) of JdbcTest.
  await run(
    s,
    `CREATE TABLE meta_db.types_tbl (b BOOLEAN, ti TINYINT, si SMALLINT, i INT, bi BIGINT, f FLOAT, d DOUBLE,
       s STRING, vc VARCHAR(32), c CHAR(5), dc DECIMAL(10,5), ts TIMESTAMP, dt DATE, bin BINARY)
     PARTITIONED BY (year INT, month INT)`,
  );
  await run(s, 'CREATE TABLE meta_db.all_types (a INT)');
  await run(s, 'CREATE TABLE meta_db.alltypes (a INT)');
  await run(s, 'CREATE TABLE meta_db.alltypes_tiny (a INT)');
  await run(s, 'CREATE VIEW meta_db.alltypes_view AS SELECT a FROM meta_db.alltypes');
});

afterAll(async () => {
  await s?.close();
  await cluster?.close();
});

// MetadataOp.initialzeResultSetSchemas: the columns (names as impalad spells
// them, TABLE_MD and KEQ_SEQ included) and their types, per call.
const SCHEMAS: Array<[MetadataMethod, Record<string, unknown>, Array<[string, number]>]> = [
  ['GetCatalogs', {}, [['TABLE_CAT', STRING]]],
  [
    'GetSchemas',
    {},
    [
      ['TABLE_SCHEM', STRING],
      ['TABLE_CATALOG', STRING],
    ],
  ],
  [
    'GetTables',
    {},
    [
      ['TABLE_CAT', STRING],
      ['TABLE_SCHEM', STRING],
      ['TABLE_NAME', STRING],
      ['TABLE_TYPE', STRING],
      ['REMARKS', STRING],
    ],
  ],
  ['GetTableTypes', {}, [['TABLE_TYPE', STRING]]],
  [
    'GetColumns',
    {},
    [
      ['TABLE_CAT', STRING],
      ['TABLE_MD', STRING],
      ['TABLE_NAME', STRING],
      ['COLUMN_NAME', STRING],
      ['DATA_TYPE', INT],
      ['TYPE_NAME', STRING],
      ['COLUMN_SIZE', INT],
      ['BUFFER_LENGTH', INT],
      ['DECIMAL_DIGITS', INT],
      ['NUM_PREC_RADIX', INT],
      ['NULLABLE', INT],
      ['REMARKS', STRING],
      ['COLUMN_DEF', STRING],
      ['SQL_DATA_TYPE', INT],
      ['SQL_DATETIME_SUB', INT],
      ['CHAR_OCTET_LENGTH', INT],
      ['ORDINAL_POSITION', INT],
      ['IS_NULLABLE', STRING],
      ['SCOPE_CATALOG', STRING],
      ['SCOPE_SCHEMA', STRING],
      ['SCOPE_TABLE', STRING],
      ['SOURCE_DATA_TYPE', SMALLINT],
      ['IS_AUTO_INCREMENT', STRING],
    ],
  ],
  [
    'GetTypeInfo',
    {},
    [
      ['TYPE_NAME', STRING],
      ['DATA_TYPE', INT],
      ['PRECISION', INT],
      ['LITERAL_PREFIX', STRING],
      ['LITERAL_SUFFIX', STRING],
      ['CREATE_PARAMS', STRING],
      ['NULLABLE', INT],
      ['CASE_SENSITIVE', BOOLEAN],
      ['SEARCHABLE', SMALLINT],
      ['UNSIGNED_ATTRIBUTE', BOOLEAN],
      ['FIXED_PREC_SCALE', BOOLEAN],
      ['AUTO_INCREMENT', BOOLEAN],
      ['LOCAL_TYPE_NAME', STRING],
      ['MINIMUM_SCALE', SMALLINT],
      ['MAXIMUM_SCALE', SMALLINT],
      ['SQL_DATA_TYPE', INT],
      ['SQL_DATETIME_SUB', INT],
      ['NUM_PREC_RADIX', INT],
    ],
  ],
  [
    'GetFunctions',
    { functionName: 'abs' },
    [
      ['FUNCTION_CAT', STRING],
      ['FUNCTION_SCHEM', STRING],
      ['FUNCTION_NAME', STRING],
      ['REMARKS', STRING],
      ['FUNCTION_TYPE', INT],
      ['SPECIFIC_NAME', STRING],
    ],
  ],
  [
    'GetPrimaryKeys',
    { tableName: 'alltypes' },
    [
      ['TABLE_CAT', STRING],
      ['TABLE_SCHEM', STRING],
      ['TABLE_NAME', STRING],
      ['COLUMN_NAME', STRING],
      ['KEQ_SEQ', INT],
      ['PK_NAME', STRING],
    ],
  ],
  [
    'GetCrossReference',
    { foreignTableName: 'alltypes' },
    [
      ['PKTABLE_CAT', STRING],
      ['PKTABLE_SCHEM', STRING],
      ['PKTABLE_NAME', STRING],
      ['PKCOLUMN_NAME', STRING],
      ['FKTABLE_CAT', STRING],
      ['FKTABLE_SCHEM', STRING],
      ['FKTABLE_NAME', STRING],
      ['FKCOLUMN_NAME', STRING],
      ['KEQ_SEQ', INT],
      ['UPDATE_RULE', INT],
      ['DELETE_RULE', INT],
      ['FK_NAME', STRING],
      ['PK_NAME', STRING],
      ['DEFERRABILITY', INT],
    ],
  ],
];

// hs2-server: each call sets its TOperationType on the handle; GetPrimaryKeys
// and GetCrossReference set none, which leaves 0 (EXECUTE_STATEMENT).
const OPERATION_TYPES: Record<MetadataMethod, number> = {
  GetTypeInfo: tcli.TOperationType.GET_TYPE_INFO,
  GetCatalogs: tcli.TOperationType.GET_CATALOGS,
  GetSchemas: tcli.TOperationType.GET_SCHEMAS,
  GetTables: tcli.TOperationType.GET_TABLES,
  GetTableTypes: tcli.TOperationType.GET_TABLE_TYPES,
  GetColumns: tcli.TOperationType.GET_COLUMNS,
  GetFunctions: tcli.TOperationType.GET_FUNCTIONS,
  GetPrimaryKeys: tcli.TOperationType.EXECUTE_STATEMENT,
  GetCrossReference: tcli.TOperationType.EXECUTE_STATEMENT,
};

describe('result set schemas and handles', () => {
  it.each(SCHEMAS)(
    '%s answers MetadataOp’s columns and a finished operation with a result set (hs2-server ExecuteMetadataOp)',
    async (method, fields, columns) => {
      const { resp, columns: got } = await metadata(s, method, fields);
      expect(got.map((c) => [c.name, c.typeId])).toEqual(columns);
      expect(resp.operationHandle!.hasResultSet).toBe(true);
      expect(resp.operationHandle!.operationType).toBe(OPERATION_TYPES[method]);
    },
  );

  it('the operation is FINISHED at once, counts as open until closed, and its profile names the call as statement and DDL as query type (test_hs2 test_get_schemas, IMPALA-619)', async () => {
    const before = cluster.stats()[0]!.operationsOpen;
    const resp = await callMetadata(s, 'GetSchemas');
    expectOk(resp.status);
    const op = resp.operationHandle!;
    const st = await s.client.GetOperationStatus(new tcli.TGetOperationStatusReq({ operationHandle: op }));
    expect(st.operationState).toBe(tcli.TOperationState.FINISHED_STATE);
    expect(cluster.stats()[0]!.operationsOpen).toBe(before + 1);
    const profile = await s.client.GetRuntimeProfile(new impala.TGetRuntimeProfileReq({ operationHandle: op, sessionHandle: s.session }));
    expect(profile.profile).toContain('Sql Statement: GET_SCHEMAS');
    expect(profile.profile).toContain('Query Type: DDL');
    expectOk((await s.client.CloseImpalaOperation(new impala.TCloseImpalaOperationReq({ operationHandle: op }))).status);
    expect(cluster.stats()[0]!.operationsOpen).toBe(before);
  });
});

describe('GetTypeInfo', () => {
  // [TYPE_NAME, DATA_TYPE (java.sql.Types), PRECISION, CASE_SENSITIVE, UNSIGNED_ATTRIBUTE, NUM_PREC_RADIX]:
  // MetadataOp.createGetTypeInfoResults walks PrimitiveType in order (internal and
  // unsupported ones left out), then ARRAY, MAP, STRUCT; the values are Type's
  // getJavaSqlType, getPrecision (-1 for the wildcard DECIMAL), isStringType,
  // !isNumericType and getNumPrecRadix. test_hs2 test_get_type_info: these 17 names, 18 columns.
  const TYPES: Array<[string, number, number | null, boolean, boolean, number | null]> = [
    ['BOOLEAN', 16, null, false, true, null],
    ['TINYINT', -6, 3, false, false, 10],
    ['SMALLINT', 5, 5, false, false, 10],
    ['INT', 4, 10, false, false, 10],
    ['BIGINT', -5, 19, false, false, 10],
    ['FLOAT', 6, 7, false, false, 10],
    ['DOUBLE', 8, 15, false, false, 10],
    ['TIMESTAMP', 93, null, false, true, null],
    ['DATE', 91, null, false, true, null],
    ['STRING', 12, null, true, true, null],
    ['VARCHAR', 12, null, true, true, null],
    ['BINARY', -2, null, true, true, null],
    ['DECIMAL', 3, -1, false, false, 10],
    ['CHAR', 1, null, true, true, null],
    ['ARRAY', 2003, null, false, true, null],
    ['MAP', 2003, null, false, true, null],
    ['STRUCT', 2002, null, false, true, null],
  ];

  it('lists impalad’s types in its order with their JDBC facts', async () => {
    const { rows } = await metadata(s, 'GetTypeInfo');
    expect(rows.map((r) => [r.TYPE_NAME, r.DATA_TYPE, r.PRECISION, r.CASE_SENSITIVE, r.UNSIGNED_ATTRIBUTE, r.NUM_PREC_RADIX])).toEqual(
      TYPES,
    );
  });

  it('carries impalad’s constants, and NULL in its SMALLINT columns (filled with Integers, MetadataOp.createGetTypeInfoResult; hs2-util TColumnValueToHS2TColumn reads short_val)', async () => {
    const { rows } = await metadata(s, 'GetTypeInfo');
    for (const r of rows) {
      expect(r, String(r.TYPE_NAME)).toMatchObject({
        LITERAL_PREFIX: null,
        LITERAL_SUFFIX: null,
        CREATE_PARAMS: null,
        NULLABLE: 1, // DatabaseMetaData.typeNullable
        SEARCHABLE: null,
        FIXED_PREC_SCALE: false,
        AUTO_INCREMENT: false,
        LOCAL_TYPE_NAME: null,
        MINIMUM_SCALE: null,
        MAXIMUM_SCALE: null,
        SQL_DATA_TYPE: null,
        SQL_DATETIME_SUB: null,
      });
    }
  });
});

describe('GetCatalogs and GetTableTypes', () => {
  it('GetCatalogs has no rows: Hive and Impala have no catalogs (FrontendTest.TestGetCatalogs, JdbcTest.testMetaDataGetCatalogs)', async () => {
    expect((await metadata(s, 'GetCatalogs')).rows).toEqual([]);
  });

  it('GetTableTypes lists TABLE then VIEW (FrontendTest.TestGetTableTypes)', async () => {
    expect((await metadata(s, 'GetTableTypes')).rows).toEqual([{ TABLE_TYPE: 'TABLE' }, { TABLE_TYPE: 'VIEW' }]);
  });
});

describe('GetSchemas', () => {
  // [request fields, TABLE_SCHEM values, source]
  const CASES: Array<[Record<string, unknown>, string[], string]> = [
    [
      {},
      ['_impala_builtins', 'default', 'meta_db'],
      'every database, _impala_builtins included (ImpaladCatalog adds BuiltinsDb), sorted case-insensitively (Catalog.filterCatalogObjectsByPattern)',
    ],
    [{ schemaName: 'default%' }, ['default'], 'FrontendTest.TestGetSchema'],
    [{ schemaName: 'd_f%' }, ['default'], 'JdbcTest.testMetaDataGetSchemas'],
    [{ schemaName: 'META%' }, [], 'case-sensitive: PatternMatcher compiles without CASE_INSENSITIVE'],
    [
      { schemaName: '%', catalogName: '' },
      ['_impala_builtins', 'default', 'meta_db'],
      'an empty catalog name is an empty pattern (MetadataOp.isEmptyPattern)',
    ],
    [{ catalogName: 'hive' }, [], 'a catalog pattern that is not empty: no rows (MetadataOp.doGetDbsMetadata)'],
  ];

  it.each(CASES)('%j → %j (%s)', async (fields, expected) => {
    const { rows } = await metadata(s, 'GetSchemas', fields);
    expect(rows.map((r) => r.TABLE_SCHEM)).toEqual(expected);
    // MetadataOp.getSchemas: "default Hive catalog is an empty string".
    for (const r of rows) expect(r.TABLE_CATALOG).toBe('');
  });
});

describe('GetTables', () => {
  // [request fields, [TABLE_NAME, TABLE_TYPE] rows, source]
  const CASES: Array<[Record<string, unknown>, Array<[string, string]>, string]> = [
    [
      { schemaName: 'meta_db' },
      [
        ['all_types', 'TABLE'],
        ['alltypes', 'TABLE'],
        ['alltypes_tiny', 'TABLE'],
        ['alltypes_view', 'VIEW'],
        ['types_tbl', 'TABLE'],
      ],
      'tables and views, sorted (Catalog.filterStringsByPattern)',
    ],
    [{ schemaName: 'meta_db', tableName: 'all_ypes' }, [['alltypes', 'TABLE']], 'FrontendTest.TestGetTables: _ is any one character'],
    [
      { schemaName: 'meta_db', tableName: 'all_types' },
      [['all_types', 'TABLE']],
      'an unescaped _ is exactly one character: not alltypes, which is shorter',
    ],
    [
      { schemaName: 'meta_db', tableName: 'alltypes\\_%' },
      [
        ['alltypes_tiny', 'TABLE'],
        ['alltypes_view', 'VIEW'],
      ],
      'FrontendTest.TestGetTablesTypeTable: \\_ is the underscore',
    ],
    [
      { schemaName: 'meta_db', tableName: 'alltypes%', tableTypes: ['TABLE'] },
      [
        ['alltypes', 'TABLE'],
        ['alltypes_tiny', 'TABLE'],
      ],
      'FrontendTest.TestGetTablesTypeTable: TABLE only',
    ],
    [
      { schemaName: 'meta_db', tableName: 'alltypes%', tableTypes: ['view'] },
      [['alltypes_view', 'VIEW']],
      'FrontendTest.TestGetTablesTypeView; types are upper-cased (MetadataOp.getTables)',
    ],
    [
      { schemaName: 'meta_db', tableTypes: ['MATERIALIZED_VIEW', 'EXTERNAL'] },
      [],
      'no TABLE or VIEW among the types: no rows (MetadataOp.getTables hasValidTableType)',
    ],
    [
      { schemaName: 'meta_db', tableTypes: [] },
      [
        ['all_types', 'TABLE'],
        ['alltypes', 'TABLE'],
        ['alltypes_tiny', 'TABLE'],
        ['alltypes_view', 'VIEW'],
        ['types_tbl', 'TABLE'],
      ],
      'an empty type list filters nothing',
    ],
    [{ tableName: 'alltypes_view' }, [['alltypes_view', 'VIEW']], 'FrontendTest.TestLoadedView; no schema: every database'],
    [{ schemaName: 'meta_db', tableName: 'ALLTYPES' }, [], 'case-sensitive'],
    [{ catalogName: 'x', schemaName: 'meta_db' }, [], 'a catalog pattern that is not empty: no rows'],
  ];

  it.each(CASES)('%j → %j (%s)', async (fields, expected) => {
    const { rows } = await metadata(s, 'GetTables', fields);
    expect(rows.map((r) => [r.TABLE_NAME, r.TABLE_TYPE])).toEqual(expected);
  });

  it('TABLE_CAT is "", TABLE_SCHEM the database, REMARKS "" without a comment (test_hs2 test_get_tables; MetadataOp: Strings.nullToEmpty)', async () => {
    const { rows } = await metadata(s, 'GetTables', { schemaName: 'meta_db', tableName: 'alltypes' });
    expect(rows).toEqual([{ TABLE_CAT: '', TABLE_SCHEM: 'meta_db', TABLE_NAME: 'alltypes', TABLE_TYPE: 'TABLE', REMARKS: '' }]);
  });
});

describe('GetColumns', () => {
  // [COLUMN_NAME, DATA_TYPE, TYPE_NAME, COLUMN_SIZE, DECIMAL_DIGITS, NUM_PREC_RADIX, ORDINAL_POSITION]:
  // Type.getJavaSqlType/getColumnSize/getDecimalDigits/getNumPrecRadix as JdbcTest
  // testMetaDataGetColumns checks them (3/0 TINYINT … 29/9 TIMESTAMP, 10/0 DATE, 10/5
  // DECIMAL(10,5), 5 CHAR(5), 32 VARCHAR(32), Integer.MAX_VALUE STRING and BINARY);
  // TYPE_NAME without qualifiers (MetadataOp.getHs2MetadataTypeName); rows in Hive order
  // (Table.getColumnsInHiveOrder) but ORDINAL_POSITION counting the partition columns
  // first (HdfsTable.loadSchema; JdbcTest: alltypessmall.string_col is 12).
  const COLUMNS: Array<[string, number, string, number | null, number | null, number | null, number]> = [
    ['b', 16, 'BOOLEAN', null, 0, null, 3],
    ['ti', -6, 'TINYINT', 3, 0, 10, 4],
    ['si', 5, 'SMALLINT', 5, 0, 10, 5],
    ['i', 4, 'INT', 10, 0, 10, 6],
    ['bi', -5, 'BIGINT', 19, 0, 10, 7],
    ['f', 6, 'FLOAT', 7, 7, 10, 8],
    ['d', 8, 'DOUBLE', 15, 15, 10, 9],
    ['s', 12, 'STRING', 2147483647, null, null, 10],
    ['vc', 12, 'VARCHAR', 32, null, null, 11],
    ['c', 1, 'CHAR', 5, null, null, 12],
    ['dc', 3, 'DECIMAL', 10, 5, 10, 13],
    ['ts', 93, 'TIMESTAMP', 29, 9, null, 14],
    ['dt', 91, 'DATE', 10, 0, null, 15],
    ['bin', -2, 'BINARY', 2147483647, null, null, 16],
    ['year', 4, 'INT', 10, 0, 10, 1],
    ['month', 4, 'INT', 10, 0, 10, 2],
  ];

  it('describes every type as impalad does', async () => {
    const { rows } = await metadata(s, 'GetColumns', { schemaName: 'meta_db', tableName: 'types_tbl' });
    expect(
      rows.map((r) => [r.COLUMN_NAME, r.DATA_TYPE, r.TYPE_NAME, r.COLUMN_SIZE, r.DECIMAL_DIGITS, r.NUM_PREC_RADIX, r.ORDINAL_POSITION]),
    ).toEqual(COLUMNS);
  });

  it('carries MetadataOp.getColumns’ constants: NULL catalog, columnNullable, YES, NO, NULL for what Impala does not know', async () => {
    const { rows } = await metadata(s, 'GetColumns', { schemaName: 'meta_db', tableName: 'types_tbl', columnName: 'dc' });
    expect(rows).toEqual([
      {
        TABLE_CAT: null,
        TABLE_MD: 'meta_db',
        TABLE_NAME: 'types_tbl',
        COLUMN_NAME: 'dc',
        DATA_TYPE: 3,
        TYPE_NAME: 'DECIMAL',
        COLUMN_SIZE: 10,
        BUFFER_LENGTH: null,
        DECIMAL_DIGITS: 5,
        NUM_PREC_RADIX: 10,
        NULLABLE: 1,
        REMARKS: null,
        COLUMN_DEF: null,
        SQL_DATA_TYPE: null,
        SQL_DATETIME_SUB: null,
        CHAR_OCTET_LENGTH: null,
        ORDINAL_POSITION: 13,
        IS_NULLABLE: 'YES',
        SCOPE_CATALOG: null,
        SCOPE_SCHEMA: null,
        SCOPE_TABLE: null,
        SOURCE_DATA_TYPE: null,
        IS_AUTO_INCREMENT: 'NO',
      },
    ]);
  });

  // [request fields, [table, column] rows, source]
  const PATTERNS: Array<[Record<string, unknown>, Array<[string, string]>, string]> = [
    [
      { schemaName: 'meta_db', tableName: 'types_tbl', columnName: 's%' },
      [
        ['types_tbl', 'si'],
        ['types_tbl', 's'],
      ],
      'FrontendTest.TestGetColumns: "stri%"-style prefix, in table order',
    ],
    [{ schemaName: 'meta_db', tableName: 'types_tbl', columnName: 'b_' }, [['types_tbl', 'bi']], '_ is one character'],
    [
      { schemaName: 'meta_db', tableName: 'alltypes%' },
      [
        ['alltypes', 'a'],
        ['alltypes_tiny', 'a'],
        ['alltypes_view', 'a'],
      ],
      'views have columns too',
    ],
    [{ schemaName: 'meta_%', tableName: 'all\\_types' }, [['all_types', 'a']], 'patterns on every level'],
    [{ catalogName: 'x', tableName: 'alltypes' }, [], 'a catalog pattern that is not empty: no rows'],
  ];

  it.each(PATTERNS)('%j → %j (%s)', async (fields, expected) => {
    const { rows } = await metadata(s, 'GetColumns', fields);
    expect(rows.map((r) => [r.TABLE_NAME, r.COLUMN_NAME])).toEqual(expected);
  });
});

describe('GetFunctions', () => {
  it('lists built-ins of _impala_builtins by name pattern, with signatures as SPECIFIC_NAME (FrontendTest.TestGetFunctions: "sub%" → substr, substring, …)', async () => {
    const { rows } = await metadata(s, 'GetFunctions', { functionName: 'sub%' });
    const names = new Set(rows.map((r) => r.FUNCTION_NAME));
    expect(names).toContain('substr');
    expect(names).toContain('substring');
    for (const r of rows) {
      expect(String(r.FUNCTION_NAME)).toMatch(/^sub/);
      // MetadataOp.createFunctionResultRow; Function.signatureString.
      expect(r).toMatchObject({ FUNCTION_CAT: null, FUNCTION_SCHEM: '_impala_builtins', REMARKS: '', FUNCTION_TYPE: 1 });
      expect(String(r.SPECIFIC_NAME).startsWith(`${String(r.FUNCTION_NAME)}(`)).toBe(true);
    }
    expect(rows.map((r) => r.SPECIFIC_NAME)).toContain('substr(STRING, BIGINT, BIGINT)');
  });

  it('an exact name lists that function’s overloads only, case-sensitively', async () => {
    const upper = await metadata(s, 'GetFunctions', { functionName: 'upper' });
    expect(upper.rows.map((r) => r.SPECIFIC_NAME)).toEqual(['upper(STRING)']);
    expect((await metadata(s, 'GetFunctions', { functionName: 'UPPER' })).rows).toEqual([]);
  });

  it.each([
    [{ functionName: '%', schemaName: 'default' }, 'a schema pattern'],
    [{ functionName: '%', schemaName: '_impala_builtins' }, 'even the built-ins’ own database'],
    [{ functionName: '%', catalogName: 'x' }, 'a catalog pattern'],
  ])(
    '%j answers no rows: %s is not empty (MetadataOp.getFunctions: "built-in functions do not have a catalog name or schema name")',
    async (fields, _why) => {
      expect((await metadata(s, 'GetFunctions', fields)).rows).toEqual([]);
    },
  );
});

describe('GetPrimaryKeys and GetCrossReference', () => {
  it('answer no rows for tables without constraints (MetadataOp.getPrimaryKeys / getCrossReference)', async () => {
    expect((await metadata(s, 'GetPrimaryKeys', { schemaName: 'meta_db', tableName: 'alltypes' })).rows).toEqual([]);
    expect((await metadata(s, 'GetCrossReference', { foreignSchemaName: 'meta_db', foreignTableName: 'alltypes' })).rows).toEqual([]);
  });
});
