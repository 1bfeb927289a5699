/**
 * Building HS2 V6 columnar row sets: one TColumn per result column, values
 * in the member for the column's type, and a null bitmap (bit i, least
 * significant first within byte i>>3, set when row i is NULL; the values
 * list keeps a placeholder there). Only rows a FetchResults asks for are
 * converted.
 *
 * @module
 */
import { DuckDBTypeId, type DuckDBDataChunk, type DuckDBValue } from '@duckdb/node-api';
import Int64 from 'node-int64';
import { tcli, type TCLITypes } from '../../wire/gen.js';
import { valueKind, type ImpalaType, type ValueKind } from '../impala-types.js';
import { formatDate, formatDecimal, formatTimestampNanos, NANOS_PER_UNIT } from './value-format.js';

/** A result column. */
export interface ResultColumn {
  /** Column label (Impala lower-cases labels). */
  name: string;
  /** The type reported to clients. */
  type: ImpalaType;
  /** DuckDB type of the values, when they come from DuckDB. */
  duckType?: DuckDBTypeId;
}

/** A value conversion from a non-null DuckDB value. */
type Convert = (v: DuckDBValue) => unknown;

const toInt64 = (v: bigint): Int64 => {
  const buf = Buffer.allocUnsafe(8);
  buf.writeBigInt64BE(BigInt.asIntN(64, v));
  return new Int64(buf);
};

function timestampConverter(unit: keyof typeof NANOS_PER_UNIT, field: 'seconds' | 'millis' | 'micros' | 'nanos'): Convert {
  const factor = NANOS_PER_UNIT[unit];
  return (v) => formatTimestampNanos((v as unknown as Record<string, bigint>)[field]! * factor);
}

/** How values of a DuckDB type become what the column's TColumn member holds. */
function converter(col: ResultColumn, kind: ValueKind): Convert {
  switch (col.duckType) {
    case DuckDBTypeId.DECIMAL:
      return (v) => {
        const d = v as unknown as { value: bigint; scale: number };
        return formatDecimal(d.value, d.scale);
      };
    case DuckDBTypeId.DATE:
      return (v) => formatDate((v as unknown as { days: number }).days);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return timestampConverter('us', 'micros');
    case DuckDBTypeId.TIMESTAMP_S:
      return timestampConverter('s', 'seconds');
    case DuckDBTypeId.TIMESTAMP_MS:
      return timestampConverter('ms', 'millis');
    case DuckDBTypeId.TIMESTAMP_NS:
      return timestampConverter('ns', 'nanos');
    case DuckDBTypeId.BLOB:
      return (v) => Buffer.from((v as unknown as { bytes: Uint8Array }).bytes);
    default:
      break;
  }
  switch (kind) {
    case 'i64':
      return (v) => toInt64(typeof v === 'bigint' ? v : BigInt(v as number));
    case 'bool':
    case 'byte':
    case 'i16':
    case 'i32':
    case 'double':
      return (v) => (typeof v === 'bigint' ? Number(v) : v);
    case 'binary':
      return (v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));
    default:
      return (v) => (typeof v === 'string' ? v : String(v));
  }
}

const PLACEHOLDER: Record<ValueKind, () => unknown> = {
  bool: () => false,
  byte: () => 0,
  i16: () => 0,
  i32: () => 0,
  i64: () => new Int64(0),
  double: () => 0,
  string: () => '',
  binary: () => Buffer.alloc(0),
};

/** Accumulates one column's values and nulls. */
class ColumnBuilder {
  readonly kind: ValueKind;
  private readonly convert: Convert;
  private readonly charLength: number | undefined;
  values: unknown[] = [];
  private nulls: number[] = [];
  bytes = 0;

  constructor(readonly column: ResultColumn) {
    this.kind = valueKind(column.type);
    this.convert = converter(column, this.kind);
    this.charLength = column.type.name === 'CHAR' ? column.type.length : undefined;
  }

  add(v: DuckDBValue | unknown): void {
    const i = this.values.length;
    if (v === null || v === undefined) {
      this.nulls[i >> 3] = (this.nulls[i >> 3] ?? 0) | (1 << (i & 7));
      this.values.push(PLACEHOLDER[this.kind]());
      this.bytes += 1;
      return;
    }
    let out = this.convert(v as DuckDBValue);
    // CHAR(n) is blank-padded, as Impala returns it.
    if (this.charLength !== undefined && typeof out === 'string' && out.length < this.charLength) out = out.padEnd(this.charLength, ' ');
    this.values.push(out);
    this.bytes += typeof out === 'string' ? out.length + 4 : Buffer.isBuffer(out) ? out.length + 4 : 8;
  }

  build(): TCLITypes.TColumn {
    const nulls = Buffer.alloc((this.values.length + 7) >> 3);
    for (let b = 0; b < this.nulls.length; b += 1) nulls[b] = this.nulls[b] ?? 0;
    const body = { values: this.values as never[], nulls };
    switch (this.kind) {
      case 'bool':
        return new tcli.TColumn({ boolVal: new tcli.TBoolColumn(body) });
      case 'byte':
        return new tcli.TColumn({ byteVal: new tcli.TByteColumn(body) });
      case 'i16':
        return new tcli.TColumn({ i16Val: new tcli.TI16Column(body) });
      case 'i32':
        return new tcli.TColumn({ i32Val: new tcli.TI32Column(body) });
      case 'i64':
        return new tcli.TColumn({ i64Val: new tcli.TI64Column(body) });
      case 'double':
        return new tcli.TColumn({ doubleVal: new tcli.TDoubleColumn(body) });
      case 'binary':
        return new tcli.TColumn({ binaryVal: new tcli.TBinaryColumn(body) });
      default:
        return new tcli.TColumn({ stringVal: new tcli.TStringColumn(body) });
    }
  }
}

/** Collects the rows of one FetchResults answer. */
export class RowSetBuilder {
  private readonly builders: ColumnBuilder[];
  /** Rows added so far. */
  rows = 0;

  /** @param columns - the result columns */
  constructor(columns: readonly ResultColumn[]) {
    this.builders = columns.map((c) => new ColumnBuilder(c));
  }

  /** Approximate encoded size so far, in bytes. */
  get bytes(): number {
    let n = 0;
    for (const b of this.builders) n += b.bytes;
    return n;
  }

  /** Adds rows [from, from + count) of a DuckDB chunk. */
  addChunkRows(chunk: DuckDBDataChunk, from: number, count: number): void {
    for (let c = 0; c < this.builders.length; c += 1) {
      const vector = chunk.getColumnVector(c);
      const b = this.builders[c]!;
      for (let r = from; r < from + count; r += 1) b.add(vector.getItem(r));
    }
    this.rows += count;
  }

  /** Adds one row of plain values (strings, numbers, bigints, booleans, Buffers, null). */
  addRow(values: readonly unknown[]): void {
    this.builders.forEach((b, c) => b.add(values[c] ?? null));
    this.rows += 1;
  }

  /** The row set, numbered from `startRowOffset`. */
  build(startRowOffset: number): TCLITypes.TRowSet {
    return new tcli.TRowSet({
      startRowOffset: new Int64(startRowOffset),
      rows: [],
      columns: this.builders.map((b) => b.build()),
    });
  }
}
