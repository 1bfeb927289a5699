/**
 * One direct HS2 connection to one coordinator: a socket, an HS2 session, and
 * the statement calls `query`, `execute` and `stream`.
 *
 * @module
 */
import { inspect } from 'node:util';
import { ClientClosedError, ConnectTimeoutError, ImpalaError, ProtocolError } from '../errors.js';
import { statementText, type StatementParams } from '../sql/prepare.js';
import { impala, tcli, type TCLITypes } from '../wire/gen.js';
import type { Column } from './columns.js';
import { finishesWithin } from '../util/finishes-within.js';
import { BackgroundWork } from './background-work.js';
import { StopCondition } from './deadline.js';
import { fetchWait } from './fetch-wait.js';
import {
  metadataCalls,
  type ColumnsOptions,
  type CrossReferenceOptions,
  type FunctionsOptions,
  type MetadataCall,
  type MetadataCallOptions,
  type MetadataResult,
  type PrimaryKeysOptions,
  type SchemasOptions,
  type TablesOptions,
} from './metadata.js';
import {
  decodeRows,
  type CatalogRow,
  type ColumnRow,
  type CrossReferenceRow,
  type FunctionRow,
  type PrimaryKeyRow,
  type SchemaRow,
  type TableRow,
  type TableTypeRow,
  type TypeInfoRow,
} from './metadata-rows.js';
import { Operation, type OperationContext, type OperationRequest } from './operation.js';
import { resolveConnectOptions, type ConnectOptions, type ResolvedConnectOptions } from './options.js';
import { RpcChannel } from './rpc-channel.js';
import { toRowArrays, toRowObjects, type Row, type Value } from './row-set.js';
import { openChannel } from './open-transport.js';
import { checkStatus } from './status.js';
import { resolveStatementOptions, type ResolvedStatementOptions, type StatementOptions } from './statement-options.js';
import { trackSessionState, type SessionState } from './session-state.js';

/** Rows, columns and provenance of a query. */
export interface QueryResult<R = Row> {
  /** All rows, as objects keyed by column name (or arrays with `rowMode: 'array'`). */
  rows: R[];
  /** Result columns with Impala type names. */
  columns: Column[];
  /** Impala query id (`hi:lo`). */
  queryId: string;
  /** `host:port` of the coordinator that ran it. */
  coordinator: string;
  /** The runtime profile, when asked for with `profile: true`. */
  profile?: string;
}

/** Outcome of a statement run for its effect. */
export interface ExecuteResult {
  /** Rows inserted/updated/deleted as the server reported them (0 for DDL). */
  rowsAffected: number;
  /** Impala query id (`hi:lo`). */
  queryId: string;
  /** `host:port` of the coordinator that ran it. */
  coordinator: string;
}

/** What PingImpalaHS2Service answered. */
export interface PingResult {
  /** The server's version string. */
  version: string;
  /** The impalad web UI address. */
  webserverAddress?: string;
  /** Round trip, in ms. */
  latencyMs: number;
}

/** An RPC sent and not yet answered. */
export interface PendingCall {
  /** The HS2 method, e.g. `GetOperationStatus`. */
  method: string;
  /** When it was sent (performance.now() time, ms). */
  sentAt: number;
  /**
   * True for the connection's own clean-up after a caller already has its
   * answer: the CloseImpalaOperation of a query whose rows were delivered
   * (see {@link Hs2Connection.query}), or the CancelOperation and close of
   * a stopped statement, sent once the server answered what it owed. False
   * for a call some caller waits on, or waited on until it was stopped.
   * (Whether a caller's call is queued behind it: {@link Hs2Connection.owesAnswer}.)
   */
  background: boolean;
}

/** HS2 protocol version impala-pool asks for (what impala-shell asks for). */
const CLIENT_PROTOCOL = tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6;
// A statement stopped while the server owes an answer waits this long for
// it, so a live server's statement is closed before the caller hears...
const STOP_SETTLE_MS = 250;
// ...and a silent server gets this much longer, in the background, before
// the connection is given up. A FetchResults may be held by a live server for
// the statement's FETCH_ROWS_TIMEOUT_MS: that comes on top.
const STOP_GRACE_MS = 1000;

/**
 * Opens one direct HS2 connection (socket, optional TLS and SASL, HS2 session)
 * within `connectTimeoutMs`.
 *
 * @throws TypeError for bad options; ImpalaError subclasses for connect failures
 */
export async function connect(options: ConnectOptions): Promise<Hs2Connection> {
  const opts = resolveConnectOptions(options);
  return Hs2Connection.open(opts);
}

/** A live HS2 session on one coordinator. Create with {@link connect}. */
export class Hs2Connection {
  /** `host:port` of the coordinator. */
  readonly coordinator: string;
  /** Protocol version the server agreed to. */
  readonly serverProtocolVersion: number;
  /** USE and SET statements that succeeded on this session, for replay on reconnect. */
  readonly sessionState: SessionState;
  private stateChanged = false;
  private closing = false;
  private readonly operations = new Set<Operation>();
  private readonly ctx: OperationContext;
  /** Clean-up still running for callers that returned (see {@link settled}). */
  private readonly background = new BackgroundWork();

  private constructor(
    private readonly channel: RpcChannel,
    private readonly session: TCLITypes.TSessionHandle,
    private readonly opts: ResolvedConnectOptions,
    serverProtocolVersion: number,
  ) {
    this.coordinator = `${opts.host}:${opts.port}`;
    this.serverProtocolVersion = serverProtocolVersion;
    this.sessionState = { database: opts.database, options: { ...opts.queryOptions } };
    this.ctx = {
      channel,
      session,
      coordinator: this.coordinator,
      fetchSize: opts.fetchSize,
      maxPollIntervalMs: opts.maxPollIntervalMs,
      decode: { timestampsAsDate: opts.timestampsAsDate },
    };
  }

  /** @internal Opens a connection with already-validated options. */
  static async open(opts: ResolvedConnectOptions): Promise<Hs2Connection> {
    const coordinator = `${opts.host}:${opts.port}`;
    const deadline = Date.now() + opts.connectTimeoutMs;
    const channel = await openChannel(opts, deadline);
    try {
      const configuration: Record<string, string> = { ...opts.queryOptions };
      if (opts.database) configuration['use:database'] = opts.database;
      const resp = await channel.call<TCLITypes.TOpenSessionResp>(
        'OpenSession',
        new tcli.TOpenSessionReq({
          client_protocol: CLIENT_PROTOCOL,
          ...(opts.username ? { username: opts.username } : {}),
          configuration,
        }),
        { timeoutMs: Math.max(1, deadline - Date.now()) },
      );
      checkStatus(resp.status, 'OpenSession', { coordinator, statementSent: false });
      if (!resp.sessionHandle) throw new ProtocolError(`OpenSession on ${coordinator} returned no session`, { coordinator });
      const version = resp.serverProtocolVersion ?? 0;
      if (version < CLIENT_PROTOCOL) {
        throw new ProtocolError(`${coordinator} speaks HS2 protocol V${version + 1}; impala-pool needs V6 (columnar results)`, {
          coordinator,
        });
      }
      return new Hs2Connection(channel, resp.sessionHandle, opts, version);
    } catch (err) {
      channel.close();
      const e = err instanceof ImpalaError ? err : new ProtocolError(String(err), { cause: err });
      e.coordinator ??= coordinator;
      e.statementSent = false;
      if (e.code === 'IMPALA_RPC_TIMEOUT') {
        throw new ConnectTimeoutError(`connect to ${coordinator} timed out after ${opts.connectTimeoutMs} ms (OpenSession got no answer)`, {
          coordinator,
          cause: e,
        });
      }
      throw e;
    }
  }

  /** Whether a USE or SET ran on this session since it opened (it no longer has the connect options' state). */
  get sessionChanged(): boolean {
    return this.stateChanged;
  }

  /** False once the connection failed or was closed. */
  get open(): boolean {
    return !this.closing && this.channel.open;
  }

  /** Why the connection is no longer usable, once it is not. */
  get closedReason(): ImpalaError | undefined {
    return this.channel.closedReason;
  }

  /**
   * The RPC waiting for its answer now, if any: one object per call, so
   * watchers can tell calls apart. `background` tells the connection's own
   * clean-up (see {@link PendingCall.background}) from a caller's call.
   */
  get pendingCall(): PendingCall | undefined {
    return this.channel.pendingCall;
  }

  /**
   * Whether the server owes an answer to a call some caller made (and may
   * have stopped waiting for): one in flight, or queued behind another.
   * False when nothing is outstanding, or only {@link backgroundWork} — a
   * call made then simply queues behind that, so a pool may lend the
   * connection; a connection that owes an answer would hold the next
   * borrower behind an answer that may never come.
   */
  get owesAnswer(): boolean {
    return this.channel.owesCaller;
  }

  /**
   * Whether the connection still works for callers that already returned:
   * closing the operation of a query whose rows were delivered, or
   * cancelling and closing a statement that was stopped while the server
   * owed an answer. Calls made meanwhile queue behind that work.
   */
  get backgroundWork(): boolean {
    return this.background.busy;
  }

  /**
   * Resolves once the work {@link backgroundWork} reports is done (at once
   * when there is none), successful or not, or the connection closed.
   * Never rejects.
   */
  settled(): Promise<void> {
    return this.background.settled();
  }

  /** When the server last answered on this connection (performance.now() time). */
  get lastAnswerAt(): number {
    return this.channel.lastAnswerAt;
  }

  /**
   * Registers a callback for every answer the server gives on this
   * connection: the HS2 method and how long the answer took, in ms (the
   * pool's hang detection and latency signal listen).
   */
  onAnswer(listener: (method: string, ms: number) => void): void {
    this.channel.onAnswer(listener);
  }

  /** Statements currently running on this connection. */
  get activeOperations(): number {
    return this.operations.size;
  }

  /** Registers a callback for when the socket fails or closes. */
  onClosed(listener: (err: ImpalaError) => void): void {
    this.channel.onClosed(listener);
  }

  /**
   * Runs a query and returns all its rows. A statement with a result set
   * costs the caller two round trips (ExecuteStatement; then
   * GetResultSetMetadata with the first FetchResults pipelined behind it;
   * plus one per further batch): the fetch waits on the server until the
   * rows are ready, and the operation is closed after the call returns (the
   * connection's next statement is written right behind the close; see
   * {@link backgroundWork}). Other statements are
   * polled with GetOperationStatus until they finished, then closed.
   */
  async query<R = Row>(sql: string, params?: StatementParams, options?: StatementOptions): Promise<QueryResult<R>> {
    const text = statementText(sql, params);
    const so = resolveStatementOptions(options);
    return this.withStop(so, 'statement', (stop) => this.runQuery<R>(text, so, stop));
  }

  /**
   * Runs a statement for its effect (DML, DDL, SET, USE) and returns the
   * affected row count: it is polled with GetOperationStatus until it
   * finished, and closed (CloseImpalaOperation reports DML row counts)
   * before the call returns.
   */
  async execute(sql: string, params?: StatementParams, options?: StatementOptions): Promise<ExecuteResult> {
    const text = statementText(sql, params);
    const so = resolveStatementOptions(options);
    return this.withStop(so, 'statement', (stop) => this.runExecute(text, so, stop));
  }

  /**
   * Streams a query's rows. Batches are fetched only as the loop consumes
   * them (backpressure); leaving the loop early cancels and closes the
   * operation on the server. The loop ends once the operation is closed.
   */
  async *stream<R = Row>(sql: string, params?: StatementParams, options?: StatementOptions): AsyncGenerator<R, void, undefined> {
    const text = statementText(sql, params);
    const so = resolveStatementOptions(options);
    const stop = new StopCondition(so.signal, so.timeoutMs, 'stream');
    try {
      yield* this.runStream<R>(text, so, stop);
    } finally {
      stop.dispose();
    }
  }

  /**
   * @internal Runs a bound query under a stop condition the caller owns (the
   * pool's one deadline per call); `so.signal` and `so.timeoutMs` are not read.
   */
  async runQuery<R = Row>(text: string, so: ResolvedStatementOptions, stop: StopCondition): Promise<QueryResult<R>> {
    return this.withOperation(text, so, stop, true, async (op) => {
      const columns = await collect(op);
      const rows = (so.rowMode === 'array' ? toRowArrays(columns) : toRowObjects(op.columns, columns)) as R[];
      const result: QueryResult<R> = { rows, columns: op.columns, queryId: op.queryId ?? '', coordinator: this.coordinator };
      if (so.profile) result.profile = await op.runtimeProfile();
      return result;
    });
  }

  /** @internal Like {@link runQuery}, for a statement run for its effect. */
  async runExecute(text: string, so: ResolvedStatementOptions, stop: StopCondition): Promise<ExecuteResult> {
    let rowsAffected = 0;
    const queryId = await this.withOperation(
      text,
      so,
      stop,
      false,
      async (op) => op.queryId ?? '',
      (n) => (rowsAffected = n),
    );
    return { rowsAffected, queryId, coordinator: this.coordinator };
  }

  /** @internal Like {@link runQuery}, streaming. */
  async *runStream<R = Row>(text: string, so: ResolvedStatementOptions, stop: StopCondition): AsyncGenerator<R, void, undefined> {
    const op = this.begin(text, stop);
    // Set once nothing is left to cancel, or a failure already saw to it.
    let finished = false;
    try {
      await op.run({ ...this.fetchOptions(so), fetchRows: true });
      for (;;) {
        const batch = await op.fetch();
        const rows = so.rowMode === 'array' ? toRowArrays(batch.data) : toRowObjects(op.columns, batch.data);
        for (const row of rows) {
          yield row as R;
          stop.check();
        }
        if (!batch.hasMoreRows) break;
      }
      finished = true;
      await op.close();
      if (trackSessionState(this.sessionState, text)) this.stateChanged = true;
    } catch (err) {
      finished = true;
      throw await this.fail(op, stop, err);
    } finally {
      if (!finished) await this.abandon(op);
      this.operations.delete(op);
    }
  }

  /** JDBC `DatabaseMetaData.getCatalogs` (HS2 GetCatalogs): Impala has no catalogs, so no rows. */
  async getCatalogs(options?: MetadataCallOptions): Promise<MetadataResult<CatalogRow>> {
    return this.metadata(metadataCalls.getCatalogs(options));
  }

  /** JDBC `DatabaseMetaData.getSchemas` (HS2 GetSchemas): the databases matching `schemaPattern`. */
  async getSchemas(options?: SchemasOptions): Promise<MetadataResult<SchemaRow>> {
    return this.metadata(metadataCalls.getSchemas(options));
  }

  /** JDBC `DatabaseMetaData.getTables` (HS2 GetTables): tables and views matching the patterns and types. */
  async getTables(options?: TablesOptions): Promise<MetadataResult<TableRow>> {
    return this.metadata(metadataCalls.getTables(options));
  }

  /** JDBC `DatabaseMetaData.getTableTypes` (HS2 GetTableTypes). */
  async getTableTypes(options?: MetadataCallOptions): Promise<MetadataResult<TableTypeRow>> {
    return this.metadata(metadataCalls.getTableTypes(options));
  }

  /** JDBC `DatabaseMetaData.getColumns` (HS2 GetColumns): columns matching the patterns. */
  async getColumns(options?: ColumnsOptions): Promise<MetadataResult<ColumnRow>> {
    return this.metadata(metadataCalls.getColumns(options));
  }

  /** JDBC `DatabaseMetaData.getFunctions` (HS2 GetFunctions): functions matching `functionPattern`. */
  async getFunctions(options: FunctionsOptions): Promise<MetadataResult<FunctionRow>> {
    return this.metadata(metadataCalls.getFunctions(options));
  }

  /** JDBC `DatabaseMetaData.getTypeInfo` (HS2 GetTypeInfo): the types the server supports. */
  async getTypeInfo(options?: MetadataCallOptions): Promise<MetadataResult<TypeInfoRow>> {
    return this.metadata(metadataCalls.getTypeInfo(options));
  }

  /** JDBC `DatabaseMetaData.getPrimaryKeys` (HS2 GetPrimaryKeys): the primary key columns of a table. */
  async getPrimaryKeys(options: PrimaryKeysOptions): Promise<MetadataResult<PrimaryKeyRow>> {
    return this.metadata(metadataCalls.getPrimaryKeys(options));
  }

  /** JDBC `DatabaseMetaData.getCrossReference` (HS2 GetCrossReference): foreign key columns. */
  async getCrossReference(options?: CrossReferenceOptions): Promise<MetadataResult<CrossReferenceRow>> {
    return this.metadata(metadataCalls.getCrossReference(options));
  }

  /**
   * @internal Runs a metadata call under a stop condition the caller owns
   * (the pool's one deadline per call): the call opens the operation, whose
   * rows are read and closed as a query's are.
   */
  async runMetadata<R>(call: MetadataCall<R>, stop: StopCondition): Promise<MetadataResult<R>> {
    const opening: OperationRequest = { method: call.method, request: call.request(this.session) };
    return this.withOperation(
      call.method,
      call.so,
      stop,
      true,
      async (op) => {
        const rows = decodeRows(call.layout, await collect(op), call.method, this.coordinator);
        return { rows, queryId: op.queryId ?? '', coordinator: this.coordinator };
      },
      undefined,
      opening,
    );
  }

  private metadata<R>(call: MetadataCall<R>): Promise<MetadataResult<R>> {
    return this.withStop(call.so, 'metadata call', (stop) => this.runMetadata(call, stop));
  }

  /** Pings the server (PingImpalaHS2Service); also validates the session. */
  async ping(timeoutMs?: number): Promise<PingResult> {
    this.assertOpen();
    const started = performance.now();
    const resp = await this.channel.call<{ status: TCLITypes.TStatus; version?: string; webserver_address?: string }>(
      'PingImpalaHS2Service',
      new impala.TPingImpalaHS2ServiceReq({ sessionHandle: this.session }),
      timeoutMs === undefined ? {} : { timeoutMs },
    );
    checkStatus(resp.status, 'PingImpalaHS2Service', { coordinator: this.coordinator });
    return {
      version: resp.version ?? '',
      ...(resp.webserver_address ? { webserverAddress: resp.webserver_address } : {}),
      latencyMs: performance.now() - started,
    };
  }

  /**
   * Closes the HS2 session (the server closes its operations) and the
   * socket. Waits at most `timeoutMs` (default `rpcTimeoutMs`) for the
   * server, then drops the socket.
   */
  async close(timeoutMs = this.opts.rpcTimeoutMs): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.channel.open) {
      const polite = this.channel.call('CloseSession', new tcli.TCloseSessionReq({ sessionHandle: this.session }), { timeoutMs });
      // The socket is closed below either way; the server expires the session.
      await finishesWithin(polite, timeoutMs).catch(() => false);
    }
    this.channel.close(new ClientClosedError(`connection to ${this.coordinator} was closed`, { coordinator: this.coordinator }));
  }

  /**
   * Drops the socket at once, without closing the session politely. A call
   * waiting for its answer fails with `reason` (default: ClientClosedError).
   */
  destroy(reason?: ImpalaError): void {
    this.closing = true;
    this.channel.close(
      reason ?? new ClientClosedError(`connection to ${this.coordinator} was destroyed`, { coordinator: this.coordinator }),
    );
  }

  /** `await using conn = await connect(...)` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Never shows credentials. */
  toJSON(): Record<string, unknown> {
    return { coordinator: this.coordinator, open: this.open, activeOperations: this.operations.size };
  }

  /** Never shows credentials. */
  [inspect.custom](): string {
    return `Hs2Connection { coordinator: '${this.coordinator}', open: ${this.open}, activeOperations: ${this.operations.size} }`;
  }

  /** Runs `fn` under a stop condition made from the caller's options, and disposes of it. */
  private async withStop<T>(so: ResolvedStatementOptions, label: string, fn: (stop: StopCondition) => Promise<T>): Promise<T> {
    const stop = new StopCondition(so.signal, so.timeoutMs, label);
    try {
      return await fn(stop);
    } finally {
      stop.dispose();
    }
  }

  /**
   * Runs `body` on an executed operation and closes it on every path. With
   * `fetchRows`, a statement with a result set is fetched without status
   * polling and closed in the background once `body` has its rows; any
   * other is closed before this returns (`onClosed` gets DML row counts).
   */
  private async withOperation<T>(
    text: string,
    so: ResolvedStatementOptions,
    stop: StopCondition,
    fetchRows: boolean,
    body: (op: Operation) => Promise<T>,
    onClosed?: (rowsAffected: number) => void,
    opening?: OperationRequest,
  ): Promise<T> {
    const op = this.begin(text, stop, opening);
    try {
      await op.run(fetchRows ? { ...this.fetchOptions(so), fetchRows } : { confOverlay: so.queryOptions, fetchRows, fetchWaitMs: 0 });
      const result = await body(op);
      if (fetchRows && op.hasResultSet) {
        // Every row is delivered: what is left is a close the caller need not
        // wait for. It is queued on the channel now, before the caller can
        // make another call, which then queues behind it.
        this.inBackground(op.close(true));
      } else {
        const rowsAffected = await op.close();
        onClosed?.(rowsAffected);
      }
      if (!opening && trackSessionState(this.sessionState, text)) this.stateChanged = true;
      return result;
    } catch (err) {
      throw await this.fail(op, stop, err);
    } finally {
      this.operations.delete(op);
    }
  }

  /** The confOverlay and fetch wait of a statement whose rows are fetched (FETCH_ROWS_TIMEOUT_MS: see fetch-wait.ts). */
  private fetchOptions(so: ResolvedStatementOptions): { confOverlay: Record<string, string>; fetchWaitMs: number } {
    const w = fetchWait(so.queryOptions, this.opts.fetchRowsTimeoutMs, this.opts.rpcTimeoutMs);
    return { confOverlay: w.overlay, fetchWaitMs: w.waitMs };
  }

  /**
   * Counts `work` as background work until it settles (see {@link settled}).
   * Its failure reaches no caller: a broken answer gives the connection up,
   * anything else is dropped (a failed close leaves nothing the session's
   * close would not free).
   */
  private inBackground(work: Promise<unknown>): void {
    this.background.add(work, (err) => {
      if (err instanceof ProtocolError) this.destroy(err);
    });
  }

  private begin(sql: string, stop: StopCondition, opening?: OperationRequest): Operation {
    if (!this.open) {
      // The reason already names the coordinator: it is the message.
      throw this.closedReason
        ? new ClientClosedError(this.closedReason.message, {
            coordinator: this.coordinator,
            cause: this.closedReason,
            statementSent: false,
          })
        : new ClientClosedError(`connection to ${this.coordinator} is closed`, { coordinator: this.coordinator, statementSent: false });
    }
    const op = new Operation(this.ctx, sql, stop, opening);
    this.operations.add(op);
    return op;
  }

  /** Cleans up after a failure and returns the error to throw. */
  private async fail(op: Operation, stop: StopCondition, err: unknown): Promise<ImpalaError> {
    const reason = stop.reason;
    // A stop (abort/timeout) wins over whatever error it provoked.
    const chosen = reason ?? err;
    if (chosen instanceof ProtocolError) {
      // An answer that breaks the protocol leaves nothing on this session to trust.
      this.destroy(chosen);
      return op.annotate(chosen, op.sent);
    }
    // A stop that came while the server owed an answer waits for it only
    // briefly (not at all when the server is judged silent): a silent server
    // must not hold the caller.
    const pending = this.channel.pendingCall;
    if (reason && pending && (stop.serverSilent || !(await this.channel.settlesWithin(STOP_SETTLE_MS)))) {
      // A live server holds a FetchResults up to the statement's
      // FETCH_ROWS_TIMEOUT_MS before it answers: give it that on top of the grace.
      const graceMs = STOP_GRACE_MS + (pending.method === 'FetchResults' ? op.fetchWaitMs : 0);
      this.inBackground(this.abandonWhenAnswered(op, graceMs));
    } else {
      await this.abandon(op);
    }
    return op.annotate(chosen, op.sent);
  }

  /**
   * Cancels and closes `op` once the call in flight is answered. A server
   * that stays silent past `graceMs` is not worth the connection: it is
   * dropped (the server frees the session, as on any disconnect).
   */
  private async abandonWhenAnswered(op: Operation, graceMs: number): Promise<void> {
    if (await this.channel.settlesWithin(graceMs)) await this.abandon(op, true);
    else this.destroy();
  }

  /** Cancels (when it may still run) and closes an operation, ignoring errors. */
  private async abandon(op: Operation, background = false): Promise<void> {
    await op.cancel(background);
    try {
      await op.close(background);
    } catch {
      // Nothing more to do: a dead socket means the server frees it with the session.
    }
  }

  private assertOpen(): void {
    if (!this.open) throw new ClientClosedError(`connection to ${this.coordinator} is closed`, { coordinator: this.coordinator });
  }
}

/** Every row of an operation whose rows are fetched, column-major. */
async function collect(op: Operation): Promise<Value[][]> {
  const columns: Value[][] = op.columns.map(() => []);
  for (;;) {
    const batch = await op.fetch();
    for (let c = 0; c < columns.length; c++) {
      const target = columns[c]!;
      for (const v of batch.data[c]!) target.push(v);
    }
    if (!batch.hasMoreRows) return columns;
  }
}
