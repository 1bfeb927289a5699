/**
 * Client-side parameter binding for `?` placeholders. Impala's HS2 service has
 * no server-side prepared statements, so values are rendered as SQL literals,
 * escaped for Impala's string syntax. Placeholders inside string literals,
 * quoted identifiers and comments are left alone.
 *
 * @module
 */

/** Values that can be bound to a `?`. */
export type BindValue = null | undefined | boolean | number | bigint | string | Date | Buffer | Uint8Array;

/**
 * Replaces each `?` in `sql` with the matching value as an Impala literal.
 *
 * @throws TypeError when the counts differ or a value cannot be bound
 */
export function bindParameters(sql: string, params: readonly BindValue[] | undefined): string {
  const values = params ?? [];
  if (!Array.isArray(values)) throw new TypeError('params must be an array');
  let out = '';
  let used = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const end = skipQuotedOrComment(sql, i);
    if (end > i) {
      out += sql.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '?') {
      if (used >= values.length) {
        throw new TypeError(`the statement has more ? placeholders than the ${values.length} params given`);
      }
      out += literal(values[used], used);
      used += 1;
      i += 1;
      continue;
    }
    out += ch;
    i += 1;
  }
  if (used !== values.length) {
    throw new TypeError(`the statement has ${used} ? placeholders but ${values.length} params were given`);
  }
  return out;
}

/** Index just past a literal/identifier/comment starting at `i`, or `i` if none starts there. */
function skipQuotedOrComment(sql: string, i: number): number {
  const ch = sql[i];
  if (ch === "'" || ch === '"' || ch === '`') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '\\' && ch !== '`') j += 2;
      else if (sql[j] === ch) return j + 1;
      else j += 1;
    }
    return sql.length;
  }
  if (ch === '-' && sql[i + 1] === '-') {
    const nl = sql.indexOf('\n', i);
    return nl === -1 ? sql.length : nl + 1;
  }
  if (ch === '/' && sql[i + 1] === '*') {
    const close = sql.indexOf('*/', i + 2);
    return close === -1 ? sql.length : close + 2;
  }
  return i;
}

/** Renders one value as an Impala SQL literal. */
export function literal(value: BindValue, index = 0): string {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`param ${index} is ${value}, which has no SQL literal`);
      return Number.isInteger(value) ? String(value) : `CAST(${String(value)} AS DOUBLE)`;
    case 'bigint':
      return value.toString();
    case 'string':
      return quoteString(value);
    default:
      break;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`param ${index} is an invalid Date`);
    // Impala timestamps have no zone; bind the UTC wall-clock time.
    return `CAST('${value.toISOString().replace('T', ' ').replace('Z', '')}' AS TIMESTAMP)`;
  }
  if (value instanceof Uint8Array) {
    return `unhex('${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex').toUpperCase()}')`;
  }
  throw new TypeError(`param ${index} has type ${typeof value}, which cannot be bound`);
}

/** Impala string literal: single quotes, backslash escapes. */
export function quoteString(s: string): string {
  let out = "'";
  for (const ch of s) {
    switch (ch) {
      case "'":
        out += "\\'";
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\0':
        out += '\\0';
        break;
      default:
        out += ch;
    }
  }
  return `${out}'`;
}
