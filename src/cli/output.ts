/**
 * How `impala-pool query` prints results on stdout, one format at a time.
 * Values are printed exactly as the server sent them: BIGINT as all its
 * digits, DECIMAL, TIMESTAMP and DATE as Impala's text, DOUBLE as the
 * shortest text that reads back as the same double.
 *
 * | value          | table          | csv / tsv                 | json / ndjson                                   |
 * |----------------|----------------|---------------------------|-------------------------------------------------|
 * | NULL           | `NULL`         | empty field               | `null`                                          |
 * | empty string   | empty cell     | `""`                      | `""`                                            |
 * | BOOLEAN        | `true`/`false` | `true`/`false`            | `true`/`false`                                  |
 * | TINYINT…INT, FLOAT, DOUBLE | digits | digits               | number (NaN, ±Infinity: the string)             |
 * | BIGINT         | digits         | digits                    | number within ±(2^53−1), else a string of digits |
 * | DECIMAL        | Impala's text  | Impala's text             | string                                          |
 * | TIMESTAMP, DATE, STRING, VARCHAR, CHAR | text | text          | string                                          |
 * | BINARY         | hex digits     | hex digits                | string of hex digits                            |
 *
 * The table escapes control characters other than newline (`\t`, `\x1b`, …)
 * so a value can neither break the layout nor drive the terminal; csv, tsv
 * and json keep every character.
 *
 * @module
 * @internal
 */
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { formatColumnType, type Column } from '../hs2/columns.js';
import type { Value } from '../hs2/row-set.js';

/**
 * The output formats.
 *
 * @internal
 */
export const FORMATS = ['table', 'csv', 'tsv', 'json', 'ndjson'] as const;

/**
 * One of {@link FORMATS}.
 *
 * @internal
 */
export type Format = (typeof FORMATS)[number];

/**
 * What one statement came to, as the formats print it.
 *
 * @internal
 */
export type StatementOutcome =
  | {
      /** A statement that ran as a query: with its result set, or with none. */
      kind: 'rows';
      /** 1-based position in the input. */
      index: number;
      /** The statement as written, before binding. */
      sql: string;
      /** Empty for a statement without a result set (SET, USE, most DDL on the test cluster). */
      columns: Column[];
      /** Rows in column order. */
      rows: Value[][];
      coordinator: string;
      queryId: string;
    }
  | {
      /** INSERT, UPSERT, UPDATE, DELETE or MERGE, with the count the coordinator reported. */
      kind: 'modified';
      index: number;
      sql: string;
      rowsAffected: number;
      coordinator: string;
      queryId: string;
    }
  | {
      kind: 'error';
      index: number;
      sql: string;
      /** The ImpalaError code (`IMPALA_SERVER`, …), or the error's name for anything else. */
      code: string;
      message: string;
    };

/**
 * Turns statement outcomes into stdout text; `start` before the first
 * statement and `finish` after the last (also after a failure), so the whole
 * output is one valid document where the format has one.
 *
 * @internal
 */
export interface Formatter {
  /** Text before the first statement. */
  start(): string;
  /** Text for one statement, in the order they ran. */
  statement(outcome: StatementOutcome): string;
  /** Text after the last statement. */
  finish(): string;
}

/**
 * A formatter for `format`.
 *
 * @param header - csv/tsv: print the column names first (default true)
 * @internal
 */
export function createFormatter(format: Format, header = true): Formatter {
  switch (format) {
    case 'table':
      return {
        start: () => '',
        statement: (o) => (o.kind === 'rows' && o.columns.length > 0 ? tableText(o.columns, o.rows) : ''),
        finish: () => '',
      };
    case 'csv':
    case 'tsv':
      return delimited(format === 'csv' ? ',' : '\t', header);
    case 'json':
      return json();
    case 'ndjson':
      return {
        start: () => '',
        statement: (o) => {
          if (o.kind !== 'rows' || o.columns.length === 0) return '';
          const names = uniqueNames(o.columns);
          return o.rows.map((r) => `${jsonObject(names, r)}\n`).join('');
        },
        finish: () => '',
      };
  }
}

/**
 * A value as the table, csv and tsv print it; `null` for NULL.
 *
 * @internal
 */
export function valueText(v: Value): string | null {
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
      return v;
    case 'bigint':
      return v.toString();
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'boolean':
      return v ? 'true' : 'false';
  }
  if (Buffer.isBuffer(v)) return v.toString('hex').toUpperCase();
  // Only with timestampsAsDate, which the CLI refuses: Impala's own text form, in UTC.
  return v.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * A value as JSON text (the rules in the module comment).
 *
 * @internal
 */
export function jsonValue(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify(String(v));
    case 'bigint':
      // A JSON number past 2^53 reads back rounded in JavaScript (and many other parsers).
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? v.toString() : JSON.stringify(v.toString());
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return JSON.stringify(valueText(v));
  }
}

/**
 * Column names as object keys: a repeated name gets `_2`, `_3`, … (the
 * first free one), so `SELECT a.id, b.id` keeps both values.
 *
 * @internal
 */
export function uniqueNames(columns: readonly Column[]): string[] {
  const taken = new Set<string>();
  const names: string[] = [];
  for (const c of columns) {
    let name = c.name;
    for (let k = 2; taken.has(name); k++) name = `${c.name}_${k}`;
    taken.add(name);
    names.push(name);
  }
  return names;
}

/** One row as a JSON object, built as text: BIGINT has no JSON.stringify, and `__proto__` must stay a key. */
function jsonObject(names: readonly string[], row: readonly Value[]): string {
  return `{${names.map((n, i) => `${JSON.stringify(n)}:${jsonValue(row[i] ?? null)}`).join(',')}}`;
}

function json(): Formatter {
  let first = true;
  return {
    start: () => '[',
    statement: (o) => {
      const lead = first ? '\n' : ',\n';
      first = false;
      const head = `{"statement":${o.index},"sql":${JSON.stringify(o.sql)}`;
      if (o.kind === 'error') return `${lead}${head},"error":{"code":${JSON.stringify(o.code)},"message":${JSON.stringify(o.message)}}}`;
      const where = `"coordinator":${JSON.stringify(o.coordinator)},"queryId":${JSON.stringify(o.queryId)}`;
      if (o.kind === 'modified') return `${lead}${head},${where},"rowsAffected":${o.rowsAffected}}`;
      const columns = o.columns.map((c) => `{"name":${JSON.stringify(c.name)},"type":${JSON.stringify(formatColumnType(c))}}`).join(',');
      const names = uniqueNames(o.columns);
      const rows = o.rows.map((r) => `\n${jsonObject(names, r)}`).join(',');
      return `${lead}${head},${where},"columns":[${columns}],"rows":[${rows}${rows === '' ? '' : '\n'}]}`;
    },
    finish: () => (first ? ']\n' : '\n]\n'),
  };
}

// An empty string is quoted, so it reads back apart from NULL (an empty field).
const CSV_CAST = { string: (v: string) => (v === '' ? { value: '', quoted_empty: true } : v) };

function delimited(delimiter: string, header: boolean): Formatter {
  let results = 0;
  return {
    start: () => '',
    statement: (o) => {
      if (o.kind !== 'rows' || o.columns.length === 0) return '';
      const records: Array<Array<string | null>> = o.rows.map((r) => r.map(valueText));
      if (header) records.unshift(o.columns.map((c) => c.name));
      // Result sets after the first are set apart by an empty line.
      const lead = results++ > 0 ? '\n' : '';
      return lead + stringify(records, { delimiter, cast: CSV_CAST, eof: true });
    },
    finish: () => '',
  };
}

// impala-shell's look: ASCII borders, one rule under the header.
const TABLE_CHARS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};

function tableText(columns: readonly Column[], rows: readonly Value[][]): string {
  // No colours: the text is the same on a terminal, in a pipe and in a test.
  const table = new Table({
    head: columns.map((c) => forTerminal(c.name)),
    chars: TABLE_CHARS,
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) table.push(row.map((v) => forTerminal(valueText(v) ?? 'NULL')));
  return `${table.toString()}\n`;
}

/** Control characters other than newline as escapes (`\t`, `\x1b`), so a value cannot break the layout or drive the terminal. */
function forTerminal(text: string): string {
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
