/**
 * One statement's life on a coordinator, as impalad runs it: registered at
 * ExecuteStatement, executed in the background (Impala's `sleep()` first,
 * cancellable), FINISHED once results can be fetched, rows streamed out on
 * FetchResults, then closed. A fetch waits for execution at most the
 * statement's FETCH_ROWS_TIMEOUT_MS, as impalad's does (Impala's
 * be/src/service/impala-hs2-server.cc, `ImpalaServer::FetchInternal`:
 * `WaitForResults` → `ClientRequestState::BlockOnWait` with the query's
 * `fetch_rows_timeout_us()`; 0 waits as long as it takes).
 *
 * @module
 */
import type { TCLITypes } from '../../wire/gen.js';
import type { AdmissionTicket } from './admission.js';
import type { Execution } from './execution.js';
import { CANCELLED_MESSAGE, StatementError } from '../impala-errors.js';
import { formatQueryId, guidKey, newQueryId, newSecret } from '../hs2/query-id.js';
import type { RowSource } from './row-source.js';
import { RowSetBuilder } from '../hs2/row-set.js';
import type { Session } from '../hs2/session.js';

/** Operation states (HS2's TOperationState, by name). */
export type OperationState = 'INITIALIZED' | 'PENDING' | 'RUNNING' | 'FINISHED' | 'CANCELED' | 'ERROR' | 'CLOSED';

/** Callbacks into the coordinator's counters. */
export interface OperationHooks {
  /** The statement began executing. */
  onStart(op: Operation): void;
  /** It stopped executing (done, failed, cancelled, all rows fetched or closed). Called once. */
  onComplete(op: Operation): void;
  /** Admission control for queries and DML, when the coordinator has it. */
  admit?(op: Operation): AdmissionTicket | undefined;
}

/** One FetchResults answer. */
export interface FetchBatch {
  /** The rows. */
  rowSet: TCLITypes.TRowSet;
  /** Whether more rows may follow. */
  hasMoreRows: boolean;
}

/** A statement registered on a coordinator. */
export class Operation {
  /** Handle guid: the query id in Impala's layout. */
  readonly guid = newQueryId();
  /** Handle secret. */
  readonly secret = newSecret();
  /** Registry key. */
  readonly key = guidKey(this.guid);
  /** Printable query id (`hi:lo`). */
  readonly queryId = formatQueryId(this.guid);
  /** Current state. */
  state: OperationState = 'PENDING';
  /** Why it failed (state ERROR or CANCELED). */
  error: StatementError | undefined;
  /** Wall-clock start. */
  readonly startTime = new Date();
  /** Wall-clock end of execution, once it ended. */
  endTime: Date | undefined;
  /** Rows handed to the client so far. */
  rowsFetched = 0;
  /** DML: rows inserted/updated/deleted. */
  rowsModified: number | undefined;
  /** The state it had when closed (what profiles of closed queries report). */
  stateBeforeClose: OperationState | undefined;
  /** When the client last asked about this operation (idle query expiry). */
  lastClientMs = performance.now();
  /** FetchResults calls being served now (idle query expiry passes over the query meanwhile). */
  fetchesInProgress = 0;

  private rows: RowSource | undefined;
  private eos = false;
  private completed = false;
  private sleepTimer: NodeJS.Timeout | undefined;
  private wakeSleep: (() => void) | undefined;
  private readonly executed: Promise<void>;
  private startExecution!: () => void;
  private fetchChain: Promise<unknown> = Promise.resolve();
  private ticket: AdmissionTicket | undefined;

  /**
   * @param session - the session it runs in
   * @param sql - the statement as sent
   * @param exec - its analysed form
   * @param hooks - coordinator counters
   * @param options - effective query options (session + overlay)
   */
  constructor(
    readonly session: Session,
    readonly sql: string,
    readonly exec: Execution,
    private readonly hooks: OperationHooks,
    readonly options: ReadonlyMap<string, string>,
  ) {
    this.executed = new Promise<void>((resolve) => {
      this.startExecution = () => void this.execute().then(resolve, resolve);
    });
  }

  /** Whether the client fetches rows. */
  get hasResultSet(): boolean {
    return this.exec.hasResultSet;
  }

  /** Why admission control holds it, while it does. */
  get queuedReason(): string | undefined {
    return this.ticket?.queuedReason;
  }

  /**
   * What GetLog answers, as impalad's ImpalaServer::GetLog puts it together:
   * scan progress once a query or DML statement runs ("Query <id> 100%
   * Complete (n out of n)", a table read counting as one scan range), the
   * error of a failed or cancelled statement, and the admission queue reason
   * while it is queued. A clean statement's log is nothing but the progress
   * line, which clients strip (impala-shell's HS2_LOG_PROGRESS_REGEX), so
   * they print no warnings.
   */
  logText(): string {
    let log = '';
    const runsFragments = (this.exec.kind === 'query' || this.exec.kind === 'dml') && this.state !== 'PENDING';
    if (runsFragments) {
      const total = this.exec.tables.length;
      const done = this.state === 'RUNNING' ? 0 : total;
      log +=
        done >= total
          ? `Query ${this.queryId} 100% Complete (${done} out of ${total})\n`
          : `Query ${this.queryId}: 0% Complete (${done} out of ${total})\n`;
    }
    const failed =
      this.state === 'ERROR' ||
      this.state === 'CANCELED' ||
      (this.state === 'CLOSED' && (this.stateBeforeClose === 'ERROR' || this.stateBeforeClose === 'CANCELED'));
    if (failed && this.error) log += `Query ${this.queryId} failed:\n${this.error.message}\n`;
    const queued = this.queuedReason;
    if (queued !== undefined) log += `Admission result : Queued\nLatest admission queue reason : ${queued}\n`;
    return log;
  }

  /** Whether execution is over (successfully or not). */
  get terminal(): boolean {
    return this.state === 'FINISHED' || this.state === 'CANCELED' || this.state === 'ERROR' || this.state === 'CLOSED';
  }

  /** Starts background execution. */
  start(): void {
    this.startExecution();
  }

  private async execute(): Promise<void> {
    try {
      // Queued statements stay PENDING, as impalad reports them.
      this.ticket = this.exec.kind === 'query' || this.exec.kind === 'dml' ? this.hooks.admit?.(this) : undefined;
      if (this.ticket) {
        await this.ticket.admitted;
      }
      if (this.state !== 'PENDING') return;
      // In flight from admission on: a queued statement holds no resources yet.
      this.hooks.onStart(this);
      this.state = 'RUNNING';
      if (this.exec.sleepMs > 0) await this.sleep(this.exec.sleepMs);
      if (this.state !== 'RUNNING') return;
      const result = await this.exec.run();
      if (this.state !== 'RUNNING') {
        result.rows?.close();
        return;
      }
      this.rows = result.rows;
      this.rowsModified = result.rowsModified;
      this.state = 'FINISHED';
      // The idle clock starts now (impalad: ClientRequestState::Wait → MarkInactive).
      this.lastClientMs = performance.now();
      if (!this.hasResultSet) this.finishExecution();
    } catch (err) {
      if (this.state !== 'RUNNING' && this.state !== 'PENDING') return;
      this.state = 'ERROR';
      this.error = err instanceof StatementError ? err : new StatementError(err instanceof Error ? err.message : String(err));
      this.finishExecution();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeSleep = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
      this.sleepTimer.unref();
    });
  }

  /** Marks execution over: releases DuckDB, counts it out of in-flight. */
  private finishExecution(): void {
    this.ticket?.release();
    this.endTime ??= new Date();
    if (!this.rows || this.eos) this.exec.release();
    if (!this.completed) {
      this.completed = true;
      this.hooks.onComplete(this);
    }
  }

  /**
   * Fetches up to `maxRows` rows (fewer when they pass about `maxBytes`).
   * Waits for execution like impalad's FetchResults, at most `waitMs`
   * (0: as long as it takes); resolves undefined when that ran out first
   * (impalad then answers STILL_EXECUTING_STATUS with no rows).
   *
   * @throws StatementError for a failed or cancelled statement
   */
  async fetch(maxRows: number, maxBytes: number, waitMs: number): Promise<FetchBatch | undefined> {
    this.fetchesInProgress += 1;
    try {
      // Like impalad's BlockOnWait, the wait for execution is not serialized;
      // reading rows is (its fetch_rows_lock).
      if (!(await this.executedWithin(waitMs))) return undefined;
      const run = this.fetchChain.then(() => this.fetchNow(maxRows, maxBytes));
      this.fetchChain = run.catch(() => undefined);
      return await run;
    } finally {
      this.fetchesInProgress -= 1;
      this.lastClientMs = performance.now();
    }
  }

  /** Whether execution ended within `ms` (0: waits until it does). */
  private async executedWithin(ms: number): Promise<boolean> {
    if (ms <= 0) {
      await this.executed;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, ms, false);
      timer.unref();
    });
    try {
      return await Promise.race([this.executed.then(() => true), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async fetchNow(maxRows: number, maxBytes: number): Promise<FetchBatch> {
    await this.executed;
    if (this.state === 'ERROR' || this.state === 'CANCELED') throw this.error ?? new StatementError(CANCELLED_MESSAGE);
    const builder = new RowSetBuilder(this.exec.columns);
    const start = this.rowsFetched;
    if (this.rows && !this.eos && maxRows > 0) {
      try {
        this.eos = await this.rows.fill(builder, maxRows, maxBytes);
      } catch (err) {
        if (this.state === 'FINISHED') {
          this.state = 'ERROR';
          this.error = err instanceof StatementError ? err : new StatementError(err instanceof Error ? err.message : String(err));
          this.finishExecution();
        }
        throw this.error ?? err;
      }
      this.rowsFetched += builder.rows;
      if (this.eos) this.finishExecution();
    } else if (!this.rows) {
      this.eos = true;
    }
    return { rowSet: builder.build(start), hasMoreRows: !this.eos };
  }

  /**
   * Cancels execution (and any unfetched rows). Harmless once over.
   *
   * @param reason - the error later calls report (default: Impala's "Cancelled")
   */
  cancel(reason: string = CANCELLED_MESSAGE): void {
    if (this.state === 'CLOSED' || this.state === 'ERROR' || this.state === 'CANCELED') return;
    if (this.state === 'FINISHED' && (!this.hasResultSet || this.eos)) return;
    this.state = reason === CANCELLED_MESSAGE ? 'CANCELED' : 'ERROR';
    this.error = new StatementError(reason);
    this.ticket?.release();
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.wakeSleep?.();
    this.exec.interrupt();
    this.rows?.close();
    this.eos = true;
    this.finishExecution();
    this.exec.release();
  }

  /** Cancels if still executing, then releases everything. */
  close(): void {
    if (this.state === 'CLOSED') return;
    if (!this.terminal) this.cancel();
    this.rows?.close();
    this.exec.release();
    this.endTime ??= new Date();
    this.stateBeforeClose = this.state;
    this.state = 'CLOSED';
    if (!this.completed) {
      this.completed = true;
      this.hooks.onComplete(this);
    }
  }
}
