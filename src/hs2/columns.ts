/**
 * Result-set column descriptions in the Impala type names users know (INT,
 * DECIMAL(p,s), VARCHAR(n), …); result-decode.ts reads them from the server's
 * TTableSchema.
 *
 * @module
 */
import type { ScalarTypeName } from '../wire/type-ids.js';

/** Impala type names as result metadata reports them. */
export type ImpalaTypeName = ScalarTypeName | 'NULL' | 'ARRAY' | 'MAP' | 'STRUCT';

/** One result column. */
export interface Column {
  /** Column name (label) as the server reports it. */
  name: string;
  /** Impala type name without parameters, e.g. `DECIMAL`. */
  type: ImpalaTypeName;
  /** DECIMAL precision. */
  precision?: number;
  /** DECIMAL scale. */
  scale?: number;
  /** VARCHAR/CHAR declared length. */
  length?: number;
}

/** `DECIMAL(38,10)`, `VARCHAR(10)`, `INT`: the type as Impala writes it in SQL. */
export function formatColumnType(c: Column): string {
  if (c.type === 'DECIMAL' && c.precision !== undefined) return `DECIMAL(${c.precision},${c.scale ?? 0})`;
  if ((c.type === 'VARCHAR' || c.type === 'CHAR') && c.length !== undefined) return `${c.type}(${c.length})`;
  return c.type;
}
