/**
 * Client-side parameter binding. Impala's HS2 service has no server-side
 * prepared statements, so values are rendered as SQL literals into the
 * statement text. This is a security boundary: whatever the values are, the
 * bound statement has the template's tokens with each placeholder replaced by
 * the tokens of one literal (or, for an IN list, a comma-separated run of
 * literals) — no value can end a string, open a comment or join a neighbour.
 *
 * How that is kept:
 * - The template is scanned with the lexical rules of tokenize.ts (Impala's):
 *   `'…'` and `"…"` strings with backslash escapes, backtick identifiers,
 *   `-- …` and `/* … *\/` comments; placeholders inside them are text.
 * - Where Impala's own lexer (fe/src/main/jflex/sql-scanner.flex) reads text
 *   differently from those rules, a placeholder after that point is refused
 *   rather than guessed at: a backtick identifier whose closing backtick is
 *   escaped (Impala allows `\\.` inside backticks); plan hints
 *   (`/* +…*\/`, `-- +…`) holding quotes or comment openers, whose insides
 *   Impala lexes as code; and a `--` comment with a lone CR (where Impala's
 *   comment ends) followed by quotes or comment openers.
 * - Each literal is padded with a space wherever the template character next
 *   to the placeholder could join it (`-?` with -1 is `- -1`, not a `--`
 *   comment; `1?` with 2 is `1 2`, not `12`; `'a'?` is `'a' 'x'`, not the one
 *   string `'a''x'` of standard SQL).
 * - Strings escape `\`, `'`, newline, CR, tab and NUL, so a string literal
 *   never ends early, and the statement text has no raw NUL (which C string
 *   handling truncates at) or line break from a value (which would split log
 *   lines).
 *
 * Binding is linear in the size of the template plus the values: the template
 * is scanned with regex and indexOf jumps, and the output is one join of
 * chunks.
 *
 * @module
 */

/** A value that renders as one SQL literal. */
export type BindScalar = null | undefined | boolean | number | bigint | string | Date | Buffer | Uint8Array;

/**
 * A value that can be bound to a placeholder: a scalar, or a non-empty array
 * of scalars for an IN list (`x IN (?)` → `x IN (1, 2, 3)`).
 */
export type BindValue = BindScalar | readonly BindScalar[];

/**
 * Parameters for {@link bindParameters}: an array for positional `?`
 * placeholders, or a plain object for named `:name` placeholders.
 */
export type BindParams = readonly BindValue[] | Readonly<Record<string, BindValue>>;

// The characters that start a region or a placeholder; everything else is copied as is.
const POSITIONAL_SPECIAL = /['"`?]|--|\/\*/g;
const NAMED_SPECIAL = /['"`?:]|--|\/\*/g;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
// The same identifier characters tokenize.ts's WORD uses: `a:b` is not a placeholder.
const WORD_CHAR = /[\w$\u0080-\uffff]/;
// Impala's hint openers (sql-scanner.flex: CommentedHintBegin, EolHintBegin).
const BLOCK_HINT = /\/\* *\+/y;
const LINE_HINT = /-- *\+/y;
// Inside a hint (or after a comment Impala ends early) these start strings, identifiers or
// comments in Impala's reading but not in ours.
const HINT_DIVERGES = /['"`]|--|\/\*/;

/** How error messages name a param: `param 2` or `param :id` (never by its value, which may be a secret). */
function label(param: number | string): string {
  return typeof param === 'number' ? `param ${param}` : `param :${param}`;
}

/**
 * Replaces the placeholders in `sql` with the matching values as Impala
 * literals. With an array (or no params), each `?` takes the next value and
 * `:x` is plain text; with a plain object, each `:name` takes `params[name]`
 * (names are `[A-Za-z_][A-Za-z0-9_]*`, after a character that is not part of
 * an identifier; `::` is text) and a bare `?` is an error. Placeholders inside
 * strings, quoted identifiers and comments are left alone.
 *
 * @param sql - the statement template
 * @param params - values for the placeholders; default none
 * @returns the statement with every placeholder replaced
 * @throws TypeError when the counts differ, a name is missing or unused, a
 *   value cannot be bound, or a placeholder follows text Impala lexes
 *   differently (messages name params by index or name, never by value)
 */
export function bindParameters(sql: string, params?: BindParams): string {
  const list = params === undefined ? [] : params;
  let named: Readonly<Record<string, BindValue>> | undefined;
  if (!Array.isArray(list)) {
    if (list === null || typeof list !== 'object' || !isPlainObject(list)) {
      throw new TypeError('params must be an array (for ? placeholders) or a plain object (for :name placeholders)');
    }
    named = list as Readonly<Record<string, BindValue>>;
  }
  const positional = list as readonly BindValue[];
  const special = named ? NAMED_SPECIAL : POSITIONAL_SPECIAL;
  const out: string[] = [];
  const rendered = new Map<string, string>();
  let used = 0;
  let copied = 0;
  let i = 0;
  // Where the template stops meaning the same to us and to Impala; no placeholder may follow.
  let diverged: { at: number; why: string } | undefined;
  // The next CR from the current comment on, remembered so that many comments without one stay linear.
  let nextCr = -2;

  for (;;) {
    special.lastIndex = i;
    const m = special.exec(sql);
    if (!m) break;
    const at = m.index;
    const found = m[0];
    if (found === "'" || found === '"') {
      i = closeQuote(sql, at, found).end;
      continue;
    }
    if (found === '`') {
      const close = closeQuote(sql, at, '`');
      if (close.escaped && !diverged) diverged = { at, why: 'a quoted identifier whose closing backtick Impala reads as escaped' };
      i = close.end;
      continue;
    }
    if (found === '--') {
      const nl = sql.indexOf('\n', at);
      const end = nl === -1 ? sql.length : nl + 1;
      if (!diverged && isHint(LINE_HINT, sql, at, end)) diverged = { at, why: 'a -- + plan hint with quotes or comments in it' };
      if (!diverged && nextCr !== -1) {
        if (nextCr < at) nextCr = sql.indexOf('\r', at);
        if (nextCr !== -1 && nextCr < end && endsAtCarriageReturn(sql, nextCr, end)) {
          diverged = { at, why: 'a -- comment that Impala ends at a lone carriage return, with quotes or comments after it' };
        }
      }
      i = end;
      continue;
    }
    if (found === '/*') {
      const close = sql.indexOf('*/', at + 2);
      const end = close === -1 ? sql.length : close + 2;
      if (!diverged && isHint(BLOCK_HINT, sql, at, close === -1 ? end : close)) {
        diverged = { at, why: 'a /* + plan hint with quotes or comments in it' };
      }
      i = end;
      continue;
    }

    // A placeholder candidate: `?`, or `:` in named mode.
    let end = at + 1;
    let value: BindValue;
    let param: number | string;
    if (found === '?') {
      if (named) {
        throw new TypeError(
          `the statement has a ? placeholder at offset ${at}, but params is an object: use :name placeholders with named params`,
        );
      }
      if (used >= positional.length) {
        throw new TypeError(`the statement has more ? placeholders than the ${positional.length} params given`);
      }
      param = used;
      value = positional[used];
      used += 1;
    } else {
      NAME.lastIndex = at + 1;
      const name = NAME.exec(sql);
      const before = sql[at - 1];
      if (!name || sql[at + 1] === ':' || before === ':' || (before !== undefined && WORD_CHAR.test(before))) {
        i = at + 1;
        continue;
      }
      param = name[0];
      end = NAME.lastIndex;
      if (!Object.hasOwn(named!, param)) throw new TypeError(`no value for the :${param} placeholder in params`);
      value = named![param];
    }
    if (diverged) {
      throw new TypeError(
        `cannot bind ${label(param)} safely: it follows ${diverged.why} (offset ${diverged.at}), after which Impala's lexer reads the statement differently`,
      );
    }
    if (Array.isArray(value) && !isInListSlot(sql, at, end)) {
      throw new TypeError(`${label(param)} is an array, which binds only as the whole list of an IN: x IN (?)`);
    }
    // A name used several times is rendered once.
    let text = typeof param === 'string' ? rendered.get(param) : undefined;
    if (text === undefined) {
      text = literal(value, param);
      if (typeof param === 'string') rendered.set(param, text);
    }
    out.push(sql.slice(copied, at));
    if (at > 0 && !separates(sql.charCodeAt(at - 1))) out.push(' ');
    out.push(text);
    if (end < sql.length && !separates(sql.charCodeAt(end))) out.push(' ');
    copied = end;
    i = end;
  }

  if (named) {
    const unused = Object.keys(named).filter((k) => !rendered.has(k));
    if (unused.length > 0) throw new TypeError(`params has names the statement does not use: ${unused.map((k) => `:${k}`).join(', ')}`);
  } else if (used !== positional.length) {
    throw new TypeError(`the statement has ${used} ? placeholders but ${positional.length} params were given`);
  }
  if (copied === 0) return sql;
  out.push(sql.slice(copied));
  return out.join('');
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The end of the quoted run opening at `start` (past the closing quote, or
 * the end of `sql` when unterminated), as tokenize.ts's closingQuote finds
 * it; `escaped` tells whether a backtick close had an odd run of backslashes
 * before it, which Impala (not tokenize.ts) treats as an escape.
 */
function closeQuote(sql: string, start: number, q: string): { end: number; escaped: boolean } {
  let from = start + 1;
  for (;;) {
    const close = sql.indexOf(q, from);
    if (close === -1) return { end: sql.length, escaped: false };
    let slashes = 0;
    while (close - slashes - 1 > start && sql.charCodeAt(close - slashes - 1) === 0x5c) slashes += 1;
    if (slashes % 2 === 0) return { end: close + 1, escaped: false };
    if (q === '`') return { end: close + 1, escaped: true };
    from = close + 1;
  }
}

/** Whether the comment at [start, end) is an Impala plan hint whose body Impala would lex into something other than plain tokens. */
function isHint(opener: RegExp, sql: string, start: number, end: number): boolean {
  opener.lastIndex = start;
  if (!opener.test(sql)) return false;
  return HINT_DIVERGES.test(sql.slice(opener.lastIndex, end));
}

/**
 * Whether Impala would end a `--` comment early, at a CR (the first one is at
 * `cr`, before the comment's `end`) not followed by LF (its LineTerminator is
 * \r|\n|\r\n), and then read a string, identifier or comment where we still
 * see comment text.
 */
function endsAtCarriageReturn(sql: string, cr: number, end: number): boolean {
  const body = sql.slice(cr, end);
  const lone = body.search(/\r(?!\n)/);
  return lone !== -1 && HINT_DIVERGES.test(body.slice(lone + 1));
}

/** Whitespace (Impala's: space, tab, CR, LF, FF) and punctuation that never joins a neighbouring token. */
function separates(code: number): boolean {
  return (
    code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c || code === 0x28 || code === 0x29 || code === 0x2c
  );
}

const isSpace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c;

/** True when the placeholder at [at, end) is all of an IN list: `IN (`, optional spaces, placeholder, optional spaces, `)`. */
function isInListSlot(sql: string, at: number, end: number): boolean {
  let k = at - 1;
  while (k >= 0 && isSpace(sql.charCodeAt(k))) k -= 1;
  if (sql[k] !== '(') return false;
  k -= 1;
  while (k >= 0 && isSpace(sql.charCodeAt(k))) k -= 1;
  if (k < 1 || sql.slice(k - 1, k + 1).toUpperCase() !== 'IN') return false;
  const before = sql[k - 2];
  if (before !== undefined && WORD_CHAR.test(before)) return false;
  let j = end;
  while (j < sql.length && isSpace(sql.charCodeAt(j))) j += 1;
  return sql[j] === ')';
}

/**
 * Renders one value as an Impala SQL literal:
 * - null/undefined → `NULL`; booleans → `TRUE`/`FALSE`;
 * - safe integers → digits (`-7`); other finite numbers, unsafe integers and
 *   -0 → `CAST('<shortest round-trip repr>' AS DOUBLE)` (quoted so the value
 *   is parsed straight to a double: a bare `1.5` or `1e-7` is typed DECIMAL
 *   first by Impala and DuckDB, and -0 has no unquoted spelling); NaN and
 *   ±Infinity are rejected;
 * - bigint → digits;
 * - strings → {@link quoteString};
 * - Date → `CAST('YYYY-MM-DD HH:MM:SS.sss' AS TIMESTAMP)` of its UTC wall clock
 *   (Impala timestamps have no zone);
 * - Buffer/Uint8Array → `CAST(unhex('…') AS BINARY)`;
 * - a non-empty array of scalars → `a, b, c` (for an IN list; the template
 *   provides the parentheses).
 *
 * @param value - the value
 * @param param - the param's index or name, for error messages
 * @returns the literal text
 * @throws TypeError for values with no literal (objects, symbols, functions,
 *   NaN, ±Infinity, invalid Dates, empty or nested arrays)
 */
export function literal(value: BindValue, param: number | string = 0): string {
  if (!Array.isArray(value)) return scalarLiteral(value as BindScalar, param);
  if (value.length === 0) throw new TypeError(`${label(param)} is an empty array; an IN list needs at least one value`);
  const parts = new Array<string>(value.length);
  for (let k = 0; k < value.length; k += 1) {
    const item = value[k] as unknown;
    if (Array.isArray(item)) throw new TypeError(`${label(param)} has an array at index ${k}; IN lists hold scalars only`);
    parts[k] = scalarLiteral(item as BindScalar, param);
  }
  return parts.join(', ');
}

function scalarLiteral(value: BindScalar, param: number | string): string {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'number':
      return numberLiteral(value, param);
    case 'bigint':
      return value.toString();
    case 'string':
      return quoteString(value);
    case 'object':
      break;
    default:
      throw new TypeError(`${label(param)} has type ${typeof value}, which cannot be bound`);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError(`${label(param)} is an invalid Date`);
    return `CAST('${value.toISOString().replace('T', ' ').replace('Z', '')}' AS TIMESTAMP)`;
  }
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex').toUpperCase();
    // unhex() returns STRING in Impala; the cast makes the literal BINARY, as a BINARY column needs.
    return `CAST(unhex('${hex}') AS BINARY)`;
  }
  throw new TypeError(`${label(param)} is an object${className(value)}, which cannot be bound`);
}

/** ` (Map)` for an instance of a named class; a hostile getter or proxy only loses the hint. */
function className(value: object): string {
  try {
    const name: unknown = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' ? ` (${name})` : '';
  } catch {
    return '';
  }
}

function numberLiteral(n: number, param: number | string): string {
  if (!Number.isFinite(n)) throw new TypeError(`${label(param)} is not a finite number; NaN and Infinity have no SQL literal`);
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) return String(n);
  // Impala's StringParser (fast_double_parser) and DuckDB (fast_float) both read
  // the shortest round-trip text back to the same double; the decimal-literal
  // path does not always (DuckDB goes through DECIMAL and can be off by an ulp).
  return `CAST('${Object.is(n, -0) ? '-0' : String(n)}' AS DOUBLE)`;
}

const STRING_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  // Three octal digits, not `\0`: Impala unescapes with Hive's unescapeSQLString,
  // which reads `\0` followed by two octal digits (`\012`) as one octal escape.
  '\0': '\\000',
};
const STRING_SPECIAL = /[\\'\n\r\t\0]/g;
const escapeChar = (c: string): string => STRING_ESCAPES[c]!;

// Bytes of the escaped form per UTF-8 byte: 0 copies the byte, else the
// letter after the backslash (NUL, which is \000, is handled on its own).
const BYTE_ESCAPES = new Uint8Array(128);
BYTE_ESCAPES[0x5c] = 0x5c;
BYTE_ESCAPES[0x27] = 0x27;
BYTE_ESCAPES[0x0a] = 0x6e;
BYTE_ESCAPES[0x0d] = 0x72;
BYTE_ESCAPES[0x09] = 0x74;

/** Past this share of special characters a regex callback per match costs more than one pass over the bytes. */
const DENSE_SHARE = 1 / 64;

/**
 * Escapes a long string dense with special characters in one pass over its
 * UTF-8 bytes: every special character is ASCII, and UTF-8 never uses ASCII
 * bytes inside a multi-byte character, so bytes can be copied as they are.
 */
function escapeBytes(s: string): string {
  const src = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(src.length * 4);
  let o = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    const e = b < 128 ? BYTE_ESCAPES[b]! : 0;
    if (b === 0) {
      out[o++] = 0x5c;
      out[o++] = 0x30;
      out[o++] = 0x30;
      out[o++] = 0x30;
    } else if (e === 0) {
      out[o++] = b;
    } else {
      out[o++] = 0x5c;
      out[o++] = e;
    }
  }
  return out.toString('utf8', 0, o);
}

/** How many special characters `s` has, stopping once it is clearly dense. */
function isDense(s: string): boolean {
  const limit = s.length * DENSE_SHARE;
  STRING_SPECIAL.lastIndex = 0;
  let n = 0;
  while (STRING_SPECIAL.exec(s) !== null) if (++n > limit) return true;
  return false;
}

/**
 * An Impala string literal for `s`: single quotes, with `\`, `'`, newline,
 * CR, tab and NUL backslash-escaped (NUL as `\000`). Everything else,
 * unicode included, is kept as is. Linear in the length of `s`.
 *
 * @param s - the string
 * @returns the quoted literal
 */
export function quoteString(s: string): string {
  // Short strings and long ones with few special characters: one native replace.
  if (s.length < 4096 || !isDense(s)) return `'${s.replace(STRING_SPECIAL, escapeChar)}'`;
  return `'${escapeBytes(s)}'`;
}
