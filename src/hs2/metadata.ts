/**
 * The HS2 metadata calls as the client makes them: JDBC's
 * `DatabaseMetaData` methods (getSchemas, getTables, getColumns, …), each an
 * HS2 request (GetSchemas, GetTables, GetColumns, …) that opens an
 * operation on the server; its rows are read like a query's
 * (GetResultSetMetadata with the first FetchResults right behind it, then
 * CloseImpalaOperation) and returned as typed rows (see metadata-rows.ts).
 *
 * Patterns are JDBC search patterns, matched by the server: `%` any
 * sequence, `_` any one character, `\` escapes either. impalad matches them
 * against its lower-case names, case-sensitively, and an absent or empty
 * pattern matches everything.
 *
 * @module
 */
import { tcli } from '../wire/gen.js';
import { describe, rejectUnknown } from '../util/validate.js';
import {
  CATALOG_LAYOUT,
  COLUMN_LAYOUT,
  CROSS_REFERENCE_LAYOUT,
  FUNCTION_LAYOUT,
  PRIMARY_KEY_LAYOUT,
  SCHEMA_LAYOUT,
  TABLE_LAYOUT,
  TABLE_TYPE_LAYOUT,
  TYPE_INFO_LAYOUT,
  type CatalogRow,
  type ColumnRow,
  type CrossReferenceRow,
  type FunctionRow,
  type PrimaryKeyRow,
  type RowLayout,
  type SchemaRow,
  type TableRow,
  type TableTypeRow,
  type TypeInfoRow,
} from './metadata-rows.js';
import type { RpcMethod } from './rpc-channel.js';
import { resolveStatementOptions, type ResolvedStatementOptions } from './statement-options.js';

/** What every metadata call takes besides its patterns. */
export interface MetadataCallOptions {
  /** Stops the call when it fires (AbortError); the operation is closed on the server. */
  signal?: AbortSignal;
  /** Deadline for the whole call in ms, reading the rows included (QueryTimeoutError). Default: none. */
  timeoutMs?: number;
}

/** Options of `getSchemas`. */
export interface SchemasOptions extends MetadataCallOptions {
  /** Databases to list (JDBC pattern). Default: all. */
  schemaPattern?: string;
}

/** Options of `getTables`. */
export interface TablesOptions extends MetadataCallOptions {
  /** Databases to look in (JDBC pattern). Default: all. */
  schemaPattern?: string;
  /** Tables to list (JDBC pattern). Default: all. */
  tablePattern?: string;
  /** Only tables of these types (`TABLE`, `VIEW`; any case). Default: every type. */
  tableTypes?: readonly string[];
}

/** Options of `getColumns`. */
export interface ColumnsOptions extends MetadataCallOptions {
  /** Databases to look in (JDBC pattern). Default: all. */
  schemaPattern?: string;
  /** Tables to look in (JDBC pattern). Default: all. */
  tablePattern?: string;
  /** Columns to list (JDBC pattern). Default: all. */
  columnPattern?: string;
}

/** Options of `getFunctions`. */
export interface FunctionsOptions extends MetadataCallOptions {
  /** Databases to look in (JDBC pattern). impalad lists functions only without one (or with `%`). */
  schemaPattern?: string;
  /** Functions to list (JDBC pattern; `%` for all). */
  functionPattern: string;
}

/** Options of `getPrimaryKeys`. */
export interface PrimaryKeysOptions extends MetadataCallOptions {
  /** Database of the table. Default: any. */
  schemaName?: string;
  /** The table. */
  tableName: string;
}

/** Options of `getCrossReference`: foreign keys of the foreign table, those referencing the parent table when both parent names are given. */
export interface CrossReferenceOptions extends MetadataCallOptions {
  /** Database of the referenced table. */
  parentSchemaName?: string;
  /** The referenced table. */
  parentTableName?: string;
  /** Database of the referencing table. */
  foreignSchemaName?: string;
  /** The referencing table. */
  foreignTableName?: string;
}

/** The rows of a metadata call and where they came from. */
export interface MetadataResult<R> {
  /** The rows, with JDBC's column names. */
  rows: R[];
  /** Id of the server operation (impalad registers each call as a query). */
  queryId: string;
  /** `host:port` of the coordinator that answered. */
  coordinator: string;
}

/** What a metadata call names, for the pool's routing (literal names only; patterns with wildcards name nothing). */
export interface MetadataScope {
  /** Database pattern or name. */
  schema?: string | undefined;
  /** Table pattern or name. */
  table?: string | undefined;
}

/**
 * An HS2 session handle (TCLIService's TSessionHandle) by its shape. The public
 * API's declarations reach this file, and naming the generated type here would
 * make every TypeScript consumer load the generated bindings and the untyped
 * `thrift` and `node-int64` modules behind them.
 */
interface SessionHandle {
  sessionId: { guid: Buffer; secret: Buffer };
}

/**
 * One metadata call, ready to send on a connection.
 *
 * @internal
 */
export interface MetadataCall<R> {
  /** The HS2 method. */
  method: RpcMethod;
  /** impalad's name of the operation (`GET_TABLES`): the verb the pool's diagnostics report. */
  verb: string;
  /** The request for a session. */
  request(session: SessionHandle): unknown;
  /** How to read the rows. */
  layout: RowLayout<R>;
  /** The names it targets. */
  scope: MetadataScope;
  /** Its validated stop options. */
  so: ResolvedStatementOptions;
}

const CALL_OPTIONS = ['signal', 'timeoutMs'];

/** Checks `options` and the pattern keys in it; returns the stop options. */
function resolve(
  what: string,
  options: object | undefined,
  patterns: readonly string[],
  required: readonly string[],
  extraKnown: readonly string[],
): ResolvedStatementOptions {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new TypeError(`${what} options must be an object, got ${describe(options)}`);
  }
  const o = (options ?? {}) as Record<string, unknown>;
  rejectUnknown(what, o, [...CALL_OPTIONS, ...patterns, ...extraKnown]);
  for (const key of patterns) {
    const v = o[key];
    if (v === undefined && !required.includes(key)) continue;
    if (typeof v !== 'string') throw new TypeError(`option ${key} must be a string, got ${describe(v)}`);
  }
  return resolveStatementOptions({ signal: o.signal as AbortSignal | undefined, timeoutMs: o.timeoutMs as number | undefined });
}

function tableTypes(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((t) => typeof t !== 'string'))
    throw new TypeError(`option tableTypes must be an array of strings, got ${describe(v)}`);
  return [...(v as string[])];
}

/**
 * Builds the metadata calls from the caller's options. `extraKnown` names
 * options a caller above the connection adds (the pool's `affinityKey`).
 *
 * @internal
 * @throws TypeError naming the first bad option
 */
export const metadataCalls = {
  getCatalogs(options: MetadataCallOptions | undefined, extraKnown: readonly string[] = []): MetadataCall<CatalogRow> {
    const so = resolve('getCatalogs', options, [], [], extraKnown);
    return {
      method: 'GetCatalogs',
      verb: 'GET_CATALOGS',
      layout: CATALOG_LAYOUT,
      scope: {},
      so,
      request: (sessionHandle) => new tcli.TGetCatalogsReq({ sessionHandle }),
    };
  },

  getSchemas(options: SchemasOptions | undefined, extraKnown: readonly string[] = []): MetadataCall<SchemaRow> {
    const so = resolve('getSchemas', options, ['schemaPattern'], [], extraKnown);
    const schemaName = options?.schemaPattern;
    return {
      method: 'GetSchemas',
      verb: 'GET_SCHEMAS',
      layout: SCHEMA_LAYOUT,
      scope: { schema: schemaName },
      so,
      request: (sessionHandle) => new tcli.TGetSchemasReq({ sessionHandle, ...(schemaName === undefined ? {} : { schemaName }) }),
    };
  },

  getTables(options: TablesOptions | undefined, extraKnown: readonly string[] = []): MetadataCall<TableRow> {
    const so = resolve('getTables', options, ['schemaPattern', 'tablePattern'], [], [...extraKnown, 'tableTypes']);
    const types = tableTypes(options?.tableTypes);
    const { schemaPattern: schemaName, tablePattern: tableName } = options ?? {};
    return {
      method: 'GetTables',
      verb: 'GET_TABLES',
      layout: TABLE_LAYOUT,
      scope: { schema: schemaName, table: tableName },
      so,
      request: (sessionHandle) =>
        new tcli.TGetTablesReq({
          sessionHandle,
          ...(schemaName === undefined ? {} : { schemaName }),
          ...(tableName === undefined ? {} : { tableName }),
          ...(types === undefined ? {} : { tableTypes: types }),
        }),
    };
  },

  getTableTypes(options: MetadataCallOptions | undefined, extraKnown: readonly string[] = []): MetadataCall<TableTypeRow> {
    const so = resolve('getTableTypes', options, [], [], extraKnown);
    return {
      method: 'GetTableTypes',
      verb: 'GET_TABLE_TYPES',
      layout: TABLE_TYPE_LAYOUT,
      scope: {},
      so,
      request: (sessionHandle) => new tcli.TGetTableTypesReq({ sessionHandle }),
    };
  },

  getColumns(options: ColumnsOptions | undefined, extraKnown: readonly string[] = []): MetadataCall<ColumnRow> {
    const so = resolve('getColumns', options, ['schemaPattern', 'tablePattern', 'columnPattern'], [], extraKnown);
    const { schemaPattern: schemaName, tablePattern: tableName, columnPattern: columnName } = options ?? {};
    return {
      method: 'GetColumns',
      verb: 'GET_COLUMNS',
      layout: COLUMN_LAYOUT,
      scope: { schema: schemaName, table: tableName },
      so,
      request: (sessionHandle) =>
        new tcli.TGetColumnsReq({
          sessionHandle,
          ...(schemaName === undefined ? {} : { schemaName }),
          ...(tableName === undefined ? {} : { tableName }),
          ...(columnName === undefined ? {} : { columnName }),
        }),
    };
  },

  getFunctions(options: FunctionsOptions, extraKnown: readonly string[] = []): MetadataCall<FunctionRow> {
    const so = resolve('getFunctions', options, ['schemaPattern', 'functionPattern'], ['functionPattern'], extraKnown);
    const { schemaPattern: schemaName, functionPattern: functionName } = options;
    return {
      method: 'GetFunctions',
      verb: 'GET_FUNCTIONS',
      layout: FUNCTION_LAYOUT,
      scope: { schema: schemaName },
      so,
      request: (sessionHandle) =>
        new tcli.TGetFunctionsReq({ sessionHandle, functionName, ...(schemaName === undefined ? {} : { schemaName }) }),
    };
  },

  getTypeInfo(options: MetadataCallOptions | undefined, extraKnown: readonly string[] = []): MetadataCall<TypeInfoRow> {
    const so = resolve('getTypeInfo', options, [], [], extraKnown);
    return {
      method: 'GetTypeInfo',
      verb: 'GET_TYPE_INFO',
      layout: TYPE_INFO_LAYOUT,
      scope: {},
      so,
      request: (sessionHandle) => new tcli.TGetTypeInfoReq({ sessionHandle }),
    };
  },

  getPrimaryKeys(options: PrimaryKeysOptions, extraKnown: readonly string[] = []): MetadataCall<PrimaryKeyRow> {
    const so = resolve('getPrimaryKeys', options, ['schemaName', 'tableName'], ['tableName'], extraKnown);
    const { schemaName, tableName } = options;
    return {
      method: 'GetPrimaryKeys',
      verb: 'GET_PRIMARY_KEYS',
      layout: PRIMARY_KEY_LAYOUT,
      scope: { schema: schemaName, table: tableName },
      so,
      request: (sessionHandle) =>
        new tcli.TGetPrimaryKeysReq({ sessionHandle, tableName, ...(schemaName === undefined ? {} : { schemaName }) }),
    };
  },

  getCrossReference(options: CrossReferenceOptions | undefined, extraKnown: readonly string[] = []): MetadataCall<CrossReferenceRow> {
    const names = ['parentSchemaName', 'parentTableName', 'foreignSchemaName', 'foreignTableName'] as const;
    const so = resolve('getCrossReference', options, names, [], extraKnown);
    const given: Partial<Record<(typeof names)[number], string>> = {};
    for (const k of names) if (options?.[k] !== undefined) given[k] = options[k];
    return {
      method: 'GetCrossReference',
      verb: 'GET_CROSS_REFERENCE',
      layout: CROSS_REFERENCE_LAYOUT,
      scope: { schema: given.foreignSchemaName, table: given.foreignTableName },
      so,
      request: (sessionHandle) => new tcli.TGetCrossReferenceReq({ sessionHandle, ...given }),
    };
  },
};
