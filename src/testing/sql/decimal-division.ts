/**
 * Impala's DECIMAL division. With DECIMAL_V2 (Impala 4's default) a DECIMAL
 * divided by a DECIMAL, an integer or a floating-point value is a DECIMAL
 * whose precision and scale follow TypesUtil.getDecimalArithmeticResultTypeV2,
 * rounded half away from zero, and dividing by zero is an error ("UDF ERROR:
 * Cannot divide decimal by zero", QueryTest/decimal-exprs.test). DuckDB
 * divides decimals as DOUBLE and gives Infinity for ÷ 0.
 *
 * Whether a division is decimal depends on its operands' types, which only
 * DuckDB's binder knows. So each `/` of the translated statement is probed:
 * the statement is prepared with that division replaced by a call that
 * cannot bind, and the binder's error names the operand types. Divisions are
 * probed innermost first, so an outer one sees the types the inner ones got.
 * A statement without `/` costs nothing; one whose probe fails for another
 * reason (an unknown column, say) keeps DuckDB's division, and the real
 * prepare then reports the real error.
 *
 * @module
 */

/** How a probe answers: the binder's error message, or undefined when the text bound. */
export type DivisionProbe = (sql: string) => Promise<string | undefined>;

/** A token of DuckDB SQL as the translation writes it. */
interface DuckToken {
  kind: 'ws' | 'string' | 'qident' | 'word' | 'number' | 'op';
  text: string;
}

/** An operand's numeric type, as Impala's division rules need it: integers as their smallest DECIMAL. */
type Operand = { kind: 'decimal' | 'integer'; precision: number; scale: number } | { kind: 'floating' };

const MAX_PRECISION = 38;
/** ScalarType.MIN_ADJUSTED_SCALE. */
const MIN_ADJUSTED_SCALE = 6;
const PROBE_MARKER_TYPE = 'UHUGEINT';
const OPS = ['//', '::', '<=', '>=', '<>', '!=', '||', '=='];

/** Splits DuckDB SQL into tokens (strings with '' escapes, "identifiers", words, numbers, operators). */
function scan(sql: string): DuckToken[] {
  const out: DuckToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const start = i;
    const ch = sql[i]!;
    let kind: DuckToken['kind'];
    if (/\s/.test(ch)) {
      while (i < sql.length && /\s/.test(sql[i]!)) i += 1;
      kind = 'ws';
    } else if (ch === "'" || ch === '"') {
      i += 1;
      while (i < sql.length && !(sql[i] === ch && sql[i + 1] !== ch)) i += sql[i] === ch ? 2 : 1;
      i += 1;
      kind = ch === "'" ? 'string' : 'qident';
    } else if (/\d/.test(ch) || (ch === '.' && /\d/.test(sql[i + 1] ?? ''))) {
      i += /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i))![0].length;
      kind = 'number';
    } else if (/[\p{L}_]/u.test(ch)) {
      while (i < sql.length && /[\p{L}\p{N}_$]/u.test(sql[i]!)) i += 1;
      kind = 'word';
    } else {
      i += OPS.includes(sql.slice(i, i + 2)) ? 2 : 1;
      kind = 'op';
    }
    out.push({ kind, text: sql.slice(start, i) });
  }
  return out;
}

const isOp = (t: DuckToken | undefined, text: string): boolean => t?.kind === 'op' && t.text === text;
const isWord = (t: DuckToken | undefined, word: string): boolean => t?.kind === 'word' && t.text.toUpperCase() === word;
const isMultiplicative = (t: DuckToken | undefined): boolean => t?.kind === 'op' && ['*', '/', '//', '%'].includes(t.text);

/** Index of the next/previous non-space token from `i` (exclusive) in direction `step`. */
function skipSpace(tokens: readonly DuckToken[], i: number, step: 1 | -1): number {
  let j = i + step;
  while (j >= 0 && j < tokens.length && tokens[j]!.kind === 'ws') j += step;
  return j;
}

/** The bracket matching tokens[i] (`(`/`)` or CASE/END), scanning in `step`'s direction. */
function matching(tokens: readonly DuckToken[], i: number, step: 1 | -1): number {
  const [open, close] = step === 1 ? ['(', ')'] : [')', '('];
  const caseLike = isWord(tokens[i], step === 1 ? 'CASE' : 'END');
  let depth = 0;
  for (let j = i; j >= 0 && j < tokens.length; j += step) {
    const t = tokens[j]!;
    if (caseLike ? isWord(t, step === 1 ? 'CASE' : 'END') : isOp(t, open)) depth += 1;
    else if (caseLike ? isWord(t, step === 1 ? 'END' : 'CASE') : isOp(t, close)) {
      depth -= 1;
      if (depth === 0) return j;
    }
  }
  return -1;
}

const KEYWORDS = new Set([
  'SELECT',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'WHEN',
  'THEN',
  'ELSE',
  'ON',
  'BY',
  'HAVING',
  'AS',
  'IN',
  'IS',
  'LIKE',
  'BETWEEN',
  'SET',
  'VALUES',
  'LIMIT',
  'OFFSET',
  'DISTINCT',
  'ALL',
]);
const isKeyword = (t: DuckToken): boolean => KEYWORDS.has(t.text.toUpperCase());

/** Whether a `-`/`+` at `i` is a sign rather than a binary operator: what comes before cannot end an operand. */
function isSign(tokens: readonly DuckToken[], i: number): boolean {
  if (!isOp(tokens[i], '-') && !isOp(tokens[i], '+')) return false;
  const before = tokens[skipSpace(tokens, i, -1)];
  if (before === undefined) return true;
  if (before.kind === 'op') return before.text !== ')';
  return before.kind === 'word' && isKeyword(before);
}

/** The first token of the factor (primary with its signs) that ends at `end`, or -1. */
function factorStart(tokens: readonly DuckToken[], end: number): number {
  const t = tokens[end];
  if (!t) return -1;
  let start: number;
  if (isOp(t, ')')) {
    start = matching(tokens, end, -1);
    if (start === -1) return -1;
    // A call: the name (maybe schema-qualified) before the parenthesis.
    let name = skipSpace(tokens, start, -1);
    if (tokens[name]?.kind === 'word' && !isKeyword(tokens[name]!)) {
      while (isOp(tokens[name - 1], '.') && (tokens[name - 2]?.kind === 'word' || tokens[name - 2]?.kind === 'qident')) name -= 2;
      start = name;
    }
  } else if (isWord(t, 'END')) {
    start = matching(tokens, end, -1);
  } else if (t.kind === 'number' || t.kind === 'string' || t.kind === 'qident' || (t.kind === 'word' && !isKeyword(t))) {
    start = end;
    while (isOp(tokens[start - 1], '.') && (tokens[start - 2]?.kind === 'word' || tokens[start - 2]?.kind === 'qident')) start -= 2;
  } else {
    return -1;
  }
  for (let sign = skipSpace(tokens, start, -1); start >= 0 && isSign(tokens, sign); sign = skipSpace(tokens, sign, -1)) start = sign;
  return start;
}

/** The last token of the factor starting at `start`, or -1. */
function factorEnd(tokens: readonly DuckToken[], start: number): number {
  let i = start;
  while (isOp(tokens[i], '-') || isOp(tokens[i], '+')) i = skipSpace(tokens, i, 1);
  const t = tokens[i];
  if (!t) return -1;
  if (isOp(t, '(')) return matching(tokens, i, 1);
  if (isWord(t, 'CASE')) return matching(tokens, i, 1);
  if (t.kind === 'number' || t.kind === 'string') return i;
  if (t.kind !== 'word' && t.kind !== 'qident') return -1;
  if (t.kind === 'word' && isKeyword(t)) return -1;
  while (isOp(tokens[i + 1], '.') && (tokens[i + 2]?.kind === 'word' || tokens[i + 2]?.kind === 'qident')) i += 2;
  const open = skipSpace(tokens, i, 1);
  return isOp(tokens[open], '(') ? matching(tokens, open, 1) : i;
}

/** A `/` to type: its token index and its operands' token ranges. */
interface Site {
  left: [number, number];
  right: [number, number];
}

/** The first `/` whose operands hold no other `/`, with its operands; undefined when none is left. */
function nextSite(tokens: readonly DuckToken[]): Site | undefined {
  for (let i = 0; i < tokens.length; i += 1) {
    if (!isOp(tokens[i], '/')) continue;
    // The left operand runs back over the multiplicative chain before it: a * b / c is (a * b) / c.
    let leftStart = -1;
    let end = skipSpace(tokens, i, -1);
    for (;;) {
      const start = factorStart(tokens, end);
      if (start === -1) break;
      leftStart = start;
      const op = skipSpace(tokens, start, -1);
      if (!isMultiplicative(tokens[op])) break;
      end = skipSpace(tokens, op, -1);
    }
    const rightStart = skipSpace(tokens, i, 1);
    const rightEnd = factorEnd(tokens, rightStart);
    if (leftStart === -1 || rightEnd === -1) continue;
    const site: Site = { left: [leftStart, i], right: [rightStart, rightEnd + 1] };
    const holdsDivision = (r: [number, number]): boolean => tokens.slice(r[0], r[1]).some((t) => isOp(t, '/'));
    if (!holdsDivision(site.left) && !holdsDivision(site.right)) return site;
  }
  return undefined;
}

const text = (tokens: readonly DuckToken[], [a, b]: [number, number]): string =>
  tokens
    .slice(a, b)
    .map((t) => t.text)
    .join('')
    .trim();

/** Splits `A, B, C` at top-level commas. */
function splitTypes(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i += 1) {
    if (list[i] === '(') depth += 1;
    else if (list[i] === ')') depth -= 1;
    else if (depth === 0 && list.startsWith(', ', i)) {
      out.push(list.slice(start, i));
      start = i + 2;
    }
  }
  out.push(list.slice(start));
  return out;
}

/** Impala's view of a DuckDB type (ScalarType.getMinResolutionDecimal for integers), or undefined for a non-number. */
function operandType(duckType: string, operandText: string): Operand | undefined {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckType);
  if (decimal) return { kind: 'decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) };
  const integer = (precision: number): Operand => ({ kind: 'integer', precision, scale: 0 });
  switch (duckType) {
    case 'TINYINT':
    case 'UTINYINT':
      return integer(3);
    case 'SMALLINT':
    case 'USMALLINT':
      return integer(5);
    case 'INTEGER':
    case 'UINTEGER':
      return integer(10);
    case 'BIGINT':
    case 'UBIGINT':
      return integer(19);
    case 'HUGEINT':
      return integer(MAX_PRECISION);
    case 'INTEGER_LITERAL': {
      // Impala types an integer literal by its value (NumericLiteral): 5 is TINYINT.
      const literal = /^\(*\s*[+-]?\s*(\d+)\s*\)*$/.exec(operandText);
      if (!literal) return integer(10);
      const v = BigInt(literal[1]!);
      return integer(v <= 127n ? 3 : v <= 32767n ? 5 : v <= 2147483647n ? 10 : 19);
    }
    case 'FLOAT':
    case 'DOUBLE':
      return { kind: 'floating' };
    default:
      return undefined;
  }
}

/**
 * The result type of a decimal division (TypesUtil.getArithmeticResultType,
 * getDecimalArithmeticResultTypeV2, ScalarType.createAdjustedDecimalType),
 * or undefined when Impala divides as DOUBLE (no DECIMAL operand).
 */
export function decimalQuotientType(left: Operand, right: Operand): { precision: number; scale: number } | undefined {
  if (left.kind !== 'decimal' && right.kind !== 'decimal') return undefined;
  // A floating-point operand counts as DECIMAL(38,17) (getMinResolutionDecimal; FLOAT's 38,9 is DuckDB's FLOAT too rarely to matter).
  const asDecimal = (o: Operand): { precision: number; scale: number } =>
    o.kind === 'floating' ? { precision: MAX_PRECISION, scale: 17 } : o;
  const { precision: p1, scale: s1 } = asDecimal(left);
  const { precision: p2, scale: s2 } = asDecimal(right);
  let scale = Math.max(MIN_ADJUSTED_SCALE, s1 + p2 + 1);
  let precision = p1 - s1 + s2 + scale;
  if (precision > MAX_PRECISION) {
    const minScale = Math.min(scale, MIN_ADJUSTED_SCALE);
    scale = Math.max(scale - (precision - MAX_PRECISION), minScale);
    precision = MAX_PRECISION;
  }
  return { precision, scale };
}

/** 10^k as a HUGEINT literal, or NULL when it does not fit (the exact path then gives way to DOUBLE). */
function powerOfTen(k: number): string {
  return k > MAX_PRECISION ? 'NULL' : `CAST('1${'0'.repeat(k)}' AS HUGEINT)`;
}

/** The DuckDB expression for one division, given the operands' DuckDB types. */
function divisionText(left: string, right: string, leftType: string, rightType: string): string {
  const l = operandType(leftType, left);
  const r = operandType(rightType, right);
  const result = l && r ? decimalQuotientType(l, r) : undefined;
  if (!l || !r || !result) return `main.impala_fdiv(${left}, ${right})`;
  // ArithmeticExpr casts a non-decimal operand to the result type; an integer's DECIMAL holds it exactly.
  const operand = (o: Operand, sql: string): [string, number] =>
    o.kind === 'floating'
      ? [`CAST(${sql} AS DECIMAL(${result.precision},${result.scale}))`, result.scale]
      : [`CAST(${sql} AS DECIMAL(${o.precision},${o.scale}))`, o.scale];
  const [a, sa] = operand(l, left);
  const [b, sb] = operand(r, right);
  // a / b at scale S: (digits(a) · 10^(S − sa + sb)) / digits(b), rounded.
  const shift = result.scale - sa + sb;
  const [mulA, mulB] = shift >= 0 ? [powerOfTen(shift), powerOfTen(0)] : [powerOfTen(0), powerOfTen(-shift)];
  return `CAST(main.impala_decimal_div(${a}, ${b}, ${mulA}, ${mulB}, ${result.scale}) AS DECIMAL(${result.precision},${result.scale}))`;
}

/** The operand types the probe's bind error names, or undefined when it failed for another reason. */
function probedTypes(message: string | undefined): [string, string] | undefined {
  const m = message === undefined ? null : /'map_keys\((.*)\)'/s.exec(message);
  if (!m) return undefined;
  const types = splitTypes(m[1]!);
  return types.length === 3 && types[2] === PROBE_MARKER_TYPE ? [types[0]!, types[1]!] : undefined;
}

/**
 * Rewrites every `/` in a translated statement as Impala divides: decimal
 * divisions exactly (`main.impala_decimal_div`), the others as DuckDB does
 * (`main.impala_fdiv`, plain `/`).
 */
export async function typeDivisions(sql: string, probe: DivisionProbe): Promise<string> {
  // Every statement passes here: most have no '/' at all, and need no tokens.
  if (!sql.includes('/')) return sql;
  let tokens = scan(sql);
  if (!tokens.some((t) => isOp(t, '/'))) return sql;
  for (let guard = tokens.length; guard > 0; guard -= 1) {
    const site = nextSite(tokens);
    if (!site) break;
    const left = text(tokens, site.left);
    const right = text(tokens, site.right);
    const before = tokens
      .slice(0, site.left[0])
      .map((t) => t.text)
      .join('');
    const after = tokens
      .slice(site.right[1])
      .map((t) => t.text)
      .join('');
    // map_keys takes one MAP: with three arguments it never binds, and its error lists their types.
    const types = probedTypes(await probe(`${before}map_keys(${left}, ${right}, CAST(NULL AS ${PROBE_MARKER_TYPE}))${after}`));
    const replaced = types ? divisionText(left, right, types[0], types[1]) : `main.impala_fdiv(${left}, ${right})`;
    tokens = scan(`${before}${replaced}${after}`);
  }
  return tokens.map((t) => t.text).join('');
}
