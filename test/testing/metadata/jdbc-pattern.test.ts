/**
 * JDBC search patterns as impalad reads them. Every expectation follows
 * Impala's fe/src/main/java/org/apache/impala/util/PatternMatcher.java
 * (`createJdbcPatternMatcher`: the `%`/`_` rewrites in order, then a Java
 * regex matched against the whole name) unless another source is named.
 */
import { describe, expect, it } from 'vitest';
import { isEmptyPattern, jdbcPatternMatcher } from '../../../src/testing/metadata/jdbc-pattern.js';

const NAMES = [
  'default',
  'defaults',
  'd_f',
  'dxf',
  'alltypes',
  'all_types',
  'alltypes_view',
  'a.b',
  'axb',
  'ab%',
  'ab',
  'DEFAULT',
  '_impala_builtins',
];

// [pattern, names it matches (of NAMES), why]
const CASES: Array<[string | undefined, string[], string]> = [
  [undefined, NAMES, 'null pattern: MATCHER_MATCH_ALL'],
  ['', NAMES, 'empty pattern: MATCHER_MATCH_ALL'],
  ['%', NAMES, '^% becomes .*'],
  ['default', ['default'], 'a plain name matches itself only, case-sensitively'],
  ['default%', ['default', 'defaults'], 'FrontendTest.TestGetSchema: "default%" → default'],
  ['d_f%', ['default', 'defaults', 'd_f', 'dxf'], 'JdbcTest.testMetaDataGetSchemas: "d_f%" → default (_ is any one character)'],
  ['all_ypes', ['alltypes'], 'FrontendTest.TestGetTables: "all_ypes" → alltypes'],
  ['all\\_types', ['all_types'], '\\_ is the underscore itself (FrontendTest.TestGetTablesTypeTable: "alltypes\\_%")'],
  ['alltypes\\_%', ['alltypes_view'], 'FrontendTest.TestGetTablesTypeTable'],
  ['_%', NAMES.filter((n) => n.length >= 1), '^_ becomes . and _% becomes ..*'],
  ['a.b', ['a.b', 'axb'], 'regex characters are not escaped: . is any character'],
  ['ab%%', ['ab%'], 'the first rewrite consumes the character before each %, so ab%% is ab.*% (a literal % at the end)'],
  ['DEFAULT', ['DEFAULT'], 'matching is case-sensitive (no CASE_INSENSITIVE flag)'],
  ['_impala%', ['_impala_builtins'], 'a leading _ is any one character'],
];

describe('jdbcPatternMatcher', () => {
  it.each(CASES)('%j matches %j (%s)', (pattern, expected) => {
    const match = jdbcPatternMatcher(pattern);
    expect(NAMES.filter(match)).toEqual(expected);
  });

  it('a pattern that is no regular expression fails as PatternSyntaxException, naming the rewritten pattern (JniUtil.throwableToString: "<class>: <message>")', () => {
    expect(() => jdbcPatternMatcher('tab(%')).toThrow(/^PatternSyntaxException: .+\ntab\(\.\*$/);
    expect(() => jdbcPatternMatcher('[')).toThrow(/^PatternSyntaxException: /);
  });
});

describe('isEmptyPattern (MetadataOp.isEmptyPattern: null, empty or "%")', () => {
  it.each([
    [undefined, true],
    [null, true],
    ['', true],
    ['%', true],
    ['%%', false],
    ['hive', false],
  ])('%j → %s', (pattern, expected) => {
    expect(isEmptyPattern(pattern)).toBe(expected);
  });
});
