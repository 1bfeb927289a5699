/**
 * A function call found in the token stream, its arguments already
 * rewritten, for the per-function rewrites.
 *
 * @module
 */
import { duckString, isOp, type Token } from './lexer.js';
import type { RewriteState } from './rewrite-state.js';

/** A call as a rewrite sees it. */
export interface FunctionCall {
  /** Lower-cased function name. */
  name: string;
  /** Each argument's DuckDB text. */
  args: string[];
  /** Each argument's tokens as written. */
  raw: Token[][];
  /** DuckDB text of argument `i` without its first `skip` tokens (for `extract(YEAR FROM x)`). */
  rewriteFrom(i: number, skip: number): string;
  /** The statement's rewrite state. */
  state: RewriteState;
}

/** A rewrite: DuckDB text for the call, or undefined to pass it to DuckDB as written. */
export type FunctionRewrite = (call: FunctionCall) => string | undefined;

/** The constant string an argument is, if it is a single string literal. */
export function literalArg(call: FunctionCall, i: number): string | undefined {
  const raw = call.raw[i];
  return raw?.length === 1 && raw[0]!.type === 'string' ? raw[0]!.value : undefined;
}

/** `[start, end)` token ranges of the top-level arguments between `open` and its matching `close`. */
export function argumentRanges(tokens: readonly Token[], open: number, close: number): Array<[number, number]> {
  if (close === open + 1) return [];
  const out: Array<[number, number]> = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < close; i += 1) {
    const t = tokens[i]!;
    if (isOp(t, '(') || isOp(t, '[')) depth += 1;
    else if (isOp(t, ')') || isOp(t, ']')) depth -= 1;
    else if (depth === 0 && isOp(t, ',')) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  out.push([start, close]);
  return out;
}

/** A DuckDB string literal (re-exported for the rewrite tables). */
export const sqlString = duckString;
