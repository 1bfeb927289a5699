/**
 * Impala's column types, and how DuckDB's types map onto them.
 *
 * Storage choices (what a declared Impala type becomes in DuckDB) keep values
 * exact where DuckDB can: TIMESTAMP is DuckDB's TIMESTAMP, which holds
 * Impala's range (years 1400–9999) but microseconds, not nanoseconds — so
 * that date functions and arithmetic work on it as they do in Impala.
 *
 * @module
 */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { ScalarTypeName } from '../wire/type-ids.js';

/** Impala's scalar type names (the ones the test cluster supports). */
export type ImpalaTypeName = ScalarTypeName;

/** An Impala column type with its qualifiers. */
export interface ImpalaType {
  /** Type name. */
  name: ImpalaTypeName;
  /** VARCHAR/CHAR: maximum length in characters. */
  length?: number;
  /** DECIMAL: precision (1–38). */
  precision?: number;
  /** DECIMAL: scale (0–precision). */
  scale?: number;
}

/** Which TColumn field carries values of a type. */
export type ValueKind = 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary';

/** Shorthand constructor. */
export function impalaType(name: ImpalaTypeName, q: Omit<ImpalaType, 'name'> = {}): ImpalaType {
  return { name, ...q };
}

/** Impala's spelling: `DECIMAL(38,10)`, `VARCHAR(10)`, `INT`. */
export function formatImpalaType(t: ImpalaType): string {
  if (t.name === 'DECIMAL') return `DECIMAL(${t.precision ?? 9},${t.scale ?? 0})`;
  if ((t.name === 'VARCHAR' || t.name === 'CHAR') && t.length !== undefined) return `${t.name}(${t.length})`;
  return t.name;
}

const SIMPLE: Record<string, ImpalaTypeName> = {
  BOOLEAN: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INT: 'INT',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  // Impala's REAL is a synonym for DOUBLE (unlike DuckDB's, which is FLOAT).
  REAL: 'DOUBLE',
  STRING: 'STRING',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  BINARY: 'BINARY',
};

/**
 * Parses a type as written in Impala DDL or CAST (`varchar(10)`,
 * `DECIMAL(38, 10)`, `string`). `undefined` for anything else (complex types).
 */
export function parseImpalaType(text: string): ImpalaType | undefined {
  const m = /^\s*([A-Za-z]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(text);
  if (!m) return undefined;
  const word = m[1]!.toUpperCase();
  const a = m[2] === undefined ? undefined : Number(m[2]);
  const b = m[3] === undefined ? undefined : Number(m[3]);
  if (word === 'DECIMAL' || word === 'NUMERIC') {
    const precision = a ?? 9;
    const scale = b ?? 0;
    if (precision < 1 || precision > 38 || scale > precision) return undefined;
    return { name: 'DECIMAL', precision, scale };
  }
  if (word === 'VARCHAR' || word === 'CHAR') {
    if (b !== undefined) return undefined;
    if (a === undefined) return word === 'VARCHAR' ? { name: 'VARCHAR', length: 65535 } : { name: 'CHAR', length: 1 };
    return { name: word, length: a };
  }
  const simple = SIMPLE[word];
  if (!simple || a !== undefined) return undefined;
  return { name: simple };
}

/** The DuckDB column type that stores values of an Impala type exactly. */
export function duckdbStorageType(t: ImpalaType): string {
  switch (t.name) {
    case 'INT':
      return 'INTEGER';
    case 'STRING':
    case 'VARCHAR':
    case 'CHAR':
      return 'VARCHAR';
    case 'BINARY':
      return 'BLOB';
    case 'DECIMAL':
      return `DECIMAL(${t.precision ?? 9},${t.scale ?? 0})`;
    default:
      return t.name;
  }
}

/**
 * The Impala type reported for a DuckDB result column. Unsigned types go to
 * the next signed type that holds them; HUGEINT (what DuckDB's SUM of integers
 * returns) is BIGINT as in Impala; types Impala lacks are sent as STRING.
 */
export function impalaTypeOfDuckDB(type: DuckDBType): ImpalaType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return { name: 'BOOLEAN' };
    case DuckDBTypeId.TINYINT:
      return { name: 'TINYINT' };
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return { name: 'SMALLINT' };
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return { name: 'INT' };
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.HUGEINT:
      return { name: 'BIGINT' };
    case DuckDBTypeId.UBIGINT:
      return { name: 'DECIMAL', precision: 20, scale: 0 };
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.BIGNUM:
      return { name: 'DECIMAL', precision: 38, scale: 0 };
    case DuckDBTypeId.FLOAT:
      return { name: 'FLOAT' };
    case DuckDBTypeId.DOUBLE:
      return { name: 'DOUBLE' };
    case DuckDBTypeId.DECIMAL: {
      const d = type as unknown as { width: number; scale: number };
      return { name: 'DECIMAL', precision: d.width, scale: d.scale };
    }
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { name: 'TIMESTAMP' };
    case DuckDBTypeId.DATE:
      return { name: 'DATE' };
    case DuckDBTypeId.BLOB:
      return { name: 'BINARY' };
    case DuckDBTypeId.SQLNULL:
      // Impala types a bare NULL as BOOLEAN.
      return { name: 'BOOLEAN' };
    default:
      return { name: 'STRING' };
  }
}

/** Impala type for a DuckDB type name as information_schema spells it. */
export function impalaTypeOfDuckDBName(name: string): ImpalaType {
  const upper = name.trim().toUpperCase();
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(upper);
  if (dec) return { name: 'DECIMAL', precision: Number(dec[1]), scale: Number(dec[2]) };
  switch (upper) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
      return { name: upper };
    case 'UTINYINT':
      return { name: 'SMALLINT' };
    case 'INTEGER':
    case 'USMALLINT':
      return { name: 'INT' };
    case 'HUGEINT':
    case 'UINTEGER':
      return { name: 'BIGINT' };
    case 'UBIGINT':
      return { name: 'DECIMAL', precision: 20, scale: 0 };
    case 'BLOB':
      return { name: 'BINARY' };
    default:
      return upper.startsWith('TIMESTAMP') ? { name: 'TIMESTAMP' } : { name: 'STRING' };
  }
}

/** Which TColumn member carries the values. */
export function valueKind(t: ImpalaType): ValueKind {
  switch (t.name) {
    case 'BOOLEAN':
      return 'bool';
    case 'TINYINT':
      return 'byte';
    case 'SMALLINT':
      return 'i16';
    case 'INT':
      return 'i32';
    case 'BIGINT':
      return 'i64';
    case 'FLOAT':
    case 'DOUBLE':
      return 'double';
    case 'BINARY':
      return 'binary';
    default:
      return 'string';
  }
}
