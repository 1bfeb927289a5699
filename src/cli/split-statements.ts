/**
 * Splits a SQL script into statements at `;`, the way impalad's own lexer
 * (fe/src/main/jflex/sql-scanner.flex) reads the text, so a `;` inside a
 * string, a quoted identifier or a comment never ends a statement:
 *
 * - `'…'`, `"…"` and `` `…` `` are quoted; inside any of them a backslash
 *   escapes the next character (`'it\'s'`, `` `a\`b` ``), so an escaped
 *   quote does not close them. An unterminated quote runs to the end.
 * - `-- …` is a comment to the end of the line; a line ends at `\n` or at
 *   `\r` (impalad's LineTerminator is `\r|\n|\r\n`).
 * - `/* … *\/` is a comment to the first `*\/` (they do not nest); an
 *   unterminated one runs to the end.
 * - Plan hints (`/* +SHUFFLE *\/`, `-- +SHUFFLE`) are comments here: a `;`
 *   inside one means nothing to impalad either.
 *
 * A statement that is empty, or only whitespace and comments, is dropped
 * (impalad would refuse it). Each statement's text is kept as written,
 * comments included (hints are comments), without the `;` and the
 * surrounding whitespace.
 *
 * @module
 * @internal
 */

/**
 * One statement of a script.
 *
 * @internal
 */
export interface ScriptStatement {
  /** The statement as written, trimmed, without its `;`. */
  readonly text: string;
  /** 1-based line of the script where the statement's text starts. */
  readonly line: number;
  /** How many `?` placeholders it has outside quotes and comments. */
  readonly placeholders: number;
}

const WHITESPACE = /\s/;

/**
 * Splits `script` into statements (see the module comment for the rules).
 * Never throws: malformed text (an unterminated string) ends up in a
 * statement for the server to report.
 *
 * @param script - SQL text, one or more statements
 * @returns the non-empty statements, in order
 * @internal
 */
export function splitStatements(script: string): ScriptStatement[] {
  const out: ScriptStatement[] = [];
  const lines = new LineCounter(script);
  const n = script.length;
  let start = 0;
  let hasCode = false;
  let placeholders = 0;
  const finish = (end: number): void => {
    if (hasCode) {
      const raw = script.slice(start, end);
      const lead = raw.length - raw.trimStart().length;
      out.push({ text: raw.trim(), line: lines.lineAt(start + lead), placeholders });
    }
    start = end + 1;
    hasCode = false;
    placeholders = 0;
  };
  let i = 0;
  while (i < n) {
    const ch = script[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      i = closeQuote(script, i);
      hasCode = true;
    } else if (ch === '-' && script[i + 1] === '-') {
      i = lineEnd(script, i + 2);
    } else if (ch === '/' && script[i + 1] === '*') {
      const close = script.indexOf('*/', i + 2);
      i = close === -1 ? n : close + 2;
    } else if (ch === ';') {
      finish(i);
      i += 1;
    } else {
      if (ch === '?') placeholders += 1;
      if (!WHITESPACE.test(ch)) hasCode = true;
      i += 1;
    }
  }
  finish(n);
  return out;
}

/** Index just past the quote closing the one at `start`, or the end of `sql` when none does. */
function closeQuote(sql: string, start: number): number {
  const q = sql[start];
  let j = start + 1;
  while (j < sql.length) {
    const ch = sql[j];
    if (ch === '\\') j += 2;
    else if (ch === q) return j + 1;
    else j += 1;
  }
  return sql.length;
}

/** Index of the first line terminator (`\n` or `\r`) at or after `from`, or the end. */
function lineEnd(sql: string, from: number): number {
  for (let j = from; j < sql.length; j++) {
    const ch = sql[j];
    if (ch === '\n' || ch === '\r') return j;
  }
  return sql.length;
}

/** Line numbers of offsets asked for in increasing order, in one pass over the text. */
class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  /** The 1-based line of `offset` (`\n`, `\r\n` and a lone `\r` each end a line); offsets must not decrease. */
  lineAt(offset: number): number {
    for (; this.offset < offset; this.offset++) {
      const ch = this.text[this.offset];
      if (ch === '\n' || (ch === '\r' && this.text[this.offset + 1] !== '\n')) this.line += 1;
    }
    return this.line;
  }
}
