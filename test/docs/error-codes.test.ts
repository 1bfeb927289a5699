/**
 * The error reference and the README's error list name exactly the codes of
 * src/errors.ts's ImpalaErrorCode union, and the reference lists every
 * AuthenticationError reason: a code added, renamed or removed in the source
 * fails here until the documentation says so too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** The string literals of `export type <name> = 'a' | 'b' …;` in `source`. */
function unionMembers(source: string, name: string): string[] {
  const m = new RegExp(`export type ${name}\\s*=([^;]*);`).exec(source);
  if (!m) throw new Error(`src/errors.ts has no union type ${name}`);
  return [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!);
}

/** Every distinct `IMPALA_…` code named in `text`. */
function codesIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\bIMPALA_[A-Z_]+\b/g)].map((x) => x[0]))].sort();
}

/** The lines from the heading `heading` up to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(' ') <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

const errors = read('src/errors.ts');
const CODES = unionMembers(errors, 'ImpalaErrorCode').sort();
const REASONS = unionMembers(errors, 'AuthFailureReason').sort();

describe('error codes in the documentation', () => {
  it('src/errors.ts declares the union the documentation is checked against', () => {
    expect(CODES.length).toBeGreaterThan(10);
    expect(CODES).toContain('IMPALA_OUTCOME_UNKNOWN');
    expect(REASONS).toContain('rejected');
  });

  const reference = read('docs/errors.md');

  it('docs/errors.md has a section for every code and names no other', () => {
    const headed = [...reference.matchAll(/^### `(IMPALA_[A-Z_]+)`$/gm)].map((x) => x[1]!).sort();
    expect(headed).toEqual(CODES);
    expect(codesIn(reference)).toEqual(CODES);
  });

  it('docs/errors.md has a row for every code in its table of codes', () => {
    const rows = [...section(reference, '## Codes').matchAll(/^\| `(IMPALA_[A-Z_]+)` \|/gm)].map((x) => x[1]!).sort();
    expect(rows).toEqual(CODES);
  });

  it('docs/errors.md lists every AuthenticationError reason', () => {
    const rows = [...section(reference, '### `IMPALA_AUTH`').matchAll(/^\| `([a-z-]+)` \|/gm)].map((x) => x[1]!).sort();
    expect(rows).toEqual(REASONS);
  });

  it("README.md's error list names every code and no other", () => {
    const list = section(read('README.md'), '### Errors');
    expect(codesIn(list)).toEqual(CODES);
  });
});
