/**
 * What a metadata call names for routing: a table (and database) only when
 * its patterns stand for one name; a read either way, so retries follow the
 * rules for idempotent reads.
 */
import { describe, expect, it } from 'vitest';
import { classifyMetadata, literalName } from '../../src/pool/metadata-routing.js';
import { decideRetry } from '../../src/pool/retry-policy.js';
import { ConnectionClosedError } from '../../src/index.js';

describe('literalName', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['orders', 'orders'],
    ['ORDERS', 'orders'],
    ['all_types', 'all_types'],
    ['all\\_types', 'all_types'],
    ['100\\%', '100%'],
    ['back\\\\slash', 'back\\slash'],
    ['ord%', undefined],
    ['%', undefined],
  ])('%j → %j', (pattern, name) => {
    expect(literalName(pattern)).toBe(name);
  });
});

describe('classifyMetadata', () => {
  it.each([
    [{ schema: 'sales', table: 'orders' }, [{ database: 'sales', table: 'orders' }], ['sales']],
    [{ table: 'orders' }, [{ table: 'orders' }], []],
    [{ schema: 'sal%', table: 'orders' }, [], []],
    [{ schema: 'sales', table: 'ord%' }, [], ['sales']],
    [{ schema: 'sales' }, [], ['sales']],
    [{}, [], []],
  ])('%j reads %j in databases %j', (scope, reads, databases) => {
    const c = classifyMetadata('GET_COLUMNS', scope);
    expect(c).toEqual({ kind: 'query', verb: 'GET_COLUMNS', idempotent: true, reads, writes: [], databases, global: false });
  });

  it('is retried after send as a read, never reported as an unknown outcome', () => {
    const error = new ConnectionClosedError('reset', { coordinator: 'h:1', statementSent: true });
    const decision = decideRetry({ error, statement: classifyMetadata('GET_TABLES', { schema: 'sales' }), rowsDelivered: 0 });
    expect(decision).toMatchObject({ action: 'redispatch', budgeted: true });
  });
});
