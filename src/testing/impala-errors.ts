/**
 * Impala's error texts. Clients (and the pool's routing) recognise errors by
 * these messages, since HS2 gives nearly all of them SQLSTATE HY000; so the
 * test cluster turns DuckDB's errors into what impalad would have said.
 *
 * @module
 */

/** SQLSTATE impalad reports for almost every error. */
export const GENERAL_SQLSTATE = 'HY000';

/** An error whose message is the text impalad would send. */
export class StatementError extends Error {
  /** SQLSTATE to report. */
  readonly sqlState: string;

  /** @param message - Impala's text; @param sqlState - defaults to HY000 */
  constructor(message: string, sqlState = GENERAL_SQLSTATE) {
    super(message);
    this.name = 'StatementError';
    this.sqlState = sqlState;
  }
}

/** `AnalysisException: …` */
export function analysisError(detail: string): StatementError {
  return new StatementError(`AnalysisException: ${detail}`);
}

/** A statement the test cluster does not emulate. */
export function unsupported(what: string): StatementError {
  return analysisError(`${what} is not supported by the impala-pool test cluster`);
}

/** Impala's message for a session handle it does not know (closed, expired, never opened). */
export function invalidSession(printableId: string): StatementError {
  return new StatementError(`Invalid session id: ${printableId}`);
}

/**
 * impalad's UNAUTHORIZED_SESSION_USER: a request authenticated as one user
 * named a session another user opened (Impala's common/thrift/generate_error_codes.py).
 */
export function unauthorizedSessionUser(connectionUser: string, sessionUser: string): StatementError {
  return new StatementError(
    `The user authorized on the connection '${connectionUser}' does not match the session username '${sessionUser}'`,
  );
}

/** Impala's message for an operation handle it does not know. */
export function invalidQueryHandle(printableId: string): StatementError {
  return new StatementError(`Invalid or unknown query handle: ${printableId}.`);
}

/** Impala's status text for a cancelled query. */
export const CANCELLED_MESSAGE = 'Cancelled';

/**
 * A ParseException in Impala's layout: the line, a caret under the bad
 * token, what was encountered.
 *
 * @param sql - the statement as the client sent it
 * @param offset - character offset of the bad token (sql.length for end of input)
 * @param encountered - token description (`IDENTIFIER`, `EOF`, a keyword)
 * @param expected - optional list for the `Expected:` line
 */
export function parseError(sql: string, offset: number, encountered: string, expected?: string): StatementError {
  const at = Math.max(0, Math.min(offset, sql.length));
  const before = sql.slice(0, at);
  const lineNo = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = sql.indexOf('\n', at);
  const line = sql.slice(lineStart, lineEnd === -1 ? sql.length : lineEnd);
  const caret = `${' '.repeat(at - lineStart)}^`;
  const parts = [`ParseException: Syntax error in line ${lineNo}:`, line, caret, `Encountered: ${encountered}`];
  if (expected) parts.push(`Expected: ${expected}`);
  parts.push('', 'CAUSED BY: Exception: Syntax error');
  return new StatementError(parts.join('\n'));
}

/** Statement starts Impala lists when the first word is wrong. */
export const STATEMENT_STARTS =
  'ALTER, COMMENT, COMPUTE, COPY, CREATE, DELETE, DESCRIBE, DROP, EXPLAIN, GRANT, INSERT, INVALIDATE, LOAD, REFRESH, REVOKE, SELECT, SET, SHOW, TRUNCATE, UPDATE, UPSERT, USE, VALUES, WITH';

/** What the DuckDB error was about, to phrase Impala's message. */
export interface DuckErrorContext {
  /** The statement as the client sent it (for ParseException positions). */
  sql: string;
  /** The session's current database (to qualify table names as Impala does). */
  database: string;
  /** Whether the statement writes into a table (Impala words a missing target differently). */
  dml?: boolean;
}

/** The first line of a DuckDB error, without DuckDB's "Did you mean" hints. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

function qualify(name: string, database: string): string {
  const clean = name.replace(/"/g, '').replace(/^memory\./, '');
  return clean.includes('.') ? clean.toLowerCase() : `${database}.${clean.toLowerCase()}`;
}

/**
 * Turns a DuckDB error (from prepare or execution) into the StatementError
 * impalad would have returned for the same mistake.
 */
export function fromDuckDBError(err: unknown, ctx: DuckErrorContext): StatementError {
  if (err instanceof StatementError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const line = firstLine(message);
  let m: RegExpExecArray | null;
  if ((m = /^Parser Error: syntax error at or near "(.*)"/.exec(line))) {
    const token = m[1]!;
    const at = locateToken(ctx.sql, token);
    return parseError(ctx.sql, at, describeToken(token));
  }
  if (/^Parser Error: syntax error at end of input/.test(line)) return parseError(ctx.sql, ctx.sql.trimEnd().length, 'EOF');
  if ((m = /^Parser Error: (.*)$/.exec(line))) return parseError(ctx.sql, 0, m[1]!);
  if (/^INTERRUPT Error/.test(line)) return new StatementError(CANCELLED_MESSAGE);
  // Raised by the translation's macros with impalad's own text.
  if ((m = /^Invalid Input Error: (UDF ERROR: .*)$/.exec(line))) return new StatementError(m[1]!);
  if ((m = /^Catalog Error: Table with name "?([^"!]+?)"? does not exist/.exec(line))) {
    if (ctx.dml) return analysisError(`Table does not exist: ${qualify(m[1]!, ctx.database)}`);
    // Analyzer.resolveTableRef quotes the path as the statement wrote it.
    return analysisError(`Could not resolve table reference: '${writtenPath(ctx.sql, m[1]!)}'`);
  }
  if ((m = /^Catalog Error: Schema with name "?([^"!]+?)"? does not exist/.exec(line))) {
    return analysisError(`Database does not exist: ${m[1]!.replace(/^memory\./, '')}`);
  }
  if ((m = /^Catalog Error: .*search_path: No catalog \+ schema named "memory\.(.+)" found/.exec(line))) {
    return analysisError(`Database does not exist: ${m[1]}`);
  }
  if ((m = /^Catalog Error: (?:Table|View) with name "?([^"!]+?)"? already exists/.exec(line))) {
    return analysisError(`Table already exists: ${qualify(m[1]!, ctx.database)}`);
  }
  if ((m = /^Catalog Error: Scalar Function with name (\S+) does not exist/.exec(line))) {
    const db = ctx.database;
    return analysisError(`${db}.${m[1]}() unknown for database ${db}. Currently this db has 0 functions.`);
  }
  if ((m = /^Binder Error: Referenced column "?([^"]+?)"? not found/.exec(line))) {
    return analysisError(`Could not resolve column/field reference: '${m[1]!.toLowerCase()}'`);
  }
  if ((m = /^Binder Error: No function matches the given name and argument types '(.*)'/.exec(line))) {
    return analysisError(`No matching function with signature: ${m[1]}.`);
  }
  if ((m = /^(?:Binder|Catalog) Error: (.*)$/.exec(line))) return analysisError(m[1]!);
  if ((m = /^Dependency Error: Cannot drop entry "?([^"]+?)"? because there are entries that depend on it/.exec(line))) {
    return analysisError(`Cannot drop non-empty database: ${m[1]}`);
  }
  return new StatementError(line.length > 0 ? line : 'Unknown error');
}

/** `name` as the statement wrote it after FROM/JOIN, with its database if it had one, lower-cased. */
function writtenPath(sql: string, name: string): string {
  const clean = name.replace(/"/g, '').replace(/^memory\./, '');
  const last = clean
    .split('.')
    .pop()!
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`\\b(?:from|join)\\s+((?:[\\w\`]+\\s*\\.\\s*)?\`?${last}\`?)(?!\\w)`, 'i');
  const m = re.exec(sql);
  return (m ? m[1]!.replace(/[`\s]/g, '') : clean).toLowerCase();
}

/** Offset of `token` in `sql` (case-insensitive), or 0 when it is not there as written. */
function locateToken(sql: string, token: string): number {
  const at = sql.toLowerCase().indexOf(token.toLowerCase());
  return at === -1 ? 0 : at;
}

/** Impala's name for a token kind in "Encountered:". */
function describeToken(token: string): string {
  if (/^\d+$/.test(token)) return 'INTEGER LITERAL';
  if (/^\d*\.\d+$/.test(token)) return 'DECIMAL LITERAL';
  if (/^[A-Za-z_]\w*$/.test(token)) return KEYWORDS.has(token.toUpperCase()) ? token.toUpperCase() : 'IDENTIFIER';
  return token;
}

const KEYWORDS = new Set(
  'SELECT FROM WHERE GROUP BY ORDER HAVING LIMIT OFFSET JOIN ON AS AND OR NOT NULL IS IN INSERT INTO VALUES CREATE TABLE DROP ALTER WITH UNION ALL DISTINCT CASE WHEN THEN ELSE END'.split(
    ' ',
  ),
);
