/**
 * Rewriting Impala expressions and queries into DuckDB SQL, token by token:
 * literals and quoting, CAST target types, Impala-only functions (`sleep`,
 * `version`, `nvl`), `DIV`, and integer literals too big for BIGINT (which
 * Impala types as DECIMAL).
 *
 * @module
 */
import { analysisError } from './impala-errors.js';
import { duckdbStorageType, parseImpalaType } from './impala-types.js';
import { VERSION_STRING } from './server-info.js';
import { duckIdent, duckString, isOp, isWord, type Token } from './sql-lexer.js';

/** Facts gathered while rewriting. */
export interface RewriteState {
  /** Total milliseconds of `sleep(ms)` calls replaced. */
  sleepMs: number;
}

/** A fresh rewrite state. */
export function newRewriteState(): RewriteState {
  return { sleepMs: 0 };
}

const INT64_MAX = 9223372036854775807n;

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

/** The DuckDB type a CAST to Impala type `text` should use, or undefined to keep the text. */
function castTarget(text: string): string | 'TIMESTAMP' | undefined {
  const t = parseImpalaType(text);
  if (!t) return undefined;
  if (t.name === 'TIMESTAMP') return 'TIMESTAMP';
  return duckdbStorageType(t);
}

/**
 * Rewrites tokens[from, to) into DuckDB SQL. Whitespace between tokens is
 * kept as one space; comments are dropped.
 */
export function rewriteTokens(tokens: readonly Token[], state: RewriteState, from = 0, to = tokens.length): string {
  let out = '';
  let prevEnd = -1;
  const sep = (t: Token): string => (prevEnd >= 0 && t.start > prevEnd ? ' ' : '');
  for (let i = from; i < to; i += 1) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    const space = sep(t);
    if (isWord(t, 'CAST') && isOp(next, '(')) {
      const close = matchParen(tokens, i + 1);
      const as = close === -1 ? -1 : lastTopLevelWord(tokens, i + 2, close, 'AS');
      if (close !== -1 && as !== -1) {
        const typeText = tokens.slice(as + 1, close).map((x) => x.text).join('');
        const target = castTarget(typeText);
        const inner = rewriteTokens(tokens, state, i + 2, as);
        if (target === 'TIMESTAMP') out += `${space}impala_timestamp(${inner})`;
        else out += `${space}CAST(${inner} AS ${target ?? rewriteTokens(tokens, state, as + 1, close)})`;
        prevEnd = tokens[close]!.start + 1;
        i = close;
        continue;
      }
    }
    if (isWord(t, 'SLEEP') && isOp(next, '(')) {
      const arg = tokens[i + 2];
      if (arg?.type !== 'number' || !isOp(tokens[i + 3], ')') || !/^\d+$/.test(arg.text)) {
        throw analysisError('sleep() needs a constant integer argument (milliseconds) in the impala-pool test cluster');
      }
      state.sleepMs += Number(arg.text);
      out += `${space}true`;
      prevEnd = tokens[i + 3]!.start + 1;
      i += 3;
      continue;
    }
    if (isWord(t, 'VERSION') && isOp(next, '(') && isOp(tokens[i + 2], ')')) {
      out += `${space}${duckString(VERSION_STRING)}`;
      prevEnd = tokens[i + 2]!.start + 1;
      i += 2;
      continue;
    }
    if (isWord(t, 'TIMESTAMP') && next?.type === 'string') {
      out += `${space}impala_timestamp(${duckString(next.value)})`;
      prevEnd = next.start + next.text.length;
      i += 1;
      continue;
    }
    out += space + rewriteOne(t, next);
    prevEnd = t.start + t.text.length;
  }
  return out;
}

/** One token's DuckDB text. */
function rewriteOne(t: Token, next: Token | undefined): string {
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
    case 'ident': {
      const upper = t.value.toUpperCase();
      // DEFAULT is reserved in DuckDB; as a database name it must be quoted.
      if (upper === 'DEFAULT' && isOp(next, '.')) return '"default"';
      if (upper === 'NVL' && isOp(next, '(')) return 'coalesce';
      if (upper === 'DIV' && !isOp(next, '(')) return '//';
      return t.text;
    }
    default:
      return t.text;
  }
}
