/**
 * INSERT OVERWRITE as DuckDB statements. Without a PARTITION clause the
 * whole table is replaced; with one, only the partitions the statement
 * writes (impala_insert.xml: a static `PARTITION (k='v')` replaces that
 * partition, even with no new rows; dynamic keys replace each partition a
 * new row lands in), and every other partition keeps its rows.
 *
 * @module
 */
import { analysisError } from '../impala-errors.js';
import { duckIdent } from './lexer.js';

const TEMP = '__impala_overwrite';

/** What to overwrite. */
export interface OverwriteSpec {
  /** DuckDB name of the target table. */
  target: string;
  /** The DuckDB query giving the new rows, in `columnList` order. */
  query: string;
  /** Target columns the query fills, when known. */
  columnList: string[] | undefined;
  /** The PARTITION clause: static keys with their DuckDB value expressions, dynamic key names. */
  partition: { statics: Array<{ name: string; value: string }>; dynamic: string[] } | undefined;
}

/** The statements, run in one transaction, and which one's row count is the statement's. */
export function overwriteStatements(spec: OverwriteSpec): { statements: string[]; resultIndex: number } {
  const { target, query, columnList, partition } = spec;
  const list = columnList ? ` (${columnList.map(duckIdent).join(', ')})` : '';
  // The new rows are computed first: the query may read the table it overwrites.
  const named = columnList ? `SELECT * FROM (${query}) AS __impala_rows(${columnList.map(duckIdent).join(', ')})` : query;
  const statements = [`CREATE OR REPLACE TEMP TABLE ${TEMP} AS ${named}`];
  if (!partition) statements.push(`DELETE FROM ${target}`);
  else {
    if (partition.dynamic.length > 0 && !columnList) {
      throw analysisError(
        'INSERT OVERWRITE with dynamic partition keys needs the table created by CREATE TABLE in the impala-pool test cluster',
      );
    }
    const conditions = partition.statics.map((s) => `${duckIdent(s.name)} IS NOT DISTINCT FROM (${s.value})`);
    if (partition.dynamic.length > 0) {
      const match = partition.dynamic.map((k) => `w.${duckIdent(k)} IS NOT DISTINCT FROM ${target}.${duckIdent(k)}`).join(' AND ');
      conditions.push(`EXISTS (SELECT 1 FROM temp.${TEMP} AS w WHERE ${match})`);
    }
    statements.push(`DELETE FROM ${target} WHERE ${conditions.join(' AND ')}`);
  }
  statements.push(`INSERT INTO ${target}${list} SELECT * FROM temp.${TEMP}`, `DROP TABLE temp.${TEMP}`);
  return { statements, resultIndex: 2 };
}
