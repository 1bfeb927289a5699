/**
 * The built-in functions GetFunctions lists. impalad lists the functions
 * of its `_impala_builtins` database (Impala's `BuiltinsDb`) with their
 * signatures (`Function.signatureString`: `name(ARG, ARG...)`, argument
 * types as `ScalarType.toString` spells them). The test cluster runs SQL
 * on DuckDB, so its built-ins are DuckDB's: the scalar and aggregate
 * functions of DuckDB's catalog whose arguments are all of types Impala
 * has, with Impala's type names. Overloads Impala could not declare
 * (unsigned integers, HUGEINT, lists, structs, intervals, `ANY`) are left
 * out, and overloads that differ only in a type Impala spells the same way
 * are listed once.
 *
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';

/** One function overload, as GetFunctions reports it. */
export interface BuiltinFunction {
  /** Function name (lower case). */
  name: string;
  /** `name(ARG, …)`, `...` after a variadic last argument. */
  signature: string;
}

/** DuckDB parameter types and Impala's spelling of them (wildcard DECIMAL as `Type.toString` writes it). */
const IMPALA_ARG_TYPES: Readonly<Record<string, string>> = {
  BOOLEAN: 'BOOLEAN',
  TINYINT: 'TINYINT',
  SMALLINT: 'SMALLINT',
  INTEGER: 'INT',
  BIGINT: 'BIGINT',
  FLOAT: 'FLOAT',
  DOUBLE: 'DOUBLE',
  DECIMAL: 'DECIMAL(*,*)',
  VARCHAR: 'STRING',
  DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP',
  BLOB: 'BINARY',
};

// DuckDB's own catalog has operators and internal helpers too; Impala function names are identifiers.
const FUNCTION_NAME = /^[a-z][a-z0-9_]*$/;

// The catalog's functions never change (the cluster has no CREATE FUNCTION), so each catalog reads them once.
const cache = new WeakMap<Catalog, Promise<readonly BuiltinFunction[]>>();

/** The built-ins of a coordinator's catalog, sorted by name and signature. */
export function builtinFunctions(catalog: Catalog, conn: DuckDBConnection): Promise<readonly BuiltinFunction[]> {
  let listed = cache.get(catalog);
  if (!listed) {
    listed = readFunctions(conn);
    cache.set(catalog, listed);
    // A failed read (a stopping coordinator) is not remembered.
    listed.catch(() => cache.delete(catalog));
  }
  return listed;
}

async function readFunctions(conn: DuckDBConnection): Promise<readonly BuiltinFunction[]> {
  const r = await conn.runAndReadAll(
    `SELECT function_name, parameter_types, varargs FROM duckdb_functions()
     WHERE internal AND function_type IN ('scalar', 'aggregate')`,
  );
  const seen = new Set<string>();
  const out: BuiltinFunction[] = [];
  for (const [name, params, varargs] of r.getRowsJS()) {
    if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) continue;
    const types = Array.isArray(params) ? params.map(String) : [];
    if (typeof varargs === 'string') types.push(varargs);
    const args = types.map((t) => IMPALA_ARG_TYPES[t]);
    if (args.some((a) => a === undefined)) continue;
    const signature = `${name}(${args.join(', ')}${typeof varargs === 'string' ? '...' : ''})`;
    if (seen.has(signature)) continue;
    seen.add(signature);
    out.push({ name, signature });
  }
  return out.sort((a, b) => (a.name === b.name ? compare(a.signature, b.signature) : compare(a.name, b.name)));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
