/**
 * The metadata calls answer from the coordinator's own catalog, so Impala's
 * metadata propagation delay applies to them as to statements: on impalad,
 * `MetadataOp.getDbsMetadata` walks the local catalog cache, which learns of
 * DDL done on another coordinator only with the statestore's next update
 * (or at once after INVALIDATE METADATA, which fetches from catalogd).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../../src/testing/index.js';
import { rawConnect, run, type RawSession } from '../support/raw-client.js';
import { metadata } from '../support/raw-metadata.js';
import { waitFor } from '../../support/pool-fixtures.js';

// Long enough that the checks made before the change arrives finish first, even on a loaded machine.
const DELAY_MS = 1000;

let cluster: LocalCluster;
let origin: RawSession;
let other: RawSession;

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 2, catalogDelayMs: DELAY_MS });
  origin = await rawConnect(cluster.coordinators[0]!.port);
  other = await rawConnect(cluster.coordinators[1]!.port);
});

afterAll(async () => {
  await origin?.close();
  await other?.close();
  await cluster?.close();
});

const tableNames = async (s: RawSession, schemaName: string): Promise<unknown[]> =>
  (await metadata(s, 'GetTables', { schemaName })).rows.map((r) => r.TABLE_NAME);

describe('metadata propagation', () => {
  it('a database and a table made on one coordinator are listed there at once, and on another only once the change arrived', async () => {
    const started = performance.now();
    await run(origin, 'CREATE DATABASE prop_db');
    await run(origin, 'CREATE TABLE prop_db.t (a INT, b STRING)');

    expect((await metadata(origin, 'GetSchemas', { schemaName: 'prop_db' })).rows.map((r) => r.TABLE_SCHEM)).toEqual(['prop_db']);
    expect(await tableNames(origin, 'prop_db')).toEqual(['t']);

    // Not yet on the other coordinator: no schema, no table, no columns.
    expect((await metadata(other, 'GetSchemas', { schemaName: 'prop_db' })).rows).toEqual([]);
    expect(await tableNames(other, 'prop_db')).toEqual([]);
    expect((await metadata(other, 'GetColumns', { schemaName: 'prop_db' })).rows).toEqual([]);

    await waitFor(async () => (await tableNames(other, 'prop_db')).length === 1, 5000, 'the table to reach the other coordinator');
    expect(performance.now() - started).toBeGreaterThanOrEqual(DELAY_MS - 50);
    expect((await metadata(other, 'GetSchemas', { schemaName: 'prop_db' })).rows.map((r) => r.TABLE_SCHEM)).toEqual(['prop_db']);
    expect(
      (await metadata(other, 'GetColumns', { schemaName: 'prop_db', tableName: 't' })).rows.map((r) => [r.COLUMN_NAME, r.TYPE_NAME]),
    ).toEqual([
      ['a', 'INT'],
      ['b', 'STRING'],
    ]);
  });

  it('a column added and a table dropped elsewhere keep their old description here until the change arrives', async () => {
    await run(origin, 'CREATE TABLE prop_db.changing (a INT)');
    await run(origin, 'CREATE TABLE prop_db.doomed (a INT)');
    await waitFor(async () => (await tableNames(other, 'prop_db')).includes('doomed'), 5000, 'the tables to reach the other coordinator');

    await run(origin, 'ALTER TABLE prop_db.changing ADD COLUMNS (b BIGINT)');
    await run(origin, 'DROP TABLE prop_db.doomed');
    const columns = async (s: RawSession): Promise<unknown[]> =>
      (await metadata(s, 'GetColumns', { schemaName: 'prop_db', tableName: 'changing' })).rows.map((r) => r.COLUMN_NAME);
    expect(await columns(origin)).toEqual(['a', 'b']);
    expect(await columns(other)).toEqual(['a']);
    expect(await tableNames(other, 'prop_db')).toContain('doomed');

    await waitFor(async () => !(await tableNames(other, 'prop_db')).includes('doomed'), 5000, 'the drop to reach the other coordinator');
    expect(await columns(other)).toEqual(['a', 'b']);
  });

  it('INVALIDATE METADATA on the other coordinator makes it list a new table at once', async () => {
    await run(origin, 'CREATE TABLE prop_db.fresh (a INT)');
    expect(await tableNames(other, 'prop_db')).not.toContain('fresh');
    await run(other, 'INVALIDATE METADATA');
    expect(await tableNames(other, 'prop_db')).toContain('fresh');
  });
});
