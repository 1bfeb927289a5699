/**
 * The test cluster's SQL against Impala 4.x, table-driven: each case runs
 * through a real coordinator over HS2 with impala-pool's own client and
 * checks values, result column types and labels (or the error text), citing
 * Impala's documentation, source or QueryTest files. Cases share one
 * connection and run in order (later cases read tables earlier ones made).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, formatColumnType, type Hs2Connection } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { CORE_CASES } from './dialect/cases-core.js';
import { MORE_CASES } from './dialect/cases-more.js';
import type { DialectCase } from './dialect/dialect-case.js';

const CASES: DialectCase[] = [...CORE_CASES, ...MORE_CASES];
const USER = 'dialect_user';

let cluster: LocalCluster;
let conn: Hs2Connection;

async function open(): Promise<Hs2Connection> {
  const [host, port] = cluster.hosts[0]!.split(':');
  return connect({ host: host!, port: Number(port), username: USER });
}

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 1 });
  conn = await open();
});

afterAll(async () => {
  await conn?.close();
  await cluster?.close();
});

async function runCase(c: DialectCase, on: Hs2Connection): Promise<void> {
  for (const s of c.setup ?? []) await on.execute(s);
  const statements = Array.isArray(c.sql) ? c.sql : [c.sql];
  for (const s of statements.slice(0, -1)) await on.execute(s);
  const last = statements[statements.length - 1]!;
  if (c.error !== undefined) {
    const err = (await on.query(last).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    expect(err?.message).toBe(c.error);
    return;
  }
  const r = await on.query(last, [], { rowMode: 'array' });
  if (c.rows) expect(r.rows).toEqual(c.rows);
  if (c.rowsPrefix) expect(r.rows.slice(0, c.rowsPrefix.length)).toEqual(c.rowsPrefix);
  expect(r.columns.map((col) => formatColumnType(col))).toEqual(c.types);
  if (c.labels) expect(r.columns.map((col) => col.name)).toEqual(c.labels);
}

describe('Impala dialect', () => {
  it('has a well-formed table', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
    for (const c of CASES) {
      expect(c.source, c.name).not.toBe('');
      expect(c.rows !== undefined || c.rowsPrefix !== undefined || c.error !== undefined, c.name).toBe(true);
      expect(c.error !== undefined || c.types !== undefined, `${c.name}: types`).toBe(true);
    }
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  for (const c of CASES) {
    it(`${c.name} [${c.source}]`, async () => {
      if (!c.fresh) return runCase(c, conn);
      const own = await open();
      try {
        await runCase(c, own);
      } finally {
        await own.close();
      }
    });
  }
});
