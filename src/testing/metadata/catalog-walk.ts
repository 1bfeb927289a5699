/**
 * What the metadata calls read from the coordinator's own catalog, walked
 * as impalad's `MetadataOp.getDbsMetadata` walks its local catalog cache
 * (Impala's fe/src/main/java/org/apache/impala/service/MetadataOp.java):
 * databases matching the schema pattern (`_impala_builtins` included,
 * sorted case-insensitively, `Catalog.filterCatalogObjectsByPattern`),
 * their tables matching the table pattern (likewise sorted,
 * `Catalog.filterStringsByPattern`), each with its type, and, when asked
 * for, its columns matching the column pattern.
 *
 * Reading this coordinator's catalog is what makes the metadata
 * propagation delay apply: a table created on another coordinator is
 * listed once its change arrived here, as on an impalad whose catalog
 * cache has not had the statestore update yet.
 *
 * @module
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Catalog } from '../catalog/catalog.js';
import type { ImpalaType } from '../impala-types.js';
import type { NameMatcher } from './jdbc-pattern.js';

/** A column of a table, in Hive order (data columns, then partition columns). */
export interface ColumnEntry {
  /** Column name. */
  name: string;
  /** Its Impala type (the declared one where the catalog noted it). */
  type: ImpalaType;
  /**
   * 0-based position among the table's columns as impalad numbers them:
   * partition columns first (`HdfsTable.loadSchema` adds them before the
   * others), so a partitioned table's first data column is not 0.
   */
  position: number;
}

/** A table or view. */
export interface TableEntry {
  /** Table name (lower case, as Impala keeps it). */
  name: string;
  /** `TABLE` or `VIEW` (`MetadataOp.getTableTypeString`). */
  type: 'TABLE' | 'VIEW';
  /** Matching columns, when the walk was asked for columns. */
  columns: ColumnEntry[];
}

/** A database and its matching tables. */
export interface DbEntry {
  /** Database name. */
  name: string;
  /** Matching tables, when the walk was asked for tables. */
  tables: TableEntry[];
}

/** What to walk. */
export interface WalkOptions {
  /** Databases to include. */
  schemas: NameMatcher;
  /** Tables to include; undefined: no tables (GetSchemas). */
  tables?: NameMatcher;
  /** Columns to include; undefined: no columns (GetTables). */
  columns?: NameMatcher;
}

/** Java's `String.CASE_INSENSITIVE_ORDER`, which impalad sorts catalog names with. */
export function caseInsensitiveOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const ux = x.toUpperCase();
    const uy = y.toUpperCase();
    if (ux !== uy) {
      const lx = ux.toLowerCase();
      const ly = uy.toLowerCase();
      if (lx !== ly) return lx.charCodeAt(0) - ly.charCodeAt(0);
    }
  }
  return a.length - b.length;
}

/** Walks the catalog on `conn` (a connection from `catalog.connect`). */
export async function walkCatalog(catalog: Catalog, conn: DuckDBConnection, options: WalkOptions): Promise<DbEntry[]> {
  const names = (await catalog.listDatabases(conn)).map(([name]) => name).filter(options.schemas);
  const out: DbEntry[] = [];
  for (const db of names.sort(caseInsensitiveOrder)) {
    const entry: DbEntry = { name: db, tables: [] };
    out.push(entry);
    if (!options.tables) continue;
    const tables = (await catalog.listTables(conn, db)).filter(options.tables).sort(caseInsensitiveOrder);
    for (const table of tables) {
      const ref = { db, table };
      const kind = await catalog.tableKind(conn, ref);
      // Dropped (a replayed change) between listing and looking: gone, as it would be from a later snapshot.
      if (!kind) continue;
      entry.tables.push({
        name: table,
        type: kind === 'view' ? 'VIEW' : 'TABLE',
        columns: options.columns ? await columnsOf(catalog, conn, ref, options.columns) : [],
      });
    }
  }
  return out;
}

/** `Frontend.getColumns`: the table's columns in Hive order (`getColumnsInHiveOrder`) that match. */
async function columnsOf(
  catalog: Catalog,
  conn: DuckDBConnection,
  ref: { db: string; table: string },
  match: NameMatcher,
): Promise<ColumnEntry[]> {
  const described = await catalog.describe(conn, ref);
  const partitions = catalog.notes.get(ref)?.partitionColumns ?? [];
  let data = 0;
  const positioned = described.map((c) => {
    const p = partitions.indexOf(c.name);
    return { name: c.name, type: c.type, position: p >= 0 ? p : partitions.length + data++ };
  });
  return positioned.filter((c) => match(c.name));
}
