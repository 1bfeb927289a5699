/**
 * Impala's scalar type names and their HS2 TTypeId codes, shared by the
 * client (reading result metadata) and the test server (writing it).
 *
 * @module
 */
import { tcli } from './gen.js';

/** Impala's scalar type names as result metadata reports them. */
export type ScalarTypeName =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'STRING'
  | 'VARCHAR'
  | 'CHAR'
  | 'DECIMAL'
  | 'TIMESTAMP'
  | 'DATE'
  | 'BINARY';

/** Name → TTypeId. */
export const TYPE_IDS: Readonly<Record<ScalarTypeName, number>> = {
  BOOLEAN: tcli.TTypeId.BOOLEAN_TYPE,
  TINYINT: tcli.TTypeId.TINYINT_TYPE,
  SMALLINT: tcli.TTypeId.SMALLINT_TYPE,
  INT: tcli.TTypeId.INT_TYPE,
  BIGINT: tcli.TTypeId.BIGINT_TYPE,
  FLOAT: tcli.TTypeId.FLOAT_TYPE,
  DOUBLE: tcli.TTypeId.DOUBLE_TYPE,
  STRING: tcli.TTypeId.STRING_TYPE,
  VARCHAR: tcli.TTypeId.VARCHAR_TYPE,
  CHAR: tcli.TTypeId.CHAR_TYPE,
  DECIMAL: tcli.TTypeId.DECIMAL_TYPE,
  TIMESTAMP: tcli.TTypeId.TIMESTAMP_TYPE,
  DATE: tcli.TTypeId.DATE_TYPE,
  BINARY: tcli.TTypeId.BINARY_TYPE,
};

/** TTypeId → name, for the scalar types (plus NULL, which servers may report). */
export const TYPE_NAMES: ReadonlyMap<number, ScalarTypeName | 'NULL'> = new Map<number, ScalarTypeName | 'NULL'>([
  ...Object.entries(TYPE_IDS).map(([name, id]) => [id, name as ScalarTypeName] as const),
  [tcli.TTypeId.NULL_TYPE, 'NULL'],
]);
