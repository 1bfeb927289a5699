/**
 * How the pool routes and retries a metadata call (getTables, getColumns,
 * …): as an idempotent read. It names a table only when its table pattern
 * has no `%` (and its schema pattern none either, or is absent: then the
 * current database's table) — then a table changed moments ago on one
 * coordinator is listed from that coordinator (its table pin), as a query
 * reading it would be, instead of from one whose catalog has not caught
 * up. A call whose patterns match many names routes like any other read.
 *
 * @module
 * @internal
 */
import type { MetadataScope } from '../hs2/metadata.js';
import type { Classification, TableRef } from '../sql/classify.js';

/**
 * The name a JDBC pattern stands for when it has no `%`: escapes undone,
 * and `_` taken as itself (table names hold underscores far more often
 * than callers mean "any character"). Undefined for a pattern that matches
 * many names or is absent.
 */
export function literalName(pattern: string | undefined): string | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i]!;
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_' || pattern[i + 1] === '\\')) {
      out += pattern[i + 1];
      i += 1;
    } else if (ch === '%') {
      return undefined;
    } else {
      out += ch;
    }
  }
  return out.toLowerCase();
}

/** The classification a metadata call routes and retries by. */
export function classifyMetadata(verb: string, scope: MetadataScope): Classification {
  const database = literalName(scope.schema);
  const table = literalName(scope.table);
  const reads: TableRef[] = [];
  if (table !== undefined) {
    // Without a schema pattern the call looks in every database; the pin
    // that matters is then the current database's table (qualify() fills it in).
    if (scope.schema === undefined) reads.push({ table });
    else if (database !== undefined) reads.push({ database, table });
  }
  return { kind: 'query', verb, idempotent: true, reads, writes: [], databases: database !== undefined ? [database] : [], global: false };
}
