/**
 * Impala's result column labels. A select-list item without an alias is
 * labelled by its SQL text as Impala prints it, lower-cased
 * (SelectListItem.toColumnLabel, Expr.toSql: `count(*)`, `5 + 1`,
 * `year(now())`); a column reference by its name; an analytic call by
 * `fn(args) OVER(...)`. DuckDB labels expressions its own way, so every
 * such item gets an explicit alias.
 *
 * @module
 */
import { isName, isOp, isWord, type Token } from './lexer.js';
import { integerLiteralType, type RewriteState } from './rewrite-state.js';

/** Words that end a select list at its own nesting level. */
const LIST_END = new Set([
  'FROM',
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'WINDOW',
  'INTO',
]);

/** Words an item can end with that are not an alias. */
const NOT_ALIAS = new Set([
  'END',
  'NULL',
  'TRUE',
  'FALSE',
  'AND',
  'OR',
  'NOT',
  'IS',
  'DISTINCT',
  ...['YEAR', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'].flatMap((u) => [u, `${u}S`]),
]);

/** Words after which `(` is not a function call's. */
const KEYWORDS_BEFORE_PAREN = new Set([
  'IN',
  'AND',
  'OR',
  'NOT',
  'WHEN',
  'THEN',
  'ELSE',
  'CASE',
  'EXISTS',
  'BETWEEN',
  'IS',
  'LIKE',
  'RLIKE',
  'REGEXP',
  'AS',
  'OVER',
  'FROM',
  'SELECT',
]);

const OP_TEXT: Record<string, string> = { '||': 'OR', '&&': 'AND', '<>': '!=' };

/**
 * Finds the select lists in tokens[from, to) and records, in `state`, the
 * label to append after each unaliased expression item and which items are
 * bare integer literals (Impala types those TINYINT…BIGINT by value).
 */
export function collectLabels(tokens: readonly Token[], state: RewriteState, from = 0, to = tokens.length): void {
  for (let i = from; i < to; i += 1) {
    if (!isWord(tokens[i], 'SELECT')) continue;
    let j = i + 1;
    while (isWord(tokens[j], 'DISTINCT') || isWord(tokens[j], 'ALL') || isWord(tokens[j], 'STRAIGHT_JOIN')) j += 1;
    if (isOp(tokens[j], '[')) while (j < to && !isOp(tokens[j - 1], ']')) j += 1;
    for (const [s, e] of selectItems(tokens, j, to)) labelItem(tokens, s, e, state);
  }
}

/** `[start, end)` of each item of the select list starting at `from`. */
function selectItems(tokens: readonly Token[], from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let start = from;
  let i = from;
  for (; i < to; i += 1) {
    const t = tokens[i]!;
    if (isOp(t, '(')) depth += 1;
    else if (isOp(t, ')')) {
      if (depth === 0) break;
      depth -= 1;
    } else if (depth === 0 && (isOp(t, ';') || (t.type === 'ident' && LIST_END.has(t.value.toUpperCase())))) break;
    else if (depth === 0 && isOp(t, ',')) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  if (i > start) out.push([start, i]);
  return out;
}

function labelItem(tokens: readonly Token[], s: number, e: number, state: RewriteState): void {
  if (e - s >= 2 && isWord(tokens[e - 2], 'AS')) {
    if (e - s === 3) typeLiteral(tokens, s, state);
    return;
  }
  const last = tokens[e - 1]!;
  const prev = tokens[e - 2];
  const implicitAlias =
    e - s >= 2 &&
    isName(last) &&
    !(last.type === 'ident' && NOT_ALIAS.has(last.value.toUpperCase())) &&
    prev !== undefined &&
    (isOp(prev, ')') ||
      prev.type === 'string' ||
      prev.type === 'number' ||
      prev.type === 'qident' ||
      (prev.type === 'ident' && !NOT_ALIAS.has(prev.value.toUpperCase())));
  if (implicitAlias) {
    if (e - s === 2) typeLiteral(tokens, s, state);
    return;
  }
  if (isPath(tokens, s, e) || isOp(last, '*')) return;
  if (e - s === 1) typeLiteral(tokens, s, state);
  state.labels.set(tokens[e - 1]!, columnLabel(tokens, s, e));
}

function typeLiteral(tokens: readonly Token[], i: number, state: RewriteState): void {
  const t = tokens[i]!;
  if (t.type === 'number' && integerLiteralType(t.text)) state.typedLiterals.add(t);
}

/** Whether tokens[s, e) is a column reference: `a`, `t.a`, `db.t.a`. */
function isPath(tokens: readonly Token[], s: number, e: number): boolean {
  if ((e - s) % 2 === 0) return false;
  for (let i = s; i < e; i += 1) {
    const ok =
      (i - s) % 2 === 0
        ? isName(tokens[i]) && !isWord(tokens[i], 'NULL') && !isWord(tokens[i], 'TRUE') && !isWord(tokens[i], 'FALSE')
        : isOp(tokens[i], '.');
    if (!ok) return false;
  }
  return true;
}

/** Impala's label for the expression tokens[s, e). */
export function columnLabel(tokens: readonly Token[], s: number, e: number): string {
  // fn(args) OVER (...): AnalyticExpr labels abbreviate the window and keep the call's case.
  if (isName(tokens[s]) && isOp(tokens[s + 1], '(')) {
    let depth = 0;
    let close = -1;
    for (let i = s + 1; i < e; i += 1) {
      if (isOp(tokens[i], '(')) depth += 1;
      else if (isOp(tokens[i], ')') && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close !== -1 && isWord(tokens[close + 1], 'OVER')) {
      return `${tokens[s]!.value.toLowerCase()}(${printSql(tokens, s + 2, close)}) OVER(...)`;
    }
  }
  return printSql(tokens, s, e).toLowerCase();
}

/** Expr.toSql-style text: one space around operators and after commas, none inside parentheses. */
function printSql(tokens: readonly Token[], s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i += 1) {
    const t = tokens[i]!;
    const p = tokens[i - 1];
    const text = tokenSql(t);
    const tight =
      i === s ||
      isOp(t, ')') ||
      isOp(t, ',') ||
      isOp(t, '.') ||
      isOp(p, '(') ||
      isOp(p, '.') ||
      (isOp(t, '(') && p !== undefined && isName(p) && !(p.type === 'ident' && KEYWORDS_BEFORE_PAREN.has(p.value.toUpperCase()))) ||
      (p !== undefined && isOp(p, '-') && isUnaryMinus(tokens, i - 1, s));
    out += tight ? text : ` ${text}`;
  }
  return out;
}

function isUnaryMinus(tokens: readonly Token[], i: number, s: number): boolean {
  if (i === s) return true;
  const before = tokens[i - 1]!;
  return (before.type === 'op' && !isOp(before, ')')) || (before.type === 'ident' && KEYWORDS_BEFORE_PAREN.has(before.value.toUpperCase()));
}

function tokenSql(t: Token): string {
  switch (t.type) {
    case 'string':
      return `'${t.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'qident':
      return t.value;
    case 'op':
      return OP_TEXT[t.text] ?? t.text;
    default:
      return t.text;
  }
}
