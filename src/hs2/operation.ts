/**
 * One statement's life on the server: ExecuteStatement → poll
 * GetOperationStatus with backoff → GetResultSetMetadata → FetchResults in
 * batches → CloseImpalaOperation. On abort or timeout it sends
 * CancelOperation; every path closes the operation it opened.
 *
 * @module
 * @internal
 */
import { ImpalaError, ProtocolError } from '../errors.js';
import { impala, tcli, type ImpalaTypes, type TCLITypes } from '../wire/gen.js';
import { queryIdFromGuid } from '../wire/query-id.js';
import { columnsFromSchema, type Column } from './columns.js';
import type { StopCondition } from './deadline.js';
import type { RpcChannel } from './rpc-channel.js';
import { decodeColumns, type DecodeOptions, type Value } from './row-set.js';
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

  constructor(
    private readonly ctx: OperationContext,
    readonly sql: string,
    private readonly stop: StopCondition,
  ) {}

  /** Whether the statement returns rows. */
  get hasResultSet(): boolean {
    return this.handle?.hasResultSet ?? false;
  }

  /** Runs ExecuteStatement and waits until the result is ready (or the statement finished). */
  async run(confOverlay: Record<string, string>): Promise<void> {
    this.stop.check();
    const req = new tcli.TExecuteStatementReq({
      sessionHandle: this.ctx.session,
      statement: this.sql,
      confOverlay,
      runAsync: true,
    });
    let resp: TCLITypes.TExecuteStatementResp;
    this.sent = true;
    const call = this.ctx.channel.call<TCLITypes.TExecuteStatementResp>('ExecuteStatement', req);
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
    checkStatus(resp.status, 'ExecuteStatement', this.statusCtx());
    if (!this.handle) throw new ProtocolError(`ExecuteStatement answer from ${this.ctx.coordinator} has no operation handle`, this.statusCtx());
    await this.waitUntilReady();
    if (this.handle.hasResultSet) await this.readMetadata();
    else this.exhausted = true;
  }

  private adopt(resp: TCLITypes.TExecuteStatementResp): void {
    if (this.handle) return;
    this.handle = resp.operationHandle ?? undefined;
    this.queryId = queryIdFromGuid(this.handle?.operationId?.guid);
  }

  /** Fetches the next batch; empty and `hasMoreRows: false` at the end. */
  async fetch(): Promise<Batch> {
    if (this.exhausted || !this.handle) return { data: this.columns.map(() => []), rowCount: 0, hasMoreRows: false };
    this.stop.check();
    const resp = await this.rpc<TCLITypes.TFetchResultsResp>(
      'FetchResults',
      new tcli.TFetchResultsReq({
        operationHandle: this.handle,
        orientation: tcli.TFetchOrientation.FETCH_NEXT,
        // The runtime's writeI64 takes plain numbers too.
        maxRows: this.ctx.fetchSize as unknown as TCLITypes.TFetchResultsReq['maxRows'],
      }),
    );
    checkStatus(resp.status, 'FetchResults', this.statusCtx());
    const data = this.decoded('FetchResults', () => decodeColumns(resp.results, this.columns, this.ctx.decode));
    const rowCount = data[0]?.length ?? 0;
    // Some servers omit hasMoreRows on the last batch; an empty batch ends it too.
    const hasMoreRows = resp.hasMoreRows === true || (resp.hasMoreRows == null && rowCount > 0);
    if (!hasMoreRows) this.exhausted = true;
    this.rowsDelivered += rowCount;
    return { data, rowCount, hasMoreRows };
  }

  /** Asks the server to stop the statement (best effort). */
  async cancel(): Promise<void> {
    if (!this.handle || this.closed || !this.ctx.channel.open) return;
    try {
      const resp = await this.ctx.channel.call<TCLITypes.TCancelOperationResp>(
        'CancelOperation',
        new tcli.TCancelOperationReq({ operationHandle: this.handle }),
      );
      void resp;
    } catch {
      // Cancelling is best effort: the close that follows frees the operation either way.
    }
  }

  /**
   * Closes the operation on the server; returns the number of rows a DML
   * statement modified (0 for others). Safe to call more than once.
   */
  async close(): Promise<number> {
    if (!this.handle || this.closed) return 0;
    this.closed = true;
    if (!this.ctx.channel.open) return 0;
    const resp = await this.ctx.channel.call<ImpalaTypes.TCloseImpalaOperationResp>(
      'CloseImpalaOperation',
      new impala.TCloseImpalaOperationReq({ operationHandle: this.handle }),
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
    const e = err instanceof ImpalaError ? err : new ProtocolError(`unexpected failure talking to ${this.ctx.coordinator}: ${String((err as Error)?.message ?? err)}`, { cause: err });
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
          throw serverError(resp.errorMessage, resp.sqlState, resp.errorCode, 'the statement was cancelled on the server', this.statusCtx());
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
  private rpc<T>(method: Parameters<RpcChannel['call']>[0], req: unknown): Promise<T> {
    return this.stop.race(this.ctx.channel.call<T>(method, req));
  }

  /** Decoding an answer: anything it throws means the answer is malformed. */
  private decoded<T>(method: string, decode: () => T): T {
    try {
      return decode();
    } catch (err) {
      if (err instanceof ProtocolError) throw err;
      throw new ProtocolError(`malformed ${method} answer from ${this.ctx.coordinator}: ${(err as Error)?.message ?? String(err)}`, { ...this.statusCtx(), cause: err });
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
