/**
 * The CLI's statement splitter: `;` ends a statement only outside quotes and
 * comments, read with impalad's lexer rules.
 */
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/cli/split-statements.js';

const CASES: Array<[name: string, script: string, statements: string[]]> = [
  ['one statement', 'SELECT 1', ['SELECT 1']],
  ['two statements', 'SELECT 1; SELECT 2', ['SELECT 1', 'SELECT 2']],
  ['a trailing semicolon', 'SELECT 1;', ['SELECT 1']],
  ['empty statements are dropped', ';; SELECT 1 ;;\n; SELECT 2;;', ['SELECT 1', 'SELECT 2']],
  ['nothing but whitespace', ' \n\t ', []],
  ['nothing at all', '', []],
  ['surrounding whitespace is trimmed, inner kept', '\n  SELECT\n  1\n;\n', ['SELECT\n  1']],
  ["';' in single quotes", "SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", 'SELECT 2']],
  ["';' in double quotes", 'SELECT "a;b"; SELECT 2', ['SELECT "a;b"', 'SELECT 2']],
  ["';' in backticks", 'SELECT 1 AS `a;b`; SELECT 2', ['SELECT 1 AS `a;b`', 'SELECT 2']],
  ['a backslash-escaped quote', "SELECT 'it\\'s; fine'; SELECT 2", ["SELECT 'it\\'s; fine'", 'SELECT 2']],
  ['an escaped backslash before the closing quote', "SELECT 'a\\\\'; SELECT 2", ["SELECT 'a\\\\'", 'SELECT 2']],
  ['a backslash escape in double quotes', 'SELECT "say \\"hi;\\""; SELECT 2', ['SELECT "say \\"hi;\\""', 'SELECT 2']],
  ['a backslash escape in backticks (impalad allows it)', 'SELECT 1 AS `a\\`;b`; SELECT 2', ['SELECT 1 AS `a\\`;b`', 'SELECT 2']],
  ['the other quote inside a string', `SELECT "it's"; SELECT 'say "x"'`, [`SELECT "it's"`, `SELECT 'say "x"'`]],
  ['a newline inside a string', "SELECT 'a\n;b'; SELECT 2", ["SELECT 'a\n;b'", 'SELECT 2']],
  ["';' in a -- comment", 'SELECT 1 -- one; two\n; SELECT 2', ['SELECT 1 -- one; two', 'SELECT 2']],
  ['a quote in a -- comment', "SELECT 1 -- it's\n; SELECT 2", ["SELECT 1 -- it's", 'SELECT 2']],
  ['a -- comment ends at a lone CR', 'SELECT 1 -- c\r; SELECT 2', ['SELECT 1 -- c', 'SELECT 2']],
  ['a -- comment ends at CRLF', 'SELECT 1 -- c\r\n; SELECT 2', ['SELECT 1 -- c', 'SELECT 2']],
  ["';' in a block comment", 'SELECT 1 /* a; b */; SELECT 2', ['SELECT 1 /* a; b */', 'SELECT 2']],
  ['a multi-line block comment with quotes', 'SELECT 1 /* it\'s\n; "x */ + 1; SELECT 2', ['SELECT 1 /* it\'s\n; "x */ + 1', 'SELECT 2']],
  ['block comments do not nest', 'SELECT 1 /* a /* b */; SELECT 2 */', ['SELECT 1 /* a /* b */', 'SELECT 2 */']],
  ['a block hint is kept', 'SELECT /* +straight_join */ 1; SELECT 2', ['SELECT /* +straight_join */ 1', 'SELECT 2']],
  ['a line hint is kept', 'INSERT -- +shuffle\nINTO t SELECT 1; SELECT 2', ['INSERT -- +shuffle\nINTO t SELECT 1', 'SELECT 2']],
  ['a comment-only statement is dropped', 'SELECT 1; -- the end', ['SELECT 1']],
  ['a block-comment-only statement is dropped', '/* header */; SELECT 1; /* x */ ;', ['SELECT 1']],
  ['a leading comment stays with its statement', '-- count\nSELECT count(*) FROM t;', ['-- count\nSELECT count(*) FROM t']],
  ['a single - and / are not comments', 'SELECT 4-1; SELECT 4/2; SELECT 2*-1', ['SELECT 4-1', 'SELECT 4/2', 'SELECT 2*-1']],
  ['an unterminated string runs to the end', "SELECT 'abc; SELECT 2", ["SELECT 'abc; SELECT 2"]],
  ['an unterminated block comment runs to the end', 'SELECT 1; SELECT 2 /* ; SELECT 3', ['SELECT 1', 'SELECT 2 /* ; SELECT 3']],
  ['an unterminated backtick runs to the end', 'SELECT `a; SELECT 2', ['SELECT `a; SELECT 2']],
  ['unicode', "SELECT 'żółw 🐢;'; SELECT '日本語'", ["SELECT 'żółw 🐢;'", "SELECT '日本語'"]],
];

describe('splitStatements', () => {
  it.each(CASES)('%s', (_name, script, statements) => {
    expect(splitStatements(script).map((s) => s.text)).toEqual(statements);
  });

  it.each<[string, string, number[]]>([
    ['none', 'SELECT 1', [0]],
    ['outside quotes and comments only', 'SELECT ?, \'?\', "?", `?`, ? -- ?\n/* ? */ FROM t WHERE a = ?', [3]],
    ['per statement', 'SELECT ?; SELECT 1; SELECT ?, ?', [1, 0, 2]],
    ['after an escaped quote', "SELECT 'a\\'?' , ?", [1]],
  ])('counts ? placeholders: %s', (_name, script, counts) => {
    expect(splitStatements(script).map((s) => s.placeholders)).toEqual(counts);
  });

  it('gives the line each statement starts on', () => {
    const script = 'SELECT 1;\n\n  SELECT\n2;\r\nSELECT 3; SELECT 4\r-- c\n;\n/* a\nb */ SELECT 5';
    expect(splitStatements(script).map((s) => [s.text, s.line])).toEqual([
      ['SELECT 1', 1],
      ['SELECT\n2', 3],
      ['SELECT 3', 5],
      ['SELECT 4\r-- c', 5],
      ['/* a\nb */ SELECT 5', 8],
    ]);
  });
});
