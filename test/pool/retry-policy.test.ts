import { describe, expect, it } from 'vitest';
import { ConnectError, ImpalaError, OutcomeUnknownError, RpcTimeoutError, ServerError } from '../../src/errors.js';
import { RetryBudget } from '../../src/pool/retry-budget.js';
import { decideRetry } from '../../src/pool/retry-policy.js';
import { serverErrorKind } from '../../src/pool/server-error-kind.js';
import { classify } from '../../src/sql/classify.js';
import { ManualClock } from '../../src/util/clock.js';

const sent = (e: ImpalaError): ImpalaError => Object.assign(e, { statementSent: true, coordinator: 'h1:21050' });

describe('decideRetry', () => {
  it.each<[string, string, ImpalaError, number, string]>([
    ['connect refused, DML', 'INSERT INTO t VALUES (1)', new ConnectError('ECONNREFUSED'), 0, 'redispatch'],
    ['connect refused, DDL', 'CREATE TABLE t (a INT)', new ConnectError('ECONNREFUSED'), 0, 'redispatch'],
    ['reset after send, read', 'SELECT * FROM t', sent(new ImpalaError('reset', 'IMPALA_CONNECTION_CLOSED')), 0, 'redispatch'],
    ['timeout after send, read', 'SELECT * FROM t', sent(new RpcTimeoutError('slow')), 0, 'redispatch'],
    ['reset after rows delivered', 'SELECT * FROM t', sent(new ImpalaError('reset', 'IMPALA_CONNECTION_CLOSED')), 5, 'fail'],
    ['reset after send, DML', 'INSERT INTO t VALUES (1)', sent(new ImpalaError('reset', 'IMPALA_CONNECTION_CLOSED')), 0, 'outcome-unknown'],
    ['reset after send, DDL', 'DROP TABLE t', sent(new ImpalaError('reset', 'IMPALA_CONNECTION_CLOSED')), 0, 'outcome-unknown'],
    [
      'reset after send, unknown statement',
      'FROBNICATE t',
      sent(new ImpalaError('reset', 'IMPALA_CONNECTION_CLOSED')),
      0,
      'outcome-unknown',
    ],
    [
      'server analysis error',
      'SELECT * FROM nope',
      sent(new ServerError("AnalysisException: Could not resolve table reference: 'default.nope'")),
      0,
      'fail',
    ],
    [
      'shutting down, DML',
      'INSERT INTO t VALUES (1)',
      sent(new ServerError('Server is being shut down: grace period 5s')),
      0,
      'redispatch',
    ],
    [
      'admission rejected, DML',
      'INSERT INTO t VALUES (1)',
      sent(new ServerError('Rejected query from pool default-pool: queue full, limit=0, num_queued=0.')),
      0,
      'redispatch',
    ],
    [
      'session expired, DDL',
      'CREATE TABLE t (a INT)',
      sent(new ServerError('Client session expired due to more than 1s of inactivity (last activity was at: x).')),
      0,
      'redispatch',
    ],
    ['caller abort', 'SELECT 1', sent(new ImpalaError('aborted', 'IMPALA_ABORTED')), 0, 'fail'],
    ['caller timeout', 'SELECT 1', sent(new ImpalaError('slow', 'IMPALA_QUERY_TIMEOUT')), 0, 'fail'],
  ])('%s', (_name, sql, error, rowsDelivered, expected) => {
    const d = decideRetry({ error, statement: classify(sql), rowsDelivered });
    if (expected === 'outcome-unknown') {
      expect(d.action).toBe('fail');
      const e = (d as { error: ImpalaError }).error;
      expect(e).toBeInstanceOf(OutcomeUnknownError);
      expect(e.message).toMatch(/may or may not have been applied/);
      expect(e.cause).toBe(error);
    } else {
      expect(d.action).toBe(expected);
    }
  });

  it.each([
    ['Server is being shut down: x', 'shutting-down'],
    ['Admission for query exceeded timeout 60000ms in pool default-pool. Queued reason: x', 'admission'],
    ['Invalid session id: abc', 'session-gone'],
    ["AnalysisException: Could not resolve table reference: 'd.t'", 'table-not-found'],
    ['AnalysisException: Syntax error', 'other'],
  ])('server error kind of %s', (message, kind) => {
    expect(serverErrorKind(new ServerError(message))).toBe(kind);
  });
});

describe('RetryBudget', () => {
  it('allows the floor plus a share of recent requests, and forgets old ones', () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 1, windowMs: 1000 }, clock);
    for (let i = 0; i < 50; i++) budget.recordRequest();
    let granted = 0;
    while (budget.tryWithdraw()) granted += 1;
    expect(granted).toBe(11); // 1/s floor over 1 s + 20% of 50
    clock.advance(1001);
    expect(budget.spent).toBe(0);
    expect(budget.tryWithdraw()).toBe(true);
    expect(budget.tryWithdraw()).toBe(false);
  });
});
