/**
 * The ImpalaHiveServer2Service methods, for the generated Processor: one
 * handler per client connection (it knows who authenticated), sharing the
 * coordinator's state. Every failure becomes a TStatus with Impala's
 * message; nothing a client sends can throw out of here.
 *
 * @module
 */
import Int64 from 'node-int64';
import { impala, tcli, type ImpalaTypes, type TCLITypes } from '../../wire/gen.js';
import { analyzeStatement } from '../engine/analyzer.js';
import type { CoordinatorState } from '../coordinator-state.js';
import { StatementError, invalidQueryHandle, invalidSession, unauthorizedSessionUser } from '../impala-errors.js';
import { DEFAULT_QUERY_OPTIONS, queryOption } from '../engine/meta-statements.js';
import { Operation } from '../engine/operation.js';
import { failed, ok } from './status.js';
import { MetadataCalls } from '../metadata/metadata-calls.js';
import { execSummary, runtimeProfile } from './profile.js';
import { formatQueryId } from './query-id.js';
import { typeDesc } from './type-desc.js';
import { RowSetBuilder } from './row-set.js';
import { Session } from './session.js';
import { IMPALA_VERSION } from './server-info.js';
import { statementKind } from '../sql/translate.js';

/** Who is on the other end of a connection (over HTTP: of one request). */
export interface ConnectionInfo {
  /** Connection number on this coordinator. */
  id: number;
  /** User authenticated by SASL (or, over HTTP, by the request's credentials or cookie), if any. */
  user: string | undefined;
  /** Peer `host:port`. */
  peer: string;
}

/** What a handler needs besides the state. */
export interface HandlerOptions {
  /** Approximate cap on one FetchResults answer, in bytes. */
  maxFetchBytes: number;
  /** Largest row count one FetchResults answers with. */
  maxFetchRows: number;
}

const V6 = tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6;

/** Impala's default FETCH_ROWS_TIMEOUT_MS (Impala's common/thrift/Query.thrift: `fetch_rows_timeout_ms = 10000`). */
export const DEFAULT_FETCH_ROWS_TIMEOUT_MS = 10_000;

/**
 * How long a statement's fetches wait for its rows, in ms (0: as long as it
 * takes): its FETCH_ROWS_TIMEOUT_MS, from the session's options with the
 * confOverlay on top, as impalad reads it when the query is registered
 * (Impala's `ClientRequestState` constructor, from `query_options()`).
 * Impala's default when unset (or not a non-negative integer, which impalad
 * would have refused; the test cluster does not validate query options).
 */
export function fetchRowsTimeoutMs(options: ReadonlyMap<string, string>): number {
  const v = options.get('FETCH_ROWS_TIMEOUT_MS')?.trim();
  return v !== undefined && /^\d{1,15}$/.test(v) ? Number(v) : DEFAULT_FETCH_ROWS_TIMEOUT_MS;
}

function printable(guid: Buffer | null | undefined): string {
  if (guid && guid.length === 16) return formatQueryId(guid);
  return guid ? guid.toString('hex') : '';
}

const STATES: Record<Operation['state'], number> = {
  INITIALIZED: tcli.TOperationState.INITIALIZED_STATE,
  PENDING: tcli.TOperationState.PENDING_STATE,
  RUNNING: tcli.TOperationState.RUNNING_STATE,
  FINISHED: tcli.TOperationState.FINISHED_STATE,
  CANCELED: tcli.TOperationState.CANCELED_STATE,
  ERROR: tcli.TOperationState.ERROR_STATE,
  CLOSED: tcli.TOperationState.CLOSED_STATE,
};

/** The service handler of one connection (the metadata calls are {@link MetadataCalls}'). */
export class Hs2Handler extends MetadataCalls {
  /**
   * @param state - the coordinator's registries and counters
   * @param conn - the client connection
   * @param options - fetch limits
   */
  constructor(
    state: CoordinatorState,
    private readonly conn: ConnectionInfo,
    private readonly options: HandlerOptions,
  ) {
    super(state);
  }

  protected session(handle: TCLITypes.TSessionHandle | null | undefined): Session {
    const id = handle?.sessionId;
    const s = id ? this.state.sessions.get(id.guid?.toString('hex') ?? '') : undefined;
    if (!s || !id?.secret || !s.secret.equals(id.secret)) throw invalidSession(printable(id?.guid));
    if (s.closed) throw s.closedReason ? new StatementError(s.closedReason) : invalidSession(s.printableId);
    this.claim(s);
    return s;
  }

  /**
   * As impalad's `ScopedSessionState::WithSession`: the request's
   * authenticated user must be the session's, and the session is now also
   * linked to this request's connection.
   */
  private claim(s: Session): void {
    if (this.conn.user !== undefined && this.conn.user !== s.user) throw unauthorizedSessionUser(this.conn.user, s.user);
    s.touch();
    s.usedOn(this.conn.id);
  }

  private operation(handle: TCLITypes.TOperationHandle | null | undefined, archived = false): Operation {
    const id = handle?.operationId;
    const key = id?.guid?.toString('hex') ?? '';
    const op = this.state.operations.get(key) ?? (archived ? this.state.archive.get(key) : undefined);
    if (!op || !id?.secret || !op.secret.equals(id.secret)) throw invalidQueryHandle(printable(id?.guid));
    this.claim(op.session);
    op.lastClientMs = performance.now();
    return op;
  }

  async OpenSession(req: TCLITypes.TOpenSessionReq): Promise<TCLITypes.TOpenSessionResp> {
    const protocol = Math.min(req.client_protocol ?? V6, V6);
    try {
      if (this.state.shutdownMessage) throw new StatementError(this.state.shutdownMessage);
      const session = new Session(this.conn.user ?? (req.username || 'anonymous'), protocol, this.conn.id, this.conn.peer);
      for (const [key, value] of Object.entries(req.configuration ?? {})) {
        const lower = key.toLowerCase();
        if (lower === 'use:database') {
          if (value) session.database = value.toLowerCase();
        } else {
          // impalad drops what SetQueryOption refuses (names it does not know) and what it ignores (removed options).
          const option = queryOption(lower.startsWith('set:hiveconf:') ? key.slice('set:hiveconf:'.length) : key);
          if (option && option.level !== 'REMOVED') session.setOption(option.name, value);
        }
      }
      this.state.sessions.set(session.key, session);
      const configuration: Record<string, string> = { ...DEFAULT_QUERY_OPTIONS, http_addr: this.state.webserverAddress };
      for (const [k, v] of session.options) configuration[k] = v;
      return new tcli.TOpenSessionResp({
        status: ok(),
        serverProtocolVersion: protocol,
        sessionHandle: new tcli.TSessionHandle({ sessionId: new tcli.THandleIdentifier({ guid: session.guid, secret: session.secret }) }),
        configuration,
      });
    } catch (err) {
      return new tcli.TOpenSessionResp({ status: failed(err), serverProtocolVersion: protocol });
    }
  }

  async CloseSession(req: TCLITypes.TCloseSessionReq): Promise<TCLITypes.TCloseSessionResp> {
    try {
      const id = req.sessionHandle?.sessionId;
      const s = this.state.sessions.get(id?.guid?.toString('hex') ?? '');
      // An expired session can still be closed, which forgets it.
      if (s?.closedReason !== undefined && id?.secret && s.secret.equals(id.secret)) {
        this.state.sessions.delete(s.key);
        return new tcli.TCloseSessionResp({ status: ok() });
      }
      this.state.closeSession(this.session(req.sessionHandle));
      return new tcli.TCloseSessionResp({ status: ok() });
    } catch (err) {
      return new tcli.TCloseSessionResp({ status: failed(err) });
    }
  }

  async GetInfo(req: TCLITypes.TGetInfoReq): Promise<TCLITypes.TGetInfoResp> {
    try {
      this.session(req.sessionHandle);
      let value: string;
      switch (req.infoType) {
        case tcli.TGetInfoType.CLI_SERVER_NAME:
        case tcli.TGetInfoType.CLI_DBMS_NAME:
          value = 'Impala';
          break;
        case tcli.TGetInfoType.CLI_DBMS_VER:
          value = IMPALA_VERSION;
          break;
        default:
          throw new StatementError('Unsupported operation');
      }
      return new tcli.TGetInfoResp({ status: ok(), infoValue: new tcli.TGetInfoValue({ stringValue: value }) });
    } catch (err) {
      return new tcli.TGetInfoResp({ status: failed(err), infoValue: new tcli.TGetInfoValue({ stringValue: '' }) });
    }
  }

  async ExecuteStatement(req: TCLITypes.TExecuteStatementReq): Promise<TCLITypes.TExecuteStatementResp> {
    try {
      const session = this.session(req.sessionHandle);
      const sql = req.statement ?? '';
      // Refused before it counts: it never reached this coordinator's planner.
      if (this.state.shutdownMessage) throw new StatementError(this.state.shutdownMessage);
      this.state.countStatement(statementKind(sql));
      const options = session.effectiveOptions(req.confOverlay);
      const syncDdl = /^(1|true)$/i.test(options.get('SYNC_DDL') ?? '');
      const exec = await analyzeStatement(
        {
          catalog: this.state.catalog,
          ...(this.state.publish ? { publish: this.state.publish } : {}),
          ...(this.state.syncCatalog ? { syncCatalog: this.state.syncCatalog } : {}),
          waitForPublish: syncDdl || this.state.propagationDelayMs === 0,
        },
        session,
        sql,
      );
      if (session.closed) {
        exec.release();
        throw invalidSession(session.printableId);
      }
      const op = new Operation(session, sql, exec, this.state, options);
      this.state.addOperation(op);
      op.start();
      return new tcli.TExecuteStatementResp({
        status: ok(),
        operationHandle: new tcli.TOperationHandle({
          operationId: new tcli.THandleIdentifier({ guid: op.guid, secret: op.secret }),
          operationType: tcli.TOperationType.EXECUTE_STATEMENT,
          hasResultSet: op.hasResultSet,
        }),
      });
    } catch (err) {
      return new tcli.TExecuteStatementResp({ status: failed(err) });
    }
  }

  /**
   * The operation's state, at once. (impalad waits up to the query option
   * LONG_POLLING_TIME_MS for completion first, default 0: `ImpalaServer::
   * GetOperationStatus` → `WaitForCompletionExecState`.) Clients that poll
   * (hive-driver, impala-shell, JDBC) keep using it; impala-pool fetches a
   * query's rows without it.
   */
  async GetOperationStatus(req: TCLITypes.TGetOperationStatusReq): Promise<TCLITypes.TGetOperationStatusResp> {
    try {
      const op = this.operation(req.operationHandle);
      const resp = new tcli.TGetOperationStatusResp({ status: ok(), operationState: STATES[op.state] });
      if (op.state === 'ERROR' && op.error) {
        resp.errorMessage = op.error.message;
        resp.sqlState = op.error.sqlState;
        resp.errorCode = 0;
      }
      return resp;
    } catch (err) {
      return new tcli.TGetOperationStatusResp({ status: failed(err) });
    }
  }

  async CancelOperation(req: TCLITypes.TCancelOperationReq): Promise<TCLITypes.TCancelOperationResp> {
    try {
      this.operation(req.operationHandle).cancel();
      return new tcli.TCancelOperationResp({ status: ok() });
    } catch (err) {
      return new tcli.TCancelOperationResp({ status: failed(err) });
    }
  }

  async CloseOperation(req: TCLITypes.TCloseOperationReq): Promise<TCLITypes.TCloseOperationResp> {
    try {
      this.state.closeOperation(this.operation(req.operationHandle));
      return new tcli.TCloseOperationResp({ status: ok() });
    } catch (err) {
      return new tcli.TCloseOperationResp({ status: failed(err) });
    }
  }

  async CloseImpalaOperation(req: ImpalaTypes.TCloseImpalaOperationReq): Promise<ImpalaTypes.TCloseImpalaOperationResp> {
    try {
      const op = this.operation(req.operationHandle);
      this.state.closeOperation(op);
      const resp = new impala.TCloseImpalaOperationResp({ status: ok() });
      if (op.exec.kind === 'dml' || op.rowsModified !== undefined) {
        resp.dml_result = new impala.TDmlResult({ rows_modified: { '': new Int64(op.rowsModified ?? 0) }, num_row_errors: new Int64(0) });
      }
      return resp;
    } catch (err) {
      return new impala.TCloseImpalaOperationResp({ status: failed(err) });
    }
  }

  /**
   * The result columns, right after ExecuteStatement, without waiting for
   * execution: impalad plans inside ExecuteStatement and sets the columns
   * together with registering the query (`ImpalaServer::ExecuteInternal`),
   * and `ImpalaServer::GetResultSetMetadata` only reads them under the
   * query's lock (Impala's be/src/service/impala-hs2-server.cc). As there, a
   * statement without columns gets a success with no schema.
   */
  async GetResultSetMetadata(req: TCLITypes.TGetResultSetMetadataReq): Promise<TCLITypes.TGetResultSetMetadataResp> {
    try {
      const op = this.operation(req.operationHandle);
      if (op.exec.columns.length === 0) return new tcli.TGetResultSetMetadataResp({ status: ok() });
      const columns = op.exec.columns.map((c, i) => new tcli.TColumnDesc({ columnName: c.name, typeDesc: typeDesc(c.type), position: i }));
      return new tcli.TGetResultSetMetadataResp({ status: ok(), schema: new tcli.TTableSchema({ columns }) });
    } catch (err) {
      return new tcli.TGetResultSetMetadataResp({ status: failed(err) });
    }
  }

  /**
   * Rows, as impalad's `ImpalaServer::FetchResults` / `FetchInternal` give
   * them (Impala's be/src/service/impala-hs2-server.cc):
   * - it waits for the statement to finish executing, at most its
   *   FETCH_ROWS_TIMEOUT_MS ({@link fetchRowsTimeoutMs}); when that runs
   *   out it answers STILL_EXECUTING_STATUS, `hasMoreRows = true` and no
   *   row set;
   * - a statement without a result set answers no rows, `hasMoreRows =
   *   false` (its eos is set when execution ends: `ClientRequestState::
   *   WaitInternal`);
   * - a failed or cancelled statement answers ERROR_STATUS with its error,
   *   and the query is unregistered (closed), since that error is not a
   *   recoverable one; the only recoverable one is a refused FETCH_FIRST,
   *   which leaves the query open.
   */
  async FetchResults(req: TCLITypes.TFetchResultsReq): Promise<TCLITypes.TFetchResultsResp> {
    try {
      const op = this.operation(req.operationHandle);
      if (req.fetchType === 1) return this.fetchLog(op);
      if (req.orientation === tcli.TFetchOrientation.FETCH_FIRST && op.rowsFetched > 0) {
        throw new StatementError('Restarting of fetch requires enabling of query result caching.');
      }
      const asked = toNumber(req.maxRows);
      const maxRows = Math.max(0, Math.min(asked, this.options.maxFetchRows));
      let batch;
      try {
        batch = await op.fetch(maxRows, this.options.maxFetchBytes, fetchRowsTimeoutMs(op.options));
      } catch (err) {
        this.state.closeOperation(op);
        throw err;
      }
      if (!batch) {
        return new tcli.TFetchResultsResp({
          status: new tcli.TStatus({ statusCode: tcli.TStatusCode.STILL_EXECUTING_STATUS }),
          hasMoreRows: true,
        });
      }
      return new tcli.TFetchResultsResp({ status: ok(), hasMoreRows: batch.hasMoreRows, results: batch.rowSet });
    } catch (err) {
      return new tcli.TFetchResultsResp({ status: failed(err) });
    }
  }

  private fetchLog(op: Operation): TCLITypes.TFetchResultsResp {
    const builder = new RowSetBuilder([{ name: 'log', type: { name: 'STRING' } }]);
    for (const line of op.logText().split('\n')) if (line !== '') builder.addRow([line]);
    return new tcli.TFetchResultsResp({ status: ok(), hasMoreRows: false, results: builder.build(0) });
  }

  async GetLog(req: TCLITypes.TGetLogReq): Promise<TCLITypes.TGetLogResp> {
    try {
      const op = this.operation(req.operationHandle);
      return new tcli.TGetLogResp({ status: ok(), log: op.logText() });
    } catch (err) {
      return new tcli.TGetLogResp({ status: failed(err), log: '' });
    }
  }

  async GetExecSummary(req: ImpalaTypes.TGetExecSummaryReq): Promise<ImpalaTypes.TGetExecSummaryResp> {
    try {
      return new impala.TGetExecSummaryResp({ status: ok(), summary: execSummary(this.operation(req.operationHandle, true)) });
    } catch (err) {
      return new impala.TGetExecSummaryResp({ status: failed(err) });
    }
  }

  async GetRuntimeProfile(req: ImpalaTypes.TGetRuntimeProfileReq): Promise<ImpalaTypes.TGetRuntimeProfileResp> {
    try {
      const op = this.operation(req.operationHandle, true);
      if ((req.format ?? impala.TRuntimeProfileFormat.STRING) !== impala.TRuntimeProfileFormat.STRING) {
        throw new StatementError('Only the STRING runtime profile format is supported by the impala-pool test cluster');
      }
      return new impala.TGetRuntimeProfileResp({ status: ok(), profile: runtimeProfile(op, this.state.address) });
    } catch (err) {
      return new impala.TGetRuntimeProfileResp({ status: failed(err) });
    }
  }

  async PingImpalaHS2Service(req: ImpalaTypes.TPingImpalaHS2ServiceReq): Promise<ImpalaTypes.TPingImpalaHS2ServiceResp> {
    try {
      this.session(req.sessionHandle);
      return new impala.TPingImpalaHS2ServiceResp({
        status: ok(),
        version: IMPALA_VERSION,
        webserver_address: this.state.webserverAddress,
        timestamp: new Int64(Math.floor(performance.now())),
      });
    } catch (err) {
      return new impala.TPingImpalaHS2ServiceResp({ status: failed(err) });
    }
  }
}

/** An i64 request field as a number (clients may send huge values; they clamp). */
function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof (v as Int64).toNumber === 'function') {
    const n = (v as Int64).toNumber(true);
    return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
  }
  return 0;
}
