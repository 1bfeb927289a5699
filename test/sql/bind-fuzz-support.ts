/**
 * Generators and checks for the seeded binding property test
 * (bind-fuzz.test.ts): hostile values, templates with placeholders next to
 * every operator and comment opener, and the structure property. Kept apart
 * from the test so a one-off script can run the same cases against another
 * binder (e.g. an older bind.ts).
 */
import { tokenize, type Token } from '../../src/sql/tokenize.js';
import type { BindParams, BindScalar, BindValue } from '../../src/sql/bind.js';
import type { RandomSource } from '../../src/util/clock.js';

/** The binder under test. */
export interface Binder {
  bindParameters(sql: string, params?: BindParams): string;
  literal(value: BindValue, param?: number | string): string;
}

/** Small helpers over a seeded random source. */
export class Gen {
  constructor(readonly rnd: RandomSource) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rnd() * (hi - lo + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rnd() * list.length)]!;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  /** A uniformly random 64-bit signed integer. */
  int64(): bigint {
    const hi = BigInt(this.int(0, 0xffffffff));
    const lo = BigInt(this.int(0, 0xffffffff));
    return BigInt.asIntN(64, (hi << 32n) | lo);
  }
  /** Any finite double, from its bits. */
  anyDouble(): number {
    for (;;) {
      const buf = Buffer.alloc(8);
      buf.writeBigInt64BE(this.int64());
      const d = buf.readDoubleBE(0);
      if (Number.isFinite(d)) return d;
    }
  }
}

// Pieces strings are made of: everything that means something to a SQL lexer, and unicode.
const STRING_PIECES = [
  'abc',
  'Hello world',
  ' ',
  "'",
  "''",
  '\\',
  '\\\\',
  '\n',
  '\r',
  '\r\n',
  '\t',
  '\0',
  '\u0000' + '12',
  '\\0',
  '\\012',
  '--',
  '/*',
  '*/',
  '-- x\n',
  '"',
  '`',
  '?',
  ':x',
  ';',
  '\\%',
  '\\_',
  '\\u0041',
  '\\n',
  "\\'",
  'é',
  '日本語',
  '🎉',
  '𝕏',
  '\u2028',
  '\u2029',
  '\u0085',
  '\x1a',
  '\b',
  '\f',
  '\v',
  '\u00a0',
  '\ufeff',
  'DROP TABLE t; --',
  "' OR '1'='1",
];

/** Every byte value 0..255, once. */
export const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A hostile string (valid UTF-16: lone surrogates do not survive UTF-8, whatever the binder does). */
export function genString(g: Gen): string {
  const n = g.int(0, 12);
  const parts: string[] = [];
  for (let k = 0; k < n; k += 1) {
    if (g.chance(0.15)) parts.push(String.fromCodePoint(g.chance(0.5) ? g.int(0x20, 0xd7ff) : g.int(0x10000, 0x10ffff)));
    else parts.push(g.pick(STRING_PIECES));
  }
  return parts.join('');
}

/** A 100 KB string of hostile pieces. */
export function genBigString(g: Gen): string {
  const parts: string[] = [];
  let size = 0;
  while (size < 100_000) {
    const p = genString(g);
    parts.push(p);
    size += p.length + 1;
  }
  return parts.join('x');
}

/** Numbers: negative and huge integers, fractions, exponents, -0, the extremes; always finite. */
export function genNumber(g: Gen): number {
  for (;;) {
    const n = anyNumber(g);
    if (Number.isFinite(n)) return n;
  }
}

function anyNumber(g: Gen): number {
  switch (g.int(0, 9)) {
    case 0:
      return g.int(-1000, 1000);
    case 1:
      return g.pick([0, -0, 1, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, -(2 ** 63), 2 ** 63, 1e21, -1e21]);
    case 2:
      return g.pick([
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        Number.MIN_VALUE,
        -Number.MIN_VALUE,
        2.2250738585072014e-308,
        0.1,
        0.30000000000000004,
      ]);
    case 3:
      return (g.rnd() - 0.5) * 2000;
    case 4:
      return Number(`${g.chance(0.5) ? '-' : ''}${g.int(1, 9)}.${g.int(0, 99999)}e${g.int(-320, 308)}`);
    case 5:
      return g.pick([1e-7, -1e-7, 1.5e300, -2.5e-300, 5e-324, 123456789.12345679]);
    case 6:
      return g.int(-(2 ** 31), 2 ** 31);
    case 7:
      return (g.rnd() - 0.5) * 2 ** g.int(53, 70);
    default:
      return g.anyDouble();
  }
}

/** Bigints: the BIGINT extremes and everything between. */
export function genBigint(g: Gen): bigint {
  switch (g.int(0, 3)) {
    case 0:
      return g.pick([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 1n, 2n ** 53n + 1n]);
    case 1:
      return BigInt(g.int(-1000, 1000));
    default:
      return g.int64();
  }
}

/** A Date in Impala's TIMESTAMP range (1400-01-01 .. 9999-12-31). */
export function genDate(g: Gen): Date {
  const lo = Date.UTC(1400, 0, 1);
  const hi = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
  const ms = lo + Math.floor(g.rnd() * (hi - lo));
  return new Date(g.chance(0.2) ? ms - (ms % 1000) : ms);
}

/** Random bytes; sometimes every byte value. */
export function genBuffer(g: Gen): Buffer {
  if (g.chance(0.15)) return ALL_BYTES;
  return Buffer.from(Array.from({ length: g.int(0, 40) }, () => g.int(0, 255)));
}

/** Any scalar. */
export function genScalar(g: Gen): BindScalar {
  switch (g.int(0, 9)) {
    case 0:
      return g.pick([null, undefined, true, false]);
    case 1:
    case 2:
      return genNumber(g);
    case 3:
      return genBigint(g);
    case 4:
      return genDate(g);
    case 5:
      return genBuffer(g);
    default:
      return genString(g);
  }
}

/** An IN-list value. */
export function genArray(g: Gen): BindScalar[] {
  return Array.from({ length: g.int(1, 6) }, () => genScalar(g));
}

// Placeholders next to every operator, comment opener, quote and identifier character.
const POSITIONAL_FRAGMENTS = [
  '-?',
  '?-',
  '+?',
  '*?',
  '/?',
  '?/',
  '(?)',
  '?--',
  "'a?b'?",
  "?'c'",
  '1?',
  '?1',
  'x?',
  '?x',
  '.?',
  '?.',
  '??',
  '?e1',
  '1e?',
  '=?',
  '?--c\n',
  '?/*c*/',
  '/*c*/?',
  "'it\\'s?'",
  '"q?"',
  '`i?`',
  '-- ?\n',
  '/* ? */',
  'x IN (?)',
  'x in ( ? )',
  ':x?',
  '$?',
  '?$',
  'é?',
  '?é',
  "?''",
  "''?",
  '"d"?',
  '?"d"',
  '`b`?',
  '?`b`',
  '?*',
  '*/?',
  '%?',
  '<?',
  '?>',
  '!?',
  '~?',
  '|?',
  '&?',
  '^?',
  '?,?',
];
const POSITIONAL_SEPARATORS = ['', '', '', ' ', '\n', ',', ' + ', ' || ', '\t', '-', '/'];

// The same shapes for :name placeholders. A name is never preceded by an identifier character,
// and separators never are one either, so every `:` + word pair outside literals is a placeholder.
const NAMED_FRAGMENTS = [
  '-:N',
  ':N-',
  '+:N',
  '*:N',
  '/:N',
  ':N/',
  '(:N)',
  ':N--',
  "'a:N'",
  "'b':N",
  ":N'c'",
  '.:N',
  ':N.',
  ':N--c\n',
  ':N/*c*/',
  '/*c*/:N',
  '":N"',
  '`:N`',
  '-- :N\n',
  '/* :N */',
  'x IN (:N)',
  '=:N',
  ":N''",
  "'':N",
  '"d":N',
  ':N"d"',
  '`b`:N',
  "'?'",
  ':N,:N',
];
const NAMED_SEPARATORS = [' ', '\n', ', ', ' + ', ' || ', '\t', '('];
const NAMES = ['p0', 'p1', 'p2', 'a_b', 'Z9', '_x'];

/** One generated statement: the template and its params. */
export interface Case {
  sql: string;
  params: BindParams;
}

/** Kind and text of each token, for comparison. */
const show = (t: Token): string => `${t.type}:${t.text}`;

/** Whether the placeholder tokens at [at, at + width) are all of an IN list. */
function isInSlot(tokens: readonly Token[], at: number, width: number): boolean {
  const open = tokens[at - 1];
  const inWord = tokens[at - 2];
  const close = tokens[at + width];
  return (
    open?.type === 'punct' &&
    open.text === '(' &&
    inWord?.type === 'word' &&
    inWord.upper === 'IN' &&
    close?.type === 'punct' &&
    close.text === ')'
  );
}

/** Where the placeholders are among the template's tokens: start index and token count (1 for `?`, 2 for `:name`). */
function placeholderTokens(tokens: readonly Token[], named: boolean): Array<{ at: number; width: number; name?: string }> {
  const out: Array<{ at: number; width: number; name?: string }> = [];
  for (let k = 0; k < tokens.length; k += 1) {
    const t = tokens[k]!;
    if (t.type !== 'punct') continue;
    if (!named && t.text === '?') out.push({ at: k, width: 1 });
    const next = tokens[k + 1];
    if (named && t.text === ':' && next?.type === 'word' && /^[A-Za-z_]\w*$/.test(next.text)) {
      out.push({ at: k, width: 2, name: next.text });
      k += 1;
    }
  }
  return out;
}

// Fragments can meet as an Impala plan hint (`?--` then `+?`), which bind refuses when the hint
// holds quotes (bind.test.ts covers that); such templates are drawn again.
const HINT_OPENER = /--[ ]*\+|\/\*[ ]*\+/;

/** A positional template with a value for each placeholder tokenize.ts finds in it. */
export function genPositionalCase(g: Gen, bigValue?: string): Case {
  let sql: string;
  do {
    const n = g.int(2, 10);
    sql = 'SELECT ';
    for (let k = 0; k < n; k += 1) sql += (k === 0 ? '' : g.pick(POSITIONAL_SEPARATORS)) + g.pick(POSITIONAL_FRAGMENTS);
  } while (HINT_OPENER.test(sql));
  const tokens = tokenize(sql);
  const params: BindValue[] = placeholderTokens(tokens, false).map((p) =>
    isInSlot(tokens, p.at, p.width) && g.chance(0.7) ? genArray(g) : genScalar(g),
  );
  if (bigValue !== undefined && params.length > 0) params[g.int(0, params.length - 1)] = bigValue;
  return { sql, params };
}

/** A named template with a value for each name it uses (the same name may appear several times). */
export function genNamedCase(g: Gen): Case {
  let sql: string;
  do {
    const n = g.int(2, 8);
    sql = 'SELECT ';
    for (let k = 0; k < n; k += 1) {
      const fragment = g.pick(NAMED_FRAGMENTS).replace(/N/g, () => g.pick(NAMES));
      sql += (k === 0 ? '' : g.pick(NAMED_SEPARATORS)) + fragment;
    }
  } while (HINT_OPENER.test(sql));
  const tokens = tokenize(sql);
  const slots = placeholderTokens(tokens, true);
  const params: Record<string, BindValue> = {};
  for (const name of new Set(slots.map((s) => s.name!))) {
    const everyUseInIn = slots.filter((s) => s.name === name).every((s) => isInSlot(tokens, s.at, s.width));
    params[name] = everyUseInIn && g.chance(0.7) ? genArray(g) : genScalar(g);
  }
  return { sql, params };
}

/**
 * The structure property: tokenize(bound) equals the template's tokens with
 * each placeholder's tokens replaced by tokenize(literal(value)). Returns a
 * description of the first difference, or undefined.
 */
export function structureMismatch(binder: Binder, c: Case): string | undefined {
  const named = !Array.isArray(c.params);
  const tokens = tokenize(c.sql);
  const slots = placeholderTokens(tokens, named);
  const expected: string[] = [];
  let k = 0;
  for (const [index, slot] of slots.entries()) {
    for (; k < slot.at; k += 1) expected.push(show(tokens[k]!));
    const value = named ? (c.params as Record<string, BindValue>)[slot.name!] : (c.params as readonly BindValue[])[index];
    let text: string;
    try {
      text = binder.literal(value as BindValue, slot.name ?? index);
    } catch (err) {
      return `literal() threw: ${(err as Error).message}`;
    }
    for (const t of tokenize(text)) expected.push(show(t));
    k = slot.at + slot.width;
  }
  for (; k < tokens.length; k += 1) expected.push(show(tokens[k]!));
  let bound: string;
  try {
    bound = binder.bindParameters(c.sql, c.params);
  } catch (err) {
    return `bindParameters threw: ${(err as Error).message}`;
  }
  const actual = tokenize(bound).map(show);
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i += 1) {
    if (actual[i] !== expected[i]) {
      return `token ${i}: expected ${clip(expected[i])}, got ${clip(actual[i])} in bound ${clip(JSON.stringify(bound), 300)}`;
    }
  }
  return undefined;
}

/** Text cut for messages (values may be 100 KB). */
export function clip(s: string | undefined, max = 120): string {
  if (s === undefined) return '(end)';
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} chars)`;
}

/** A value as it should read back from a TIMESTAMP column: Impala's text, nine fraction digits or none. */
export function timestampText(d: Date): string {
  const iso = d.toISOString();
  const ms = d.getUTCMilliseconds();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === 0 ? '' : `.${String(ms).padStart(3, '0')}000000`}`;
}

/** A short description of a value for failure messages (type and size, not 100 KB of it). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return clip(JSON.stringify(v));
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (Buffer.isBuffer(v)) return `Buffer(${v.length}) ${clip(v.toString('hex'), 40)}`;
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  if (Array.isArray(v)) return `[${v.map(describeValue).join(', ')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${describeValue(x)}`)
      .join(', ')}}`;
  return String(v);
}
