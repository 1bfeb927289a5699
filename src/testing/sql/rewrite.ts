/**
 * Rewriting Impala expressions and queries into DuckDB SQL, token by token:
 * literals and quoting, CAST with Impala's conversions, Impala's functions
 * (sql/functions.ts, sql/datetime-functions.ts), operators DuckDB reads
 * otherwise (`||` is OR, `RLIKE`, `DIV`), join and sampling clauses, column
 * labels (sql/select-labels.ts) and integer literals too big for BIGINT
 * (which Impala types as DECIMAL).
 *
 * @module
 */
import { analysisError } from '../impala-errors.js';
import { parseImpalaType } from '../impala-types.js';
import { duckIdent, duckString, isOp, isWord, type Token } from './lexer.js';
import { argumentRanges, type FunctionCall } from './function-call.js';
import { FUNCTION_REWRITES } from './functions.js';
import { integerLiteralType, newRewriteState, type RewriteState } from './rewrite-state.js';
import { collectLabels } from './select-labels.js';

// The statement translators make their states through this module.
export { newRewriteState, type RewriteState };

const INT64_MAX = 9223372036854775807n;

/**
 * Words DuckDB's parser reserves (duckdb_keywords(): categories reserved and
 * type_function) that Impala does not (fe sql-scanner.flex keywordMap), so an
 * Impala statement may use them as names: `SELECT at FROM t` must reach
 * DuckDB quoted. Followed by `(` they are calls and stay as written.
 */
const DUCKDB_ONLY_KEYWORDS = new Set(
  'analyse analyze any asof asymmetric at check collate collation concurrently deferrable do fetch freeze generated glob initially isnull lambda lateral natural notnull only overlaps pivot_longer pivot_wider placing positional qualify returning similar some summarize symmetric try_cast unpack variadic verbose window'.split(
    ' ',
  ),
);

/** Index of the `)` matching the `(` at `open`, or -1. */
export function matchParen(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    const t = tokens[i]!;
    if (isOp(t, '(')) depth += 1;
    else if (isOp(t, ')')) {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Index of the last top-level bare word `word` in tokens[from, to), or -1. */
function lastTopLevelWord(tokens: readonly Token[], from: number, to: number, word: string): number {
  let depth = 0;
  let found = -1;
  for (let i = from; i < to; i += 1) {
    const t = tokens[i]!;
    if (isOp(t, '(')) depth += 1;
    else if (isOp(t, ')')) depth -= 1;
    else if (depth === 0 && isWord(t, word)) found = i;
  }
  return found;
}

/**
 * CAST(inner AS type) with Impala's conversions (impala_conversion_functions.xml):
 * text that does not convert is NULL rather than an error, fractions are
 * truncated into integers, numbers are epoch seconds as TIMESTAMP.
 */
function castExpression(inner: string, typeText: string): string | undefined {
  const t = parseImpalaType(typeText);
  if (!t) return undefined;
  switch (t.name) {
    case 'TIMESTAMP':
      return `main.impala_timestamp(${inner})`;
    case 'TINYINT':
    case 'SMALLINT':
    case 'BIGINT':
      return `TRY_CAST(main.impala_int_text(${inner}) AS ${t.name})`;
    case 'INT':
      return `TRY_CAST(main.impala_int_text(${inner}) AS INTEGER)`;
    case 'STRING':
      return `main.impala_string(${inner})`;
    case 'VARCHAR':
    case 'CHAR':
      return `left(main.impala_string(${inner}), ${t.length ?? 65535})`;
    case 'DECIMAL':
      return `TRY_CAST(${inner} AS DECIMAL(${t.precision ?? 9},${t.scale ?? 0}))`;
    case 'BINARY':
      return `CAST(${inner} AS BLOB)`;
    case 'DATE':
      return `main.impala_date(${inner})`;
    default:
      return `TRY_CAST(${inner} AS ${t.name})`;
  }
}

/**
 * Rewrites a query (or any statement text holding select lists) in
 * tokens[from, to), labelling result columns as Impala does.
 */
export function rewriteQuery(tokens: readonly Token[], state: RewriteState, from = 0, to = tokens.length): string {
  collectLabels(tokens, state, from, to);
  return rewriteTokens(tokens, state, from, to);
}

/**
 * Rewrites tokens[from, to) into DuckDB SQL. Whitespace between tokens is
 * kept as one space; comments are dropped.
 */
export function rewriteTokens(tokens: readonly Token[], state: RewriteState, from = 0, to = tokens.length): string {
  return rewriteRange(tokens, state, from, to, true);
}

/**
 * A part of a construct (an argument, a pattern) ends where the construct
 * ends; the construct's label goes after the construct, so a part's last
 * token gets none (`labelEnd` false).
 */
function sub(tokens: readonly Token[], state: RewriteState, from: number, to: number): string {
  return rewriteRange(tokens, state, from, to, false);
}

function rewriteRange(tokens: readonly Token[], state: RewriteState, from: number, to: number, labelEnd: boolean): string {
  let out = '';
  let prevEnd = -1;
  for (let i = from; i < to; i += 1) {
    const t = tokens[i]!;
    const space = prevEnd >= 0 && t.start > prevEnd ? ' ' : '';
    const [text, last] = rewriteAt(tokens, state, i, to);
    out += space + text;
    i = last;
    const end = tokens[last]!;
    prevEnd = end.start + end.text.length;
    const label = labelEnd || last < to - 1 ? state.labels.get(end) : undefined;
    // DuckDB identifiers cannot hold NUL; such an item keeps DuckDB's label.
    if (label !== undefined && !label.includes('\0')) out += ` AS ${duckIdent(label)}`;
  }
  return out;
}

/** The DuckDB text for the construct starting at tokens[i], and the index of its last token. */
function rewriteAt(tokens: readonly Token[], state: RewriteState, i: number, to: number): [string, number] {
  const t = tokens[i]!;
  const next = tokens[i + 1];
  if (t.type === 'ident' && isOp(next, '(') && !isOp(tokens[i - 1], '.')) {
    const call = rewriteCall(tokens, state, i, to);
    if (call) return call;
  }
  if (isWord(t, 'TIMESTAMP') && next?.type === 'string') return [`main.impala_timestamp(${duckString(next.value)})`, i + 1];
  if ((isWord(t, 'RLIKE') || isWord(t, 'REGEXP') || (isWord(t, 'NOT') && (isWord(next, 'RLIKE') || isWord(next, 'REGEXP')))) && i > 0) {
    // RLIKE/REGEXP match anywhere in the value (RE2 partial match); DuckDB's ~ matches the whole value.
    const negated = isWord(t, 'NOT');
    const at = negated ? i + 2 : i + 1;
    const right = tokens[at];
    let last = at;
    if (isOp(right, '(')) last = matchParen(tokens, at);
    if (!right || last === -1 || last >= to) throw analysisError(`Syntax error near ${t.text}`);
    const pattern = sub(tokens, state, at, last + 1);
    // Only the added wildcards cross newlines: in the pattern itself `.` does not (RE2's default, like-predicate.cc).
    return [`${negated ? '!~' : '~'} ('(?s:.*)(?:' || ${pattern} || ')(?s:.*)')`, last];
  }
  if (t.type === 'number' && state.typedLiterals.has(t)) return [`CAST(${t.text} AS ${integerLiteralType(t.text)})`, i];
  if (isWord(t, 'TABLESAMPLE') && isWord(next, 'SYSTEM') && isOp(tokens[i + 2], '(')) {
    // Impala samples files; here rows, each kept with the given probability.
    const close = matchParen(tokens, i + 2);
    const percent = sub(tokens, state, i + 3, close);
    let text = `TABLESAMPLE bernoulli(${percent} PERCENT)`;
    let last = close;
    if (isWord(tokens[close + 1], 'REPEATABLE') && isOp(tokens[close + 2], '(')) {
      last = matchParen(tokens, close + 2);
      text += ` REPEATABLE (${sub(tokens, state, close + 3, last)})`;
    }
    return [text, last];
  }
  return [rewriteOne(t, next, tokens[i - 1]), i];
}

/** CAST, sleep() and the rewritten functions; undefined for a call DuckDB runs as written. */
function rewriteCall(tokens: readonly Token[], state: RewriteState, i: number, to: number): [string, number] | undefined {
  const t = tokens[i]!;
  const close = matchParen(tokens, i + 1);
  if (close === -1 || close >= to) return undefined;
  const upper = t.value.toUpperCase();
  if (upper === 'CAST') {
    const as = lastTopLevelWord(tokens, i + 2, close, 'AS');
    if (as === -1) return undefined;
    const typeText = tokens
      .slice(as + 1, close)
      .map((x) => x.text)
      .join('');
    const inner = sub(tokens, state, i + 2, as);
    return [castExpression(inner, typeText) ?? `CAST(${inner} AS ${sub(tokens, state, as + 1, close)})`, close];
  }
  if (upper === 'SLEEP') {
    const arg = tokens[i + 2];
    if (arg?.type !== 'number' || close !== i + 3 || !/^\d+$/.test(arg.text)) {
      throw analysisError('sleep() needs a constant integer argument (milliseconds) in the impala-pool test cluster');
    }
    state.sleepMs += Number(arg.text);
    return ['true', close];
  }
  const rewrite = FUNCTION_REWRITES[t.value.toLowerCase()];
  if (!rewrite) return undefined;
  const ranges = argumentRanges(tokens, i + 1, close);
  const call: FunctionCall = {
    name: t.value.toLowerCase(),
    // A bare integer literal argument has Impala's literal type, which the result type may follow (nullifzero(0) is TINYINT).
    args: ranges.map(([a, b]) => {
      const type = b - a === 1 && tokens[a]!.type === 'number' ? integerLiteralType(tokens[a]!.text) : undefined;
      return type ? `CAST(${tokens[a]!.text} AS ${type})` : sub(tokens, state, a, b);
    }),
    raw: ranges.map(([a, b]) => tokens.slice(a, b)),
    rewriteFrom: (k, skip) => sub(tokens, state, ranges[k]![0] + skip, ranges[k]![1]),
    state,
  };
  const text = rewrite(call) ?? `${t.text}(${call.args.join(', ')})`;
  return [text, close];
}

/** One token's DuckDB text. */
function rewriteOne(t: Token, next: Token | undefined, prev: Token | undefined): string {
  switch (t.type) {
    case 'string':
      return duckString(t.value);
    case 'qident':
      return duckIdent(t.value);
    case 'number':
      if (/^\d+$/.test(t.text) && t.text.length >= 19 && BigInt(t.text) > INT64_MAX) {
        if (t.text.replace(/^0+/, '').length > 38) throw analysisError(`Numeric literal '${t.text}' exceeds maximum range of doubles.`);
        return `CAST('${t.text}' AS DECIMAL(38,0))`;
      }
      return t.text;
    case 'op':
      // impala_operators.xml: || and && are the logical OR and AND.
      // Spaced, since `a||b` may be written without any.
      if (t.text === '||') return ' OR ';
      if (t.text === '&&') return ' AND ';
      return t.text;
    case 'ident': {
      const upper = t.value.toUpperCase();
      // DEFAULT is reserved in DuckDB; as a database name it must be quoted.
      if (upper === 'DEFAULT' && isOp(next, '.')) return '"default"';
      if (upper === 'DIV' && !isOp(next, '(')) return '//';
      if (DUCKDB_ONLY_KEYWORDS.has(t.value.toLowerCase()) && !isOp(next, '(')) return duckIdent(t.value);
      // SELECT STRAIGHT_JOIN is a planner hint; `a STRAIGHT_JOIN b` an inner join.
      if (upper === 'STRAIGHT_JOIN') return isWord(prev, 'SELECT') || isWord(prev, 'DISTINCT') || isWord(prev, 'ALL') ? '' : 'JOIN';
      return t.text;
    }
    default:
      return t.text;
  }
}
