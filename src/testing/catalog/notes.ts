/**
 * What a coordinator remembers about tables beyond what DuckDB stores: the
 * Impala types columns were declared with (DuckDB keeps CHAR(5), VARCHAR(10)
 * and TIMESTAMP as VARCHAR) and which columns are partition keys.
 *
 * @module
 */
import type { ImpalaType } from '../impala-types.js';
import type { TableStats } from './table-stats.js';
import type { CatalogEffect, DeclaredColumn } from '../sql/statement-plan.js';
import type { TableRef } from '../sql/token-cursor.js';

/** Notes on one table. */
export interface TableNote {
  /** Every column in table order (partition columns last), with its declared type. */
  columns: DeclaredColumn[];
  /** Names of the partition columns. */
  partitionColumns: string[];
}

const key = (ref: TableRef): string => `${ref.db}.${ref.table}`;

/** Declared types per table, kept in step with DDL. */
export class CatalogNotes {
  private readonly tables = new Map<string, TableNote>();
  private readonly stats = new Map<string, TableStats>();

  /** What the last COMPUTE STATS on this coordinator recorded for a table. */
  statsOf(ref: TableRef): TableStats | undefined {
    return this.stats.get(key(ref));
  }

  /** Records COMPUTE STATS results. */
  setStats(ref: TableRef, stats: TableStats): void {
    this.stats.set(key(ref), stats);
  }

  /** The note for a table, if it was created with declared types. */
  get(ref: TableRef): TableNote | undefined {
    return this.tables.get(key(ref));
  }

  /** Declared type of one column. */
  columnType(ref: TableRef, column: string): ImpalaType | undefined {
    return this.get(ref)?.columns.find((c) => c.name === column.toLowerCase())?.type;
  }

  /** Non-partition column names in order (what `INSERT … PARTITION (k=v)` fills first). */
  dataColumns(ref: TableRef): string[] | undefined {
    const note = this.get(ref);
    if (!note) return undefined;
    return note.columns.filter((c) => !note.partitionColumns.includes(c.name)).map((c) => c.name);
  }

  /**
   * Applies what a successful DDL statement changed.
   *
   * @param existedBefore - whether the statement's target table existed before it ran
   *   (a `CREATE … IF NOT EXISTS` on an existing table changes nothing)
   */
  apply(effect: CatalogEffect, existedBefore: boolean): void {
    // A table created, dropped or renamed has no statistics under its old name.
    if (
      'ref' in effect &&
      effect.type !== 'add-columns' &&
      effect.type !== 'drop-column' &&
      !(existedBefore && 'ifNotExists' in effect && effect.ifNotExists)
    ) {
      this.stats.delete(key(effect.ref));
    }
    if (effect.type === 'drop-db') for (const k of [...this.stats.keys()]) if (k.startsWith(`${effect.db}.`)) this.stats.delete(k);
    switch (effect.type) {
      case 'create-table':
        if (effect.ifNotExists && existedBefore) return;
        this.tables.set(key(effect.ref), { columns: effect.columns, partitionColumns: effect.partitionColumns });
        return;
      case 'copy-table': {
        if (effect.ifNotExists && existedBefore) return;
        const from = this.get(effect.from);
        if (from) this.tables.set(key(effect.ref), { columns: [...from.columns], partitionColumns: [...from.partitionColumns] });
        else this.tables.delete(key(effect.ref));
        return;
      }
      case 'drop-table':
        this.tables.delete(key(effect.ref));
        return;
      case 'drop-db':
        for (const k of [...this.tables.keys()]) if (k.startsWith(`${effect.db}.`)) this.tables.delete(k);
        return;
      case 'rename-table': {
        const note = this.get(effect.ref);
        this.tables.delete(key(effect.ref));
        if (note) this.tables.set(key(effect.to), note);
        return;
      }
      case 'add-columns': {
        const note = this.get(effect.ref);
        if (!note) return;
        for (const c of effect.columns) if (!note.columns.some((x) => x.name === c.name)) note.columns.push(c);
        return;
      }
      case 'drop-column': {
        const note = this.get(effect.ref);
        if (!note) return;
        note.columns = note.columns.filter((c) => c.name !== effect.column);
        note.partitionColumns = note.partitionColumns.filter((c) => c !== effect.column);
        return;
      }
    }
  }
}
