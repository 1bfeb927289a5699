/**
 * Seeded property test for parameter binding as a security boundary.
 *
 * STRUCTURE: for thousands of generated templates (placeholders next to every
 * operator, comment opener, quote and identifier character; positional and
 * named) and hostile values, tokenize(bound) is the template's tokens with
 * each placeholder replaced by tokenize(literal(value)).
 *
 * ROUND TRIP, on the test cluster over a real socket: values read back
 * exactly from STRING/BIGINT/DOUBLE/BOOLEAN/BINARY/TIMESTAMP columns; many
 * `10-? AS v, …, 'tail' AS w` items come back computed, with `w` present;
 * two operands side by side (`1?`, `'abc'?`, `?e1`) are rejected by the
 * server instead of joining into one token.
 *
 * Reproduce a failure with BIND_FUZZ_SEED=<seed from the message>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Hs2Connection } from '../../src/index.js';
import * as binder from '../../src/sql/bind.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { seededRandom } from '../../src/util/clock.js';
import { arithmeticRound, glueRound, insertRound, ROUND_TRIP_DDL, type QueryFn } from './bind-fuzz-cluster.js';
import { clip, describeValue, genBigString, genNamedCase, genPositionalCase, Gen, structureMismatch } from './bind-fuzz-support.js';

const SEED = Number(process.env.BIND_FUZZ_SEED ?? 20_260_524);
const where = (what: string): string => `seed ${SEED} (BIND_FUZZ_SEED=${SEED} to reproduce), ${what}`;

/** Fails with the first few problems, each with its random seed. */
function expectNone(failures: readonly string[], what: string): void {
  if (failures.length === 0) return;
  const shown = failures.slice(0, 8).join('\n  ');
  expect.fail(`${where(what)}: ${failures.length} failure(s):\n  ${shown}`);
}

describe('binding preserves statement structure', () => {
  it.each([
    ['positional', 3000, (g: Gen) => genPositionalCase(g)],
    ['named', 1500, (g: Gen) => genNamedCase(g)],
  ] as const)('%s templates: %i statements', (kind, count, gen) => {
    const g = new Gen(seededRandom(SEED + (kind === 'named' ? 1 : 0)));
    const failures: string[] = [];
    let placeholders = 0;
    for (let k = 0; k < count; k += 1) {
      const c = gen(g);
      placeholders += Array.isArray(c.params) ? c.params.length : Object.keys(c.params).length;
      const mismatch = structureMismatch(binder, c);
      if (mismatch) failures.push(`statement ${k}: ${clip(JSON.stringify(c.sql), 200)} with ${describeValue(c.params)}: ${mismatch}`);
    }
    expectNone(failures, `${kind} structure`);
    expect(placeholders).toBeGreaterThan(count);
  });

  it('holds with 100 KB hostile strings', () => {
    const g = new Gen(seededRandom(SEED + 2));
    const failures: string[] = [];
    for (let k = 0; k < 6; k += 1) {
      const c = genPositionalCase(g, genBigString(g));
      const mismatch = structureMismatch(binder, c);
      if (mismatch) failures.push(`big statement ${k}: ${clip(JSON.stringify(c.sql))}: ${mismatch}`);
    }
    expectNone(failures, 'structure with big strings');
  });
});

describe('binding round-trips on the test cluster', () => {
  let cluster: LocalCluster;
  let conn: Hs2Connection;
  let query: QueryFn;

  beforeAll(async () => {
    cluster = await startCluster({ coordinators: 1 });
    const [host, port] = cluster.hosts[0]!.split(':');
    conn = await connect({ host: host!, port: Number(port) });
    query = (sql, params) => conn.query(sql, params);
    await conn.execute(ROUND_TRIP_DDL);
  });

  afterAll(async () => {
    await conn?.close();
    await cluster?.close();
  });

  it('reads every value back exactly from a column of its type', async () => {
    const g = new Gen(seededRandom(SEED + 3));
    const failures: string[] = [];
    for (let round = 0; round < 24; round += 1) {
      failures.push(...(await insertRound(g, query, round * 100, 25, { bigStrings: round < 3 ? 1 : 0 })));
    }
    expectNone(failures, 'INSERT/SELECT round trip');
    // 600 inserts and reads: about 9 s on a loaded 2-core machine, so the default 30 s is too close.
  }, 120_000);

  it('computes arithmetic next to each placeholder and keeps the columns after it', async () => {
    const g = new Gen(seededRandom(SEED + 4));
    const failures: string[] = [];
    for (let round = 0; round < 40; round += 1) failures.push(...(await arithmeticRound(g, query, round % 2 === 1)));
    expectNone(failures, 'arithmetic templates');
  });

  it('never joins a literal to the operand next to it', async () => {
    const g = new Gen(seededRandom(SEED + 5));
    expectNone(await glueRound(g, query, 150), 'adjacent operands');
  });
});
