/**
 * `SET` and `SET ALL` against impalad's option table: how many options each
 * lists, in what order, particular defaults printed as impalad prints them
 * (be/src/service/query-options.cc TQueryOptionsToMap, QueryTest/set.test),
 * and which names a session keeps: impalad refuses unknown names in `SET`,
 * ignores removed ones, and drops both from the OpenSession configuration.
 */
import { once } from 'node:events';
import thrift from 'thrift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, formatColumnType, type ConnectOptions, type Hs2Connection } from '../../src/index.js';
import { startCluster, type LocalCluster } from '../../src/testing/index.js';
import { QUERY_OPTIONS } from '../../src/testing/engine/query-options.js';
import { service, tcli } from '../../src/wire/gen.js';

let cluster: LocalCluster;
let conn: Hs2Connection;

function open(extra: Partial<ConnectOptions> = {}): Promise<Hs2Connection> {
  const [host, port] = cluster.hosts[0]!.split(':');
  return connect({ host: host!, port: Number(port), ...extra });
}

beforeAll(async () => {
  cluster = await startCluster({ coordinators: 1 });
  conn = await open();
});

afterAll(async () => {
  await conn?.close();
  await cluster?.close();
});

async function set(on: Hs2Connection, sql: 'SET' | 'SET ALL'): Promise<Map<string, [string, string]>> {
  const r = await on.query<string[]>(sql, [], { rowMode: 'array' });
  return new Map(r.rows.map(([name, value, level]) => [name!, [value!, level!]]));
}

describe('SET and SET ALL', () => {
  it('SET lists the 169 REGULAR and ADVANCED options, SET ALL all 206, in byte order of the name', async () => {
    const plain = await conn.query<string[]>('SET', [], { rowMode: 'array' });
    expect(plain.columns.map((c) => c.name)).toEqual(['option', 'value', 'level']);
    expect(plain.columns.map((c) => formatColumnType(c))).toEqual(['STRING', 'STRING', 'STRING']);
    const levels = plain.rows.map((r) => r[2]);
    expect(levels.length).toBe(169);
    expect(new Set(levels)).toEqual(new Set(['REGULAR', 'ADVANCED']));
    const all = (await conn.query<string[]>('SET ALL', [], { rowMode: 'array' })).rows;
    expect(all.length).toBe(206);
    const names = all.map((r) => r[0]!);
    // std::map<string> order: '_' sorts after the letters, so AGGREGATED_PROFILE comes before AGG_MEM_CORRELATION_FACTOR.
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(names.indexOf('AGGREGATED_PROFILE')).toBeLessThan(names.indexOf('AGG_MEM_CORRELATION_FACTOR'));
    expect(all.filter((r) => r[2] === 'DEVELOPMENT').length).toBe(26);
    expect(all.filter((r) => r[2] === 'REMOVED').length).toBe(11);
  });

  it('prints defaults as impalad does', async () => {
    const plain = await set(conn, 'SET');
    expect(plain.get('MEM_LIMIT')).toEqual(['0', 'REGULAR']);
    expect(plain.get('SYNC_DDL')).toEqual(['0', 'REGULAR']);
    expect(plain.get('FETCH_ROWS_TIMEOUT_MS')).toEqual(['10000', 'ADVANCED']);
    expect(plain.get('EXPLAIN_LEVEL')).toEqual(['STANDARD', 'REGULAR']);
    expect(plain.get('MT_DOP')).toEqual(['', 'REGULAR']);
    expect(plain.get('RUNTIME_FILTER_MODE')).toEqual(['GLOBAL', 'REGULAR']);
    expect(plain.get('ENABLED_RUNTIME_FILTER_TYPES')).toEqual(['BLOOM,MIN_MAX', 'ADVANCED']);
    expect(plain.get('RESOURCE_TRACE_RATIO')).toEqual(['1.000000', 'ADVANCED']);
    expect(plain.get('MAX_FRAGMENT_INSTANCES_PER_NODE')).toEqual(['128', 'ADVANCED']);
    expect(plain.has('BATCH_SIZE')).toBe(false);
    const all = await set(conn, 'SET ALL');
    // QueryTest/set.test's subset (its ABORT_ON_ERROR is 1 because Impala's test harness sets it).
    const subset: [string, string, string][] = [
      ['BATCH_SIZE', '0', 'DEVELOPMENT'],
      ['BUFFER_POOL_LIMIT', '', 'ADVANCED'],
      ['DEBUG_ACTION', '', 'DEVELOPMENT'],
      ['DISABLE_CODEGEN', '0', 'REGULAR'],
      ['DISABLE_OUTERMOST_TOPN', '0', 'DEVELOPMENT'],
      ['HBASE_CACHE_BLOCKS', '0', 'ADVANCED'],
      ['HBASE_CACHING', '0', 'ADVANCED'],
      ['MAX_ERRORS', '100', 'ADVANCED'],
      ['MAX_SCAN_RANGE_LENGTH', '0', 'DEVELOPMENT'],
      ['NUM_NODES', '0', 'DEVELOPMENT'],
      ['NUM_SCANNER_THREADS', '0', 'REGULAR'],
      ['COMPRESSION_CODEC', '', 'REGULAR'],
      ['PARQUET_FILE_SIZE', '0', 'ADVANCED'],
      ['REQUEST_POOL', '', 'REGULAR'],
      ['DEFAULT_FILE_FORMAT', 'PARQUET', 'REGULAR'],
      ['DISABLE_HDFS_NUM_ROWS_ESTIMATE', '0', 'REGULAR'],
    ];
    for (const [name, value, level] of subset) expect(all.get(name), name).toEqual([value, level]);
    expect(all.get('V_CPU_CORES')).toEqual(['', 'REMOVED']);
  });

  it('shows the session’s values, ignores removed options and refuses unknown ones', async () => {
    const own = await open();
    try {
      await own.execute('SET sync_ddl=1');
      await own.execute('SET parquet_compression_codec=SNAPPY');
      await own.execute('SET V_CPU_CORES=4');
      const err = (await own.execute('SET No_Such_Option=1').then(
        () => undefined,
        (e: unknown) => e,
      )) as Error | undefined;
      expect(err?.message).toBe('Invalid query option: No_Such_Option');
      const all = await set(own, 'SET ALL');
      expect(all.get('SYNC_DDL')).toEqual(['1', 'REGULAR']);
      expect(all.get('COMPRESSION_CODEC')).toEqual(['SNAPPY', 'REGULAR']);
      expect(all.get('V_CPU_CORES')).toEqual(['', 'REMOVED']);
      expect(all.size).toBe(206);
      await own.execute("SET SYNC_DDL=''");
      expect((await set(own, 'SET')).get('SYNC_DDL')).toEqual(['0', 'REGULAR']);
    } finally {
      await own.close();
    }
  });

  it('keeps known session configuration options and drops the rest', async () => {
    const own = await open({ queryOptions: { sync_ddl: '1', NO_SUCH_OPTION: 'x', V_CPU_CORES: '4' } });
    try {
      const all = await set(own, 'SET ALL');
      expect(all.get('SYNC_DDL')).toEqual(['1', 'REGULAR']);
      expect(all.has('NO_SUCH_OPTION')).toBe(false);
      expect(all.get('V_CPU_CORES')).toEqual(['', 'REMOVED']);
    } finally {
      await own.close();
    }
  });

  it('OpenSession answers every option, as TQueryOptionsToMap gives them, and http_addr', async () => {
    const port = cluster.coordinators[0]!.port;
    const socket = thrift.createConnection('127.0.0.1', port, { transport: thrift.TBufferedTransport, protocol: thrift.TBinaryProtocol });
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    try {
      const client = thrift.createClient(service as never, socket) as InstanceType<typeof service.Client>;
      const configuration = { sync_ddl: '1', no_such_option: 'x' };
      const protocol = tcli.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V6;
      const resp = await client.OpenSession(new tcli.TOpenSessionReq({ client_protocol: protocol, configuration }));
      const answered = resp.configuration ?? {};
      expect(Object.keys(answered).sort()).toEqual([...QUERY_OPTIONS.map((o) => o.name), 'http_addr'].sort());
      expect(answered['SYNC_DDL']).toBe('1');
      expect(answered['EXPLAIN_LEVEL']).toBe('STANDARD');
      await client.CloseSession(new tcli.TCloseSessionReq({ sessionHandle: resp.sessionHandle! }));
    } finally {
      socket.destroy();
    }
  });
});
