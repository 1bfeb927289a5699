/**
 * Table and column statistics as COMPUTE STATS leaves them: a snapshot of
 * row counts per partition and per-column figures, which SHOW TABLE STATS,
 * SHOW PARTITIONS and SHOW COLUMN STATS report until the next COMPUTE STATS
 * (Impala's stats, too, do not follow later inserts). Before any, Impala
 * reports -1 for every figure it has not computed.
 *
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ImpalaType } from '../impala-types.js';
import { duckIdent } from '../sql/lexer.js';
import type { DeclaredColumn } from '../sql/statement-plan.js';
import { duckTable, type TableRef } from '../sql/token-cursor.js';

/** One column's statistics, in SHOW COLUMN STATS order. */
export interface ColumnStats {
  /** #Distinct Values. */
  ndv: number;
  /** #Nulls. */
  nulls: number;
  /** Max Size (bytes). */
  maxSize: number;
  /** Avg Size (bytes). */
  avgSize: number;
  /** #Trues (BOOLEAN only, else -1). */
  trues: number;
  /** #Falses (BOOLEAN only, else -1). */
  falses: number;
}

/** What COMPUTE STATS recorded for a table. */
export interface TableStats {
  /** Rows per partition, keyed by the JSON of its key values (`[]` for an unpartitioned table). */
  rows: Map<string, number>;
  /** Per column. */
  columns: Map<string, ColumnStats>;
}

/** Byte width of fixed-size types (ColumnStats: Max Size and Avg Size before stats exist). */
export function fixedSize(t: ImpalaType): number | undefined {
  switch (t.name) {
    case 'BOOLEAN':
    case 'TINYINT':
      return 1;
    case 'SMALLINT':
      return 2;
    case 'INT':
    case 'FLOAT':
    case 'DATE':
      return 4;
    case 'BIGINT':
    case 'DOUBLE':
      return 8;
    case 'TIMESTAMP':
      return 16;
    case 'DECIMAL':
      return (t.precision ?? 9) <= 9 ? 4 : (t.precision ?? 9) <= 18 ? 8 : 16;
    case 'CHAR':
      return t.length;
    default:
      return undefined;
  }
}

/** Statistics before COMPUTE STATS. */
export function unknownColumnStats(t: ImpalaType): ColumnStats {
  const size = fixedSize(t) ?? -1;
  return { ndv: -1, nulls: -1, maxSize: size, avgSize: size, trues: -1, falses: -1 };
}

/** Partition key values and row counts of a table, sorted by key. */
export async function partitionRows(conn: DuckDBConnection, ref: TableRef, keys: readonly string[]): Promise<Array<[string[], number]>> {
  const k = keys.map(duckIdent);
  const group = k.length > 0 ? ` GROUP BY ${k.join(', ')} ORDER BY ${k.join(', ')}` : '';
  const r = await conn.runAndReadAll(
    `SELECT ${[...k.map((c) => `CAST(${c} AS VARCHAR)`), 'count(*)'].join(', ')} FROM ${duckTable(ref)}${group}`,
  );
  return r
    .getRows()
    .map((row) => [row.slice(0, -1).map((v) => (v === null ? '__HIVE_DEFAULT_PARTITION__' : String(v))), Number(row[row.length - 1])]);
}

/** Computes the statistics of every column of a table. */
export async function computeStats(
  conn: DuckDBConnection,
  ref: TableRef,
  columns: readonly DeclaredColumn[],
  keys: readonly string[],
): Promise<TableStats> {
  const rows = new Map<string, number>();
  for (const [values, n] of await partitionRows(conn, ref, keys)) rows.set(JSON.stringify(values), n);
  // Partition keys get figures too, as impalad derives them from the partitions.
  const data = columns;
  const stats = new Map<string, ColumnStats>();
  if (data.length > 0) {
    const exprs = data.flatMap((c) => {
      const q = duckIdent(c.name);
      const size = fixedSize(c.type);
      const len = size === undefined ? `length(CAST(${q} AS VARCHAR))` : `${size}`;
      const bool = c.type.name === 'BOOLEAN';
      return [
        `count(DISTINCT ${q})`,
        `count(*) - count(${q})`,
        size === undefined ? `coalesce(max(${len}), 0)` : len,
        size === undefined ? `coalesce(avg(${len}), 0)` : len,
        bool ? `count_if(${q})` : '-1',
        bool ? `count_if(NOT ${q})` : '-1',
      ];
    });
    const r = await conn.runAndReadAll(`SELECT ${exprs.join(', ')} FROM ${duckTable(ref)}`);
    const row = r.getRows()[0]!.map(Number);
    data.forEach((c, i) => {
      const [ndv, nulls, maxSize, avgSize, trues, falses] = row.slice(i * 6, i * 6 + 6) as [number, number, number, number, number, number];
      stats.set(c.name, { ndv, nulls, maxSize, avgSize, trues, falses });
    });
  }
  return { rows, columns: stats };
}
