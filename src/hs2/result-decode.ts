/**
 * Results off the wire: the server's TTableSchema turned into {@link Column}s
 * and its columnar row sets (HS2 protocol V6+) into JavaScript values.
 *
 * Each TColumn holds one column's values for the whole batch plus a null
 * bitmap (bit i, least significant first, set means row i is NULL). Servers
 * may send a bitmap shorter than the batch when the trailing rows are not
 * NULL, so a missing byte means "not null".
 *
 * These live apart from columns.ts and row-set.ts because those hold types of
 * the public API: a declaration there that names a generated Thrift type would
 * make every TypeScript consumer load the generated bindings, and with them the
 * `thrift` and `node-int64` modules, which ship no types of their own.
 *
 * @module
 */
import { ProtocolError } from '../errors.js';
import { tcli, type TCLITypes } from '../wire/gen.js';
import { TYPE_NAMES } from '../wire/type-ids.js';
import type { Column } from './columns.js';
import { parseImpalaDate, type DecodeOptions, type Value } from './row-set.js';

/** Turns the server's schema into {@link Column}s. */
export function columnsFromSchema(schema: TCLITypes.TTableSchema | undefined | null): Column[] {
  if (!schema) return [];
  if (!Array.isArray(schema.columns)) throw new ProtocolError('the result schema has no column list');
  const cols = [...schema.columns].sort((a, b) => a.position - b.position);
  return cols.map((desc) => columnFromDesc(desc));
}

function columnFromDesc(desc: TCLITypes.TColumnDesc): Column {
  const top = desc.typeDesc?.types?.[0];
  if (!top) throw new ProtocolError(`column ${desc.columnName} has no type`);
  if (top.arrayEntry) return { name: desc.columnName, type: 'ARRAY' };
  if (top.mapEntry) return { name: desc.columnName, type: 'MAP' };
  if (top.structEntry) return { name: desc.columnName, type: 'STRUCT' };
  const prim = top.primitiveEntry;
  const type = prim ? TYPE_NAMES.get(prim.type) : undefined;
  if (!prim || !type) throw new ProtocolError(`column ${desc.columnName} has an unknown type`);
  const column: Column = { name: desc.columnName, type };
  const q = prim.typeQualifiers?.qualifiers;
  if (q) {
    const precision = q[tcli.PRECISION]?.i32Value;
    const scale = q[tcli.SCALE]?.i32Value;
    const length = q[tcli.CHARACTER_MAXIMUM_LENGTH]?.i32Value;
    if (typeof precision === 'number') column.precision = precision;
    if (typeof scale === 'number') column.scale = scale;
    if (typeof length === 'number') column.length = length;
  }
  return column;
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
export function decodeColumns(rowSet: TCLITypes.TRowSet | undefined | null, columns: readonly Column[], options: DecodeOptions): Value[][] {
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
