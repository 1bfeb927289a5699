/**
 * Decoding columnar row sets (HS2 protocol V6+) into JavaScript values.
 *
 * Each TColumn holds one column's values for the whole batch plus a null
 * bitmap (bit i, least significant first, set means row i is NULL). Servers
 * may send a bitmap shorter than the batch when the trailing rows are not
 * NULL, so a missing byte means "not null".
 *
 * @module
 */
import { ProtocolError } from '../errors.js';
import type { TCLITypes } from '../wire/gen.js';
import type { Column } from './columns.js';

/** A decoded value. See the type mapping in the README. */
export type Value = null | boolean | number | bigint | string | Buffer | Date;

/** A row as an object keyed by column name. */
export type Row = Record<string, Value>;

/** How DATE/TIMESTAMP values come back. */
export interface DecodeOptions {
  timestampsAsDate: boolean;
}

interface Int64Like {
  buffer: Buffer;
  offset: number;
}

function isNull(nulls: Buffer | undefined, i: number): boolean {
  if (!nulls) return false;
  const byte = nulls[i >> 3];
  return byte !== undefined && (byte & (1 << (i & 7))) !== 0;
}

/** Decodes the columns of one batch; returns them column-major. */
export function decodeColumns(
  rowSet: TCLITypes.TRowSet | undefined | null,
  columns: readonly Column[],
  options: DecodeOptions,
): Value[][] {
  if (!rowSet) return columns.map(() => []);
  const tcols = rowSet.columns;
  if (!tcols) {
    if (rowSet.rows && rowSet.rows.length > 0) {
      throw new ProtocolError('server sent row-oriented results; impala-pool needs protocol V6 columnar results');
    }
    return columns.map(() => []);
  }
  if (tcols.length !== columns.length) {
    throw new ProtocolError(`server sent ${tcols.length} result columns, metadata announced ${columns.length}`);
  }
  const out: Value[][] = [];
  let rows = -1;
  for (let c = 0; c < tcols.length; c++) {
    const values = decodeColumn(tcols[c]!, columns[c]!, options);
    if (rows === -1) rows = values.length;
    else if (values.length !== rows) throw new ProtocolError('result columns have different lengths');
    out.push(values);
  }
  return out;
}

function decodeColumn(col: TCLITypes.TColumn, meta: Column, options: DecodeOptions): Value[] {
  const set = col.boolVal ?? col.byteVal ?? col.i16Val ?? col.i32Val ?? col.doubleVal ?? col.binaryVal ?? col.stringVal;
  if (col.i64Val) {
    const { values, nulls } = col.i64Val;
    const out = new Array<Value>(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as unknown as Int64Like;
      out[i] = isNull(nulls, i) ? null : v.buffer.readBigInt64BE(v.offset);
    }
    return out;
  }
  if (!set) throw new ProtocolError(`column ${meta.name} has no values`);
  const { values, nulls } = set as { values: unknown[]; nulls: Buffer };
  const out = new Array<Value>(values.length);
  const convert = converterFor(meta, options, col.stringVal !== undefined && col.stringVal !== null);
  for (let i = 0; i < values.length; i++) {
    out[i] = isNull(nulls, i) ? null : convert(values[i]);
  }
  return out;
}

type Converter = (v: unknown) => Value;

const identity: Converter = (v) => v as Value;

function converterFor(meta: Column, options: DecodeOptions, isString: boolean): Converter {
  // Only a server that sends BINARY as text lands here; valid UTF-8 survives.
  if (meta.type === 'BINARY' && isString) return (v) => Buffer.from(v as string, 'utf8');
  if (options.timestampsAsDate && (meta.type === 'TIMESTAMP' || meta.type === 'DATE')) {
    return (v) => parseImpalaDate(String(v));
  }
  return identity;
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
