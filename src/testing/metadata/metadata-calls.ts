/**
 * The HS2 metadata calls of a coordinator: GetTypeInfo, GetCatalogs,
 * GetSchemas, GetTables, GetTableTypes, GetColumns, GetFunctions,
 * GetPrimaryKeys and GetCrossReference, answered as impalad answers them
 * (Impala's be/src/service/impala-hs2-server.cc: each checks that the
 * server is not shutting down, then `ExecuteMetadataOp` validates the
 * session, has the frontend compute the whole result set, registers it as
 * a query in state FINISHED and returns its handle with `hasResultSet`).
 * The client then reads it with GetResultSetMetadata and FetchResults and
 * closes it, as a statement; until then it counts as in flight. Its
 * runtime profile names the call (`GET_TABLES`, …) as the statement and
 * DDL as the query type, as impalad's does.
 *
 * @module
 */
import { tcli, type TCLITypes } from '../../wire/gen.js';
import type { CoordinatorState } from '../coordinator-state.js';
import { fixedExecution } from '../engine/execution.js';
import { failed, ok } from '../hs2/status.js';
import { invalidSession, StatementError } from '../impala-errors.js';
import { Operation } from '../engine/operation.js';
import { StaticRowSource } from '../engine/row-source.js';
import { DEFAULT_DATABASE } from '../hs2/server-info.js';
import type { Session } from '../hs2/session.js';
import {
  getCatalogs,
  getColumns,
  getCrossReference,
  getFunctions,
  getPrimaryKeys,
  getSchemas,
  getTables,
  getTableTypes,
  getTypeInfo,
  type MetadataSource,
} from './metadata-ops.js';
import type { MetadataResultSet } from './result-cells.js';

/** impalad's `TMetadataOpcode` names: the statement text its profiles show. */
type Opcode =
  | 'GET_TYPE_INFO'
  | 'GET_CATALOGS'
  | 'GET_SCHEMAS'
  | 'GET_TABLES'
  | 'GET_TABLE_TYPES'
  | 'GET_COLUMNS'
  | 'GET_FUNCTIONS'
  | 'GET_PRIMARY_KEYS'
  | 'GET_CROSS_REFERENCE';

/**
 * The handle's operation type. impalad sets none for GetPrimaryKeys and
 * GetCrossReference (TOperationType has no value for them), which leaves
 * the field at 0, EXECUTE_STATEMENT.
 */
const OPERATION_TYPES: Record<Opcode, number> = {
  GET_TYPE_INFO: tcli.TOperationType.GET_TYPE_INFO,
  GET_CATALOGS: tcli.TOperationType.GET_CATALOGS,
  GET_SCHEMAS: tcli.TOperationType.GET_SCHEMAS,
  GET_TABLES: tcli.TOperationType.GET_TABLES,
  GET_TABLE_TYPES: tcli.TOperationType.GET_TABLE_TYPES,
  GET_COLUMNS: tcli.TOperationType.GET_COLUMNS,
  GET_FUNCTIONS: tcli.TOperationType.GET_FUNCTIONS,
  GET_PRIMARY_KEYS: tcli.TOperationType.EXECUTE_STATEMENT,
  GET_CROSS_REFERENCE: tcli.TOperationType.EXECUTE_STATEMENT,
};

/** Every metadata answer: a status and, on success, the operation's handle. */
interface MetadataResp {
  status: TCLITypes.TStatus;
  operationHandle?: TCLITypes.TOperationHandle;
}

/** How a call computes its rows from the catalog. */
type Compute = (src: MetadataSource) => MetadataResultSet | Promise<MetadataResultSet>;

/** A call whose rows do not depend on the catalog. */
type Fixed = () => MetadataResultSet;

/** The metadata half of a connection's service handler (see Hs2Handler). */
export abstract class MetadataCalls {
  /** @param state - the coordinator's registries and catalog */
  protected constructor(protected readonly state: CoordinatorState) {}

  /** The open session a handle names, claimed for this request; throws Impala's error otherwise. */
  protected abstract session(handle: TCLITypes.TSessionHandle | null | undefined): Session;

  /** JDBC `getTypeInfo`. */
  async GetTypeInfo(req: TCLITypes.TGetTypeInfoReq): Promise<TCLITypes.TGetTypeInfoResp> {
    return new tcli.TGetTypeInfoResp(await this.metadataOp(req.sessionHandle, 'GET_TYPE_INFO', getTypeInfo, false));
  }

  /** JDBC `getCatalogs`. */
  async GetCatalogs(req: TCLITypes.TGetCatalogsReq): Promise<TCLITypes.TGetCatalogsResp> {
    return new tcli.TGetCatalogsResp(await this.metadataOp(req.sessionHandle, 'GET_CATALOGS', getCatalogs, false));
  }

  /** JDBC `getSchemas`. */
  async GetSchemas(req: TCLITypes.TGetSchemasReq): Promise<TCLITypes.TGetSchemasResp> {
    return new tcli.TGetSchemasResp(await this.metadataOp(req.sessionHandle, 'GET_SCHEMAS', (src) => getSchemas(src, req)));
  }

  /** JDBC `getTables`. */
  async GetTables(req: TCLITypes.TGetTablesReq): Promise<TCLITypes.TGetTablesResp> {
    return new tcli.TGetTablesResp(await this.metadataOp(req.sessionHandle, 'GET_TABLES', (src) => getTables(src, req)));
  }

  /** JDBC `getTableTypes`. */
  async GetTableTypes(req: TCLITypes.TGetTableTypesReq): Promise<TCLITypes.TGetTableTypesResp> {
    return new tcli.TGetTableTypesResp(await this.metadataOp(req.sessionHandle, 'GET_TABLE_TYPES', getTableTypes, false));
  }

  /** JDBC `getColumns`. */
  async GetColumns(req: TCLITypes.TGetColumnsReq): Promise<TCLITypes.TGetColumnsResp> {
    return new tcli.TGetColumnsResp(await this.metadataOp(req.sessionHandle, 'GET_COLUMNS', (src) => getColumns(src, req)));
  }

  /** JDBC `getFunctions`. */
  async GetFunctions(req: TCLITypes.TGetFunctionsReq): Promise<TCLITypes.TGetFunctionsResp> {
    return new tcli.TGetFunctionsResp(await this.metadataOp(req.sessionHandle, 'GET_FUNCTIONS', (src) => getFunctions(src, req)));
  }

  /** JDBC `getPrimaryKeys`. */
  async GetPrimaryKeys(req: TCLITypes.TGetPrimaryKeysReq): Promise<TCLITypes.TGetPrimaryKeysResp> {
    return new tcli.TGetPrimaryKeysResp(await this.metadataOp(req.sessionHandle, 'GET_PRIMARY_KEYS', () => getPrimaryKeys(req), false));
  }

  /** JDBC `getCrossReference`. */
  async GetCrossReference(req: TCLITypes.TGetCrossReferenceReq): Promise<TCLITypes.TGetCrossReferenceResp> {
    return new tcli.TGetCrossReferenceResp(
      await this.metadataOp(req.sessionHandle, 'GET_CROSS_REFERENCE', () => getCrossReference(req), false),
    );
  }

  /** `ExecuteMetadataOp`: computes the rows, registers them as a finished query, answers its handle. */
  private async metadataOp(
    handle: TCLITypes.TSessionHandle | null | undefined,
    opcode: Opcode,
    compute: Compute | Fixed,
    readsCatalog = true,
  ): Promise<MetadataResp> {
    try {
      if (this.state.shutdownMessage) throw new StatementError(this.state.shutdownMessage);
      const session = this.session(handle);
      const result = readsCatalog ? await this.withCatalog(compute) : (compute as Fixed)();
      // Closed (or expired) while the catalog was read: nothing may be registered in it any more.
      if (session.closed) throw session.closedReason ? new StatementError(session.closedReason) : invalidSession(session.printableId);
      const op = new Operation(
        session,
        opcode,
        fixedExecution('ddl', result.columns, new StaticRowSource(result.rows)),
        this.state,
        session.effectiveOptions(),
      );
      this.state.addOperation(op);
      op.start();
      return {
        status: ok(),
        operationHandle: new tcli.TOperationHandle({
          operationId: new tcli.THandleIdentifier({ guid: op.guid, secret: op.secret }),
          operationType: OPERATION_TYPES[opcode],
          hasResultSet: true,
        }),
      };
    } catch (err) {
      return { status: failed(err) };
    }
  }

  private async withCatalog(compute: Compute): Promise<MetadataResultSet> {
    const catalog = this.state.catalog;
    return catalog.withConnection(DEFAULT_DATABASE, async (conn) => compute({ catalog, conn }));
  }
}
