/**
 * The one place a caller's statement becomes what is sent: the text is
 * checked, parameters are bound, and the template is classified. Every entry
 * point (pool, session, lease, stream, direct connection) goes through here,
 * so a wrong statement or parameter count is a TypeError before anything
 * reaches a server.
 *
 * Classification reads the template, not the bound text: placeholders stand
 * for literals, which never change what a statement is or which tables it
 * names, and a 50 MB bound value need not be tokenized twice.
 *
 * @module
 */
import { LRUCache } from 'lru-cache';
import { bindParameters } from './bind.js';
import { classify, type Classification } from './classify.js';

/**
 * Classifications of recent templates. Applications run the same templates
 * over and over, and tokenizing one cost about a tenth of what the pool adds
 * to a short statement. Long templates are classified each time: they would
 * crowd out the rest.
 */
const classified = new LRUCache<string, Classification>({ max: 1000 });
const MAX_CACHED_TEMPLATE = 4096;

/** The template's classification, frozen: one object serves every statement made from the template. */
function classifyTemplate(sql: string): Classification {
  if (sql.length > MAX_CACHED_TEMPLATE) return classify(sql);
  let c = classified.get(sql);
  if (!c) {
    const fresh = classify(sql);
    for (const ref of [...fresh.reads, ...fresh.writes]) Object.freeze(ref);
    Object.freeze(fresh.reads);
    Object.freeze(fresh.writes);
    Object.freeze(fresh.databases);
    c = Object.freeze(fresh);
    classified.set(sql, c);
  }
  return c;
}

/** Parameters as {@link bindParameters} takes them. */
export type StatementParams = Parameters<typeof bindParameters>[1];

/** A statement ready to send. */
export interface PreparedStatement {
  /** The text with every placeholder bound. */
  readonly text: string;
  /** What the statement is and which tables it reads and writes. */
  readonly classification: Classification;
}

/**
 * Checks and binds a statement.
 *
 * @throws TypeError when `sql` is not a string, or parameters do not fit its placeholders
 */
export function statementText(sql: unknown, params: StatementParams): string {
  if (typeof sql !== 'string') throw new TypeError(`the statement must be a string, got ${sql === null ? 'null' : typeof sql}`);
  return bindParameters(sql, params);
}

/**
 * Checks, binds and classifies a statement.
 *
 * @throws TypeError when `sql` is not a string, or parameters do not fit its placeholders
 */
export function prepareStatement(sql: unknown, params: StatementParams): PreparedStatement {
  const text = statementText(sql, params);
  return { text, classification: classifyTemplate(sql as string) };
}
