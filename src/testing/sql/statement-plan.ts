/**
 * What a translated Impala statement asks the coordinator to do.
 *
 * @module
 */
import type { ImpalaType } from '../impala-types.js';
import type { TableRef } from './token-cursor.js';

/** Statement classes, as counted per coordinator. */
export type StatementKind = 'query' | 'dml' | 'ddl' | 'other';

/** A catalog fact analysis must confirm before the statement may run. */
export type CatalogCheck =
  | { type: 'db-exists'; db: string }
  | { type: 'db-absent'; db: string }
  | { type: 'db-empty'; db: string }
  | { type: 'table-exists'; ref: TableRef; dml?: boolean }
  | { type: 'table-absent'; ref: TableRef };

/** A column as declared in Impala DDL. */
export interface DeclaredColumn {
  /** Lower-cased name. */
  name: string;
  /** Declared type. */
  type: ImpalaType;
}

/** What a successful DDL statement changes in the coordinator's catalog notes. */
export type CatalogEffect =
  | { type: 'create-table'; ref: TableRef; columns: DeclaredColumn[]; partitionColumns: string[]; ifNotExists: boolean }
  | { type: 'copy-table'; ref: TableRef; from: TableRef; ifNotExists: boolean }
  | { type: 'drop-table'; ref: TableRef }
  | { type: 'drop-db'; db: string }
  | { type: 'rename-table'; ref: TableRef; to: TableRef }
  | { type: 'add-columns'; ref: TableRef; columns: DeclaredColumn[] }
  | { type: 'drop-column'; ref: TableRef; column: string };

/** A statement DuckDB runs. */
export interface DuckPlan {
  type: 'duckdb';
  /** Statement class. */
  kind: StatementKind;
  /** Whether the client fetches rows. */
  hasResultSet: boolean;
  /** DuckDB statements, run in order in one transaction; the last one's result is the statement's. */
  statements: string[];
  /** SQL DuckDB prepares during analysis (binding errors, result columns); default the last statement. */
  analyze?: string;
  /** Which statement's changed-row count is the statement's; default the last. */
  resultIndex?: number;
  /** Milliseconds of Impala `sleep()` to wait before running. */
  sleepMs: number;
  /** Facts to confirm during analysis. */
  checks: CatalogCheck[];
  /** Catalog-note changes to apply after success. */
  effects: CatalogEffect[];
  /** Whether the last statement's changed-row count is reported as DML rows modified. */
  reportsRows: boolean;
  /** When set, the statements run only if this table exists (TRUNCATE … IF EXISTS). */
  onlyIfExists?: TableRef;
}

/** What translation may look up. */
export interface TranslateContext {
  /** The session's current database. */
  database: string;
  /** The session's user (for user(), effective_user(), logged_in_user()). */
  user?: string;
  /** Declared non-partition columns of a table, in order, when the coordinator knows them. */
  dataColumns?: (ref: TableRef) => string[] | undefined;
  /** Every declared column of a table (partition columns last), when the coordinator knows them. */
  tableColumns?: (ref: TableRef) => readonly DeclaredColumn[] | undefined;
}

/** A DuckDB plan with no checks or effects yet. */
export function duckPlan(kind: StatementKind, hasResultSet: boolean, statements: string[], reportsRows: boolean, sleepMs = 0): DuckPlan {
  return { type: 'duckdb', kind, hasResultSet, statements, sleepMs, checks: [], effects: [], reportsRows };
}

/** The SHOW/DESCRIBE/COMPUTE STATS forms engine/show-statements.ts answers. */
export type ShowPlan =
  | { type: 'show-create-table'; ref: TableRef }
  | { type: 'show-partitions'; ref: TableRef }
  | { type: 'show-table-stats'; ref: TableRef }
  | { type: 'show-column-stats'; ref: TableRef }
  | { type: 'show-functions'; db: string; pattern?: string }
  | { type: 'describe-formatted'; ref: TableRef }
  | { type: 'compute-stats'; ref: TableRef };

/** A statement answered without DuckDB executing SQL (or only reading the catalog). */
export type MetaPlan =
  | { type: 'set'; key: string; value: string }
  | { type: 'set-list'; all: boolean }
  | { type: 'use'; db: string }
  | { type: 'noop'; kind: StatementKind; checks: CatalogCheck[]; syncCatalog?: boolean }
  | { type: 'show-tables'; db: string; pattern?: string }
  | { type: 'show-databases'; pattern?: string }
  | { type: 'describe'; ref: TableRef }
  | { type: 'describe-db'; db: string }
  | { type: 'explain'; inner: DuckPlan }
  | ShowPlan;

/** Any translated statement. */
export type Plan = DuckPlan | MetaPlan;
