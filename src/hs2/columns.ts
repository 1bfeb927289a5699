/**
 * Result-set column descriptions: the server's TTableSchema turned into the
 * Impala type names users know (INT, DECIMAL(p,s), VARCHAR(n), …).
 *
 * @module
 */
import { ProtocolError } from '../errors.js';
import { tcli, type TCLITypes } from '../wire/gen.js';
import { TYPE_NAMES, type ScalarTypeName } from '../wire/type-ids.js';

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

/** `DECIMAL(38,10)`, `VARCHAR(10)`, `INT`: the type as Impala writes it in SQL. */
export function formatColumnType(c: Column): string {
  if (c.type === 'DECIMAL' && c.precision !== undefined) return `DECIMAL(${c.precision},${c.scale ?? 0})`;
  if ((c.type === 'VARCHAR' || c.type === 'CHAR') && c.length !== undefined) return `${c.type}(${c.length})`;
  return c.type;
}
