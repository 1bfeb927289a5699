/**
 * A tokenizer for Impala SQL, enough to rewrite statements for DuckDB
 * without a full grammar: it knows Impala's string literals (single or
 * double quotes, backslash escapes), backtick identifiers and comments, so
 * rewrites never touch text inside them.
 *
 * @module
 */
import { parseError } from '../impala-errors.js';

/** Token kinds. */
export type TokenType = 'ws' | 'comment' | 'string' | 'qident' | 'ident' | 'number' | 'op';

/** One token. */
export interface Token {
  /** Kind. */
  type: TokenType;
  /** The source text. */
  text: string;
  /** Decoded value: the string's characters, the identifier's name, else the text. */
  value: string;
  /** Offset in the statement. */
  start: number;
}

const TWO_CHAR_OPS = new Set(['<=', '>=', '<>', '!=', '||', '&&', '::', '==']);

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0', Z: '\x1a' };
const OCTAL_ESCAPE = /^[01][0-7]{2}$/;

/**
 * Splits a statement into tokens.
 *
 * @throws StatementError (ParseException) for an unterminated literal or comment
 */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const start = i;
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      while (i < sql.length && /\s/.test(sql[i]!)) i += 1;
      out.push(tok('ws', sql, start, i));
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl;
      out.push(tok('comment', sql, start, i));
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close === -1) throw parseError(sql, start, 'EOF');
      i = close + 2;
      out.push(tok('comment', sql, start, i));
    } else if (ch === "'" || ch === '"') {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= sql.length) throw parseError(sql, start, 'Unmatched string literal');
        const c = sql[i]!;
        const octal = c === '\\' ? OCTAL_ESCAPE.exec(sql.slice(i + 1, i + 4)) : null;
        if (octal) {
          // Impala unescapes literals with Hive's unescapeSQLString (StringLiteral.getUnescapedValue),
          // which reads `\` + [01][0-7][0-7] as one octal escape: `\000` is NUL, `\012` a newline.
          value += String.fromCharCode(parseInt(octal[0], 8));
          i += 4;
        } else if (c === '\\' && i + 1 < sql.length) {
          const e = sql[i + 1]!;
          // Impala keeps the backslash of \% and \_ so LIKE patterns still see it.
          value += ESCAPES[e] ?? (e === '%' || e === '_' ? `\\${e}` : e);
          i += 2;
        } else if (c === ch) {
          i += 1;
          break;
        } else {
          value += c;
          i += 1;
        }
      }
      out.push({ type: 'string', text: sql.slice(start, i), value, start });
    } else if (ch === '`') {
      const close = sql.indexOf('`', i + 1);
      if (close === -1) throw parseError(sql, start, 'Unmatched identifier quote');
      i = close + 1;
      out.push({ type: 'qident', text: sql.slice(start, i), value: sql.slice(start + 1, close), start });
    } else if (/\d/.test(ch) || (ch === '.' && /\d/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i))!;
      i += m[0].length;
      // `1col` style names: Impala identifiers may start with a digit.
      if (/^\d+$/.test(m[0]) && /[A-Za-z_]/.test(sql[i] ?? '')) {
        while (i < sql.length && /[\p{L}\p{N}_$]/u.test(sql[i]!)) i += 1;
        out.push(tok('ident', sql, start, i));
      } else {
        out.push(tok('number', sql, start, i));
      }
    } else if (/[\p{L}_]/u.test(ch)) {
      while (i < sql.length && /[\p{L}\p{N}_$]/u.test(sql[i]!)) i += 1;
      out.push(tok('ident', sql, start, i));
    } else {
      const two = sql.slice(i, i + 2);
      i += TWO_CHAR_OPS.has(two) ? 2 : 1;
      out.push(tok('op', sql, start, i));
    }
  }
  return out;
}

function tok(type: TokenType, sql: string, start: number, end: number): Token {
  const text = sql.slice(start, end);
  return { type, text, value: text, start };
}

/** Whether a token is the bare word `word` (case-insensitive). */
export function isWord(t: Token | undefined, word: string): boolean {
  return t !== undefined && t.type === 'ident' && t.value.toUpperCase() === word;
}

/** Whether a token is the operator/punctuation `op`. */
export function isOp(t: Token | undefined, op: string): boolean {
  return t !== undefined && t.type === 'op' && t.text === op;
}

/** Whether a token names something (bare or backtick-quoted). */
export function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.type === 'ident' || t.type === 'qident');
}

/**
 * A DuckDB string literal for `value`. DuckDB literals cannot hold NUL: a few
 * NULs are spliced in with chr(0); more make the value its UTF-8 bytes in hex,
 * decoded in one flat call, since a `'a' || chr(0) || 'b'` chain passes
 * DuckDB's expression depth limit (1000) at a few hundred NULs.
 */
export function duckString(value: string): string {
  const quoted = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  if (!value.includes('\0')) return quoted(value);
  const parts = value.split('\0');
  if (parts.length <= MAX_CHR0_SPLICES) return `(${parts.map(quoted).join(' || chr(0) || ')})`;
  return `decode(from_hex('${Buffer.from(value, 'utf8').toString('hex')}'))`;
}

const MAX_CHR0_SPLICES = 16;

/** A DuckDB quoted identifier. */
export function duckIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
