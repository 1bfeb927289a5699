/**
 * The analysed form of a statement, ready to run: what analysis learned
 * (result columns, statement class) and how to execute it.
 *
 * @module
 */
import type { RowSource } from './row-source.js';
import type { ResultColumn } from '../hs2/row-set.js';
import type { StatementKind } from '../sql/statement-plan.js';

/** What running a statement produced. */
export interface ExecutionResult {
  /** Result rows, for statements with a result set. */
  rows?: RowSource;
  /** Rows inserted/updated/deleted, for DML (and CTAS). */
  rowsModified?: number;
}

/** A statement that passed analysis. */
export interface Execution {
  /** Statement class. */
  readonly kind: StatementKind;
  /** Whether the client fetches rows. */
  readonly hasResultSet: boolean;
  /** Result columns (empty without a result set). */
  readonly columns: readonly ResultColumn[];
  /** Milliseconds of Impala `sleep()` before running. */
  readonly sleepMs: number;
  /** Tables the statement reads or writes, `db.table`, for plans and profiles. */
  readonly tables: readonly string[];
  /** Runs the statement. Rejects with a StatementError. */
  run(): Promise<ExecutionResult>;
  /** Interrupts a running statement (its run() then rejects). */
  interrupt(): void;
  /** Releases the DuckDB connection. Idempotent. */
  release(): void;
}

/** An execution that does nothing but hand back fixed rows (or none). */
export function fixedExecution(
  kind: StatementKind,
  columns: ResultColumn[],
  rows: RowSource | undefined,
  tables: string[] = [],
): Execution {
  return {
    kind,
    hasResultSet: rows !== undefined,
    columns,
    sleepMs: 0,
    tables,
    run: async () => (rows ? { rows } : {}),
    interrupt: () => undefined,
    release: () => rows?.close(),
  };
}
