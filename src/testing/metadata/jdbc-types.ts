/**
 * What JDBC's metadata says about an Impala type, as impalad computes it
 * (Impala's fe/src/main/java/org/apache/impala/catalog/Type.java:
 * `getJavaSqlType`, `getColumnSize`, `getPrecision`, `getDecimalDigits`,
 * `getNumPrecRadix`, `isStringType`, `isNumericType`), and the type list
 * GetTypeInfo walks (`MetadataOp.createGetTypeInfoResults`).
 *
 * @module
 */
import type { ImpalaType } from '../impala-types.js';

/** A type GetTypeInfo or GetColumns describes: a scalar, or one of the complex kinds. */
export type MetadataType = ImpalaType | { readonly name: 'ARRAY' | 'MAP' | 'STRUCT' };

/** `java.sql.Types` codes (the JDBC specification's values). */
export const JAVA_SQL_TYPES = {
  BOOLEAN: 16,
  TINYINT: -6,
  SMALLINT: 5,
  INTEGER: 4,
  BIGINT: -5,
  FLOAT: 6,
  DOUBLE: 8,
  DECIMAL: 3,
  CHAR: 1,
  VARCHAR: 12,
  BINARY: -2,
  DATE: 91,
  TIMESTAMP: 93,
  ARRAY: 2003,
  STRUCT: 2002,
} as const;

/** `java.sql.DatabaseMetaData` constants impalad's rows carry. */
export const DATABASE_METADATA = {
  /** `columnNullable`: GetColumns' NULLABLE. */
  columnNullable: 1,
  /** `typeNullable`: GetTypeInfo's NULLABLE. */
  typeNullable: 1,
  /** `typeSearchable`: GetTypeInfo's SEARCHABLE. */
  typeSearchable: 3,
  /** `functionNoTable`: GetFunctions' FUNCTION_TYPE. */
  functionNoTable: 1,
} as const;

/** `Integer.MAX_VALUE`: the column size of STRING and BINARY. */
const JAVA_INT_MAX = 2_147_483_647;

const isScalar = (t: MetadataType): t is ImpalaType => t.name !== 'ARRAY' && t.name !== 'MAP' && t.name !== 'STRUCT';

/** `Type.isStringType`. */
export function isStringType(t: MetadataType): boolean {
  return t.name === 'STRING' || t.name === 'VARCHAR' || t.name === 'CHAR' || t.name === 'BINARY';
}

/** `Type.isNumericType`: integers, floating point and DECIMAL. */
export function isNumericType(t: MetadataType): boolean {
  switch (t.name) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return true;
    default:
      return false;
  }
}

/** `Type.getJavaSqlType`: MAP is reported as ARRAY, as Hive does. */
export function javaSqlType(t: MetadataType): number {
  switch (t.name) {
    case 'ARRAY':
    case 'MAP':
      return JAVA_SQL_TYPES.ARRAY;
    case 'STRUCT':
      return JAVA_SQL_TYPES.STRUCT;
    case 'INT':
      return JAVA_SQL_TYPES.INTEGER;
    case 'STRING':
      return JAVA_SQL_TYPES.VARCHAR;
    default:
      return JAVA_SQL_TYPES[t.name];
  }
}

/** `Type.getPrecision`: numeric types only (DECIMAL's own precision; -1 for the wildcard DECIMAL). */
export function precision(t: MetadataType): number | null {
  switch (t.name) {
    case 'TINYINT':
      return 3;
    case 'SMALLINT':
      return 5;
    case 'INT':
      return 10;
    case 'BIGINT':
      return 19;
    case 'FLOAT':
      return 7;
    case 'DOUBLE':
      return 15;
    case 'DECIMAL':
      return t.precision ?? -1;
    default:
      return null;
  }
}

/** `Type.getColumnSize`: precision, characters, or null where it does not apply. */
export function columnSize(t: MetadataType): number | null {
  if (!isScalar(t)) return null;
  if (isNumericType(t)) return precision(t);
  switch (t.name) {
    case 'STRING':
    case 'BINARY':
      return JAVA_INT_MAX;
    case 'TIMESTAMP':
      return 29;
    case 'DATE':
      return 10;
    case 'CHAR':
    case 'VARCHAR':
      return t.length ?? -1;
    default:
      return null;
  }
}

/** `Type.getDecimalDigits`: fractional digits, or null where it does not apply. */
export function decimalDigits(t: MetadataType): number | null {
  switch (t.name) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'DATE':
      return 0;
    case 'FLOAT':
      return 7;
    case 'DOUBLE':
      return 15;
    case 'TIMESTAMP':
      return 9;
    case 'DECIMAL':
      return t.scale ?? -1;
    default:
      return null;
  }
}

/** `Type.getNumPrecRadix`: 10 for numeric types, else null. */
export function numPrecRadix(t: MetadataType): number | null {
  return isNumericType(t) ? 10 : null;
}

/**
 * The types GetTypeInfo lists, in its order: Impala's `PrimitiveType`
 * values that are neither internal nor unsupported (NULL_TYPE, DATETIME,
 * FIXED_UDA_INTERMEDIATE and INVALID_TYPE are left out), each in its
 * default form (`Type.getDefaultScalarType`: DECIMAL, CHAR and VARCHAR as
 * wildcards, without precision or length), then the `TTypeNodeType`s
 * ARRAY, MAP and STRUCT.
 */
export const TYPE_INFO_TYPES: readonly MetadataType[] = [
  { name: 'BOOLEAN' },
  { name: 'TINYINT' },
  { name: 'SMALLINT' },
  { name: 'INT' },
  { name: 'BIGINT' },
  { name: 'FLOAT' },
  { name: 'DOUBLE' },
  { name: 'TIMESTAMP' },
  { name: 'DATE' },
  { name: 'STRING' },
  { name: 'VARCHAR' },
  { name: 'BINARY' },
  { name: 'DECIMAL' },
  { name: 'CHAR' },
  { name: 'ARRAY' },
  { name: 'MAP' },
  { name: 'STRUCT' },
];
