/**
 * The result sets of the HS2 metadata calls, computed as impalad's
 * frontend computes them (Impala's
 * fe/src/main/java/org/apache/impala/service/MetadataOp.java, one function
 * per call below, reached from `Frontend.execHiveServer2MetadataOp`),
 * from the coordinator's own catalog.
 *
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TCLITypes } from '../../wire/gen.js';
import type { Catalog } from '../catalog/catalog.js';
import { builtinFunctions } from './builtin-functions.js';
import { walkCatalog } from './catalog-walk.js';
import { isEmptyPattern, jdbcPatternMatcher } from './jdbc-pattern.js';
import {
  columnSize,
  DATABASE_METADATA,
  decimalDigits,
  isNumericType,
  isStringType,
  javaSqlType,
  numPrecRadix,
  precision,
  TYPE_INFO_TYPES,
} from './jdbc-types.js';
import { bool, int, NULL, resultSet, str, type Cell, type MetadataResultSet } from './result-cells.js';
import {
  CATALOGS_SCHEMA,
  COLUMNS_SCHEMA,
  CROSS_REFERENCE_SCHEMA,
  FUNCTIONS_SCHEMA,
  PRIMARY_KEYS_SCHEMA,
  SCHEMAS_SCHEMA,
  TABLE_TYPES_SCHEMA,
  TABLES_SCHEMA,
  TYPE_INFO_SCHEMA,
} from './result-schemas.js';

/** Where a metadata call reads from. */
export interface MetadataSource {
  /** The coordinator's catalog. */
  catalog: Catalog;
  /** A connection from `catalog.connect`, released by the caller. */
  conn: DuckDBConnection;
}

/** The database that holds Impala's built-in functions (`BuiltinsDb`). */
const BUILTINS_DB = '_impala_builtins';

/** `getCatalogs`: Hive and Impala have no catalogs, so no rows. */
export function getCatalogs(): MetadataResultSet {
  return resultSet(CATALOGS_SCHEMA, []);
}

/** `getTableTypes`: TABLE and VIEW (`createGetTableTypesResults`). */
export function getTableTypes(): MetadataResultSet {
  return resultSet(TABLE_TYPES_SCHEMA, [[str('TABLE')], [str('VIEW')]]);
}

/** `getTypeInfo`: one row per type of {@link TYPE_INFO_TYPES} (`createGetTypeInfoResult`). */
export function getTypeInfo(): MetadataResultSet {
  const rows = TYPE_INFO_TYPES.map((t): Cell[] => [
    str(t.name),
    int(javaSqlType(t)),
    int(precision(t)),
    NULL,
    NULL,
    NULL,
    int(DATABASE_METADATA.typeNullable),
    bool(isStringType(t)),
    int(DATABASE_METADATA.typeSearchable),
    bool(!isNumericType(t)),
    bool(false),
    bool(false),
    NULL,
    int(0),
    int(0),
    NULL,
    NULL,
    int(numPrecRadix(t)),
  ]);
  return resultSet(TYPE_INFO_SCHEMA, rows);
}

/** `getSchemas`: matching databases; TABLE_CATALOG is the empty string (Hive's default catalog). */
export async function getSchemas(src: MetadataSource, req: TCLITypes.TGetSchemasReq): Promise<MetadataResultSet> {
  const schemas = jdbcPatternMatcher(req.schemaName);
  if (!isEmptyPattern(req.catalogName)) return resultSet(SCHEMAS_SCHEMA, []);
  const dbs = await walkCatalog(src.catalog, src.conn, { schemas });
  return resultSet(
    SCHEMAS_SCHEMA,
    dbs.map((db) => [str(db.name), str('')]),
  );
}

/**
 * `getTables`: matching tables and views. With table types, only those;
 * a list naming neither TABLE nor VIEW answers no rows. Comments are not
 * kept by the test cluster, so REMARKS is `''` (`Strings.nullToEmpty`).
 */
export async function getTables(src: MetadataSource, req: TCLITypes.TGetTablesReq): Promise<MetadataResultSet> {
  let wanted: string[] | undefined;
  if (req.tableTypes && req.tableTypes.length > 0) {
    wanted = req.tableTypes.map((t) => String(t).toUpperCase());
    if (!wanted.includes('TABLE') && !wanted.includes('VIEW')) return resultSet(TABLES_SCHEMA, []);
  }
  const schemas = jdbcPatternMatcher(req.schemaName);
  const tables = jdbcPatternMatcher(req.tableName);
  if (!isEmptyPattern(req.catalogName)) return resultSet(TABLES_SCHEMA, []);
  const rows: Cell[][] = [];
  for (const db of await walkCatalog(src.catalog, src.conn, { schemas, tables })) {
    for (const t of db.tables) {
      if (wanted && !wanted.includes(t.type)) continue;
      rows.push([str(''), str(db.name), str(t.name), str(t.type), str('')]);
    }
  }
  return resultSet(TABLES_SCHEMA, rows);
}

/**
 * `getColumns`: matching columns of matching tables, in Hive order.
 * TYPE_NAME is the type's name without qualifiers (`getHs2MetadataTypeName`);
 * ORDINAL_POSITION counts partition columns first; every column is
 * nullable. Comments are not kept, so REMARKS is NULL.
 */
export async function getColumns(src: MetadataSource, req: TCLITypes.TGetColumnsReq): Promise<MetadataResultSet> {
  const schemas = jdbcPatternMatcher(req.schemaName);
  const tables = jdbcPatternMatcher(req.tableName);
  const columns = jdbcPatternMatcher(req.columnName);
  if (!isEmptyPattern(req.catalogName)) return resultSet(COLUMNS_SCHEMA, []);
  const rows: Cell[][] = [];
  for (const db of await walkCatalog(src.catalog, src.conn, { schemas, tables, columns })) {
    for (const t of db.tables) {
      for (const c of t.columns) {
        rows.push([
          NULL,
          str(db.name),
          str(t.name),
          str(c.name),
          int(javaSqlType(c.type)),
          str(c.type.name),
          int(columnSize(c.type)),
          NULL,
          int(decimalDigits(c.type)),
          int(numPrecRadix(c.type)),
          int(DATABASE_METADATA.columnNullable),
          NULL,
          NULL,
          NULL,
          NULL,
          NULL,
          int(c.position + 1),
          str('YES'),
          NULL,
          NULL,
          NULL,
          NULL,
          str('NO'),
        ]);
      }
    }
  }
  return resultSet(COLUMNS_SCHEMA, rows);
}

/**
 * `getFunctions`: functions whose name matches, from every database; only
 * built-ins exist here (see builtin-functions.ts). impalad answers no rows
 * when a catalog or schema pattern is given (built-ins have neither).
 */
export async function getFunctions(src: MetadataSource, req: TCLITypes.TGetFunctionsReq): Promise<MetadataResultSet> {
  if (!isEmptyPattern(req.catalogName) || !isEmptyPattern(req.schemaName)) return resultSet(FUNCTIONS_SCHEMA, []);
  const schemas = jdbcPatternMatcher(req.schemaName);
  const names = jdbcPatternMatcher(req.functionName);
  const rows: Cell[][] = [];
  for (const db of await walkCatalog(src.catalog, src.conn, { schemas })) {
    if (db.name !== BUILTINS_DB) continue;
    for (const fn of await builtinFunctions(src.catalog, src.conn)) {
      if (!names(fn.name)) continue;
      rows.push([NULL, str(db.name), str(fn.name), str(''), int(DATABASE_METADATA.functionNoTable), str(fn.signature)]);
    }
  }
  return resultSet(FUNCTIONS_SCHEMA, rows);
}

/**
 * `getPrimaryKeys`: the primary-key columns of matching tables. Tables of
 * the test cluster carry no constraints (DDL's PRIMARY KEY clauses are not
 * kept), so this is impalad's answer for tables without a primary key: its
 * columns and no rows. The patterns are still read, so a bad one fails as
 * on impalad.
 */
export function getPrimaryKeys(req: TCLITypes.TGetPrimaryKeysReq): MetadataResultSet {
  jdbcPatternMatcher(req.schemaName);
  jdbcPatternMatcher(req.tableName);
  return resultSet(PRIMARY_KEYS_SCHEMA, []);
}

/** `getCrossReference`: foreign keys; none, for the reason {@link getPrimaryKeys} gives. */
export function getCrossReference(req: TCLITypes.TGetCrossReferenceReq): MetadataResultSet {
  jdbcPatternMatcher(req.foreignSchemaName);
  jdbcPatternMatcher(req.foreignTableName);
  return resultSet(CROSS_REFERENCE_SCHEMA, []);
}
