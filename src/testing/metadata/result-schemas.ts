/**
 * The result-set columns of the HS2 metadata calls, as impalad declares
 * them (Impala's fe/src/main/java/org/apache/impala/service/MetadataOp.java,
 * `initialzeResultSetSchemas`), names included as impalad spells them:
 * GetColumns' second column is `TABLE_MD` and the key sequence of
 * GetPrimaryKeys and GetCrossReference is `KEQ_SEQ` there.
 *
 * @module
 */
import type { MetadataColumn, MetadataColumnType } from './result-cells.js';

const columns = (...spec: Array<[string, MetadataColumnType]>): readonly MetadataColumn[] => spec.map(([name, type]) => ({ name, type }));

/** GetCatalogs. */
export const CATALOGS_SCHEMA = columns(['TABLE_CAT', 'STRING']);

/** GetSchemas. */
export const SCHEMAS_SCHEMA = columns(['TABLE_SCHEM', 'STRING'], ['TABLE_CATALOG', 'STRING']);

/** GetTables. */
export const TABLES_SCHEMA = columns(
  ['TABLE_CAT', 'STRING'],
  ['TABLE_SCHEM', 'STRING'],
  ['TABLE_NAME', 'STRING'],
  ['TABLE_TYPE', 'STRING'],
  ['REMARKS', 'STRING'],
);

/** GetTableTypes. */
export const TABLE_TYPES_SCHEMA = columns(['TABLE_TYPE', 'STRING']);

/** GetColumns. */
export const COLUMNS_SCHEMA = columns(
  ['TABLE_CAT', 'STRING'],
  ['TABLE_MD', 'STRING'],
  ['TABLE_NAME', 'STRING'],
  ['COLUMN_NAME', 'STRING'],
  ['DATA_TYPE', 'INT'],
  ['TYPE_NAME', 'STRING'],
  ['COLUMN_SIZE', 'INT'],
  ['BUFFER_LENGTH', 'INT'],
  ['DECIMAL_DIGITS', 'INT'],
  ['NUM_PREC_RADIX', 'INT'],
  ['NULLABLE', 'INT'],
  ['REMARKS', 'STRING'],
  ['COLUMN_DEF', 'STRING'],
  ['SQL_DATA_TYPE', 'INT'],
  ['SQL_DATETIME_SUB', 'INT'],
  ['CHAR_OCTET_LENGTH', 'INT'],
  ['ORDINAL_POSITION', 'INT'],
  ['IS_NULLABLE', 'STRING'],
  ['SCOPE_CATALOG', 'STRING'],
  ['SCOPE_SCHEMA', 'STRING'],
  ['SCOPE_TABLE', 'STRING'],
  ['SOURCE_DATA_TYPE', 'SMALLINT'],
  ['IS_AUTO_INCREMENT', 'STRING'],
);

/** GetTypeInfo. */
export const TYPE_INFO_SCHEMA = columns(
  ['TYPE_NAME', 'STRING'],
  ['DATA_TYPE', 'INT'],
  ['PRECISION', 'INT'],
  ['LITERAL_PREFIX', 'STRING'],
  ['LITERAL_SUFFIX', 'STRING'],
  ['CREATE_PARAMS', 'STRING'],
  ['NULLABLE', 'INT'],
  ['CASE_SENSITIVE', 'BOOLEAN'],
  ['SEARCHABLE', 'SMALLINT'],
  ['UNSIGNED_ATTRIBUTE', 'BOOLEAN'],
  ['FIXED_PREC_SCALE', 'BOOLEAN'],
  ['AUTO_INCREMENT', 'BOOLEAN'],
  ['LOCAL_TYPE_NAME', 'STRING'],
  ['MINIMUM_SCALE', 'SMALLINT'],
  ['MAXIMUM_SCALE', 'SMALLINT'],
  ['SQL_DATA_TYPE', 'INT'],
  ['SQL_DATETIME_SUB', 'INT'],
  ['NUM_PREC_RADIX', 'INT'],
);

/** GetFunctions. */
export const FUNCTIONS_SCHEMA = columns(
  ['FUNCTION_CAT', 'STRING'],
  ['FUNCTION_SCHEM', 'STRING'],
  ['FUNCTION_NAME', 'STRING'],
  ['REMARKS', 'STRING'],
  ['FUNCTION_TYPE', 'INT'],
  ['SPECIFIC_NAME', 'STRING'],
);

/** GetPrimaryKeys. */
export const PRIMARY_KEYS_SCHEMA = columns(
  ['TABLE_CAT', 'STRING'],
  ['TABLE_SCHEM', 'STRING'],
  ['TABLE_NAME', 'STRING'],
  ['COLUMN_NAME', 'STRING'],
  ['KEQ_SEQ', 'INT'],
  ['PK_NAME', 'STRING'],
);

/** GetCrossReference. */
export const CROSS_REFERENCE_SCHEMA = columns(
  ['PKTABLE_CAT', 'STRING'],
  ['PKTABLE_SCHEM', 'STRING'],
  ['PKTABLE_NAME', 'STRING'],
  ['PKCOLUMN_NAME', 'STRING'],
  ['FKTABLE_CAT', 'STRING'],
  ['FKTABLE_SCHEM', 'STRING'],
  ['FKTABLE_NAME', 'STRING'],
  ['FKCOLUMN_NAME', 'STRING'],
  ['KEQ_SEQ', 'INT'],
  ['UPDATE_RULE', 'INT'],
  ['DELETE_RULE', 'INT'],
  ['FK_NAME', 'STRING'],
  ['PK_NAME', 'STRING'],
  ['DEFERRABILITY', 'INT'],
);
