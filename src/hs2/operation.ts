/**
 * One statement's life on the server. A statement with a result set, when
 * its rows are wanted: ExecuteStatement → GetResultSetMetadata with the
 * first FetchResults pipelined behind it → more FetchResults (each waits on
 * the server until rows are ready) → CloseImpalaOperation, which the
 * connection may leave running after the caller has its rows. Any other statement: ExecuteStatement → poll
 * GetOperationStatus with backoff until it finished → CloseImpalaOperation
 * (DML row counts). On abort or timeout it sends CancelOperation; every
 * path closes the operation it opened.
 *
 * What this relies on, from Impala's source (be/src/service/):
 * - ExecuteStatement returns once the statement is planned: planning runs
 *   inside it (`ImpalaServer::ExecuteInternal` → `RunFrontendPlanner`, in
 *   impala-server.cc), and the result columns are set under the query's
 *   lock together with its registration. So `GetResultSetMetadata` right
 *   after ExecuteStatement answers the final columns without waiting for
 *   anything (`ImpalaServer::GetResultSetMetadata`, impala-hs2-server.cc,
 *   only reads `result_metadata()`), and analysis errors are
 *   ExecuteStatement's own.
 * - FetchResults waits for the rows, up to FETCH_ROWS_TIMEOUT_MS, then
 *   answers 0 rows with `hasMoreRows = true` (see fetch-wait.ts).
 * - FetchResults on a query that failed or was cancelled answers
 *   ERROR_STATUS with the query's error, and impalad unregisters (closes)
 *   the query then, unless the error is recoverable, which only FETCH_FIRST
 *   can give (`ImpalaServer::FetchResults`; `FetchInternal` returns the
 *   query status).
 * - FetchResults on a statement without a result set (DML) waits for it
 *   like for a query, then finds eos set when execution ended
 *   (`ClientRequestState::WaitInternal`) and answers no rows with
 *   `hasMoreRows = false`. It is not used for those here: they are polled
 *   until finished, since closing a running DML would cancel it and its
 *   row counts come with the close.
 *
 * @module
 * @internal
 */
import { ImpalaError, ProtocolError } from '../errors.js';
import { impala, tcli, type ImpalaTypes, type TCLITypes } from '../wire/gen.js';
import { queryIdFromGuid } from '../wire/query-id.js';
import type { Column } from './columns.js';
import type { StopCondition } from './deadline.js';
import { columnsFromSchema, decodeColumns } from './result-decode.js';
import type { RpcChannel, RpcMethod } from './rpc-channel.js';
import type { DecodeOptions, Value } from './row-set.js';
import { checkStatus, serverError, type StatusContext } from './status.js';

/** What an operation needs from its connection. */
export interface OperationContext {
  channel: RpcChannel;
  session: TCLITypes.TSessionHandle;
  coordinator: string;
  fetchSize: number;
  maxPollIntervalMs: number;
  decode: DecodeOptions;
}

/** How {@link Operation.run} waits for the statement. */
export interface RunOptions {
  /** The statement's confOverlay. */
  confOverlay: Record<string, string>;
  /**
   * True when the caller fetches the rows: a statement with a result set
   * then goes straight to GetResultSetMetadata and blocking fetches, without
   * polling GetOperationStatus. False: poll until it finished.
   */
  fetchRows: boolean;
  /** How long the server may hold one FetchResults call, in ms (the overlay's FETCH_ROWS_TIMEOUT_MS); unused without `fetchRows`. */
  fetchWaitMs: number;
}

/**
 * A request that opens the operation instead of ExecuteStatement: an HS2
 * metadata call (GetTables, …), whose answer carries a status and a handle
 * as ExecuteStatement's does.
 */
export interface OperationRequest {
  /** The HS2 method. */
  method: RpcMethod;
  /** Its request struct. */
  request: unknown;
}

/** One batch of fetched rows, column-major. */
export interface Batch {
  data: Value[][];
  rowCount: number;
  hasMoreRows: boolean;
}

/** An operation on the server and what is known about it. */
export class Operation {
  private handle: TCLITypes.TOperationHandle | undefined;
  private closed = false;
  private exhausted = false;
  /** Impala query id, once the server assigned one. */
  queryId: string | undefined;
  /** Result columns, once read. */
  columns: Column[] = [];
  /** Rows handed out so far. */
  rowsDelivered = 0;
  /** Whether ExecuteStatement may have reached the server. */
  sent = false;
  /** How long the server may hold one FetchResults call, in ms. */
  fetchWaitMs = 0;
  /** The server already closed the operation (impalad does on a failed fetch): nothing is left to cancel or close. */
  private gone = false;
  /** The first FetchResults, sent together with GetResultSetMetadata; taken by the first {@link fetch}. */
  private firstFetch: Promise<TCLITypes.TFetchResultsResp> | undefined;

  /**
   * @param ctx - the connection's channel and session
   * @param sql - the statement (for a metadata call, its name)
   * @param stop - the call's stop condition
   * @param opening - the metadata call that opens it; default ExecuteStatement of `sql`
   */
  constructor(
    private readonly ctx: OperationContext,
    readonly sql: string,
    private readonly stop: StopCondition,
    private readonly opening?: OperationRequest,
  ) {}

  /** Whether the statement returns rows. */
  get hasResultSet(): boolean {
    return this.handle?.hasResultSet ?? false;
  }

  /**
   * Runs ExecuteStatement (or the metadata call that opens it); then reads
   * the result columns at once (rows to be fetched) or waits until the
   * statement finished (see {@link RunOptions}).
   */
  async run(options: RunOptions): Promise<void> {
    this.stop.check();
    this.fetchWaitMs = options.fetchWaitMs;
    const method = this.opening?.method ?? 'ExecuteStatement';
    const req =
      this.opening?.request ??
      new tcli.TExecuteStatementReq({
        sessionHandle: this.ctx.session,
        statement: this.sql,
        confOverlay: options.confOverlay,
        runAsync: true,
      });
    let resp: TCLITypes.TExecuteStatementResp;
    this.sent = true;
    // Behind nothing but the connection's own clean-up (the last query's
    // close), the statement goes out at once instead of a round trip later.
    // (A metadata call's answer has the same shape: a status and a handle.)
    const call = this.ctx.channel.call<TCLITypes.TExecuteStatementResp>(method, req, { pipeline: !this.ctx.channel.owesCaller });
    // A caller that stopped waiting still leaves a statement to cancel and
    // close once the answer comes: keep its handle then too.
    call.then(
      (r) => this.adopt(r),
      () => undefined,
    );
    try {
      resp = await this.stop.race(call);
    } catch (err) {
      // A write that never happened is the only case known not to have reached the server.
      if ((err as ImpalaError).statementSent === false) this.sent = false;
      throw this.annotate(err, this.sent);
    }
    this.adopt(resp);
    checkStatus(resp.status, method, this.statusCtx());
    if (!this.handle) throw new ProtocolError(`${method} answer from ${this.ctx.coordinator} has no operation handle`, this.statusCtx());
    // The columns are known once ExecuteStatement answered (planning is part
    // of it); the first fetch waits for the rows. Without a result set, or
    // when the rows are not wanted, the statement is polled until it finished.
    const fetching = options.fetchRows && this.handle.hasResultSet;
    if (!fetching) {
      await this.waitUntilReady();
      // Rows nobody fetches need no columns either.
      this.exhausted = true;
      return;
    }
    // The first fetch goes out right behind GetResultSetMetadata: the server
    // finds it waiting, so the caller waits one round trip for both.
    const columns = this.readMetadata();
    const first = this.fetchOnce(true);
    this.firstFetch = first;
    // Read by fetch(); when the columns fail, nobody does.
    first.catch(() => undefined);
    await columns;
  }

  private adopt(resp: TCLITypes.TExecuteStatementResp): void {
    if (this.handle) return;
    // A failed metadata call opened nothing to cancel or close, though
    // impalad sends an empty handle with it (ImpalaServer::GetTables & co.).
    const code = resp.status?.statusCode;
    if (this.opening && code !== tcli.TStatusCode.SUCCESS_STATUS && code !== tcli.TStatusCode.SUCCESS_WITH_INFO_STATUS) return;
    this.handle = resp.operationHandle ?? undefined;
    this.queryId = queryIdFromGuid(this.handle?.operationId?.guid);
  }

  /**
   * Fetches the next batch with rows; empty and `hasMoreRows: false` at the
   * end. An answer of 0 rows with `hasMoreRows = true` (impalad's "not
   * ready yet" once FETCH_ROWS_TIMEOUT_MS ran out, with STILL_EXECUTING_STATUS
   * before the rows are ready) is asked again until rows or the end come,
   * or the call is stopped. A server that gives such answers at once is
   * asked again with the backoff of status polling, not in a tight loop.
   */
  async fetch(): Promise<Batch> {
    if (this.exhausted || !this.handle) return { data: this.columns.map(() => []), rowCount: 0, hasMoreRows: false };
    let delay = 0;
    for (;;) {
      this.stop.check();
      const askedAt = performance.now();
      const sent = this.firstFetch;
      this.firstFetch = undefined;
      const resp = await (sent ?? this.fetchOnce());
      const notReady = resp.status.statusCode === tcli.TStatusCode.STILL_EXECUTING_STATUS;
      const data = this.decoded('FetchResults', () => decodeColumns(resp.results, this.columns, this.ctx.decode));
      const rowCount = data[0]?.length ?? 0;
      // Some servers omit hasMoreRows on the last batch; an empty batch ends it too.
      const hasMoreRows = resp.hasMoreRows === true || (resp.hasMoreRows == null && (rowCount > 0 || notReady));
      if (rowCount > 0 || !hasMoreRows) {
        if (!hasMoreRows) this.exhausted = true;
        this.rowsDelivered += rowCount;
        return { data, rowCount, hasMoreRows };
      }
      // Not ready yet: the server held the call for its FETCH_ROWS_TIMEOUT_MS; ask again.
      const waited = performance.now() - askedAt;
      if (delay > waited) await this.stop.sleep(delay - waited);
      delay = Math.min(Math.max(1, delay * 2), this.ctx.maxPollIntervalMs);
    }
  }

  private async fetchOnce(pipeline = false): Promise<TCLITypes.TFetchResultsResp> {
    const resp = await this.rpc<TCLITypes.TFetchResultsResp>(
      'FetchResults',
      new tcli.TFetchResultsReq({
        operationHandle: this.handle!,
        orientation: tcli.TFetchOrientation.FETCH_NEXT,
        // The runtime's writeI64 takes plain numbers too.
        maxRows: this.ctx.fetchSize as unknown as TCLITypes.TFetchResultsReq['maxRows'],
      }),
      pipeline,
    );
    const code = resp.status?.statusCode;
    // impalad unregisters the query when a FETCH_NEXT fails (ImpalaServer::FetchResults).
    if (
      code !== undefined &&
      code !== null &&
      code !== tcli.TStatusCode.SUCCESS_STATUS &&
      code !== tcli.TStatusCode.SUCCESS_WITH_INFO_STATUS &&
      code !== tcli.TStatusCode.STILL_EXECUTING_STATUS
    ) {
      this.gone = true;
    }
    checkStatus(resp.status, 'FetchResults', this.statusCtx());
    return resp;
  }

  /** Asks the server to stop the statement (best effort). */
  async cancel(background = false): Promise<void> {
    if (!this.handle || this.closed || this.gone || !this.ctx.channel.open) return;
    try {
      const resp = await this.ctx.channel.call<TCLITypes.TCancelOperationResp>(
        'CancelOperation',
        new tcli.TCancelOperationReq({ operationHandle: this.handle }),
        { background },
      );
      void resp;
    } catch {
      // Cancelling is best effort: the close that follows frees the operation either way.
    }
  }

  /**
   * Closes the operation on the server; returns the number of rows a DML
   * statement modified (0 for others). Safe to call more than once. The
   * call is queued on the channel at once, before the first await, so a
   * call made after this one queues behind it. `background` marks it as
   * work nobody waits for (see {@link RpcChannel.call}).
   */
  async close(background = false): Promise<number> {
    if (!this.handle || this.closed) return 0;
    this.closed = true;
    if (this.gone || !this.ctx.channel.open) return 0;
    const resp = await this.ctx.channel.call<ImpalaTypes.TCloseImpalaOperationResp>(
      'CloseImpalaOperation',
      new impala.TCloseImpalaOperationReq({ operationHandle: this.handle }),
      // Sent right behind the last fetch's answer; a statement the connection
      // runs next may follow it without waiting for this answer.
      { background, pipeline: background },
    );
    checkStatus(resp.status, 'CloseImpalaOperation', this.statusCtx());
    return sumRows(resp.dml_result?.rows_modified) + sumRows(resp.dml_result?.rows_deleted);
  }

  /** Reads the runtime profile (STRING format) while the operation is open. */
  async runtimeProfile(): Promise<string> {
    const resp = await this.rpc<ImpalaTypes.TGetRuntimeProfileResp>(
      'GetRuntimeProfile',
      new impala.TGetRuntimeProfileReq({
        operationHandle: this.handle,
        sessionHandle: this.ctx.session,
        format: impala.TRuntimeProfileFormat.STRING,
      }),
    );
    checkStatus(resp.status, 'GetRuntimeProfile', this.statusCtx());
    return resp.profile ?? '';
  }

  /** Reads the exec summary while the operation is open. */
  async execSummary(): Promise<ImpalaTypes.TExecSummary | undefined> {
    const resp = await this.rpc<ImpalaTypes.TGetExecSummaryResp>(
      'GetExecSummary',
      new impala.TGetExecSummaryReq({ operationHandle: this.handle, sessionHandle: this.ctx.session }),
    );
    checkStatus(resp.status, 'GetExecSummary', this.statusCtx());
    return resp.summary ?? undefined;
  }

  /** Adds coordinator, query id and "was it sent" to an error. */
  annotate(err: unknown, statementSent = true): ImpalaError {
    const e =
      err instanceof ImpalaError
        ? err
        : new ProtocolError(`unexpected failure talking to ${this.ctx.coordinator}: ${String((err as Error)?.message ?? err)}`, {
            cause: err,
          });
    e.coordinator ??= this.ctx.coordinator;
    if (this.queryId !== undefined) e.queryId ??= this.queryId;
    e.statementSent = statementSent;
    return e;
  }

  private async waitUntilReady(): Promise<void> {
    // The first re-poll only yields to the event loop: short statements are
    // usually done by then, and a timer would cost a millisecond or more.
    let delay = 0;
    for (;;) {
      const resp = await this.rpc<TCLITypes.TGetOperationStatusResp>(
        'GetOperationStatus',
        new tcli.TGetOperationStatusReq({ operationHandle: this.handle! }),
      );
      checkStatus(resp.status, 'GetOperationStatus', this.statusCtx());
      switch (resp.operationState) {
        case tcli.TOperationState.FINISHED_STATE:
          return;
        case tcli.TOperationState.ERROR_STATE:
          throw serverError(resp.errorMessage, resp.sqlState, resp.errorCode, 'the statement failed', this.statusCtx());
        case tcli.TOperationState.CANCELED_STATE:
          throw serverError(
            resp.errorMessage,
            resp.sqlState,
            resp.errorCode,
            'the statement was cancelled on the server',
            this.statusCtx(),
          );
        case tcli.TOperationState.CLOSED_STATE:
          throw serverError(resp.errorMessage, resp.sqlState, resp.errorCode, 'the server closed the operation', this.statusCtx());
        case tcli.TOperationState.INITIALIZED_STATE:
        case tcli.TOperationState.RUNNING_STATE:
        case tcli.TOperationState.PENDING_STATE:
          break;
        default:
          // Polling on would loop for ever on a server that never says a state.
          throw new ProtocolError(`GetOperationStatus answer from ${this.ctx.coordinator} has no known operation state`, this.statusCtx());
      }
      this.stop.check();
      if (delay === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      else await this.stop.sleep(delay);
      this.stop.check();
      delay = Math.min(Math.max(1, delay * 2), this.ctx.maxPollIntervalMs);
    }
  }

  private async readMetadata(): Promise<void> {
    const resp = await this.rpc<TCLITypes.TGetResultSetMetadataResp>(
      'GetResultSetMetadata',
      new tcli.TGetResultSetMetadataReq({ operationHandle: this.handle! }),
    );
    checkStatus(resp.status, 'GetResultSetMetadata', this.statusCtx());
    this.columns = this.decoded('GetResultSetMetadata', () => columnsFromSchema(resp.schema));
  }

  /** A call the statement's timeout or abort does not wait for (a silent server must not hold the caller). */
  private rpc<T>(method: Parameters<RpcChannel['call']>[0], req: unknown, pipeline = false): Promise<T> {
    return this.stop.race(this.ctx.channel.call<T>(method, req, { pipeline }));
  }

  /** Decoding an answer: anything it throws means the answer is malformed. */
  private decoded<T>(method: string, decode: () => T): T {
    try {
      return decode();
    } catch (err) {
      if (err instanceof ProtocolError) throw err;
      throw new ProtocolError(`malformed ${method} answer from ${this.ctx.coordinator}: ${(err as Error)?.message ?? String(err)}`, {
        ...this.statusCtx(),
        cause: err,
      });
    }
  }

  private statusCtx(): StatusContext {
    return { coordinator: this.ctx.coordinator, statementSent: true, ...(this.queryId ? { queryId: this.queryId } : {}) };
  }
}

function sumRows(map: Record<string, unknown> | undefined | null): number {
  if (!map) return 0;
  let total = 0;
  for (const v of Object.values(map)) {
    const n = v as { buffer?: Buffer; offset?: number } | number;
    total += typeof n === 'number' ? n : Number(n.buffer!.readBigInt64BE(n.offset ?? 0));
  }
  return total;
}
