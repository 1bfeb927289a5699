/**
 * JDBC search patterns as impalad reads them in the HS2 metadata calls
 * (Impala's fe/src/main/java/org/apache/impala/util/PatternMatcher.java,
 * `createJdbcPatternMatcher`, and `MetadataOp.isEmptyPattern`).
 *
 * impalad does not escape regular-expression characters: it rewrites `%`
 * and `_` with `String.replaceAll` and compiles the rest as a Java regular
 * expression, matched against the whole, case-sensitive name. So `a.b`
 * also matches `axb`, `(` is a syntax error the call fails with, and `a%%`
 * becomes `a.*%` (the first replacement consumes the character before each
 * `%`). This module does the same rewrites, in the same order, and
 * compiles the result as a JavaScript regular expression.
 *
 * @module
 */
import { StatementError } from '../impala-errors.js';

/** Whether a name matches a pattern. */
export type NameMatcher = (name: string) => boolean;

/** Matches every name (a pattern that is absent or empty). */
export const MATCH_ALL: NameMatcher = () => true;

/**
 * The matcher of a JDBC pattern: `%` any sequence, `_` any one character,
 * `\%` and `\_` the characters themselves; absent or empty matches all.
 *
 * @throws StatementError `PatternSyntaxException: …` when the rewritten
 *   pattern is not a valid regular expression (impalad's Java exception,
 *   as its JNI layer reports it)
 */
export function jdbcPatternMatcher(pattern: string | null | undefined): NameMatcher {
  if (pattern === undefined || pattern === null || pattern === '') return MATCH_ALL;
  const regex = pattern
    .replace(/([^\\])%/g, '$1.*')
    .replace(/\\%/g, '%')
    .replace(/^%/, '.*')
    .replace(/([^\\])_/g, '$1.')
    .replace(/\\_/g, '_')
    .replace(/^_/, '.');
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${regex})$`);
  } catch (err) {
    throw patternSyntaxError(err, regex);
  }
  return (name) => re.test(name);
}

/**
 * `MetadataOp.isEmptyPattern`: absent, empty or `%`. A catalog pattern
 * that is not empty makes a call answer no rows (Impala has no catalogs).
 */
export function isEmptyPattern(pattern: string | null | undefined): boolean {
  return pattern === undefined || pattern === null || pattern === '' || pattern === '%';
}

/**
 * impalad reports the Java exception as `<class>: <message>`
 * (`JniUtil.throwableToString`); the message names the problem and repeats
 * the pattern. The problem's wording here is JavaScript's.
 */
function patternSyntaxError(err: unknown, regex: string): StatementError {
  const text = err instanceof Error ? err.message : String(err);
  const problem = text.slice(text.lastIndexOf(': ') + 2) || text;
  return new StatementError(`PatternSyntaxException: ${problem}\n${regex}`);
}
