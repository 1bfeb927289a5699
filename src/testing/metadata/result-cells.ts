/**
 * The values of metadata result rows, and how they reach the client.
 *
 * impalad's frontend builds each row from Thrift `TColumnValue`s, setting
 * one member by the Java type of the value (`MetadataOp.createTColumnValue`
 * has String, Integer and Boolean overloads), and the backend copies into
 * the HS2 column only the member that the column's type reads
 * (be/src/service/hs2-util.cc, `TColumnValueToHS2TColumn`: SMALLINT reads
 * `short_val`, INT `int_val`, STRING `string_val`, BOOLEAN `bool_val`); an
 * unset member is a NULL. That is why, on the wire, impalad's SMALLINT
 * columns filled with Integers (GetTypeInfo's SEARCHABLE, MINIMUM_SCALE,
 * MAXIMUM_SCALE) and an INT column filled with the empty string
 * (GetCrossReference's DEFERRABILITY) are NULL. Cells here say which member
 * they set, and {@link wireValue} makes the same choice.
 *
 * @module
 */
import { impalaType, type ImpalaTypeName } from '../impala-types.js';
import type { ResultColumn } from '../hs2/row-set.js';

/** One `TColumnValue`: the member set, or none (NULL). */
export type Cell = { readonly string: string } | { readonly int: number } | { readonly bool: boolean } | null;

/** `createTColumnValue(String)`; null stays unset. */
export const str = (v: string | null | undefined): Cell => (v === null || v === undefined ? null : { string: v });

/** `createTColumnValue(Integer)`; null stays unset. */
export const int = (v: number | null | undefined): Cell => (v === null || v === undefined ? null : { int: v });

/** `createTColumnValue(Boolean)`. */
export const bool = (v: boolean): Cell => ({ bool: v });

/** impalad's `NULL_COL_VAL`: nothing set. */
export const NULL: Cell = null;

/** The column types metadata result sets use. */
export type MetadataColumnType = Extract<ImpalaTypeName, 'STRING' | 'INT' | 'SMALLINT' | 'BOOLEAN'>;

/** A result-set column as `MetadataOp` declares it. */
export interface MetadataColumn {
  /** Column name as impalad sends it. */
  readonly name: string;
  /** Column type. */
  readonly type: MetadataColumnType;
}

/** The value a client receives for `cell` in a column of `type`. */
export function wireValue(cell: Cell, type: MetadataColumnType): string | number | boolean | null {
  if (cell === null) return null;
  switch (type) {
    case 'STRING':
      return 'string' in cell ? cell.string : null;
    case 'INT':
      return 'int' in cell ? cell.int : null;
    case 'BOOLEAN':
      return 'bool' in cell ? cell.bool : null;
    case 'SMALLINT':
      // short_val: no createTColumnValue overload sets it.
      return null;
  }
}

/** A metadata result: its columns and rows as clients receive them. */
export interface MetadataResultSet {
  /** Result columns (what GetResultSetMetadata answers). */
  readonly columns: ResultColumn[];
  /** Rows of plain values in column order (what FetchResults answers). */
  readonly rows: unknown[][];
}

/** Builds a result set from `MetadataOp`-style rows of cells. */
export function resultSet(schema: readonly MetadataColumn[], rows: readonly (readonly Cell[])[]): MetadataResultSet {
  return {
    columns: schema.map((c) => ({ name: c.name, type: impalaType(c.type) })),
    rows: rows.map((row) => schema.map((c, i) => wireValue(row[i] ?? null, c.type))),
  };
}
