/**
 * Where an operation's rows come from: a DuckDB streaming result pulled one
 * chunk at a time (so a million-row SELECT holds one chunk, not the result),
 * or a short list of rows made here (SHOW, DESCRIBE, SET, EXPLAIN).
 *
 * @module
 */
import type { DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import type { RowSetBuilder } from '../hs2/row-set.js';

/** A source of result rows. */
export interface RowSource {
  /**
   * Adds up to `maxRows` rows to `builder`, stopping early once it holds
   * about `maxBytes`. Resolves true when the source has no rows left.
   */
  fill(builder: RowSetBuilder, maxRows: number, maxBytes: number): Promise<boolean>;
  /** Releases what the source holds. */
  close(): void;
}

/** Rows of a DuckDB streaming result. */
export class DuckDBRowSource implements RowSource {
  private chunk: DuckDBDataChunk | undefined;
  private offset = 0;
  private done = false;

  /**
   * @param result - a streaming result (DuckDBConnection.stream or a prepared statement's stream())
   * @param track - wraps each chunk fetch, so that the connection is not closed under it
   */
  constructor(
    private result: DuckDBResult | undefined,
    private readonly track: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
  ) {}

  async fill(builder: RowSetBuilder, maxRows: number, maxBytes: number): Promise<boolean> {
    while (!this.done && builder.rows < maxRows && (builder.rows === 0 || builder.bytes < maxBytes)) {
      if (!this.chunk || this.offset >= this.chunk.rowCount) {
        const result = this.result;
        const next = result ? await this.track(() => result.fetchChunk()) : null;
        if (!next || next.rowCount === 0) {
          this.close();
          break;
        }
        this.chunk = next;
        this.offset = 0;
      }
      const n = Math.min(this.chunk.rowCount - this.offset, maxRows - builder.rows);
      builder.addChunkRows(this.chunk, this.offset, n);
      this.offset += n;
    }
    return this.done && (!this.chunk || this.offset >= this.chunk.rowCount);
  }

  close(): void {
    this.done = true;
    this.chunk = undefined;
    this.result = undefined;
  }
}

/** Rows made in memory. */
export class StaticRowSource implements RowSource {
  private next = 0;

  /** @param rows - the rows, each an array of plain values in column order */
  constructor(private readonly rows: readonly (readonly unknown[])[]) {}

  async fill(builder: RowSetBuilder, maxRows: number): Promise<boolean> {
    while (this.next < this.rows.length && builder.rows < maxRows) builder.addRow(this.rows[this.next++]!);
    return this.next >= this.rows.length;
  }

  close(): void {
    this.next = this.rows.length;
  }
}
