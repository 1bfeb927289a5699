/**
 * One row of the dialect table: statements run through a real test cluster
 * and what impalad answers for them, with where Impala says so.
 */

/** A dialect case. */
export interface DialectCase {
  /** What the case shows. */
  name: string;
  /** Statements run first (DDL/DML/USE), on the same connection. */
  setup?: string[];
  /** The statement, or statements whose last one is the query checked (the others run first). */
  sql: string | string[];
  /** Expected rows, in column order (BIGINT as bigint, DECIMAL/TIMESTAMP/DATE as text). */
  rows?: unknown[][];
  /** Expected leading rows, when the rest describe things tests cannot pin (DESCRIBE FORMATTED). */
  rowsPrefix?: unknown[][];
  /** Result column types as HS2 metadata reports them (`DECIMAL(9,2)`, `TIMESTAMP`); required unless `error`. */
  types?: string[];
  /** Expected column labels. */
  labels?: string[];
  /** The exact error message impalad gives instead of a result. */
  error?: string;
  /** Where Impala defines the behaviour: docs/topics file, fe/be source, or QueryTest/*.test file. */
  source: string;
  /** Run on a connection of its own (the case changes session state). */
  fresh?: boolean;
  /**
   * How the case fared on the code before the fixes it covers, verified by
   * running this suite against an unmodified copy of the sources: 'fail' for
   * a new behaviour, 'pass' for one that must keep working.
   */
  was: 'fail' | 'pass';
}
