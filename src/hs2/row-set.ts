/**
 * Rows and values as the API returns them, and rows built from the
 * column-major values result-decode.ts decodes.
 *
 * @module
 */
import type { Column } from './columns.js';

/** A decoded value. See the type mapping in the README. */
export type Value = null | boolean | number | bigint | string | Buffer | Date;

/** A row as an object keyed by column name. */
export type Row = Record<string, Value>;

/** How DATE/TIMESTAMP values come back. */
export interface DecodeOptions {
  timestampsAsDate: boolean;
}

/**
 * Parses Impala's `YYYY-MM-DD[ HH:MM:SS[.fffffffff]]` as UTC (Impala
 * timestamps carry no zone). Sub-millisecond digits are dropped.
 */
export function parseImpalaDate(text: string): Date {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text);
  if (!m) return new Date(Number.NaN);
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  return d;
}

/** Builds row objects from column-major values. */
export function toRowObjects(columns: readonly Column[], data: Value[][]): Row[] {
  const n = data[0]?.length ?? 0;
  const names = columns.map((c) => c.name);
  const rows = new Array<Row>(n);
  // A column named __proto__ must become a property, not a prototype.
  const safe = !names.includes('__proto__');
  for (let r = 0; r < n; r++) {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) {
      if (safe) row[names[c]!] = data[c]![r]!;
      else Object.defineProperty(row, names[c]!, { value: data[c]![r]!, enumerable: true, writable: true, configurable: true });
    }
    rows[r] = row;
  }
  return rows;
}

/** Builds row arrays (in column order) from column-major values. */
export function toRowArrays(data: Value[][]): Value[][] {
  const n = data[0]?.length ?? 0;
  const rows = new Array<Value[]>(n);
  for (let r = 0; r < n; r++) rows[r] = data.map((col) => col[r]!);
  return rows;
}
