/**
 * The HS2 metadata calls through the stock thrift runtime and the
 * generated client (none of impala-pool's client code): call, read the
 * result metadata, fetch every row, close.
 */
import { impala, tcli, type TCLITypes } from '../../../src/wire/gen.js';
import { columnValues, expectOk, fetchAll, type RawSession } from './raw-client.js';

/** The metadata calls by HS2 method name, each with its request struct. */
export const METADATA_REQUESTS = {
  GetTypeInfo: tcli.TGetTypeInfoReq,
  GetCatalogs: tcli.TGetCatalogsReq,
  GetSchemas: tcli.TGetSchemasReq,
  GetTables: tcli.TGetTablesReq,
  GetTableTypes: tcli.TGetTableTypesReq,
  GetColumns: tcli.TGetColumnsReq,
  GetFunctions: tcli.TGetFunctionsReq,
  GetPrimaryKeys: tcli.TGetPrimaryKeysReq,
  GetCrossReference: tcli.TGetCrossReferenceReq,
} as const;

/** A metadata method name. */
export type MetadataMethod = keyof typeof METADATA_REQUESTS;

/** What a metadata call answered, and its rows. */
export interface MetadataAnswer {
  /** The call's own answer (status and handle). */
  resp: { status: TCLITypes.TStatus; operationHandle?: TCLITypes.TOperationHandle | null };
  /** GetResultSetMetadata's columns: name and TTypeId. */
  columns: Array<{ name: string; typeId: number }>;
  /** The rows, each an object keyed by the server's column names. */
  rows: Array<Record<string, unknown>>;
}

/** Sends one metadata call with `fields` (besides the session) and returns its answer, without reading rows. */
export function callMetadata(s: RawSession, method: MetadataMethod, fields: Record<string, unknown> = {}) {
  const Req = METADATA_REQUESTS[method] as unknown as new (args: object) => unknown;
  const call = (s.client as unknown as Record<string, (req: unknown) => Promise<MetadataAnswer['resp']>>)[method]!;
  return call.call(s.client, new Req({ sessionHandle: s.session, ...fields }));
}

/** Runs a metadata call to the end: its answer, columns and rows; closes the operation. */
export async function metadata(s: RawSession, method: MetadataMethod, fields: Record<string, unknown> = {}): Promise<MetadataAnswer> {
  const resp = await callMetadata(s, method, fields);
  expectOk(resp.status);
  const op = resp.operationHandle!;
  const md = await s.client.GetResultSetMetadata(new tcli.TGetResultSetMetadataReq({ operationHandle: op }));
  expectOk(md.status);
  const columns = md.schema!.columns.map((c) => ({ name: c.columnName, typeId: c.typeDesc.types[0]!.primitiveEntry!.type }));
  const rowSets = await fetchAll(s, op);
  const data = columns.map((_, i) => columnValues(rowSets, i));
  const rows = (data[0] ?? []).map((_, r) => Object.fromEntries(columns.map((c, i) => [c.name, data[i]![r]])));
  expectOk((await s.client.CloseImpalaOperation(new impala.TCloseImpalaOperationReq({ operationHandle: op }))).status);
  return { resp, columns, rows };
}
