/**
 * The metadata calls of one direct connection against the local test
 * coordinator over real sockets: typed rows with JDBC's column names, the
 * round trips they cost, option checks, errors, deadlines and clean-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  ClientClosedError,
  connect,
  ProtocolError,
  QueryTimeoutError,
  ServerError,
  type Hs2Connection,
} from '../../src/index.js';
import { COLUMN_LAYOUT, decodeRows, SCHEMA_LAYOUT, TABLE_LAYOUT } from '../../src/hs2/metadata-rows.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';

let cluster: LocalCluster;
let conn: Hs2Connection;

function hostPort(): { host: string; port: number } {
  const [host, port] = cluster.hosts[0]!.split(':');
  return { host: host!, port: Number(port) };
}

const stats = () => cluster.stats()[0]!;

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 1 });
  conn = await connect(hostPort());
  await conn.execute('CREATE DATABASE md_client');
  await conn.execute('CREATE TABLE md_client.events (id BIGINT, kind VARCHAR(16), at TIMESTAMP) PARTITIONED BY (day STRING)');
  await conn.execute('CREATE VIEW md_client.kinds AS SELECT DISTINCT kind FROM md_client.events');
});

afterAll(async () => {
  await conn?.close();
  await cluster?.close();
});

describe('rows', () => {
  it('getSchemas and getTables return typed rows with JDBC’s column names, the query id and the coordinator', async () => {
    const schemas = await conn.getSchemas({ schemaPattern: 'md\\_%' });
    expect(schemas.rows).toEqual([{ TABLE_SCHEM: 'md_client', TABLE_CATALOG: '' }]);
    expect(schemas.queryId).toMatch(/^[0-9a-f]{16}:[0-9a-f]{16}$/);
    expect(schemas.coordinator).toBe(cluster.hosts[0]);

    const tables = await conn.getTables({ schemaPattern: 'md_client' });
    expect(tables.rows).toEqual([
      { TABLE_CAT: '', TABLE_SCHEM: 'md_client', TABLE_NAME: 'events', TABLE_TYPE: 'TABLE', REMARKS: '' },
      { TABLE_CAT: '', TABLE_SCHEM: 'md_client', TABLE_NAME: 'kinds', TABLE_TYPE: 'VIEW', REMARKS: '' },
    ]);
    expect((await conn.getTables({ schemaPattern: 'md_client', tableTypes: ['view'] })).rows.map((r) => r.TABLE_NAME)).toEqual(['kinds']);
  });

  it('getColumns names the schema column TABLE_SCHEM (impalad sends TABLE_MD) and types the numbers', async () => {
    const { rows } = await conn.getColumns({ schemaPattern: 'md_client', tablePattern: 'events' });
    expect(
      rows.map((r) => [r.TABLE_SCHEM, r.COLUMN_NAME, r.DATA_TYPE, r.TYPE_NAME, r.COLUMN_SIZE, r.ORDINAL_POSITION, r.IS_NULLABLE]),
    ).toEqual([
      ['md_client', 'id', -5, 'BIGINT', 19, 2, 'YES'],
      ['md_client', 'kind', 12, 'VARCHAR', 16, 3, 'YES'],
      ['md_client', 'at', 93, 'TIMESTAMP', 29, 4, 'YES'],
      ['md_client', 'day', 12, 'STRING', 2147483647, 1, 'YES'],
    ]);
    expect(Object.keys(rows[0]!)).toEqual(COLUMN_LAYOUT.map(([name]) => name));
    expect(
      (await conn.getColumns({ schemaPattern: 'md_client', tablePattern: 'events', columnPattern: 'k%' })).rows.map((r) => r.COLUMN_NAME),
    ).toEqual(['kind']);
  });

  it('getFunctions, getTypeInfo, getTableTypes, getCatalogs, getPrimaryKeys and getCrossReference', async () => {
    const fns = await conn.getFunctions({ functionPattern: 'lower' });
    expect(fns.rows).toEqual([
      {
        FUNCTION_CAT: null,
        FUNCTION_SCHEM: '_impala_builtins',
        FUNCTION_NAME: 'lower',
        REMARKS: '',
        FUNCTION_TYPE: 1,
        SPECIFIC_NAME: 'lower(STRING)',
      },
    ]);
    const types = await conn.getTypeInfo();
    expect(types.rows.find((r) => r.TYPE_NAME === 'DECIMAL')).toMatchObject({
      DATA_TYPE: 3,
      PRECISION: -1,
      CASE_SENSITIVE: false,
      NUM_PREC_RADIX: 10,
    });
    expect((await conn.getTableTypes()).rows).toEqual([{ TABLE_TYPE: 'TABLE' }, { TABLE_TYPE: 'VIEW' }]);
    expect((await conn.getCatalogs()).rows).toEqual([]);
    expect((await conn.getPrimaryKeys({ schemaName: 'md_client', tableName: 'events' })).rows).toEqual([]);
    expect((await conn.getCrossReference({ foreignSchemaName: 'md_client', foreignTableName: 'events' })).rows).toEqual([]);
  });
});

describe('round trips and clean-up', () => {
  it('a call costs the metadata request, GetResultSetMetadata with the first FetchResults, and a close that is not waited for', async () => {
    await conn.settled();
    const before = { ...stats().rpcs };
    const pipelined = stats().rpcsPipelined;
    await conn.getTables({ schemaPattern: 'md_client' });
    await conn.settled();
    const after = stats().rpcs;
    const delta = (m: string): number => (after[m] ?? 0) - (before[m] ?? 0);
    expect(['GetTables', 'GetResultSetMetadata', 'FetchResults', 'CloseImpalaOperation'].map(delta)).toEqual([1, 1, 1, 1]);
    expect(delta('GetOperationStatus')).toBe(0);
    // The first fetch and the close went out without waiting for the answer before them.
    expect(stats().rpcsPipelined - pipelined).toBeGreaterThanOrEqual(1);
    expect(stats().operationsOpen).toBe(0);
  });
});

describe('options', () => {
  it.each([
    ['a pattern that is not a string', () => conn.getTables({ tablePattern: 5 as never }), /option tablePattern must be a string, got 5/],
    ['a misspelt option', () => conn.getColumns({ tablePatern: 'x' } as never), /unknown getColumns option tablePatern/],
    [
      'table types that are not a list of strings',
      () => conn.getTables({ tableTypes: 'TABLE' as never }),
      /option tableTypes must be an array of strings/,
    ],
    [
      'getFunctions without a function pattern',
      () => conn.getFunctions({} as never),
      /option functionPattern must be a string, got undefined/,
    ],
    ['getPrimaryKeys without a table', () => conn.getPrimaryKeys({ schemaName: 'x' } as never), /option tableName must be a string/],
    ['options that are not an object', () => conn.getSchemas('default' as never), /getSchemas options must be an object/],
    ['a bad timeout', () => conn.getSchemas({ timeoutMs: -1 }), /option timeoutMs/],
    ['an affinity key (the pool’s option)', () => conn.getSchemas({ affinityKey: 'k' } as never), /unknown getSchemas option affinityKey/],
  ])('%s is a TypeError before anything is sent', async (_what, call, message) => {
    const before = stats().rpcs;
    await expect(call()).rejects.toThrow(TypeError);
    await expect(call()).rejects.toThrow(message);
    expect(stats().rpcs).toEqual(before);
  });
});

describe('errors', () => {
  it('a pattern the server cannot compile is a ServerError with its message; the connection goes on', async () => {
    const err = await conn.getColumns({ columnPattern: 'a(' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).code).toBe('IMPALA_SERVER');
    expect((err as ServerError).message).toMatch(/^PatternSyntaxException: /);
    expect((err as ServerError).sqlState).toBe('HY000');
    expect((err as ServerError).coordinator).toBe(cluster.hosts[0]);
    expect((err as ServerError).statementSent).toBe(true);
    expect((await conn.getSchemas({ schemaPattern: 'default' })).rows).toHaveLength(1);
    await conn.settled();
    expect(stats().operationsOpen).toBe(0);
  });

  it('a closed connection refuses with ClientClosedError, statementSent false', async () => {
    const other = await connect(hostPort());
    await other.close();
    const err = await other.getTables().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ClientClosedError);
    expect((err as ClientClosedError).statementSent).toBe(false);
  });

  it('a signal that already fired stops the call before it is sent (AbortError)', async () => {
    const before = stats().rpcs.GetSchemas ?? 0;
    await expect(conn.getSchemas({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(stats().rpcs.GetSchemas ?? 0).toBe(before);
  });

  it('timeoutMs covers the call: a coordinator that answers nothing gives QueryTimeoutError in time', async () => {
    const other = await connect({ ...hostPort(), rpcTimeoutMs: 30_000 });
    cluster.coordinators[0]!.pause();
    const started = performance.now();
    try {
      await expect(other.getColumns({ timeoutMs: 300 })).rejects.toBeInstanceOf(QueryTimeoutError);
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      cluster.coordinators[0]!.resume();
      other.destroy();
    }
  });
});

describe('decoding', () => {
  const coordinator = 'h:1';

  it('takes columns by position and ignores extra ones (Hive’s HS2 sends more)', () => {
    const rows = decodeRows(
      SCHEMA_LAYOUT,
      [
        ['default', 'sales'],
        ['', null],
        ['extra', 'extra'],
      ],
      'GetSchemas',
      coordinator,
    );
    expect(rows).toEqual([
      { TABLE_SCHEM: 'default', TABLE_CATALOG: '' },
      { TABLE_SCHEM: 'sales', TABLE_CATALOG: null },
    ]);
  });

  it('takes a BIGINT code column as a number', () => {
    const columns = COLUMN_LAYOUT.map(([, kind]) => [kind === 'number' ? 4n : kind === 'string' ? 's' : true]);
    expect(decodeRows(COLUMN_LAYOUT, columns, 'GetColumns', coordinator)[0]!.DATA_TYPE).toBe(4);
  });

  it.each([
    ['too few columns', [['t'], ['default']], /GetTables answer from h:1 has 2 columns; JDBC's result set has 5/],
    ['a NULL where JDBC has none', [[''], ['d'], [null], ['TABLE'], ['']], /TABLE_NAME of row 1 is NULL/],
    ['a value of the wrong kind', [[''], ['d'], ['t'], [7], ['']], /TABLE_TYPE of row 1 is not a string/],
  ])('%s is a ProtocolError', (_what, columns, message) => {
    expect(() => decodeRows(TABLE_LAYOUT, columns as never, 'GetTables', coordinator)).toThrow(ProtocolError);
    expect(() => decodeRows(TABLE_LAYOUT, columns as never, 'GetTables', coordinator)).toThrow(message);
  });
});
