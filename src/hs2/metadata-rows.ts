/**
 * The rows of the HS2 metadata calls, named as JDBC's `DatabaseMetaData`
 * names their columns, and their decoding from what the server sent.
 *
 * Columns are taken by position, as JDBC defines the result sets, not by
 * the server's column names: impalad names GetColumns' second column
 * `TABLE_MD` and the key sequence `KEQ_SEQ` (Impala's MetadataOp.java);
 * here they are `TABLE_SCHEM` and `KEY_SEQ`. A server may send more columns
 * than listed (Hive's HS2 does); the extra ones are ignored. Fewer columns,
 * a value of the wrong kind, or a NULL where JDBC has none is a
 * ProtocolError.
 *
 * @module
 */
import { ProtocolError } from '../errors.js';
import type { Value } from './row-set.js';

/** A row of `getCatalogs` (JDBC `DatabaseMetaData.getCatalogs`). Impala has no catalogs: there are none. */
export interface CatalogRow {
  /** Catalog name. */
  TABLE_CAT: string;
}

/** A row of `getSchemas` (JDBC `DatabaseMetaData.getSchemas`): one database. */
export interface SchemaRow {
  /** Database name. */
  TABLE_SCHEM: string;
  /** Catalog name: `''` on Impala. */
  TABLE_CATALOG: string | null;
}

/** A row of `getTables` (JDBC `DatabaseMetaData.getTables`): one table or view. */
export interface TableRow {
  /** Catalog name: `''` on Impala. */
  TABLE_CAT: string | null;
  /** Database name. */
  TABLE_SCHEM: string | null;
  /** Table name. */
  TABLE_NAME: string;
  /** `TABLE` or `VIEW` (impalad: also `MATERIALIZED_VIEW`). */
  TABLE_TYPE: string;
  /** The table's comment, `''` without one. */
  REMARKS: string | null;
}

/** A row of `getTableTypes` (JDBC `DatabaseMetaData.getTableTypes`). */
export interface TableTypeRow {
  /** `TABLE` or `VIEW`. */
  TABLE_TYPE: string;
}

/** A row of `getColumns` (JDBC `DatabaseMetaData.getColumns`): one column of a table or view. */
export interface ColumnRow {
  /** Catalog name: NULL on Impala. */
  TABLE_CAT: string | null;
  /** Database name (impalad calls this column `TABLE_MD`). */
  TABLE_SCHEM: string | null;
  /** Table name. */
  TABLE_NAME: string;
  /** Column name. */
  COLUMN_NAME: string;
  /** `java.sql.Types` code: 4 INTEGER, 12 VARCHAR (STRING too), 3 DECIMAL, 93 TIMESTAMP, 2003 ARRAY (MAP too), … */
  DATA_TYPE: number;
  /** Type name without qualifiers for scalars (`DECIMAL`, `VARCHAR`); the full type for complex ones. */
  TYPE_NAME: string;
  /** Precision of numbers, length of CHAR/VARCHAR, 2147483647 for STRING and BINARY, 29 for TIMESTAMP, 10 for DATE. */
  COLUMN_SIZE: number | null;
  /** Unused: NULL. */
  BUFFER_LENGTH: number | null;
  /** Scale of DECIMAL; 0 for integers, BOOLEAN and DATE; 9 for TIMESTAMP. */
  DECIMAL_DIGITS: number | null;
  /** 10 for numeric types, else NULL. */
  NUM_PREC_RADIX: number | null;
  /** `DatabaseMetaData.columnNullable` (1) on Impala: every column is nullable. */
  NULLABLE: number;
  /** The column's comment. */
  REMARKS: string | null;
  /** Default value: NULL on Impala. */
  COLUMN_DEF: string | null;
  /** Unused: NULL. */
  SQL_DATA_TYPE: number | null;
  /** Unused: NULL. */
  SQL_DATETIME_SUB: number | null;
  /** NULL on Impala. */
  CHAR_OCTET_LENGTH: number | null;
  /** 1-based position in the table; impalad counts partition columns first. */
  ORDINAL_POSITION: number;
  /** `YES` on Impala. */
  IS_NULLABLE: string | null;
  /** NULL on Impala. */
  SCOPE_CATALOG: string | null;
  /** NULL on Impala. */
  SCOPE_SCHEMA: string | null;
  /** NULL on Impala. */
  SCOPE_TABLE: string | null;
  /** NULL on Impala. */
  SOURCE_DATA_TYPE: number | null;
  /** `NO` on Impala. */
  IS_AUTO_INCREMENT: string | null;
}

/** A row of `getTypeInfo` (JDBC `DatabaseMetaData.getTypeInfo`): one type the server supports. */
export interface TypeInfoRow {
  /** Type name (`INT`, `DECIMAL`, `ARRAY`, …). */
  TYPE_NAME: string;
  /** `java.sql.Types` code. */
  DATA_TYPE: number;
  /** Maximum precision of numeric types (-1 for DECIMAL on impalad), else NULL. */
  PRECISION: number | null;
  /** NULL on Impala. */
  LITERAL_PREFIX: string | null;
  /** NULL on Impala. */
  LITERAL_SUFFIX: string | null;
  /** NULL on Impala. */
  CREATE_PARAMS: string | null;
  /** `DatabaseMetaData.typeNullable` (1) on Impala. */
  NULLABLE: number | null;
  /** True for the string types (STRING, VARCHAR, CHAR, BINARY). */
  CASE_SENSITIVE: boolean | null;
  /** `typeSearchable` (3) as impalad computes it; NULL on the wire from impalad (see docs/testing.md). */
  SEARCHABLE: number | null;
  /** True for the types that are not numeric. */
  UNSIGNED_ATTRIBUTE: boolean | null;
  /** False on Impala. */
  FIXED_PREC_SCALE: boolean | null;
  /** False on Impala. */
  AUTO_INCREMENT: boolean | null;
  /** NULL on Impala. */
  LOCAL_TYPE_NAME: string | null;
  /** 0 as impalad computes it; NULL on the wire from impalad. */
  MINIMUM_SCALE: number | null;
  /** 0 as impalad computes it; NULL on the wire from impalad. */
  MAXIMUM_SCALE: number | null;
  /** Unused: NULL. */
  SQL_DATA_TYPE: number | null;
  /** Unused: NULL. */
  SQL_DATETIME_SUB: number | null;
  /** 10 for numeric types, else NULL. */
  NUM_PREC_RADIX: number | null;
}

/** A row of `getFunctions` (JDBC `DatabaseMetaData.getFunctions`): one overload of a function. */
export interface FunctionRow {
  /** Catalog name: NULL on Impala. */
  FUNCTION_CAT: string | null;
  /** Database the function is in (`_impala_builtins` for built-ins). */
  FUNCTION_SCHEM: string | null;
  /** Function name. */
  FUNCTION_NAME: string;
  /** `''` on Impala. */
  REMARKS: string | null;
  /** `DatabaseMetaData.functionNoTable` (1) on Impala. */
  FUNCTION_TYPE: number | null;
  /** The overload's signature, e.g. `substr(STRING, BIGINT)`. */
  SPECIFIC_NAME: string;
}

/** A row of `getPrimaryKeys` (JDBC `DatabaseMetaData.getPrimaryKeys`): one column of a primary key. */
export interface PrimaryKeyRow {
  /** Catalog name: `''` on Impala. */
  TABLE_CAT: string | null;
  /** Database name. */
  TABLE_SCHEM: string | null;
  /** Table name. */
  TABLE_NAME: string;
  /** Column name. */
  COLUMN_NAME: string;
  /** 1-based position in the key (impalad calls this column `KEQ_SEQ`). */
  KEY_SEQ: number;
  /** Constraint name. */
  PK_NAME: string | null;
}

/** A row of `getCrossReference` (JDBC `DatabaseMetaData.getCrossReference`): one column of a foreign key. */
export interface CrossReferenceRow {
  /** Catalog of the referenced table: `''` on Impala. */
  PKTABLE_CAT: string | null;
  /** Database of the referenced table. */
  PKTABLE_SCHEM: string | null;
  /** Referenced table. */
  PKTABLE_NAME: string;
  /** Referenced column. */
  PKCOLUMN_NAME: string;
  /** Catalog of the referencing table: `''` on Impala. */
  FKTABLE_CAT: string | null;
  /** Database of the referencing table. */
  FKTABLE_SCHEM: string | null;
  /** Referencing table. */
  FKTABLE_NAME: string;
  /** Referencing column. */
  FKCOLUMN_NAME: string;
  /** 1-based position in the key. */
  KEY_SEQ: number;
  /** `DatabaseMetaData.importedKey*` update rule. */
  UPDATE_RULE: number | null;
  /** `DatabaseMetaData.importedKey*` delete rule. */
  DELETE_RULE: number | null;
  /** Foreign key name. */
  FK_NAME: string | null;
  /** Referenced primary key name. */
  PK_NAME: string | null;
  /** NULL on Impala (not supported). */
  DEFERRABILITY: number | null;
}

/** What a position holds: its JDBC name, the kind of value, and whether NULL is allowed. */
type Field<R> = readonly [name: keyof R & string, kind: 'string' | 'number' | 'boolean', nullable: boolean];

/** The result set layout of one call, by position. */
export type RowLayout<R> = readonly Field<R>[];

const S = 'string';
const N = 'number';
const B = 'boolean';

/** `getCatalogs`. */
export const CATALOG_LAYOUT: RowLayout<CatalogRow> = [['TABLE_CAT', S, false]];

/** `getSchemas`. */
export const SCHEMA_LAYOUT: RowLayout<SchemaRow> = [
  ['TABLE_SCHEM', S, false],
  ['TABLE_CATALOG', S, true],
];

/** `getTables`. */
export const TABLE_LAYOUT: RowLayout<TableRow> = [
  ['TABLE_CAT', S, true],
  ['TABLE_SCHEM', S, true],
  ['TABLE_NAME', S, false],
  ['TABLE_TYPE', S, false],
  ['REMARKS', S, true],
];

/** `getTableTypes`. */
export const TABLE_TYPE_LAYOUT: RowLayout<TableTypeRow> = [['TABLE_TYPE', S, false]];

/** `getColumns`. */
export const COLUMN_LAYOUT: RowLayout<ColumnRow> = [
  ['TABLE_CAT', S, true],
  ['TABLE_SCHEM', S, true],
  ['TABLE_NAME', S, false],
  ['COLUMN_NAME', S, false],
  ['DATA_TYPE', N, false],
  ['TYPE_NAME', S, false],
  ['COLUMN_SIZE', N, true],
  ['BUFFER_LENGTH', N, true],
  ['DECIMAL_DIGITS', N, true],
  ['NUM_PREC_RADIX', N, true],
  ['NULLABLE', N, false],
  ['REMARKS', S, true],
  ['COLUMN_DEF', S, true],
  ['SQL_DATA_TYPE', N, true],
  ['SQL_DATETIME_SUB', N, true],
  ['CHAR_OCTET_LENGTH', N, true],
  ['ORDINAL_POSITION', N, false],
  ['IS_NULLABLE', S, true],
  ['SCOPE_CATALOG', S, true],
  ['SCOPE_SCHEMA', S, true],
  ['SCOPE_TABLE', S, true],
  ['SOURCE_DATA_TYPE', N, true],
  ['IS_AUTO_INCREMENT', S, true],
];

/** `getTypeInfo`. */
export const TYPE_INFO_LAYOUT: RowLayout<TypeInfoRow> = [
  ['TYPE_NAME', S, false],
  ['DATA_TYPE', N, false],
  ['PRECISION', N, true],
  ['LITERAL_PREFIX', S, true],
  ['LITERAL_SUFFIX', S, true],
  ['CREATE_PARAMS', S, true],
  ['NULLABLE', N, true],
  ['CASE_SENSITIVE', B, true],
  ['SEARCHABLE', N, true],
  ['UNSIGNED_ATTRIBUTE', B, true],
  ['FIXED_PREC_SCALE', B, true],
  ['AUTO_INCREMENT', B, true],
  ['LOCAL_TYPE_NAME', S, true],
  ['MINIMUM_SCALE', N, true],
  ['MAXIMUM_SCALE', N, true],
  ['SQL_DATA_TYPE', N, true],
  ['SQL_DATETIME_SUB', N, true],
  ['NUM_PREC_RADIX', N, true],
];

/** `getFunctions`. */
export const FUNCTION_LAYOUT: RowLayout<FunctionRow> = [
  ['FUNCTION_CAT', S, true],
  ['FUNCTION_SCHEM', S, true],
  ['FUNCTION_NAME', S, false],
  ['REMARKS', S, true],
  ['FUNCTION_TYPE', N, true],
  ['SPECIFIC_NAME', S, false],
];

/** `getPrimaryKeys`. */
export const PRIMARY_KEY_LAYOUT: RowLayout<PrimaryKeyRow> = [
  ['TABLE_CAT', S, true],
  ['TABLE_SCHEM', S, true],
  ['TABLE_NAME', S, false],
  ['COLUMN_NAME', S, false],
  ['KEY_SEQ', N, false],
  ['PK_NAME', S, true],
];

/** `getCrossReference`. */
export const CROSS_REFERENCE_LAYOUT: RowLayout<CrossReferenceRow> = [
  ['PKTABLE_CAT', S, true],
  ['PKTABLE_SCHEM', S, true],
  ['PKTABLE_NAME', S, false],
  ['PKCOLUMN_NAME', S, false],
  ['FKTABLE_CAT', S, true],
  ['FKTABLE_SCHEM', S, true],
  ['FKTABLE_NAME', S, false],
  ['FKCOLUMN_NAME', S, false],
  ['KEY_SEQ', N, false],
  ['UPDATE_RULE', N, true],
  ['DELETE_RULE', N, true],
  ['FK_NAME', S, true],
  ['PK_NAME', S, true],
  ['DEFERRABILITY', N, true],
];

/**
 * Turns column-major values into rows of `layout`.
 *
 * @param what - the HS2 method, for error messages
 * @param coordinator - who answered, for error messages
 * @throws ProtocolError when the answer does not fit the layout
 */
export function decodeRows<R>(layout: RowLayout<R>, columns: readonly Value[][], what: string, coordinator: string): R[] {
  if (columns.length < layout.length) {
    throw new ProtocolError(`${what} answer from ${coordinator} has ${columns.length} columns; JDBC's result set has ${layout.length}`, {
      coordinator,
    });
  }
  const count = columns[0]?.length ?? 0;
  const rows: R[] = [];
  for (let r = 0; r < count; r += 1) {
    const row: Record<string, unknown> = {};
    layout.forEach(([name, kind, nullable], c) => {
      row[name] = cell(columns[c]![r] ?? null, kind, nullable, () => `${what} answer from ${coordinator}: ${name} of row ${r + 1}`);
    });
    rows.push(row as R);
  }
  return rows;
}

function cell(v: Value, kind: 'string' | 'number' | 'boolean', nullable: boolean, where: () => string): string | number | boolean | null {
  if (v === null) {
    if (nullable) return null;
    throw new ProtocolError(`${where()} is NULL`);
  }
  // Servers differ in the integer width of code columns; the values are small.
  if (kind === 'number' && typeof v === 'bigint') return Number(v);
  if (typeof v !== kind) throw new ProtocolError(`${where()} is not a ${kind}`);
  return v as string | number | boolean;
}
